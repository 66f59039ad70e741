//! The quick check (`#/check`, `#/check?url=…&timeout=…`): the form, the probe running in the
//! page, the verdict (what it shows is the core's `view::check`).
//!
//! The route is the source of truth: submitting the form moves to `#/check?url=…`, and the
//! route starts the check, so typing, shared links, reloads and back/forward take one path.
//! A check is an action; starting one aborts the one before, and only the newest may change
//! what the screen shows.

use crate::browser::clipboard::copy_to_clipboard;
use crate::browser::clock::monotonic;
use crate::browser::frame::after_then_next_frame;
use crate::browser::location::{href_of, navigate};
use crate::browser::probe_driver::{run_probe, Progress};
use crate::route::{use_route, Route};
use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use mcp_status_core::summary::CheckSummary;
use mcp_status_core::view::check::{self, AuthFact, Facts, Icon, StepRow, Tools};
use mcp_status_core::{Environment, Probe, ProbeConfig, ProbeReport, Target};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// How long a check runs before its progress is shown: a fast check goes straight to its
/// verdict, without a flash of spinner.
const PROGRESS_DELAY_MS: u32 = 150;

/// What the newest check has shown so far.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Idle,
    Running(check::Running),
    /// The verdict; the final report, once the session is closed, comes as the action's value.
    Decided(Box<ProbeReport>),
}

/// One check to run: the action's input.
struct Run {
    /// Which check this is: only the newest may change the screen.
    generation: u64,
    target: Target,
    timeout_s: Option<u32>,
}

/// The quick check's title, form and result (the app puts it in its section).
#[component]
pub fn QuickCheck() -> impl IntoView {
    let route = use_route();
    let url = RwSignal::new(String::new());
    let field_error = RwSignal::new(None::<String>);
    let phase = RwSignal::new(Phase::Idle);
    // The newest check's number, and how to abort it.
    let newest = StoredValue::new(0u64);
    let in_flight = StoredValue::new(None::<ActionAbortHandle>);

    let run = Action::new_local(move |run: &Run| {
        let painter = Painter {
            generation: run.generation,
            url: run.target.to_string(),
            newest,
            phase,
            queued: Rc::default(),
            painted: Rc::default(),
        };
        let config = ProbeConfig {
            environment: Environment::Browser,
            timeout_ms: run.timeout_s.map(|s| u64::from(s) * 1000),
            ..ProbeConfig::default()
        };
        let probe = Probe::new(run.target.clone(), config, monotonic());
        let generation = run.generation;
        async move {
            let report = run_probe(probe, &|progress| painter.show(progress)).await;
            (generation, report)
        }
    });

    let start = move |raw: String, timeout_s: Option<u32>| {
        // From here on, the check under way is stale: aborted (its requests with it), and its
        // number no longer the newest, should anything of it still arrive.
        if let Some(handle) = in_flight.try_update_value(Option::take).flatten() {
            handle.abort();
        }
        newest.update_value(|g| *g += 1);
        match Target::parse(&raw) {
            Err(error) => {
                field_error.set(Some(error.to_string()));
                phase.set(Phase::Idle);
            }
            Ok(target) => {
                field_error.set(None);
                let generation = newest.get_value();
                let handle = run.dispatch_local(Run {
                    generation,
                    target,
                    timeout_s,
                });
                in_flight.set_value(Some(handle));
            }
        }
    };

    Effect::new(move |_| {
        if let Route::Check {
            url: raw,
            timeout_s,
        } = route.get()
        {
            untrack(|| {
                url.set(raw.clone());
                start(raw, timeout_s);
            });
        }
    });

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        match Target::parse(&url.get_untracked()) {
            Err(error) => field_error.set(Some(error.to_string())),
            Ok(target) => {
                // A timeout the address asked for stays for the next check.
                let timeout_s = match route.get_untracked() {
                    Route::Check { timeout_s, .. } => timeout_s,
                    _ => None,
                };
                let next = Route::Check {
                    url: target.to_string(),
                    timeout_s,
                };
                // The same address again changes no route: checked again from here.
                if !navigate(&next) {
                    start(target.to_string(), timeout_s);
                }
            }
        }
    };

    // The final report counts only if it is the newest check's. `newest` is read, not
    // tracked: starting a check changes nothing on screen until it has something to show.
    let shown = Memo::new(move |_| {
        let finished = run.value().with(|done| match done {
            Some((generation, report)) if newest.try_get_value() == Some(*generation) => {
                Some(report.clone())
            }
            _ => None,
        });
        finished.map_or_else(|| phase.get(), |report| Phase::Decided(Box::new(report)))
    });
    let running = Memo::new(move |_| match &*shown.read() {
        Phase::Running(running) => Some(running.clone()),
        _ => None,
    });
    let report = Memo::new(move |_| match &*shown.read() {
        Phase::Decided(report) => Some(ProbeReport::clone(report)),
        _ => None,
    });
    let busy = Signal::derive(move || running.with(Option::is_some));

    view! {
        <h1 id="quick-check-title">"Is this MCP server working?"</h1>
        <p class="lede">
            "Paste the URL of an MCP server. Your browser runs the check itself: "
            <code>"initialize"</code>", "<code>"tools/list"</code>
            ", then it closes the session. Nothing goes through our servers."
        </p>
        <CheckForm url=url error=field_error busy=busy on_submit=on_submit />
        <CheckProgress running=running />
        <CheckVerdict report=report />
    }
}

