//! Files from beside the page: `status.json` (a missing file is a page without published
//! servers; a broken one is an error the page shows with its place and reason), the runner's
//! `summary.json` and its month files.

use gloo_net::http::{Request, Response};
use mcp_status_core::published;
use mcp_status_core::site::{SiteConfig, SiteError};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::RequestCache;

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
/// published history, show at once): `Ok(None)` when it is not there (a 404, or the HTML page
/// a development server answers for any address: `published::is_published`).
pub async fn fetch_text(path: &str) -> Result<Option<String>, String> {
    let Some(response) = answer(path).await? else {
        return Ok(None);
    };
    response
        .text()
        .await
        .map(Some)
        .map_err(|_| "could not be read".to_owned())
}

/// A month file of the runner's published history (`published::files`), as bytes: a line
/// that is not UTF-8 is the reader's to leave out, not the browser's to replace. `Ok(None)`
/// when nothing is published there.
pub async fn fetch_month_file(path: &str) -> Result<Option<Vec<u8>>, String> {
    let Some(response) = answer(path).await? else {
        return Ok(None);
    };
    response
        .binary()
        .await
        .map(Some)
        .map_err(|_| "could not be read".to_owned())
}

/// The answer for `path` (the one `early.js` asked for, if it did), `None` when the file is
/// not there.
async fn answer(path: &str) -> Result<Option<Response>, String> {
    let response = match early(path) {
        Some(answer) => JsFuture::from(answer)
            .await
            .ok()
            .and_then(|r| r.dyn_into::<web_sys::Response>().ok())
            .map(Response::from),
        None => Request::get(path)
            .cache(RequestCache::NoCache)
            .send()
            .await
            .ok(),
    }
    .ok_or("could not be fetched")?;
    let content_type = response.headers().get("content-type");
    Ok(published::is_published(response.status(), content_type.as_deref())?.then_some(response))
}

/// The answer `early.js` requested for `path` while the page loaded, taken once: later reads
/// (the summary every few minutes) fetch afresh.
fn early(path: &str) -> Option<js_sys::Promise> {
    let window = web_sys::window()?;
    let requested = js_sys::Reflect::get(&window, &"mcpStatusEarly".into()).ok()?;
    if !requested.is_object() {
        return None;
    }
    let answer = js_sys::Reflect::get(&requested, &path.into()).ok()?;
    let _ =
        js_sys::Reflect::delete_property(requested.unchecked_ref::<js_sys::Object>(), &path.into());
    answer.dyn_into().ok()
}
