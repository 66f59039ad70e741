//! The quick check's views: the form, the probe in flight, and the verdict. Everything the
//! server sent is text in the tree, never markup.

use super::markup::{el, Element, Node};
use crate::jsonrpc::MODERN_PROTOCOL_VERSION;
use crate::report::{Outcome, ProbeReport, Step, StepReport, StepStatus, Transport};

/// Tools listed by name in a verdict. A list of thousands would take long to draw and read;
/// the count and the heading say how many there are, "Copy as JSON" names them all.
pub const TOOLS_SHOWN: usize = 50;

/// What the quick check shows.
pub enum CheckView<'a> {
    Idle,
    Running {
        url: &'a str,
        finished: &'a [StepReport],
        current: Option<(Step, Option<u32>)>,
    },
    Done {
        report: &'a ProbeReport,
        /// The address of this check, to share.
        share: &'a str,
    },
}

/// The whole quick check: title, form (with the field's error), and the check's state.
pub fn quick_check(view: &CheckView, field_error: Option<&str>) -> Node {
    let running = matches!(view, CheckView::Running { .. });
    let mut button = el("button").attr("type", "submit");
    if running {
        button = button.attr("disabled", "");
    }
    let form = el("form")
        .class("check-form")
        .attr("novalidate", "")
        .child(el("label").attr("for", "server-url").text("MCP server URL"))
        .child(
            el("div")
                .class("check-row")
                .child(
                    el("input")
                        .attr("id", "server-url")
                        .attr("name", "url")
                        .attr("type", "url")
                        .attr("inputmode", "url")
                        .attr("autocomplete", "url")
                        .attr("spellcheck", "false")
                        .attr("placeholder", "https://example.com/mcp")
                        .attr("aria-describedby", "server-url-error")
                        .attr(
                            "aria-invalid",
                            if field_error.is_some() {
                                "true"
                            } else {
                                "false"
                            },
                        ),
                )
                .child(button.text(if running { "Checking…" } else { "Check" })),
        )
        .child(
            el("p")
                .attr("id", "server-url-error")
                .class("field-error")
                .attr("role", "alert")
                .text(field_error.unwrap_or_default()),
        );
    let mut section = el("div")
        .child(
            el("h1")
                .attr("id", "quick-check-title")
                .text("Is this MCP server working?"),
        )
        .child(
            el("p")
                .class("lede")
                .text("Paste the URL of an MCP server. Your browser runs the check itself: ")
                .child(el("code").text("initialize"))
                .text(", ")
                .child(el("code").text("tools/list"))
                .text(", then it closes the session. Nothing goes through our servers."),
        )
        .child(form);
    match view {
        CheckView::Idle => {}
        CheckView::Running {
            url,
            finished,
            current,
        } => section = section.child(progress(url, finished, *current)),
        CheckView::Done { report, share } => section = section.child(result(report, share)),
    }
    section.into()
}

/// The probe in flight: the steps done, and the one waiting.
pub fn progress(url: &str, finished: &[StepReport], current: Option<(Step, Option<u32>)>) -> Node {
    let mut steps = el("ol")
        .class("steps")
        .children(finished.iter().map(step_row));
    if let Some((step, page)) = current {
        steps = steps.child(
            el("li")
                .class("step step-running")
                .child(el("span").class("step-name").text(step_label(step, page)))
                .child(el("span").class("step-status").text("waiting…")),
        );
    }
    el("section")
        .attr("id", "check-result")
        .class("result")
        .attr("data-state", "running")
        .attr("aria-busy", "true")
        .attr("aria-live", "polite")
        .child(
            el("h2")
                .class("headline")
                .child(el("span").class("spinner").attr("aria-hidden", "true"))
                .text("Checking ")
                .child(el("span").class("url").text(url)),
        )
        .child(steps)
        .into()
}