/// Paints one check's progress: at most once a frame (on a fast server, drawing every step
/// would hold up the next request), the first only after [`PROGRESS_DELAY_MS`], and nothing
/// once a newer check started.
struct Painter {
    generation: u64,
    url: String,
    newest: StoredValue<u64>,
    phase: RwSignal<Phase>,
    /// Progress waiting for the next frame.
    queued: Rc<RefCell<Option<check::Running>>>,
    /// Whether this check has painted progress yet.
    painted: Rc<Cell<bool>>,
}

impl Painter {
    fn is_newest(newest: StoredValue<u64>, generation: u64) -> bool {
        newest.try_get_value() == Some(generation)
    }

    fn show(&self, progress: Progress) {
        if !Self::is_newest(self.newest, self.generation) {
            return;
        }
        if let Some(verdict) = progress.verdict {
            self.queued.take();
            self.phase.set(Phase::Decided(Box::new(verdict)));
            return;
        }
        let running = check::running(&self.url, &progress.finished, progress.current);
        let first = self.queued.replace(Some(running)).is_none();
        if !first {
            return;
        }
        let delay = if self.painted.get() {
            0
        } else {
            PROGRESS_DELAY_MS
        };
        let (queued, painted) = (self.queued.clone(), self.painted.clone());
        let (newest, generation, phase) = (self.newest, self.generation, self.phase);
        after_then_next_frame(delay, move || {
            if let Some(running) = queued.take() {
                if Self::is_newest(newest, generation) {
                    painted.set(true);
                    phase.set(Phase::Running(running));
                }
            }
        });
    }
}

/// The URL field, its error, and the button (disabled while a check runs).
#[component]
fn CheckForm(
    url: RwSignal<String>,
    error: RwSignal<Option<String>>,
    busy: Signal<bool>,
    on_submit: impl FnMut(SubmitEvent) + 'static,
) -> impl IntoView {
    view! {
        <form class="check-form" novalidate=true on:submit=on_submit>
            <label for="server-url">"MCP server URL"</label>
            <div class="check-row">
                <input
                    id="server-url"
                    name="url"
                    type="url"
                    inputmode="url"
                    autocomplete="url"
                    spellcheck="false"
                    placeholder="https://example.com/mcp"
                    aria-describedby="server-url-error"
                    aria-invalid=move || if error.read().is_some() { "true" } else { "false" }
                    bind:value=url
                />
                <button type="submit" disabled=busy>
                    {move || if busy.get() { "Checking…" } else { "Check" }}
                </button>
            </div>
            <p id="server-url-error" class="field-error" role="alert">
                {move || error.get().unwrap_or_default()}
            </p>
        </form>
    }
}

