//! Running work at the next animation frame, optionally after a delay.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Calls `f` before the browser paints its next frame.
pub fn on_next_frame(f: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return f();
    };
    let callback = Closure::once_into_js(f);
    // Fails only without a document to paint, and then nothing would be seen anyway.
    let _ = window.request_animation_frame(callback.unchecked_ref());
}

/// Waits `delay_ms` (if any), then calls `f` at the next animation frame.
pub fn after_then_next_frame(delay_ms: u32, f: impl FnOnce() + 'static) {
    if delay_ms == 0 {
        return on_next_frame(f);
    }
    gloo_timers::callback::Timeout::new(delay_ms, move || on_next_frame(f)).forget();
}
