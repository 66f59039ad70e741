//! How long history is kept: the retention setting, pruning by it or, on a full disk, by the
//! oldest day, and wiping it all. The rules are the core's (`monitor::store::Retention`).

use super::access::{begin, finish, json, server_range, server_range_before};
use super::monitors::{known_servers, raw_servers};
use super::schema::{EVENTS, HISTORY, INCIDENTS, PROBES, ROLLUPS, SNAPSHOTS};
use super::settings::{save_setting, setting, RETENTION};
use super::DbError;
use idb::Database;
use js_sys::Array;
use mcp_status_core::monitor::record::{Millis, DAY};
use mcp_status_core::monitor::store::Retention;

/// Tool lists kept per server at most, the newest: each one that differs is kept once
/// (`rounds::fill`), and a server that keeps changing its list must not fill the disk.
pub const MAX_SNAPSHOTS: usize = 50;

/// Deletes raw probes and rollups older than the retention allows, and a server's tool lists
/// beyond the newest `MAX_SNAPSHOTS`.
pub async fn prune(database: &Database, now: Millis, retention: Retention) -> Result<(), DbError> {
    let servers = known_servers(database).await?;
    let oldest_kept_snapshot = oldest_kept_snapshots(database, &servers).await?;
    let (tx, raw) = begin(database, &HISTORY)?;
    let raw_cutoff = retention.raw_cutoff(now) as f64;
    let day_cutoff = retention.rollup_cutoff_day(now);
    let queued = (|| {
        for server in &servers {
            tx.object_store(PROBES)?
                .delete(server_range_before(server, raw_cutoff)?)?;
            tx.object_store(ROLLUPS)?
                .delete(server_range_before(server, day_cutoff as f64)?)?;
            // Incidents, events and tool lists live as long as rollups.
            for name in [INCIDENTS, EVENTS, SNAPSHOTS] {
                tx.object_store(name)?
                    .delete(server_range_before(server, (day_cutoff * DAY) as f64)?)?;
            }
        }
        for (server, at) in &oldest_kept_snapshot {
            tx.object_store(SNAPSHOTS)?
                .delete(server_range_before(server, *at)?)?;
        }
        Ok(())
    })();
    finish(tx, &raw, queued).await
}

/// For each server with more than `MAX_SNAPSHOTS` tool lists, the time of the oldest to keep.
async fn oldest_kept_snapshots(
    database: &Database,
    servers: &[String],
) -> Result<Vec<(String, f64)>, DbError> {
    let tx = database.transaction(&[SNAPSHOTS], idb::TransactionMode::ReadOnly)?;
    let store = tx.object_store(SNAPSHOTS)?;
    let mut oldest = Vec::new();
    for server in servers {
        let range = server_range(server, f64::NEG_INFINITY, f64::INFINITY)?;
        let keys = store.get_all_keys(Some(range.into()), None)?.await?;
        if keys.len() > MAX_SNAPSHOTS {
            let key = &keys[keys.len() - MAX_SNAPSHOTS];
            if let Some(at) = Array::from(key).get(1).as_f64() {
                oldest.push((server.clone(), at));
            }
        }
    }
    Ok(oldest)
}

/// For a full disk: deletes the oldest day of raw probes, across servers, and returns where the
/// raw history now begins. Rollups are kept. `None` when there were no raw probes to delete.
pub async fn prune_oldest_day(database: &Database) -> Result<Option<Millis>, DbError> {
    let servers = raw_servers(database).await?;
    let (tx, raw) = begin(database, &[PROBES])?;
    let queued = async {
        let probes = tx.object_store(PROBES)?;
        let mut oldest: Option<f64> = None;
        for server in &servers {
            let range = server_range(server, f64::NEG_INFINITY, f64::INFINITY)?;
            let keys = probes.get_all_keys(Some(range.into()), Some(1))?.await?;
            if let Some(start) = keys
                .first()
                .and_then(|key| Array::from(key).get(1).as_f64())
            {
                oldest = Some(oldest.map_or(start, |o: f64| o.min(start)));
            }
        }
        let Some(oldest) = oldest else {
            return Ok(None);
        };
        let cutoff = oldest + DAY as f64;
        for server in &servers {
            probes.delete(server_range_before(server, cutoff)?)?;
        }
        Ok(Some(cutoff as Millis))
    }
    .await;
    finish(tx, &raw, queued).await
}

/// Deletes all history (settings and the user's monitors stay).
pub async fn wipe(database: &Database) -> Result<(), DbError> {
    let (tx, raw) = begin(database, &HISTORY)?;
    let queued = HISTORY.iter().try_for_each(|&store| {
        tx.object_store(store)?
            .clear()
            .map(drop)
            .map_err(DbError::from)
    });
    finish(tx, &raw, queued).await
}

/// The retention setting (defaults when never set).
pub async fn retention(database: &Database) -> Result<Retention, DbError> {
    let text = setting(database, RETENTION).await?;
    let value: Option<serde_json::Value> =
        text.and_then(|text| serde_json::from_slice(text.as_bytes()).ok());
    Ok(value
        .map(|value| Retention::from_value(&value))
        .unwrap_or_default())
}

pub async fn save_retention(database: &Database, retention: Retention) -> Result<(), DbError> {
    save_setting(database, RETENTION, &json(&retention)).await
}
