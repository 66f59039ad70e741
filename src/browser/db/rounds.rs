//! Probe rounds in the store: one transaction per round, so a round is stored whole or not at
//! all, and the engines the page loads on start. The decisions (record layout, merging) are
//! the core's (`monitor::store`); this moves records.

use super::access::{
    arrived, begin, binary, finish, json, key2, key3, put, put_bytes, server_range,
};
use super::schema::{ENGINE, EVENTS, HISTORY, INCIDENTS, PROBES, ROLLUPS, SNAPSHOTS};
use super::DbError;
use idb::{Database, Query, TransactionMode};
use mcp_status_core::monitor::events::{EventRecord, Incident};
use mcp_status_core::monitor::record::{Millis, ProbeRecord, DAY};
use mcp_status_core::monitor::rollup::DayRecord;
use mcp_status_core::monitor::store::{self, Chunk};
use mcp_status_core::monitor::ServerMonitor;
use serde::{Deserialize, Serialize};
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
pub(super) async fn fill(tx: &idb::Transaction, writes: &[ServerWrite]) -> Result<usize, DbError> {
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
    // A tool list the server had before (a load balancer between two versions) is not kept
    // again: every list that differs is kept once, and the drift events say when each came.
    let mut held = Vec::new();
    for write in writes.iter().filter(|w| w.snapshot.is_some()) {
        let range = server_range(&write.server, f64::NEG_INFINITY, f64::INFINITY)?;
        held.push(snapshots.get_all(Some(range.into()), None)?.into_future());
    }
    let mut held = arrived(held).await.into_iter();
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
            let known = held.next().transpose()?.unwrap_or_default();
            if !known
                .iter()
                .any(|list| list.as_string().as_deref() == Some(tools))
            {
                put(&snapshots, tools, &key2(server, *at as f64))?;
            }
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
pub(super) const LOAD_BATCH: usize = 8;

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

/// A number from an event's text (FNV-1a, 32 bits) for the last part of its key: two events
/// at the same instant get different keys, and the same event written twice (a retried
/// round, a rebuild) the same one.
fn content_number(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash: u32, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}
