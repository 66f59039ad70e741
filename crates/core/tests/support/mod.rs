//! A scripted peer for the sans-IO probe: each request gets an answer chosen by the test, on a
//! simulated clock. This is the same loop the page and the CLI run, minus the sockets.

use mcp_status_core::{
    Environment, HttpRequest, Probe, ProbeConfig, ProbeReport, ResponseHead, Target, TransportError,
};

pub enum Answer {
    /// A response: head after `after_ms`, then body chunks `gap_ms` apart, then `end`.
    Respond {
        after_ms: f64,
        status: u16,
        headers: Vec<(String, String)>,
        chunks: Box<dyn Iterator<Item = Vec<u8>>>,
        gap_ms: f64,
        end: End,
    },
    NetworkError(&'static str),
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
    all.extend(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    respond(status, all, vec![body.as_bytes().to_vec()])
}

pub fn sse(headers: &[(&str, &str)], events: &[&str]) -> Answer {
    let mut all = vec![("content-type".to_owned(), "text/event-stream".to_owned())];
    all.extend(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let body: String = events.iter().map(|e| format!("{e}\n\n")).collect();
    // Split in awkward places to exercise incremental parsing.
    let chunks = body.as_bytes().chunks(7).map(<[u8]>::to_vec).collect();
    respond(200, all, chunks)
}

pub fn status(status: u16, headers: &[(&str, &str)]) -> Answer {
    let headers = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    respond(status, headers, vec![])
}

pub fn respond(status: u16, headers: Vec<(String, String)>, chunks: Vec<Vec<u8>>) -> Answer {
    Answer::Respond {
        after_ms: 10.0,
        status,
        headers,
        chunks: Box::new(chunks.into_iter()),
        gap_ms: 1.0,
        end: End::Close,
    }
}

pub fn with_delay(answer: Answer, delay: f64) -> Answer {
    match answer {
        Answer::Respond {
            status,
            headers,
            chunks,
            gap_ms,
            end,
            ..
        } => Answer::Respond {
            after_ms: delay,
            status,
            headers,
            chunks,
            gap_ms,
            end,
        },
        other => other,
    }
}

pub fn init_result(version: &str, with_tools: bool) -> String {
    let caps = if with_tools { r#"{"tools":{}}"# } else { "{}" };
    format!(
        r#"{{"jsonrpc":"2.0","id":1,"result":{{"protocolVersion":"{version}","capabilities":{caps},"serverInfo":{{"name":"fake","version":"1.2.3"}}}}}}"#
    )
}

pub fn tools_result(id: u64, names: &[&str], cursor: Option<&str>) -> String {
    let tools: Vec<String> = names
        .iter()
        .map(|n| format!(r#"{{"name":"{n}","inputSchema":{{"type":"object"}}}}"#))
        .collect();
    let cursor = cursor
        .map(|c| format!(r#","nextCursor":"{c}""#))
        .unwrap_or_default();
    format!(
        r#"{{"jsonrpc":"2.0","id":{id},"result":{{"tools":[{}]{cursor}}}}}"#,
        tools.join(",")
    )
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

pub fn run(url: &str, config: ProbeConfig, mut server: impl FnMut(&HttpRequest) -> Answer) -> Run {
    let mut probe = Probe::new(Target::parse(url).unwrap(), config, 0.0);
    let mut now = 0.0;
    let mut requests = Vec::new();
    let mut chunks_read = 0;
    while let Some(request) = probe.poll_transmit(now) {
        assert!(requests.len() < 500, "the probe does not stop sending");
        let deadline = probe
            .deadline()
            .expect("a request in flight has a deadline");
        requests.push(request.clone());
        match server(&request) {
            Answer::Hang => {
                now = deadline;
                probe.handle_timeout(now);
            }
            Answer::NetworkError(message) => {
                now += 5.0;
                probe.handle_error(TransportError::Network(message.into()), now);
            }
            Answer::Respond {
                after_ms,
                status,
                headers,
                chunks,
                gap_ms,
                end,
            } => {
                now += after_ms;
                if now >= deadline {
                    probe.handle_timeout(now);
                    continue;
                }
                probe.handle_response(ResponseHead::new(status, headers), now);
                for chunk in chunks {
                    if !probe.wants_body() {
                        break;
                    }
                    now += gap_ms;
                    if now >= deadline {
                        probe.handle_timeout(now);
                        break;
                    }
                    chunks_read += 1;
                    probe.handle_body(&chunk, now);
                }
                if probe.wants_body() {
                    match end {
                        End::Close => probe.handle_body_end(now),
                        End::Hang => {
                            now = deadline;
                            probe.handle_timeout(now);
                        }
                        End::Reset => {
                            probe.handle_error(TransportError::Body("connection reset".into()), now)
                        }
                    }
                }
            }
        }
    }
    assert!(probe.is_done());
    Run {
        report: probe.report().expect("a finished probe has a report"),
        requests,
        chunks_read,
    }
}
