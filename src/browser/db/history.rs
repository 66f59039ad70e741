//! The page's history in IndexedDB: one transaction per probe round, import or rebuild, so a
//! round is stored whole or not at all. The decisions (record layout, merging, retention,
//! replay) are the core's (`monitor::store`, `monitor::replay`); this moves records.

use super::schema::{
    ENGINE, EVENTS, HISTORY, INCIDENTS, MONITORS, PROBES, ROLLUPS, SETTINGS, SNAPSHOTS,
};
use super::DbError;
use idb::{Database, KeyRange, ObjectStore, Query, TransactionMode, TransactionResult};
use js_sys::Array;
use mcp_status_core::monitor::config::MonitorConfig;
use mcp_status_core::monitor::declared::{self, Declared};
use mcp_status_core::monitor::events::stored as events;
use mcp_status_core::monitor::events::{EventRecord, Incident};
use mcp_status_core::monitor::history::{self as format, BadLines, LineError};
use mcp_status_core::monitor::record::{Millis, ProbeRecord, DAY};
use mcp_status_core::monitor::replay;
use mcp_status_core::monitor::rollup::DayRecord;
use mcp_status_core::monitor::store::{self, Chunk, LocalMonitor, Recent, Retention};
use mcp_status_core::monitor::ServerMonitor;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::future::IntoFuture;
use wasm_bindgen::JsValue;

/// Everything one server's probe round (or an import) adds.
#[derive(Debug, Clone, Default)]
pub struct ServerWrite {
    pub server: String,
    /// `(at, history line)`: merged into the raw records, one probe per instant.
    pub lines: Vec<(Millis, String)>,
    pub days: Vec<DayRecord>,
    /// The engine record, encoded (`engine_record`).
    pub engine: Option<Vec<u8>>,
    pub incidents: Vec<Incident>,
    pub events: Vec<EventRecord>,
    /// `(at, tool list JSON)` when the fingerprint changed.
    pub snapshot: Option<(Millis, String)>,
}

impl ServerWrite {
    /// What a monitor holds that the store may not have yet: its changed days, incidents and
    /// events, and the monitor itself. The monitor forgets them only when told the write
    /// succeeded (`ServerMonitor::saved`), so a failed write is made again by the next one
    /// (the stored monitor may hold the incidents closed since its last save: they are put
    /// again, by their start, which changes nothing).
    pub fn of_monitor(server: &str, url: &str, monitor: &ServerMonitor) -> ServerWrite {
        ServerWrite {
            server: server.to_owned(),
            days: monitor.changed_days(),
            incidents: monitor.incidents.clone(),
            events: monitor.event_records(),
            engine: Some(engine_record(server, url, monitor)),
            ..ServerWrite::default()
        }
    }
}

/// A server's engine as stored: the monitor without its rollups (they have their own store).
#[derive(Debug, Deserialize)]
pub struct EngineRecord {
    pub server: String,
    pub url: String,
    pub monitor: ServerMonitor,
}

/// The stored form of an [`EngineRecord`], from borrowed parts (the same bytes): the monitor
/// is encoded where it lives, never copied.
pub fn engine_record(server: &str, url: &str, monitor: &ServerMonitor) -> Vec<u8> {
    #[derive(Serialize)]
    struct Record<'a> {
        server: &'a str,
        url: &'a str,
        monitor: &'a ServerMonitor,
    }
    binary(&Record {
        server,
        url,
        monitor,
    })
}

/// A server as the page finds it on start.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub server: String,
    pub url: String,
    pub monitor: ServerMonitor,
    /// The last probe, if it was in the last hour or two.
    pub last: Option<ProbeRecord>,
}

/// Days of rollups the page holds in memory: the longest window and the 90-day bar.
pub const DAYS_IN_MEMORY: i64 = 91;

