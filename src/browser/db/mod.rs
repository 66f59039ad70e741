//! IndexedDB, through the `idb` crate: history that survives reloads, tabs and upgrades.
//! `schema.rs` creates and migrates the stores; `rounds.rs` writes probe rounds and loads the
//! engines, `recent.rs` reads servers' recent past, `transfer.rs` exports, imports and
//! rebuilds, `retention.rs` prunes and wipes, `monitors.rs`, `settings.rs`, `acknowledged.rs`
//! and `maintenance.rs` keep the rest, all through `access.rs`; `legacy.rs` carries history
//! kept under the origin's shared name into this deployment's database. Inside a transaction
//! only IndexedDB requests are awaited: waiting on anything else would let the browser commit
//! the transaction half-way.

mod access;
pub mod acknowledged;
pub mod legacy;
pub mod maintenance;
pub mod monitors;
pub mod owed;
pub mod recent;
pub mod retention;
pub mod rounds;
pub mod schema;
pub mod settings;
pub mod transfer;

use super::deployment;
use idb::{Database, DatabaseEvent, Event, Factory, Request};
use std::cell::Cell;
use std::fmt;
use std::rc::Rc;
use transfer::Rules;
use wasm_bindgen::JsCast;

/// The page's database at the origin's root; elsewhere its name carries the deployment's
/// base path (`deployment::name`). Every deployment used this name before.
pub const NAME: &str = "mcp-status";

#[derive(Debug, Clone, PartialEq)]
pub enum DbError {
    /// No IndexedDB here (some private modes, or storage blocked in the browser's settings).
    Unavailable(String),
    /// The browser refused to store more (`QuotaExceededError`).
    Quota,
    /// Anything else IndexedDB reported.
    Failed(String),
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Unavailable(why) => {
                write!(f, "this browser does not let the page keep history ({why})")
            }
            DbError::Quota => write!(f, "the browser's storage quota for this page is full"),
            DbError::Failed(why) => write!(f, "storage failed: {why}"),
        }
    }
}

impl From<idb::Error> for DbError {
    fn from(error: idb::Error) -> DbError {
        match dom_exception(&error) {
            Some(exception) => DbError::of_exception(&exception),
            // Not the browser's refusal but the wrapper's (a closed channel, an unexpected
            // value): rare enough that its own wording (and code) is not worth the bytes.
            None => DbError::Failed("IndexedDB gave an unexpected answer".into()),
        }
    }
}

impl DbError {
    /// A full disk, or the browser's words for what else went wrong.
    pub(crate) fn of_exception(exception: &web_sys::DomException) -> DbError {
        match exception.name().as_str() {
            "QuotaExceededError" => DbError::Quota,
            _ => DbError::Failed(describe(exception)),
        }
    }
}

/// `Name: message`, as the browser words the exception.
fn describe(exception: &web_sys::DomException) -> String {
    format!("{}: {}", exception.name(), exception.message())
}

/// The DOMException behind an `idb` error, where there is one.
fn dom_exception(error: &idb::Error) -> Option<web_sys::DomException> {
    use idb::Error::*;
    match error {
        DomException(exception) => Some(exception.clone()),
        AddFailed(value)
        | UpdateFailed(value)
        | DeleteFailed(value)
        | ClearFailed(value)
        | GetFailed(value)
        | GetAllFailed(value)
        | GetAllKeysFailed(value)
        | CountFailed(value)
        | ObjectStoreCreateFailed(value)
        | TransactionCommitError(value)
        | TransactionAbortError(value)
        | TransactionOpenFailed(value)
        | IndexedDbOpenFailed(value)
        | IndexedDbDeleteFailed(value) => value.dyn_ref::<web_sys::DomException>().cloned(),
        _ => None,
    }
}

/// Why IndexedDB cannot be used here, in the browser's words where it gave some.
fn unavailable(error: idb::Error) -> DbError {
    DbError::Unavailable(match dom_exception(&error) {
        Some(exception) => describe(&exception),
        None => "IndexedDB is missing".into(),
    })
}

/// This deployment's database, with the history kept under `NAME` carried over the first
/// time (`legacy::carry_over`) and any rebuild owed finished with the site's `rules`; and
/// what was left undone: the page works on without it.
pub async fn open_page(rules: Rules<'_>) -> Result<(Database, Undone), DbError> {
    open_carrying_over(&deployment::name(NAME), NAME, rules).await
}

