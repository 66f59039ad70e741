//! One server as the status page shows it: condition in an icon and a word, last and next
//! probe, current latency, both uptimes of the chosen window, and the 90-day bar. The same
//! row serves the site's servers and the user's monitors.

use crate::live::ServerView;
use leptos::prelude::*;
use mcp_status_core::monitor::record::Millis;
use mcp_status_core::monitor::state::State;
use mcp_status_core::status::{self, percent, Condition, DayLevel, Window};
use mcp_status_core::text::decimal;
use wasm_bindgen::JsCast;

/// Rendered whole from plain data when the history changes; only the two relative times
/// follow the clock.
pub fn server_row(view: ServerView, window: Window, clock: RwSignal<Millis>) -> impl IntoView {
    let (icon, word) = condition_label(view.condition, view.state);
    let uptime = view.window(window).clone();
    let latency = view
        .last
        .as_ref()
        .map_or("—".to_owned(), |l| format!("{} ms", l.latency_ms));
    let last_at = view.last_probe_at;
    let next_at = view.next_probe_at;
    let next_text = match view.cadence_s {
        None => "not probed from this page",
        Some(_) => "",
    };
    let explanation = status::explain(&uptime);
    let href = crate::route::Route::Server(view.server.clone()).to_hash();
    let days = view
        .days
        .iter()
        .enumerate()
        .map(|(index, (start, day))| {
            let label = status::day_label(*start, day);
            let today = index + 1 == view.days.len();
            view! {
                <span
                    class="day"
                    role="img"
                    data-level=DayLevel::of(day).as_str()
                    tabindex=if today { "0" } else { "-1" }
                    aria-label=label
                ></span>
            }
        })
        .collect_view();
    view! {
        <li class="server" data-server=view.server.clone() data-condition=view.condition.as_str()>
            <div class="server-head">
                <span class="state-icon" aria-hidden="true">{icon}</span>
                <a class="server-name" href=href>{view.server.clone()}</a>
                <span class="state-word">{word}</span>
            </div>
            <dl class="facts">
                <div>
                    <dt>"Wall-clock uptime"</dt>
                    <dd class="wall-clock-uptime">{percent(uptime.wall_clock_uptime)}</dd>
                </div>
                <div>
                    <dt>"SLO uptime"</dt>
                    <dd class="slo-uptime">{percent(uptime.slo_uptime)}</dd>
                </div>
                <div>
                    <dt>"Coverage"</dt>
                    <dd class="coverage">{format!("{} %", decimal(uptime.coverage * 100.0, 0))}</dd>
                </div>
                <div>
                    <dt>"Latency"</dt>
                    <dd class="latency">{latency}</dd>
                </div>
                <div>
                    <dt>"Last probe"</dt>
                    <dd class="last-probe">
                        {move || last_at.map_or("not yet".to_owned(), |at| status::ago(clock.get() - at))}
                    </dd>
                </div>
                <div>
                    <dt>"Next probe"</dt>
                    <dd class="next-probe">
                        {move || next_at.map_or(next_text.to_owned(), |at| status::within(at - clock.get()))}
                    </dd>
                </div>
            </dl>
            <p class="explain">{explanation}</p>
            <div
                class="days"
                role="group"
                aria-label=format!("{}: the last 90 days, one bar a day (arrow keys move between days)", view.server)
                on:keydown=move_between_days
            >
                {days}
            </div>
            <div class="days-axis" aria-hidden="true">
                <span>"90 days ago"</span>
                <span>"today"</span>
            </div>
        </li>
    }
}

/// Arrow keys, Home and End move the focus along a day bar (one tab stop per bar).
fn move_between_days(event: leptos::ev::KeyboardEvent) {
    let Some(day) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
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
    if let Some(next) = next.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
        event.prevent_default();
        day.set_tab_index(-1);
        next.set_tab_index(0);
        let _ = next.focus();
    }
}

pub fn condition_label(condition: Condition, state: State) -> (&'static str, String) {
    match (condition, state) {
        (Condition::Maintenance, _) => ("⚒", "Maintenance".to_owned()),
        (_, State::Confirming { failures }) => {
            ("◐", format!("Failing, not confirmed yet ({failures} in a row)"))
        }
        (_, State::Recovering { passes }) => ("◑", format!("Recovering ({passes} in a row)")),
        (Condition::NoData, _) => ("…", "No data yet".to_owned()),
        (Condition::Operational, _) => ("✓", "Operational".to_owned()),
        (Condition::Degraded, _) => ("◐", "Degraded: slow".to_owned()),
        (Condition::Down, _) => ("✕", "Down".to_owned()),
    }
}
