//! Live monitoring in the page: the user's monitors, their engines, the probe rounds, and the
//! signals the views read. One tab probes (`browser::leader`); every tab shows the stored
//! history and reloads it when the prober says a round was stored (`browser::channel`).
//!
//! The app provides `Live` as context; its signals are what the screens read. Behind them:
//! `watch` (what is watched, each server's view), `storage` (reads and writes of the
//! history), `prober` (the probe rounds), `published` (the runner's summary), `months` (the
//! runner's month files, for the servers the page does not probe).

mod months;
mod prober;
mod published;
mod storage;
mod watch;

use crate::browser::db::{self, DbError};
use crate::browser::leader::{self, Leadership};
use crate::browser::{channel, site_file};
use idb::Database;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::monitor::config::{MaintenanceWindow, MonitorConfig};
use mcp_status_core::monitor::record::{Millis, ProbeRecord};
use mcp_status_core::monitor::rollup::Uptime;
use mcp_status_core::monitor::store;
use mcp_status_core::monitor::ServerMonitor;
use mcp_status_core::publish::PublishedServer;
use mcp_status_core::site::{RunnerConfig, ServerConfig, SiteConfig};
use mcp_status_core::status::{self, ServerView, Site, Source};
use mcp_status_views::status::Overview;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

/// Broadcast after the prober stored a round, followed by the servers it stored (a JSON array).
const ROUND: &str = "round";
/// Broadcast after a tab added or removed a monitor, or imported or wiped history.
const CHANGED: &str = "changed";
/// The published summary is read again this often (the runner publishes every 5 minutes).
const PUBLISHED_MS: u32 = 5 * 60_000;
/// The prober wakes this often to see which monitors are due.
const TICK_MS: u32 = 1_000;
/// At most this many servers are probed in one round; the others wait for the next tick. A
/// round's results are stored and drawn in one go on the main thread: ten keep that well under
/// the 50 ms a task may take before the page feels stuck.
const ROUND_SIZE: usize = 10;
/// The relative times of the status overview move on this often.
const CLOCK: std::time::Duration = std::time::Duration::from_secs(1);
/// Writes that hit a full disk are retried this many times, each after pruning a day.
const QUOTA_RETRIES: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prober {
    /// Storage is not open yet, or not available.
    Starting,
    /// This tab probes.
    ThisTab(Leadership),
    /// Another tab of the page holds the prober's lock.
    OtherTab,
    /// A newer version of the page, in another tab, took the database over: this tab stores
    /// nothing more and has let the prober's lock go, until it is reloaded.
    Replaced,
}

/// The page's live state: signals for the views, and the engines behind them.
#[derive(Clone, Copy)]
pub struct Live {
    pub site: RwSignal<Site>,
    pub servers: RwSignal<Vec<ServerView>>,
    /// Every watched server's maintenance windows, published and declared in the console.
    pub maintenance: RwSignal<Vec<(String, MaintenanceWindow)>>,
    pub prober: RwSignal<Prober>,
    /// A problem the user should know about (storage unavailable, disk full…).
    pub notice: RwSignal<Option<String>>,
    /// Whose stored history changed last, in this tab or another: what a view that reads
    /// storage itself (a server's page, the morning review) reads again.
    pub stored: RwSignal<Changed>,
    /// `status.json` and the runner's summary have been read once (whatever they said): from
    /// then on the status shows what this page knows, and the prerendered one can go.
    pub settled: RwSignal<bool>,
    /// The site's servers the page does not probe (`live` never, or auto while the runner's summary is fresh), with their rules: their
    /// pages and the morning review read the runner's month files (`months`).
    pub runner_only: RwSignal<BTreeMap<String, MonitorConfig>>,
    /// How many new `summary.json`s were read: the runner published a round, so a screen
    /// showing its month files reads them again.
    pub published_rounds: RwSignal<u64>,
    database: StoredValue<Option<Rc<Database>>, LocalStorage>,
    engines: StoredValue<Rc<RefCell<Engines>>, LocalStorage>,
}

/// The morning review's findings nobody acknowledged: counted in the navigation, whatever
/// screen is shown (the review screen sets it, the app provides it).
#[derive(Clone, Copy)]
pub struct Unacknowledged(pub RwSignal<usize>);

