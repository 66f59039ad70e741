//! A server's detail page (`#/server/NAME`): what the engine holds (uptimes, hourly latency)
//! and what storage holds (the day's raw probes, incidents, cold starts, tool lists), drawn
//! by the core (`page::detail`). Storage is read again after every stored round.

use super::tree;
use crate::browser::db::history::{self, Part};
use crate::browser::location::{current_route, on_route_change};
use crate::route::Route;
use crate::state::{now, Live};
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::monitor::record::DAY;
use mcp_status_core::monitor::store::Recent;
use mcp_status_core::page::detail::{detail, Detail};
use mcp_status_core::page::markup::el;

pub fn detail_page(live: Live) -> web_sys::Element {
    let holder = tree::section("detail", "detail-title");
    let server = RwSignal::new(None::<String>);
    let stored = RwSignal::new(None::<(String, Recent)>);
    // Leaving the page clears the server: a hidden page reads nothing after each round.
    let follow = move |route: Route| {
        server.set(match route {
            Route::Server(name) => Some(name),
            _ => None,
        });
    };
    follow(current_route());
    on_route_change(follow);

    // Storage is read for the server shown when it is shown, and again whenever its stored
    // history changed.
    Effect::new(move |shown_before: Option<Option<String>>| {
        let changed = live.stored.get();
        let name = server.get();
        let moved = shown_before.flatten() != name;
        if let (Some(name), Some(database)) = (name.clone(), live.database()) {
            if moved || changed.includes(&name) {
                spawn_local(async move {
                    let names = [name];
                    let read = history::recent(&database, &names, now() - DAY, Part::Everything);
                    match read.await {
                        Ok(mut data) => {
                            let [name] = names;
                            stored.set(data.pop().map(|data| (name, data)));
                        }
                        Err(error) => live.notice.set(Some(format!("{error}."))),
                    }
                });
            }
        }
        name
    });

    tree::show(
        &holder,
        move || {
            let name = server.get().unwrap_or_default();
            let now = now();
            let view = live
                .servers
                .with(|servers| servers.iter().find(|s| s.server == name).cloned());
            let Some(view) = view else {
                return el("div")
                    .child(el("h1").attr("id", "detail-title").text(name))
                    .child(el("p").text("This page knows no server by that name."))
                    .child(el("p").child(el("a").attr("href", "#/").text("← All servers")))
                    .into();
            };
            let hours = live.hours(&name, now);
            stored.with(|stored| {
                let empty = Recent::default();
                let data = match stored {
                    Some((of, data)) if *of == name => data,
                    _ => &empty,
                };
                detail(&Detail {
                    view: &view,
                    hours: &hours,
                    probes: &data.probes,
                    incidents: &data.incidents,
                    cold_starts: &data.cold_starts,
                    snapshots: &data.snapshots,
                    now,
                })
            })
        },
        |_| {},
    );

    holder
}
