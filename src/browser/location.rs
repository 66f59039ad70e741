//! The fragment part of the page's URL, read and written as a [`Route`].

use crate::route::Route;
use leptos::prelude::Get;

pub fn current_route() -> Route {
    let hash = web_sys::window()
        .and_then(|window| window.location().hash().ok())
        .unwrap_or_default();
    Route::from_hash(&hash)
}

/// Moves to `route`; returns false when the page was already there (no `hashchange` follows).
pub fn navigate(route: &Route) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let target = route.to_hash();
    let location = window.location();
    if location.hash().ok().as_deref() == Some(target.as_str()) {
        return false;
    }
    location.set_hash(&target).is_ok()
}

/// The full address of the page at `route`, for share links.
pub fn href_of(route: &Route) -> String {
    let href = web_sys::window()
        .and_then(|window| window.location().href().ok())
        .unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default();
    format!("{base}{}", route.to_hash())
}

/// Calls `on_change` with the new route whenever the page's route changes (links,
/// back/forward, edits): an effect on the app's route (`route::use_route`), not a listener of
/// its own.
pub fn on_route_change(on_change: impl Fn(Route) + 'static) {
    let route = crate::route::use_route();
    leptos::prelude::Effect::new(move |seen: Option<()>| {
        let route = route.get();
        if seen.is_some() {
            on_change(route);
        }
    });
}
