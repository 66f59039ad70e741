//! The "paste a URL" quick check: a form, the probe running in the page, the verdict.

use super::tree;
use crate::browser::clipboard::copy_to_clipboard;
use crate::browser::clock::now_ms;
use crate::browser::dom;
use crate::browser::frame::after_then_next_frame;
use crate::browser::location::{current_route, href_of, navigate, on_route_change};
use crate::browser::probe_driver::{run_probe, Progress};
use crate::route::Route;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::page::check::{self, CheckView};
use mcp_status_core::summary::CheckSummary;
use mcp_status_core::{Environment, Probe, ProbeConfig, ProbeReport, Target};

/// How long a check runs before its progress is shown.
const PROGRESS_DELAY_MS: u32 = 150;

#[derive(Debug, Clone, PartialEq)]
enum CheckState {
    Idle,
    Running {
        url: String,
        progress: Box<Progress>,
    },
    Done(Box<ProbeReport>),
}

pub fn quick_check() -> web_sys::Element {
    let holder = tree::section("quick-check", "quick-check-title");
    // A URL from the address, waiting to go into the field at the next render.
    let input = StoredValue::new_local(None::<String>);
    let field_error = RwSignal::new(None::<String>);
    let state = RwSignal::new(CheckState::Idle);
    // Each check gets a number; results of a check that a newer one replaced are dropped.
    let generation = StoredValue::new(0u64);
    // Progress waiting to be painted, and whether this check has painted any yet.
    let queued = StoredValue::new(None::<CheckState>);
    let shown_progress = StoredValue::new(false);

    let start = move |raw: String, timeout_s: Option<u32>| {
        let target = match Target::parse(&raw) {
            Ok(target) => target,
            Err(error) => {
                field_error.set(Some(error.to_string()));
                state.set(CheckState::Idle);
                return;
            }
        };
        field_error.set(None);
        shown_progress.set_value(false);
        queued.set_value(None);
        generation.update_value(|g| *g += 1);
        let this_run = generation.get_value();
        let is_current = move || generation.get_value() == this_run;
        let url = target.to_string();
        let config = ProbeConfig {
            environment: Environment::Browser,
            timeout_ms: timeout_s.map(|s| u64::from(s) * 1000),
            ..ProbeConfig::default()
        };
        let probe = Probe::new(target, config, now_ms());
        spawn_local(async move {
            let report = run_probe(probe, &|progress| {
                if !is_current() {
                    return;
                }
                match progress.verdict {
                    Some(verdict) => {
                        queued.set_value(None);
                        state.set(CheckState::Done(Box::new(verdict)));
                    }
                    None => {
                        // Progress is painted at most once a frame: on a fast server, rendering
                        // every step would hold up the next request.
                        let running = CheckState::Running {
                            url: url.clone(),
                            progress: Box::new(progress),
                        };
                        let first = queued.with_value(Option::is_none);
                        queued.set_value(Some(running));
                        if first {
                            // The first progress appears only if the check takes a while, so
                            // a fast check goes straight to its verdict without a flash of
                            // spinner; later progress is painted at most once a frame.
                            let delay = if shown_progress.get_value() {
                                0
                            } else {
                                PROGRESS_DELAY_MS
                            };
                            after_then_next_frame(delay, move || {
                                if let Some(running) =
                                    queued.try_update_value(Option::take).flatten()
                                {
                                    if is_current() {
                                        shown_progress.set_value(true);
                                        state.set(running);
                                    }
                                }
                            });
                        }
                    }
                }
            })
            .await;
            if is_current() {
                queued.set_value(None);
                state.set(CheckState::Done(Box::new(report)));
            }
        });
    };

    let follow_route = move |route: Route| {
        if let Route::Check { url, timeout_s } = route {
            input.set_value(Some(url.clone()));
            start(url, timeout_s);
        }
    };
    follow_route(current_route());
    on_route_change(follow_route);

    let root = holder.clone();
    let on_submit = move |event: &web_sys::Event| {
        event.prevent_default();
        let raw = dom::input_value(&root, "server-url");
        match Target::parse(&raw) {
            Err(error) => field_error.set(Some(error.to_string())),
            Ok(target) => {
                // Keep a timeout the address asked for when the same server is checked again.
                let timeout_s = match current_route() {
                    Route::Check { timeout_s, .. } => timeout_s,
                    _ => None,
                };
                let route = Route::Check {
                    url: target.to_string(),
                    timeout_s,
                };
                // A new address runs the check through `hashchange`; the same one, directly.
                if !navigate(&route) {
                    start(target.to_string(), timeout_s);
                }
            }
        }
    };
    tree::show(
        &holder,
        move || {
            let error = field_error.get();
            state.with(|state| {
                let share = match state {
                    CheckState::Done(report) => href_of(&Route::Check {
                        url: report.url.clone(),
                        timeout_s: None,
                    }),
                    _ => String::new(),
                };
                let view = match state {
                    CheckState::Idle => CheckView::Idle,
                    CheckState::Running { url, progress } => CheckView::Running {
                        url,
                        finished: &progress.finished,
                        current: progress.current,
                    },
                    CheckState::Done(report) => CheckView::Done {
                        report,
                        share: &share,
                    },
                };
                check::quick_check(&view, error.as_deref())
            })
        },
        move |root| {
            // The address's URL goes into the field (a tree only sets its default value).
            if let Some(url) = input.try_update_value(Option::take).flatten() {
                dom::set_input_value(root, "server-url", &url);
            }
        },
    );

    let on_click = move |event: &web_sys::Event| {
        let Some(action) = dom::action_of(event) else {
            return;
        };
        state.with_untracked(|state| {
            if let CheckState::Done(report) = state {
                match action.as_str() {
                    "copy-link" => copy_to_clipboard(&href_of(&Route::Check {
                        url: report.url.clone(),
                        timeout_s: None,
                    })),
                    // The same object as `mcp-status check --json`.
                    "copy-json" => copy_to_clipboard(
                        &serde_json::to_string(&CheckSummary::from(&**report)).unwrap_or_default(),
                    ),
                    _ => {}
                }
            }
        });
    };

    dom::on(&holder, "submit", on_submit);
    dom::on(&holder, "click", on_click);
    holder
}