/// Writes everything in one transaction. Returns how many probe lines were new.
pub async fn write(database: &Database, writes: &[ServerWrite]) -> Result<usize, DbError> {
    let (tx, raw) = begin(database, &HISTORY)?;
    let queued = fill(&tx, writes).await;
    finish(tx, &raw, queued).await
}

/// Queues a write's requests in `tx`; returns how many probe lines are new.
async fn fill(tx: &idb::Transaction, writes: &[ServerWrite]) -> Result<usize, DbError> {
    let probes = tx.object_store(PROBES)?;
    // All reads are asked for at once (`arrived`): one trip through the event loop instead of
    // one per record.
    let mut merges = Vec::new();
    let mut reads = Vec::new();
    for write in writes {
        for (start, lines) in store::by_chunk(&write.lines) {
            let key = key2(&write.server, start as f64);
            reads.push(probes.get(Query::Key(key.clone()))?.into_future());
            merges.push((key, lines));
        }
    }
    let mut added = 0;
    for ((key, lines), existing) in merges.into_iter().zip(arrived(reads).await) {
        let mut chunk = existing?
            .and_then(|value| value.as_string())
            .map(|text| Chunk::parse(&text))
            .unwrap_or_default();
        let before = chunk.len();
        for (at, line) in lines {
            chunk.add(*at, line.clone());
        }
        if chunk.len() > before {
            added += chunk.len() - before;
            put(&probes, &chunk.text(), &key)?;
        }
    }
    let rollups = tx.object_store(ROLLUPS)?;
    let engine = tx.object_store(ENGINE)?;
    let incidents = tx.object_store(INCIDENTS)?;
    let events = tx.object_store(EVENTS)?;
    let snapshots = tx.object_store(SNAPSHOTS)?;
    for write in writes {
        let server = write.server.as_str();
        for day in &write.days {
            put_bytes(&rollups, &binary(day), &key2(server, day.day as f64))?;
        }
        if let Some(record) = &write.engine {
            put_bytes(&engine, record, &JsValue::from_str(server))?;
        }
        for incident in &write.incidents {
            put(
                &incidents,
                &json(incident),
                &key2(server, incident.start as f64),
            )?;
        }
        for record in &write.events {
            let text = json(record);
            put(
                &events,
                &text,
                &key3(server, record.at() as f64, content_number(&text)),
            )?;
        }
        if let Some((at, tools)) = &write.snapshot {
            put(&snapshots, tools, &key2(server, *at as f64))?;
        }
    }
    Ok(added)
}