/// A check in flight: the steps done, and the one waiting (nothing when none runs).
#[component]
pub fn CheckProgress(#[prop(into)] running: Signal<Option<check::Running>>) -> impl IntoView {
    // A new check's progress replaces the section; its steps are added to it.
    let url = Memo::new(move |_| running.with(|r| r.as_ref().map(|r| r.url.clone())));
    let steps = Memo::new(move |_| {
        running.with(|r| r.as_ref().map(|r| r.steps.clone()).unwrap_or_default())
    });
    let waiting = Memo::new(move |_| running.with(|r| r.as_ref().and_then(|r| r.waiting.clone())));
    move || {
        url.get().map(|url| {
            view! {
                <section
                    id="check-result"
                    class="result"
                    data-state="running"
                    aria-busy="true"
                    aria-live="polite"
                >
                    <h2 class="headline">
                        <span class="spinner" aria-hidden="true"></span>
                        "Checking "
                        <span class="url">{url}</span>
                    </h2>
                    <ol class="steps">
                        <StepRows steps=steps />
                        {move || {
                            waiting
                                .get()
                                .map(|name| {
                                    view! {
                                        <li class="step step-running">
                                            <span class="step-name">{name}</span>
                                            <span class="step-status">"waiting…"</span>
                                        </li>
                                    }
                                })
                        }}
                    </ol>
                </section>
            }
        })
    }
}

/// A finished check's verdict (nothing while there is none). The steps are a list of their
/// own: the session's close is added after the verdict shows.
#[component]
pub fn CheckVerdict(#[prop(into)] report: Signal<Option<ProbeReport>>) -> impl IntoView {
    let verdict = Memo::new(move |_| report.with(|r| r.as_ref().map(check::verdict)));
    let steps = Memo::new(move |_| {
        report.with(|r| {
            r.as_ref()
                .map(|r| check::step_rows(&r.steps))
                .unwrap_or_default()
        })
    });
    let copy_link = move |_| {
        report.with_untracked(|r| {
            if let Some(r) = r {
                copy_to_clipboard(&href_of(&share_route(&r.url)));
            }
        })
    };
    // The same object as `mcp-status check --json`.
    let copy_json = move |_| {
        report.with_untracked(|r| {
            if let Some(r) = r {
                copy_to_clipboard(
                    &serde_json::to_string(&CheckSummary::from(r)).unwrap_or_default(),
                );
            }
        })
    };
    move || {
        verdict.get().map(|v| {
            let icon = match v.icon {
                Icon::Lock => Either::Left(view! {
                    <svg viewBox="0 0 16 16" width="0.9em" height="0.9em">
                        <path
                            fill="currentColor"
                            d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z"
                        />
                    </svg>
                }),
                Icon::Mark(mark) => Either::Right(mark),
            };
            let share = share_route(&v.url).to_hash();
            view! {
                <section
                    id="check-result"
                    class="result"
                    data-state="done"
                    data-outcome=v.outcome
                    data-layer=v.layer
                    data-tool-count=v.tool_count.map(|n| n.to_string())
                    aria-live="polite"
                >
                    <h2 class="headline">
                        <span class="outcome-icon" aria-hidden="true">{icon}</span>
                        {v.headline}
                    </h2>
                    <p class="url">{v.url}</p>
                    {v.error.map(|error| view! { <p class="error">{error}</p> })}
                    {v.hint.map(|hint| view! { <pre class="hint">{hint}</pre> })}
                    <FactList facts=v.facts />
                    <h3>"Steps"</h3>
                    <ol class="steps">
                        <StepRows steps=steps />
                    </ol>
                    {v.tools.map(|tools| view! { <ToolList tools=tools /> })}
                    <p class="share">
                        <a href=share>"Link to this check"</a>
                        " "
                        <button type="button" class="secondary" on:click=copy_link>
                            "Copy link"
                        </button>
                        <button type="button" class="secondary" on:click=copy_json>
                            "Copy as JSON"
                        </button>
                        " "
                        <a class="add-monitor-link" href=v.add_monitor>
                            "Add to my monitors"
                        </a>
                    </p>
                </section>
            }
        })
    }
}

