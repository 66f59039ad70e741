//! Time as the page sees it: the monotonic clock the sans-IO probe reads, and whether the page
//! is on screen at all. (The wall clock, when probes happen: `state::now`.)

use mcp_status_core::time::Monotonic;

/// `performance.now()`: never set back, unlike the wall clock.
pub fn monotonic() -> Monotonic {
    Monotonic::from_ms(
        web_sys::window()
            .and_then(|window| window.performance())
            .map(|performance| performance.now())
            .unwrap_or_else(js_sys::Date::now),
    )
}

/// Whether the page is hidden (a background tab, a minimised window): live probing waits.
pub fn hidden() -> bool {
    web_sys::window()
        .and_then(|window| window.document())
        .is_some_and(|document| document.hidden())
}