/// The headline: an icon and a word, never colour alone.
pub fn headline(report: &ProbeReport) -> (&'static str, String) {
    match report.outcome {
        Outcome::Ok => ("✓", "Works".to_owned()),
        Outcome::Degraded => ("◐", "Works, but slowly".to_owned()),
        // Drawn as SVG: no font has a lock that every system shows.
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

/// The verdict: headline, error and hint, facts, steps, tools, and what to do next.
pub fn result(report: &ProbeReport, share: &str) -> Node {
    let (icon, title) = headline(report);
    let icon: Node = match report.outcome {
        Outcome::AuthRequired => el("svg")
            .attr("viewBox", "0 0 16 16")
            .attr("width", "0.9em")
            .attr("height", "0.9em")
            .child(el("path").attr("fill", "currentColor").attr(
                "d",
                "M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7h1zm2 0h4V5a2 2 0 0 0-4 0v2z",
            ))
            .into(),
        _ => Node::Text(icon.to_owned()),
    };
    let mut section = el("section")
        .attr("id", "check-result")
        .class("result")
        .attr("data-state", "done")
        .attr("data-outcome", report.outcome.as_str())
        .attr("aria-live", "polite");
    if let Some(layer) = report.layer {
        section = section.attr("data-layer", layer.as_str());
    }
    if let Some(count) = report.tool_count() {
        section = section.attr("data-tool-count", count.to_string());
    }
    section = section
        .child(
            el("h2")
                .class("headline")
                .child(
                    el("span")
                        .class("outcome-icon")
                        .attr("aria-hidden", "true")
                        .child(icon),
                )
                .text(title),
        )
        .child(el("p").class("url").text(report.url.clone()));
    if let Some(error) = &report.error {
        section = section.child(el("p").class("error").text(error.clone()));
    }
    if let Some(hint) = &report.hint {
        section = section.child(el("pre").class("hint").text(hint.clone()));
    }
    section = section
        .child(facts(report))
        .child(el("h3").text("Steps"))
        .child(
            el("ol")
                .class("steps")
                .children(report.steps.iter().map(step_row)),
        );
    if let Some(tools) = &report.tools {
        let items = tools.iter().take(TOOLS_SHOWN).map(|tool| {
            let mut item = el("li").child(el("code").class("tool-name").text(tool.name.clone()));
            if let Some(title) = &tool.title {
                item = item.child(el("span").class("tool-title").text(title.clone()));
            }
            item.into()
        });
        let mut list = el("ul").class("tools").children(items);
        let more = tools.len().saturating_sub(TOOLS_SHOWN);
        if more > 0 {
            list = list.child(
                el("li")
                    .class("tools-more muted")
                    .text(format!("and {more} more")),
            );
        }
        section = section
            .child(el("h3").text(format!("{} tools", tools.len())))
            .child(list);
    }
    let add = super::add_monitor_href(&report.url);
    section
        .child(
            el("p")
                .class("share")
                .child(el("a").attr("href", share).text("Link to this check"))
                .text(" ")
                .child(action_button("copy-link", "Copy link"))
                .child(action_button("copy-json", "Copy as JSON"))
                .text(" ")
                .child(
                    el("a")
                        .class("add-monitor-link")
                        .attr("href", add)
                        .text("Add to my monitors"),
                ),
        )
        .into()
}

fn action_button(action: &'static str, label: &'static str) -> Element {
    el("button")
        .attr("type", "button")
        .class("secondary")
        .attr("data-action", action)
        .text(label)
}

fn facts(report: &ProbeReport) -> Element {
    let mut facts = el("dl").class("facts");
    if let Some(server) = &report.server {
        let mut name = el("dd")
            .class("server-name")
            .text(server.name.clone())
            .text(" ")
            .child(el("span").class("version").text(server.version.clone()));
        if let Some(title) = server.title.as_ref().filter(|t| **t != server.name) {
            name = name.child(el("span").class("server-title").text(format!(" — {title}")));
        }
        facts = facts.child(el("dt").text("Server")).child(name);
    }
    if let Some(version) = &report.protocol_version {
        let stateless = version.as_str() >= MODERN_PROTOCOL_VERSION;
        let mut protocol = el("dd").class("protocol-version").text(version.clone());
        if let Some(transport) = report.transport {
            let label = match transport {
                Transport::StreamableHttp if stateless => "Streamable HTTP, stateless",
                other => other.label(),
            };
            protocol = protocol
                .attr("data-transport", transport.as_str())
                .text(format!(" over {label}"));
        }
        facts = facts.child(el("dt").text("Protocol")).child(protocol);
    }
    facts = facts
        .child(el("dt").text("Latency"))
        .child(el("dd").text(format!(
            "{} ms (timeout {} s)",
            report.latency_ms,
            report.timeout_ms / 1000
        )));
    if let Some(count) = report.tool_count() {
        facts = facts
            .child(el("dt").text("Tools"))
            .child(el("dd").class("tool-count").text(count.to_string()));
    }
    if let Some(auth) = &report.auth {
        let code = |text: &str| el("code").text(text);
        let mut asks = el("dd")
            .class("auth")
            .text(auth.scheme.clone().unwrap_or_else(|| "credentials".into()));
        if let Some(scope) = &auth.scope {
            asks = asks.text(", scope ").child(code(scope));
        }
        if let Some(metadata) = &auth.resource_metadata {
            asks = asks
                .child(el("br"))
                .text("Metadata: ")
                .child(code(metadata));
        }
        for (label, list) in [
            ("Authorization servers: ", &auth.authorization_servers),
            ("Scopes: ", &auth.scopes_supported),
        ] {
            if !list.is_empty() {
                asks = asks.child(el("br")).text(label);
                for item in list {
                    asks = asks.child(code(item)).text(" ");
                }
            }
        }
        if let Some(error) = &auth.metadata_error {
            asks = asks.child(el("br")).child(
                el("span")
                    .class("muted")
                    .text(format!("Metadata not readable: {error}")),
            );
        }
        facts = facts.child(el("dt").text("Asks for")).child(asks);
    }
    facts
}

pub fn step_row(step: &StepReport) -> Node {
    let (icon, label) = match step.status {
        StepStatus::Ok => ("✓", "passed"),
        StepStatus::Failed => ("✕", "failed"),
        StepStatus::Fallback => ("↪", "refused, trying another protocol"),
    };
    let mut row = el("li")
        .attr("class", format!("step step-{}", step.status.as_str()))
        .child(
            el("span")
                .class("step-icon")
                .attr("role", "img")
                .attr("aria-label", label)
                .text(icon),
        )
        .child(
            el("span")
                .class("step-name")
                .text(step_label(step.step, step.page)),
        );
    let http = step
        .http_status
        .map(|s| format!("HTTP {s}"))
        .unwrap_or_default();
    row = row
        .child(el("span").class("step-http").text(http))
        .child(
            el("span")
                .class("step-latency")
                .text(format!("{} ms", step.latency_ms)),
        )
        .child(
            el("span")
                .class("step-note")
                .text(step.note.clone().unwrap_or_default()),
        );
    row.into()
}

pub fn step_label(step: Step, page: Option<u32>) -> String {
    match page {
        Some(page) if page > 1 => format!("{} (page {page})", step.label()),
        _ => step.label().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Layer, ServerInfo, ToolInfo};

    fn report() -> ProbeReport {
        ProbeReport {
            server: Some(ServerInfo {
                name: "<b>srv</b>".into(),
                version: "1.0".into(),
                title: Some("Title".into()),
            }),
            tools: Some(vec![ToolInfo {
                name: "<script>x</script>".into(),
                title: None,
                description: None,
            }]),
            error: Some("connection refused".into()),
            ..ProbeReport::bare(
                "http://127.0.0.1:1/mcp",
                Outcome::Failed,
                Some(Layer::Transport),
            )
        }
    }

    #[test]
    fn the_verdict_names_the_layer_and_keeps_server_text_as_text() {
        let tree = result(&report(), "#/check?url=x");
        let section = tree.as_element().unwrap();
        assert_eq!(section.get("data-outcome"), Some("failed"));
        assert_eq!(section.get("data-layer"), Some("transport"));
        let html = super::super::markup::to_html(&tree);
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"), "{html}");
        assert!(!html.contains("<script>"));
        assert!(tree.text_content().contains("Fails at the transport layer"));
        let add = tree.find_all("add-monitor-link")[0].get("href").unwrap();
        assert_eq!(add, "#/monitors?url=http%3A%2F%2F127.0.0.1%3A1%2Fmcp");
    }

    fn report_with_tools(count: usize) -> ProbeReport {
        let tools = (1..=count)
            .map(|i| ToolInfo {
                name: format!("tool-{i}"),
                title: None,
                description: None,
            })
            .collect();
        ProbeReport {
            tools: Some(tools),
            ..ProbeReport::bare("http://127.0.0.1:1/mcp", Outcome::Ok, None)
        }
    }

    #[test]
    fn a_long_tool_list_shows_the_first_tools_and_how_many_more() {
        let tree = result(&report_with_tools(2_000), "#/check?url=x");
        let section = tree.as_element().unwrap();
        assert_eq!(section.get("data-tool-count"), Some("2000"));
        let names = tree.find_all("tool-name");
        assert_eq!(names.len(), TOOLS_SHOWN);
        let last = Node::from(names[TOOLS_SHOWN - 1].clone()).text_content();
        assert_eq!(last, format!("tool-{TOOLS_SHOWN}"));
        let more = tree.find_all("tools-more");
        assert_eq!(more.len(), 1);
        let more = Node::from(more[0].clone()).text_content();
        assert_eq!(more, format!("and {} more", 2_000 - TOOLS_SHOWN));
        let text = tree.text_content();
        assert!(text.contains("2000 tools"), "{text}");
        assert_eq!(
            tree.find_all("tool-count")
                .iter()
                .map(|e| Node::from((*e).clone()).text_content())
                .collect::<Vec<_>>(),
            ["2000"]
        );
    }

    #[test]
    fn a_list_that_fits_is_shown_whole() {
        for count in [0, 1, TOOLS_SHOWN] {
            let tree = result(&report_with_tools(count), "#/check?url=x");
            assert_eq!(tree.find_all("tool-name").len(), count);
            assert!(tree.find_all("tools-more").is_empty(), "{count}");
        }
    }

    #[test]
    fn a_running_check_disables_the_button_and_shows_the_waiting_step() {
        let view = CheckView::Running {
            url: "http://a/",
            finished: &[],
            current: Some((Step::ToolsList, Some(2))),
        };
        let tree = quick_check(&view, None);
        let html = super::super::markup::to_html(&tree);
        assert!(html.contains("disabled"), "{html}");
        assert!(
            tree.text_content().contains("tools/list (page 2)"),
            "{}",
            tree.text_content()
        );
    }
}
