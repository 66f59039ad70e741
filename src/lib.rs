//! mcp-status web app: a thin Leptos (client-side rendered) layer over `mcp-status-core`.
//!
//! - [`app`]: the page shell.
//! - [`api`]: the probe as a JavaScript function, for scripts and benchmarks.
//! - [`components`]: views; they read signals and call the core.
//! - [`browser`]: glue to browser APIs (fetch, location, clipboard).
//! - [`live`]: live monitoring: the user's monitors, probe rounds, stored history.
//! - [`route`]: the hash routes.

pub mod api;
pub mod app;
#[cfg(feature = "bench")]
pub mod bench;
pub mod browser;
pub mod components;
pub mod live;
pub mod route;

/// Mounts the app on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
