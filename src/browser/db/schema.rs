//! The stores and their versions. A version only ever adds: each step below creates its stores
//! when a database older than it is opened, and what a step derives from data that was already
//! there is owed and rebuilt (`owed`). docs/formats.md describes every store.

use idb::{Database, ObjectStoreParams};

/// Raw probes: key `[server, hour start ms]`, value the hour's history lines (NDJSON).
pub const PROBES: &str = "probes";
/// Settings: key a name, value JSON.
pub const SETTINGS: &str = "settings";
/// Rollups: key `[server, UTC day]`, value a `DayRecord` (the day's hourly tallies) as JSON.
pub const ROLLUPS: &str = "rollups";
/// The engine per server: key the server, value `{"url": …, "monitor": …}` as JSON.
pub const ENGINE: &str = "engine";
/// Incidents: key `[server, start ms]`, value an `Incident` as JSON.
pub const INCIDENTS: &str = "incidents";
/// Alerts, cold starts and drift: key `[server, at ms, n]`, value an `EventRecord` as JSON.
pub const EVENTS: &str = "events";
/// Tool lists, kept when the fingerprint changes: key `[server, at ms]`, value JSON.
pub const SNAPSHOTS: &str = "snapshots";
/// Monitors the user added: key the server name, value a `LocalMonitor` as JSON.
pub const MONITORS: &str = "monitors";

/// Version 1 kept raw history and settings; version 2 added everything derived from it (the
/// upgrade rebuilds those from the raw probes) and the user's monitors.
const STEPS: [(u32, &[&str]); 2] = [
    (1, &[PROBES, SETTINGS]),
    (
        2,
        &[ROLLUPS, ENGINE, INCIDENTS, EVENTS, SNAPSHOTS, MONITORS],
    ),
];

pub const VERSION: u32 = 2;

/// Every store that holds history (not settings or monitors).
pub const HISTORY: [&str; 6] = [PROBES, ROLLUPS, ENGINE, INCIDENTS, EVENTS, SNAPSHOTS];

/// In the `upgradeneeded` event: the stores of every step after `old`, up to `new`.
pub fn create_stores(database: &Database, old: u32, new: u32) {
    let existing = database.store_names();
    for (version, stores) in STEPS {
        if old < version && version <= new {
            for &store in stores {
                if !existing.iter().any(|name| name == store) {
                    // Cannot fail for a name that is not there yet.
                    let _ = database.create_object_store(store, ObjectStoreParams::new());
                }
            }
        }
    }
}
