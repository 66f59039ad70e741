//! The probe as a sans-IO state machine.
//!
//! The probe never touches the network. It hands out requests ([`Probe::poll_transmit`]), each
//! tagged with an [`ExchangeId`], and is told what happened to each: the response head, body
//! chunks, the end of the body, a transport error, or that its deadline passed. Time comes in
//! as [`Monotonic`] readings of the driver's clock, never the wall clock. The page's `fetch`, the native client and the unit
//! tests all drive this one machine, so they reach the same verdict for the same bytes.
//!
//! Usually one exchange is open at a time. The legacy HTTP+SSE transport keeps its event
//! stream open while requests are POSTed beside it, so drivers must read every exchange the
//! probe still [`wants`](Probe::wants) concurrently.
//!
//! Sequence (Streamable HTTP): `initialize` → `notifications/initialized` → `tools/list` (every
//! page) → DELETE. A refused initialize falls back to HTTP+SSE (GET, `endpoint` event, POSTs
//! answered on the stream) or, on a 2026-07-28 error, to `server/discover` → `tools/list`.

mod config;
mod diagnosis;
mod exchange;
mod requests;

pub use config::{Environment, ProbeConfig};
pub use diagnosis::{cors_hint, CorsFix};
pub use exchange::ExchangeId;

use crate::auth::parse_www_authenticate;
use crate::fingerprint::{fingerprint, Fingerprint};
use crate::http::{FetchMode, HttpRequest, ResponseHead, TransportError};
use crate::jsonrpc::{self, InitializeResult, Reply};
use crate::platform::Platform;
use crate::report::{
    AuthChallenge, Outcome, ProbeReport, Step, StepReport, StepStatus, ToolInfo, Transport,
};
use crate::target::Target;
use crate::text::clip;
use crate::time::Monotonic;
use diagnosis::{step_layer, Failure, ListCap, StatusContext};
use exchange::{BodyEvent, Exchange, Reading};
use requests::{Client, Era, Session};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// A request for the driver to send, tagged so it can report back what happened to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Transmit {
    pub exchange: ExchangeId,
    pub request: HttpRequest,
}

/// The step to start once nothing is in progress.
#[derive(Debug, Clone, PartialEq)]
enum Next {
    Initialize,
    OpenStream,
    Discover,
    Initialized,
    ToolsList { page: u32, cursor: Option<String> },
    Reachability,
    NoCorsCheck,
    AuthMetadata { candidates: Vec<String> },
    Close,
}

/// The step in progress.
#[derive(Debug)]
struct Active {
    step: Step,
    page: Option<u32>,
    started: Monotonic,
    /// The JSON-RPC id whose response completes the step.
    awaiting: Option<u64>,
    /// The request that started the step.
    exchange: ExchangeId,
    url: String,
    http_status: Option<u16>,
    /// Further metadata URLs to try (`AuthMetadata` only).
    candidates: Vec<String>,
}

/// A network error being checked with the reachability request.
#[derive(Debug, Clone)]
struct Suspect {
    step: Step,
    message: String,
    /// The host answered the reachability GET with a redirect.
    redirected: bool,
}

#[derive(Debug)]
pub struct Probe {
    target: Target,
    config: ProbeConfig,
    timeout_ms: u64,
    started: Monotonic,
    next_exchange: u32,
    next_rpc_id: u64,
    exchanges: Vec<Exchange>,
    active: Option<Active>,
    next: Option<Next>,
    steps: Vec<StepReport>,
    era: Era,
    session: Session,
    /// The legacy event stream, once open.
    stream: Option<ExchangeId>,
    identity: Option<InitializeResult>,
    tools: Vec<ToolInfo>,
    raw_tools: Vec<Value>,
    seen_cursors: HashSet<String>,
    /// Body bytes read so far, every exchange together (`max_total_bytes`).
    received: usize,
    tools_done: bool,
    /// Computed once the whole list is in (reports are built more than once).
    prints: Option<Fingerprint>,
    /// When the last step that decides the verdict ended; the probe's latency ends here.
    verdict_end: Monotonic,
    failure: Option<Failure>,
    auth: Option<AuthChallenge>,
    suspect: Option<Suspect>,
    /// Why initialize was refused, kept while the legacy fallback is tried.
    refusal: Option<Failure>,
}

impl Probe {
    pub fn new(target: Target, config: ProbeConfig, now: Monotonic) -> Probe {
        let timeout_ms = config
            .timeout_ms
            .unwrap_or_else(|| Platform::from_host(target.host()).default_timeout_ms());
        Probe {
            target,
            config,
            timeout_ms,
            started: now,
            next_exchange: 1,
            next_rpc_id: 1,
            exchanges: Vec::new(),
            active: None,
            next: Some(Next::Initialize),
            steps: Vec::new(),
            era: Era::Streamable,
            session: Session::default(),
            stream: None,
            identity: None,
            tools: Vec::new(),
            raw_tools: Vec::new(),
            seen_cursors: HashSet::new(),
            received: 0,
            tools_done: false,
            prints: None,
            verdict_end: now,
            failure: None,
            auth: None,
            suspect: None,
            refusal: None,
        }
    }

