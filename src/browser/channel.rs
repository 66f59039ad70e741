//! Tabs of the page tell each other what changed (BroadcastChannel `mcp-status`, this
//! deployment's name for it: a channel reaches every page of the origin, and another status
//! page's rounds are not ours): the prober says a round was stored, any tab says the monitors
//! changed. Messages are plain strings.

use super::deployment;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The channel's name at the origin's root.
const NAME: &str = "mcp-status";

pub fn post(message: &str) {
    if let Ok(channel) = web_sys::BroadcastChannel::new(&deployment::name(NAME)) {
        let _ = channel.post_message(&JsValue::from_str(message));
        channel.close();
    }
}

/// Calls `on_message` for every message another tab posts, for as long as the page lives.
pub fn listen(on_message: impl Fn(String) + 'static) {
    let Ok(channel) = web_sys::BroadcastChannel::new(&deployment::name(NAME)) else {
        return;
    };
    let callback =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(message) = event.data().as_string() {
                on_message(message);
            }
        });
    channel.set_onmessage(Some(callback.as_ref().unchecked_ref()));
    callback.forget();
    // The channel must outlive this function: kept by the page from now on.
    std::mem::forget(channel);
}
