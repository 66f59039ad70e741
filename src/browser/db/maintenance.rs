//! The maintenance windows declared in the console, kept as a setting.

use super::settings::{save_setting, setting, MAINTENANCE};
use super::DbError;
use idb::Database;
use mcp_status_core::monitor::declared::{self, Declared};

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
