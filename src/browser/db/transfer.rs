//! The history file in and out: export, import, and the rebuild of what derives from raw
//! probes (after an import, or an upgrade from a schema that kept only raw probes). Replay is
//! the core's (`monitor::replay`); this moves records.

use super::access::{
    arrived, begin, binary, finish, key2, put_bytes, server_range, server_range_before_from,
};
use super::monitors::{local_monitors, raw_servers};
use super::owed;
use super::rounds::{engine_record, fill, ServerWrite};
use super::schema::{EVENTS, HISTORY, INCIDENTS, PROBES, ROLLUPS, SETTINGS};
use super::DbError;
use idb::{Database, Query, TransactionMode};
use js_sys::Array;
use mcp_status_core::monitor::config::MonitorConfig;
use mcp_status_core::monitor::history::{
    self as format, record_line, BadLines, LineError, Record, EXPORT_VERSION,
};
use mcp_status_core::monitor::record::Millis;
use mcp_status_core::monitor::replay;
use mcp_status_core::monitor::rollup::DayRecord;
use mcp_status_core::monitor::store::{self, LocalMonitor};
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::future::IntoFuture;
use wasm_bindgen::JsValue;

/// All raw probes as one NDJSON text (docs/formats.md), by server then time.
pub async fn probes_text(database: &Database) -> Result<String, DbError> {
    let tx = database.transaction(&[PROBES], TransactionMode::ReadOnly)?;
    let chunks = tx.object_store(PROBES)?.get_all(None, None)?.await?;
    Ok(chunks.iter().filter_map(JsValue::as_string).collect())
}

/// The export, made at `now` (docs/formats.md): a line saying its version, every raw probe,
/// then what was derived from probes that may be gone (rollups, incidents, events), so that an
/// import elsewhere restores the same uptimes, bars and incidents. A record that does not read
/// back is left out.
pub async fn export(database: &Database, now: Millis) -> Result<String, DbError> {
    let tx = database.transaction(
        &[PROBES, ROLLUPS, INCIDENTS, EVENTS],
        TransactionMode::ReadOnly,
    )?;
    let header = Record::Export {
        version: EXPORT_VERSION,
        exported_at: format::format_time(now),
    };
    let mut text = record_line(&header) + "\n";
    let chunks = tx.object_store(PROBES)?.get_all(None, None)?.await?;
    text.extend(chunks.iter().filter_map(|chunk| chunk.as_string()));
    let server_of = |key: &JsValue| Array::from(key).get(0).as_string().unwrap_or_default();
    let read_all = |name: &str| -> Result<_, DbError> {
        let store = tx.object_store(name)?;
        Ok((store.get_all_keys(None, None)?, store.get_all(None, None)?))
    };
    let mut records = Vec::new();
    let (keys, values) = read_all(ROLLUPS)?;
    for (key, value) in keys.await?.iter().zip(values.await?) {
        let bytes = js_sys::Uint8Array::new(&value).to_vec();
        if let Ok(day) = postcard::from_bytes::<DayRecord>(&bytes) {
            records.push(Record::Day {
                server: server_of(key),
                day,
            });
        }
    }
    let (keys, values) = read_all(INCIDENTS)?;
    for (key, value) in keys.await?.iter().zip(values.await?) {
        if let Some(incident) = value
            .as_string()
            .and_then(|t| serde_json::from_str(&t).ok())
        {
            records.push(Record::Incident {
                server: server_of(key),
                incident,
            });
        }
    }
    let (keys, values) = read_all(EVENTS)?;
    for (key, value) in keys.await?.iter().zip(values.await?) {
        if let Some(event) = value
            .as_string()
            .and_then(|t| serde_json::from_str(&t).ok())
        {
            records.push(Record::Event {
                server: server_of(key),
                event,
            });
        }
    }
    for record in &records {
        text.push_str(&record_line(record));
        text.push('\n');
    }
    Ok(text)
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    /// Probes that were new.
    pub added: usize,
    /// Probes already held (importing the same file twice adds nothing).
    pub duplicates: usize,
    /// Lines left out (only when asked to skip bad lines).
    pub skipped: Vec<LineError>,
    pub servers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    /// The file has a bad line; nothing was imported.
    Invalid(LineError),
    /// Storage refused the probes; nothing was imported.
    Storage(DbError),
    /// The probes are stored, but rebuilding what derives from them failed: it is owed, and
    /// finished when the database next opens (`owed`).
    Unfinished(ImportReport, DbError),
}

