//! Settings (`#/settings`): what the history takes in this browser, export and import (the
//! NDJSON format of docs/formats.md), how long raw probes are kept, and deleting it all.

use crate::browser::db::retention;
use crate::browser::db::transfer::{self, ImportError, ImportReport};
use crate::browser::{files, storage};
use crate::route::{use_route, Route};
use crate::state::{now, Live};
use idb::Database;
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::monitor::history::BadLines;
use mcp_status_core::view::settings::{self as view, ImportResult, Storage, MAX_RAW_DAYS};
use std::rc::Rc;

#[component]
pub fn Settings() -> impl IntoView {
    let live = expect_context::<Live>();
    let route = use_route();
    let shown = Memo::new(move |_| route.with(|route| *route == Route::Settings));

    // Measured while the screen is shown, not while nobody looks: on each visit (below) and
    // after each change made here.
    let usage = LocalResource::new(move || {
        let look = shown.get_untracked();
        async move {
            if !look {
                return None;
            }
            Some(Storage {
                estimate: storage::estimate().await,
                persisted: storage::persisted().await,
            })
        }
    });
    let retention = LocalResource::new(move || {
        // Storage opens after the page starts (the prober is chosen once it has): read again then.
        live.prober.track();
        let database = live.database().filter(|_| shown.get_untracked());
        async move {
            match database {
                Some(database) => retention::retention(&database).await.ok(),
                None => None,
            }
        }
    });
    // Probe rounds and other tabs change what storage holds while the screen is away.
    Effect::watch(
        move || shown.get(),
        move |shown, _, _| {
            if *shown {
                usage.refetch();
                retention.refetch();
            }
        },
        false,
    );

    // The days field shows what the user typed, over the stored setting (the default until
    // it is read).
    let typed = RwSignal::new(None::<String>);
    let raw_days = Signal::derive(move || {
        typed.get().unwrap_or_else(|| {
            let stored = retention.get().flatten().unwrap_or_default();
            stored.raw_days.to_string()
        })
    });
    let type_days: SignalSetter<String> = SignalSetter::map(move |text| typed.set(Some(text)));
    let on_retention = move |event: SubmitEvent| {
        event.prevent_default();
        let retention = view::retention(&raw_days.get_untracked());
        // What is kept from now on: a number out of range was brought within.
        typed.set(Some(retention.raw_days.to_string()));
        let Some(database) = live.database() else {
            return;
        };
        spawn_local(async move {
            let saved = async {
                retention::save_retention(&database, retention).await?;
                retention::prune(&database, now(), retention).await
            };
            if let Err(e) = saved.await {
                live.storage_failed(&e);
            }
            usage.refetch();
        });
    };

    let file = NodeRef::<html::Input>::new();
    let skip_bad = RwSignal::new(false);
    // The button is disabled while an import runs, so there is never an earlier one to
    // outrun; `version` counts finished imports, which scripts wait on (`data-imports`).
    let import = Action::new_local(
        move |(database, file, bad_lines): &(Rc<Database>, web_sys::File, BadLines)| {
            let (database, file, bad_lines) = (database.clone(), file.clone(), *bad_lines);
            async move {
                let result = match files::read_text(&file).await {
                    Err(reason) => ImportResult::unreadable(reason),
                    Ok(text) => {
                        match transfer::import(&database, &text, bad_lines, now(), &|server| {
                            live.rules_of(server)
                        })
                        .await
                        {
                            Ok(report) => {
                                live.changed().await;
                                imported(&report)
                            }
                            Err(ImportError::Invalid(error)) => ImportResult::bad_line(&error),
                            Err(ImportError::Storage(error)) => ImportResult::not_stored(error),
                            // The probes are in; the rest follows at the next open.
                            Err(ImportError::Unfinished(report, error)) => {
                                live.changed().await;
                                imported(&report).unfinished(error)
                            }
                        }
                    }
                };
                usage.refetch();
                result
            }
        },
    );
    let result = import.value();
    let on_import = move |event: SubmitEvent| {
        event.prevent_default();
        let picked = file
            .get()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(picked) = picked else {
            return result.set(Some(ImportResult::no_file()));
        };
        let Some(database) = live.database() else {
            return;
        };
        let bad_lines = if skip_bad.get_untracked() {
            BadLines::Skip
        } else {
            BadLines::Refuse
        };
        import.dispatch_local((database, picked, bad_lines));
    };

    let export = move |_| {
        let Some(database) = live.database() else {
            return;
        };
        spawn_local(async move {
            match transfer::export(&database, now()).await {
                Ok(text) => {
                    let name = view::export_name(now());
                    if let Err(e) = files::download(&name, &text, "application/x-ndjson") {
                        live.notice.set(Some(e));
                    }
                }
                Err(e) => live.storage_failed(&e),
            }
        });
    };
    let wipe = move |_| {
        let confirmed = files::confirm(view::WIPE_QUESTION);
        let Some(database) = live.database() else {
            return;
        };
        if !confirmed {
            return;
        }
        spawn_local(async move {
            if let Err(e) = retention::wipe(&database).await {
                live.storage_failed(&e);
            }
            live.changed().await;
            usage.refetch();
        });
    };

    view! {
        <h1 id="settings-title">"Settings"</h1>
        <h2>"History in this browser"</h2>
        // A Transition, not a Suspense: the last figures stay while they are measured again.
        <Transition fallback=|| view! { <StorageFacts storage=None /> }>
            {move || Suspend::new(async move {
                view! { <StorageFacts storage=usage.await /> }
            })}
        </Transition>
        <p>
            <button type="button" class="export" on:click=export>
                "Export history"
            </button>
            " One probe per line (NDJSON), the format "
            <code>"mcp-status replay"</code>
            " reads."
        </p>
        <form class="import" on:submit=on_import>
            <label for="import-file">"Import a history file"</label>
            <input
                id="import-file"
                type="file"
                accept=".ndjson,.jsonl,.json,.txt,application/x-ndjson"
                node_ref=file
            />
            <label class="checkbox">
                <input id="skip-bad" type="checkbox" bind:checked=skip_bad />
                " Skip bad lines"
            </label>
            <button type="submit" disabled=move || import.pending().get()>
                "Import"
            </button>
            <p
                class="import-result"
                role="status"
                data-imports=move || import.version().get().to_string()
                data-ok=move || result.with(|r| r.as_ref().map(|r| r.ok.to_string()))
            >
                {move || result.with(|r| r.as_ref().map(|r| r.message.clone()))}
            </p>
        </form>
        <form class="retention" on:submit=on_retention>
            <label for="raw-days">"Keep raw probes for (days)"</label>
            <input
                id="raw-days"
                type="number"
                min="1"
                max=MAX_RAW_DAYS.to_string()
                bind:value=(raw_days, type_days)
            />
            <button type="submit">"Save"</button>
            <p class="muted">{view::retention_note()}</p>
        </form>
        <p>
            <button type="button" class="danger wipe" on:click=wipe>
                "Delete all history"
            </button>
        </p>
    }
}

/// How much the history takes, and whether the browser keeps it; `None`: not measured yet.
#[component]
fn StorageFacts(storage: Option<Storage>) -> impl IntoView {
    let used = storage.map_or_else(|| view::NOT_MEASURED.to_owned(), |s| s.used());
    let kept = storage.map_or(view::NOT_MEASURED, |s| s.kept());
    view! {
        <dl class="facts">
            <dt>"Storage used"</dt>
            <dd class="storage-used">{used}</dd>
            <dt>"Kept under storage pressure"</dt>
            <dd>{kept}</dd>
        </dl>
    }
}

/// What the page says of an import that stored its probes.
fn imported(report: &ImportReport) -> ImportResult {
    ImportResult::imported(
        report.added,
        report.duplicates,
        &report.servers,
        &report.skipped,
    )
}
