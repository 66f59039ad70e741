//! A scripted peer for the sans-IO probe: each request gets an answer chosen by the test, on a
//! simulated clock. It is the same event loop the page and the CLI run — every exchange the
//! probe wants is read concurrently, the earliest event or the deadline comes first — minus
//! the sockets.
#![allow(dead_code)]

use mcp_status_core::time::Monotonic;
use mcp_status_core::{
    Environment, ExchangeId, HttpRequest, Probe, ProbeConfig, ProbeReport, ResponseHead, Target,
    TransportError,
};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

/// Chunks a test can push into an open stream while the probe runs (the legacy event stream).
pub type Feed = Rc<RefCell<VecDeque<Vec<u8>>>>;

pub enum Body {
    Chunks(Box<dyn Iterator<Item = Vec<u8>>>),
    Feed(Feed),
}

pub enum Answer {
    /// A response: head after `after_ms`, then body chunks `gap_ms` apart, then `end`.
    Respond {
        after_ms: f64,
        status: u16,
        headers: Vec<(String, String)>,
        body: Body,
        gap_ms: f64,
        end: End,
    },
    NetworkError(&'static str),
    TooManyRedirects,
    /// A browser's opaque-redirect answer to a no-cors, redirect: "manual" request.
    OpaqueRedirect,
    /// Nothing ever comes back.
    Hang,
}

pub enum End {
    Close,
    Hang,
    Reset,
}

pub fn json(status: u16, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut all = vec![("content-type".to_owned(), "application/json".to_owned())];
    all.extend(pairs(headers));
    respond(status, all, vec![body.as_bytes().to_vec()])
}

pub fn sse(headers: &[(&str, &str)], events: &[&str]) -> Answer {
    let mut all = vec![("content-type".to_owned(), "text/event-stream".to_owned())];
    all.extend(pairs(headers));
    let body: String = events.iter().map(|e| format!("{e}\n\n")).collect();
    // Split in awkward places to exercise incremental parsing.
    let chunks = body.as_bytes().chunks(7).map(<[u8]>::to_vec).collect();
    respond(200, all, chunks)
}

pub fn status(status: u16, headers: &[(&str, &str)]) -> Answer {
    respond(status, pairs(headers), vec![])
}

/// An event stream that stays open and carries whatever the test pushes into `feed`.
pub fn open_stream(feed: &Feed) -> Answer {
    Answer::Respond {
        after_ms: 5.0,
        status: 200,
        headers: vec![("content-type".into(), "text/event-stream".into())],
        body: Body::Feed(feed.clone()),
        gap_ms: 1.0,
        end: End::Hang,
    }
}

pub fn push_event(feed: &Feed, event: &str, data: &str) {
    feed.borrow_mut()
        .push_back(format!("event: {event}\ndata: {data}\n\n").into_bytes());
}

fn pairs(headers: &[(&str, &str)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn respond(status: u16, headers: Vec<(String, String)>, chunks: Vec<Vec<u8>>) -> Answer {
    Answer::Respond {
        after_ms: 10.0,
        status,
        headers,
        body: Body::Chunks(Box::new(chunks.into_iter())),
        gap_ms: 1.0,
        end: End::Close,
    }
}

pub fn with_delay(answer: Answer, delay: f64) -> Answer {
    match answer {
        Answer::Respond {
            status,
            headers,
            body,
            gap_ms,
            end,
            ..
        } => Answer::Respond {
            after_ms: delay,
            status,
            headers,
            body,
            gap_ms,
            end,
        },
        other => other,
    }
}

pub fn init_result(version: &str, with_tools: bool) -> String {
    init_result_for(1, version, with_tools)
}

pub fn init_result_for(id: u64, version: &str, with_tools: bool) -> String {
    let caps = if with_tools { r#"{"tools":{}}"# } else { "{}" };
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"result":{{"protocolVersion":"{version}","capabilities":{caps},"serverInfo":{{"name":"fake","version":"1.2.3"}}}}}}"#
    )
}

pub fn tools_result(id: u64, names: &[&str], cursor: Option<&str>) -> String {
    let tools: Vec<String> = names
        .iter()
        .map(|n| format!(r#"{{"name":"{n}","inputSchema":{{"type":"object"}}}}"#))
        .collect();
    tools_page(id, &tools, cursor)
}

/// A `tools/list` answer holding `tools` (JSON texts), with a next cursor or not.
fn tools_page(id: u64, tools: &[String], cursor: Option<&str>) -> String {
    let cursor = cursor
        .map(|c| format!(r#","nextCursor":"{c}""#))
        .unwrap_or_default();
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"result":{{"tools":[{}]{cursor}}}}}"#,
        tools.join(",")
    )
}

/// A `tools/list` answer of `count` tools named after the request id, each described by
/// `description_bytes` bytes: pages as large as a test needs.
pub fn padded_tools_result(
    id: u64,
    count: usize,
    description_bytes: usize,
    cursor: Option<&str>,
) -> String {
    let description = "x".repeat(description_bytes);
    let tools: Vec<String> = (0..count)
        .map(|i| {
            format!(
                r#"{{"name":"t{id}-{i}","description":"{description}","inputSchema":{{"type":"object"}}}}"#
            )
        })
        .collect();
    tools_page(id, &tools, cursor)
}

/// A JSON answer in chunks of `chunk` bytes, as a network delivers a large body.
pub fn json_in_chunks(headers: &[(&str, &str)], body: &str, chunk: usize) -> Answer {
    let mut all = vec![("content-type".to_owned(), "application/json".to_owned())];
    all.extend(pairs(headers));
    let chunks = body.as_bytes().chunks(chunk).map(<[u8]>::to_vec).collect();
    respond(200, all, chunks)
}

/// The JSON-RPC method of a request (`DELETE`/`GET` for bodiless ones).
pub fn method_of(request: &HttpRequest) -> String {
    match &request.body {
        Some(body) => {
            let value: serde_json::Value = serde_json::from_str(body).unwrap();
            value["method"].as_str().unwrap().to_owned()
        }
        None => request.method.as_str().to_owned(),
    }
}

pub fn id_of(request: &HttpRequest) -> u64 {
    let value: serde_json::Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
    value["id"].as_u64().unwrap()
}

pub fn cursor_of(request: &HttpRequest) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
    value["params"]["cursor"].as_str().map(str::to_owned)
}

pub struct Run {
    pub report: ProbeReport,
    pub requests: Vec<HttpRequest>,
    pub chunks_read: usize,
}

pub fn config(environment: Environment) -> ProbeConfig {
    ProbeConfig {
        environment,
        ..ProbeConfig::default()
    }
}

struct Open {
    id: ExchangeId,
    head: Option<(f64, ResponseHead)>,
    body: Body,
    peeked: Option<Vec<u8>>,
    gap_ms: f64,
    end: End,
    last: f64,
    failure: Option<(f64, TransportError)>,
}

impl Open {
    /// When this exchange's next event is due, if it has one.
    fn next_due(&mut self) -> Option<f64> {
        if let Some((at, _)) = &self.failure {
            return Some(*at);
        }
        if let Some((at, _)) = &self.head {
            return Some(*at);
        }
        if self.peeked.is_none() {
            self.peeked = match &mut self.body {
                Body::Chunks(chunks) => chunks.next(),
                Body::Feed(feed) => feed.borrow_mut().pop_front(),
            };
        }
        if self.peeked.is_some() {
            return Some(self.last + self.gap_ms);
        }
        match (&self.body, &self.end) {
            (Body::Chunks(_), End::Close | End::Reset) => Some(self.last),
            _ => None,
        }
    }
}

pub fn run(url: &str, config: ProbeConfig, mut server: impl FnMut(&HttpRequest) -> Answer) -> Run {
    let mut probe = Probe::new(Target::parse(url).unwrap(), config, Monotonic::from_ms(0.0));
    // The simulated clock, in milliseconds.
    let mut now = 0.0;
    let mut requests = Vec::new();
    let mut chunks_read = 0;
    let mut open: Vec<Open> = Vec::new();
    loop {
        while let Some(transmit) = probe.poll_transmit(Monotonic::from_ms(now)) {
            assert!(requests.len() < 500, "the probe does not stop sending");
            requests.push(transmit.request.clone());
            let mut exchange = Open {
                id: transmit.exchange,
                head: None,
                body: Body::Chunks(Box::new(std::iter::empty())),
                peeked: None,
                gap_ms: 1.0,
                end: End::Hang,
                last: now,
                failure: None,
            };
            match server(&transmit.request) {
                Answer::Hang => {}
                Answer::NetworkError(message) => {
                    exchange.failure = Some((now + 5.0, TransportError::Network(message.into())))
                }
                Answer::OpaqueRedirect => {
                    exchange.head = Some((now + 5.0, ResponseHead::opaque_redirect()));
                }
                Answer::TooManyRedirects => {
                    exchange.failure = Some((
                        now + 5.0,
                        TransportError::TooManyRedirects("redirected 20 times".into()),
                    ))
                }
                Answer::Respond {
                    after_ms,
                    status,
                    headers,
                    body,
                    gap_ms,
                    end,
                } => {
                    exchange.head = Some((now + after_ms, ResponseHead::new(status, headers)));
                    exchange.body = body;
                    exchange.gap_ms = gap_ms;
                    exchange.end = end;
                }
            }
            open.push(exchange);
        }
        if probe.is_done() {
            break;
        }
        open.retain(|e| probe.wants(e.id));
        let deadline = probe
            .deadline()
            .expect("a step in progress has a deadline")
            .as_ms();
        let next = open
            .iter_mut()
            .enumerate()
            .filter_map(|(i, e)| e.next_due().map(|due| (due, i)))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match next {
            Some((due, index)) if due < deadline => {
                now = due.max(now);
                let exchange = &mut open[index];
                let id = exchange.id;
                exchange.last = now;
                if let Some((_, error)) = exchange.failure.take() {
                    open.remove(index);
                    probe.handle_error(id, error, Monotonic::from_ms(now));
                } else if let Some((_, head)) = exchange.head.take() {
                    probe.handle_response(id, head, Monotonic::from_ms(now));
                } else if let Some(chunk) = exchange.peeked.take() {
                    chunks_read += 1;
                    probe.handle_body(id, &chunk, Monotonic::from_ms(now));
                } else {
                    let reset = matches!(exchange.end, End::Reset);
                    open.remove(index);
                    if reset {
                        probe.handle_error(
                            id,
                            TransportError::Body("connection reset".into()),
                            Monotonic::from_ms(now),
                        );
                    } else {
                        probe.handle_body_end(id, Monotonic::from_ms(now));
                    }
                }
            }
            _ => {
                now = deadline.max(now);
                probe.handle_timeout(Monotonic::from_ms(now));
            }
        }
    }
    Run {
        report: probe.report().expect("a finished probe has a report"),
        requests,
        chunks_read,
    }
}