impl From<DbError> for ImportError {
    fn from(error: DbError) -> ImportError {
        ImportError::Storage(error)
    }
}

/// Each server's rules as the site's config (`status.json`) gives them now; `None` for a server
/// it does not name (a user's monitor keeps its own, stored with it).
pub type Rules<'a> = &'a dyn Fn(&str) -> Option<MonitorConfig>;

/// Imports a history file going on at `now`: every line is checked before anything is
/// written (one from the future or from before MCP is a bad line), then the probes are merged
/// and their servers' rebuild owed in one transaction (`store`), then the engines, rollups,
/// incidents and events are rebuilt from the raw probes, each server settling its debt.
pub async fn import(
    database: &Database,
    text: &str,
    bad_lines: BadLines,
    now: Millis,
    rules: Rules<'_>,
) -> Result<ImportReport, ImportError> {
    let report = store(database, text, bad_lines, now).await?;
    match rebuild(database, Some(&report.servers), rules).await {
        Ok(()) => Ok(report),
        Err(error) => Err(ImportError::Unfinished(report, error)),
    }
}

/// An import's first half: the probes stored and their servers' rebuild owed, all or nothing.
/// A tab closed after it leaves the rebuild to the next open.
pub async fn store(
    database: &Database,
    text: &str,
    bad_lines: BadLines,
    now: Millis,
) -> Result<ImportReport, ImportError> {
    let history = format::parse_import(text, bad_lines, now).map_err(ImportError::Invalid)?;
    let mut writes: BTreeMap<String, ServerWrite> = BTreeMap::new();
    for (server, lines) in store::lines_by_server(&history.entries) {
        write_of(&mut writes, &server).lines = lines;
    }
    // An export's records: incidents and events are put by their keys (the same one twice
    // changes nothing); days only where this browser has none (`put_absent_days`).
    let mut days = Vec::new();
    for record in history.records {
        match record {
            Record::Export { .. } => {}
            Record::Day { server, day } => days.push((server, day)),
            Record::Incident { server, incident } => {
                write_of(&mut writes, &server).incidents.push(incident)
            }
            Record::Event { server, event } => write_of(&mut writes, &server).events.push(event),
        }
    }
    for (server, _) in &days {
        write_of(&mut writes, server);
    }
    let writes: Vec<ServerWrite> = writes.into_values().collect();
    let servers: Vec<String> = writes.iter().map(|w| w.server.clone()).collect();
    let scope: Vec<&str> = HISTORY.iter().copied().chain([SETTINGS]).collect();
    let (tx, raw) = begin(database, &scope)?;
    let queued = async {
        let added = fill(&tx, &writes).await?;
        put_absent_days(&tx, &days).await?;
        owed::owe(&tx, &servers).await?;
        Ok(added)
    }
    .await;
    let added = finish(tx, &raw, queued).await?;
    Ok(ImportReport {
        added,
        duplicates: history.entries.len() - added,
        skipped: history.skipped,
        servers,
    })
}

/// The write for `server` among `writes`, made empty if there is none yet.
fn write_of<'a>(
    writes: &'a mut BTreeMap<String, ServerWrite>,
    server: &str,
) -> &'a mut ServerWrite {
    writes
        .entry(server.to_owned())
        .or_insert_with(|| ServerWrite {
            server: server.to_owned(),
            ..ServerWrite::default()
        })
}

/// Puts each imported day of rollups that this browser does not hold: a day it holds is its
/// own record, and the rebuild that follows the import merges the imported probes' hours in.
async fn put_absent_days(
    tx: &idb::Transaction,
    days: &[(String, DayRecord)],
) -> Result<(), DbError> {
    let rollups = tx.object_store(ROLLUPS)?;
    let mut reads = Vec::new();
    for (server, day) in days {
        reads.push(
            rollups
                .get(Query::Key(key2(server, day.day as f64)))?
                .into_future(),
        );
    }
    for ((server, day), stored) in days.iter().zip(arrived(reads).await) {
        if stored?.is_none() {
            put_bytes(&rollups, &binary(day), &key2(server, day.day as f64))?;
        }
    }
    Ok(())
}

