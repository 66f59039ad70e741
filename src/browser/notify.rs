//! Browser notifications (the Notification API): the permission, asked only when the user
//! turns notifications on (a click: browsers ignore or punish asking at load), and showing
//! one, its outcome being whether the browser said it was shown.

use futures::channel::oneshot;
use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use mcp_status_core::alerting::delivery::{Failure, Outcome, TIMEOUT};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

/// `granted`, `denied`, `default` (not asked yet), or `unsupported`.
pub fn permission() -> &'static str {
    if !supported() {
        return "unsupported";
    }
    match Notification::permission() {
        NotificationPermission::Granted => "granted",
        NotificationPermission::Denied => "denied",
        _ => "default",
    }
}

fn supported() -> bool {
    web_sys::window().is_some_and(|window| {
        js_sys::Reflect::has(&window, &JsValue::from_str("Notification")).unwrap_or(false)
    })
}

/// Asks for the permission; the answer, as `permission` says it.
pub async fn ask() -> &'static str {
    if supported() {
        if let Ok(promise) = Notification::request_permission() {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        }
    }
    permission()
}

/// Shows a notification; `tag` replaces an earlier one of the same alert.
pub async fn show(title: &str, body: &str, tag: &str) -> Outcome {
    if permission() != "granted" {
        return Outcome::Failed {
            error: match permission() {
                "denied" => Failure::NotificationsBlocked,
                "unsupported" => Failure::NotificationsUnsupported,
                _ => Failure::NotificationsNotAllowed,
            },
        };
    }
    let options = NotificationOptions::new();
    options.set_body(body);
    options.set_tag(tag);
    // A notification that stays until it is dealt with, where the system allows it.
    options.set_require_interaction(true);
    let notification = match Notification::new_with_options(title, &options) {
        Ok(notification) => notification,
        Err(_) => {
            return Outcome::Failed {
                error: Failure::NotShown,
            }
        }
    };
    let (tell, told) = oneshot::channel::<Outcome>();
    let tell = Rc::new(RefCell::new(Some(tell)));
    let on = |outcome: Outcome| {
        let tell = tell.clone();
        Closure::<dyn Fn()>::new(move || {
            if let Some(tell) = tell.borrow_mut().take() {
                let _ = tell.send(outcome.clone());
            }
        })
    };
    let shown = on(Outcome::Shown);
    let failed = on(Outcome::Failed {
        error: Failure::NotShown,
    });
    notification.set_onshow(Some(shown.as_ref().unchecked_ref()));
    notification.set_onerror(Some(failed.as_ref().unchecked_ref()));
    let outcome = match select(told, TimeoutFuture::new(TIMEOUT as u32)).await {
        Either::Left((Ok(outcome), _)) => outcome,
        _ => Outcome::Failed {
            error: Failure::NotShown,
        },
    };
    notification.set_onshow(None);
    notification.set_onerror(None);
    outcome
}
