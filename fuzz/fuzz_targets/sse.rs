//! The SSE parser against a line-at-a-time reference written straight from the WHATWG grammar:
//! the same events whatever the chunking (the first two bytes pick two cut points), and with a
//! small limit no event is ever larger than the limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_web_client::core::sse::{Event, Parser};

fuzz_target!(|input: &[u8]| {
    let (cuts, stream) = match input {
        [a, b, rest @ ..] => ((*a as usize, *b as usize), rest),
        _ => return,
    };
    let expected = reference(stream);

    let mut whole = Parser::new(1 << 20);
    assert_eq!(whole.feed(stream).unwrap(), expected);

    let i = cuts.0.min(stream.len());
    let j = (i + cuts.1).min(stream.len());
    let mut split = Parser::new(1 << 20);
    let mut got = split.feed(&stream[..i]).unwrap();
    got.extend(split.feed(&stream[i..j]).unwrap());
    got.extend(split.feed(&stream[j..]).unwrap());
    assert_eq!(got, expected, "cut at {i},{j}");
    assert_eq!(split.last_event_id(), whole.last_event_id());
    assert_eq!(split.retry_ms(), whole.retry_ms());

    let limit = 16;
    let mut small = Parser::new(limit);
    for chunk in [&stream[..i], &stream[i..j], &stream[j..]] {
        match small.feed(chunk) {
            Ok(events) => assert!(events.iter().all(|e| e.data.len() <= limit)),
            Err(_) => break,
        }
    }
});

/// The grammar applied to the whole stream at once: lines end at CRLF, LF or CR; a final line
/// without an end is not processed (the stream may go on).
fn reference(stream: &[u8]) -> Vec<Event> {
    let stream = stream.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(stream);
    let mut lines = Vec::new();
    let mut start = 0;
    let mut k = 0;
    while k < stream.len() {
        match stream[k] {
            b'\r' if stream.get(k + 1) == Some(&b'\n') => {
                lines.push(&stream[start..k]);
                k += 2;
                start = k;
            }
            b'\r' | b'\n' => {
                lines.push(&stream[start..k]);
                k += 1;
                start = k;
            }
            _ => k += 1,
        }
    }
    let (mut out, mut data, mut event, mut id, mut pending_id) = (Vec::new(), None::<String>, String::new(), None, None);
    for line in lines {
        if line.is_empty() {
            if let Some(p) = pending_id.take() {
                id = Some(p).filter(|p: &String| !p.is_empty());
            }
            let name = std::mem::take(&mut event);
            if let Some(d) = data.take() {
                out.push(Event { event: if name.is_empty() { "message".into() } else { name }, data: d, id: id.clone() });
            }
            continue;
        }
        if line[0] == b':' {
            continue;
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(c) => (&line[..c], line[c + 1..].strip_prefix(b" ").unwrap_or(&line[c + 1..])),
            None => (line, &b""[..]),
        };
        let value = String::from_utf8_lossy(value).into_owned();
        match field {
            b"data" => match &mut data {
                Some(d) => {
                    d.push('\n');
                    d.push_str(&value);
                }
                None => data = Some(value),
            },
            b"event" => event = value,
            b"id" if !value.contains('\0') => pending_id = Some(value),
            _ => {}
        }
    }
    out
}
