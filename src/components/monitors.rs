//! "My monitors": servers the user watches from this browser, their state and last day, and a
//! form to add one. History is kept in the browser (see Settings).

use crate::browser::{db::history, storage};
use crate::live::{now, Live, Prober, ServerView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::monitor::record::Millis;
use mcp_status_core::monitor::state::State;
use mcp_status_core::monitor::store::LocalMonitor;
use mcp_status_core::text::decimal;
use mcp_status_core::Target;

/// Cadences offered, in seconds.
const CADENCES: [(u32, &str); 5] = [
    (15, "every 15 s"),
    (30, "every 30 s"),
    (60, "every minute"),
    (300, "every 5 minutes"),
    (900, "every 15 minutes"),
];

#[component]
pub fn MonitorsPage(live: Live) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let cadence = RwSignal::new(60u32);
    let error = RwSignal::new(None::<String>);
    let clock = RwSignal::new(now());
    let ticker = gloo_timers::callback::Interval::new(1_000, move || clock.set(now()));
    // The page lives as long as the app: so does its clock.
    ticker.forget();

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let server = name.get_untracked().trim().to_owned();
        let raw = url.get_untracked();
        let target = match Target::parse(&raw) {
            Ok(target) => target,
            Err(e) => return error.set(Some(e.to_string())),
        };
        if server.is_empty() || server.chars().count() > 200 {
            return error.set(Some(
                "Give the monitor a name (up to 200 characters).".into(),
            ));
        }
        // A server known only from imported history can be monitored: its history goes on.
        if live
            .servers
            .get_untracked()
            .iter()
            .any(|s| s.server == server && s.cadence_s.is_some())
        {
            return error.set(Some(format!(
                "There is already a monitor named “{server}”."
            )));
        }
        let Some(database) = live.database() else {
            return error.set(Some("History cannot be kept in this browser.".into()));
        };
        error.set(None);
        let monitor = LocalMonitor {
            server,
            url: target.to_string(),
            cadence_s: cadence.get_untracked(),
        };
        spawn_local(async move {
            match history::save_monitor(&database, &monitor).await {
                Ok(()) => {
                    name.set(String::new());
                    url.set(String::new());
                    // Monitors are worth keeping through storage pressure.
                    storage::persist().await;
                    live.changed().await;
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };

    let remove = move |server: String| {
        let Some(database) = live.database() else {
            return;
        };
        spawn_local(async move {
            match history::remove_monitor(&database, &server).await {
                Ok(()) => live.changed().await,
                Err(e) => live.notice.set(Some(e.to_string())),
            }
        });
    };

    view! {
        <section class="monitors" aria-labelledby="monitors-title">
            <h1 id="monitors-title">"My monitors"</h1>
            <p class="lede">
                "Servers this browser probes while the page is open. Their history stays in "
                "this browser; time when no tab was open counts as no data, never as up."
            </p>
            <p class="prober" data-prober=move || prober_attr(live.prober.get())>
                {move || prober_text(live.prober.get())}
            </p>
            <ul class="monitor-list">
                {move || {
                    let now = clock.get();
                    live.servers
                        .get()
                        .into_iter()
                        .map(|view| monitor_row(view, now, remove))
                        .collect_view()
                }}
            </ul>
            {move || live.servers.with(Vec::is_empty).then(|| view! { <p class="muted">"No monitors yet."</p> })}
            <form class="add-monitor" on:submit=on_submit novalidate>
                <h2>"Add a monitor"</h2>
                <label for="monitor-name">"Name"</label>
                <input
                    id="monitor-name"
                    name="name"
                    autocomplete="off"
                    prop:value=move || name.get()
                    on:input=move |e| name.set(event_target_value(&e))
                />
                <label for="monitor-url">"MCP server URL"</label>
                <input
                    id="monitor-url"
                    name="url"
                    type="url"
                    inputmode="url"
                    spellcheck="false"
                    placeholder="https://example.com/mcp"
                    prop:value=move || url.get()
                    on:input=move |e| url.set(event_target_value(&e))
                />
                <label for="monitor-cadence">"Probe"</label>
                <select
                    id="monitor-cadence"
                    on:change=move |e| cadence.set(event_target_value(&e).parse().unwrap_or(60))
                >
                    {CADENCES
                        .iter()
                        .map(|&(seconds, label)| {
                            view! {
                                <option value=seconds.to_string() selected=seconds == 60>
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <p class="field-error" role="alert">{move || error.get()}</p>
                <button type="submit">"Add monitor"</button>
            </form>
        </section>
    }
}

/// One monitor, rendered whole: the list is redrawn every second (for "12 s ago") and after
/// every round, and static rows cost far less code than reactive ones.
fn monitor_row(
    view: ServerView,
    now: Millis,
    remove: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    let (icon, word) = state_label(view.state);
    let percent = |ratio: Option<f64>| {
        ratio.map_or("—".to_owned(), |r| format!("{} %", decimal(r * 100.0, 2)))
    };
    let day = view.day;
    let last = view
        .last_probe_at
        .map_or("not yet".to_owned(), |at| ago(now - at));
    let probes = match view.cadence_s {
        Some(cadence) => format!("{} in 24 h, every {cadence} s", day.probes),
        None => format!("{} in 24 h (imported history, not probed here)", day.probes),
    };
    let server = view.server.clone();
    let name = view.server.clone();
    let state = view.state.as_str();
    let removable = view.cadence_s.is_some();
    view! {
        <li class="monitor" data-server=name data-state=state>
            <div class="monitor-head">
                <span class="state-icon" aria-hidden="true">{icon}</span>
                <strong class="monitor-name">{view.server}</strong>
                <span class="state-word">{word}</span>
            </div>
            <p class="url">{view.url}</p>
            <dl class="facts">
                <dt>"Last probe"</dt>
                <dd class="last-probe">{last}</dd>
                <dt>"Last 24 h"</dt>
                <dd>
                    <span class="wall-clock-uptime">{percent(day.wall_clock_uptime)}</span>
                    " wall-clock, "
                    <span class="slo-uptime">{percent(day.slo_uptime)}</span>
                    " SLO, "
                    <span class="coverage">{format!("{} %", decimal(day.coverage * 100.0, 0))}</span>
                    " coverage"
                </dd>
                <dt>"Probes"</dt>
                <dd class="probe-count">{probes}</dd>
            </dl>
            <button
                type="button"
                class="link-button"
                hidden=!removable
                on:click=move |_| remove(server.clone())
            >
                "Remove"
            </button>
        </li>
    }
}

fn state_label(state: State) -> (&'static str, String) {
    match state {
        State::Unknown => ("…", "No data yet".to_owned()),
        State::Up => ("✓", "Up".to_owned()),
        State::Confirming { failures } => {
            ("◐", format!("Failing, confirming ({failures} in a row)"))
        }
        State::Down => ("✕", "Down".to_owned()),
        State::Recovering { passes } => ("◑", format!("Recovering ({passes} in a row)")),
    }
}

fn ago(ms: Millis) -> String {
    let s = (ms / 1000).max(0);
    match s {
        0..=59 => format!("{s} s ago"),
        60..=3599 => format!("{} min ago", s / 60),
        _ => format!("{} h ago", s / 3600),
    }
}

fn prober_attr(prober: Prober) -> &'static str {
    match prober {
        Prober::Starting => "starting",
        Prober::ThisTab(_) => "this-tab",
        Prober::OtherTab => "other-tab",
    }
}

fn prober_text(prober: Prober) -> &'static str {
    match prober {
        Prober::Starting => "Opening this browser's history…",
        Prober::ThisTab(_) => "This tab probes your monitors.",
        Prober::OtherTab => {
            "Another tab of this page probes your monitors; this one shows its results."
        }
    }
}
