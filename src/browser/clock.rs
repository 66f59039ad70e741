//! Time as the page sees it: monotonic milliseconds for the sans-IO core, and whether the
//! page is on screen at all.

pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map(|performance| performance.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// Whether the page is hidden (a background tab, a minimised window): live probing waits.
pub fn hidden() -> bool {
    web_sys::window()
        .and_then(|window| window.document())
        .is_some_and(|document| document.hidden())
}
