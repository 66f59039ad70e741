//! Settings: what the history takes in this browser, export and import (the NDJSON format of
//! docs/formats.md), how long raw probes are kept, and deleting it all.

use super::tree;
use crate::browser::db::history::{self, ImportError};
use crate::browser::{dom, files, storage};
use crate::state::{now, Live};
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::monitor::history::{format_time, BadLines};
use mcp_status_core::monitor::store::{Retention, MIN_ROLLUP_DAYS};
use mcp_status_core::page::settings::{settings, SettingsView};

/// `shown` says whether the page is shown: it measures the storage used each time it is.
pub fn settings_page(live: Live, shown: impl Fn() -> bool + 'static) -> web_sys::Element {
    let holder = tree::section("settings", "settings-title");
    let usage = RwSignal::new(None::<(f64, f64)>);
    let persisted = RwSignal::new(None::<bool>);
    let raw_days = RwSignal::new(Retention::default().raw_days);
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
        if shown() {
            measure();
        }
    });

    let export = move || {
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

    let root = holder.clone();
    let import = move || {
        let file = files::picked("import-file");
        let Some(file) = file else {
            import_result.set(Some((false, "Choose a history file first.".into())));
            return;
        };
        let Some(database) = live.database() else {
            return;
        };
        let skip_bad = dom::is_checked(&root, "skip-bad");
        let bad_lines = if skip_bad {
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

    let root = holder.clone();
    let save_retention = move || {
        let days = dom::input_value(&root, "raw-days")
            .parse()
            .ok()
            .unwrap_or(Retention::default().raw_days);
        raw_days.set(days);
        let Some(database) = live.database() else {
            return;
        };
        let retention = Retention {
            raw_days: days.clamp(1, MIN_ROLLUP_DAYS),
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

    let wipe = move || {
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

    tree::show(
        &holder,
        move || {
            let result = import_result.get();
            settings(&SettingsView {
                usage: usage.get(),
                persisted: persisted.get(),
                raw_days: raw_days.get(),
                import_result: result.as_ref().map(|(ok, message)| (*ok, message.as_str())),
                imports: imports.get(),
                busy: busy.get(),
            })
        },
        |_| {},
    );
    let on_click = move |event: &web_sys::Event| match dom::action_of(event).as_deref() {
        Some("export") => export(),
        Some("wipe") => wipe(),
        _ => {}
    };
    let on_submit = move |event: &web_sys::Event| {
        event.prevent_default();
        match dom::closest(event, "form")
            .map(|form| form.class_name())
            .as_deref()
        {
            Some("import") => import(),
            Some("retention") => save_retention(),
            _ => {}
        }
    };

    dom::on(&holder, "click", on_click);
    dom::on(&holder, "submit", on_submit);
    holder
}
