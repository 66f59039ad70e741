//! The verdict of a quick check. Everything the server sent is rendered as text.

use super::check_progress::step_row;
use crate::browser::clipboard::copy_to_clipboard;
use crate::browser::location::href_of;
use crate::route::Route;
use leptos::prelude::*;
use mcp_status_core::report::Transport;
use mcp_status_core::summary::CheckSummary;
use mcp_status_core::{Outcome, ProbeReport};

/// The headline: an icon and a word, never colour alone.
pub fn headline(report: &ProbeReport) -> (&'static str, String) {
    match report.outcome {
        Outcome::Ok => ("✓", "Works".to_owned()),
        Outcome::Degraded => ("◐", "Works, but slowly".to_owned()),
        // Drawn as SVG in the headline: no font has a lock that every system shows.
        Outcome::AuthRequired => ("", "Up, and requires authentication".to_owned()),
        Outcome::Blocked => ("⊘", "Blocked by the browser (CORS)".to_owned()),
        Outcome::Failed => (
            "✕",
            match report.layer {
                Some(layer) => format!("Fails at the {} layer", layer.as_str()),
                None => "Fails".to_owned(),
            },
        ),
    }
}

#[component]
pub fn CheckResult(report: ProbeReport) -> impl IntoView {
    let (icon, title) = headline(&report);
    let share = href_of(&Route::Check {
        url: report.url.clone(),
        timeout_s: None,
    });
    let add = Route::AddMonitor(report.url.clone()).to_hash();
    let tool_count = report.tool_count();
    // The same object as `mcp-status check --json`.
    let json = serde_json::to_string_pretty(&CheckSummary::from(&report)).unwrap_or_default();
    let server = report.server.clone().map(|server| {
        let title = server.title.filter(|t| *t != server.name);
        view! {
            <dt>"Server"</dt>
            <dd class="server-name">
                {server.name} " " <span class="version">{server.version}</span>
                {title.map(|t| view! { <span class="server-title">" — " {t}</span> })}
            </dd>
        }
    });
    let protocol = report.protocol_version.clone().map(|version| {
        let stateless = version.as_str() >= mcp_status_core::jsonrpc::MODERN_PROTOCOL_VERSION;
        let transport = report.transport.map(|transport| {
            let label = match transport {
                Transport::StreamableHttp if stateless => "Streamable HTTP, stateless",
                other => other.label(),
            };
            format!(" over {label}")
        });
        view! {
            <dt>"Protocol"</dt>
            <dd class="protocol-version" data-transport=report.transport.map(Transport::as_str)>
                {version} {transport}
            </dd>
        }
    });
    let auth = report.auth.clone().map(|auth| {
        view! {
            <dt>"Asks for"</dt>
            <dd class="auth">
                {auth.scheme.unwrap_or_else(|| "credentials".into())}
                {auth.scope.map(|s| view! { ", scope " <code>{s}</code> })}
                {auth.resource_metadata.map(|m| view! { <br/> "Metadata: " <code>{m}</code> })}
                {(!auth.authorization_servers.is_empty()).then(|| view! {
                    <br/> "Authorization servers: "
                    {auth.authorization_servers.into_iter().map(|s| view! { <code>{s}</code> " " }).collect_view()}
                })}
                {(!auth.scopes_supported.is_empty()).then(|| view! {
                    <br/> "Scopes: "
                    {auth.scopes_supported.into_iter().map(|s| view! { <code>{s}</code> " " }).collect_view()}
                })}
                {auth.metadata_error.map(|e| view! { <br/> <span class="muted">"Metadata not readable: " {e}</span> })}
            </dd>
        }
    });
    let tools = report.tools.clone().map(|tools| {
        view! {
            <h3>{format!("{} tools", tools.len())}</h3>
            <ul class="tools">
                {tools.into_iter().map(|tool| view! {
                    <li>
                        <code class="tool-name">{tool.name}</code>
                        {tool.title.map(|t| view! { <span class="tool-title">{t}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        }
    });
    view! {
        <section
            id="check-result"
            class="result"
            data-state="done"
            data-outcome=report.outcome.as_str()
            data-layer=report.layer.map(|layer| layer.as_str())
            data-tool-count=tool_count.map(|n| n.to_string())
            aria-live="polite"
        >
            <h2 class="headline">
                <span class="outcome-icon" aria-hidden="true">
                    {if report.outcome == Outcome::AuthRequired {
                        view! {
                            <svg viewBox="0 0 16 16" width="0.9em" height="0.9em">
                                <path
                                    fill="currentColor"
                                    d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z"
                                ></path>
                            </svg>
                        }
                            .into_any()
                    } else {
                        icon.into_any()
                    }}
                </span>
                {title}
            </h2>
            <p class="url">{report.url.clone()}</p>
            {report.error.clone().map(|error| view! { <p class="error">{error}</p> })}
            {report.hint.clone().map(|hint| view! { <pre class="hint">{hint}</pre> })}
            <dl class="facts">
                {server}
                {protocol}
                <dt>"Latency"</dt>
                <dd>{format!("{} ms (timeout {} s)", report.latency_ms, report.timeout_ms / 1000)}</dd>
                {tool_count.map(|n| view! { <dt>"Tools"</dt> <dd class="tool-count">{n}</dd> })}
                {auth}
            </dl>
            <h3>"Steps"</h3>
            <ol class="steps">{report.steps.clone().into_iter().map(step_row).collect_view()}</ol>
            {tools}
            <p class="share">
                <a href=share.clone()>"Link to this check"</a>
                " "
                <button type="button" class="secondary" on:click=move |_| copy_to_clipboard(&share)>
                    "Copy link"
                </button>
                <button type="button" class="secondary" on:click=move |_| copy_to_clipboard(&json)>
                    "Copy as JSON"
                </button>
                " "
                <a class="add-monitor-link" href=add>"Add to my monitors"</a>
            </p>
        </section>
    }
}
