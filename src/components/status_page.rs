//! The status page: the core draws it (`page::overview`) from `Live`'s signals, once a second
//! for the relative times and whenever the history changes; `browser::dom` patches the DOM.
//! Its few controls are handled here by delegation: the window picker's buttons
//! (`data-action="window"`) and the arrow keys along a day bar.

use super::tree;
use crate::browser::dom;
use crate::state::{now, Live};
use leptos::prelude::*;
use mcp_status_core::page::overview::{overview, Overview};
use mcp_status_core::status::Window;
use wasm_bindgen::JsCast;

pub fn status_page(live: Live) -> web_sys::Element {
    let window = RwSignal::new(Window::Day);
    let clock = RwSignal::new(now());
    let ticker = gloo_timers::callback::Interval::new(1_000, move || clock.set(now()));
    // The page lives as long as the app: so does its clock.
    ticker.forget();
    // New windows move the clock on: one declared "now" in the console must read "under way"
    // at once, not "scheduled" until the next tick.
    Effect::new(move |_| {
        live.maintenance.track();
        clock.set(now());
    });
    let holder = tree::section("status", "status-title");

    tree::show(
        &holder,
        move || {
            let site = live.site.get();
            let maintenance = live.maintenance.get();
            live.servers.with(|servers| {
                overview(&Overview {
                    site: &site,
                    servers,
                    maintenance: &maintenance,
                    window: window.get(),
                    now: clock.get(),
                })
            })
        },
        |_| {},
    );

    dom::on(&holder, "click", move |event| {
        let Some(button) = dom::closest(event, "[data-action=window]") else {
            return;
        };
        let label = button.get_attribute("data-value").unwrap_or_default();
        if let Some(chosen) = Window::ALL.into_iter().find(|w| w.label() == label) {
            window.set(chosen);
        }
    });
    dom::on(&holder, "keydown", move_between_days);
    holder
}

/// Arrow keys, Home and End move the focus along a day bar: one tab stop per bar, the
/// "roving tabindex" of the ARIA practices.
fn move_between_days(event: &web_sys::Event) {
    let (Some(day), Some(key)) = (
        dom::closest(event, ".day"),
        event.dyn_ref::<web_sys::KeyboardEvent>(),
    ) else {
        return;
    };
    let bar = day.parent_element();
    let next = match key.key().as_str() {
        "ArrowLeft" => day.previous_element_sibling(),
        "ArrowRight" => day.next_element_sibling(),
        "Home" => bar.and_then(|b| b.first_element_child()),
        "End" => bar.and_then(|b| b.last_element_child()),
        _ => return,
    };
    let (Some(next), Ok(day)) = (
        next.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()),
        day.dyn_into::<web_sys::HtmlElement>(),
    ) else {
        return;
    };
    event.prevent_default();
    day.set_tab_index(-1);
    next.set_tab_index(0);
    let _ = next.focus();
}
