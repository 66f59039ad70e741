//! Maintenance windows declared in the console (`view::desk::windows`): the ones under way and
//! to come, each with a way to end it, and the form that declares one. The status pages and
//! their prober read them from storage (`Alerting::change_windows`).

use super::desk::Alerting;
use super::{current, Clock};
use crate::state::now;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use mcp_status_core::monitor::declared::{self, Declared};
use mcp_status_core::monitor::record::Millis;
use mcp_status_core::view::desk::{self as view, WindowLine, MAX_MINUTES};

#[component]
pub fn Maintenance() -> impl IntoView {
    let alerting = expect_context::<Alerting>();
    let Clock(clock) = expect_context();
    let lines = Memo::new(move |_| {
        let now = clock.get();
        alerting
            .declared
            .with(|declared| view::windows(declared, now))
    });
    let servers = Memo::new(move |_| alerting.servers());
    // What the scheduled runner needs of them: it reads status.json, not this browser.
    let for_runner = Memo::new(move |_| {
        let now = clock.get();
        servers.with(|servers| {
            alerting
                .declared
                .with(|declared| declared::for_status_json(declared, servers, now))
        })
    });
    let server = RwSignal::new(String::new());
    let start = RwSignal::new(String::new());
    let minutes = RwSignal::new("60".to_owned());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(String::new());
    let declare = move |event: SubmitEvent| {
        event.prevent_default();
        let now = now();
        let start = match start.get_untracked().as_str() {
            "" => Ok(now),
            text => local_time(text),
        };
        let server = Some(server.get_untracked()).filter(|s| !s.is_empty());
        let minutes = minutes.with_untracked(|m| m.trim().parse::<i64>().unwrap_or(0));
        let declared = start.and_then(|start| {
            let by = alerting.me.get_untracked();
            Declared::new(server, start, minutes, now, &by, &reason.get_untracked())
        });
        match declared {
            Ok(declared) => {
                error.set(String::new());
                alerting.change_windows(|windows| windows.push(declared));
                // The list reads the time from the clock: a window that starts now must read
                // "under way" now, not at the next tick.
                clock.set(now);
                reason.set(String::new());
            }
            Err(problem) => error.set(problem),
        }
    };
    view! {
        <section class="declare" aria-labelledby="maintenance-title">
            <h2 id="maintenance-title">"Maintenance"</h2>
            <p class="muted">
                "Before a deploy: probing goes on, alerting waits, and the window is left out of SLO uptime. \
                 At most 4 hours; alerting resumes by itself at the end. The status page shows it."
            </p>
            <Show when=move || lines.with(|lines| !lines.is_empty())>
                <ul class="declared-windows">
                    <For each=move || lines.get() key=|line| line.id.clone() let:line>
                        <Window line=current(lines, line, |l| &l.id) />
                    </For>
                </ul>
            </Show>
            <Show when=move || for_runner.with(|lines| !lines.is_empty())>
                <div class="for-runner">
                    <h3>"For the scheduled runner"</h3>
                    <p class="muted">
                        "The runner reads status.json, not this browser: add these to each server's entry in status.json (its \"maintenance\" list), and it mutes its alerts and leaves the time out of the SLO uptime it publishes too."
                    </p>
                    <For each=move || for_runner.get() key=|line| line.clone() let:line>
                        <p class="for-runner-server">{line.0}</p>
                        <pre class="for-runner-json">{line.1}</pre>
                    </For>
                </div>
            </Show>
            <form class="window-form" on:submit=declare>
                <p class="field">
                    <label for="window-server">"Server"</label>
                    <select id="window-server" bind:value=server>
                        <option value="">"Every server"</option>
                        <For each=move || servers.get() key=|name| name.clone() let:name>
                            <option value=name.clone()>{name.clone()}</option>
                        </For>
                    </select>
                </p>
                <p class="field">
                    <label for="window-start">"Starts (empty: now; your local time)"</label>
                    <input id="window-start" type="datetime-local" bind:value=start />
                </p>
                <p class="field">
                    <label for="window-minutes">"Minutes"</label>
                    <input
                        id="window-minutes"
                        type="number"
                        min="1"
                        max=MAX_MINUTES.to_string()
                        required
                        bind:value=minutes
                    />
                </p>
                <p class="field">
                    <label for="window-reason">"Why"</label>
                    <input id="window-reason" maxlength="200" placeholder="Deploy v2.3" bind:value=reason />
                </p>
                <p class="field-error" role="alert">{error}</p>
                <button type="submit">"Declare maintenance"</button>
            </form>
        </section>
    }
}

/// A window under way ("End now": ended and kept, the time so far stays out of SLO uptime) or
/// to come ("Cancel").
#[component]
fn Window(line: Memo<WindowLine>) -> impl IntoView {
    let alerting = expect_context::<Alerting>();
    let Clock(clock) = expect_context();
    let id = line.with_untracked(|l| l.id.clone());
    let end = move |_| {
        let now = now();
        alerting.change_windows(|windows| {
            if let Some(index) = view::window_index(windows, &id) {
                declared::end(windows, index, now);
            }
        });
        clock.set(now);
    };
    view! {
        <li>
            {move || line.with(|l| l.text.clone())}
            " "
            <button type="button" class="secondary" data-action="end-window" on:click=end>
                {move || line.with(|l| l.end_label)}
            </button>
        </li>
    }
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
