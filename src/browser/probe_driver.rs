//! Moves the core probe's bytes with the browser's `fetch`. All decisions stay in the core: this
//! module only sends what [`Probe::poll_transmit`] asks for and reports back what happened.

use super::clock::now_ms;
use futures::future::{select, Either};
use gloo_net::http::{Method as FetchMethod, RequestBuilder, Response};
use gloo_timers::future::TimeoutFuture;
use mcp_status_core::{
    FetchMode, HttpRequest, Method, Probe, ProbeReport, ResponseHead, Step, StepReport,
    TransportError,
};
use std::future::Future;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, ReadableStreamDefaultReader, RequestMode};

/// What a progress display needs while the probe runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub current: Option<(Step, Option<u32>)>,
    pub finished: Vec<StepReport>,
}

/// Runs the probe to the end. `on_progress` is called before every request.
pub async fn run_probe(mut probe: Probe, on_progress: impl Fn(Progress)) -> ProbeReport {
    loop {
        on_progress(Progress {
            current: probe.current_step(),
            finished: probe.steps().to_vec(),
        });
        let Some(request) = probe.poll_transmit(now_ms()) else {
            break;
        };
        let deadline = probe.deadline().unwrap_or_else(now_ms);
        exchange(&mut probe, &request, deadline).await;
    }
    probe
        .report()
        .expect("the probe only stops sending once it has a verdict")
}

async fn exchange(probe: &mut Probe, request: &HttpRequest, deadline: f64) {
    let controller = AbortController::new().ok();
    let signal = controller.as_ref().map(AbortController::signal);
    let sent = match build(request, signal.as_ref()) {
        Ok(built) => built.send(),
        Err(error) => {
            probe.handle_error(TransportError::Network(error), now_ms());
            return;
        }
    };
    match before(deadline, Box::pin(sent)).await {
        None => probe.handle_timeout(now_ms().max(deadline)),
        Some(Err(error)) => {
            probe.handle_error(TransportError::Network(error.to_string()), now_ms())
        }
        Some(Ok(response)) => {
            probe.handle_response(head_of(&response), now_ms());
            read_body(probe, &response, deadline).await;
        }
    }
    // Releases the connection of a stream the probe no longer needs.
    if let Some(controller) = controller {
        controller.abort();
    }
}

async fn read_body(probe: &mut Probe, response: &Response, deadline: f64) {
    if !probe.wants_body() {
        return;
    }
    let Some(reader) = response.body().and_then(|body| {
        body.get_reader()
            .dyn_into::<ReadableStreamDefaultReader>()
            .ok()
    }) else {
        probe.handle_body_end(now_ms());
        return;
    };
    while probe.wants_body() {
        match before(deadline, JsFuture::from(reader.read())).await {
            None => probe.handle_timeout(now_ms().max(deadline)),
            Some(Err(error)) => {
                probe.handle_error(TransportError::Body(js_message(&error)), now_ms())
            }
            Some(Ok(chunk)) => {
                let done = js_sys::Reflect::get(&chunk, &"done".into())
                    .map(|d| d.is_truthy())
                    .unwrap_or(true);
                if done {
                    probe.handle_body_end(now_ms());
                } else if let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) {
                    let bytes = js_sys::Uint8Array::new(&value).to_vec();
                    probe.handle_body(&bytes, now_ms());
                }
            }
        }
    }
    let _ = reader.cancel();
}

fn build(
    request: &HttpRequest,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<gloo_net::http::Request, String> {
    let mut builder = RequestBuilder::new(&request.url)
        .method(match request.method {
            Method::Get => FetchMethod::GET,
            Method::Post => FetchMethod::POST,
            Method::Delete => FetchMethod::DELETE,
        })
        .abort_signal(signal)
        .mode(match request.mode {
            FetchMode::Cors => RequestMode::Cors,
            FetchMode::NoCors => RequestMode::NoCors,
        });
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let built = match &request.body {
        Some(body) => builder.body(body.as_str()),
        None => builder.build(),
    };
    built.map_err(|error| error.to_string())
}

fn head_of(response: &Response) -> ResponseHead {
    ResponseHead::new(response.status(), response.headers().entries().collect())
}

/// Awaits `future` unless `deadline` (in [`now_ms`] time) passes first.
async fn before<F: Future + Unpin>(deadline: f64, future: F) -> Option<F::Output> {
    let wait = (deadline - now_ms()).clamp(0.0, u32::MAX as f64) as u32;
    match select(future, TimeoutFuture::new(wait)).await {
        Either::Left((output, _)) => Some(output),
        Either::Right(_) => None,
    }
}

fn js_message(error: &wasm_bindgen::JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the response stream failed".to_owned())
}