/// The servers' engines with their last `DAYS_IN_MEMORY` days of rollups. A record that does
/// not read back is left out and named in the second list.
///
/// Every read is asked for first, by the engines' keys (their servers); the records are
/// decoded after, a few servers at a time with a pause between them: fifty servers' engines
/// and rollups take some 60 ms to decode, too long to hold the page in one task.
pub async fn load(database: &Database, now: Millis) -> Result<(Vec<Loaded>, Vec<String>), DbError> {
    let tx = database.transaction(&[ENGINE, ROLLUPS, PROBES], TransactionMode::ReadOnly)?;
    let store = tx.object_store(ENGINE)?;
    let engines = store.get_all(None, None)?.into_future();
    let servers = store.get_all_keys(None, None)?.await?;
    let rollups = tx.object_store(ROLLUPS)?;
    let probes = tx.object_store(PROBES)?;
    let today = now.div_euclid(DAY);
    // The last probe is in the current or the previous raw record (or long ago: not shown).
    let recent = (store::chunk_start(now) - store::CHUNK) as f64;
    let mut reads = Vec::new();
    let mut lasts = Vec::new();
    for server in &servers {
        let server = server.as_string().unwrap_or_default();
        let range = server_range(&server, (today - DAYS_IN_MEMORY) as f64, today as f64)?;
        reads.push(rollups.get_all(Some(range.into()), None)?.into_future());
        let range = server_range(&server, recent, f64::INFINITY)?;
        lasts.push(probes.get_all(Some(range.into()), None)?.into_future());
    }
    let engines = engines.await?;
    let (days, lasts) = (arrived(reads).await, arrived(lasts).await);
    let mut damaged = Vec::new();
    let mut loaded = Vec::with_capacity(engines.len());
    for (index, ((value, days), last)) in engines.into_iter().zip(days).zip(lasts).enumerate() {
        if index > 0 && index % LOAD_BATCH == 0 {
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        let bytes = js_sys::Uint8Array::new(&value).to_vec();
        let record = match postcard::from_bytes::<EngineRecord>(&bytes) {
            Ok(record) if record.monitor.is_intact() => record,
            _ => {
                damaged.push(format!("an engine record ({} bytes)", bytes.len()));
                continue;
            }
        };
        let stored = decode_days(days?, &record.server, &mut damaged);
        let mut monitor = record.monitor;
        monitor.restore_rollups(today - DAYS_IN_MEMORY, stored);
        let texts: Vec<String> = last?.iter().filter_map(JsValue::as_string).collect();
        let (entries, _) = store::entries_of(texts.iter().map(String::as_str));
        loaded.push(Loaded {
            server: record.server,
            url: record.url,
            monitor,
            last: entries.into_iter().next_back().map(|entry| entry.probe),
        });
    }
    Ok((loaded, damaged))
}

/// Servers decoded between two pauses when loading.
const LOAD_BATCH: usize = 8;

/// A server's stored days of rollups from `from_day` on: for an engine made afresh (its
/// server has history but no engine record), so that its first write extends the stored days
/// instead of replacing them.
pub async fn stored_days(
    database: &Database,
    server: &str,
    from_day: i64,
) -> Result<Vec<DayRecord>, DbError> {
    let tx = database.transaction(&[ROLLUPS], TransactionMode::ReadOnly)?;
    let range = server_range(server, from_day as f64, f64::INFINITY)?;
    let values = tx
        .object_store(ROLLUPS)?
        .get_all(Some(range.into()), None)?
        .await?;
    Ok(decode_days(values, server, &mut Vec::new()))
}

/// Day records as stored; those that do not read back are named in `damaged`.
fn decode_days(values: Vec<JsValue>, server: &str, damaged: &mut Vec<String>) -> Vec<DayRecord> {
    let mut days = Vec::with_capacity(values.len());
    for value in values {
        match postcard::from_bytes::<DayRecord>(&js_sys::Uint8Array::new(&value).to_vec()) {
            Ok(day) => days.push(day),
            Err(_) => damaged.push(format!("a day of rollups of {server}")),
        }
    }
    days
}

/// All raw probes as one NDJSON text (docs/formats.md), by server then time.
pub async fn export(database: &Database) -> Result<String, DbError> {
    let tx = database.transaction(&[PROBES], TransactionMode::ReadOnly)?;
    let chunks = tx.object_store(PROBES)?.get_all(None, None)?.await?;
    Ok(chunks.iter().filter_map(JsValue::as_string).collect())
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
    Storage(DbError),
}

impl From<DbError> for ImportError {
    fn from(error: DbError) -> ImportError {
        ImportError::Storage(error)
    }
}

/// Imports a history file: every line is checked before anything is written, the probes are
/// merged in one transaction, then the servers' engines, rollups, incidents and events are
/// rebuilt from their raw probes.
pub async fn import(
    database: &Database,
    text: &str,
    bad_lines: BadLines,
) -> Result<ImportReport, ImportError> {
    let history = format::parse(text, bad_lines).map_err(ImportError::Invalid)?;
    let writes: Vec<ServerWrite> = store::lines_by_server(&history.entries)
        .into_iter()
        .map(|(server, lines)| ServerWrite {
            server,
            lines,
            ..ServerWrite::default()
        })
        .collect();
    let added = write(database, &writes).await?;
    let servers: Vec<String> = writes.into_iter().map(|w| w.server).collect();
    rebuild(database, Some(&servers)).await?;
    Ok(ImportReport {
        added,
        duplicates: history.entries.len() - added,
        skipped: history.skipped,
        servers,
    })
}

/// Replays servers' raw probes (all servers when `None`) and replaces what derives from them
/// where they reach: the hours of rollups their records cover, the incidents and events in
/// those spans, and the engine. What only rollups still know (raw probes pruned) stays.
pub async fn rebuild(database: &Database, servers: Option<&[String]>) -> Result<(), DbError> {
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
        let config = monitors
            .get(&server)
            .map(LocalMonitor::config)
            .unwrap_or_default();
        let mut replayed =
            replay::replay(&entries, |_| Ok::<MonitorConfig, String>(config.clone()))
                .map_err(DbError::Failed)?;
        let Some(mut result) = replayed.remove(&server) else {
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
/// events within the covered spans, writes the engine. A failure leaves the old records.
async fn replace_derived(
    database: &Database,
    covered: &BTreeSet<Millis>,
    mut write: ServerWrite,
) -> Result<(), DbError> {
    let (tx, raw) = begin(database, &HISTORY)?;
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
        fill(&tx, std::slice::from_ref(&write)).await
    }
    .await;
    finish(tx, &raw, queued).await.map(|_| ())
}

/// Deletes raw probes and rollups older than the retention allows.
pub async fn prune(database: &Database, now: Millis, retention: Retention) -> Result<(), DbError> {
    let servers = known_servers(database).await?;
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
        Ok(())
    })();
    finish(tx, &raw, queued).await
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

/// A setting's stored JSON text, if it is there.
pub async fn setting(database: &Database, key: &str) -> Result<Option<String>, DbError> {
    let tx = database.transaction(&[SETTINGS], TransactionMode::ReadOnly)?;
    let value = tx
        .object_store(SETTINGS)?
        .get(Query::Key(JsValue::from_str(key)))?
        .await?;
    Ok(value.and_then(|value| value.as_string()))
}

pub async fn save_setting(database: &Database, key: &str, json: &str) -> Result<(), DbError> {
    let tx = database.transaction(&[SETTINGS], TransactionMode::ReadWrite)?;
    put(&tx.object_store(SETTINGS)?, json, &JsValue::from_str(key))?;
    commit(tx).await
}

/// The settings keys: how long raw probes are kept, the morning review's acknowledged
/// findings, and the maintenance windows declared in the console.
const RETENTION: &str = "retention";
const ACKNOWLEDGED: &str = "acknowledged";
const MAINTENANCE: &str = "maintenance";

/// The maintenance windows declared in the console (`monitor::declared`).
pub async fn declared(database: &Database) -> Result<Vec<Declared>, DbError> {
    let text = setting(database, MAINTENANCE).await?;
    Ok(text
        .map(|text| declared::of_json(&text))
        .unwrap_or_default())
}

pub async fn save_declared(database: &Database, windows: &[Declared]) -> Result<(), DbError> {
    save_setting(database, MAINTENANCE, &declared::to_json(windows)).await
}

/// The monitors the user added, by server.
pub async fn local_monitors(
    database: &Database,
) -> Result<BTreeMap<String, LocalMonitor>, DbError> {
    let tx = database.transaction(&[MONITORS], TransactionMode::ReadOnly)?;
    let values = tx.object_store(MONITORS)?.get_all(None, None)?.await?;
    Ok(values
        .iter()
        .filter_map(|value| {
            postcard::from_bytes::<LocalMonitor>(&js_sys::Uint8Array::new(value).to_vec()).ok()
        })
        .map(|monitor| (monitor.server.clone(), monitor))
        .collect())
}

pub async fn save_monitor(database: &Database, monitor: &LocalMonitor) -> Result<(), DbError> {
    let tx = database.transaction(&[MONITORS], TransactionMode::ReadWrite)?;
    put_bytes(
        &tx.object_store(MONITORS)?,
        &binary(monitor),
        &JsValue::from_str(&monitor.server),
    )?;
    commit(tx).await
}

pub async fn remove_monitor(database: &Database, server: &str) -> Result<(), DbError> {
    let tx = database.transaction(&[MONITORS], TransactionMode::ReadWrite)?;
    tx.object_store(MONITORS)?
        .delete(Query::Key(JsValue::from_str(server)))?;
    commit(tx).await
}

/// Every server with raw probes or an engine (whose raw probes may all be pruned).
async fn known_servers(database: &Database) -> Result<Vec<String>, DbError> {
    let mut servers = raw_servers(database).await?;
    let tx = database.transaction(&[ENGINE], TransactionMode::ReadOnly)?;
    let keys = tx.object_store(ENGINE)?.get_all_keys(None, None)?.await?;
    servers.extend(keys.iter().filter_map(JsValue::as_string));
    servers.sort();
    servers.dedup();
    Ok(servers)
}

/// Every server that has raw probes.
async fn raw_servers(database: &Database) -> Result<Vec<String>, DbError> {
    let tx = database.transaction(&[PROBES], TransactionMode::ReadOnly)?;
    let keys = tx.object_store(PROBES)?.get_all_keys(None, None)?.await?;
    let mut servers: Vec<String> = keys
        .iter()
        .filter_map(|key| Array::from(key).get(0).as_string())
        .collect();
    servers.dedup();
    Ok(servers)
}

/// Requests are not awaited one by one: a failed one aborts the transaction, which `commit`
/// reports.
pub(super) fn put(store: &ObjectStore, value: &str, key: &JsValue) -> Result<(), DbError> {
    store.put(&JsValue::from_str(value), Some(key))?;
    Ok(())
}

/// A read-write transaction, and its raw form to abort it or read why it aborted.
pub(super) fn begin(
    database: &Database,
    stores: &[&str],
) -> Result<(idb::Transaction, web_sys::IdbTransaction), DbError> {
    let tx = database.transaction(stores, TransactionMode::ReadWrite)?;
    let raw = web_sys::IdbTransaction::from(tx);
    Ok((idb::Transaction::from(raw.clone()), raw))
}

/// Commits what was queued, or, if queuing failed, aborts: a request that failed to start
/// must not leave the ones before it to be written (all or nothing).
pub(super) async fn finish<T>(
    tx: idb::Transaction,
    raw: &web_sys::IdbTransaction,
    queued: Result<T, DbError>,
) -> Result<T, DbError> {
    match queued {
        Ok(value) => commit(tx).await.map(|()| value),
        Err(error) => {
            let _ = raw.abort();
            Err(error)
        }
    }
}

async fn commit(tx: idb::Transaction) -> Result<(), DbError> {
    // Kept to read why it aborted: a full disk aborts with no `error` event, only
    // `transaction.error`.
    let raw = web_sys::IdbTransaction::from(tx);
    match idb::Transaction::from(raw.clone()).commit()?.await? {
        TransactionResult::Committed => Ok(()),
        TransactionResult::Aborted => Err(match raw.error() {
            Some(exception) => DbError::of_exception(&exception),
            None => DbError::Failed("the transaction was aborted".into()),
        }),
    }
}

fn put_bytes(store: &ObjectStore, bytes: &[u8], key: &JsValue) -> Result<(), DbError> {
    store.put(&js_sys::Uint8Array::from(bytes).into(), Some(key))?;
    Ok(())
}

/// The engine's state and rollups are stored in postcard's compact binary form: read on every
/// page start, and its decoder is a fraction of JSON's in the page's code.
/// The results of requests already sent, in order. `idb` sends a request when it is made and
/// keeps its result from `into_future` on, so awaiting them one after another waits no longer
/// than `join_all` would, with less code in the page.
pub(super) async fn arrived<F: std::future::Future>(requests: Vec<F>) -> Vec<F::Output> {
    let mut results = Vec::with_capacity(requests.len());
    for request in requests {
        results.push(request.await);
    }
    results
}

/// (Panics name no error value: its `Debug` code would come into the page for a case that
/// cannot happen.)
fn binary(value: &impl Serialize) -> Vec<u8> {
    postcard::to_allocvec(value).unwrap_or_else(|_| unreachable!("stored records serialise"))
}

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| unreachable!("stored records serialise"))
}

