//! A server's page (`#/server/NAME`): what the engine says about it (condition, uptimes),
//! which changes with every round, and what storage holds of its last day (the hourly latency
//! chart, the raw probes, incidents, drift, tool lists: `view::server::History`), read when
//! the server is shown and again whenever its stored history changes. A server the page does
//! not probe (`live` never, or auto under a fresh summary) has no stored history: its probes and incidents are the runner's,
//! from its month files (`Live::published_past`), read again when the runner publishes.

use crate::browser::db::recent::{self, Part};
use crate::route::{use_route, Route};
use crate::state::{now, Live};
use leptos::prelude::*;
use mcp_status_core::monitor::record::DAY;
use mcp_status_core::monitor::store::Recent;
use mcp_status_core::view::server::{
    self as view, History, Summary, CHART_H, CHART_W, LEGEND, STRIP_VIEW_BOX, UNKNOWN,
    WINDOW_COLUMNS,
};
use std::sync::Arc;

#[component]
pub fn ServerScreen(#[prop(into)] hidden: Signal<bool>) -> impl IntoView {
    let live = expect_context::<Live>();
    let route = use_route();
    // None when another screen is shown: a hidden page reads nothing.
    let shown = Memo::new(move |_| match route.get() {
        Route::Server(name) => Some(name),
        _ => None,
    });
    let summary = Memo::new(move |_| {
        let name = shown.get()?;
        live.servers
            .with(|servers| servers.iter().find(|s| s.server == name).map(view::summary))
    });

    // How many times the shown server's stored history changed, counted as each change comes:
    // the read below runs once for any number of changes made while it was busy, and then
    // sees only the last of them, which may be another server's.
    let changes = RwSignal::new(0u64);
    Effect::new(move |_| {
        let touched = live.stored.with(|changed| {
            shown.with_untracked(|name| name.as_deref().is_some_and(|n| changed.includes(n)))
        });
        if touched {
            changes.update(|n| *n += 1);
        }
    });
    // The rules of the server shown when the page does not probe it: its history is the
    // runner's.
    let runner_only = Memo::new(move |_| {
        let name = shown.get()?;
        live.runner_only.with(|servers| servers.get(&name).cloned())
    });
    // A LocalResource reads one at a time: a change during a read starts the next read after
    // it, so an earlier read never lands after a later one.
    let stored = LocalResource::new(move || {
        let name = shown.get();
        let runner_only = runner_only.get();
        match runner_only {
            Some(_) => live.published_rounds.track(),
            None => changes.track(),
        }
        async move {
            let name = name?;
            let now = now();
            if let Some(config) = runner_only {
                let past = live
                    .published_past(name.clone(), config, now - DAY, now)
                    .await;
                let history = History::of(&past.hours, &past.recent, now);
                return Some(Arc::new((name, history)));
            }
            let mut recent = Recent::default();
            if let Some(database) = live.database() {
                let names = std::slice::from_ref(&name);
                match recent::recent(&database, names, now - DAY, Part::Everything).await {
                    Ok(mut read) => recent = read.pop().unwrap_or_default(),
                    Err(error) => live.storage_failed(&error),
                }
            }
            let history = History::of(&live.hours(&name, now), &recent, now);
            Some(Arc::new((name, history)))
        }
    });
    // The history of the server shown; none while the one on hand is another's (moving from
    // one server's page to the next, until the read is done).
    let history = Memo::new(move |_| {
        let read = stored.get().flatten()?;
        let ours = shown.with(|name| name.as_deref() == Some(read.0.as_str()));
        ours.then_some(read)
    });

    view! {
        <section class="detail" aria-labelledby="detail-title" hidden=move || hidden.get()>
            <Show
                when=move || summary.with(Option::is_some)
                fallback=move || {
                    view! {
                        <h1 id="detail-title">{move || shown.get().map(|name| view::unknown_heading(&name)).unwrap_or_default()}</h1>
                        <p>{UNKNOWN}</p>
                        <p>
                            <a href="#/">"← All servers"</a>
                        </p>
                    }
                }
            >
                <p>
                    <a href="#/">"← All servers"</a>
                </p>
                <Head summary />
                <Windows summary />
                <Transition fallback=|| {
                    view! { <p class="muted">"Reading the history kept here…"</p> }
                }>
                    // Read under the Transition, which shows its fallback until the first read
                    // is done (and, unlike Suspense, not again at each read after a round).
                    <Show when=move || stored.with(Option::is_some)>
                        <LatencyChart history />
                        <Timeline history />
                        <Incidents history />
                        <Drift history />
                        <Tools history />
                    </Show>
                </Transition>
            </Show>
        </section>
    }
}

type Read = Memo<Option<Arc<(String, History)>>>;

/// `f` of the history on hand, or `empty` before it is read.
fn with_history<T>(history: Read, empty: T, f: impl FnOnce(&History) -> T) -> T {
    history.with(|read| match read {
        Some(read) => f(&read.1),
        None => empty,
    })
}

