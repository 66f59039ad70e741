//! One HTTP exchange in flight and how its body is read: buffered JSON, an incremental SSE
//! stream, or the start of an error body. Reading turns bytes into [`BodyEvent`]s; what they
//! mean is the state machine's business.

use crate::report::Step;
use crate::sse::SseParser;
use serde_json::Value;

/// Identifies an exchange between the probe and its driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExchangeId(pub u32);

/// How much of an error response we keep for the message.
const ERROR_BODY_KEEP: usize = 2048;

#[derive(Debug)]
pub(super) enum Reading {
    /// Not reading: the head settled it.
    Skip,
    Json(Vec<u8>),
    Sse(SseParser),
    /// A status we will report: keep the start of the body for the message.
    Error(Vec<u8>),
}

#[derive(Debug, PartialEq)]
pub(super) enum BodyEvent {
    /// A JSON document (a JSON body, or the data of an SSE `message` event).
    Message(Value),
    /// An SSE `endpoint` event (legacy HTTP+SSE).
    Endpoint(String),
    /// Bytes that should have been JSON and are not.
    Invalid(String),
    /// A JSON body with nothing in it.
    Empty,
    /// The kept start of an error body, once it is complete or long enough.
    ErrorBody(Vec<u8>),
    /// The body passed the size cap.
    TooBig,
    /// An SSE stream ended.
    StreamEnded,
}

#[derive(Debug)]
pub(super) struct Exchange {
    pub id: ExchangeId,
    /// The step this exchange belongs to.
    pub step: Step,
    pub status: Option<u16>,
    pub reading: Reading,
    bytes: usize,
}

impl Exchange {
    pub fn new(id: ExchangeId, step: Step) -> Exchange {
        Exchange {
            id,
            step,
            status: None,
            reading: Reading::Skip,
            bytes: 0,
        }
    }

    /// Still waiting for the head, or for body bytes.
    pub fn is_open(&self) -> bool {
        self.status.is_none() || !matches!(self.reading, Reading::Skip)
    }

    /// Starts the size cap over (the legacy stream, at each answer it carried).
    pub fn count_afresh(&mut self) {
        self.bytes = 0;
    }

    pub fn push(&mut self, chunk: &[u8], max_bytes: usize) -> Vec<BodyEvent> {
        self.bytes = self.bytes.saturating_add(chunk.len());
        if self.bytes > max_bytes && !matches!(self.reading, Reading::Error(_)) {
            self.reading = Reading::Skip;
            return vec![BodyEvent::TooBig];
        }
        match &mut self.reading {
            Reading::Skip => Vec::new(),
            Reading::Json(buffer) => {
                buffer.extend_from_slice(chunk);
                Vec::new()
            }
            Reading::Error(buffer) => {
                let room = ERROR_BODY_KEEP.saturating_sub(buffer.len());
                buffer.extend_from_slice(&chunk[..room.min(chunk.len())]);
                if buffer.len() < ERROR_BODY_KEEP {
                    return Vec::new();
                }
                let kept = std::mem::take(buffer);
                self.reading = Reading::Skip;
                vec![BodyEvent::ErrorBody(kept)]
            }
            Reading::Sse(parser) => parser
                .push(chunk)
                .into_iter()
                .filter_map(|event| match event.event.as_str() {
                    "endpoint" => Some(BodyEvent::Endpoint(event.data)),
                    // Priming events carry no data; other event types are not for us.
                    "message" if !event.data.trim().is_empty() => {
                        Some(match serde_json::from_slice(event.data.as_bytes()) {
                            Ok(value) => BodyEvent::Message(value),
                            Err(error) => BodyEvent::Invalid(error.to_string()),
                        })
                    }
                    _ => None,
                })
                .collect(),
        }
    }

    pub fn end(&mut self) -> Vec<BodyEvent> {
        match std::mem::replace(&mut self.reading, Reading::Skip) {
            Reading::Skip => Vec::new(),
            Reading::Error(buffer) => vec![BodyEvent::ErrorBody(buffer)],
            Reading::Sse(_) => vec![BodyEvent::StreamEnded],
            Reading::Json(buffer) if buffer.iter().all(u8::is_ascii_whitespace) => {
                vec![BodyEvent::Empty]
            }
            Reading::Json(buffer) => vec![match serde_json::from_slice(&buffer) {
                Ok(value) => BodyEvent::Message(value),
                Err(error) => BodyEvent::Invalid(format!(
                    "{error}: “{}”",
                    crate::text::body_snippet(&buffer, 120)
                )),
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(reading: Reading) -> Exchange {
        let mut exchange = Exchange::new(ExchangeId(1), Step::Initialize);
        exchange.status = Some(200);
        exchange.reading = reading;
        exchange
    }

    #[test]
    fn json_is_parsed_at_the_end() {
        let mut e = exchange(Reading::Json(Vec::new()));
        assert!(e.push(b"{\"a\":", 100).is_empty());
        assert!(e.push(b"1}", 100).is_empty());
        assert_eq!(
            e.end(),
            vec![BodyEvent::Message(serde_json::json!({"a":1}))]
        );
        assert!(!e.is_open());
    }

    #[test]
    fn sse_yields_messages_and_endpoints_and_skips_priming() {
        let mut e = exchange(Reading::Sse(SseParser::new()));
        let events = e.push(
            b"id: 1\ndata: \n\nevent: endpoint\ndata: /message?s=1\n\nevent: ping\ndata: x\n\ndata: {\"b\":2}\n\ndata: nope\n\n",
            1000,
        );
        assert_eq!(
            events,
            vec![
                BodyEvent::Endpoint("/message?s=1".into()),
                BodyEvent::Message(serde_json::json!({"b":2})),
                BodyEvent::Invalid("expected ident at line 1 column 2".into()),
            ]
        );
        assert_eq!(e.end(), vec![BodyEvent::StreamEnded]);
    }

    #[test]
    fn the_cap_stops_reading() {
        let mut e = exchange(Reading::Sse(SseParser::new()));
        assert_eq!(e.push(&[b':'; 60], 100), vec![]);
        assert_eq!(e.push(&[b':'; 60], 100), vec![BodyEvent::TooBig]);
        assert!(!e.is_open());
    }

    #[test]
    fn error_bodies_are_kept_short() {
        let mut e = exchange(Reading::Error(Vec::new()));
        let events = e.push(&vec![b'x'; 10_000], 100);
        assert_eq!(
            events,
            vec![BodyEvent::ErrorBody(vec![b'x'; ERROR_BODY_KEEP])]
        );
        assert!(!e.is_open());
    }
}