fn key2(server: &str, n: f64) -> JsValue {
    Array::of2(&JsValue::from_str(server), &JsValue::from_f64(n)).into()
}

fn key3(server: &str, at: f64, n: u32) -> JsValue {
    Array::of3(
        &JsValue::from_str(server),
        &JsValue::from_f64(at),
        &JsValue::from_f64(f64::from(n)),
    )
    .into()
}

/// `[server, from] ..= [server, to]`; keys with more parts after `to`'s number fall inside
/// when the number is below `to`.
fn server_range(server: &str, from: f64, to: f64) -> Result<KeyRange, DbError> {
    Ok(KeyRange::bound(
        &key2(server, from),
        &key2(server, to),
        None,
        None,
    )?)
}

/// `[server, from] .. [server, to)`.
fn server_range_before_from(server: &str, from: f64, to: f64) -> Result<KeyRange, DbError> {
    Ok(KeyRange::bound(
        &key2(server, from),
        &key2(server, to),
        None,
        Some(true),
    )?)
}

/// `[server, -∞] .. [server, before)`.
fn server_range_before(server: &str, before: f64) -> Result<KeyRange, DbError> {
    Ok(KeyRange::bound(
        &key2(server, f64::NEG_INFINITY),
        &key2(server, before),
        None,
        Some(true),
    )?)
}

