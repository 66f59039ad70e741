//! The console's alerting sections (`page::desk` draws them) and their controls, handled by
//! delegation: acknowledge and resolve, notifications, presets, routing, channels, who you
//! are, and maintenance windows.

use super::desk::{Alerting, Role};
use crate::browser::leader::Leadership;
use crate::browser::{deployment, dom};
use crate::components::tree;
use crate::state::now;
use leptos::prelude::*;
use mcp_status_core::alerting::config::TeamSize;
use mcp_status_core::alerting::local::channel_of;
use mcp_status_core::monitor::declared::Declared;
use mcp_status_core::monitor::record::Millis;
use mcp_status_core::page::desk::DeskView;
use mcp_status_core::page::markup::{Element, Node};

/// An element with the sections `draw` makes of the desk (`page::desk`), drawn again when
/// what they show changes.
pub fn sections(
    alerting: Alerting,
    clock: RwSignal<Millis>,
    probing: RwSignal<Option<bool>>,
    draw: fn(&DeskView) -> Vec<Element>,
) -> web_sys::Element {
    let holder = dom::element("div", &[("class", "desk")]);
    let shared_origin = deployment::shared_origin();
    tree::show_all(&holder, move || {
        let config = alerting.config();
        let runner_only = alerting.runner_only();
        let servers = alerting.servers();
        let zone = config.time_zone().to_owned();
        let offset = super::offset_of(&zone);
        let role = role_text(alerting.role.get(), probing.get());
        let problem = alerting.problem.get();
        let form_error = alerting.form_error.get();
        let declared = alerting.declared.get();
        let me = alerting.me.get();
        let permission = alerting.permission.get();
        alerting.local.with(|local| {
            alerting.desk.with(|desk_state| {
                let view = DeskView {
                    desk: desk_state,
                    config: &config,
                    local,
                    runner_only: &runner_only,
                    declared: &declared,
                    servers: &servers,
                    me: &me,
                    role: &role,
                    permission,
                    problem: problem.as_deref(),
                    form_error: form_error
                        .as_ref()
                        .map(|(form, error)| (*form, error.as_str())),
                    shared_origin: shared_origin.as_deref(),
                    now: clock.get(),
                    offset: &offset,
                };
                draw(&view).into_iter().map(Node::from).collect()
            })
        })
    });
    holder
}

/// The desk's controls in `root` (the console's `<main>`), by delegation. A window declared or
/// ended moves `clock` on too: the views read the time from it, and a window that starts now
/// must read "under way" now, not at the next tick.
pub fn handle(root: &web_sys::Element, alerting: Alerting, clock: RwSignal<Millis>) {
    dom::on(root, "click", move |event| {
        let Some(control) = dom::closest(event, "[data-action]") else {
            return;
        };
        let data = |name: &str| control.get_attribute(name).unwrap_or_default();
        match data("data-action").as_str() {
            what @ ("acknowledge" | "resolve") => alerting.request(what, &data("data-key")),
            "notifications" => alerting.ask_permission(),
            "preset" => {
                let size = match data("data-value").as_str() {
                    "solo" => TeamSize::Solo,
                    "two" => TeamSize::Two,
                    _ => TeamSize::FiveOrMore,
                };
                let config = alerting.config();
                alerting.change_settings(|local| local.apply_preset(&config, size));
            }
            "route" => {
                let config = alerting.config();
                let index = data("data-severity").parse().unwrap_or(usize::MAX);
                let channel = data("data-channel");
                alerting.change_settings(|local| local.toggle_route(&config, index, &channel));
            }
            "remove-channel" => {
                let channel = data("data-channel");
                alerting.change_settings(|local| local.remove_channel(&channel));
            }
            "end-window" => {
                let index: usize = data("data-index").parse().unwrap_or(usize::MAX);
                let now = now();
                alerting.change_windows(|windows| match windows.get_mut(index) {
                    // Not begun: cancelled.
                    Some(declared) if declared.window.start > now => {
                        windows.remove(index);
                    }
                    // Ended now, not forgotten: the time so far stays out of SLO uptime.
                    Some(declared) => {
                        let window = &mut declared.window;
                        window.end = window.end.min(now.max(window.start + 1));
                    }
                    None => {}
                });
                clock.set(now);
            }
            _ => {}
        }
    });
    let form_root = root.clone();
    dom::on(root, "submit", move |event| {
        event.prevent_default();
        let form = dom::closest(event, "form").map(|form| form.class_name());
        let root = &form_root;
        let value = |id: &str| dom::input_value(root, id);
        match form.as_deref() {
            Some("me") => alerting.set_me(value("me")),
            Some("channel-form") => {
                match channel_of(
                    &value("channel-id"),
                    &value("channel-kind"),
                    &value("channel-url"),
                    &value("channel-extra"),
                ) {
                    Ok(channel) => {
                        alerting.form_error.set(None);
                        alerting.change_settings(|local| {
                            local.channels.retain(|c| c.id != channel.id);
                            local.channels.push(channel);
                        });
                        for id in ["channel-id", "channel-url", "channel-extra"] {
                            dom::set_input_value(root, id, "");
                        }
                    }
                    Err(error) => alerting.form_error.set(Some(("channel-form", error))),
                }
            }
            Some("window-form") => {
                let now = now();
                let start = match value("window-start").as_str() {
                    "" => Ok(now),
                    text => local_time(text),
                };
                let server = Some(value("window-server")).filter(|s| !s.is_empty());
                let minutes = value("window-minutes").trim().parse::<i64>().unwrap_or(0);
                let declared = start.and_then(|start| {
                    let by = alerting.me.get_untracked();
                    Declared::new(server, start, minutes, now, &by, &value("window-reason"))
                });
                match declared {
                    Ok(declared) => {
                        alerting.form_error.set(None);
                        alerting.change_windows(|windows| windows.push(declared));
                        clock.set(now);
                        dom::set_input_value(root, "window-reason", "");
                    }
                    Err(error) => alerting.form_error.set(Some(("window-form", error))),
                }
            }
            _ => {}
        }
    });
}

/// A `datetime-local` value (the browser's local time) as milliseconds.
fn local_time(text: &str) -> Result<Millis, String> {
    let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(text)).get_time();
    if at.is_finite() {
        Ok(at as Millis)
    } else {
        Err(format!("`{text}` is not a date and time."))
    }
}

fn role_text(role: Role, probing: Option<bool>) -> String {
    let mut text = match role {
        Role::Starting => "Starting…",
        Role::Dispatching(Leadership::WebLock) => {
            "This tab sends the alerts: keep it open (one console tab at a time does)."
        }
        Role::Dispatching(Leadership::Lease) => {
            "This tab sends the alerts (by a lease in local storage: this browser has no Web Locks): keep it open."
        }
        Role::OtherTab => "Another console tab sends the alerts; this one shows them.",
        Role::Off => "This browser's storage cannot be opened: alerts cannot be read or sent here.",
    }
    .to_owned();
    if probing == Some(false) {
        text.push_str(
            " No status page is open in this browser, so nothing is probed and nothing can fire: \
             keep the status page open in another tab (or publish with the scheduled runner).",
        );
    }
    text
}
