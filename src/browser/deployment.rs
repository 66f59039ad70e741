//! This deployment's place on its origin (`mcp_status_core::deployment`): every name the page
//! keeps things under in the browser (its database, locks, channel, localStorage keys) goes
//! through `name`, so that two deployments on one origin never share them. `theme.js` reads
//! the base path by the same rule, before the WebAssembly loads.

use mcp_status_core::deployment::{self, Deployment};
use std::cell::OnceCell;
use wasm_bindgen::JsValue;

thread_local! {
    static CURRENT: OnceCell<Deployment> = const { OnceCell::new() };
}

/// `name` in this deployment (unchanged at the origin's root).
pub fn name(name: &str) -> String {
    CURRENT.with(|current| current.get_or_init(read).name(name))
}

/// Where the scheduled runner's alerts are acknowledged, for a site on GitHub Pages: its
/// repository's Runner workflow (`deployment::runner_workflow`).
pub fn runner_workflow() -> Option<String> {
    let host = web_sys::window()?.location().hostname().ok()?;
    CURRENT.with(|current| deployment::runner_workflow(&host, current.get_or_init(read)))
}

/// The page's host when other sites are served from its origin and can read its storage.
pub fn shared_origin() -> Option<String> {
    let host = web_sys::window()?.location().hostname().ok()?;
    deployment::shares_origin(&host).then_some(host)
}

/// The deployment, from where the page's own files are: the build puts them in its public
/// URL's folder (`/<repo>/` on GitHub Pages, the console's in its `console/`), whatever
/// address the page was opened at. A deep link that GitHub Pages answers with 404.html
/// (`/<repo>/some/old/link`) is thus in `/<repo>/` too, and a page built with relative URLs
/// (`public_url = "./"`) is in the folder it is served from. Without a script element (a test
/// page), the address's folder. The console says so on its `<html data-page="console">`.
fn read() -> Deployment {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return Deployment::root();
    };
    // `src` read as a property is the resolved address; the page's scripts are all its own
    // (the Content-Security-Policy allows no other).
    let script = document
        .query_selector("script[src]")
        .ok()
        .flatten()
        .and_then(|script| js_sys::Reflect::get(&script, &JsValue::from_str("src")).ok())
        .and_then(|src| src.as_string())
        .and_then(|src| web_sys::Url::new(&src).ok())
        .map(|url| url.pathname());
    let path = script
        .or_else(|| document.location()?.pathname().ok())
        .unwrap_or_default();
    let console = document
        .document_element()
        .and_then(|html| html.get_attribute("data-page"))
        .is_some_and(|page| page == "console");
    Deployment::of_path(&path, console)
}
