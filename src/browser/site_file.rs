//! `status.json`, fetched from beside the page. A missing file is a page without published
//! servers; a broken one is an error the page shows with its place and reason.

use gloo_net::http::Request;
use mcp_status_core::site::{SiteConfig, SiteError};
use web_sys::RequestCache;

/// The file's address, relative to the page (a GitHub Pages sub-path included).
pub const PATH: &str = "status.json";

/// `Ok(None)`: there is no `status.json` (404).
pub async fn load() -> Result<Option<SiteConfig>, SiteError> {
    let failed = |reason: String| SiteError {
        path: PATH.to_owned(),
        reason,
    };
    // Revalidated on every start: an edited config shows on the next visit.
    let response = Request::get(PATH)
        .cache(RequestCache::NoCache)
        .send()
        .await
        .map_err(|e| failed(format!("could not be fetched ({e})")))?;
    match response.status() {
        404 => return Ok(None),
        200 => {}
        status => return Err(failed(format!("the server answered HTTP {status}"))),
    }
    let text = response
        .text()
        .await
        .map_err(|e| failed(format!("could not be read ({e})")))?;
    SiteConfig::parse(&text).map(Some)
}
