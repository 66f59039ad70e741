//! Moves the core probe's bytes with the browser's `fetch`. All decisions stay in the core:
//! this module sends what [`Probe::poll_transmit`] asks for, reads every exchange the probe
//! still [`wants`](Probe::wants) concurrently (a legacy event stream stays open beside the
//! POSTs), and reports each head, chunk, end, error or passed deadline back.
//!
//! The requests stay web-sys ones: gloo-net's `send` only calls `fetch` when first polled,
//! and its `RequestBuilder` adds a stray `&` to a URL with a query (gloo issue 498).

use super::clock::monotonic;
use futures::future::{select, select_all, Either, LocalBoxFuture};
use futures::FutureExt;
use gloo_timers::future::TimeoutFuture;
use mcp_status_core::{
    ExchangeId, FetchMode, HttpRequest, Method, Probe, ProbeReport, ResponseHead, Step, StepReport,
    Transmit, TransportError,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    AbortController, ReadableStreamDefaultReader, RequestMode, RequestRedirect, ResponseType,
};

/// What a progress display needs while the probe runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub current: Option<(Step, Option<u32>)>,
    pub finished: Vec<StepReport>,
    /// The verdict, as soon as it is known (closing the session may still be under way).
    pub verdict: Option<ProbeReport>,
}

enum Event {
    Head(ResponseHead, Option<ReadableStreamDefaultReader>),
    Chunk(Vec<u8>),
    End,
    Error(TransportError),
}

/// One request in flight and the future of its next event.
struct Open {
    id: ExchangeId,
    controller: Option<AbortController>,
    reader: Option<ReadableStreamDefaultReader>,
    next: LocalBoxFuture<'static, Event>,
}

impl Open {
    fn start(transmit: Transmit) -> Open {
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        // `fetch` is called now, not when the future is first polled: rendering the progress
        // display must not delay the request.
        let sent = build(&transmit.request, signal.as_ref()).and_then(|request| {
            web_sys::window()
                .map(|window| window.fetch_with_request(&request))
                .ok_or_else(|| "no window to fetch from".to_owned())
        });
        let next = match sent {
            Err(error) => async move { Event::Error(TransportError::Network(error)) }.boxed_local(),
            Ok(promise) => async move {
                match JsFuture::from(promise).await {
                    Ok(value) => match value.dyn_into::<web_sys::Response>() {
                        Ok(response) => {
                            let reader = body_reader(&response);
                            Event::Head(head_of(&response), reader)
                        }
                        Err(_) => {
                            Event::Error(TransportError::Network("fetch gave no response".into()))
                        }
                    },
                    Err(error) => Event::Error(TransportError::Network(js_message(&error))),
                }
            }
            .boxed_local(),
        };
        Open {
            id: transmit.exchange,
            controller,
            reader: None,
            next,
        }
    }

    fn read_next(&mut self) {
        self.next = match self.reader.clone() {
            None => async { Event::End }.boxed_local(),
            Some(reader) => async move {
                match JsFuture::from(reader.read()).await {
                    Err(error) => Event::Error(TransportError::Body(js_message(&error))),
                    Ok(chunk) => {
                        let done = js_sys::Reflect::get(&chunk, &"done".into())
                            .map(|d| d.is_truthy())
                            .unwrap_or(true);
                        match js_sys::Reflect::get(&chunk, &"value".into()) {
                            Ok(value) if !done => {
                                Event::Chunk(js_sys::Uint8Array::new(&value).to_vec())
                            }
                            _ => Event::End,
                        }
                    }
                }
            }
            .boxed_local(),
        };
    }

    /// Reads what is left of a body nobody needs, so the browser can reuse the connection
    /// (aborting closes it, and the next request pays for a new one); gives up and aborts
    /// after a short grace period or a few kilobytes, for streams that never end.
    async fn drain(mut self) {
        const GRACE_MS: u32 = 1_000;
        const MAX_CHUNKS: usize = 16;
        let mut timer = TimeoutFuture::new(GRACE_MS);
        for _ in 0..MAX_CHUNKS {
            match select(&mut self.next, &mut timer).await {
                Either::Left((Event::Chunk(_), _)) => self.read_next(),
                Either::Left((Event::Head(_, reader), _)) => {
                    self.reader = reader;
                    self.read_next();
                }
                Either::Left((Event::End | Event::Error(_), _)) => return,
                Either::Right(_) => break,
            }
        }
        self.abort();
    }

    /// Stops the request and any body still streaming.
    fn abort(&self) {
        if let Some(reader) = &self.reader {
            let _ = reader.cancel();
        }
        if let Some(controller) = &self.controller {
            controller.abort();
        }
    }
}