/// The address that checks `url` again, to share (without a timeout of this visit's).
fn share_route(url: &str) -> Route {
    Route::Check {
        url: url.to_owned(),
        timeout_s: None,
    }
}

/// A check's steps, keyed: a step keeps its row as the next ones come in.
#[component]
fn StepRows(steps: Memo<Vec<StepRow>>) -> impl IntoView {
    view! {
        <For each=move || steps.get() key=|row| row.key.clone() let:row>
            <li class=row.class>
                <span class="step-icon" role="img" aria-label=row.meaning>
                    {row.icon}
                </span>
                <span class="step-name">{row.name}</span>
                <span class="step-http">{row.http}</span>
                <span class="step-latency">{row.latency}</span>
                <span class="step-note">{row.note}</span>
            </li>
        </For>
    }
}

#[component]
fn FactList(facts: Facts) -> impl IntoView {
    let Facts {
        server,
        protocol,
        latency,
        tool_count,
        auth,
    } = facts;
    view! {
        <dl class="facts">
            {server
                .map(|server| {
                    view! {
                        <dt>"Server"</dt>
                        <dd class="server-name">
                            {server.name}
                            " "
                            <span class="version">{server.version}</span>
                            {server.title.map(|title| view! { <span class="server-title">{title}</span> })}
                        </dd>
                    }
                })}
            {protocol
                .map(|protocol| {
                    view! {
                        <dt>"Protocol"</dt>
                        <dd class="protocol-version" data-transport=protocol.transport>
                            {protocol.version}
                            {protocol.over}
                        </dd>
                    }
                })}
            <dt>"Latency"</dt>
            <dd>{latency}</dd>
            {tool_count
                .map(|count| {
                    view! {
                        <dt>"Tools"</dt>
                        <dd class="tool-count">{count}</dd>
                    }
                })}
            {auth.map(|auth| view! { <AuthAsks auth=auth /> })}
        </dl>
    }
}

/// What a server that wants credentials asks for.
#[component]
fn AuthAsks(auth: AuthFact) -> impl IntoView {
    let lists = auth
        .lists
        .into_iter()
        .map(|(label, items)| {
            let items = items
                .into_iter()
                .map(|item| view! { <code>{item}</code>" " })
                .collect_view();
            view! { <br />{label}{items} }
        })
        .collect_view();
    view! {
        <dt>"Asks for"</dt>
        <dd class="auth">
            {auth.asks}
            {auth.scope.map(|scope| view! { ", scope "<code>{scope}</code> })}
            {auth.metadata.map(|metadata| view! { <br />"Metadata: "<code>{metadata}</code> })}
            {lists}
            {auth
                .metadata_error
                .map(|error| view! { <br /><span class="muted">{error}</span> })}
        </dd>
    }
}

/// The tools by name, keyed by name: the first [`check::TOOLS_SHOWN`], and how many more.
#[component]
fn ToolList(tools: Tools) -> impl IntoView {
    let Tools {
        heading,
        shown,
        more,
    } = tools;
    view! {
        <h3>{heading}</h3>
        <ul class="tools">
            <For each=move || shown.clone() key=|tool| tool.key.clone() let:tool>
                <li>
                    <code class="tool-name">{tool.name}</code>
                    {tool.title.map(|title| view! { <span class="tool-title">{title}</span> })}
                </li>
            </For>
            {more.map(|more| view! { <li class="tools-more muted">{more}</li> })}
        </ul>
    }
}
