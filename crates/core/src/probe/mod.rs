//! The probe as a sans-IO state machine.
//!
//! The probe never touches the network. It hands out one [`HttpRequest`] at a time
//! ([`Probe::poll_transmit`]) and is told what happened to it: the response head, body chunks,
//! the end of the body, a transport error or a timeout. Time is passed in as milliseconds from
//! any monotonic clock. The page's `fetch`, a native HTTP client and the unit tests all drive the
//! same machine, so they reach the same verdict for the same bytes.
//!
//! Sequence: `initialize` → `notifications/initialized` → `tools/list` (every page) → DELETE.

mod config;
mod diagnosis;

pub use config::{Environment, ProbeConfig};
pub use diagnosis::{cors_hint, CorsFix};

use crate::auth::parse_www_authenticate;
use crate::http::{FetchMode, HttpRequest, Method, ResponseHead, TransportError};
use crate::jsonrpc::{self, InitializeResult, Reply};
use crate::platform::Platform;
use crate::report::{
    AuthChallenge, Layer, Outcome, ProbeReport, ServerInfo, Step, StepReport, StepStatus, ToolInfo,
    Transport,
};
use crate::sse::SseParser;
use crate::target::Target;
use crate::text::{body_snippet, clip};
use diagnosis::{step_layer, Failure, StatusContext};
use std::collections::HashSet;

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
        let step = self.current_step_or_initialize();
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
                        Failure::failed(
                            Layer::Initialize,
                            "the Mcp-Session-Id header contains characters outside visible ASCII",
                            None,
                        ),
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
                    Failure::failed(
                        Layer::Http,
                        format!(
                            "The server answered {} with {what}, not MCP (JSON or an SSE stream).",
                            step.label()
                        ),
                        Some(
                            "Check the URL: MCP endpoints usually end in a path like /mcp.".into(),
                        ),
                    ),
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
                        Failure::failed(
                            step_layer(step),
                            format!(
                                "The SSE stream of {} carried invalid JSON ({err}).",
                                step.label()
                            ),
                            None,
                        ),
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
                Failure::failed(
                    step_layer(step),
                    format!(
                        "The SSE stream ended before the response to {} arrived.",
                        step.label()
                    ),
                    None,
                ),
            ),
            Body::Json(_) if too_big => self.fail_too_big(now),
            Body::Json(buffer) => {
                if buffer.iter().all(u8::is_ascii_whitespace) {
                    return self.fail_step(
                        now,
                        Failure::failed(
                            step_layer(step),
                            format!(
                                "The server answered {} with an empty body (HTTP {status}).",
                                step.label()
                            ),
                            None,
                        ),
                    );
                }
                match serde_json::from_slice::<serde_json::Value>(&buffer) {
                    Err(err) => self.fail_step(
                        now,
                        Failure::failed(
                            step_layer(step),
                            format!(
                                "The response to {} is not valid JSON ({err}): “{}”",
                                step.label(),
                                body_snippet(&buffer, 120)
                            ),
                            None,
                        ),
                    ),
                    Ok(message) => match jsonrpc::find_reply(&message, id) {
                        Some(reply) => self.handle_reply(reply, now),
                        None if jsonrpc::is_response(&message) => {
                            self.fail_wrong_id(now, &message, id)
                        }
                        None => self.fail_step(
                            now,
                            Failure::failed(
                                step_layer(step),
                                format!(
                                    "The response to {} is not a JSON-RPC response.",
                                    step.label()
                                ),
                                None,
                            ),
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
                self.finish_step(
                    StepStatus::Failed,
                    now,
                    Some(format!("not closed: {message}")),
                );
                self.phase = Phase::Done;
            }
            Step::Reachability => {
                self.finish_step(StepStatus::Failed, now, Some("no answer".into()));
                self.conclude_unreachable();
            }
            _ if got_head => self.fail_step(
                now,
                Failure::failed(
                    step_layer(step),
                    format!(
                        "The connection broke while reading the response to {} ({message}).",
                        step.label()
                    ),
                    None,
                ),
            ),
            _ if self.config.environment == Environment::Browser => {
                // A browser reports a CORS refusal exactly like a dead host: ask again in
                // no-cors mode to tell them apart.
                self.finish_step(StepStatus::Failed, now, Some(message.clone()));
                self.suspect = Some(Suspect { step, message });
                self.phase = Phase::Reachability;
            }
            _ => {
                let failure = diagnosis::unreachable(self.target.host(), step, &message);
                self.fail_step(now, failure);
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
                let note = format!(
                    "no answer within {} ms, not waited for",
                    self.config.aux_timeout_ms
                );
                self.finish_step(StepStatus::Failed, now, Some(note));
                self.phase = Phase::Done;
            }
            Step::Reachability => {
                self.finish_step(StepStatus::Failed, now, Some("no answer".into()));
                self.conclude_unreachable();
            }
            _ => {
                let failure = diagnosis::timed_out(step, got_head, self.timeout_ms);
                self.fail_step(now, failure);
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
                headers.push((
                    "mcp-protocol-version".to_owned(),
                    init.protocol_version.clone(),
                ));
            }
        }
        headers
    }

    fn post(&self, body: String) -> HttpRequest {
        let mut headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            (
                "accept".to_owned(),
                "application/json, text/event-stream".to_owned(),
            ),
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
            if matches!(
                flight.step,
                Step::Initialize | Step::Initialized | Step::ToolsList
            ) {
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
        let step = self.current_step_or_initialize();
        let result = match reply {
            Reply::Error { code, message } => {
                return self.fail_step(
                    now,
                    Failure::failed(
                        step_layer(step),
                        format!("{} returned JSON-RPC error {code}: {message}", step.label()),
                        None,
                    ),
                )
            }
            Reply::Result(result) => result,
        };
        match step {
            Step::Initialize => match jsonrpc::parse_initialize_result(&result) {
                Err(reason) => {
                    self.fail_step(now, Failure::failed(Layer::Initialize, reason, None))
                }
                Ok(init) => {
                    let note = format!("protocol {}", init.protocol_version);
                    self.init = Some(init);
                    self.finish_step(StepStatus::Ok, now, Some(note));
                    self.phase = Phase::Initialized;
                }
            },
            Step::ToolsList => match jsonrpc::parse_tools_page(&result) {
                Err(reason) => self.fail_step(now, Failure::failed(Layer::Tools, reason, None)),
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
                format!("tools/list still had more pages after {page}; stopped there.",),
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

    fn fail_step(&mut self, now: f64, failure: Failure) {
        self.finish_step(StepStatus::Failed, now, None);
        self.conclude(failure);
    }

    /// A failure found between steps (after the last one finished).
    fn fail_phase(&mut self, layer: Layer, error: String) {
        self.conclude(Failure::failed(layer, error, None));
    }

    fn fail_too_big(&mut self, now: f64) {
        let failure = diagnosis::too_big(
            self.current_step_or_initialize(),
            self.config.max_body_bytes,
        );
        self.fail_step(now, failure);
    }

    fn fail_wrong_id(&mut self, now: f64, message: &serde_json::Value, expected: u64) {
        let step = self.current_step_or_initialize();
        let got = message
            .get("id")
            .map(|id| clip(&id.to_string(), 40))
            .unwrap_or_else(|| "none".into());
        self.fail_step(
            now,
            Failure::failed(
                step_layer(step),
                format!(
                    "The response to {} carries id {got}, but the request had id {expected}.",
                    step.label()
                ),
                None,
            ),
        );
    }

    fn fail_status(&mut self, now: f64, status: u16, body: &[u8]) {
        let step = self.current_step_or_initialize();
        let context = StatusContext {
            step,
            status,
            body,
            session_known: self.session_id.is_some(),
            environment: self.config.environment,
        };
        let note = Some(format!("HTTP {status}"));
        self.finish_step(StepStatus::Failed, now, note);
        self.conclude(diagnosis::refused(&context));
    }

    fn conclude_blocked(&mut self) {
        let suspect = self.suspect.take().unwrap_or(Suspect {
            step: Step::Initialize,
            message: String::new(),
        });
        self.conclude(diagnosis::blocked(suspect.step, &suspect.message));
    }

    fn conclude_unreachable(&mut self) {
        let suspect = self.suspect.take().unwrap_or(Suspect {
            step: Step::Initialize,
            message: String::new(),
        });
        let failure = diagnosis::unreachable(self.target.host(), suspect.step, &suspect.message);
        self.conclude(failure);
    }

    fn current_step_or_initialize(&self) -> Step {
        self.in_flight.as_ref().map_or(Step::Initialize, |f| f.step)
    }
}

fn ms(duration: f64) -> u64 {
    if duration.is_finite() && duration > 0.0 {
        duration.round() as u64
    } else {
        0
    }
}
