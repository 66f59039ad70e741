//! The morning review's acknowledged findings, kept as a setting.

use super::settings::{save_setting, setting, ACKNOWLEDGED};
use super::DbError;
use idb::Database;
use mcp_status_core::monitor::store;

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
