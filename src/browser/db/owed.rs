//! The rebuilds still owed: servers whose raw probes were written (by an import, or before an
//! upgrade from version 1) while what derives from them (engine, rollups, incidents, events)
//! is not rebuilt yet. Recorded in the transaction that makes them owed, settled in the one
//! that rebuilds each server: a tab closed half-way leaves the rest owed, and the next open
//! finishes it (`finish`), so no server is left without its bars and uptimes.

use super::access::{commit, put};
use super::monitors::raw_servers;
use super::schema::SETTINGS;
use super::settings::REBUILD_OWED;
use super::transfer::Rules;
use super::DbError;
use idb::{Database, Query, TransactionMode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use wasm_bindgen::JsValue;

/// What is owed, as stored (SETTINGS `rebuild_owed`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Owed {
    /// Every server with raw probes: an upgrade from version 1, whose servers the upgrade
    /// (synchronous, in its own transaction) cannot list.
    #[serde(default)]
    pub all: bool,
    #[serde(default)]
    pub servers: BTreeSet<String>,
}

impl Owed {
    fn is_empty(&self) -> bool {
        !self.all && self.servers.is_empty()
    }
}

/// The record that every server is owed, queued in the version-change transaction of an
/// upgrade from version 1.
pub(super) fn owe_all(settings: &idb::ObjectStore) -> Result<(), DbError> {
    let owed = Owed {
        all: true,
        servers: BTreeSet::new(),
    };
    put(settings, &text(&owed), &key())
}

/// Adds `servers` to what is owed, in `tx` (SETTINGS in its scope).
pub(super) async fn owe(tx: &idb::Transaction, servers: &[String]) -> Result<(), DbError> {
    let settings = tx.object_store(SETTINGS)?;
    let mut owed = read(&settings).await?;
    owed.servers.extend(servers.iter().cloned());
    put(&settings, &text(&owed), &key())
}

/// `server` is rebuilt, in `tx`: the transaction that wrote what derives from it.
pub(super) async fn settle(tx: &idb::Transaction, server: &str) -> Result<(), DbError> {
    let settings = tx.object_store(SETTINGS)?;
    let mut owed = read(&settings).await?;
    if owed.servers.remove(server) {
        write(&settings, &owed)?;
    }
    Ok(())
}

/// `server` owes nothing: it has no readable probe to rebuild from.
pub(super) async fn forgive(database: &Database, server: &str) -> Result<(), DbError> {
    let tx = database.transaction(&[SETTINGS], TransactionMode::ReadWrite)?;
    settle(&tx, server).await?;
    commit(tx).await
}

/// What is owed now.
pub async fn owed(database: &Database) -> Result<Owed, DbError> {
    let tx = database.transaction(&[SETTINGS], TransactionMode::ReadOnly)?;
    read(&tx.object_store(SETTINGS)?).await
}

/// Finishes what is owed, with each server's `rules`: "every server" is first written down as
/// the servers there are, then each is rebuilt and settled on its own.
pub async fn finish(database: &Database, rules: Rules<'_>) -> Result<(), DbError> {
    let mut owed = owed(database).await?;
    if owed.is_empty() {
        return Ok(());
    }
    if owed.all {
        owed.servers.extend(raw_servers(database).await?);
        owed.all = false;
        let tx = database.transaction(&[SETTINGS], TransactionMode::ReadWrite)?;
        write(&tx.object_store(SETTINGS)?, &owed)?;
        commit(tx).await?;
    }
    let servers: Vec<String> = owed.servers.into_iter().collect();
    super::transfer::rebuild(database, Some(&servers), rules).await
}

async fn read(settings: &idb::ObjectStore) -> Result<Owed, DbError> {
    let value = settings.get(Query::Key(key()))?.await?;
    // A record this version cannot read owes what it can tell: nothing; the next import or
    // upgrade writes a new one.
    Ok(value
        .and_then(|value| value.as_string())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default())
}

fn write(settings: &idb::ObjectStore, owed: &Owed) -> Result<(), DbError> {
    if owed.is_empty() {
        settings.delete(Query::Key(key()))?;
        Ok(())
    } else {
        put(settings, &text(owed), &key())
    }
}

fn text(owed: &Owed) -> String {
    serde_json::to_string(owed).unwrap_or_default()
}

fn key() -> JsValue {
    JsValue::from_str(REBUILD_OWED)
}
