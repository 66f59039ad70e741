//! "My monitors": the servers the user watches from this browser, to add, edit and remove.
//! Their rows are on the status page; history is kept in the browser (see Settings).

use super::tree;
use crate::browser::location::{current_route, on_route_change};
use crate::browser::{db::history, dom, storage};
use crate::route::Route;
use crate::state::{Live, Prober};
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::monitor::store::LocalMonitor;
use mcp_status_core::page::monitors::{monitors, MonitorsView};
use mcp_status_core::status::{ServerView, Source};
use mcp_status_core::Target;

pub fn monitors_page(live: Live) -> web_sys::Element {
    let holder = tree::section("monitors", "monitors-title");
    let error = RwSignal::new(None::<String>);
    // The monitor being edited: its name is its history's key, so it cannot change.
    let editing = RwSignal::new(None::<String>);
    // Values waiting to go into the form at the next render: (name, url, cadence).
    let fill = StoredValue::new_local(None::<(String, String, u32)>);
    follow_route(current_route(), fill);
    on_route_change(move |route| {
        follow_route(route, fill);
        // Renders, so the values go in.
        error.set(None);
    });

    let root = holder.clone();
    let on_submit = move |event: &web_sys::Event| {
        event.prevent_default();
        let server = dom::input_value(&root, "monitor-name").trim().to_owned();
        let raw = dom::input_value(&root, "monitor-url");
        let cadence_s = dom::input_value(&root, "monitor-cadence")
            .parse()
            .unwrap_or(60);
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
            cadence_s,
        };
        spawn_local(async move {
            match history::save_monitor(&database, &monitor).await {
                Ok(()) => {
                    fill.set_value(Some((String::new(), String::new(), 60)));
                    editing.set(None);
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
    let edit = move |server: String| {
        let Some(view) = live
            .servers
            .with_untracked(|servers| servers.iter().find(|s| s.server == server).cloned())
        else {
            return;
        };
        editing.set(Some(view.server.clone()));
        error.set(None);
        fill.set_value(Some((
            view.server.clone(),
            view.url.clone(),
            view.cadence_s.unwrap_or(60),
        )));
    };

    tree::show(
        &holder,
        move || {
            let prober = live.prober.get();
            let (editing, error) = (editing.get(), error.get());
            live.servers.with(|servers| {
                let mine: Vec<&ServerView> = servers
                    .iter()
                    .filter(|view| !matches!(view.source, Source::Site { .. }))
                    .collect();
                monitors(&MonitorsView {
                    prober: (prober_attr(prober), prober_text(prober)),
                    monitors: &mine,
                    editing: editing.as_deref(),
                    error: error.as_deref(),
                })
            })
        },
        move |root| {
            if let Some((name, url, cadence)) = fill.try_update_value(Option::take).flatten() {
                dom::set_input_value(root, "monitor-name", &name);
                dom::set_input_value(root, "monitor-url", &url);
                dom::set_input_value(root, "monitor-cadence", &cadence.to_string());
            }
        },
    );
    let on_click = move |event: &web_sys::Event| {
        let server = dom::closest(event, "[data-server]")
            .and_then(|e| e.get_attribute("data-server"))
            .unwrap_or_default();
        match dom::action_of(event).as_deref() {
            Some("edit") => edit(server),
            Some("remove") => remove(server),
            Some("cancel") => {
                editing.set(None);
                fill.set_value(Some((String::new(), String::new(), 60)));
            }
            _ => {}
        }
    };

    dom::on(&holder, "submit", on_submit);
    dom::on(&holder, "click", on_click);
    holder
}

/// `#/monitors?url=…` (the quick check's "Add to my monitors") fills in the form.
fn follow_route(route: Route, fill: StoredValue<Option<(String, String, u32)>, LocalStorage>) {
    if let Route::AddMonitor(address) = route {
        let host = Target::parse(&address)
            .map(|t| t.host().to_owned())
            .unwrap_or_default();
        fill.set_value(Some((host, address, 60)));
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
