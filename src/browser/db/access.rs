//! What every store module shares: transactions that commit whole or not at all, puts, keys
//! and key ranges, and the stored encodings.

use super::DbError;
use idb::{Database, KeyRange, ObjectStore, TransactionMode, TransactionResult};
use js_sys::Array;
use serde::Serialize;
use wasm_bindgen::JsValue;

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

pub(super) async fn commit(tx: idb::Transaction) -> Result<(), DbError> {
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

pub(super) fn put_bytes(store: &ObjectStore, bytes: &[u8], key: &JsValue) -> Result<(), DbError> {
    store.put(&js_sys::Uint8Array::from(bytes).into(), Some(key))?;
    Ok(())
}

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

/// The engine's state and rollups are stored in postcard's compact binary form: read on every
/// page start, and its decoder is a fraction of JSON's in the page's code.
/// (Panics name no error value: its `Debug` code would come into the page for a case that
/// cannot happen.)
pub(super) fn binary(value: &impl Serialize) -> Vec<u8> {
    postcard::to_allocvec(value).unwrap_or_else(|_| unreachable!("stored records serialise"))
}

pub(super) fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| unreachable!("stored records serialise"))
}

pub(super) fn key2(server: &str, n: f64) -> JsValue {
    Array::of2(&JsValue::from_str(server), &JsValue::from_f64(n)).into()
}

pub(super) fn key3(server: &str, at: f64, n: u32) -> JsValue {
    Array::of3(
        &JsValue::from_str(server),
        &JsValue::from_f64(at),
        &JsValue::from_f64(f64::from(n)),
    )
    .into()
}

/// `[server, from] ..= [server, to]`; keys with more parts after `to`'s number fall inside
/// when the number is below `to`.
pub(super) fn server_range(server: &str, from: f64, to: f64) -> Result<KeyRange, DbError> {
    Ok(KeyRange::bound(
        &key2(server, from),
        &key2(server, to),
        None,
        None,
    )?)
}

/// `[server, from] .. [server, to)`.
pub(super) fn server_range_before_from(
    server: &str,
    from: f64,
    to: f64,
) -> Result<KeyRange, DbError> {
    Ok(KeyRange::bound(
        &key2(server, from),
        &key2(server, to),
        None,
        Some(true),
    )?)
}

/// `[server, -∞] .. [server, before)`.
pub(super) fn server_range_before(server: &str, before: f64) -> Result<KeyRange, DbError> {
    Ok(KeyRange::bound(
        &key2(server, f64::NEG_INFINITY),
        &key2(server, before),
        None,
        Some(true),
    )?)
}
