//! The morning review (`#/review`): every failed probe and event of the last 24 hours of every
//! server the page shows (`monitor::review::findings`, in words by `view::review`), each to
//! acknowledge. A server's findings are read again whenever its stored history changed (in
//! this tab or another), and the acknowledgements whenever a tab saved some, so the count in
//! the navigation (`Unacknowledged`) stays true in every tab, whatever screen is shown.
//!
//! A server the page does not probe (`live` never, or auto under a fresh summary) has no stored history: its findings come
//! from the runner's month files (`Live::published_past`), fetched while the review is shown
//! and again when the runner publishes a round; the count includes them once they were read.

use crate::browser::channel;
use crate::browser::db::acknowledged;
use crate::browser::db::recent::{self, Part};
use crate::state::{now, Changed, Live, Unacknowledged};
use futures::future::join_all;
use leptos::either::Either;
use leptos::prelude::*;
use mcp_status_core::monitor::record::DAY;
use mcp_status_core::monitor::review::{findings, Finding};
use mcp_status_core::view::review::{self as view, ServerGroup};
use std::collections::BTreeMap;

/// Broadcast after a tab saved acknowledgements.
const ACKNOWLEDGED: &str = "acknowledged";

/// What the reads found so far: each server's findings, and the acknowledged findings' keys.
#[derive(Debug, Clone, Default)]
struct Reviewed {
    found: BTreeMap<String, Vec<Finding>>,
    acknowledged: Vec<String>,
}

