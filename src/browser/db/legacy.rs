//! History kept under the name every deployment on an origin once shared (`super::NAME`),
//! carried into this deployment's own database the first time that one is opened.
//!
//! The legacy database is read whole in one transaction, then written here in one transaction
//! together with the mark that says it was done (`CARRIED`): a tab closed half-way has written
//! nothing, and the next open copies again. That transaction first reads the mark and whether
//! this database holds anything, and copies only into an empty one: a second tab copying at the
//! same time, or a copy retried after this deployment's own history began (the first one
//! failed and the page went on without it), never overwrites this deployment's records.
//!
//! The legacy database is kept, not deleted: every deployment that shared it carries it over
//! when it is first opened with this version, whenever that is, and a deployment at the
//! origin's root goes on using it under that very name. Deleting it would not keep its secrets
//! (the console's channels) from other sites either: any page of the origin could read them
//! there, and can read them here.

use super::access::{arrived, begin, finish, put};
use super::settings::setting;
use super::DbError;
use idb::{Database, Query, TransactionMode};
use std::future::IntoFuture;
use wasm_bindgen::JsValue;

/// The settings key of the mark (its value: `true`).
pub const CARRIED: &str = "carried_over";

/// One store's records: its name, and its keys and values in key order.
type Records = (String, Vec<JsValue>, Vec<JsValue>);

/// Copies `legacy`'s records into `database` unless that was done, or `database` has records
/// of its own. A legacy database that is not there is not created.
pub async fn carry_over(database: &Database, legacy: &str) -> Result<(), DbError> {
    if setting(database, CARRIED).await?.is_some() {
        return Ok(());
    }
    // Through the schema code: an older legacy database is migrated in place first (as its
    // own pages would do on their next visit), so its stores and records are this version's.
    let read = match super::open_existing(legacy).await {
        Ok(Some(old)) => {
            let read = read_all(&old).await;
            old.close();
            read
        }
        Ok(None) => Ok(Vec::new()),
        Err(error) => Err(error),
    };
    match read {
        Ok(records) => write_once(database, Some(&records)).await,
        // Unreadable now (a newer version's, say): tried again at the next open, unless this
        // deployment has history of its own by then, which the copy would never overwrite.
        Err(error) => {
            write_once(database, None).await?;
            Err(error)
        }
    }
}

/// Every record of every store, in one read-only transaction: one consistent picture.
async fn read_all(database: &Database) -> Result<Vec<Records>, DbError> {
    let stores = database.store_names();
    let tx = database.transaction(&stores, TransactionMode::ReadOnly)?;
    let mut reads = Vec::with_capacity(stores.len());
    for name in stores {
        let store = tx.object_store(&name)?;
        let keys = store.get_all_keys(None, None)?.into_future();
        reads.push((name, keys, store.get_all(None, None)?.into_future()));
    }
    let mut records = Vec::with_capacity(reads.len());
    for (name, keys, values) in reads {
        records.push((name, keys.await?, values.await?));
    }
    Ok(records)
}

/// In one transaction, if `database` is still unmarked: the records (`None`: they could not
/// be read) if it is empty, and the mark if it is not or the records were copied.
async fn write_once(database: &Database, records: Option<&[Records]>) -> Result<(), DbError> {
    let stores = database.store_names();
    let names: Vec<&str> = stores.iter().map(String::as_str).collect();
    let (tx, raw) = begin(database, &names)?;
    let queued = async {
        let settings = tx.object_store(super::schema::SETTINGS)?;
        let mark = settings
            .get(Query::Key(JsValue::from_str(CARRIED)))?
            .into_future();
        // A key or none from each store: whether this database holds anything.
        let mut firsts = Vec::with_capacity(names.len());
        for name in &names {
            firsts.push(
                tx.object_store(name)?
                    .get_all_keys(None, Some(1))?
                    .into_future(),
            );
        }
        let firsts = arrived(firsts).await;
        if mark.await?.is_some() {
            return Ok(());
        }
        let mut empty = true;
        for first in firsts {
            empty &= first?.is_empty();
        }
        match (empty, records) {
            (true, Some(records)) => {
                for (name, keys, values) in records {
                    let store = tx.object_store(name)?;
                    for (key, value) in keys.iter().zip(values) {
                        store.put(value, Some(key))?;
                    }
                }
            }
            (true, None) => return Ok(()),
            (false, _) => {}
        }
        put(&settings, "true", &JsValue::from_str(CARRIED))
    }
    .await;
    finish(tx, &raw, queued).await
}