    /// The next request to send. `None` while a step is in progress or when the probe is done.
    pub fn poll_transmit(&mut self, now: Monotonic) -> Option<Transmit> {
        if self.active.is_some() {
            return None;
        }
        let next = self.next.take()?;
        let exchange = ExchangeId(self.next_exchange);
        self.next_exchange += 1;
        let mut page = None;
        let mut awaiting = None;
        let mut candidates = Vec::new();
        let target = self.target.to_string();
        let (step, request) = match next {
            Next::Initialize => {
                let id = self.take_rpc_id();
                awaiting = Some(id);
                let params = jsonrpc::initialize_params(
                    &self.config.client_name,
                    &self.config.client_version,
                );
                (Step::Initialize, self.rpc(Some(id), "initialize", params))
            }
            Next::OpenStream => (Step::OpenStream, requests::open_stream(&target)),
            Next::Discover => {
                let id = self.take_rpc_id();
                awaiting = Some(id);
                (
                    Step::Discover,
                    self.rpc(Some(id), "server/discover", Map::new()),
                )
            }
            Next::Initialized => (
                Step::Initialized,
                self.rpc(None, "notifications/initialized", Map::new()),
            ),
            Next::ToolsList {
                page: number,
                cursor,
            } => {
                let id = self.take_rpc_id();
                awaiting = Some(id);
                page = Some(number);
                let mut params = Map::new();
                if let Some(cursor) = cursor {
                    params.insert("cursor".to_owned(), Value::String(cursor));
                }
                (Step::ToolsList, self.rpc(Some(id), "tools/list", params))
            }
            Next::Reachability => (
                Step::Reachability,
                requests::get(&target, FetchMode::CorsManualRedirect),
            ),
            Next::NoCorsCheck => (Step::NoCorsCheck, requests::get(&target, FetchMode::NoCors)),
            Next::AuthMetadata {
                candidates: mut urls,
            } => {
                let first = urls.remove(0);
                candidates = urls;
                (Step::AuthMetadata, requests::get(&first, FetchMode::Cors))
            }
            Next::Close => (Step::Close, requests::close(&target, &self.session)),
        };
        self.exchanges.push(Exchange::new(exchange, step));
        self.active = Some(Active {
            step,
            page,
            started: now,
            awaiting,
            exchange,
            url: request.url.clone(),
            http_status: None,
            candidates,
        });
        Some(Transmit { exchange, request })
    }

    /// When the driver must call [`Probe::handle_timeout`] if nothing else happens first.
    pub fn deadline(&self) -> Option<Monotonic> {
        let active = self.active.as_ref()?;
        Some(if is_auxiliary(active.step) {
            active.started.plus_ms(self.config.aux_timeout_ms)
        } else {
            self.started.plus_ms(self.timeout_ms)
        })
    }

    /// Whether the probe still wants the head or body of `exchange`. Drivers stop reading (and
    /// abort) exchanges it no longer wants.
    pub fn wants(&self, exchange: ExchangeId) -> bool {
        self.exchanges
            .iter()
            .any(|e| e.id == exchange && e.is_open())
    }

    /// The step in progress (or about to start), for progress displays.
    pub fn current_step(&self) -> Option<(Step, Option<u32>)> {
        if let Some(active) = &self.active {
            return Some((active.step, active.page));
        }
        self.next.as_ref().map(|next| match next {
            Next::Initialize => (Step::Initialize, None),
            Next::OpenStream => (Step::OpenStream, None),
            Next::Discover => (Step::Discover, None),
            Next::Initialized => (Step::Initialized, None),
            Next::ToolsList { page, .. } => (Step::ToolsList, Some(*page)),
            Next::Reachability => (Step::Reachability, None),
            Next::NoCorsCheck => (Step::NoCorsCheck, None),
            Next::AuthMetadata { .. } => (Step::AuthMetadata, None),
            Next::Close => (Step::Close, None),
        })
    }

    /// Steps finished so far.
    pub fn steps(&self) -> &[StepReport] {
        &self.steps
    }

    pub fn is_done(&self) -> bool {
        self.active.is_none() && self.next.is_none()
    }

    /// The verdict is known; at most closing the session remains. Pages show the result now
    /// rather than after the courtesy DELETE.
    pub fn is_decided(&self) -> bool {
        let closing = match (&self.active, &self.next) {
            (Some(active), _) => active.step == Step::Close,
            (None, next) => matches!(next, None | Some(Next::Close)),
        };
        closing && (self.failure.is_some() || self.tools_done)
    }

