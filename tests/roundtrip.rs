//! Round-trip properties of the wire formats the client reads and writes, on generated input
//! (the fuzz targets in `fuzz/` explore the same code from arbitrary bytes).
#![cfg(not(target_arch = "wasm32"))]

use mcp_web_client::core::modern::{decode_header_value, encode_header_value};
use mcp_web_client::core::sse::{Event, Parser};
use proptest::prelude::*;

/// An event as a server could send it: a name and an id without line breaks (the id also
/// without NUL), data of any text but CR (LF splits it into several `data:` lines).
fn event() -> impl Strategy<Value = (String, String, Option<String>)> {
    ("[^\r\n]{0,12}", "[^\r]{0,40}", proptest::option::of("[^\r\n\0]{1,12}"))
}

/// Frames events as `text/event-stream`, with the given line ending and a comment before each.
fn frame(events: &[(String, String, Option<String>)], eol: &str) -> String {
    let mut out = String::new();
    for (name, data, id) in events {
        out.push_str(&format!(":keep-alive{eol}"));
        if !name.is_empty() {
            out.push_str(&format!("event: {name}{eol}"));
        }
        if let Some(id) = id {
            out.push_str(&format!("id: {id}{eol}"));
        }
        for line in data.split('\n') {
            out.push_str(&format!("data: {line}{eol}"));
        }
        out.push_str(eol);
    }
    out
}

/// Parses a stream delivered in chunks cut at the given positions, each followed by an empty
/// chunk (streams may deliver those).
fn parse_chunked(bytes: &[u8], cuts: &[usize]) -> Vec<Event> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    let mut p = Parser::new(1 << 20);
    let (mut out, mut at) = (Vec::new(), 0);
    for cut in cuts.into_iter().chain([bytes.len()]) {
        out.extend(p.feed(&bytes[at..cut]).unwrap());
        out.extend(p.feed(&[]).unwrap());
        at = cut;
    }
    p.finish().unwrap();
    out
}

proptest! {
    #[test]
    fn sse_events_survive_framing_chunking_and_reframing(
        events in proptest::collection::vec(event(), 0..6),
        eol in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let got = parse_chunked(frame(&events, eol).as_bytes(), &cuts);
        let mut last_id = None;
        let expected: Vec<Event> = events.iter().map(|(name, data, id)| {
            if id.is_some() { last_id = id.clone(); }
            Event {
                event: if name.is_empty() { "message".into() } else { name.clone() },
                data: data.clone(),
                id: last_id.clone(),
            }
        }).collect();
        prop_assert_eq!(&got, &expected);

        // What we parsed, framed again, parses to the same events.
        let again: Vec<_> = got.iter().map(|e| (e.event.clone(), e.data.clone(), e.id.clone())).collect();
        prop_assert_eq!(parse_chunked(frame(&again, "\n").as_bytes(), &[]), expected);
    }

    #[test]
    fn header_values_are_visible_ascii_and_decode_to_the_argument(value in any::<String>()) {
        let header = encode_header_value(&value);
        prop_assert!(header.bytes().all(|b| (0x20..=0x7e).contains(&b)), "{:?}", header);
        prop_assert_eq!(decode_header_value(&header), Some(value));
    }

    #[test]
    fn header_values_with_line_breaks_and_nul_are_always_encoded(
        value in "[ -~]{0,8}[\r\n\0][ -~\u{80}-\u{10FFFF}]{0,8}",
    ) {
        let header = encode_header_value(&value);
        prop_assert!(header.starts_with("=?base64?") && header.ends_with("?="), "{:?}", header);
        prop_assert_eq!(decode_header_value(&header), Some(value));
    }
}