/// A probe dropped before its end (a quick check replaced by a newer one) stops its requests:
/// an event stream left open would hold a connection for as long as the page lives. Aborting
/// a request that has ended does nothing.
impl Drop for Open {
    fn drop(&mut self) {
        if let Some(controller) = &self.controller {
            controller.abort();
        }
    }
}

/// Runs the probe to the end. `on_progress` is called whenever a step starts, and once when
/// the verdict is known.
pub async fn run_probe(mut probe: Probe, on_progress: &dyn Fn(Progress)) -> ProbeReport {
    let mut open: Vec<Open> = Vec::new();
    let mut verdict_shown = false;
    loop {
        // The verdict is shown before closing the session starts.
        let decided = probe.is_decided() && !verdict_shown;
        if decided {
            verdict_shown = true;
            on_progress(progress_of(&probe));
        }
        let mut started = false;
        while let Some(transmit) = probe.poll_transmit(monotonic()) {
            open.push(Open::start(transmit));
            started = true;
        }
        if started && !decided {
            on_progress(progress_of(&probe));
        }
        let (wanted, unwanted): (Vec<Open>, Vec<Open>) = open
            .into_iter()
            .partition(|exchange| probe.wants(exchange.id));
        open = wanted;
        for exchange in unwanted {
            spawn_local(exchange.drain());
        }
        if probe.is_done() {
            break;
        }
        let deadline = probe.deadline().unwrap_or_else(monotonic);
        let wait = u32::try_from(deadline.ms_since(monotonic())).unwrap_or(u32::MAX);
        let timer = TimeoutFuture::new(wait);
        if open.is_empty() {
            timer.await;
            probe.handle_timeout(monotonic().max(deadline));
            continue;
        }
        let next_event = select_all(open.iter_mut().map(|exchange| &mut exchange.next));
        match select(next_event, timer).await {
            Either::Right(_) => probe.handle_timeout(monotonic().max(deadline)),
            Either::Left(((event, index, _), _)) => deliver(&mut probe, &mut open, index, event),
        }
    }
    probe
        .report()
        .expect("the probe only stops sending once it has a verdict")
}

fn progress_of(probe: &Probe) -> Progress {
    Progress {
        current: probe.current_step(),
        finished: probe.steps().to_vec(),
        verdict: probe.report(),
    }
}

fn deliver(probe: &mut Probe, open: &mut Vec<Open>, index: usize, event: Event) {
    let id = open[index].id;
    let now = monotonic();
    match event {
        Event::Head(head, reader) => {
            open[index].reader = reader;
            probe.handle_response(id, head, now);
            open[index].read_next();
        }
        Event::Chunk(bytes) => {
            probe.handle_body(id, &bytes, now);
            open[index].read_next();
        }
        Event::End => {
            open.remove(index);
            probe.handle_body_end(id, now);
        }
        Event::Error(error) => {
            open.remove(index);
            probe.handle_error(id, error, now);
        }
    }
}

pub(crate) fn build(
    request: &HttpRequest,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<web_sys::Request, String> {
    let init = web_sys::RequestInit::new();
    init.set_method(match request.method {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Delete => "DELETE",
    });
    init.set_signal(signal);
    init.set_mode(match request.mode {
        FetchMode::Cors | FetchMode::CorsManualRedirect => RequestMode::Cors,
        FetchMode::NoCors => RequestMode::NoCors,
    });
    init.set_redirect(match request.mode {
        FetchMode::CorsManualRedirect => RequestRedirect::Manual,
        _ => RequestRedirect::Follow,
    });
    let headers = web_sys::Headers::new().map_err(|e| js_message(&e))?;
    for (name, value) in &request.headers {
        headers.append(name, value).map_err(|e| js_message(&e))?;
    }
    init.set_headers(&headers);
    if let Some(body) = &request.body {
        init.set_body(&wasm_bindgen::JsValue::from_str(body));
    }
    web_sys::Request::new_with_str_and_init(&request.url, &init).map_err(|e| js_message(&e))
}

fn head_of(response: &web_sys::Response) -> ResponseHead {
    if response.type_() == ResponseType::Opaqueredirect {
        return ResponseHead::opaque_redirect();
    }
    let headers = gloo_net::http::Headers::from_raw(response.headers());
    ResponseHead::new(response.status(), headers.entries().collect())
}

fn body_reader(response: &web_sys::Response) -> Option<ReadableStreamDefaultReader> {
    response.body().and_then(|body| {
        body.get_reader()
            .dyn_into::<ReadableStreamDefaultReader>()
            .ok()
    })
}

pub(crate) fn js_message(error: &wasm_bindgen::JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the response stream failed".to_owned())
}