    pub fn handle_response(&mut self, exchange: ExchangeId, head: ResponseHead, now: Monotonic) {
        let Some(index) = self.index_of(exchange) else {
            return;
        };
        if self.exchanges[index].status.is_some() {
            return;
        }
        self.exchanges[index].status = Some(head.status);
        if let Some(active) = self.active.as_mut().filter(|a| a.exchange == exchange) {
            active.http_status = Some(head.status);
        }
        match self.exchanges[index].step {
            Step::Reachability if head.opaque_redirect => {
                // Redirects can loop, or end where CORS stops the page: the no-cors check,
                // which follows them, tells which.
                if let Some(suspect) = self.suspect.as_mut() {
                    suspect.redirected = true;
                }
                let note = Some("the host answered with a redirect".into());
                self.finish_step(StepStatus::Ok, now, note);
                self.next = Some(Next::NoCorsCheck);
            }
            Step::Reachability | Step::NoCorsCheck => {
                // Any answer at all, even an opaque one, means the host is there.
                self.finish_step(StepStatus::Ok, now, Some("the host answered".into()));
                self.conclude_blocked();
            }
            Step::Close => self.on_close_head(head.status, now),
            Step::AuthMetadata => {
                if (200..300).contains(&head.status) {
                    self.exchanges[index].reading = Reading::Json(Vec::new());
                } else {
                    self.auth_metadata_failed(format!("HTTP {}", head.status), now);
                }
            }
            Step::OpenStream => self.on_stream_head(index, &head, now),
            Step::Initialize | Step::Discover | Step::Initialized | Step::ToolsList => {
                self.on_rpc_head(index, &head, now)
            }
        }
        self.settle();
    }

    pub fn handle_body(&mut self, exchange: ExchangeId, chunk: &[u8], now: Monotonic) {
        let Some(index) = self.index_of(exchange) else {
            return;
        };
        if self.exchanges[index].status.is_none() || !self.exchanges[index].is_open() {
            return;
        }
        self.received = self.received.saturating_add(chunk.len());
        if self.received > self.config.max_total_bytes {
            // The chunk that passes the cap is not kept: memory stays within it.
            self.exchanges[index].reading = Reading::Skip;
            self.over_total(index, now);
            return self.settle();
        }
        let events = self.exchanges[index].push(chunk, self.config.max_body_bytes);
        self.on_events(exchange, events, now);
        self.settle();
    }

    pub fn handle_body_end(&mut self, exchange: ExchangeId, now: Monotonic) {
        let Some(index) = self.index_of(exchange) else {
            return;
        };
        if self.exchanges[index].status.is_none() {
            return;
        }
        let events = self.exchanges[index].end();
        self.on_events(exchange, events, now);
        self.settle();
    }

    pub fn handle_error(&mut self, exchange: ExchangeId, error: TransportError, now: Monotonic) {
        let Some(index) = self.index_of(exchange) else {
            return;
        };
        let step = self.exchanges[index].step;
        let got_head = self.exchanges[index].status.is_some();
        self.exchanges[index].reading = Reading::Skip;
        let message = match &error {
            TransportError::Network(m)
            | TransportError::Body(m)
            | TransportError::TooManyRedirects(m) => clip(m, 200),
        };
        if self.stream == Some(exchange) && self.era != Era::Streamable {
            self.stream_lost(&format!("the event stream broke ({message})"), now);
            return self.settle();
        }
        match step {
            Step::Close => {
                self.finish_step(
                    StepStatus::Failed,
                    now,
                    Some(format!("not closed: {message}")),
                );
            }
            Step::Reachability => self.reachability_failed(now, &message),
            Step::NoCorsCheck => self.conclude_unreachable(now, &message),
            Step::AuthMetadata => {
                self.auth_metadata_failed(format!("could not be read: {message}"), now)
            }
            Step::OpenStream => {
                self.finish_step(StepStatus::Failed, now, Some(message.clone()));
                let failure = self
                    .refusal
                    .take()
                    .unwrap_or_else(|| diagnosis::unreachable(self.target.host(), step, &message));
                self.conclude(failure);
            }
            _ if matches!(error, TransportError::TooManyRedirects(_)) => {
                self.fail_step(now, diagnosis::redirect_loop(step, &message));
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
                self.suspect = Some(Suspect {
                    step,
                    message,
                    redirected: false,
                });
                self.next = Some(Next::Reachability);
            }
            _ => {
                let failure = diagnosis::unreachable(self.target.host(), step, &message);
                self.fail_step(now, failure);
            }
        }
        self.settle();
    }

