//! The page's routes live in the URL fragment (`#/check?url=...`), so a static host such as
//! GitHub Pages serves every route from one `index.html`, under any sub-path, and a shared link
//! or a reload lands on the same view. (leptos_router has no hash mode: the routes live here.)
//!
//! The route is one `Memo` for the whole page ([`provide`], read with [`use_route`]): the only
//! `hashchange` listener sets it, every screen derives what it shows from it.

use leptos::prelude::*;
use mcp_status_core::page;
use mcp_status_core::platform::Platform;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The status page: the site's servers and the user's monitors.
    Status,
    /// One server's detail: latency, probes, incidents, drift, tools.
    Server(String),
    /// The morning review: failures and events of the last 24 hours.
    Review,
    /// The quick check with nothing checked yet.
    QuickCheck,
    /// The quick check of `url` (exactly as typed: validation happens on the page), with an
    /// optional probe timeout in seconds (`&timeout=30`).
    Check { url: String, timeout_s: Option<u32> },
    /// The user's own monitors.
    Monitors,
    /// The user's monitors, with the form filled in for this URL (from the quick check).
    AddMonitor(String),
    /// Storage: usage, export, import, retention.
    Settings,
}

impl Route {
    /// Parses `location.hash` (with or without the leading `#`). Unknown routes are `Status`.
    pub fn from_hash(hash: &str) -> Route {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        match path.trim_end_matches('/') {
            "/check" | "check" => {
                let mut url = None;
                let mut timeout = None;
                for (key, value) in form_urlencoded::parse(query.as_bytes()) {
                    match key.as_ref() {
                        "url" => url = Some(value.into_owned()),
                        "timeout" => timeout = Some(value.into_owned()),
                        _ => {}
                    }
                }
                url.map_or(Route::QuickCheck, |url| {
                    // Bounded as status.json's `timeout_s` is, for the URL's platform. Out of
                    // range or not a number: the platform's default applies.
                    let timeout_s =
                        timeout.and_then(|text| Platform::of_url(&url).parse_timeout_s(&text));
                    Route::Check { url, timeout_s }
                })
            }
            "/review" | "review" => Route::Review,
            "/monitors" | "monitors" => form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == "url")
                .map_or(Route::Monitors, |(_, url)| {
                    Route::AddMonitor(url.into_owned())
                }),
            "/settings" | "settings" => Route::Settings,
            other => match other.trim_start_matches('/').strip_prefix("server/") {
                // Percent-decoded only: a `+` in a path is a `+` (see `decode_segment`).
                Some(name) if !name.is_empty() => Route::Server(page::decode_segment(name)),
                _ => Route::Status,
            },
        }
    }

    pub fn to_hash(&self) -> String {
        match self {
            Route::Status => "#/".to_owned(),
            Route::Server(name) => page::server_href(name),
            Route::Review => "#/review".to_owned(),
            Route::QuickCheck => "#/check".to_owned(),
            Route::Check { url, timeout_s } => {
                let mut query = form_urlencoded::Serializer::new(String::new());
                query.append_pair("url", url);
                if let Some(seconds) = timeout_s {
                    query.append_pair("timeout", &seconds.to_string());
                }
                format!("#/check?{}", query.finish())
            }
            Route::Monitors => "#/monitors".to_owned(),
            Route::AddMonitor(url) => page::add_monitor_href(url),
            Route::Settings => "#/settings".to_owned(),
        }
    }
}

/// The page's route, for every screen: `provide_context`d once by the app ([`provide`]).
#[derive(Clone, Copy)]
pub struct CurrentRoute(pub Memo<Route>);

/// Starts following the fragment (the page's one `hashchange` listener) and provides the route
/// to every component below; returns it.
pub fn provide() -> Memo<Route> {
    let hash = RwSignal::new(current_hash());
    let listener = window_event_listener(leptos::ev::hashchange, move |_| hash.set(current_hash()));
    on_cleanup(move || listener.remove());
    let route = Memo::new(move |_| hash.with(|hash| Route::from_hash(hash)));
    provide_context(CurrentRoute(route));
    route
}

/// The fragment of the page's address (`#/check?url=…`), as the browser holds it.
fn current_hash() -> String {
    window().location().hash().unwrap_or_default()
}

/// The page's route (the app [`provide`]s it).
pub fn use_route() -> Memo<Route> {
    expect_context::<CurrentRoute>().0
}