/// A number from an event's text (FNV-1a, 32 bits) for the last part of its key: two events
/// at the same instant get different keys, and the same event written twice (a retried
/// round, a rebuild) the same one.
fn content_number(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash: u32, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// How much of a server's recent past `recent` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Everything: the server's page.
    Everything,
    /// What the morning review looks at: the probes that did not pass plainly and the events,
    /// not the tool lists. A day of passes is most of a server's raw history.
    Findings,
}

/// The `servers`' raw probes, cold starts and drift since `from`, their incidents and (for
/// `Part::Everything`) their tool lists, in one read transaction whose requests are all made
/// at once. Records that do not read back are left out. Decoded a few servers at a time with
/// a pause between them, like `load`.
pub async fn recent(
    database: &Database,
    servers: &[String],
    from: Millis,
    part: Part,
) -> Result<Vec<Recent>, DbError> {
    let mut stores = vec![PROBES, INCIDENTS, EVENTS];
    if part == Part::Everything {
        stores.push(SNAPSHOTS);
    }
    let tx = database.transaction(&stores, TransactionMode::ReadOnly)?;
    let (probes, incidents, events) = (
        tx.object_store(PROBES)?,
        tx.object_store(INCIDENTS)?,
        tx.object_store(EVENTS)?,
    );
    let snapshots = match part {
        Part::Everything => Some(tx.object_store(SNAPSHOTS)?),
        Part::Findings => None,
    };
    let mut reads = Vec::new();
    for server in servers {
        let since = |at: Millis| -> Result<Option<Query>, DbError> {
            Ok(Some(server_range(server, at as f64, f64::INFINITY)?.into()))
        };
        let mut read = vec![
            probes
                .get_all(since(store::chunk_start(from))?, None)?
                .into_future(),
            incidents.get_all(since(Millis::MIN)?, None)?.into_future(),
            events.get_all(since(from)?, None)?.into_future(),
        ];
        let mut keys = None;
        if let Some(snapshots) = &snapshots {
            read.push(snapshots.get_all(since(Millis::MIN)?, None)?.into_future());
            let request = snapshots.get_all_keys(since(Millis::MIN)?, None)?;
            keys = Some(request.into_future());
        }
        reads.push((read, keys));
    }
    let mut all = Vec::with_capacity(servers.len());
    for (index, (read, keys)) in reads.into_iter().enumerate() {
        if index > 0 && index % LOAD_BATCH == 0 {
            gloo_timers::future::TimeoutFuture::new(0).await;
        }
        let mut answers = Vec::with_capacity(read.len());
        for answer in arrived(read).await {
            answers.push(answer?);
        }
        let keys = match keys {
            Some(keys) => keys.await?,
            None => Vec::new(),
        };
        all.push(recent_of(answers, keys, from, part));
    }
    Ok(all)
}