    /// Call when [`Probe::deadline`] has passed; earlier calls are ignored.
    pub fn handle_timeout(&mut self, now: Monotonic) {
        let Some(deadline) = self.deadline() else {
            return;
        };
        let Some(active) = self.active.as_ref().filter(|_| now >= deadline) else {
            return;
        };
        let step = active.step;
        let got_head = active.http_status.is_some();
        let aux_ms = self.config.aux_timeout_ms;
        match step {
            Step::Close => {
                let note = format!("no answer within {aux_ms} ms, not waited for");
                self.finish_step(StepStatus::Failed, now, Some(note));
            }
            Step::Reachability => self.reachability_failed(now, "no answer"),
            Step::NoCorsCheck => self.conclude_unreachable(now, "no answer"),
            Step::AuthMetadata => {
                self.auth_metadata_failed(format!("no answer within {aux_ms} ms"), now)
            }
            Step::OpenStream if self.refusal.is_some() => {
                self.finish_step(StepStatus::Failed, now, Some("no event stream".into()));
                let failure = self.refusal.take().expect("checked above");
                self.conclude(failure);
            }
            _ => {
                let failure = diagnosis::timed_out(step, got_head, self.timeout_ms);
                self.fail_step(now, failure);
            }
        }
        self.settle();
    }

    /// The verdict, once [`Probe::is_decided`]; its steps grow until [`Probe::is_done`].
    pub fn report(&self) -> Option<ProbeReport> {
        if !self.is_decided() && !self.is_done() {
            return None;
        }
        let latency_ms = self.verdict_end.ms_since(self.started);
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
        let identity = self.identity.as_ref();
        let transport = identity.map(|_| match self.era {
            Era::Legacy { .. } => Transport::HttpSse,
            _ => Transport::StreamableHttp,
        });
        let prints = self.prints.clone();
        Some(ProbeReport {
            url: self.target.to_string(),
            outcome,
            layer,
            error,
            hint,
            latency_ms,
            timeout_ms: self.timeout_ms,
            steps: self.steps.clone(),
            transport,
            protocol_version: identity.map(|i| i.protocol_version.clone()),
            server: identity.map(|i| i.server.clone()),
            tools: self.tools_done.then(|| self.tools.clone()),
            auth: self.auth.clone(),
            contract_hash: prints.as_ref().map(|p| p.contract_hash.clone()),
            metadata_hash: prints.map(|p| p.metadata_hash),
            tool_list: self.tools_done.then(|| self.raw_tools.clone()),
        })
    }

    // ---- responses -------------------------------------------------------------------------

