//! The morning review (`#/review`): every failed probe and event of the last 24 hours of every
//! server the page shows, drawn by the core (`page::review`), each to acknowledge. A server's
//! findings are read again whenever its stored history changed (in this tab or another), so
//! the count in the navigation stays true in every tab.

use super::tree;
use crate::browser::db::history::{self, Part};
use crate::browser::{channel, dom};
use crate::state::{now, Changed, Live};
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::monitor::record::DAY;
use mcp_status_core::page::review::{self, Finding};
use std::collections::BTreeMap;

/// Broadcast after a tab saved acknowledgements.
const ACKNOWLEDGED: &str = "acknowledged";

/// Each server's findings, with the number of the read they came from: a read that started
/// earlier never replaces a later one's.
type Found = BTreeMap<String, (u64, Vec<Finding>)>;

/// `unacknowledged` is set to the number of findings nobody acknowledged.
pub fn review_page(live: Live, unacknowledged: RwSignal<usize>) -> web_sys::Element {
    let holder = tree::section("review", "review-title");
    let found = StoredValue::new_local(Found::new());
    let reads = StoredValue::new_local(0u64);
    let findings = RwSignal::new(Vec::<Finding>::new());
    let acknowledged = RwSignal::new(Vec::<String>::new());

    // The findings in the order of the status page, of the servers it shows now.
    let gather = move || {
        let names = shown(live);
        let all: Vec<Finding> = found.with_value(|found| {
            names
                .iter()
                .filter_map(|name| found.get(name))
                .flat_map(|(_, findings)| findings.iter().cloned())
                .collect()
        });
        acknowledged.with_untracked(|acked| {
            unacknowledged.set(review::unacknowledged(&all, acked));
        });
        findings.set(all);
    };
    let read_acknowledged = move || {
        let Some(database) = live.database() else {
            return;
        };
        spawn_local(async move {
            match history::acknowledged(&database).await {
                Ok(keys) => acknowledged.set(keys),
                Err(error) => live.notice.set(Some(format!("{error}."))),
            }
            gather();
        });
    };

    Effect::new(move |_| {
        let changed = live.stored.get();
        let Some(database) = live.database() else {
            return;
        };
        // Acknowledgements change by an acknowledgement (here, or `ACKNOWLEDGED` from another
        // tab) or with all of storage (an import, a wipe): a round's read leaves them be.
        let (names, everything) = match changed {
            Changed::All => (shown(live), true),
            Changed::Servers(names) => (names, false),
        };
        reads.update_value(|n| *n += 1);
        let this_read = reads.get_value();
        spawn_local(async move {
            let now = now();
            let recent = history::recent(&database, &names, now - DAY, Part::Findings).await;
            match recent {
                Ok(recent) => found.update_value(|found| {
                    for (name, recent) in names.iter().zip(recent) {
                        let newer = found.get(name).is_some_and(|(read, _)| *read > this_read);
                        if !newer {
                            let findings = review::findings(name, &recent, now);
                            found.insert(name.clone(), (this_read, findings));
                        }
                    }
                }),
                Err(error) => live.notice.set(Some(format!("{error}."))),
            }
            if everything {
                read_acknowledged();
            } else {
                gather();
            }
        });
    });
    channel::listen(move |message| {
        if message == ACKNOWLEDGED {
            read_acknowledged();
        }
    });

    tree::show(
        &holder,
        move || findings.with(|found| acknowledged.with(|acked| review::review(found, acked))),
        |_| {},
    );

    dom::on(&holder, "click", move |event| {
        let keys: Vec<String> = match dom::action_of(event).as_deref() {
            Some("ack") => dom::closest(event, "[data-key]")
                .and_then(|button| button.get_attribute("data-key"))
                .into_iter()
                .collect(),
            Some("ack-all") => {
                findings.with_untracked(|found| found.iter().map(Finding::key).collect())
            }
            _ => return,
        };
        // Only the keys of findings still in the review are kept: the list never grows old.
        let current: Vec<String> =
            findings.with_untracked(|found| found.iter().map(Finding::key).collect());
        let mut acked: Vec<String> = acknowledged
            .get_untracked()
            .into_iter()
            .filter(|key| current.contains(key))
            .collect();
        for key in keys {
            if !acked.contains(&key) {
                acked.push(key);
            }
        }
        let Some(database) = live.database() else {
            return;
        };
        spawn_local(async move {
            match history::save_acknowledged(&database, &acked).await {
                Ok(()) => {
                    channel::post(ACKNOWLEDGED);
                    acknowledged.set(acked);
                    gather();
                }
                Err(error) => live.notice.set(Some(format!("{error}."))),
            }
        });
    });
    holder
}

/// The servers the status page shows, in its order.
fn shown(live: Live) -> Vec<String> {
    live.servers
        .with_untracked(|servers| servers.iter().map(|s| s.server.clone()).collect())
}
