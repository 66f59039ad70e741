//! Live monitoring in the page: the user's monitors, their engines, the probe rounds, and the
//! signals the views read. One tab probes (`browser::leader`); every tab shows the stored
//! history and reloads it when the prober says a round was stored (`browser::channel`).

use crate::browser::db::history::{self, ServerWrite};
use crate::browser::db::{self, DbError};
use crate::browser::leader::{self, Leadership};
use crate::browser::{channel, clock, probe_driver};
use idb::Database;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::monitor::history::line_of;
use mcp_status_core::monitor::record::{Millis, ProbeRecord, DAY};
use mcp_status_core::monitor::replay::host_of;
use mcp_status_core::monitor::rollup::Uptime;
use mcp_status_core::monitor::state::State;
use mcp_status_core::monitor::store::LocalMonitor;
use mcp_status_core::monitor::ServerMonitor;
use mcp_status_core::sorted::SortedMap;
use mcp_status_core::{Environment, Probe, ProbeConfig, ProbeReport, Target};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

/// Broadcast after the prober stored a round.
const ROUND: &str = "round";
/// Broadcast after a tab added or removed a monitor, or imported or wiped history.
const CHANGED: &str = "changed";
/// The prober wakes this often to see which monitors are due.
const TICK_MS: u32 = 1_000;
/// Writes that hit a full disk are retried this many times, each after pruning a day.
const QUOTA_RETRIES: usize = 5;

/// What a monitor's row shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerView {
    pub server: String,
    pub url: String,
    /// `None`: history only (imported), not probed from this browser.
    pub cadence_s: Option<u32>,
    pub state: State,
    pub last_probe_at: Option<Millis>,
    pub day: Uptime,
}

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
    pub servers: RwSignal<Vec<ServerView>>,
    pub prober: RwSignal<Prober>,
    /// A problem the user should know about (storage unavailable, disk full…).
    pub notice: RwSignal<Option<String>>,
    database: StoredValue<Option<Rc<Database>>, LocalStorage>,
    engines: StoredValue<Rc<RefCell<Engines>>, LocalStorage>,
}

#[derive(Default)]
struct Engines {
    monitors: SortedMap<String, LocalMonitor>,
    /// Server → (url, engine).
    engines: SortedMap<String, (String, ServerMonitor)>,
    probing: bool,
}

impl Live {
    pub fn new() -> Live {
        Live {
            servers: RwSignal::new(Vec::new()),
            prober: RwSignal::new(Prober::Starting),
            notice: RwSignal::new(None),
            database: StoredValue::new_local(None),
            engines: StoredValue::new_local(Rc::default()),
        }
    }

    /// Opens storage, shows what it holds, and takes part in choosing the prober.
    pub fn start(self) {
        spawn_local(async move {
            let database = match db::open(db::NAME).await {
                Ok(database) => Rc::new(database),
                Err(error) => {
                    self.notice.set(Some(format!(
                        "History cannot be kept in this browser: {error}. The quick check still works."
                    )));
                    return;
                }
            };
            self.database.set_value(Some(database));
            self.reload().await;
            channel::listen(move |message| {
                if message == ROUND || message == CHANGED {
                    spawn_local(self.reload());
                }
            });
            self.prober.set(Prober::OtherTab);
            leader::when_leader(move |how| {
                self.prober.set(Prober::ThisTab(how));
                spawn_local(self.probe_forever());
            });
        });
    }

    pub fn database(&self) -> Option<Rc<Database>> {
        self.database.get_value()
    }

    /// Tells the other tabs that monitors or history changed, and reloads this one.
    pub async fn changed(self) {
        channel::post(CHANGED);
        self.reload().await;
    }

    /// Reads monitors and engines from storage and recomputes the views.
    pub async fn reload(self) {
        let Some(database) = self.database() else {
            return;
        };
        let monitors = history::local_monitors(&database).await;
        let loaded = history::load(&database, now()).await;
        match (monitors, loaded) {
            (Ok(monitors), Ok((loaded, damaged))) => {
                if !damaged.is_empty() {
                    self.notice.set(Some(format!(
                        "Some stored history could not be read and is left out: {}.",
                        damaged.join(", ")
                    )));
                }
                let engines = self.engines.get_value();
                let mut engines = engines.borrow_mut();
                engines.monitors = monitors;
                engines.engines = loaded
                    .into_iter()
                    .map(|l| (l.server, (l.url, l.monitor)))
                    .collect();
            }
            (Err(error), _) | (_, Err(error)) => self.storage_failed(&error),
        }
        self.refresh_views();
    }

    /// One view per server the page knows: the user's monitors, and servers whose history
    /// was imported (shown, not probed).
    fn refresh_views(&self) {
        let now = now();
        let engines = self.engines.get_value();
        let engines = engines.borrow();
        let mut servers: SortedMap<&str, ServerView> = SortedMap::new();
        for (server, (url, engine)) in &engines.engines {
            servers.insert(server, view_of(server, url, None, Some(engine), now));
        }
        for monitor in engines.monitors.values() {
            let engine = engines.engines.get(&monitor.server).map(|(_, e)| e);
            let view = view_of(
                &monitor.server,
                &monitor.url,
                Some(monitor.cadence_s),
                engine,
                now,
            );
            servers.insert(&monitor.server, view);
        }
        self.servers.set(servers.into_values().collect());
    }