/// One server's `recent` from its answers (probes, incidents, events[, tool lists]) and the
/// tool lists' keys.
fn recent_of(answers: Vec<Vec<JsValue>>, keys: Vec<JsValue>, from: Millis, part: Part) -> Recent {
    let mut answers = answers.into_iter();
    let mut next = || -> Vec<String> {
        let values = answers.next().unwrap_or_default();
        values.iter().filter_map(JsValue::as_string).collect()
    };
    let chunks = next();
    let chunks = chunks.iter().map(String::as_str);
    let entries = match part {
        Part::Everything => store::entries_of(chunks).0,
        Part::Findings => store::not_ok_of(chunks),
    };
    // Read as `Value`s, by hand (`events::stored`): no derived JSON readers in the page.
    let values = |texts: Vec<String>| -> Vec<serde_json::Value> {
        texts
            .iter()
            .filter_map(|text| serde_json::from_slice(text.as_bytes()).ok())
            .collect()
    };
    let incidents = values(next());
    let records = values(next());
    let mut recent = Recent {
        probes: entries
            .into_iter()
            .map(|entry| entry.probe)
            .filter(|probe| probe.at >= from)
            .collect(),
        incidents: incidents.iter().filter_map(events::incident).collect(),
        cold_starts: records.iter().filter_map(events::cold_start).collect(),
        drift: records.iter().filter_map(events::drift).collect(),
        alerts: records.iter().filter_map(events::alert).collect(),
        snapshots: Vec::new(),
    };
    if part == Part::Everything {
        recent.snapshots = snapshots_of(answers.next().unwrap_or_default(), keys);
    }
    recent
}

