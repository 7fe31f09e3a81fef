//! A Server-Sent Events parser (the WHATWG `text/event-stream` grammar) that accepts bytes in
//! chunks split anywhere: mid-line, mid-CRLF, mid-UTF-8 sequence.
//!
//! It keeps the last event id and the `retry` delay, because resuming an MCP stream needs both:
//! wait `retry` ms, then reconnect with `Last-Event-ID`.

use std::borrow::Cow;

use super::error::{Error, InvalidMessage};

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The `event` field; `"message"` when absent.
    pub event: String,
    pub data: String,
    /// The last event id in force when this event was dispatched.
    pub id: Option<String>,
}

#[derive(Debug)]
pub struct Parser {
    line: Vec<u8>,
    /// The previous chunk ended in CR: a LF at the start of the next one belongs to it.
    after_cr: bool,
    at_start: bool,
    data: String,
    has_data: bool,
    event: String,
    id_buffer: Option<String>,
    last_event_id: Option<String>,
    retry_ms: Option<u32>,
    max_event_bytes: usize,
}

impl Parser {
    /// `max_event_bytes` bounds one line and one event's data, so a server cannot make the
    /// client buffer without limit.
    pub fn new(max_event_bytes: usize) -> Self {
        Parser {
            line: Vec::new(),
            after_cr: false,
            at_start: true,
            data: String::new(),
            has_data: false,
            event: String::new(),
            id_buffer: None,
            last_event_id: None,
            retry_ms: None,
            max_event_bytes,
        }
    }

    /// The id to send as `Last-Event-ID` when resuming.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// The reconnection delay the server asked for, if it did.
    pub fn retry_ms(&self) -> Option<u32> {
        self.retry_ms
    }

    /// Feeds a chunk and returns the events it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Vec<Event>, Error> {
        let mut out = Vec::new();
        if chunk.is_empty() {
            // Streams may deliver empty chunks; one must not forget a CR that ended the last.
            return Ok(out);
        }
        let mut rest = chunk;
        if self.at_start {
            // A UTF-8 BOM may only appear at the very start of the stream, and may arrive split
            // across chunks (found by fuzzing): `line` holds the part of it seen so far.
            const BOM: &[u8] = b"\xEF\xBB\xBF";
            let have = self.line.len();
            let take = (BOM.len() - have).min(rest.len());
            if rest[..take] == BOM[have..have + take] {
                if have + take < BOM.len() {
                    self.line.extend_from_slice(&rest[..take]);
                    return Ok(out);
                }
                self.line.clear();
                rest = &rest[take..];
            }
            // Not a BOM: what `line` holds is the start of the first line.
            self.at_start = false;
        }
        if self.after_cr && rest.first() == Some(&b'\n') {
            rest = &rest[1..];
        }
        self.after_cr = false;
        while let Some(pos) = line_end(rest) {
            if self.line.is_empty() {
                self.process_line(&rest[..pos], &mut out)?; // the whole line is in this chunk
            } else {
                self.line.extend_from_slice(&rest[..pos]);
                let line = std::mem::take(&mut self.line);
                self.process_line(&line, &mut out)?;
            }
            if rest[pos] == b'\r' {
                match rest.get(pos + 1) {
                    Some(b'\n') => rest = &rest[pos + 2..],
                    Some(_) => rest = &rest[pos + 1..],
                    None => {
                        self.after_cr = true;
                        rest = &[];
                    }
                }
            } else {
                rest = &rest[pos + 1..];
            }
        }
        self.line.extend_from_slice(rest);
        if self.line.len() > self.max_event_bytes {
            return Err(Error::MessageTooLarge { limit: self.max_event_bytes });
        }
        Ok(out)
    }

    fn process_line(&mut self, line: &[u8], out: &mut Vec<Event>) -> Result<(), Error> {
        if line.is_empty() {
            self.dispatch(out);
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(()); // a comment, e.g. a keep-alive
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        // `from_utf8` checks ASCII a word at a time; the lossy decoder goes byte by byte.
        let value = match std::str::from_utf8(value) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(value),
        };
        match name {
            b"data" => {
                // The joining newline counts too: found by fuzzing (`fuzz/`), an event of
                // many empty data lines grew past the limit one byte per line.
                if self.data.len() + usize::from(self.has_data) + value.len() > self.max_event_bytes {
                    return Err(Error::MessageTooLarge { limit: self.max_event_bytes });
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(&value);
                self.has_data = true;
            }
            b"event" => self.event = value.into_owned(),
            b"id" => {
                if !value.as_bytes().contains(&0) {
                    self.id_buffer = Some(value.into_owned());
                }
            }
            b"retry" => {
                if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                    self.retry_ms = value.parse().ok();
                }
            }
            _ => {} // unknown fields are ignored, as the grammar requires
        }
        Ok(())
    }

    fn dispatch(&mut self, out: &mut Vec<Event>) {
        // The id takes effect even for an event without data: MCP's priming event is exactly
        // that (an id and an empty data line), and resumption starts after it.
        if let Some(id) = self.id_buffer.take() {
            self.last_event_id = if id.is_empty() { None } else { Some(id) };
        }
        let event = std::mem::take(&mut self.event);
        if !self.has_data {
            return;
        }
        self.has_data = false;
        out.push(Event {
            event: if event.is_empty() { "message".to_owned() } else { event },
            data: std::mem::take(&mut self.data),
            id: self.last_event_id.clone(),
        });
    }

    /// Call at end of stream. An event not terminated by a blank line is discarded, as the
    /// grammar says; if it carried data the stream was cut mid-event, which is reported.
    pub fn finish(&mut self) -> Result<(), Error> {
        let cut = self.has_data || !self.line.is_empty();
        self.line.clear();
        self.data.clear();
        self.has_data = false;
        self.event.clear();
        if cut {
            Err(Error::InvalidMessage(InvalidMessage::SseFraming("the stream ended in the middle of an event".into())))
        } else {
            Ok(())
        }
    }
}