    fn storage_failed(&self, error: &DbError) {
        self.notice.set(Some(format!("{error}.")));
    }

    /// The prober: every tick, probes the monitors that are due, stores the round, tells the
    /// other tabs. Starts from what storage holds: another tab may have probed until now.
    async fn probe_forever(self) {
        self.reload().await;
        self.prune().await;
        let mut last_prune = now();
        loop {
            let due = self.due(now());
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

    /// Monitors whose next probe is due: never probed, or a cadence since the last probe.
    fn due(&self, now: Millis) -> Vec<LocalMonitor> {
        let engines = self.engines.get_value();
        let engines = engines.borrow();
        if engines.probing {
            return Vec::new();
        }
        engines
            .monitors
            .values()
            .filter(|monitor| {
                let last = engines
                    .engines
                    .get(&monitor.server)
                    .and_then(|(_, e)| e.last_probe_at());
                last.is_none_or(|last| now - last >= Millis::from(monitor.cadence_s) * 1_000)
            })
            .cloned()
            .collect()
    }

    /// Probes `due` concurrently, then stores the round in one transaction. The engines forget
    /// what the round handed over only once it is stored.
    async fn round(self, due: Vec<LocalMonitor>) {
        let engines = self.engines.get_value();
        engines.borrow_mut().probing = true;
        self.add_engines(&due).await;
        let due: Vec<LocalMonitor> = due
            .into_iter()
            .filter(|monitor| engines.borrow().engines.contains_key(&monitor.server))
            .collect();
        let probes = due.iter().map(|monitor| async move {
            let at = now();
            (monitor, at, probe(&monitor.url).await)
        });
        let results = together(probes.collect()).await;
        let writes: Vec<ServerWrite> = {
            let mut engines = engines.borrow_mut();
            results
                .into_iter()
                .filter_map(|(monitor, at, report)| {
                    let (url, engine) = engines.engines.get_mut(&monitor.server)?;
                    url.clone_from(&monitor.url);
                    Some(round_write(monitor, at, &report, engine))
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
        channel::post(ROUND);
        self.refresh_views();
    }

    /// Engines for the monitors that have none yet, holding the days the store already has
    /// for their servers (imported history, or a monitor removed and added again): a fresh
    /// engine's first write must extend a stored day, not replace it. A monitor whose days
    /// cannot be read is left out of this round.
    async fn add_engines(&self, due: &[LocalMonitor]) {
        let Some(database) = self.database() else {
            return;
        };
        let engines = self.engines.get_value();
        for monitor in due {
            if engines.borrow().engines.contains_key(&monitor.server) {
                continue;
            }
            let from = now().div_euclid(DAY) - history::DAYS_IN_MEMORY;
            let days = match history::stored_days(&database, &monitor.server, from).await {
                Ok(days) => days,
                Err(error) => {
                    self.storage_failed(&error);
                    continue;
                }
            };
            // Stored monitors were checked when added; defaults if one was damaged since.
            let mut engine = ServerMonitor::new(monitor.config(), &host_of(&monitor.url))
                .or_else(|_| ServerMonitor::new(Default::default(), ""))
                .unwrap_or_else(|_| unreachable!("defaults are valid"));
            engine.restore_rollups(from, days);
            engines
                .borrow_mut()
                .engines
                .insert(monitor.server.clone(), (monitor.url.clone(), engine));
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

fn view_of(
    server: &str,
    url: &str,
    cadence_s: Option<u32>,
    engine: Option<&ServerMonitor>,
    now: Millis,
) -> ServerView {
    ServerView {
        server: server.to_owned(),
        url: url.to_owned(),
        cadence_s,
        state: engine.map_or(State::Unknown, ServerMonitor::state),
        last_probe_at: engine.and_then(ServerMonitor::last_probe_at),
        day: engine.map_or_else(
            || Uptime::of(&Default::default(), DAY),
            |e| e.uptime(now, DAY),
        ),
    }
}

/// What one probe adds to storage: its line, the tool list when it changed, and what the
/// engine holds unsaved.
fn round_write(
    monitor: &LocalMonitor,
    at: Millis,
    report: &ProbeReport,
    engine: &mut ServerMonitor,
) -> ServerWrite {
    let probe = ProbeRecord::of_report(at, report);
    let changed_tools = engine.last_fingerprint() != probe.contract_hash.zip(probe.metadata_hash);
    engine.ingest(&probe);
    let snapshot = (changed_tools && report.tools.is_some())
        .then(|| (at, serde_json::to_string(&report.tools).unwrap_or_default()));
    ServerWrite {
        lines: vec![(at, line_of(&monitor.server, &monitor.url, &probe))],
        snapshot,
        ..ServerWrite::of_monitor(&monitor.server, &monitor.url, engine)
    }
}

async fn probe(url: &str) -> ProbeReport {
    let config = ProbeConfig {
        environment: Environment::Browser,
        ..ProbeConfig::default()
    };
    match Target::parse(url) {
        Ok(target) => {
            probe_driver::run_probe(Probe::new(target, config, clock::now_ms()), |_| {}).await
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
async fn together<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
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
