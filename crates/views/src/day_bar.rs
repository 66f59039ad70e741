//! A server's 90-day bar: one bar a day, each labelled for screen readers and on hover, one
//! tab stop for the whole bar (the "roving tabindex" of the ARIA practices).

use leptos::prelude::*;
use mcp_status_core::status::DayBar;
use mcp_status_core::view::overview::days_label;
use wasm_bindgen::JsCast;

#[component]
pub fn DayBars(server: String, #[prop(into)] days: Signal<Vec<DayBar>>) -> impl IntoView {
    // Redrawn by position when the history changes: a position is a day.
    let bars = move || {
        days.with(|days| {
            let last = days.len().saturating_sub(1);
            days.iter()
                .enumerate()
                .map(|(index, day)| {
                    view! {
                        <span
                            class="day"
                            role="img"
                            data-level=day.level.as_str()
                            tabindex=if index == last { "0" } else { "-1" }
                            aria-label=day.label.clone()
                        ></span>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="days" role="group" aria-label=days_label(&server) on:keydown=move_between_days>
            {bars}
        </div>
        <div class="days-axis" aria-hidden="true">
            <span>"90 days ago"</span>
            <span>"today"</span>
        </div>
    }
}

/// Arrow keys, Home and End move the focus along the bar. The tab stop moves with it in the
/// DOM only: a redraw sets `tabindex` only where its value changed, so the stop stays put.
fn move_between_days(event: web_sys::KeyboardEvent) {
    let Some(day) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|t| t.class_list().contains("day"))
    else {
        return;
    };
    let bar = day.parent_element();
    let next = match event.key().as_str() {
        "ArrowLeft" => day.previous_element_sibling(),
        "ArrowRight" => day.next_element_sibling(),
        "Home" => bar.and_then(|b| b.first_element_child()),
        "End" => bar.and_then(|b| b.last_element_child()),
        _ => return,
    };
    let Some(next) = next.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return;
    };
    event.prevent_default();
    day.set_tab_index(-1);
    next.set_tab_index(0);
    let _ = next.focus();
}
