//! The fragment part of the page's URL, read and written as a [`Route`].

use crate::route::Route;

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