/// What opening left undone: the page works on with what the database holds.
#[derive(Debug, Default)]
pub struct Undone {
    /// The history kept under the legacy name could not be carried over.
    pub carry_over: Option<DbError>,
    /// A rebuild owed since an import or an upgrade failed again (`owed::finish`): it is
    /// tried at every open.
    pub rebuild: Option<DbError>,
}

/// Opens `name`, carrying `legacy`'s history into it the first time.
pub async fn open_carrying_over(
    name: &str,
    legacy: &str,
    rules: Rules<'_>,
) -> Result<(Database, Undone), DbError> {
    let database = open_at(name, schema::VERSION).await?;
    let mut undone = Undone {
        rebuild: owed::finish(&database, rules).await.err(),
        ..Undone::default()
    };
    if name != legacy {
        undone.carry_over = legacy::carry_over(&database, legacy).await.err();
    }
    Ok((database, undone))
}

/// Opens the database at the current schema version, migrating an older one and finishing
/// any rebuild an earlier tab left owed (with the defaults' rules, or a monitor's own).
pub async fn open(name: &str) -> Result<Database, DbError> {
    let database = open_at(name, schema::VERSION).await?;
    owed::finish(&database, &|_| None).await?;
    Ok(database)
}

/// Opens the database at `version`, upgrading an older one without finishing the rebuilds it
/// owes (`open` does): tests make older, and half-upgraded, databases this way.
pub async fn open_at(name: &str, version: u32) -> Result<Database, DbError> {
    match open_with(name, version, true).await? {
        Some(database) => Ok(database),
        // Only `open_existing` is refused a database that is not there.
        None => Err(DbError::Failed("the database was not created".into())),
    }
}

/// Opens the database at the current version if it exists (migrating an older one), without
/// creating it when it does not: `None`.
pub async fn open_existing(name: &str) -> Result<Option<Database>, DbError> {
    let Some(database) = open_with(name, schema::VERSION, false).await? else {
        return Ok(None);
    };
    owed::finish(&database, &|_| None).await?;
    Ok(Some(database))
}

async fn open_with(name: &str, version: u32, create: bool) -> Result<Option<Database>, DbError> {
    let factory = Factory::new().map_err(unavailable)?;
    let mut request = factory.open(name, Some(version)).map_err(unavailable)?;
    let absent = Rc::new(Cell::new(false));
    let missing = absent.clone();
    request.on_upgrade_needed(move |event| {
        let old = event.old_version().unwrap_or(0);
        if old == 0 && !create {
            // Version 0 is a database being created: aborting its upgrade leaves none behind,
            // so looking for the legacy database never makes an empty one under a name that a
            // site at the origin's root uses.
            missing.set(true);
            if let Some(tx) = event
                .target()
                .ok()
                .and_then(|request| request.transaction())
            {
                let _ = tx.abort();
            }
            return;
        }
        if let Ok(database) = event.database() {
            schema::create_stores(&database, old, version);
        }
        // Version 1 kept only raw probes: what derives from them is owed, written down in
        // this same transaction, so that a tab closed before the rebuild ends leaves it owed.
        if old == 1 && version >= 2 {
            let settings = (event.target().ok())
                .and_then(|request| request.transaction())
                .and_then(|tx| tx.object_store(schema::SETTINGS).ok());
            if let Some(settings) = settings {
                let _ = owed::owe_all(&settings);
            }
        }
    });
    let opened = request.await;
    if absent.get() {
        if let Ok(database) = opened {
            database.close();
        }
        return Ok(None);
    }
    let mut database = opened?;
    // Another tab asking for a newer version gets it: this connection steps aside (and the
    // page is reloaded by that tab's code, which is the newer one).
    database.on_version_change(|event| {
        if let Some(database) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::IdbDatabase>().ok())
        {
            database.close();
        }
    });
    Ok(Some(database))
}

/// Calls `on_replaced` when another tab opens `database` at a newer version (a newer page):
/// the connection steps aside, closed, rather than block that tab's upgrade.
pub fn when_replaced(database: &mut Database, on_replaced: impl Fn() + 'static) {
    database.on_version_change(move |event| {
        if let Some(database) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::IdbDatabase>().ok())
        {
            database.close();
        }
        on_replaced();
    });
}

/// Deletes the whole database (tests; "wipe" clears the stores instead).
pub async fn delete(name: &str) -> Result<(), DbError> {
    let factory = Factory::new().map_err(unavailable)?;
    factory.delete(name)?.await?;
    Ok(())
}
