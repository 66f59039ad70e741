//! The on-call console (`console/`): a page of its own, with its own wasm, so that the status
//! page's visitors never download it. It shows who is on call now and next, and the handoff
//! checklist to copy as Markdown, from `status.json` beside the status page and the history
//! this browser keeps (the same IndexedDB: same origin); and it runs the alerting (`desk`):
//! alerts to acknowledge and resolve, deliveries, maintenance windows, settings.

mod controls;
mod desk;

use crate::browser::db::history::{self, Part};
use crate::browser::{clipboard, db, dom, leader, site_file, zone};
use crate::components::tree;
use crate::state::now;
use idb::Database;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::alerting::handoff::{markdown, Handoff};
use mcp_status_core::monitor::config::MaintenanceWindow;
use mcp_status_core::monitor::declared;
use mcp_status_core::monitor::events::Incident;
use mcp_status_core::monitor::record::{Millis, DAY};
use mcp_status_core::page::desk as views;
use mcp_status_core::page::oncall::{self, on_call, OnCallView};
use mcp_status_core::page::shell;
use mcp_status_core::site::SiteConfig;
use mcp_status_core::status::{Condition, ServerView, Source};
use mcp_status_core::view::overview::condition_label;
use std::rc::Rc;
use std::sync::Arc;

/// Where the status page's config is, seen from the console.
const SITE: &str = "../status.json";

/// What the console found.
#[derive(Clone, Default)]
struct Found {
    site: Option<Arc<SiteConfig>>,
    problem: Option<String>,
    handoff: String,
}

/// Builds the console into `<body>`; it lives as long as the page.
pub fn start() {
    crate::start_page(build);
}

/// How often the console's views look at the clock (targets passing, windows ending) and
/// whether a status page is probing.
const CLOCK_MS: u32 = 5_000;
/// How often the handoff checklist is written again from what storage holds.
const HANDOFF_MS: u32 = 60_000;

fn build(parent: &web_sys::Element) {
    let found = RwSignal::new(None::<Found>);
    let alerting = desk::Alerting::new();
    let clock = RwSignal::new(now());
    let probing = RwSignal::new(None::<bool>);
    spawn_local(async move {
        // A history that could not be carried over is the status page's to tell: the
        // console's alerting starts from what this deployment's database holds.
        let database = db::open_page()
            .await
            .map(|(database, _)| Rc::new(database))
            .map_err(|e| e.to_string());
        let site = load_site().await;
        found.set(Some(gather(now(), &site, &database).await));
        alerting
            .start(site.clone().ok(), database.clone().ok())
            .await;
        // The checklist follows what happens: written again every minute.
        loop {
            gloo_timers::future::TimeoutFuture::new(HANDOFF_MS).await;
            found.set(Some(gather(now(), &site, &database).await));
        }
    });
    let look = move || {
        clock.set(now());
        spawn_local(async move { probing.set(leader::is_held(leader::PROBER).await) });
    };
    look();
    gloo_timers::callback::Interval::new(CLOCK_MS, look).forget();

    let header = dom::element("header", &[("class", "site-header")]);
    tree::show_all(&header, shell::console_header);
    let main = dom::element("main", &[]);
    let page = tree::section("oncall", "oncall-title");
    tree::show(
        &page,
        move || {
            found.with(|found| {
                let Some(found) = found else {
                    return mcp_status_core::page::markup::el("p")
                        .attr("id", "oncall-title")
                        .text("Reading status.json and this browser's history…")
                        .into();
                };
                let rotation = found
                    .site
                    .as_ref()
                    .and_then(|s| s.alerting.as_ref())
                    .and_then(|a| a.config.rotation.as_ref());
                let offset = offset_of(rotation.map_or("UTC", |r| r.time_zone.as_str()));
                let shifts = rotation.and_then(|r| r.now_and_next(now(), &offset));
                on_call(&OnCallView {
                    rotation,
                    shifts,
                    problem: found.problem.as_deref(),
                })
            })
        },
        |_| {},
    );
    let handoff = dom::element("div", &[]);
    tree::show_all(&handoff, move || {
        found.with(|found| match found {
            Some(found) => vec![oncall::handoff(&found.handoff)],
            None => Vec::new(),
        })
    });
    // What needs a person comes first: the alerts and maintenance, then the shift's
    // checklist, then the log and the settings.
    let urgent = controls::sections(alerting, clock, probing, |view| {
        vec![views::alerts(view), views::maintenance(view)]
    });
    let rest = controls::sections(alerting, clock, probing, |view| {
        vec![views::deliveries(view), views::settings(view)]
    });
    for part in [&page, &urgent, &handoff, &rest] {
        let _ = main.append_child(part);
    }
    controls::handle(&main, alerting, clock);
    dom::on(&main, "click", move |event| {
        if dom::action_of(event).as_deref() == Some("copy-handoff") {
            found.with_untracked(|found| {
                if let Some(found) = found {
                    clipboard::copy_to_clipboard(&found.handoff);
                }
            });
        }
    });
    let footer = dom::element("footer", &[("class", "site-footer")]);
    dom::render(&footer, &mut Vec::new(), vec![shell::footer()]);
    for part in [header, main, footer] {
        let _ = parent.append_child(&part);
    }
    dom::set_title("On call · mcp-status");
}

