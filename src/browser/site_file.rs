//! `status.json`, fetched from beside the page. A missing file is a page without published
//! servers; a broken one is an error the page shows with its place and reason.

use mcp_status_core::site::{SiteConfig, SiteError};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCache, RequestInit, Response};

/// The file's address, relative to the page (a GitHub Pages sub-path included).
pub const PATH: &str = "status.json";

/// `Ok(None)`: there is no `status.json` (404). `path` is relative to the page: `PATH` beside
/// it, `../status.json` from the on-call console. `parse` reads what the page needs of it
/// (`SiteConfig::parse_for_page` leaves the alerting section to the console).
pub async fn load(
    path: &str,
    parse: fn(&str) -> Result<SiteConfig, SiteError>,
) -> Result<Option<SiteConfig>, SiteError> {
    let failed = |reason: String| SiteError {
        path: PATH.to_owned(),
        reason,
    };
    match fetch_text(path).await.map_err(failed)? {
        Some(text) => parse(&text).map(Some),
        None => Ok(None),
    }
}

/// A file from beside the page, revalidated on every fetch (an edited config, a newly
/// published history, show at once): `Ok(None)` for a 404.
pub async fn fetch_text(path: &str) -> Result<Option<String>, String> {
    let window = web_sys::window().ok_or("could not be fetched")?;
    let fetched = match early(&window, path) {
        Some(answer) => answer,
        None => {
            let init = RequestInit::new();
            init.set_cache(RequestCache::NoCache);
            window.fetch_with_str_and_init(path, &init)
        }
    };
    let response: Response = JsFuture::from(fetched)
        .await
        .ok()
        .and_then(|r| r.dyn_into().ok())
        .ok_or("could not be fetched")?;
    match response.status() {
        404 => return Ok(None),
        200 => {}
        status => return Err(format!("the server answered HTTP {status}")),
    }
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string()),
        Err(_) => None,
    };
    text.map(Some).ok_or_else(|| "could not be read".to_owned())
}

/// The answer `early.js` requested for `path` while the page loaded, taken once: later reads
/// (the summary every few minutes) fetch afresh.
fn early(window: &web_sys::Window, path: &str) -> Option<js_sys::Promise> {
    let requested = js_sys::Reflect::get(window, &"mcpStatusEarly".into()).ok()?;
    if !requested.is_object() {
        return None;
    }
    let answer = js_sys::Reflect::get(&requested, &path.into()).ok()?;
    let _ =
        js_sys::Reflect::delete_property(requested.unchecked_ref::<js_sys::Object>(), &path.into());
    answer.dyn_into().ok()
}
