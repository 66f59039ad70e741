//! The servers: the monitors the user added, and those the store holds history of.

use super::access::{binary, commit, put_bytes};
use super::schema::{ENGINE, MONITORS, PROBES};
use super::DbError;
use idb::{Database, Query, TransactionMode};
use js_sys::Array;
use mcp_status_core::monitor::store::LocalMonitor;
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;

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
pub(super) async fn known_servers(database: &Database) -> Result<Vec<String>, DbError> {
    let mut servers = raw_servers(database).await?;
    let tx = database.transaction(&[ENGINE], TransactionMode::ReadOnly)?;
    let keys = tx.object_store(ENGINE)?.get_all_keys(None, None)?.await?;
    servers.extend(keys.iter().filter_map(JsValue::as_string));
    servers.sort();
    servers.dedup();
    Ok(servers)
}

/// Every server that has raw probes.
pub(super) async fn raw_servers(database: &Database) -> Result<Vec<String>, DbError> {
    let tx = database.transaction(&[PROBES], TransactionMode::ReadOnly)?;
    let keys = tx.object_store(PROBES)?.get_all_keys(None, None)?.await?;
    let mut servers: Vec<String> = keys
        .iter()
        .filter_map(|key| Array::from(key).get(0).as_string())
        .collect();
    servers.dedup();
    Ok(servers)
}