/// `status.json`, read once: what the console is about.
async fn load_site() -> Result<Arc<SiteConfig>, String> {
    match site_file::load(SITE, SiteConfig::parse).await {
        Ok(Some(site)) => Ok(Arc::new(site)),
        Ok(None) => Err("There is no status.json beside the status page.".into()),
        Err(error) => Err(error.to_string()),
    }
}

/// Reads the history and writes the handoff checklist.
async fn gather(
    now: Millis,
    site: &Result<Arc<SiteConfig>, String>,
    database: &Result<Rc<Database>, String>,
) -> Found {
    let site = match site {
        Ok(site) => site,
        Err(problem) => {
            return Found {
                problem: Some(problem.clone()),
                ..Found::default()
            }
        }
    };
    let alerting = site.alerting.as_ref().map(|a| &a.config);
    let rotation = alerting.and_then(|a| a.rotation.as_ref());
    let mut problem = None;
    let zone = alerting.map_or("UTC", |a| a.time_zone()).to_owned();
    if zone::offset_minutes(&zone, now).is_none() {
        problem = Some(format!(
            "This browser does not know the time zone `{zone}`: shifts are placed in UTC."
        ));
    }
    let offset = offset_of(&zone);
    let shifts = rotation.and_then(|r| r.now_and_next(now, &offset));

    let mut health = Vec::new();
    let mut incidents: Vec<(String, Incident)> = Vec::new();
    let declared = match database {
        Ok(database) => history::declared(database).await.unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    match database {
        Ok(database) => {
            let loaded = history::load(database, now)
                .await
                .map(|(loaded, _)| loaded)
                .unwrap_or_default();
            for server in &site.servers {
                let engine = loaded.iter().find(|l| l.server == server.name);
                let last = engine.and_then(|l| l.last.as_ref());
                let monitor = engine.map(|l| &l.monitor);
                let source = Source::Site { group: None };
                let mut view =
                    ServerView::of(&server.name, &server.url, source, monitor, last, None, now);
                let config = declared::with_declared(&server.monitor, &server.name, &declared);
                view.condition = Condition::of(
                    view.state,
                    last.map(|l| l.outcome),
                    config.in_maintenance(now),
                );
                health.push((server.name.clone(), condition_label(&view).1));
            }
            let names: Vec<String> = site.servers.iter().map(|s| s.name.clone()).collect();
            let week = history::recent(database, &names, now - 7 * DAY, Part::Findings).await;
            for (name, recent) in names.iter().zip(week.unwrap_or_default()) {
                incidents.extend(recent.incidents.into_iter().map(|i| (name.clone(), i)));
            }
        }
        Err(error) => {
            problem = Some(format!("This browser's history cannot be read: {error}."));
        }
    }
    let mut maintenance: Vec<(String, MaintenanceWindow)> = site
        .servers
        .iter()
        .flat_map(|s| {
            s.monitor
                .maintenance
                .iter()
                .map(|w| (s.name.clone(), w.clone()))
        })
        .collect();
    for declared in declared {
        let server = declared.server.unwrap_or_else(|| "every server".into());
        maintenance.push((server, declared.window));
    }
    let pages = match database {
        Ok(database) => {
            desk::kept(database)
                .await
                .ok()
                .flatten()
                .unwrap_or_default()
                .dispatcher
                .pages
        }
        Err(_) => Vec::new(),
    };
    let handoff = markdown(&Handoff {
        now,
        shifts: shifts.as_ref().map(|(a, b)| (a, b)),
        health: &health,
        pages: &pages,
        incidents: &incidents,
        maintenance: &maintenance,
        access_to_verify: alerting.map_or(&[], |a| &a.access_to_verify),
    });
    Found {
        site: Some(site.clone()),
        problem,
        handoff,
    }
}

/// The zone's UTC offsets as the browser knows them; UTC for a zone it does not know (the
/// console says so: `gather`).
pub(crate) fn offset_of(zone: &str) -> impl Fn(Millis) -> i32 + '_ {
    move |at| zone::offset_minutes(zone, at).unwrap_or(0)
}
