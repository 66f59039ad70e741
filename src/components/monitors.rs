//! "My monitors": the servers the user watches from this browser, to add, edit and remove.
//! Their rows are on the status page; history is kept in the browser (see Settings).

use crate::browser::location::{current_route, on_route_change};
use crate::browser::{db::history, storage};
use crate::live::{Live, Prober};
use crate::route::Route;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::monitor::store::LocalMonitor;
use mcp_status_core::status::{ServerView, Source};
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
    // The monitor being edited: its name is its history's key, so it cannot change.
    let editing = RwSignal::new(None::<String>);
    follow_route(current_route(), url, name);
    on_route_change(move |route| follow_route(route, url, name));

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
        let taken = live
            .servers
            .get_untracked()
            .iter()
            .any(|s| s.server == server && s.source != Source::Imported);
        if taken && editing.get_untracked().as_ref() != Some(&server) {
            return error.set(Some(format!(
                "There is already a server named “{server}” on this page."
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
                    editing.set(None);
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
    let edit = move |view: &ServerView| {
        editing.set(Some(view.server.clone()));
        name.set(view.server.clone());
        url.set(view.url.clone());
        cadence.set(view.cadence_s.unwrap_or(60));
        error.set(None);
    };

    view! {
        <section class="monitors" aria-labelledby="monitors-title">
            <h1 id="monitors-title">"My monitors"</h1>
            <p class="lede">
                "Servers this browser probes while the page is open, shown on the status page "
                "apart from the published ones. Their history stays in this browser; time when "
                "no tab was open counts as no data, never as up."
            </p>
            <p class="prober" data-prober=move || prober_attr(live.prober.get())>
                {move || prober_text(live.prober.get())}
            </p>
            <ul class="monitor-list">
                {move || {
                    live.servers
                        .get()
                        .into_iter()
                        .filter(|view| !matches!(view.source, Source::Site { .. }))
                        .map(|view| monitor_item(view, edit, remove))
                        .collect_view()
                }}
            </ul>
            <form class="add-monitor" on:submit=on_submit novalidate>
                <h2>
                    {move || editing.get().map_or("Add a monitor".to_owned(), |n| format!("Edit “{n}”"))}
                </h2>
                <label for="monitor-name">"Name"</label>
                <input
                    id="monitor-name"
                    name="name"
                    autocomplete="off"
                    readonly=move || editing.get().is_some()
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
                    prop:value=move || cadence.get().to_string()
                    on:change=move |e| cadence.set(event_target_value(&e).parse().unwrap_or(60))
                >
                    {CADENCES
                        .iter()
                        .map(|&(seconds, label)| {
                            view! { <option value=seconds.to_string()>{label}</option> }
                        })
                        .collect_view()}
                </select>
                <p class="field-error" role="alert">{move || error.get()}</p>
                <button type="submit">
                    {move || if editing.get().is_some() { "Save" } else { "Add monitor" }}
                </button>
            </form>
        </section>
    }
}

/// One of the user's monitors in the list: what it probes, and what can be done with it.
fn monitor_item(
    view: ServerView,
    edit: impl Fn(&ServerView) + Copy + 'static,
    remove: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    let what = match view.cadence_s {
        Some(cadence) => format!("every {cadence} s"),
        None => "imported history, not probed here".to_owned(),
    };
    let server = view.server.clone();
    let probed = view.cadence_s.is_some();
    let (name, address) = (view.server.clone(), view.url.clone());
    let key = name.clone();
    view! {
        <li class="monitor" data-server=key>
            <strong class="monitor-name">{name}</strong>
            <span class="url">{address}</span>
            <span class="muted">{what}</span>
            <span class="actions" hidden=!probed>
                <button type="button" class="link-button" on:click=move |_| edit(&view)>
                    "Edit"
                </button>
                <button type="button" class="link-button" on:click=move |_| remove(server.clone())>
                    "Remove"
                </button>
            </span>
        </li>
    }
}

/// `#/monitors?url=…` (the quick check's "Add to my monitors") fills in the form.
fn follow_route(route: Route, url: RwSignal<String>, name: RwSignal<String>) {
    if let Route::AddMonitor(address) = route {
        let host = Target::parse(&address)
            .map(|t| t.host().to_owned())
            .unwrap_or_default();
        name.set(host);
        url.set(address);
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