#[component]
pub fn ReviewScreen(#[prop(into)] hidden: Signal<bool>) -> impl IntoView {
    let live = expect_context::<Live>();
    let Unacknowledged(unacknowledged) = expect_context::<Unacknowledged>();

    // The servers whose findings the next read reads: every change of storage adds to them as
    // it comes (a read runs once for any number of changes made while the one before was
    // busy, and sees only the last of them), the read takes them.
    let stale = RwSignal::new(None::<Changed>);
    Effect::new(move |_| {
        let changed = live.stored.get();
        stale.update(|stale| *stale = Some(with(stale.take(), changed)));
    });
    // Bumped when another tab saved acknowledgements.
    let told = RwSignal::new(0u64);
    Effect::new(move |_| {
        channel::listen(move |message| {
            if message == ACKNOWLEDGED {
                told.update(|n| *n += 1);
            }
        })
    });
    let reviewed = StoredValue::new(Reviewed::default());
    // A LocalResource reads one at a time, so the reads' findings go into `reviewed` in the
    // order the reads started: an earlier read never replaces a later one's.
    let read = LocalResource::new(move || {
        stale.track();
        told.track();
        let database = live.database();
        // Until storage is open, what changed waits for it.
        let changed = match database {
            Some(_) => stale.try_update_untracked(Option::take).flatten(),
            None => None,
        };
        let (names, everything) = match changed {
            Some(Changed::All) => (shown(live), true),
            Some(Changed::Servers(names)) => (names, false),
            None => (Vec::new(), false),
        };
        async move {
            let Some(database) = database else {
                return reviewed.get_value();
            };
            let now = now();
            let recent = match names.is_empty() {
                true => Ok(Vec::new()),
                false => recent::recent(&database, &names, now - DAY, Part::Findings).await,
            };
            match recent {
                Ok(recent) => reviewed.update_value(|reviewed| {
                    // All of storage changed (an import, a wipe): servers gone go too.
                    if everything {
                        reviewed.found.clear();
                    }
                    for (name, recent) in names.iter().zip(recent) {
                        let found = findings(name, &recent, now);
                        reviewed.found.insert(name.clone(), found);
                    }
                }),
                Err(error) => live.storage_failed(&error),
            }
            // One setting: read with every change rather than told apart from the rest.
            match acknowledged::acknowledged(&database).await {
                Ok(keys) => reviewed.update_value(|reviewed| reviewed.acknowledged = keys),
                Err(error) => live.storage_failed(&error),
            }
            reviewed.get_value()
        }
    });

    // The runner-only servers' findings, kept between reads: a hidden review fetches nothing
    // and keeps what it found.
    let published = StoredValue::new(BTreeMap::<String, Vec<Finding>>::new());
    let from_runner = LocalResource::new(move || {
        let shown = !hidden.get();
        let servers = live.runner_only.get();
        live.published_rounds.track();
        async move {
            if !shown {
                return published.get_value();
            }
            let now = now();
            let reads = servers.into_iter().map(|(name, config)| async move {
                let past = live
                    .published_past(name.clone(), config, now - DAY, now)
                    .await;
                let found = findings(&name, &past.recent, now);
                (name, found)
            });
            let found: BTreeMap<String, Vec<Finding>> = join_all(reads).await.into_iter().collect();
            published.set_value(found);
            published.get_value()
        }
    });

    // The servers the status page shows, in its order; the findings of those: the runner's
    // for the servers the page does not probe, storage's for the others.
    let names = Memo::new(move |_| {
        live.servers
            .with(|servers| servers.iter().map(|s| s.server.clone()).collect::<Vec<_>>())
    });
    let found = Memo::new(move |_| {
        read.with(|read| {
            let Some(read) = read else {
                return Vec::new();
            };
            from_runner.with(|runner| {
                names.with(|names| {
                    names
                        .iter()
                        .filter_map(|name| {
                            let runner = runner.as_ref().and_then(|r| r.get(name));
                            runner.or_else(|| read.found.get(name))
                        })
                        .flatten()
                        .cloned()
                        .collect::<Vec<_>>()
                })
            })
        })
    });
    // What this tab acknowledged: it counts at once, before storage has it (and a second
    // acknowledgement saved before the first is read back keeps the first).
    let mine = RwSignal::new(Vec::<String>::new());
    let acknowledged = Memo::new(move |_| {
        let mut keys = read.with(|read| {
            read.as_ref()
                .map(|read| read.acknowledged.clone())
                .unwrap_or_default()
        });
        mine.with(|mine| {
            for key in mine {
                if !keys.contains(key) {
                    keys.push(key.clone());
                }
            }
        });
        keys
    });
    let open =
        Memo::new(move |_| found.with(|f| acknowledged.with(|a| view::unacknowledged(f, a))));
    Effect::new(move |_| unacknowledged.set(open.get()));

    // Every save holds all this tab acknowledged, and storage applies saves in the order they
    // were made: the latest one stands.
    let save = Action::new_local(move |keys: &Vec<String>| {
        let kept = found.with_untracked(|found| {
            acknowledged.with_untracked(|acked| view::acknowledge(found, acked, keys))
        });
        let keys = keys.clone();
        let database = live.database();
        async move {
            let Some(database) = database else {
                return;
            };
            match acknowledged::save_acknowledged(&database, &kept).await {
                Ok(()) => channel::post(ACKNOWLEDGED),
                Err(error) => {
                    mine.update(|mine| mine.retain(|key| !keys.contains(key)));
                    live.storage_failed(&error);
                }
            }
        }
    });
    let acknowledge = Callback::new(move |keys: Vec<String>| {
        mine.update(|mine| mine.extend(keys.iter().cloned()));
        save.dispatch_local(keys);
    });
    let acknowledge_all = move |_| {
        let keys = found.with_untracked(|found| found.iter().map(Finding::key).collect());
        acknowledge.run(keys);
    };

    let groups = Memo::new(move |_| found.with(|found| view::groups(found)));
    let summary = move || found.with(|found| view::summary(found.len(), open.get()));
    let servers =
        move || groups.with(|groups| groups.iter().map(|g| g.server.clone()).collect::<Vec<_>>());
    view! {
        <section class="review" aria-labelledby="review-title" hidden=move || hidden.get()>
            <h1 id="review-title">{view::TITLE}</h1>
            <p class="lede">{view::LEDE}</p>
            <Transition fallback=|| {
                view! { <p class="muted">"Reading the last 24 hours…"</p> }
            }>
                // Read under the Transition, which shows its fallback until the first read is
                // done (and, unlike Suspense, not again at each read after a round).
                <Show when=move || {
                    read.with(Option::is_some) && from_runner.with(Option::is_some)
                }>
                    <p class="review-summary" data-open=move || open.get().to_string()>
                        {summary}
                    </p>
                    <Show when=move || { open.get() > 0 }>
                        // `data-action` only names the buttons for the end-to-end tests: each
                        // button has its own handler.
                        <button
                            type="button"
                            class="secondary"
                            data-action="ack-all"
                            on:click=acknowledge_all
                        >
                            "Acknowledge all"
                        </button>
                    </Show>
                    <For each=servers key=|server| server.clone() let:server>
                        <ServerFindings server groups acknowledged acknowledge />
                    </For>
                </Show>
            </Transition>
        </section>
    }
}

