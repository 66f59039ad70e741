//! A server's detail page (`#/server/NAME`): what the engine holds (uptimes, hourly latency)
//! and what storage holds (the day's raw probes, incidents, cold starts, tool lists), drawn
//! by the core (`page::detail`). Storage is read again after every stored round.

use super::tree;
use crate::browser::db::history::{self, Stored};
use crate::browser::location::{current_route, on_route_change};
use crate::live::{now, Live};
use crate::route::Route;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::monitor::record::DAY;
use mcp_status_core::page::detail::{detail, Detail};
use mcp_status_core::page::markup::el;

pub fn detail_page(live: Live) -> web_sys::Element {
    let holder = tree::section("detail", "detail-title");
    let server = RwSignal::new(None::<String>);
    let stored = RwSignal::new(None::<(String, Stored)>);
    // Leaving the page clears the server: a hidden page reads nothing after each round.
    let follow = move |route: Route| {
        server.set(match route {
            Route::Server(name) => Some(name),
            _ => None,
        });
    };
    follow(current_route());
    on_route_change(follow);

    // Storage is read for the server shown, again whenever a round was stored.
    Effect::new(move |_| {
        live.servers.track();
        let (Some(name), Some(database)) = (server.get(), live.database()) else {
            return;
        };
        spawn_local(async move {
            match history::stored(&database, &name, now() - DAY).await {
                Ok(data) => stored.set(Some((name, data))),
                Err(error) => live.notice.set(Some(format!("{error}."))),
            }
        });
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
                let empty = Stored::default();
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
