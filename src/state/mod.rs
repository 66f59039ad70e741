//! Live monitoring in the page: the user's monitors, their engines, the probe rounds, and the
//! signals the views read. One tab probes (`browser::leader`); every tab shows the stored
//! history and reloads it when the prober says a round was stored (`browser::channel`).

use crate::browser::db::history::{self, ServerWrite};
use crate::browser::db::{self, DbError};
use crate::browser::leader::{self, Leadership};
use crate::browser::{channel, clock, probe_driver, site_file};
use idb::Database;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::monitor::config::MaintenanceWindow;
use mcp_status_core::monitor::declared::{self, Declared};
use mcp_status_core::monitor::history::line_of;
use mcp_status_core::monitor::record::{Millis, ProbeRecord, DAY};
use mcp_status_core::monitor::replay::host_of;
use mcp_status_core::monitor::rollup::Uptime;
use mcp_status_core::monitor::store;
use mcp_status_core::monitor::ServerMonitor;
use mcp_status_core::publish::{self, PublishedServer};
use mcp_status_core::site::{ServerConfig, SiteConfig};
use mcp_status_core::status::{self, Condition, ServerView, Site, Source};
use mcp_status_core::{Environment, Probe, ProbeConfig, ProbeReport, Target};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::Poll;

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
    database: StoredValue<Option<Rc<Database>>, LocalStorage>,
    engines: StoredValue<Rc<RefCell<Engines>>, LocalStorage>,
}

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
            self.site.set(site);
            {
                let engines = self.engines.get_value();
                let mut engines = engines.borrow_mut();
                engines.opened = now();
                engines.seed = (js_sys::Math::random() * 4_294_967_296.0) as u64;
            }
            // The site's servers show at once, before storage answers: no layout shift.
            self.rewatch(BTreeMap::new(), &[]);
            self.refresh_views();
            let database = match db::open_page().await {
                Ok((database, carried)) => {
                    if let Some(error) = carried {
                        self.notice.set(Some(format!(
                            "The history this browser kept before could not be carried over: {error}. New probes are kept."
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
            self.prober.set(Prober::OtherTab);
            spawn_local(self.follow_published());
            leader::when_leader(leader::PROBER, move |how| {
                self.prober.set(Prober::ThisTab(how));
                spawn_local(self.probe_forever());
            });
        });
    }

    /// What the page probes: the site's servers (those it may probe live), then the user's
    /// monitors whose names the site does not already use; with the maintenance windows
    /// declared in the console.
    fn rewatch(
        &self,
        monitors: BTreeMap<String, mcp_status_core::monitor::store::LocalMonitor>,
        windows: &[Declared],
    ) {
        let site = self.site.get_untracked();
        let engines = self.engines.get_value();
        let mut engines = engines.borrow_mut();
        engines.watched = BTreeMap::new();
        if let Site::Loaded(site) = &site {
            for server in &site.servers {
                let source = Source::Site {
                    group: server.group.clone(),
                };
                let watched = Watched {
                    config: server.clone(),
                    source,
                };
                engines.watched.insert(server.name.clone(), watched);
            }
        }
        for monitor in monitors.into_values() {
            if engines.watched.contains_key(&monitor.server) {
                continue;
            }
            let watched = Watched {
                config: ServerConfig::of_local(&monitor),
                source: Source::Local,
            };
            engines.watched.insert(monitor.server, watched);
        }
        let mut maintenance = Vec::new();
        for watched in engines.watched.values_mut() {
            let config = &mut watched.config;
            config.monitor = declared::with_declared(&config.monitor, &config.name, windows);
            let name = &config.name;
            maintenance.extend(
                config
                    .monitor
                    .maintenance
                    .iter()
                    .map(|w| (name.clone(), w.clone())),
            );
        }
        self.maintenance.set(maintenance);
    }

    pub fn database(&self) -> Option<Rc<Database>> {
        self.database.get_value()
    }

    /// Reads the runner's published summary now and then again every `PUBLISHED_MS` (it
    /// publishes a round every few minutes); the views show it over this browser's history.
    async fn follow_published(self) {
        // None published (yet), or unreachable: this browser's history alone.
        let mut summary = String::new();
        loop {
            let fetched = site_file::fetch_text(publish::SUMMARY).await;
            // Unchanged since the last read (no round published since): the views stand.
            let fresh = fetched.ok().flatten().filter(|text| *text != summary);
            if let Some(text) = fresh {
                match publish::read_summary(&text) {
                    Ok(servers) => {
                        let engines = self.engines.get_value();
                        engines.borrow_mut().published =
                            servers.into_iter().map(|s| (s.server.clone(), s)).collect();
                        self.refresh_views();
                    }
                    Err(error) => self.notice.set(Some(format!(
                        "The published history cannot be read: {error}."
                    ))),
                }
                summary = text;
            }
            gloo_timers::future::TimeoutFuture::new(PUBLISHED_MS).await;
        }
    }

    /// Tells the other tabs that monitors or history changed, and reloads this one.
    pub async fn changed(self) {
        channel::post(CHANGED);
        self.reload(Changed::All).await;
    }

    /// Reads monitors and engines from storage and recomputes the views; `stored` says whose
    /// stored history changed since the last reload.
    async fn reload(self, stored: Changed) {
        let Some(database) = self.database() else {
            return;
        };
        let monitors = history::local_monitors(&database).await;
        // Unreadable windows are no windows: the page still shows and probes.
        let windows = history::declared(&database).await.unwrap_or_default();
        let loaded = history::load(&database, now()).await;
        match (monitors, loaded) {
            (Ok(monitors), Ok((loaded, damaged))) => {
                if !damaged.is_empty() {
                    self.notice.set(Some(format!(
                        "Some stored history could not be read and is left out: {}.",
                        damaged.join(", ")
                    )));
                }
                self.rewatch(monitors, &windows);
                let engines = self.engines.get_value();
                let mut engines = engines.borrow_mut();
                engines.loaded_at = now();
                engines.last = BTreeMap::new();
                engines.engines = BTreeMap::new();
                for loaded in loaded {
                    if let Some(last) = loaded.last {
                        engines.last.insert(loaded.server.clone(), last);
                    }
                    let entry = (loaded.url, loaded.monitor);
                    engines.engines.insert(loaded.server, entry);
                }
                // The config may have changed since an engine was stored: today's rules apply.
                let engines = &mut *engines;
                for (server, watched) in engines.watched.iter() {
                    if let Some((_, engine)) = engines.engines.get_mut(server) {
                        let config = &watched.config;
                        if engine.config() != &config.monitor {
                            // Checked when read: a refusal leaves the stored rules.
                            let _ =
                                engine.reconfigure(config.monitor.clone(), &host_of(&config.url));
                        }
                    }
                }
            }
            (Err(error), _) | (_, Err(error)) => self.storage_failed(&error),
        }
        self.refresh_views();
        self.stored.set(stored);
    }

    /// One view per server the page knows: the site's servers, the user's monitors, and
    /// servers whose history was imported (shown, not probed).
    fn refresh_views(&self) {
        self.refresh(&Changed::All);
    }

    /// Recomputes the views of the servers that `changed` names (a round changes only the
    /// servers it probed: recomputing 50 servers' 90 days after each would hold up the page).
    fn refresh(&self, changed: &Changed) {
        let now = now();
        let engines = self.engines.get_value();
        let engines = engines.borrow();
        let previous = self.servers.get_untracked();
        let mut servers: BTreeMap<&str, ServerView> = BTreeMap::new();
        let view_of = |name: &str, fresh: &dyn Fn() -> ServerView| {
            let kept = match changed {
                Changed::All => None,
                Changed::Servers(names) if names.iter().any(|n| n == name) => None,
                Changed::Servers(_) => previous.iter().find(|v| v.server == name).cloned(),
            };
            kept.unwrap_or_else(fresh)
        };
        for (server, (url, engine)) in &engines.engines {
            if engines.watched.contains_key(server) {
                continue;
            }
            let last = engines.last.get(server);
            let published = engines.published.get(server);
            let source = Source::Imported;
            let fresh = || {
                ServerView::of(
                    server,
                    url,
                    source.clone(),
                    Some(engine),
                    last,
                    published,
                    now,
                )
            };
            servers.insert(server, view_of(server, &fresh));
        }
        for (index, watched) in engines.watched.values().enumerate() {
            let config = &watched.config;
            let fresh = || {
                let engine = engines.engines.get(&config.name).map(|(_, e)| e);
                let last = engines.last.get(&config.name);
                let source = watched.source.clone();
                let published = engines.published.get(&config.name);
                let mut view = ServerView::of(
                    &config.name,
                    &config.url,
                    source,
                    engine,
                    last,
                    published,
                    now,
                );
                if config.live {
                    view.cadence_s = Some((config.monitor.cadence / 1_000) as u32);
                    view.next_probe_at = Some(engines.next_probe_at(index, watched));
                }
                view.condition = Condition::of(
                    view.state,
                    view.last.as_ref().map(|l| l.outcome),
                    config.monitor.in_maintenance(now),
                );
                view
            };
            servers.insert(&config.name, view_of(&config.name, &fresh));
        }
        self.servers.set(servers.into_values().collect());
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

    fn storage_failed(&self, error: &DbError) {
        self.notice.set(Some(format!("{error}.")));
    }

    /// The prober: every tick, probes the servers that are due, stores the round, tells the
    /// other tabs. Starts from what storage holds: another tab may have probed until now. A
    /// hidden tab does not probe; when it is shown again, each server overdue gets one probe
    /// (spec section 9).
    async fn probe_forever(self) {
        // Another tab may have probed until now; a read this very second is fresh enough.
        if now() - self.engines.get_value().borrow().loaded_at > 1_000 {
            self.reload(Changed::All).await;
        }
        self.prune().await;
        let mut last_prune = now();
        loop {
            // A hidden tab waits (a visitor's background tab must not load the servers), unless
            // this browser runs the on-call console: then it is the team's monitor.
            let watching =
                !clock::hidden() || leader::is_held(leader::DISPATCHER).await == Some(true);
            let due = if watching {
                self.due(now())
            } else {
                Vec::new()
            };
            if !due.is_empty() {
                self.round(due).await;
            }
            if now() - last_prune > DAY {
                self.prune().await;
                last_prune = now();
            }
            gloo_timers::future::TimeoutFuture::new(TICK_MS).await;
        }
    }

    /// Servers whose next probe is due: never sooner than a cadence after the last probe.
    fn due(&self, now: Millis) -> Vec<ServerConfig> {
        let engines = self.engines.get_value();
        let engines = engines.borrow();
        if engines.probing {
            return Vec::new();
        }
        engines
            .watched
            .values()
            .enumerate()
            .filter(|(index, w)| w.config.live && engines.next_probe_at(*index, w) <= now)
            .map(|(_, w)| w.config.clone())
            .take(ROUND_SIZE)
            .collect()
    }

    /// Probes `due` concurrently, then stores the round in one transaction. The engines forget
    /// what the round handed over only once it is stored.
    async fn round(self, due: Vec<ServerConfig>) {
        let engines = self.engines.get_value();
        engines.borrow_mut().probing = true;
        self.add_engines(&due).await;
        let due: Vec<ServerConfig> = due
            .into_iter()
            .filter(|server| engines.borrow().engines.contains_key(&server.name))
            .collect();
        let probes = due.iter().map(|server| async move {
            let at = now();
            (server, at, probe(&server.url, server.timeout_ms).await)
        });
        let results = together(probes.collect()).await;
        let writes: Vec<ServerWrite> = {
            let mut engines = engines.borrow_mut();
            let engines = &mut *engines;
            results
                .into_iter()
                .filter_map(|(server, at, report)| {
                    let (url, engine) = engines.engines.get_mut(&server.name)?;
                    url.clone_from(&server.url);
                    let (write, probe) = round_write(server, at, &report, engine);
                    engines.last.insert(server.name.clone(), probe);
                    Some(write)
                })
                .collect()
        };
        if self.store(&writes).await {
            let today = now().div_euclid(DAY);
            let mut engines = engines.borrow_mut();
            for write in &writes {
                if let Some((_, engine)) = engines.engines.get_mut(&write.server) {
                    engine.saved();
                    engine.forget_rollups_before(today - history::DAYS_IN_MEMORY);
                }
            }
        }
        engines.borrow_mut().probing = false;
        let names: Vec<String> = writes.into_iter().map(|write| write.server).collect();
        channel::post(&format!("{ROUND}{}", store::names_json(&names)));
        let changed = Changed::Servers(names);
        self.refresh(&changed);
        self.stored.set(changed);
    }

    /// Engines for the monitors that have none yet, holding the days the store already has
    /// for their servers (imported history, or a monitor removed and added again): a fresh
    /// engine's first write must extend a stored day, not replace it. A monitor whose days
    /// cannot be read is left out of this round.
    async fn add_engines(&self, due: &[ServerConfig]) {
        let Some(database) = self.database() else {
            return;
        };
        let engines = self.engines.get_value();
        for server in due {
            if engines.borrow().engines.contains_key(&server.name) {
                continue;
            }
            let from = now().div_euclid(DAY) - history::DAYS_IN_MEMORY;
            let days = match history::stored_days(&database, &server.name, from).await {
                Ok(days) => days,
                Err(error) => {
                    self.storage_failed(&error);
                    continue;
                }
            };
            // Configs were checked when read; defaults if a stored monitor was damaged since.
            let mut engine = ServerMonitor::new(server.monitor.clone(), &host_of(&server.url))
                .or_else(|_| ServerMonitor::new(Default::default(), ""))
                .unwrap_or_else(|_| unreachable!("defaults are valid"));
            engine.restore_rollups(from, days);
            engines
                .borrow_mut()
                .engines
                .insert(server.name.clone(), (server.url.clone(), engine));
        }
    }

    /// Stores a round; on a full disk, deletes the oldest day of raw probes and tries again,
    /// and says so. Returns whether the round was stored.
    async fn store(&self, writes: &[ServerWrite]) -> bool {
        let Some(database) = self.database() else {
            return false;
        };
        for _ in 0..=QUOTA_RETRIES {
            match history::write(&database, writes).await {
                Ok(_) => return true,
                Err(DbError::Quota) => match history::prune_oldest_day(&database).await {
                    Ok(Some(from)) => self.notice.set(Some(format!(
                        "Storage was full: raw probes before {} were deleted to make room. \
                         Uptimes and daily bars are kept.",
                        mcp_status_core::monitor::history::format_time(from)
                    ))),
                    Ok(None) | Err(_) => break,
                },
                Err(error) => {
                    self.storage_failed(&error);
                    return false;
                }
            }
        }
        self.notice.set(Some(
            "Storage is full and nothing more can be deleted: this round was not stored.".into(),
        ));
        false
    }

    async fn prune(&self) {
        if let Some(database) = self.database() {
            let retention = history::retention(&database).await.unwrap_or_default();
            if let Err(error) = history::prune(&database, now(), retention).await {
                self.storage_failed(&error);
            }
        }
    }
}

impl Default for Live {
    fn default() -> Self {
        Live::new()
    }
}

/// What one probe adds to storage: its line, the tool list when it changed, and what the
/// engine holds unsaved; and the probe as the engine saw it.
fn round_write(
    server: &ServerConfig,
    at: Millis,
    report: &ProbeReport,
    engine: &mut ServerMonitor,
) -> (ServerWrite, ProbeRecord) {
    let probe = ProbeRecord::of_report(at, report);
    let changed_tools = engine.last_fingerprint() != probe.contract_hash.zip(probe.metadata_hash);
    engine.ingest(&probe);
    let snapshot = (changed_tools && report.tools.is_some()).then(|| {
        (
            at,
            serde_json::to_string(&report.tool_list).unwrap_or_default(),
        )
    });
    let write = ServerWrite {
        lines: vec![(at, line_of(&server.name, &server.url, &probe))],
        snapshot,
        ..ServerWrite::of_monitor(&server.name, &server.url, engine)
    };
    (write, probe)
}

async fn probe(url: &str, timeout_ms: Option<u64>) -> ProbeReport {
    let config = ProbeConfig {
        environment: Environment::Browser,
        timeout_ms,
        ..ProbeConfig::default()
    };
    match Target::parse(url) {
        Ok(target) => {
            probe_driver::run_probe(Probe::new(target, config, clock::now_ms()), &|_| {}).await
        }
        // Monitors are checked when added; a stored one damaged since fails, it does not stop
        // the round.
        Err(error) => ProbeReport {
            error: Some(format!("The monitor's URL is not valid: {error}")),
            ..ProbeReport::bare(
                url,
                mcp_status_core::Outcome::Failed,
                Some(mcp_status_core::Layer::Transport),
            )
        },
    }
}

/// Runs `futures` concurrently and returns their results in order: `join_all`'s small path
/// (it switches to a task queue above 30 futures, which is more code in the page than a
/// round of 50 probes needs).
pub(crate) async fn together<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut running: Vec<Option<Pin<Box<F>>>> =
        futures.into_iter().map(|f| Some(Box::pin(f))).collect();
    let mut results: Vec<Option<F::Output>> = running.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, result) in running.iter_mut().zip(results.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    Poll::Ready(output) => {
                        *result = Some(output);
                        *slot = None;
                    }
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    results.into_iter().flatten().collect()
}

/// Wall-clock milliseconds since the epoch: when probes happen.
pub fn now() -> Millis {
    js_sys::Date::now() as Millis
}
