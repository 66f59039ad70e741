//! The on-call console (`console/`): a page of its own, with its own wasm, so that the status
//! page's visitors never download it. It shows who is on call now and next, and the handoff
//! checklist to copy as Markdown, from `status.json` beside the status page and the history
//! this browser keeps (the same IndexedDB: same origin); and it runs the alerting (`desk`):
//! alerts to acknowledge and resolve, deliveries, maintenance windows, settings.
//!
//! `Console` wires the browser (loads, timers, the dispatching tab) and provides the state;
//! each screen is a component of its own module, drawing what `mcp_status_core::view::oncall`
//! and `view::desk` say.

mod alerts;
mod deliveries;
mod desk;
mod maintenance;
mod oncall;
mod settings;
mod table;

use crate::browser::{db, leader, site_file, zone};
use crate::state::now;
use desk::Alerting;
use idb::Database;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::monitor::record::Millis;
use mcp_status_core::site::SiteConfig;
use mcp_status_views::frame::{Section, SiteFooter, SiteHeader};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// Where the status page's config is, seen from the console.
const SITE: &str = "../status.json";

/// The status page's sections, one level up, and this page.
const SECTIONS: [Section; 3] = [
    ("status", "../", "Status"),
    ("review", "../#/review", "Review"),
    ("oncall", "./", "On call"),
];

/// How often the console's views look at the clock (targets passing, windows ending) and
/// whether a status page is probing.
const CLOCK: Duration = Duration::from_secs(5);
/// How often the handoff checklist is written again from what storage holds.
const HANDOFF: Duration = Duration::from_secs(60);

/// Builds the console into `<body>`; it lives as long as the page.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(Console);
}

/// The time the screens show things at, moved on every `CLOCK` and when a form changes what
/// depends on it (a window declared now must read "under way" now).
#[derive(Clone, Copy)]
pub struct Clock(pub RwSignal<Millis>);

/// Time zones' UTC offsets in minutes, `None` for a zone not known: provided, so that what
/// the screens render calls no browser API itself.
#[derive(Clone, Copy)]
pub struct Zones(pub fn(&str, Millis) -> Option<i32>);

impl Zones {
    /// The browser's (`Intl`).
    pub const BROWSER: Zones = Zones(zone::offset_minutes);

    /// The zone's offsets; UTC for a zone not known (the on-call screen says so).
    pub fn offset(self, zone: &str) -> impl Fn(Millis) -> i32 + '_ {
        move |at| (self.0)(zone, at).unwrap_or(0)
    }
}

/// What the console reads once: `status.json` and this browser's database.
#[derive(Clone)]
pub struct Opened {
    site: Result<Arc<SiteConfig>, String>,
    database: Result<Rc<Database>, String>,
}

async fn open() -> Opened {
    // A history that could not be carried over is the status page's to tell: the console's
    // alerting starts from what this deployment's database holds.
    let site: Result<Arc<SiteConfig>, String> = match site_file::load(SITE, SiteConfig::parse).await
    {
        Ok(Some(site)) => Ok(Arc::new(site)),
        Ok(None) => Err("There is no status.json beside the status page.".into()),
        Err(error) => Err(error.to_string()),
    };
    // A rebuild owed since an import or an upgrade replays each server with its rules.
    let rules = |server: &str| Some(site.as_ref().ok()?.server(server)?.monitor.clone());
    let database = db::open_page(&rules)
        .await
        .map(|(database, _)| Rc::new(database))
        .map_err(|e| e.to_string());
    Opened { site, database }
}

#[component]
pub fn Console() -> impl IntoView {
    let clock = RwSignal::new(now());
    provide_context(Clock(clock));
    provide_context(Zones::BROWSER);
    let alerting = Alerting::new();
    provide_context(alerting);

    let opened = LocalResource::new(open);
    // The checklist follows what happens: written again every minute.
    let handoff = LocalResource::new(move || {
        let opened = opened.get();
        async move {
            match opened {
                Some(opened) => Some(oncall::gather(now(), &opened).await),
                None => None,
            }
        }
    });
    spawn_local(async move {
        let Opened { site, database } = opened.await;
        alerting.start(site.ok(), database.ok()).await;
    });
    Effect::new(move || {
        let look = move || {
            clock.set(now());
            spawn_local(async move { alerting.probing.set(leader::is_held(leader::PROBER).await) });
        };
        look();
        set_interval(look, CLOCK);
        set_interval(move || handoff.refetch(), HANDOFF);
    });

    view! {
        <SiteHeader home="../" sections=&SECTIONS current="oncall" />
        <main>
            <oncall::OnCall opened />
            // What needs a person comes first: the alerts and maintenance, then the shift's
            // checklist, then the log and the settings.
            <div class="desk">
                <alerts::Alerts />
                <maintenance::Maintenance />
            </div>
            <oncall::Handoff text=handoff />
            <div class="desk">
                <deliveries::Deliveries />
                <settings::AlertingSettings />
            </div>
        </main>
        <SiteFooter />
    }
}

/// The row of `rows` with the id of `first`, as it is now: for the children of a `<For>` keyed
/// by that id, so that a row keeps its elements (focus, hover) while what it shows changes.
/// Once the row is gone from `rows`, `first` (its elements are about to go too).
fn current<T>(rows: Memo<Vec<T>>, first: T, id: fn(&T) -> &str) -> Memo<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Memo::new(move |_| {
        rows.with(|rows| rows.iter().find(|row| id(row) == id(&first)).cloned())
            .unwrap_or_else(|| first.clone())
    })
}

/// A row's text field as a reactive closure (`view!` redraws only that text when it changes).
fn text_of<T>(row: Memo<T>, part: fn(&T) -> &String) -> impl Fn() -> String + Copy
where
    T: Send + Sync + 'static,
{
    move || row.with(|row| part(row).clone())
}
