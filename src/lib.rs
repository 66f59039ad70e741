//! mcp-status web app: a thin Leptos (client-side rendered) layer over `mcp-status-core`.
//!
//! - [`app`]: the status page's app: its frame, state and screens.
//! - [`api`]: the probe as a JavaScript function, for scripts and benchmarks.
//! - [`components`]: the pages; they read signals and call the core.
//! - [`console`]: the on-call console, a page (and wasm) of its own.
//! - [`browser`]: glue to browser APIs (fetch, location, clipboard, IndexedDB, the DOM).
//! - [`state`]: the app's state (live monitoring): the user's monitors, probe rounds, stored history.
//! - [`route`]: the hash routes.

pub mod api;
pub mod app;
#[cfg(feature = "bench")]
pub mod bench;
pub mod browser;
pub mod components;
pub mod console;
pub mod route;
pub mod screens;
pub mod state;

/// Builds the status page into `<body>`; it lives as long as the page.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}

/// Builds a page (`build`: the status page's or the console's) into `<body>`, for as long as
/// the page lives.
pub fn start_page(build: fn(&web_sys::Element)) {
    console_error_panic_hook::set_once();
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    std::mem::forget(mount_page(&body, build));
}

/// Builds a page into `parent` under a Leptos owner (its signals and effects), and starts
/// the executor that runs them; the page lives as long as the owner.
pub fn mount_page(
    parent: &web_sys::Element,
    build: fn(&web_sys::Element),
) -> leptos::prelude::Owner {
    // An error only says the executor was set up already (a test mounting twice).
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let owner = leptos::prelude::Owner::new();
    owner.with(|| build(parent));
    owner
}
