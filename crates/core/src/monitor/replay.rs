//! Rebuilding monitors from a history: the same engine, fed in time order. `mcp-status replay`
//! prints the result; the page rebuilds its stores this way after an import or a migration.

use super::config::MonitorConfig;
use super::events::{Alert, Event};
use super::history::Entry;
use super::ServerMonitor;
use crate::target::Target;
use std::collections::BTreeMap;

/// A server's monitor, the URL its history names (the last one seen), and every alert it
/// raised on the way (the runner hands the new ones to the alerting desk).
#[derive(Debug, Clone)]
pub struct Replayed {
    pub url: String,
    pub monitor: ServerMonitor,
    pub alerts: Vec<Alert>,
}

/// Runs every server's probes through its own monitor. `entries` must be in time order (as
/// `history::parse` returns them); `config_for` gives each server's rules.
pub fn replay<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    mut config_for: impl FnMut(&str) -> Result<MonitorConfig, String>,
) -> Result<BTreeMap<String, Replayed>, String> {
    let mut servers: BTreeMap<String, Replayed> = BTreeMap::new();
    for entry in entries {
        let replayed = match servers.get_mut(&entry.server) {
            Some(replayed) => replayed,
            None => {
                let config = config_for(&entry.server)?;
                let monitor = ServerMonitor::new(config, &host_of(&entry.url))
                    .map_err(|e| format!("{}: {e}", entry.server))?;
                servers
                    .entry(entry.server.clone())
                    .or_insert_with(|| Replayed {
                        url: entry.url.clone(),
                        monitor,
                        alerts: Vec::new(),
                    })
            }
        };
        if replayed.url != entry.url {
            replayed.url.clone_from(&entry.url);
        }
        for event in replayed.monitor.ingest(&entry.probe) {
            if let Event::Alert(alert) = event {
                replayed.alerts.push(alert);
            }
        }
    }
    Ok(servers)
}

/// The host a URL names, for platform detection; empty when it is not a probe target.
pub fn host_of(url: &str) -> String {
    Target::parse(url)
        .map(|t| t.host().to_owned())
        .unwrap_or_default()
}
