//! Reading servers' recent past: the raw probes, incidents, events and tool lists a server's
//! page, the morning review and the console show.

use super::access::{arrived, server_range};
use super::rounds::LOAD_BATCH;
use super::schema::{EVENTS, INCIDENTS, PROBES, SNAPSHOTS};
use super::DbError;
use idb::{Database, Query, TransactionMode};
use js_sys::Array;
use mcp_status_core::monitor::events::stored as events;
use mcp_status_core::monitor::events::EventRecord;
use mcp_status_core::monitor::record::Millis;
use mcp_status_core::monitor::store::{self, Recent};
use std::future::IntoFuture;
use wasm_bindgen::JsValue;

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
    // A record that does not read (damaged outside this code) is left out, not the day.
    let incidents = next();
    let mut recent = Recent {
        probes: entries
            .into_iter()
            .map(|entry| entry.probe)
            .filter(|probe| probe.at >= from)
            .collect(),
        incidents: incidents
            .iter()
            .filter_map(|text| events::incident(text).ok())
            .collect(),
        cold_starts: Vec::new(),
        drift: Vec::new(),
        alerts: Vec::new(),
        snapshots: Vec::new(),
    };
    for record in next().iter().filter_map(|text| events::event(text).ok()) {
        match record {
            EventRecord::ColdStart(cold_start) => recent.cold_starts.push(cold_start),
            EventRecord::Drift(drift) => recent.drift.push(drift),
            EventRecord::Alert(alert) => recent.alerts.push(alert),
        }
    }
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