    fn on_rpc_head(&mut self, index: usize, head: &ResponseHead, now: Monotonic) {
        let step = self.exchanges[index].step;
        let status = head.status;
        if !(200..300).contains(&status) {
            if matches!(status, 401 | 403) {
                return self.on_auth_required(head, now);
            }
            // The message comes once the start of the body is in.
            self.exchanges[index].reading = Reading::Error(Vec::new());
            return;
        }
        if step == Step::Initialize && self.era == Era::Streamable {
            if let Some(id) = head.header("mcp-session-id") {
                if id.is_empty() || !id.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
                    let error =
                        "The Mcp-Session-Id header contains characters outside visible ASCII.";
                    return self.fail_step(now, Failure::failed(step_layer(step), error, None));
                }
                self.session.id = Some(id.to_owned());
            }
        }
        if step == Step::Initialized {
            let note = (status != 202).then(|| format!("HTTP {status} (202 expected)"));
            self.finish_step(StepStatus::Ok, now, note);
            return self.after_initialized();
        }
        if matches!(self.era, Era::Legacy { .. }) {
            // Accepted; the answer will come on the event stream.
            return;
        }
        match head.media_type().as_deref() {
            Some("text/event-stream") => {
                self.exchanges[index].reading = Reading::Sse(crate::sse::SseParser::new())
            }
            Some("application/json") | None => {
                self.exchanges[index].reading = Reading::Json(Vec::new())
            }
            Some(media) if media.ends_with("+json") => {
                self.exchanges[index].reading = Reading::Json(Vec::new())
            }
            Some(media) => {
                let failure = diagnosis::not_mcp(step, media);
                self.fail_step(now, failure);
            }
        }
    }

    fn on_stream_head(&mut self, index: usize, head: &ResponseHead, now: Monotonic) {
        let is_stream = (200..300).contains(&head.status)
            && head.media_type().as_deref() == Some("text/event-stream");
        if is_stream {
            self.exchanges[index].reading = Reading::Sse(crate::sse::SseParser::new());
            self.stream = Some(self.exchanges[index].id);
            return;
        }
        let note = format!("HTTP {}, not an event stream", head.status);
        self.finish_step(StepStatus::Failed, now, Some(note));
        let failure = self.refusal.take().unwrap_or_else(|| {
            Failure::failed(
                crate::report::Layer::Http,
                "The server is neither a Streamable HTTP nor an HTTP+SSE endpoint.",
                None,
            )
        });
        self.conclude(failure);
    }

    fn on_close_head(&mut self, status: u16, now: Monotonic) {
        let (result, note) = match status {
            200..=299 => (StepStatus::Ok, None),
            405 => (
                StepStatus::Ok,
                Some("the server does not allow closing sessions (405): fine".into()),
            ),
            404 => (
                StepStatus::Ok,
                Some("the session was already gone (404)".into()),
            ),
            other => (
                StepStatus::Failed,
                Some(format!("unexpected status {other}, ignored")),
            ),
        };
        self.finish_step(result, now, note);
    }

    fn on_auth_required(&mut self, head: &ResponseHead, now: Monotonic) {
        let status = head.status;
        let step = self.active.as_ref().map_or(Step::Initialize, |a| a.step);
        let challenge = parse_www_authenticate(status, head.header("www-authenticate"));
        let candidates = metadata_candidates(&challenge, &self.target);
        self.auth = Some(challenge);
        self.finish_step(StepStatus::Failed, now, None);
        self.failure = Some(diagnosis::auth_required(step, status));
        self.next = if candidates.is_empty() {
            self.closing()
        } else {
            Some(Next::AuthMetadata { candidates })
        };
    }

    fn on_events(&mut self, exchange: ExchangeId, events: Vec<BodyEvent>, now: Monotonic) {
        for event in events {
            // An event after the step settled (the rest of a stream) is for nobody.
            let Some(index) = self.index_of(exchange) else {
                return;
            };
            let step = self.exchanges[index].step;
            let status = self.exchanges[index].status.unwrap_or_default();
            match event {
                BodyEvent::ErrorBody(body) => self.on_refused(step, status, &body, now),
                // The verdict (auth required) is already known; the metadata only adds to it.
                BodyEvent::TooBig if step == Step::AuthMetadata => {
                    let why = diagnosis::too_big_note(self.config.max_body_bytes);
                    self.auth_metadata_failed(why, now)
                }
                BodyEvent::TooBig => {
                    let failure =
                        diagnosis::too_big(self.layer_step(step), self.config.max_body_bytes);
                    self.fail_step(now, failure);
                }
                BodyEvent::Endpoint(data) if step == Step::OpenStream => {
                    self.on_endpoint(&data, now)
                }
                BodyEvent::Endpoint(_) => {}
                BodyEvent::Message(value) if step == Step::AuthMetadata => {
                    self.on_auth_metadata(&value, now)
                }
                BodyEvent::Message(value) => self.on_message(&value, now),
                BodyEvent::Invalid(_) | BodyEvent::Empty if step == Step::AuthMetadata => {
                    self.auth_metadata_failed("not a JSON document".into(), now)
                }
                BodyEvent::Invalid(reason) => {
                    let step = self.layer_step(step);
                    let error = format!(
                        "The response to {} is not valid JSON ({reason}).",
                        step.label()
                    );
                    self.fail_step(now, Failure::failed(step_layer(step), error, None));
                }
                BodyEvent::Empty => {
                    let error = format!(
                        "The server answered {} with an empty body (HTTP {status}).",
                        step.label()
                    );
                    self.fail_step(now, Failure::failed(step_layer(step), error, None));
                }
                BodyEvent::StreamEnded if step == Step::OpenStream => {
                    self.stream_lost("the event stream ended", now)
                }
                BodyEvent::StreamEnded => {
                    let error = format!(
                        "The SSE stream ended before the response to {} arrived.",
                        step.label()
                    );
                    self.fail_step(now, Failure::failed(step_layer(step), error, None));
                }
            }
        }
    }

    fn on_message(&mut self, message: &Value, now: Monotonic) {
        let Some(expected) = self.active.as_ref().and_then(|a| a.awaiting) else {
            return;
        };
        if let Some(reply) = jsonrpc::find_reply(message, expected) {
            return self.on_reply(reply, now);
        }
        if jsonrpc::is_response(message) {
            let step = self.active.as_ref().map_or(Step::Initialize, |a| a.step);
            let got = message
                .get("id")
                .map(|id| clip(&id.to_string(), 40))
                .unwrap_or_else(|| "none".into());
            let error = format!(
                "The response to {} carries id {got}, but the request had id {expected}.",
                step.label()
            );
            self.fail_step(now, Failure::failed(step_layer(step), error, None));
        }
    }

    fn on_reply(&mut self, reply: Reply, now: Monotonic) {
        let Some(step) = self.active.as_ref().map(|a| a.step) else {
            return;
        };
        let result = match reply {
            Reply::Error { code, message } => {
                if step == Step::Initialize
                    && self.era == Era::Streamable
                    && (-32099..=-32020).contains(&code)
                {
                    return self.switch_to_modern(now, &format!("JSON-RPC error {code}"));
                }
                let error = format!("{} returned JSON-RPC error {code}: {message}", step.label());
                return self.fail_step(now, Failure::failed(step_layer(step), error, None));
            }
            Reply::Result(result) => result,
        };
        match step {
            Step::Initialize | Step::Discover => {
                let parsed = if step == Step::Initialize {
                    jsonrpc::parse_initialize_result(&result)
                } else {
                    jsonrpc::parse_discover_result(&result)
                };
                match parsed {
                    Err(reason) => {
                        self.fail_step(now, Failure::failed(step_layer(step), reason, None))
                    }
                    Ok(identity) => {
                        let note = format!("protocol {}", identity.protocol_version);
                        if step == Step::Initialize
                            && jsonrpc::needs_protocol_header(&identity.protocol_version)
                        {
                            self.session.protocol_header = Some(identity.protocol_version.clone());
                        }
                        self.identity = Some(identity);
                        self.finish_step(StepStatus::Ok, now, Some(note));
                        if step == Step::Initialize {
                            self.next = Some(Next::Initialized);
                        } else {
                            self.after_initialized();
                        }
                    }
                }
            }
            Step::ToolsList => {
                // Counted before the page is parsed into more values than it already is.
                let listed = result
                    .get("tools")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                let seen = self.tools.len().saturating_add(listed);
                if seen > self.config.max_tools {
                    let limit = self.config.max_tools;
                    return self.tool_list_too_large(ListCap::Tools { seen, limit }, now);
                }
                self.on_tools_page(&result, now)
            }
            _ => {}
        }
    }

    fn on_tools_page(&mut self, result: &Value, now: Monotonic) {
        match jsonrpc::parse_tools_page(result) {
            Err(reason) => {
                let failure = Failure::failed(crate::report::Layer::Tools, reason, None);
                self.fail_step(now, failure)
            }
            Ok(page) => {
                let count = page.tools.len();
                self.tools.extend(page.tools);
                self.raw_tools.extend(page.raw);
                self.finish_step(StepStatus::Ok, now, Some(format!("{count} tools")));
                self.next_page(page.next_cursor);
            }
        }
    }

    /// The body bytes of the whole probe passed `max_total_bytes` while reading `index`.
    fn over_total(&mut self, index: usize, now: Monotonic) {
        let step = self.layer_step(self.exchanges[index].step);
        let limit = self.config.max_total_bytes;
        match step {
            Step::ToolsList => {
                let received = self.received;
                self.tool_list_too_large(ListCap::Bytes { received, limit }, now)
            }
            Step::AuthMetadata => self.auth_metadata_failed(diagnosis::too_big_note(limit), now),
            _ => self.fail_step(now, diagnosis::too_big(step, limit)),
        }
    }

    fn tool_list_too_large(&mut self, cap: ListCap, now: Monotonic) {
        let page = self.active.as_ref().and_then(|a| a.page).unwrap_or(1);
        // An incomplete list is never reported (no tools, no fingerprints): free it now
        // rather than when the probe is dropped.
        self.tools = Vec::new();
        self.raw_tools = Vec::new();
        self.fail_step(now, diagnosis::tool_list_too_large(page, cap));
    }

    fn on_refused(&mut self, step: Step, status: u16, body: &[u8], now: Monotonic) {
        if step == Step::Initialize && self.era == Era::Streamable {
            let message = serde_json::from_slice::<Value>(body).ok();
            if message.as_ref().is_some_and(jsonrpc::is_modern_error) {
                return self.switch_to_modern(now, &format!("HTTP {status}"));
            }
            if matches!(status, 400 | 404 | 405) {
                self.refusal = Some(diagnosis::refused(&self.status_context(step, status, body)));
                let note = format!("HTTP {status}: trying the legacy HTTP+SSE transport");
                self.finish_step(StepStatus::Fallback, now, Some(note));
                self.next = Some(Next::OpenStream);
                return;
            }
        }
        let failure = diagnosis::refused(&self.status_context(step, status, body));
        self.finish_step(StepStatus::Failed, now, None);
        self.conclude(failure);
    }

    fn switch_to_modern(&mut self, now: Monotonic, why: &str) {
        let note = format!(
            "{why}: a stateless {} server",
            jsonrpc::MODERN_PROTOCOL_VERSION
        );
        self.finish_step(StepStatus::Fallback, now, Some(note));
        self.era = Era::Modern;
        self.next = Some(Next::Discover);
    }

    fn on_endpoint(&mut self, data: &str, now: Monotonic) {
        if self.era != Era::Streamable {
            return;
        }
        // Untrimmed: `join` removes what browsers remove, and no more (a Unicode space before
        // `//host` makes it a path on this server, not another host).
        let resolved = self.target.join(data);
        let same_origin = resolved
            .as_ref()
            .is_ok_and(|url| url.origin() == self.target.origin());
        match resolved {
            Ok(url) if same_origin => {
                let note = format!("endpoint {}", clip(url.path(), 80));
                self.era = Era::Legacy {
                    endpoint: url.to_string(),
                };
                self.refusal = None;
                self.finish_step(StepStatus::Ok, now, Some(note));
                self.next = Some(Next::Initialize);
            }
            _ => {
                let error = format!(
                    "The event stream named the endpoint “{}”, which is not on the server's origin.",
                    clip(data, 80)
                );
                self.fail_step(
                    now,
                    Failure::failed(crate::report::Layer::Initialize, error, None),
                );
            }
        }
    }

    fn on_auth_metadata(&mut self, document: &Value, now: Monotonic) {
        let Some(object) = document.as_object() else {
            return self.auth_metadata_failed("not a JSON object".into(), now);
        };
        let strings = |key: &str| -> Vec<String> {
            object
                .get(key)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .take(10)
                        .map(|s| clip(s, 200))
                        .collect()
                })
                .unwrap_or_default()
        };
        let url = self.active.as_ref().map(|a| a.url.clone());
        if let Some(auth) = self.auth.as_mut() {
            auth.metadata_url = url;
            auth.authorization_servers = strings("authorization_servers");
            auth.scopes_supported = strings("scopes_supported");
            auth.metadata_error = None;
        }
        self.finish_step(StepStatus::Ok, now, None);
        self.next = self.closing();
    }

    fn auth_metadata_failed(&mut self, why: String, now: Monotonic) {
        let (url, candidates) = match self.active.as_mut() {
            Some(active) => (active.url.clone(), std::mem::take(&mut active.candidates)),
            None => (String::new(), Vec::new()),
        };
        self.finish_step(StepStatus::Failed, now, Some(why.clone()));
        if candidates.is_empty() {
            if let Some(auth) = self.auth.as_mut() {
                auth.metadata_url = Some(url);
                auth.metadata_error = Some(why);
            }
            self.next = self.closing();
        } else {
            self.next = Some(Next::AuthMetadata { candidates });
        }
    }

    // ---- transitions -------------------------------------------------------------------------

    fn after_initialized(&mut self) {
        if self.identity.as_ref().is_some_and(|i| i.has_tools) {
            self.next = Some(Next::ToolsList {
                page: 1,
                cursor: None,
            });
        } else {
            // A server without the tools capability has nothing to list: not a failure.
            self.tools_complete();
        }
    }

    fn next_page(&mut self, cursor: Option<String>) {
        let page = self.steps.last().and_then(|s| s.page).unwrap_or(1);
        let Some(cursor) = cursor else {
            self.tools_complete();
            return;
        };
        let failure = if !self.seen_cursors.insert(cursor.clone()) {
            format!(
                "tools/list returned the cursor “{}” twice: the listing would never end.",
                clip(&cursor, 60)
            )
        } else if page >= self.config.max_tool_pages {
            format!("tools/list still had more pages after {page}; stopped there.")
        } else {
            self.next = Some(Next::ToolsList {
                page: page + 1,
                cursor: Some(cursor),
            });
            return;
        };
        self.conclude(Failure::failed(crate::report::Layer::Tools, failure, None));
    }

    fn tools_complete(&mut self) {
        self.tools_done = true;
        self.prints = Some(fingerprint(&self.raw_tools));
        self.next = self.closing();
    }

    /// Closes the session after the verdict, if there is one to close.
    fn closing(&self) -> Option<Next> {
        let closed = self.steps.iter().any(|s| s.step == Step::Close);
        (self.session.id.is_some() && self.era == Era::Streamable && !closed).then_some(Next::Close)
    }

    fn conclude(&mut self, failure: Failure) {
        self.failure = Some(failure);
        self.next = self.closing();
    }

    fn fail_step(&mut self, now: Monotonic, failure: Failure) {
        self.finish_step(StepStatus::Failed, now, None);
        self.conclude(failure);
    }

    fn finish_step(&mut self, status: StepStatus, now: Monotonic, note: Option<String>) {
        let Some(active) = self.active.take() else {
            return;
        };
        if !is_auxiliary(active.step) {
            self.verdict_end = now;
        }
        if self.stream != Some(active.exchange) {
            self.exchanges.retain(|e| e.id != active.exchange);
        }
        if let Some(stream) = self.stream.and_then(|id| self.index_of(id)) {
            // The legacy stream carries every answer of the session: its cap is per answer,
            // like a response's, and `max_total_bytes` bounds them all.
            self.exchanges[stream].count_afresh();
        }
        self.steps.push(StepReport {
            step: active.step,
            page: active.page,
            status,
            http_status: active.http_status,
            latency_ms: now.ms_since(active.started),
            note,
        });
    }

    /// The legacy event stream ended or broke before the probe was done with it.
    fn stream_lost(&mut self, why: &str, now: Monotonic) {
        if let Some(stream) = self.stream.take() {
            self.exchanges.retain(|e| e.id != stream);
        }
        if self.failure.is_some() || self.tools_done {
            return;
        }
        let step = self.active.as_ref().map_or(Step::Initialize, |a| a.step);
        let error = format!(
            "{} before the response to {} arrived.",
            diagnosis::capitalise(why),
            step.label()
        );
        if self.active.is_some() {
            self.fail_step(now, Failure::failed(step_layer(step), error, None));
        } else {
            self.conclude(Failure::failed(step_layer(step), error, None));
        }
    }

    fn take_suspect(&mut self) -> Suspect {
        self.suspect.take().unwrap_or(Suspect {
            step: Step::Initialize,
            message: String::new(),
            redirected: false,
        })
    }

    /// The host answered one of the follow-up requests.
    fn conclude_blocked(&mut self) {
        let suspect = self.take_suspect();
        let failure = if suspect.redirected {
            diagnosis::blocked_redirect(suspect.step)
        } else {
            diagnosis::blocked(suspect.step, &suspect.message)
        };
        self.conclude(failure);
    }

    /// A CORS GET failed too; the no-cors GET decides between "blocked" and "unreachable".
    fn reachability_failed(&mut self, now: Monotonic, message: &str) {
        self.finish_step(StepStatus::Failed, now, Some(clip(message, 120)));
        self.next = Some(Next::NoCorsCheck);
    }

    /// Not even an opaque answer: a dead host, or redirects that never end.
    fn conclude_unreachable(&mut self, now: Monotonic, message: &str) {
        self.finish_step(StepStatus::Failed, now, Some(clip(message, 120)));
        let suspect = self.take_suspect();
        let failure = if suspect.redirected {
            diagnosis::redirect_loop(suspect.step, "the browser gave up following them")
        } else {
            diagnosis::unreachable(self.target.host(), suspect.step, &suspect.message)
        };
        self.conclude(failure);
    }

    /// Drops every exchange once the probe is done, so drivers stop reading.
    fn settle(&mut self) {
        if self.is_done() {
            self.exchanges.clear();
            self.stream = None;
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    fn rpc(&self, id: Option<u64>, method: &str, params: Map<String, Value>) -> HttpRequest {
        let client = Client {
            name: &self.config.client_name,
            version: &self.config.client_version,
        };
        requests::rpc(
            &self.era,
            self.target.as_str(),
            &self.session,
            &client,
            id,
            method,
            params,
        )
    }

    fn take_rpc_id(&mut self) -> u64 {
        let id = self.next_rpc_id;
        self.next_rpc_id += 1;
        id
    }

    fn index_of(&self, exchange: ExchangeId) -> Option<usize> {
        self.exchanges.iter().position(|e| e.id == exchange)
    }

    /// The step a body event is about: on the legacy stream, the step awaiting its answer.
    fn layer_step(&self, exchange_step: Step) -> Step {
        match exchange_step {
            Step::OpenStream => self.active.as_ref().map_or(Step::Initialize, |a| a.step),
            other => other,
        }
    }

    fn status_context<'a>(&self, step: Step, status: u16, body: &'a [u8]) -> StatusContext<'a> {
        StatusContext {
            step,
            status,
            body,
            session_known: self.session.id.is_some(),
            environment: self.config.environment,
        }
    }
}

/// Steps that never decide the verdict; each has its own short budget.
fn is_auxiliary(step: Step) -> bool {
    matches!(
        step,
        Step::Reachability | Step::NoCorsCheck | Step::AuthMetadata | Step::Close
    )
}

/// Where the protected-resource metadata may be: the URL the challenge names, else (for a 401)
/// the well-known locations of RFC 9728, path-specific first.
fn metadata_candidates(challenge: &AuthChallenge, target: &Target) -> Vec<String> {
    if let Some(url) = &challenge.resource_metadata {
        return Target::parse(url)
            .map(|t| vec![t.to_string()])
            .unwrap_or_default();
    }
    if challenge.http_status != 401 {
        return Vec::new();
    }
    let origin = target.origin();
    let path = target.path().trim_end_matches('/');
    let mut candidates = Vec::new();
    if !path.is_empty() {
        candidates.push(format!(
            "{origin}/.well-known/oauth-protected-resource{path}"
        ));
    }
    candidates.push(format!("{origin}/.well-known/oauth-protected-resource"));
    candidates
}
