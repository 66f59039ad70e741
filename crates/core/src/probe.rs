//! The probe as a sans-IO state machine.
//!
//! The probe never touches the network. It hands out one [`HttpRequest`] at a time
//! ([`Probe::poll_transmit`]) and is told what happened to it: the response head, body chunks,
//! the end of the body, a transport error or a timeout. Time is passed in as milliseconds from
//! any monotonic clock. The page's `fetch`, a native HTTP client and the unit tests all drive the
//! same machine, so they reach the same verdict for the same bytes.
//!
//! Sequence: `initialize` → `notifications/initialized` → `tools/list` (every page) → DELETE.

use crate::auth::parse_www_authenticate;
use crate::http::{FetchMode, HttpRequest, Method, ResponseHead, TransportError};
use crate::jsonrpc::{self, InitializeResult, Reply};
use crate::platform::Platform;
use crate::report::{
    AuthChallenge, Layer, Outcome, ProbeReport, ServerInfo, Step, StepReport, StepStatus,
    ToolInfo, Transport,
};
use crate::sse::SseParser;
use crate::target::Target;
use crate::text::{body_snippet, clip};
use std::collections::HashSet;

/// Where the bytes are moved; decides whether a network error may be CORS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Browser,
    Native,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProbeConfig {
    /// Budget from the first request to the last `tools/list` page. `None`: the platform's
    /// default (30 s on scale-to-zero hosts, 10 s elsewhere).
    pub timeout_ms: Option<u64>,
    /// A passing probe slower than this is `degraded`.
    pub degraded_after_ms: u64,
    /// Largest response body read; a bigger one fails the probe instead of eating memory.
    pub max_body_bytes: usize,
    /// A server that keeps returning cursors is cut off after this many pages.
    pub max_tool_pages: u32,
    /// Budget of each step that does not decide the verdict (closing, the reachability check).
    pub aux_timeout_ms: u64,
    pub environment: Environment,
    pub client_name: String,
    pub client_version: String,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig {
            timeout_ms: None,
            degraded_after_ms: 3_000,
            max_body_bytes: 4 * 1024 * 1024,
            max_tool_pages: 100,
            aux_timeout_ms: 5_000,
            environment: Environment::Native,
            client_name: "mcp-status".to_owned(),
            client_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// How much of an error response we keep for the message.
const ERROR_BODY_KEEP: usize = 2048;

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Initialize,
    Initialized,
    ToolsList { page: u32, cursor: Option<String> },
    Reachability,
    Close,
    Done,
}

#[derive(Debug)]
enum Body {
    /// Not reading: the step is settled by the head alone.
    Skip,
    Json(Vec<u8>),
    Sse(SseParser),
    /// A non-success status: keep the start of the body for the message.
    Error(Vec<u8>),
}

#[derive(Debug)]
struct InFlight {
    step: Step,
    page: Option<u32>,
    started: f64,
    request_id: Option<u64>,
    status: Option<u16>,
    body: Body,
    body_bytes: usize,
}

#[derive(Debug, Clone)]
struct Failure {
    outcome: Outcome,
    layer: Option<Layer>,
    error: String,
    hint: Option<String>,
}

/// A network error we are checking with the reachability request.
#[derive(Debug, Clone)]
struct Suspect {
    step: Step,
    message: String,
}

#[derive(Debug)]
pub struct Probe {
    target: Target,
    config: ProbeConfig,
    timeout_ms: u64,
    started: f64,
    phase: Phase,
    in_flight: Option<InFlight>,
    next_id: u64,
    steps: Vec<StepReport>,
    session_id: Option<String>,
    init: Option<InitializeResult>,
    tools: Vec<ToolInfo>,
    seen_cursors: HashSet<String>,
    tools_done: bool,
    /// When the last step that decides the verdict ended; the probe's latency ends here.
    verdict_end: f64,
    failure: Option<Failure>,
    auth: Option<AuthChallenge>,
    suspect: Option<Suspect>,
}

impl Probe {
    pub fn new(target: Target, config: ProbeConfig, now: f64) -> Probe {
        let timeout_ms = config
            .timeout_ms
            .unwrap_or_else(|| Platform::from_host(target.host()).default_timeout_ms());
        Probe {
            target,
            config,
            timeout_ms,
            started: now,
            phase: Phase::Initialize,
            in_flight: None,
            next_id: 1,
            steps: Vec::new(),
            session_id: None,
            init: None,
            tools: Vec::new(),
            seen_cursors: HashSet::new(),
            tools_done: false,
            verdict_end: now,
            failure: None,
            auth: None,
            suspect: None,
        }
    }

    /// The next request to send, once per step. `None` while a request is in flight or when
    /// the probe is done.
    pub fn poll_transmit(&mut self, now: f64) -> Option<HttpRequest> {
        if self.in_flight.is_some() {
            return None;
        }
        let (step, page, request_id, request) = match self.phase.clone() {
            Phase::Done => return None,
            Phase::Initialize => {
                let id = self.take_id();
                let body = jsonrpc::initialize_request(
                    id,
                    &self.config.client_name,
                    &self.config.client_version,
                );
                (Step::Initialize, None, Some(id), self.post(body))
            }
            Phase::Initialized => (
                Step::Initialized,
                None,
                None,
                self.post(jsonrpc::initialized_notification()),
            ),
            Phase::ToolsList { page, cursor } => {
                let id = self.take_id();
                let body = jsonrpc::tools_list_request(id, cursor.as_deref());
                (Step::ToolsList, Some(page), Some(id), self.post(body))
            }
            Phase::Reachability => (
                Step::Reachability,
                None,
                None,
                HttpRequest {
                    method: Method::Get,
                    url: self.target.to_string(),
                    headers: Vec::new(),
                    body: None,
                    mode: FetchMode::NoCors,
                },
            ),
            Phase::Close => (
                Step::Close,
                None,
                None,
                HttpRequest {
                    method: Method::Delete,
                    url: self.target.to_string(),
                    headers: self.session_headers(),
                    body: None,
                    mode: FetchMode::Cors,
                },
            ),
        };
        self.in_flight = Some(InFlight {
            step,
            page,
            started: now,
            request_id,
            status: None,
            body: Body::Skip,
            body_bytes: 0,
        });
        Some(request)
    }

    /// When the driver must call [`Probe::handle_timeout`] if nothing else happened.
    pub fn deadline(&self) -> Option<f64> {
        let flight = self.in_flight.as_ref()?;
        Some(match flight.step {
            Step::Reachability | Step::Close => flight.started + self.config.aux_timeout_ms as f64,
            _ => self.started + self.timeout_ms as f64,
        })
    }

    /// The step in flight (or about to be sent), for progress displays.
    pub fn current_step(&self) -> Option<(Step, Option<u32>)> {
        if let Some(flight) = &self.in_flight {
            return Some((flight.step, flight.page));
        }
        match &self.phase {
            Phase::Initialize => Some((Step::Initialize, None)),
            Phase::Initialized => Some((Step::Initialized, None)),
            Phase::ToolsList { page, .. } => Some((Step::ToolsList, Some(*page))),
            Phase::Reachability => Some((Step::Reachability, None)),
            Phase::Close => Some((Step::Close, None)),
            Phase::Done => None,
        }
    }

    /// Steps finished so far.
    pub fn steps(&self) -> &[StepReport] {
        &self.steps
    }

    pub fn timeout_ms(&self) -> u64 {
        self.timeout_ms
    }

    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// True while the driver should keep reading the current response's body.
    pub fn wants_body(&self) -> bool {
        self.in_flight
            .as_ref()
            .is_some_and(|f| f.status.is_some() && !matches!(f.body, Body::Skip))
    }

    pub fn handle_response(&mut self, head: ResponseHead, now: f64) {
        let Some(flight) = self.in_flight.as_mut() else {
            return;
        };
        if flight.status.is_some() {
            return;
        }
        flight.status = Some(head.status);
        match flight.step {
            Step::Reachability => {
                // Any answer at all, even an opaque one, means the host is there.
                self.finish_step(StepStatus::Ok, now, Some("the host answered".into()));
                self.conclude_blocked();
            }
            Step::Close => {
                let note = match head.status {
                    200..=299 => None,
                    405 => Some("the server does not allow closing sessions (405): fine".into()),
                    404 => Some("the session was already gone (404)".into()),
                    status => Some(format!("unexpected status {status}, ignored")),
                };
                let status = if head.status < 300 || matches!(head.status, 404 | 405) {
                    StepStatus::Ok
                } else {
                    StepStatus::Failed
                };
                self.finish_step(status, now, note);
                self.phase = Phase::Done;
            }
            Step::Initialize | Step::Initialized | Step::ToolsList => {
                self.handle_mcp_head(head, now)
            }
        }
    }

    fn handle_mcp_head(&mut self, head: ResponseHead, now: f64) {
        let step = self.in_flight.as_ref().map(|f| f.step).unwrap_or(Step::Initialize);
        let status = head.status;
        match status {
            200..=299 => {}
            401 | 403 => {
                self.auth = Some(parse_www_authenticate(
                    status,
                    head.header("www-authenticate"),
                ));
                self.finish_step(StepStatus::Failed, now, Some(format!("HTTP {status}")));
                self.conclude(Failure {
                    outcome: Outcome::AuthRequired,
                    layer: None,
                    error: format!(
                        "The server is up and requires authentication (HTTP {status} at {}).",
                        step.label()
                    ),
                    hint: None,
                });
                return;
            }
            _ => {
                self.set_body(Body::Error(Vec::new()));
                return;
            }
        }
        if step == Step::Initialize {
            if let Some(session) = head.header("mcp-session-id") {
                if !session.bytes().all(|b| (0x21..=0x7e).contains(&b)) || session.is_empty() {
                    self.fail_step(
                        now,
                        Layer::Initialize,
                        "the Mcp-Session-Id header contains characters outside visible ASCII"
                            .into(),
                        None,
                    );
                    return;
                }
                self.session_id = Some(session.to_owned());
            }
        }
        if step == Step::Initialized {
            let note = (status != 202).then(|| format!("HTTP {status} (202 expected)"));
            self.finish_step(StepStatus::Ok, now, note);
            self.after_initialized();
            return;
        }
        match head.media_type().as_deref() {
            Some("text/event-stream") => self.set_body(Body::Sse(SseParser::new())),
            Some("application/json") | None => self.set_body(Body::Json(Vec::new())),
            Some(media) if media.ends_with("+json") => self.set_body(Body::Json(Vec::new())),
            Some(media) => {
                let what = if media == "text/html" {
                    "an HTML page".to_owned()
                } else {
                    format!("“{}” content", clip(media, 60))
                };
                self.fail_step(
                    now,
                    Layer::Http,
                    format!(
                        "The server answered {} with {what}, not MCP (JSON or an SSE stream).",
                        step.label()
                    ),
                    Some("Check the URL: MCP endpoints usually end in a path like /mcp.".into()),
                );
            }
        }
    }

    pub fn handle_body(&mut self, chunk: &[u8], now: f64) {
        if !self.wants_body() {
            return;
        }
        let max = self.config.max_body_bytes;
        let Some(flight) = self.in_flight.as_mut() else {
            return;
        };
        flight.body_bytes += chunk.len();
        let too_big = flight.body_bytes > max;
        let step = flight.step;
        let id = flight.request_id;
        let events = match &mut flight.body {
            Body::Skip => return,
            Body::Json(buffer) => {
                if !too_big {
                    buffer.extend_from_slice(chunk);
                }
                Vec::new()
            }
            Body::Error(buffer) => {
                let room = ERROR_BODY_KEEP.saturating_sub(buffer.len());
                buffer.extend_from_slice(&chunk[..room.min(chunk.len())]);
                if buffer.len() >= ERROR_BODY_KEEP {
                    self.handle_body_end(now);
                }
                return;
            }
            Body::Sse(parser) => parser.push(chunk),
        };
        for event in events {
            if event.event != "message" || event.data.trim().is_empty() {
                continue; // priming events and other event types are not responses
            }
            let message: serde_json::Value = match serde_json::from_str(&event.data) {
                Ok(message) => message,
                Err(err) => {
                    self.fail_step(
                        now,
                        step_layer(step),
                        format!("The SSE stream of {} carried invalid JSON ({err}).", step.label()),
                        None,
                    );
                    return;
                }
            };
            if let Some(id) = id {
                if let Some(reply) = jsonrpc::find_reply(&message, id) {
                    self.handle_reply(reply, now);
                    return;
                }
                if jsonrpc::is_response(&message) {
                    self.fail_wrong_id(now, &message, id);
                    return;
                }
            }
        }
        if too_big {
            self.fail_too_big(now);
        }
    }

    pub fn handle_body_end(&mut self, now: f64) {
        if !self.wants_body() {
            return;
        }
        let Some(flight) = self.in_flight.as_mut() else {
            return;
        };
        let step = flight.step;
        let status = flight.status.unwrap_or_default();
        let id = flight.request_id.unwrap_or_default();
        let too_big = flight.body_bytes > self.config.max_body_bytes;
        match std::mem::replace(&mut flight.body, Body::Skip) {
            Body::Skip => {}
            Body::Error(buffer) => self.fail_status(now, status, &buffer),
            Body::Sse(_) => self.fail_step(
                now,
                step_layer(step),
                format!(
                    "The SSE stream ended before the response to {} arrived.",
                    step.label()
                ),
                None,
            ),
            Body::Json(_) if too_big => self.fail_too_big(now),
            Body::Json(buffer) => {
                if buffer.iter().all(u8::is_ascii_whitespace) {
                    return self.fail_step(
                        now,
                        step_layer(step),
                        format!("The server answered {} with an empty body (HTTP {status}).", step.label()),
                        None,
                    );
                }
                match serde_json::from_slice::<serde_json::Value>(&buffer) {
                    Err(err) => self.fail_step(
                        now,
                        step_layer(step),
                        format!(
                            "The response to {} is not valid JSON ({err}): “{}”",
                            step.label(),
                            body_snippet(&buffer, 120)
                        ),
                        None,
                    ),
                    Ok(message) => match jsonrpc::find_reply(&message, id) {
                        Some(reply) => self.handle_reply(reply, now),
                        None if jsonrpc::is_response(&message) => {
                            self.fail_wrong_id(now, &message, id)
                        }
                        None => self.fail_step(
                            now,
                            step_layer(step),
                            format!("The response to {} is not a JSON-RPC response.", step.label()),
                            None,
                        ),
                    },
                }
            }
        }
    }

    pub fn handle_error(&mut self, error: TransportError, now: f64) {
        let Some(flight) = self.in_flight.as_ref() else {
            return;
        };
        let step = flight.step;
        let got_head = flight.status.is_some();
        let message = match &error {
            TransportError::Network(m) | TransportError::Body(m) => clip(m, 200),
        };
        match step {
            Step::Close => {
                self.finish_step(StepStatus::Failed, now, Some(format!("not closed: {message}")));
                self.phase = Phase::Done;
            }
            Step::Reachability => {
                self.finish_step(StepStatus::Failed, now, Some("no answer".into()));
                self.conclude_unreachable();
            }
            _ if got_head => self.fail_step(
                now,
                step_layer(step),
                format!(
                    "The connection broke while reading the response to {} ({message}).",
                    step.label()
                ),
                None,
            ),
            _ if self.config.environment == Environment::Browser => {
                // A browser reports a CORS refusal exactly like a dead host: ask again in
                // no-cors mode to tell them apart.
                self.finish_step(StepStatus::Failed, now, Some(message.clone()));
                self.suspect = Some(Suspect { step, message });
                self.phase = Phase::Reachability;
            }
            _ => {
                let host = self.target.host().to_owned();
                self.fail_step(
                    now,
                    Layer::Transport,
                    format!("Nothing answered at {host} during {} ({message}).", step.label()),
                    None,
                );
            }
        }
    }

    /// Call when [`Probe::deadline`] has passed; earlier calls are ignored.
    pub fn handle_timeout(&mut self, now: f64) {
        let Some(deadline) = self.deadline() else {
            return;
        };
        if now < deadline {
            return;
        }
        let Some(flight) = self.in_flight.as_ref() else {
            return;
        };
        let step = flight.step;
        let got_head = flight.status.is_some();
        match step {
            Step::Close => {
                let note = format!("no answer within {} ms, not waited for", self.config.aux_timeout_ms);
                self.finish_step(StepStatus::Failed, now, Some(note));
                self.phase = Phase::Done;
            }
            Step::Reachability => {
                self.finish_step(StepStatus::Failed, now, Some("no answer".into()));
                self.conclude_unreachable();
            }
            _ => {
                // Nothing at all back from the very first request: nothing answered.
                let layer = if step == Step::Initialize && !got_head {
                    Layer::Transport
                } else {
                    step_layer(step)
                };
                let waiting_for = if got_head { "the response body" } else { "a response" };
                self.fail_step(
                    now,
                    layer,
                    format!(
                        "Timed out after {} ms waiting for {waiting_for} to {}.",
                        self.timeout_ms,
                        step.label()
                    ),
                    Some(
                        "Serverless hosts can take up to 30 s to wake an idle server; a repeat of this failure is an outage."
                            .into(),
                    ),
                );
            }
        }
    }

    /// The verdict, once [`Probe::is_done`].
    pub fn report(&self) -> Option<ProbeReport> {
        if !self.is_done() {
            return None;
        }
        let latency_ms = ms(self.verdict_end - self.started);
        let (outcome, layer, error, hint) = match &self.failure {
            Some(f) => (f.outcome, f.layer, Some(f.error.clone()), f.hint.clone()),
            None if latency_ms > self.config.degraded_after_ms => (
                Outcome::Degraded,
                None,
                Some(format!(
                    "Works, but took {latency_ms} ms (threshold {} ms).",
                    self.config.degraded_after_ms
                )),
                None,
            ),
            None => (Outcome::Ok, None, None, None),
        };
        let init = self.init.as_ref();
        Some(ProbeReport {
            url: self.target.to_string(),
            outcome,
            layer,
            error,
            hint,
            latency_ms,
            timeout_ms: self.timeout_ms,
            steps: self.steps.clone(),
            transport: init.map(|_| Transport::StreamableHttp),
            protocol_version: init.map(|i| i.protocol_version.clone()),
            server: init.map(|i| i.server.clone()),
            tools: self.tools_done.then(|| self.tools.clone()),
            auth: self.auth.clone(),
        })
    }

    pub fn server(&self) -> Option<&ServerInfo> {
        self.init.as_ref().map(|i| &i.server)
    }

    fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn session_headers(&self) -> Vec<(String, String)> {
        let mut headers = Vec::new();
        if let Some(session) = &self.session_id {
            headers.push(("mcp-session-id".to_owned(), session.clone()));
        }
        if let Some(init) = &self.init {
            if jsonrpc::needs_protocol_header(&init.protocol_version) {
                headers.push(("mcp-protocol-version".to_owned(), init.protocol_version.clone()));
            }
        }
        headers
    }

    fn post(&self, body: String) -> HttpRequest {
        let mut headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("accept".to_owned(), "application/json, text/event-stream".to_owned()),
        ];
        headers.extend(self.session_headers());
        HttpRequest {
            method: Method::Post,
            url: self.target.to_string(),
            headers,
            body: Some(body),
            mode: FetchMode::Cors,
        }
    }

    fn set_body(&mut self, body: Body) {
        if let Some(flight) = self.in_flight.as_mut() {
            flight.body = body;
        }
    }

    fn finish_step(&mut self, status: StepStatus, now: f64, note: Option<String>) {
        if let Some(flight) = self.in_flight.take() {
            if matches!(flight.step, Step::Initialize | Step::Initialized | Step::ToolsList) {
                self.verdict_end = now;
            }
            self.steps.push(StepReport {
                step: flight.step,
                page: flight.page,
                status,
                http_status: flight.status,
                latency_ms: ms(now - flight.started),
                note,
            });
        }
    }

    fn handle_reply(&mut self, reply: Reply, now: f64) {
        let step = self.in_flight.as_ref().map(|f| f.step).unwrap_or(Step::Initialize);
        let result = match reply {
            Reply::Error { code, message } => {
                return self.fail_step(
                    now,
                    step_layer(step),
                    format!("{} returned JSON-RPC error {code}: {message}", step.label()),
                    None,
                )
            }
            Reply::Result(result) => result,
        };
        match step {
            Step::Initialize => match jsonrpc::parse_initialize_result(&result) {
                Err(reason) => self.fail_step(now, Layer::Initialize, capitalise(&reason), None),
                Ok(init) => {
                    let note = format!("protocol {}", init.protocol_version);
                    self.init = Some(init);
                    self.finish_step(StepStatus::Ok, now, Some(note));
                    self.phase = Phase::Initialized;
                }
            },
            Step::ToolsList => match jsonrpc::parse_tools_page(&result) {
                Err(reason) => self.fail_step(now, Layer::Tools, capitalise(&reason), None),
                Ok(page) => {
                    let count = page.tools.len();
                    self.tools.extend(page.tools);
                    self.finish_step(StepStatus::Ok, now, Some(format!("{count} tools")));
                    self.next_page(page.next_cursor);
                }
            },
            _ => {}
        }
    }

    fn after_initialized(&mut self) {
        let has_tools = self.init.as_ref().is_some_and(|i| i.has_tools);
        if has_tools {
            self.phase = Phase::ToolsList {
                page: 1,
                cursor: None,
            };
        } else {
            // A server without the tools capability has nothing to list; that is not a failure.
            self.tools_done = true;
            self.phase = self.closing_phase();
        }
    }

    fn next_page(&mut self, cursor: Option<String>) {
        let page = match &self.phase {
            Phase::ToolsList { page, .. } => *page,
            _ => 1,
        };
        let Some(cursor) = cursor else {
            self.tools_done = true;
            self.phase = self.closing_phase();
            return;
        };
        if !self.seen_cursors.insert(cursor.clone()) {
            return self.fail_phase(
                Layer::Tools,
                format!(
                    "tools/list returned the cursor “{}” twice: the listing would never end.",
                    clip(&cursor, 60)
                ),
            );
        }
        if page >= self.config.max_tool_pages {
            return self.fail_phase(
                Layer::Tools,
                format!(
                    "tools/list still had more pages after {page}; stopped there.",
                ),
            );
        }
        self.phase = Phase::ToolsList {
            page: page + 1,
            cursor: Some(cursor),
        };
    }

    fn closing_phase(&self) -> Phase {
        if self.session_id.is_some() {
            Phase::Close
        } else {
            Phase::Done
        }
    }

    fn conclude(&mut self, failure: Failure) {
        self.failure = Some(failure);
        self.in_flight = None;
        self.phase = self.closing_phase();
    }

    fn fail_step(&mut self, now: f64, layer: Layer, error: String, hint: Option<String>) {
        self.finish_step(StepStatus::Failed, now, None);
        self.conclude(Failure {
            outcome: Outcome::Failed,
            layer: Some(layer),
            error,
            hint,
        });
    }

    /// A failure found between steps (after the last one finished).
    fn fail_phase(&mut self, layer: Layer, error: String) {
        self.conclude(Failure {
            outcome: Outcome::Failed,
            layer: Some(layer),
            error,
            hint: None,
        });
    }

    fn fail_too_big(&mut self, now: f64) {
        let step = self.in_flight.as_ref().map(|f| f.step).unwrap_or(Step::Initialize);
        let limit = self.config.max_body_bytes;
        self.fail_step(
            now,
            step_layer(step),
            format!(
                "The response to {} is larger than the {} limit; stopped reading.",
                step.label(),
                human_bytes(limit)
            ),
            None,
        );
    }

    fn fail_wrong_id(&mut self, now: f64, message: &serde_json::Value, expected: u64) {
        let step = self.in_flight.as_ref().map(|f| f.step).unwrap_or(Step::Initialize);
        let got = message
            .get("id")
            .map(|id| clip(&id.to_string(), 40))
            .unwrap_or_else(|| "none".into());
        self.fail_step(
            now,
            step_layer(step),
            format!(
                "The response to {} carries id {got}, but the request had id {expected}.",
                step.label()
            ),
            None,
        );
    }

    fn fail_status(&mut self, now: f64, status: u16, body: &[u8]) {
        let step = self.in_flight.as_ref().map(|f| f.step).unwrap_or(Step::Initialize);
        let said = server_said(body);
        let said = if said.is_empty() {
            String::new()
        } else {
            format!(" The server said: “{said}”")
        };
        let browser_lost_session = self.config.environment == Environment::Browser
            && step != Step::Initialize
            && self.session_id.is_none()
            && matches!(status, 400 | 404);
        if browser_lost_session {
            self.finish_step(StepStatus::Failed, now, Some(format!("HTTP {status}")));
            return self.conclude(Failure {
                outcome: Outcome::Blocked,
                layer: None,
                error: format!(
                    "initialize worked, but {} was refused (HTTP {status}) — most likely because the browser could not read the Mcp-Session-Id header.{said}",
                    step.label()
                ),
                hint: Some(cors_hint("expose-session")),
            });
        }
        let (layer, error, hint) = match (step, status) {
            (_, 500..=599) => (
                Layer::Http,
                format!("{} failed with HTTP {status}.{said}", step.label()),
                None,
            ),
            (Step::Initialize, 300..=399) => (
                Layer::Http,
                format!("The server redirected initialize (HTTP {status}) and the redirect was not followed."),
                Some("Use the final URL of the endpoint.".into()),
            ),
            (Step::Initialize, 400 | 404 | 405) => (
                Layer::Http,
                format!("The server refused the initialize POST with HTTP {status}.{said}"),
                Some("Check the URL. A legacy HTTP+SSE (2024-11-05) server has an SSE endpoint, often ending in /sse; this check speaks Streamable HTTP.".into()),
            ),
            (Step::Initialize, 406 | 415) => (
                Layer::Http,
                format!("The server rejected the request's Accept or Content-Type header (HTTP {status}).{said}"),
                Some("Streamable HTTP servers must accept `Accept: application/json, text/event-stream` and `Content-Type: application/json`.".into()),
            ),
            (Step::Initialize, 421) => (
                Layer::Http,
                format!("The server rejected the Host header (HTTP 421).{said}"),
                Some("DNS-rebinding protection allows only listed hosts; add this host name to the server's allowed hosts.".into()),
            ),
            (Step::Initialize, _) => (
                Layer::Http,
                format!("The server answered initialize with HTTP {status}.{said}"),
                None,
            ),
            (_, 404) if self.session_id.is_some() => (
                step_layer(step),
                format!("The server no longer knows the session at {} (HTTP 404).{said}", step.label()),
                Some("Sessions must survive between requests: with several instances, share session state or make routing sticky.".into()),
            ),
            (_, _) => (
                step_layer(step),
                format!("{} was refused with HTTP {status}.{said}", step.label()),
                None,
            ),
        };
        self.fail_step(now, layer, capitalise(&error), hint);
    }

    fn conclude_blocked(&mut self) {
        let suspect = self.suspect.take();
        let (step, message) = suspect
            .map(|s| (s.step, s.message))
            .unwrap_or((Step::Initialize, String::new()));
        let (error, hint) = if step == Step::Initialize {
            (
                format!(
                    "The server answered, but the browser blocked the response: its CORS headers do not allow this page ({message})."
                ),
                cors_hint("allow-origin"),
            )
        } else {
            (
                format!(
                    "initialize worked, but the browser blocked {} ({message}): the CORS preflight most likely refused the Mcp-Session-Id or MCP-Protocol-Version header.",
                    step.label()
                ),
                cors_hint("allow-headers"),
            )
        };
        self.conclude(Failure {
            outcome: Outcome::Blocked,
            layer: None,
            error: capitalise(&error),
            hint: Some(hint),
        });
    }

    fn conclude_unreachable(&mut self) {
        let suspect = self.suspect.take();
        let (step, message) = suspect
            .map(|s| (s.step, s.message))
            .unwrap_or((Step::Initialize, String::new()));
        let host = self.target.host().to_owned();
        self.conclude(Failure {
            outcome: Outcome::Failed,
            layer: Some(Layer::Transport),
            error: format!("Nothing answered at {host} during {} ({message}).", step.label()),
            hint: Some("Check that the server is running and the host name and port are right.".into()),
        });
    }
}

