//! The prober (in the one tab that holds the lock): every tick, the due servers are probed
//! together, the round is stored in one transaction, and the other tabs are told.

use super::{now, Changed, Live, Prober, ROUND, ROUND_SIZE, TICK_MS};
use crate::browser::db::rounds::{self, ServerWrite};
use crate::browser::{channel, clock, leader, probe_driver};
use leptos::prelude::*;
use mcp_status_core::monitor::history::line_of;
use mcp_status_core::monitor::record::{Millis, ProbeRecord, DAY};
use mcp_status_core::monitor::store;
use mcp_status_core::monitor::ServerMonitor;
use mcp_status_core::site::ServerConfig;
use mcp_status_core::{Environment, Probe, ProbeConfig, ProbeReport, Target};

impl Live {
    /// The prober: every tick, probes the servers that are due, stores the round, tells the
    /// other tabs. Starts from what storage holds: another tab may have probed until now. A
    /// hidden tab does not probe; when it is shown again, each server overdue gets one probe
    /// (spec section 9).
    pub(super) async fn probe_forever(self) {
        // Another tab may have probed until now; a read this very second is fresh enough.
        if now() - self.engines.get_value().borrow().loaded_at > 1_000 {
            self.reload(Changed::All).await;
        }
        self.prune().await;
        let mut last_prune = now();
        loop {
            // The database was taken over (`Live::replaced` let the lock go).
            if self.prober.get_untracked() == Prober::Replaced {
                return;
            }
            // A lease can be lost (this tab frozen past it): back in line, not probing beside
            // the tab that took it.
            if !leader::holds(leader::PROBER) {
                leader::release(leader::PROBER);
                self.wait_to_probe();
                return;
            }
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
    pub(super) fn due(&self, now: Millis) -> Vec<ServerConfig> {
        let engines = self.engines.get_value();
        let engines = engines.borrow();
        if engines.probing {
            return Vec::new();
        }
        engines
            .watched
            .values()
            .enumerate()
            .filter(|(index, w)| {
                engines.probes_here(w, now) && engines.next_probe_at(*index, w) <= now
            })
            .map(|(_, w)| w.config.clone())
            .take(ROUND_SIZE)
            .collect()
    }

    /// Probes `due` concurrently, then stores the round in one transaction. The engines forget
    /// what the round handed over only once it is stored.
    pub(super) async fn round(self, due: Vec<ServerConfig>) {
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
        let results = futures::future::join_all(probes).await;
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
                    engine.forget_rollups_before(today - rounds::DAYS_IN_MEMORY);
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
            probe_driver::run_probe(Probe::new(target, config, clock::monotonic()), &|_| {}).await
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