/// Which servers changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    All,
    Servers(Vec<String>),
}

impl Changed {
    pub fn includes(&self, server: &str) -> bool {
        match self {
            Changed::All => true,
            Changed::Servers(names) => names.iter().any(|name| name == server),
        }
    }
}

#[derive(Default)]
struct Engines {
    /// What the page probes: the site's servers, then the user's monitors, each with the
    /// maintenance windows declared in the console added to its config.
    watched: BTreeMap<String, Watched>,
    /// Server → (url, engine).
    engines: BTreeMap<String, (String, ServerMonitor)>,
    last: BTreeMap<String, ProbeRecord>,
    /// The scheduled runner's published history (`data/summary.json`), by server.
    published: BTreeMap<String, PublishedServer>,
    /// When the runner wrote it, and whether it was read at all yet (found or not).
    published_at: Option<Millis>,
    published_read: bool,
    /// The site's runner (how long its summary stays fresh).
    runner: RunnerConfig,
    probing: bool,
    /// When storage was last read (`reload`).
    loaded_at: Millis,
    /// When this page started probing, and a random number of this visit: together they
    /// spread the first probes (`status::jitter`).
    opened: Millis,
    seed: u64,
}

#[derive(Debug, Clone)]
struct Watched {
    config: ServerConfig,
    source: Source,
}

impl Engines {
    /// The first probe of a server waits for its jitter after the page opened.
    /// Whether this page probes `watched` now (`Live::probes_here`): an `auto` server only
    /// once the summary was read and it is not fresh or does not have the server.
    fn probes_here(&self, watched: &Watched, now: Millis) -> bool {
        let name = &watched.config.name;
        let fresh = !self.published_read
            || (self.runner.is_fresh(self.published_at, now) && self.published.contains_key(name));
        watched.config.live.probes_here(fresh)
    }

    fn next_probe_at(&self, index: usize, watched: &Watched) -> Millis {
        let cadence = watched.config.monitor.cadence;
        let last = self
            .engines
            .get(&watched.config.name)
            .and_then(|(_, e)| e.last_probe_at());
        let jitter = status::jitter(self.seed.wrapping_add(index as u64), cadence);
        status::next_probe_at(last, cadence, self.opened, jitter)
    }
}

impl Live {
    pub fn new() -> Live {
        Live {
            site: RwSignal::new(Site::Loading),
            servers: RwSignal::new(Vec::new()),
            maintenance: RwSignal::new(Vec::new()),
            prober: RwSignal::new(Prober::Starting),
            notice: RwSignal::new(None),
            stored: RwSignal::new(Changed::All),
            settled: RwSignal::new(false),
            runner_only: RwSignal::new(BTreeMap::new()),
            published_rounds: RwSignal::new(0),
            database: StoredValue::new_local(None),
            engines: StoredValue::new_local(Rc::default()),
        }
    }

    /// Reads `status.json`, opens storage, shows what it holds, and takes part in choosing
    /// the prober.
    pub fn start(self) {
        spawn_local(async move {
            let site = match site_file::load(site_file::PATH, SiteConfig::parse_for_page).await {
                Ok(Some(site)) => Site::Loaded(Arc::new(site)),
                Ok(None) => Site::Missing,
                Err(error) => Site::Broken(error),
            };
            // Rebuilds owed since an import or an upgrade replay each server with its rules.
            self.site.set(site);
            let rules = |server: &str| self.rules_of(server);
            {
                let engines = self.engines.get_value();
                let mut engines = engines.borrow_mut();
                engines.opened = now();
                engines.seed = (js_sys::Math::random() * 4_294_967_296.0) as u64;
            }
            // The site's servers show at once, before storage answers: no layout shift.
            self.rewatch(BTreeMap::new(), &[]);
            self.refresh_views();
            // The runner's summary needs no storage: its states show while storage opens.
            spawn_local(self.follow_published());
            let database = match db::open_page(&rules).await {
                Ok((mut database, undone)) => {
                    db::when_replaced(&mut database, move || self.replaced());
                    if let Some(error) = undone.carry_over {
                        self.notice.set(Some(format!(
                            "The history this browser kept before could not be carried over: {error}. New probes are kept."
                        )));
                    } else if let Some(error) = undone.rebuild {
                        self.notice.set(Some(format!(
                            "Part of the history is not rebuilt yet: {error}. It is tried again when this page next opens; new probes are kept."
                        )));
                    }
                    Rc::new(database)
                }
                Err(error) => {
                    self.notice.set(Some(format!(
                        "History cannot be kept in this browser: {error}. The quick check still works."
                    )));
                    return;
                }
            };
            self.database.set_value(Some(database));
            self.reload(Changed::All).await;
            channel::listen(move |message| {
                if let Some(names) = message.strip_prefix(ROUND) {
                    spawn_local(self.reload(Changed::Servers(store::names_of_json(names))));
                } else if message == CHANGED {
                    spawn_local(self.reload(Changed::All));
                }
            });
            self.wait_to_probe();
        });
    }

