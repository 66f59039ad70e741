//! Incremental Server-Sent Events parser (the WHATWG "event stream" algorithm).
//!
//! Bytes arrive in arbitrary chunks — a line, a UTF-8 sequence or a CRLF pair may be split
//! between two chunks — so the parser keeps the unfinished line and only emits complete events.

/// One dispatched event. `event` is `"message"` when the stream did not name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub event: String,
    pub data: String,
    pub id: Option<String>,
}

#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// The previous chunk ended in `\r`: a `\n` at the start of the next one belongs to it.
    pending_cr: bool,
    seen_first_line: bool,
    event: String,
    data: String,
    has_data: bool,
    id: Option<String>,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds a chunk and returns the events it completed, in order.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
        for &byte in chunk {
            if self.pending_cr {
                self.pending_cr = false;
                if byte == b'\n' {
                    continue;
                }
            }
            match byte {
                b'\n' => self.end_line(&mut events),
                b'\r' => {
                    self.pending_cr = true;
                    self.end_line(&mut events);
                }
                _ => self.line.push(byte),
            }
        }
        events
    }

    /// Bytes held for an unfinished line or event; lets callers bound memory on hostile streams.
    pub fn buffered_len(&self) -> usize {
        self.line.len() + self.data.len()
    }

    fn end_line(&mut self, events: &mut Vec<SseEvent>) {
        let raw = std::mem::take(&mut self.line);
        let mut line = String::from_utf8_lossy(&raw).into_owned();
        if !self.seen_first_line {
            self.seen_first_line = true;
            if let Some(rest) = line.strip_prefix('\u{feff}') {
                line = rest.to_owned();
            }
        }
        if line.is_empty() {
            self.dispatch(events);
            return;
        }
        if line.starts_with(':') {
            return; // comment, used as keep-alive
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_str(), ""),
        };
        match field {
            "event" => self.event = value.to_owned(),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.id = Some(value.to_owned()),
            _ => {} // `retry` and unknown fields do not matter to a one-shot probe
        }
    }

    fn dispatch(&mut self, events: &mut Vec<SseEvent>) {
        let event = std::mem::take(&mut self.event);
        if !self.has_data {
            // An event without data (e.g. a 2025-11-25 priming event carrying only an id) is
            // not dispatched, per the WHATWG algorithm.
            return;
        }
        self.has_data = false;
        events.push(SseEvent {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data: std::mem::take(&mut self.data),
            id: self.id.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(input: &[u8]) -> Vec<SseEvent> {
        SseParser::new().push(input)
    }

    #[test]
    fn parses_named_event_with_id() {
        let events = parse_all(b"event: message\nid: 7\ndata: {\"a\":1}\n\n");
        assert_eq!(
            events,
            vec![SseEvent {
                event: "message".into(),
                data: "{\"a\":1}".into(),
                id: Some("7".into())
            }]
        );
    }

    #[test]
    fn joins_multiline_data_and_defaults_event_name() {
        let events = parse_all(b"data: one\ndata:two\n\n");
        assert_eq!(events[0].event, "message");
        assert_eq!(events[0].data, "one\ntwo");
    }

    #[test]
    fn priming_event_with_empty_data_line_is_dispatched_empty_but_id_only_is_not() {
        // `data:` with an empty value dispatches an empty string; an id-only block dispatches
        // nothing. The probe skips both.
        let events = parse_all(b"id: abc\n\nid: def\ndata: \n\ndata: x\n\n");
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].data, "");
        assert_eq!(events[0].id.as_deref(), Some("def"));
        assert_eq!(events[1].data, "x");
    }

    #[test]
    fn every_split_point_gives_the_same_events() {
        let input = "\u{feff}: keep-alive\r\nevent: message\r\ndata: {\"x\":\"héllo\"}\r\n\r\ndata: b\r\rdata: c\n\n";
        let whole = parse_all(input.as_bytes());
        assert_eq!(whole.len(), 3);
        assert_eq!(whole[0].data, "{\"x\":\"héllo\"}");
        for split in 0..input.len() {
            let mut parser = SseParser::new();
            let mut events = parser.push(&input.as_bytes()[..split]);
            events.extend(parser.push(&input.as_bytes()[split..]));
            assert_eq!(events, whole, "split at byte {split}");
        }
    }

    #[test]
    fn byte_by_byte_feeding_works() {
        let input = b"event: endpoint\r\ndata: /message?sessionId=1\r\n\r\n";
        let mut parser = SseParser::new();
        let events: Vec<_> = input.iter().flat_map(|b| parser.push(&[*b])).collect();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event, "endpoint");
        assert_eq!(events[0].data, "/message?sessionId=1");
    }

    #[test]
    fn unfinished_event_is_not_dispatched_and_is_counted_as_buffered() {
        let mut parser = SseParser::new();
        assert!(parser.push(b"data: partial").is_empty());
        assert_eq!(parser.buffered_len(), b"data: partial".len());
        assert!(parser.push(b"\n").is_empty());
        assert_eq!(parser.push(b"\n").len(), 1);
    }

    #[test]
    fn invalid_utf8_does_not_panic() {
        let events = parse_all(b"data: \xff\xfe\n\n");
        assert_eq!(events.len(), 1);
        assert!(events[0].data.contains('\u{fffd}'));
    }
}
