//! Moves the core probe's bytes with a native HTTP client (reqwest on a current-thread tokio
//! runtime). Every exchange runs as its own task and reports events over a channel; the loop
//! feeds them to the probe in arrival order and enforces the probe's deadline. Nothing here
//! decides a verdict.

use mcp_status_core::time::Monotonic;
use mcp_status_core::{
    ExchangeId, HttpRequest, Method, Probe, ProbeReport, ResponseHead, Transmit, TransportError,
};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

enum Event {
    Head(ResponseHead),
    Chunk(Vec<u8>),
    End,
    Error(TransportError),
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(concat!("mcp-status/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::limited(10))
        .build()
        .expect("a client with static settings builds")
}

/// The process's monotonic clock, as the probe reads it (from the first reading on).
pub fn now() -> Monotonic {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    Monotonic::from_ms(ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0)
}

/// Runs `probe` (started at [`now`]) to the end and returns its verdict.
pub async fn run_probe(client: &reqwest::Client, mut probe: Probe) -> ProbeReport {
    let (sender, mut events) = mpsc::unbounded_channel::<(ExchangeId, Event)>();
    let mut tasks: HashMap<ExchangeId, JoinHandle<()>> = HashMap::new();
    loop {
        while let Some(transmit) = probe.poll_transmit(now()) {
            let id = transmit.exchange;
            tasks.insert(
                id,
                tokio::spawn(exchange(client.clone(), transmit, sender.clone())),
            );
        }
        // Dropping an exchange's task cancels its request and body.
        tasks.retain(|id, task| {
            let wanted = probe.wants(*id);
            if !wanted {
                task.abort();
            }
            wanted
        });
        if probe.is_done() {
            break;
        }
        let deadline = probe.deadline().unwrap_or_else(now);
        let wait = Duration::from_millis(deadline.ms_since(now()));
        tokio::select! {
            Some((id, event)) = events.recv() => match event {
                Event::Head(head) => probe.handle_response(id, head, now()),
                Event::Chunk(bytes) => probe.handle_body(id, &bytes, now()),
                Event::End => probe.handle_body_end(id, now()),
                Event::Error(error) => probe.handle_error(id, error, now()),
            },
            _ = tokio::time::sleep(wait) => probe.handle_timeout(now().max(deadline)),
        }
    }
    probe
        .report()
        .expect("the probe only stops sending once it has a verdict")
}

async fn exchange(
    client: reqwest::Client,
    transmit: Transmit,
    events: mpsc::UnboundedSender<(ExchangeId, Event)>,
) {
    let id = transmit.exchange;
    let send = |event| events.send((id, event)).is_ok();
    let mut response = match build(&client, &transmit.request).send().await {
        Ok(response) => response,
        Err(error) => {
            send(Event::Error(transport_error(&error)));
            return;
        }
    };
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    if !send(Event::Head(ResponseHead::new(
        response.status().as_u16(),
        headers,
    ))) {
        return;
    }
    loop {
        let event = match response.chunk().await {
            Ok(Some(bytes)) => Event::Chunk(bytes.to_vec()),
            Ok(None) => Event::End,
            Err(error) => Event::Error(TransportError::Body(describe(&error))),
        };
        let last = !matches!(event, Event::Chunk(_));
        if !send(event) || last {
            return;
        }
    }
}

/// The core's request as reqwest's (alert deliveries build theirs here too).
pub fn build(client: &reqwest::Client, request: &HttpRequest) -> reqwest::RequestBuilder {
    let method = match request.method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Delete => reqwest::Method::DELETE,
    };
    let mut builder = client.request(method, &request.url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    builder
}

fn transport_error(error: &reqwest::Error) -> TransportError {
    if error.is_redirect() {
        TransportError::TooManyRedirects(describe(error))
    } else {
        TransportError::Network(describe(error))
    }
}

/// The error with its causes, innermost last: "error sending request: … : Connection refused".
fn describe(error: &reqwest::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}