    /// Waits in line for the prober's lock; probes once this tab holds it.
    pub(super) fn wait_to_probe(self) {
        self.prober.set(Prober::OtherTab);
        leader::when_leader(leader::PROBER, move |how| {
            // Granted after the database was taken over (this tab was waiting in line): the
            // lock goes on to the next tab at once.
            if self.prober.get_untracked() == Prober::Replaced {
                return leader::release(leader::PROBER);
            }
            self.prober.set(Prober::ThisTab(how));
            spawn_local(self.probe_forever());
        });
    }

    /// Another tab opened the database at a newer version: this connection was closed, and
    /// this tab's code no longer matches the stores. It stops probing and lets the lock go,
    /// so that the newer page probes and stores.
    fn replaced(self) {
        self.prober.set(Prober::Replaced);
        leader::release(leader::PROBER);
        self.notice.set(Some(
            "This page was updated in another tab: reload this one to go on keeping history here."
                .into(),
        ));
    }

    pub fn database(&self) -> Option<Rc<Database>> {
        self.database.get_value()
    }

    /// Tells the other tabs that monitors or history changed, and reloads this one.
    pub async fn changed(self) {
        channel::post(CHANGED);
        self.reload(Changed::All).await;
    }

    /// A server's last 24 hours, hour by hour (its latency chart); none without an engine.
    pub fn hours(&self, server: &str, now: Millis) -> Vec<(Millis, Uptime)> {
        let engines = self.engines.get_value();
        let engines = engines.borrow();
        engines
            .engines
            .get(server)
            .map(|(_, engine)| engine.hours(now, 24))
            .unwrap_or_default()
    }

    /// Says why storage failed, unless a newer page took the database over (`replaced` said
    /// that already).
    pub fn storage_failed(&self, error: &DbError) {
        // After a newer page took the database over, every use of the closed connection
        // fails: that is said once, by `replaced`, not drowned by a round caught in flight.
        if self.prober.get_untracked() == Prober::Replaced {
            return;
        }
        self.notice.set(Some(format!("{error}.")));
    }
}

impl Live {
    /// `server`'s rules as `status.json` gives them (`None`: not one of its servers).
    pub fn rules_of(&self, server: &str) -> Option<MonitorConfig> {
        match &*self.site.read_untracked() {
            Site::Loaded(site) => Some(site.server(server)?.monitor.clone()),
            _ => None,
        }
    }

    /// What the status overview shows, read from this state, with a wall clock moved on every
    /// second for the relative times ("12 s ago", "in 40 s").
    pub fn overview(self) -> Overview {
        let clock = RwSignal::new(now());
        if let Ok(ticker) = set_interval_with_handle(move || clock.set(now()), CLOCK) {
            on_cleanup(move || ticker.clear());
        }
        // New windows move the clock on: one declared "now" in the console must read "under
        // way" at once, not "scheduled" until the next tick.
        Effect::new(move |_| {
            self.maintenance.track();
            clock.set(now());
        });
        Overview {
            site: self.site.into(),
            servers: self.servers.into(),
            maintenance: self.maintenance.into(),
            clock: clock.into(),
        }
    }
}

impl Default for Live {
    fn default() -> Self {
        Live::new()
    }
}

/// Wall-clock milliseconds since the epoch: when probes happen.
pub fn now() -> Millis {
    js_sys::Date::now() as Millis
}