/// One server's findings, by class. Rows are keyed by the finding (`Finding::key`) and what
/// it says (an outage that closed says so): a row keeps its button while it stands.
#[component]
fn ServerFindings(
    server: String,
    groups: Memo<Vec<ServerGroup>>,
    acknowledged: Memo<Vec<String>>,
    acknowledge: Callback<Vec<String>>,
) -> impl IntoView {
    let group = {
        let server = server.clone();
        Memo::new(move |_| {
            groups.with(|groups| groups.iter().find(|g| g.server == server).cloned())
        })
    };
    let href = move || group.with(|g| g.as_ref().map(|g| g.href.clone()));
    let classes = move || {
        group.with(|g| {
            g.as_ref()
                .map(|g| g.classes.iter().map(|c| c.class).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let name = move || group.with(|g| g.as_ref().map(|g| g.name.clone()));
    view! {
        <section class="review-server" data-server=server>
            <h2>
                <a href=href>{name}</a>
            </h2>
            <For each=classes key=|class| *class let:class>
                {
                    let this = Memo::new(move |_| {
                        group
                            .with(|g| {
                                g.as_ref()
                                    .and_then(|g| g.classes.iter().find(|c| c.class == class).cloned())
                            })
                    });
                    let items = move || {
                        this.with(|c| c.as_ref().map(|c| c.items.clone()).unwrap_or_default())
                    };
                    view! {
                        <h3>{move || this.with(|c| c.as_ref().map(|c| c.heading.clone()))}</h3>
                        <ul class="findings">
                            <For
                                each=items
                                key=|item| (item.key.clone(), item.text.clone())
                                let:item
                            >
                                <FindingItem item acknowledged acknowledge />
                            </For>
                        </ul>
                    }
                }
            </For>
        </section>
    }
}

#[component]
fn FindingItem(
    item: view::Item,
    acknowledged: Memo<Vec<String>>,
    acknowledge: Callback<Vec<String>>,
) -> impl IntoView {
    let key = item.key;
    let done = {
        let key = key.clone();
        Memo::new(move |_| acknowledged.with(|keys| keys.contains(&key)))
    };
    view! {
        <li
            class="finding"
            data-class=item.class
            data-acknowledged=move || if done.get() { "true" } else { "false" }
        >
            <time>{item.time}</time>
            {format!(" {}", item.text)}
            {move || {
                if done.get() {
                    Either::Left(view! { <span class="muted">" · acknowledged"</span> })
                } else {
                    let key = key.clone();
                    Either::Right(
                        view! {
                            " "
                            <button
                                type="button"
                                class="secondary"
                                data-action="ack"
                                on:click=move |_| acknowledge.run(vec![key.clone()])
                            >
                                "Acknowledge"
                            </button>
                        },
                    )
                }
            }}
        </li>
    }
}

/// What changed since the last read (`stale`), and then `changed`: all, or the servers of both.
fn with(stale: Option<Changed>, changed: Changed) -> Changed {
    match (stale, changed) {
        (Some(Changed::All), _) | (_, Changed::All) => Changed::All,
        (Some(Changed::Servers(mut names)), Changed::Servers(more)) => {
            for name in more {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            Changed::Servers(names)
        }
        (None, changed) => changed,
    }
}

/// The servers the status page shows, in its order.
fn shown(live: Live) -> Vec<String> {
    live.servers
        .with_untracked(|servers| servers.iter().map(|s| s.server.clone()).collect())
}
