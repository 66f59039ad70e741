//! mcp-status web app: a thin Leptos (client-side rendered) layer over `mcp-status-core`.
//!
//! - [`app`]: the status page's app: its frame, state and screens.
//! - [`api`]: the probe as a JavaScript function, for scripts and benchmarks.
//! - [`screens`]: one module per screen but the status overview (`mcp_status_views`, drawn
//!   natively too); they read signals and call the core.
//! - [`console`]: the on-call console, a page (and wasm) of its own.
//! - [`browser`]: glue to browser APIs (fetch, location, clipboard, IndexedDB, the DOM).
//! - [`state`]: the app's state (live monitoring): the user's monitors, probe rounds, stored history.
//! - [`route`]: the hash routes.

pub mod api;
pub mod app;
#[cfg(feature = "bench")]
pub mod bench;
pub mod browser;
pub mod console;
pub mod route;
pub mod screens;
pub mod state;

/// Builds the status page into `<body>`; it lives as long as the page.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
