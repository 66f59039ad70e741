//! The history this browser keeps, read into the engines and written from them: reloads
//! after this tab's or another's changes, a round's write (with pruning when the disk is
//! full), retention.

use super::{now, Changed, Live, QUOTA_RETRIES};
use crate::browser::db::rounds::{self, ServerWrite};
use crate::browser::db::DbError;
use crate::browser::db::{maintenance, monitors, retention};
use leptos::prelude::*;
use mcp_status_core::monitor::record::DAY;
use mcp_status_core::monitor::replay::host_of;
use mcp_status_core::monitor::ServerMonitor;
use mcp_status_core::site::ServerConfig;
use std::collections::BTreeMap;

impl Live {
    /// Reads monitors and engines from storage and recomputes the views; `stored` says whose
    /// stored history changed since the last reload.
    pub(super) async fn reload(self, stored: Changed) {
        let Some(database) = self.database() else {
            return;
        };
        let monitors = monitors::local_monitors(&database).await;
        // Unreadable windows are no windows: the page still shows and probes.
        let windows = maintenance::declared(&database).await.unwrap_or_default();
        let loaded = rounds::load(&database, now()).await;
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

    /// Engines for the monitors that have none yet, holding the days the store already has
    /// for their servers (imported history, or a monitor removed and added again): a fresh
    /// engine's first write must extend a stored day, not replace it. A monitor whose days
    /// cannot be read is left out of this round.
    pub(super) async fn add_engines(&self, due: &[ServerConfig]) {
        let Some(database) = self.database() else {
            return;
        };
        let engines = self.engines.get_value();
        for server in due {
            if engines.borrow().engines.contains_key(&server.name) {
                continue;
            }
            let from = now().div_euclid(DAY) - rounds::DAYS_IN_MEMORY;
            let days = match rounds::stored_days(&database, &server.name, from).await {
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
    pub(super) async fn store(&self, writes: &[ServerWrite]) -> bool {
        let Some(database) = self.database() else {
            return false;
        };
        for _ in 0..=QUOTA_RETRIES {
            match rounds::write(&database, writes).await {
                Ok(_) => return true,
                Err(DbError::Quota) => match retention::prune_oldest_day(&database).await {
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

    pub(super) async fn prune(&self) {
        if let Some(database) = self.database() {
            let retention = retention::retention(&database).await.unwrap_or_default();
            if let Err(error) = retention::prune(&database, now(), retention).await {
                self.storage_failed(&error);
            }
        }
    }
}