/// The first CR or LF in `bytes`. Eight bytes at a time, because a 1 MiB event is one line and
/// a scan byte by byte was most of its cost.
fn line_end(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // A byte of `x` is zero where the high bit of this is set; bits above the first zero byte
    // may be set wrongly, but the lowest one is exact.
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut words = bytes.chunks_exact(8);
    let mut offset = 0;
    for word in &mut words {
        let x = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let found = zero_bytes(x ^ (ONES * u64::from(b'\n'))) | zero_bytes(x ^ (ONES * u64::from(b'\r')));
        if found != 0 {
            // Either mask may carry a wrong bit above its own first match, never below any match.
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    words.remainder().iter().position(|&b| b == b'\n' || b == b'\r').map(|i| offset + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_end_finds_the_first_cr_or_lf_at_every_offset() {
        for len in 0..40 {
            for at in 0..len {
                for (first, second) in [(b'\n', b'\r'), (b'\r', b'\n'), (b'\n', b'\n')] {
                    // Bytes around the line ends that differ from them in one bit only, and
                    // high bytes that a sloppy zero-byte test would confuse with a match.
                    let mut bytes: Vec<u8> = (0..len).map(|i| [b'\x0b', b'\x0c', b'\x8a', b'x', 0x0e][i % 5]).collect();
                    bytes[at] = first;
                    if at + 1 < len {
                        bytes[at + 1] = second;
                    }
                    assert_eq!(line_end(&bytes), Some(at), "{bytes:?}");
                }
            }
            assert_eq!(line_end(&vec![b'a'; len]), None);
        }
    }

    fn ev(event: &str, data: &str, id: Option<&str>) -> Event {
        Event { event: event.into(), data: data.into(), id: id.map(Into::into) }
    }

    fn parse_all(input: &[u8]) -> Vec<Event> {
        let mut p = Parser::new(1 << 20);
        p.feed(input).unwrap()
    }

    /// Feeds the input split at every possible pair of positions: the result must not depend
    /// on where the network cut the chunks.
    fn assert_split_invariant(input: &[u8], expected: &[Event]) {
        for i in 0..=input.len() {
            for j in i..=input.len() {
                let mut p = Parser::new(1 << 20);
                let mut got = p.feed(&input[..i]).unwrap();
                got.extend(p.feed(&input[i..j]).unwrap());
                got.extend(p.feed(&input[j..]).unwrap());
                assert_eq!(got, expected, "split at {i},{j} of {:?}", String::from_utf8_lossy(input));
            }
        }
    }

    #[test]
    fn lf_crlf_and_cr_line_endings() {
        let expected = vec![ev("message", "a", None), ev("message", "b", None)];
        assert_eq!(parse_all(b"data: a\n\ndata: b\n\n"), expected);
        assert_eq!(parse_all(b"data: a\r\n\r\ndata: b\r\n\r\n"), expected);
        assert_eq!(parse_all(b"data: a\r\rdata: b\r\r"), expected);
        assert_split_invariant(b"data: a\r\n\r\ndata: b\r\n\r\n", &expected);
        assert_split_invariant(b"data: a\r\rdata: b\n\n", &expected);
    }

    #[test]
    fn an_empty_chunk_between_cr_and_lf_changes_nothing() {
        // Found by fuzzing: the empty chunk made the LF after a CR count as a blank line.
        let mut p = Parser::new(1024);
        assert!(p.feed(b"data: 1\r").unwrap().is_empty());
        assert!(p.feed(b"").unwrap().is_empty());
        assert!(p.feed(b"\ndata: 2\n").unwrap().is_empty());
        assert_eq!(p.feed(b"\n").unwrap(), vec![ev("message", "1\n2", None)]);
    }

    #[test]
    fn multi_line_data_joins_with_newlines() {
        let input = b"data: {\"a\":\ndata:1}\ndata\n\n";
        assert_eq!(parse_all(input), vec![ev("message", "{\"a\":\n1}\n", None)]);
        assert_split_invariant(input, &[ev("message", "{\"a\":\n1}\n", None)]);
    }

    #[test]
    fn comments_event_names_and_unknown_fields() {
        let input = b": keep-alive\nevent: endpoint\nfoo: bar\ndata: /messages?s=1\n\n";
        assert_eq!(parse_all(input), vec![ev("endpoint", "/messages?s=1", None)]);
        // The event name resets after each dispatch.
        assert_eq!(parse_all(b"event: x\ndata: 1\n\ndata: 2\n\n")[1].event, "message");
    }

    #[test]
    fn only_one_leading_space_is_stripped() {
        assert_eq!(parse_all(b"data:  two\n\n")[0].data, " two");
        assert_eq!(parse_all(b"data:none\n\n")[0].data, "none");
    }

    #[test]
    fn priming_event_sets_last_event_id_without_dispatching() {
        let mut p = Parser::new(1024);
        let got = p.feed(b"id: e1\nretry: 250\ndata\n\n").unwrap();
        assert_eq!(got, vec![ev("message", "", Some("e1"))], "a data line with no value dispatches empty data");
        let mut p = Parser::new(1024);
        assert!(p.feed(b"id: e1\nretry: 250\n\n").unwrap().is_empty());
        assert_eq!(p.last_event_id(), Some("e1"));
        assert_eq!(p.retry_ms(), Some(250));
        let got = p.feed(b"id: e2\ndata: x\n\n").unwrap();
        assert_eq!(got, vec![ev("message", "x", Some("e2"))]);
        assert_eq!(p.last_event_id(), Some("e2"));
        // Events without an id keep the last one in force.
        assert_eq!(p.feed(b"data: y\n\n").unwrap()[0].id.as_deref(), Some("e2"));
    }

    #[test]
    fn invalid_retry_and_nul_ids_are_ignored() {
        let mut p = Parser::new(1024);
        p.feed(b"retry: 10x\nid: a\0b\ndata: 1\n\n").unwrap();
        assert_eq!(p.retry_ms(), None);
        assert_eq!(p.last_event_id(), None);
    }

    #[test]
    fn utf8_split_across_chunks() {
        let input = "data: héllo ✓ 𝄞\n\n".as_bytes();
        assert_split_invariant(input, &[ev("message", "héllo ✓ 𝄞", None)]);
    }

    #[test]
    fn bom_is_stripped_only_at_start() {
        assert_eq!(parse_all(b"\xEF\xBB\xBFdata: 1\n\n"), vec![ev("message", "1", None)]);
        assert_split_invariant(b"\xEF\xBB\xBFevent: e\ndata: 1\n\n", &[ev("e", "1", None)]);
        assert_split_invariant(b"\xEF\xBBdata: 1\n\n", &[]);
        assert_eq!(parse_all(b"data: 1\n\n\xEF\xBB\xBFdata: 2\n\n"), vec![ev("message", "1", None)]);
    }

    #[test]
    fn oversized_events_are_refused() {
        let mut p = Parser::new(16);
        assert!(matches!(p.feed(b"data: 0123456789abcdefXYZ"), Err(Error::MessageTooLarge { limit: 16 })));
        let mut p = Parser::new(16);
        p.feed(b"data: 0123456789\n").unwrap();
        assert!(matches!(p.feed(b"data: 0123456789\n"), Err(Error::MessageTooLarge { .. })));
        // Sixteen bytes of data plus the newline that joins an empty line is seventeen.
        let mut p = Parser::new(16);
        p.feed(b"data: 0123456789abcdef\n").unwrap();
        assert!(matches!(p.feed(b"data\n"), Err(Error::MessageTooLarge { limit: 16 })));
    }

    #[test]
    fn stream_cut_mid_event_is_reported() {
        let mut p = Parser::new(1024);
        assert!(p.feed(b"data: {\"jsonrpc\"").unwrap().is_empty());
        assert!(p.finish().is_err());
        let mut p = Parser::new(1024);
        p.feed(b"data: 1\n\n").unwrap();
        assert!(p.finish().is_ok());
    }
}