/// The layer a failure inside a step belongs to.
fn step_layer(step: Step) -> Layer {
    match step {
        Step::Initialize | Step::Initialized => Layer::Initialize,
        Step::ToolsList => Layer::Tools,
        Step::Reachability => Layer::Transport,
        Step::Close => Layer::Http,
    }
}

/// What the server wrote in an error body: a JSON-RPC error message if there is one.
fn server_said(body: &[u8]) -> String {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        if let Some(message) = value
            .get("error")
            .and_then(|e| e.get("message").or(Some(e)))
            .and_then(serde_json::Value::as_str)
        {
            return clip(message, 200);
        }
    }
    body_snippet(body, 200)
}

/// How to fix CORS, as a snippet the server's author can copy.
pub fn cors_hint(kind: &str) -> String {
    let lead = match kind {
        "expose-session" => "The server must expose the session header to the page:",
        "allow-headers" => "The server must allow the MCP headers in its CORS preflight answer:",
        _ => "The server must send CORS headers on every response, errors and 401s included, and answer the OPTIONS preflight:",
    };
    format!(
        "{lead}\nAccess-Control-Allow-Origin: *\nAccess-Control-Allow-Methods: GET, POST, DELETE\nAccess-Control-Allow-Headers: Content-Type, Mcp-Session-Id, MCP-Protocol-Version, Authorization, Last-Event-ID\nAccess-Control-Expose-Headers: Mcp-Session-Id, WWW-Authenticate"
    )
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn human_bytes(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes % 1024 == 0 {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

fn ms(duration: f64) -> u64 {
    if duration.is_finite() && duration > 0.0 {
        duration.round() as u64
    } else {
        0
    }
}
