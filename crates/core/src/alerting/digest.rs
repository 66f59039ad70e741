//! The P3 digest (spec section 6: "P3 — digest, next business day; never pages anyone"). A P3
//! is not sent on its own: each business morning (`targets::last_business_morning`, 09:00
//! in the rotation's zone, Monday to Friday) the P3 route's channels get one message with
//! every P3 that fired since the last one and every P3 still open, each with where it stands.
//! Monday's covers the weekend. Paging tools never get it.

use super::dispatch::Page;
use crate::monitor::events::Severity;
use crate::monitor::record::Millis;
use serde::{Deserialize, Serialize};

/// One morning's digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Digest {
    /// The morning it is for, and the one before it: what fired in between is new.
    pub since: Millis,
    pub through: Millis,
    pub items: Vec<Item>,
}

/// A P3 alert as the digest lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub key: String,
    pub server: String,
    /// One line: "p95 latency 2300 ms over the last hour"…
    pub what: String,
    pub opened_at: Millis,
    pub state: ItemState,
}

/// Where a P3 stands when the digest is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum ItemState {
    Open,
    Acknowledged {
        by: String,
    },
    /// The server recovered by itself.
    Recovered {
        at: Millis,
    },
    /// A person closed it.
    Resolved {
        at: Millis,
        by: String,
    },
}

impl ItemState {
    pub fn as_str(&self) -> &'static str {
        match self {
            ItemState::Open => "open",
            ItemState::Acknowledged { .. } => "acknowledged",
            ItemState::Recovered { .. } => "recovered",
            ItemState::Resolved { .. } => "resolved",
        }
    }
}

impl Digest {
    /// The digest for the morning `through`, the last one having been `since`: the P3s that
    /// fired in between and those that fired earlier and are still open. `None` when there
    /// is nothing to tell: an empty digest is noise.
    pub fn of(pages: &[Page], since: Millis, through: Millis) -> Option<Digest> {
        let items: Vec<Item> = pages
            .iter()
            .filter(|p| p.fired_severity == Severity::P3 && p.opened_at <= through)
            .filter(|p| p.opened_at > since || p.is_open())
            .map(|p| Item {
                key: p.key.clone(),
                server: p.server.clone(),
                what: p.summary.what.clone(),
                opened_at: p.opened_at,
                state: match (&p.closed, &p.acknowledged) {
                    (Some(mark), _) if mark.by.is_empty() => ItemState::Recovered { at: mark.at },
                    (Some(mark), _) => ItemState::Resolved {
                        at: mark.at,
                        by: mark.by.clone(),
                    },
                    (None, Some(mark)) => ItemState::Acknowledged {
                        by: mark.by.clone(),
                    },
                    (None, None) => ItemState::Open,
                },
            })
            .collect();
        (!items.is_empty()).then_some(Digest {
            since,
            through,
            items,
        })
    }

    /// The items still open (acknowledged or not): what someone has to look at.
    pub fn open(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i.state, ItemState::Open | ItemState::Acknowledged { .. }))
            .count()
    }

    /// The key its deliveries are logged under.
    pub fn key(&self) -> String {
        format!(
            "digest|{}",
            crate::time::format_utc(self.through, "%Y-%m-%d")
        )
    }
}