/// Tool lists with the times in their keys. The two come from separate requests over the same
/// range, in key order, so they are paired one by one, *before* any list is read: a list that
/// does not read back (not text, not JSON, not an array) is left out with its own time, and
/// the lists after it keep theirs. Filtering first and pairing after would move every later
/// list onto the time of the one before it.
fn snapshots_of(lists: Vec<JsValue>, keys: Vec<JsValue>) -> Vec<(Millis, Vec<serde_json::Value>)> {
    let mut snapshots = Vec::with_capacity(lists.len());
    for (list, key) in lists.into_iter().zip(keys) {
        // `[server, at]`, as `fill` writes it.
        let Some(at) = Array::from(&key).get(1).as_f64() else {
            continue;
        };
        let tools = list
            .as_string()
            .and_then(|text| serde_json::from_slice(text.as_bytes()).ok());
        if let Some(serde_json::Value::Array(tools)) = tools {
            snapshots.push((at as Millis, tools));
        }
    }
    snapshots
}

/// The morning review's acknowledged findings: their keys (`monitor::review::Finding::key`).
pub async fn acknowledged(database: &Database) -> Result<Vec<String>, DbError> {
    let keys = setting(database, ACKNOWLEDGED).await?;
    Ok(keys
        .map(|keys| store::names_of_json(&keys))
        .unwrap_or_default())
}

pub async fn save_acknowledged(database: &Database, keys: &[String]) -> Result<(), DbError> {
    save_setting(database, ACKNOWLEDGED, &store::names_json(keys)).await
}
