//! Delivers a notice's request from the page: `cors` first, so the receiver's answer is seen
//! and recorded; a receiver that does not allow the page by CORS (most chat webhooks) makes
//! the browser refuse with the same error as no connection at all, so the request goes again
//! as `no-cors`: it leaves, and its answer stays hidden (`Outcome::Unseen`, said as such).
//! A blind request carries its JSON as `text/plain` (browsers drop other content types from
//! `no-cors` requests); Slack-compatible receivers take it, strict ones need CORS or the runner.
//! A receiver that took the first request and only hid its answer gets it twice, once: the
//! desk remembers it as blind (`Desk::blind`) and sends it blind from then on.

use super::probe_driver::build;
use futures::future::{select, Either};
use gloo_net::http::Request;
use gloo_timers::future::TimeoutFuture;
use mcp_status_core::alerting::delivery::{Failure, Outcome, TIMEOUT};
use mcp_status_core::{FetchMode, HttpRequest};
use std::pin::pin;

/// One attempt, within the core's timeout. A request already in `no-cors` mode (a receiver
/// known to answer blind: `Desk::blind`) is sent once, blind.
pub async fn send(request: &HttpRequest) -> Outcome {
    if request.mode == FetchMode::NoCors {
        return match fetch(request).await {
            Ok(_) => Outcome::Unseen,
            Err(sent) => Outcome::Failed {
                error: sent.failure(),
            },
        };
    }
    match fetch(request).await {
        Err(Sent::Refused) => {
            let blind = HttpRequest {
                mode: FetchMode::NoCors,
                ..request.clone()
            };
            match fetch(&blind).await {
                Ok(_) => Outcome::Unseen,
                Err(sent) => Outcome::Failed {
                    error: sent.failure(),
                },
            }
        }
        Err(Sent::TimedOut) => Outcome::Failed {
            error: Failure::Timeout,
        },
        Ok(status) => Outcome::Answered { status },
    }
}

/// Why no response came. The browser's own error text is dropped: all it could add is the
/// URL, and a webhook's URL is its secret.
enum Sent {
    /// No response: no connection, or CORS (the browser does not say which).
    Refused,
    TimedOut,
}

impl Sent {
    fn failure(&self) -> Failure {
        match self {
            Sent::Refused => Failure::Network,
            Sent::TimedOut => Failure::Timeout,
        }
    }
}

async fn fetch(request: &HttpRequest) -> Result<u16, Sent> {
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(web_sys::AbortController::signal);
    // Not gloo's `RequestBuilder`: it appends a stray `&` to a URL that has a query (gloo issue
    // 498), and webhook URLs (Google Chat, signed Teams flows) carry their keys there.
    let request = Request::from(build(request, signal.as_ref()).map_err(|_| Sent::Refused)?);
    match select(pin!(request.send()), TimeoutFuture::new(TIMEOUT as u32)).await {
        // Opaque (no-cors): status 0, and that is all there is to know.
        Either::Left((Ok(response), _)) => Ok(response.status()),
        Either::Left((Err(_), _)) => Err(Sent::Refused),
        Either::Right(_) => {
            if let Some(controller) = controller {
                controller.abort();
            }
            Err(Sent::TimedOut)
        }
    }
}
