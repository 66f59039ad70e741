//! The settings store: a text (JSON, mostly) by name, each read and written in its own
//! transaction, and the names the other modules keep there.

use super::access::{commit, put};
use super::schema::SETTINGS;
use super::DbError;
use idb::{Database, Query, TransactionMode};
use wasm_bindgen::JsValue;

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
/// findings, the maintenance windows declared in the console, and the rebuilds still owed
/// (`owed`).
pub(super) const RETENTION: &str = "retention";
pub(super) const REBUILD_OWED: &str = "rebuild_owed";
pub(super) const ACKNOWLEDGED: &str = "acknowledged";
pub(super) const MAINTENANCE: &str = "maintenance";
