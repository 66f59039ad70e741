//! Settings: what the history takes in this browser, export and import (the NDJSON format of
//! docs/formats.md), how long raw probes are kept, and deleting it all.

use crate::browser::db::history::{self, ImportError};
use crate::browser::{files, storage};
use crate::live::{now, Live};
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::monitor::history::{format_time, BadLines};
use mcp_status_core::monitor::store::{Retention, MIN_ROLLUP_DAYS};
use mcp_status_core::text::decimal;

#[component]
pub fn SettingsPage(live: Live, #[prop(into)] shown: Signal<bool>) -> impl IntoView {
    let usage = RwSignal::new(None::<(f64, f64)>);
    let persisted = RwSignal::new(None::<bool>);
    let raw_days = RwSignal::new(Retention::default().raw_days);
    let skip_bad = RwSignal::new(false);
    let import_result = RwSignal::new(None::<(bool, String)>);
    // Counts finished imports, so a script can tell a new result from the last one.
    let imports = RwSignal::new(0u32);
    let busy = RwSignal::new(false);

    let measure = move || {
        spawn_local(async move {
            usage.set(storage::estimate().await);
            persisted.set(Some(storage::persisted().await));
            if let Some(database) = live.database() {
                if let Ok(retention) = history::retention(&database).await {
                    raw_days.set(retention.raw_days);
                }
            }
        })
    };
    Effect::new(move || {
        if shown.get() {
            measure();
        }
    });

    let export = move |_| {
        let Some(database) = live.database() else {
            return;
        };
        spawn_local(async move {
            match history::export(&database).await {
                Ok(text) => {
                    let day = &format_time(now())[..10];
                    let name = format!("mcp-status-history-{day}.ndjson");
                    if let Err(e) = files::download(&name, &text, "application/x-ndjson") {
                        live.notice.set(Some(e));
                    }
                }
                Err(e) => live.notice.set(Some(e.to_string())),
            }
        });
    };

    let import = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let file = files::picked("import-file");
        let Some(file) = file else {
            import_result.set(Some((false, "Choose a history file first.".into())));
            return;
        };
        let Some(database) = live.database() else {
            return;
        };
        let bad_lines = if skip_bad.get_untracked() {
            BadLines::Skip
        } else {
            BadLines::Refuse
        };
        busy.set(true);
        spawn_local(async move {
            let outcome = match files::read_text(&file).await {
                Err(e) => (false, e),
                Ok(text) => match history::import(&database, &text, bad_lines).await {
                    Ok(report) => {
                        let mut message = format!(
                            "Imported {} new probes ({} were already here) for {}.",
                            report.added,
                            report.duplicates,
                            report.servers.join(", ")
                        );
                        if !report.skipped.is_empty() {
                            let lines: Vec<String> =
                                report.skipped.iter().map(|e| e.to_string()).collect();
                            message.push_str(&format!(
                                " Skipped {} bad lines: {}.",
                                lines.len(),
                                lines.join("; ")
                            ));
                        }
                        live.changed().await;
                        (true, message)
                    }
                    Err(ImportError::Invalid(error)) => (
                        false,
                        format!(
                            "Nothing was imported: {error}. Fix the line, or tick “Skip bad lines”."
                        ),
                    ),
                    Err(ImportError::Storage(error)) => {
                        (false, format!("Nothing was imported: {error}."))
                    }
                },
            };
            import_result.set(Some(outcome));
            imports.update(|n| *n += 1);
            busy.set(false);
            measure();
        });
    };

    let save_retention = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(database) = live.database() else {
            return;
        };
        let retention = Retention {
            raw_days: raw_days.get_untracked().clamp(1, MIN_ROLLUP_DAYS),
            ..Retention::default()
        };
        spawn_local(async move {
            let result = async {
                history::save_retention(&database, retention).await?;
                history::prune(&database, now(), retention).await
            };
            if let Err(e) = result.await {
                live.notice.set(Some(e.to_string()));
            }
            measure();
        });
    };

    let wipe = move |_| {
        let confirmed = files::confirm("Delete all history kept in this browser?");
        let Some(database) = live.database() else {
            return;
        };
        if !confirmed {
            return;
        }
        spawn_local(async move {
            if let Err(e) = history::wipe(&database).await {
                live.notice.set(Some(e.to_string()));
            }
            live.changed().await;
            measure();
        });
    };

    view! {
        <section class="settings" aria-labelledby="settings-title">
            <h1 id="settings-title">"Settings"</h1>
            <h2>"History in this browser"</h2>
            <dl class="facts">
                <dt>"Storage used"</dt>
                <dd class="storage-used">
                    {move || match usage.get() {
                        Some((used, quota)) => format!("{} of {} allowed", bytes(used), bytes(quota)),
                        None => "unknown".to_owned(),
                    }}
                </dd>
                <dt>"Kept under storage pressure"</dt>
                <dd>
                    {move || match persisted.get() {
                        Some(true) => "yes (persistent storage granted)",
                        Some(false) => "not guaranteed (the browser may clear it when space runs low)",
                        None => "…",
                    }}
                </dd>
            </dl>
            <p>
                <button type="button" class="export" on:click=export>"Export history"</button>
                " One probe per line (NDJSON), the format "
                <code>"mcp-status replay"</code>
                " reads."
            </p>
            <form class="import" on:submit=import>
                <label for="import-file">"Import a history file"</label>
                <input id="import-file" type="file" accept=".ndjson,.jsonl,.json,.txt,application/x-ndjson" />
                <label class="checkbox">
                    <input
                        type="checkbox"
                        prop:checked=move || skip_bad.get()
                        on:change=move |e| skip_bad.set(event_target_checked(&e))
                    />
                    " Skip bad lines"
                </label>
                <button type="submit" disabled=move || busy.get()>"Import"</button>
                <p
                    class="import-result"
                    role="status"
                    data-ok=move || import_result.get().map(|(ok, _)| ok.to_string())
                    data-imports=move || imports.get().to_string()
                >
                    {move || import_result.get().map(|(_, message)| message)}
                </p>
            </form>
            <form class="retention" on:submit=save_retention>
                <label for="raw-days">"Keep raw probes for (days)"</label>
                <input
                    id="raw-days"
                    type="number"
                    min="1"
                    max=MIN_ROLLUP_DAYS.to_string()
                    prop:value=move || raw_days.get().to_string()
                    on:input=move |e| raw_days.set(event_target_value(&e).parse().unwrap_or(30))
                />
                <button type="submit">"Save"</button>
                <p class="muted">
                    {format!("Hourly and daily rollups are kept {MIN_ROLLUP_DAYS} days, so uptimes and the daily bars outlive raw probes.")}
                </p>
            </form>
            <p>
                <button type="button" class="danger wipe" on:click=wipe>"Delete all history"</button>
            </p>
        </section>
    }
}

fn bytes(n: f64) -> String {
    match n {
        n if n >= 1e9 => format!("{} GB", decimal(n / 1e9, 1)),
        n if n >= 1e6 => format!("{} MB", decimal(n / 1e6, 1)),
        n if n >= 1e3 => format!("{} KB", decimal(n / 1e3, 0)),
        n => format!("{} B", decimal(n, 0)),
    }
}