/// Replays servers' raw probes (all servers when `None`) with their rules (`rules`, else a
/// user's monitor's own, else the defaults) and replaces what derives from them where they
/// reach: the hours of rollups their records cover, the incidents and events in those spans,
/// and the engine. What only rollups still know (raw probes pruned) stays.
pub async fn rebuild(
    database: &Database,
    servers: Option<&[String]>,
    rules: Rules<'_>,
) -> Result<(), DbError> {
    let servers = match servers {
        Some(servers) => servers.to_vec(),
        None => raw_servers(database).await?,
    };
    let monitors = local_monitors(database).await?;
    for server in servers {
        let tx = database.transaction(&[PROBES], TransactionMode::ReadOnly)?;
        let range = server_range(&server, f64::NEG_INFINITY, f64::INFINITY)?;
        let store = tx.object_store(PROBES)?;
        let keys = store
            .get_all_keys(Some(range.clone().into()), None)?
            .await?;
        let texts = store.get_all(Some(range.into()), None)?.await?;
        let covered: BTreeSet<Millis> = keys
            .iter()
            .filter_map(|key| Array::from(key).get(1).as_f64())
            .map(|start| start as Millis)
            .collect();
        let texts: Vec<String> = texts.iter().filter_map(JsValue::as_string).collect();
        let (entries, _damaged) = store::entries_of(texts.iter().map(String::as_str));
        let config = rules(&server)
            .or_else(|| monitors.get(&server).map(LocalMonitor::config))
            .unwrap_or_default();
        let mut replayed =
            replay::replay(&entries, |_| Ok::<MonitorConfig, String>(config.clone()))
                .map_err(DbError::Failed)?;
        let Some(mut result) = replayed.remove(&server) else {
            // No readable probe: nothing to rebuild, and nothing owed.
            owed::forgive(database, &server).await?;
            continue;
        };
        let mut write = ServerWrite::of_monitor(&server, &result.url, &result.monitor);
        // Written once, never probed here: stored without what the write itself holds.
        result.monitor.saved();
        write.engine = Some(engine_record(&server, &result.url, &result.monitor));
        replace_derived(database, &covered, write).await?;
    }
    Ok(())
}

/// In one transaction: merges the rebuilt days into the stored ones, replaces incidents and
/// events within the covered spans, writes the engine, settles the server's rebuild if it
/// was owed. A failure leaves the old records, and the debt.
async fn replace_derived(
    database: &Database,
    covered: &BTreeSet<Millis>,
    mut write: ServerWrite,
) -> Result<(), DbError> {
    let scope: Vec<&str> = HISTORY.iter().copied().chain([SETTINGS]).collect();
    let (tx, raw) = begin(database, &scope)?;
    let server = write.server.clone();
    let queued = async {
        let rollups = tx.object_store(ROLLUPS)?;
        let mut reads = Vec::new();
        for day in &write.days {
            reads.push(
                rollups
                    .get(Query::Key(key2(&server, day.day as f64)))?
                    .into_future(),
            );
        }
        let stored = arrived(reads).await;
        let rebuilt = std::mem::take(&mut write.days);
        for (day, stored) in rebuilt.into_iter().zip(stored) {
            let stored = stored?.and_then(|value| {
                postcard::from_bytes(&js_sys::Uint8Array::new(&value).to_vec()).ok()
            });
            write
                .days
                .push(store::merge_rebuilt_day(stored, day, covered));
        }
        for (start, end) in store::spans(covered) {
            for name in [INCIDENTS, EVENTS] {
                tx.object_store(name)?.delete(server_range_before_from(
                    &server,
                    start as f64,
                    end as f64,
                )?)?;
            }
        }
        fill(&tx, std::slice::from_ref(&write)).await?;
        owed::settle(&tx, &server).await
    }
    .await;
    finish(tx, &raw, queued).await
}