#[component]
fn Head(summary: Memo<Option<Summary>>) -> impl IntoView {
    let field = move |f: fn(&Summary) -> String| {
        move || summary.with(|s| s.as_ref().map(f).unwrap_or_default())
    };
    view! {
        <div
            class="detail-head"
            data-condition=move || summary.with(|s| s.as_ref().map_or("", |s| s.condition))
        >
            <h1 id="detail-title">{field(|s| s.server.clone())}</h1>
            <p class="condition">
                <span class="icon" aria-hidden="true">
                    {move || summary.with(|s| s.as_ref().map_or("", |s| s.mark))}
                </span>
                {field(|s| format!(" {}", s.word))}
            </p>
            <p class="url">{field(|s| s.url.clone())}</p>
            // The page may not probe this server itself (the runner's summary is fresh, or
            // `live` is never): a visitor can still ask, once, from this browser.
            <p class="check-now">
                <a href=move || {
                    summary
                        .with(|s| {
                            s.as_ref()
                                .map(|s| Route::Check { url: s.url.clone(), timeout_s: None }.to_hash())
                        })
                        .unwrap_or_default()
                }>"Check it now from this browser"</a>
            </p>
        </div>
    }
}

/// Both uptimes, coverage, incidents and cold starts for every window.
#[component]
fn Windows(summary: Memo<Option<Summary>>) -> impl IntoView {
    let cell = move |row: usize, f: fn(&view::WindowRow) -> String| {
        move || {
            summary.with(|s| {
                s.as_ref()
                    .and_then(|s| s.windows.get(row))
                    .map(f)
                    .unwrap_or_default()
            })
        }
    };
    // Always the same four windows: their rows stay, their numbers change.
    let rows = mcp_status_core::status::Window::ALL
        .iter()
        .enumerate()
        .map(|(row, window)| {
            let label = window.label();
            view! {
                <tr data-window=label>
                    <th scope="row">{label}</th>
                    <td class="wall-clock-uptime">{cell(row, |r| r.wall_clock.clone())}</td>
                    <td class="slo-uptime">{cell(row, |r| r.slo.clone())}</td>
                    <td class="coverage">{cell(row, |r| r.coverage.clone())}</td>
                    <td>{cell(row, |r| r.incidents.clone())}</td>
                    <td>{cell(row, |r| r.cold_starts.clone())}</td>
                </tr>
            }
        })
        .collect_view();
    let explanation = move || summary.with(|s| s.as_ref().and_then(|s| s.explanation.clone()));
    view! {
        <section class="windows">
            <h2>"Uptime"</h2>
            <table>
                <thead>
                    <tr>
                        {WINDOW_COLUMNS
                            .into_iter()
                            .map(|column| view! { <th scope="col">{column}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {move || explanation().map(|text| view! { <p class="explain">{text}</p> })}
        </section>
    }
}

/// p50 and p95 latency of each hour as two lines; an hour without data breaks a line.
#[component]
fn LatencyChart(history: Read) -> impl IntoView {
    let latency = move |f: fn(&view::Latency) -> String| {
        move || with_history(history, String::new(), |h| f(&h.latency))
    };
    let empty = move || with_history(history, false, |h| h.latency.empty);
    view! {
        <section class="latency">
            <h2>"Latency, last 24 hours"</h2>
            <Show when=empty>
                <p class="muted">"No passing probes in the last 24 hours."</p>
            </Show>
            <figure class="chart">
                <div class="chart-scale">
                    <span>{latency(|l| l.top.clone())}</span>
                    <span>"0"</span>
                </div>
                <svg
                    viewBox=format!("0 0 {CHART_W} {CHART_H}")
                    role="img"
                    aria-label=latency(|l| l.label.clone())
                    preserveAspectRatio="none"
                >
                    <line class="grid" x1="0" x2=CHART_W.to_string() y1="10" y2="10" />
                    <line class="grid" x1="0" x2=CHART_W.to_string()
                        y1=(CHART_H - 10).to_string()
                        y2=(CHART_H - 10).to_string() />
                    <path class="p95" d=latency(|l| l.p95.clone()) />
                    <path class="p50" d=latency(|l| l.p50.clone()) />
                </svg>
                <div class="chart-axis">
                    <span>"24 h ago"</span>
                    <span>"now"</span>
                </div>
                <figcaption>
                    <span class="key p50">"p50"</span>
                    <span class="key p95">"p95"</span>
                    " per hour; each percentile is the top of its 40 % bucket."
                </figcaption>
            </figure>
        </section>
    }
}

/// The last day of probes as a strip (one mark per probe, by class), then the latest ones as
/// a log, the way spec section 3 writes the signatures. A probe's row is keyed by its time and
/// class: a failure later found to be a cold start is drawn again, the rest stay.
#[component]
fn Timeline(history: Read) -> impl IntoView {
    let marks = move || with_history(history, Vec::new(), |h| h.probes.clone());
    let log = move || with_history(history, Vec::new(), |h| h.log().cloned().collect());
    let empty = move || with_history(history, false, |h| h.probes.is_empty());
    view! {
        <section class="timeline">
            <h2>"Probes, last 24 hours"</h2>
            <svg class="strip" viewBox=STRIP_VIEW_BOX preserveAspectRatio="none" aria-hidden="true">
                <For each=marks key=|probe| (probe.key, probe.class) let:probe>
                    <rect
                        class=probe.class_name()
                        x=probe.x.to_string()
                        y=if probe.tall { "0" } else { "10" }
                        width="3"
                        height=if probe.tall { "30" } else { "20" }
                    />
                </For>
            </svg>
            <div class="chart-axis">
                <span>"24 h ago"</span>
                <span>"now"</span>
            </div>
            <ul class="legend">
                {LEGEND
                    .into_iter()
                    .map(|class| view! { <li data-class=class.as_str()>{view::label(class)}</li> })
                    .collect_view()}
            </ul>
            <Show when=empty>
                <p class="muted">"No probes in the last 24 hours."</p>
            </Show>
            <ol class="probe-log">
                <For each=log key=|probe| (probe.key, probe.class) let:probe>
                    <li
                        class="probe"
                        data-class=probe.class_name()
                        data-post-idle=probe.post_idle.is_some().then_some("true")
                    >
                        <time>{probe.time.clone()}</time>
                        <span class="outcome">{probe.outcome.clone()}</span>
                        <span class="latency">{probe.latency.clone()}</span>
                        <span class="tag">{probe.tag()}</span>
                        {probe
                            .post_idle
                            .clone()
                            .map(|text| view! { <span class="tag post-idle">{text}</span> })}
                        {probe.error.clone().map(|text| view! { <span class="error">{text}</span> })}
                    </li>
                </For>
            </ol>
        </section>
    }
}

/// Newest first. An incident is keyed by all it says: one that closed, or whose open time grew,
/// is drawn again; the others stay.
#[component]
fn Incidents(history: Read) -> impl IntoView {
    let incidents = move || with_history(history, Vec::new(), |h| h.incidents.clone());
    let empty = move || with_history(history, false, |h| h.incidents.is_empty());
    view! {
        <section class="incidents">
            <h2>"Incidents"</h2>
            <Show when=empty>
                <p class="muted">"No incidents in the history kept here."</p>
            </Show>
            <ul>
                <For each=incidents key=|incident| incident.clone() let:incident>
                    <li class="incident" data-open=if incident.open { "true" } else { "false" }>
                        <strong>{incident.title}</strong>
                        {incident.when}
                        <p class="error">{incident.error}</p>
                        <p class="muted">{incident.notes}</p>
                    </li>
                </For>
            </ul>
        </section>
    }
}

/// Each change of the tool list, newest first, as a diff of the lists before and after.
#[component]
fn Drift(history: Read) -> impl IntoView {
    let changes = move || with_history(history, Vec::new(), |h| h.changes.clone());
    let empty = move || with_history(history, false, |h| h.changes.is_empty());
    view! {
        <section class="drift-history">
            <h2>"Schema drift"</h2>
            <Show when=empty>
                <p class="muted">"The tool list has not changed in the history kept here."</p>
            </Show>
            <ol>
                <For each=changes key=|change| change.clone() let:change>
                    <li class="drift">
                        <strong>{change.time}</strong>
                        {change.kind}
                        <ul class="diff">
                            {change
                                .lines
                                .into_iter()
                                .map(|line| {
                                    view! {
                                        <li class=line.class>
                                            {line.text}
                                            {line
                                                .was
                                                .into_iter()
                                                .map(|was| view! { <div class="was">{was}</div> })
                                                .collect_view()}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </li>
                </For>
            </ol>
        </section>
    }
}

/// The tools the server lists now.
#[component]
fn Tools(history: Read) -> impl IntoView {
    // None before the history is read; Some(None) before the first tool list.
    let tools = Memo::new(move |_| history.with(|read| read.as_ref().map(|r| r.1.tools.clone())));
    let caption = move || {
        tools.with(|tools| match tools {
            Some(Some(tools)) => tools.caption.clone(),
            Some(None) => "No tool list seen yet.".to_owned(),
            None => String::new(),
        })
    };
    let listed = move || tools.with(|tools| tools.clone().flatten());
    view! {
        <section class="current-tools">
            <h2>"Tools"</h2>
            <p class="muted">{caption}</p>
            <Show when=move || tools.with(|tools| matches!(tools, Some(Some(_))))>
                <ul class="tools">
                    <For
                        each=move || listed().map(|t| t.tools).unwrap_or_default()
                        key=|tool| (tool.key.clone(), tool.description.clone())
                        let:tool
                    >
                        <li>
                            <code class="tool-name">{tool.name}</code>
                            <span class="tool-title">{tool.description}</span>
                        </li>
                    </For>
                </ul>
            </Show>
        </section>
    }
}
