//! The quick check: a check in flight (the steps done, the one waiting) and its verdict
//! (headline, facts, steps, tools, what to do next), as plain data. Whatever the server sent
//! stays a string here, markup and all (the page renders it as text), but without format
//! characters (`text::without_format`): a right-to-left override in a tool's name must not
//! turn the rest of the line around, nor a zero-width space make two names look alike.

use crate::jsonrpc::MODERN_PROTOCOL_VERSION;
use crate::page::add_monitor_href;
use crate::report::{Outcome, ProbeReport, Step, StepReport, StepStatus, Transport};
use crate::text::without_format;
use std::collections::BTreeMap;

/// Tools listed by name in a verdict. A list of thousands would take long to draw and read;
/// the count and the heading say how many there are, "Copy as JSON" names them all.
pub const TOOLS_SHOWN: usize = 50;

/// A key for a row of a list whose names a server chose: the name, and how many rows before
/// it had the same name. Unique even when a server repeats a name, and a row keeps its key
/// whatever comes after it.
pub type RowKey = (String, usize);

/// One step of a check, done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    pub key: RowKey,
    /// The row's classes: `step step-ok`, `step step-failed`, `step step-fallback`.
    pub class: &'static str,
    /// Never colour alone: a mark, and what it means for screen readers.
    pub icon: &'static str,
    pub meaning: &'static str,
    /// `tools/list (page 2)`.
    pub name: String,
    /// `HTTP 200`, or empty without a response.
    pub http: String,
    pub latency: String,
    pub note: String,
}

/// The steps of a check, in order.
pub fn step_rows(steps: &[StepReport]) -> Vec<StepRow> {
    let names = steps.iter().map(|s| step_label(s.step, s.page)).collect();
    keyed(names)
        .into_iter()
        .zip(steps)
        .map(|((key, name), step)| {
            let (class, icon, meaning) = match step.status {
                StepStatus::Ok => ("step step-ok", "✓", "passed"),
                StepStatus::Failed => ("step step-failed", "✕", "failed"),
                StepStatus::Fallback => (
                    "step step-fallback",
                    "↪",
                    "refused, trying another protocol",
                ),
            };
            StepRow {
                key,
                class,
                icon,
                meaning,
                name,
                http: step
                    .http_status
                    .map(|s| format!("HTTP {s}"))
                    .unwrap_or_default(),
                latency: format!("{} ms", step.latency_ms),
                note: step.note.clone().map(without_format).unwrap_or_default(),
            }
        })
        .collect()
}

/// A step's name as people read it: the JSON-RPC method, and the page of a long tool list.
pub fn step_label(step: Step, page: Option<u32>) -> String {
    match page {
        Some(page) if page > 1 => format!("{} (page {page})", step.label()),
        _ => step.label().to_owned(),
    }
}

/// Each name with its [`RowKey`].
fn keyed(names: Vec<String>) -> Vec<(RowKey, String)> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    names
        .into_iter()
        .map(|name| {
            let before = seen.entry(name.clone()).or_default();
            let key = (name.clone(), *before);
            *before += 1;
            (key, name)
        })
        .collect()
}

/// A check in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Running {
    pub url: String,
    pub steps: Vec<StepRow>,
    /// The step waiting for its answer, by name.
    pub waiting: Option<String>,
}

pub fn running(
    url: &str,
    finished: &[StepReport],
    current: Option<(Step, Option<u32>)>,
) -> Running {
    Running {
        url: without_format(url.to_owned()),
        steps: step_rows(finished),
        waiting: current.map(|(step, page)| step_label(step, page)),
    }
}

/// The headline's mark: an icon and a word, never colour alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    /// A padlock, drawn (no font has one that every system shows).
    Lock,
    Mark(&'static str),
}

/// A finished check, all but its steps ([`step_rows`]): those grow by one when the session
/// is closed after the verdict shows, and the rest stays as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `data-outcome`: `ok`, `degraded`, `auth_required`, `blocked`, `failed`.
    pub outcome: &'static str,
    /// `data-layer`, when it failed: `transport`, `http`, `initialize`, `tools`.
    pub layer: Option<&'static str>,
    /// `data-tool-count`, when the tool list was read whole.
    pub tool_count: Option<usize>,
    pub icon: Icon,
    pub headline: String,
    /// The URL checked, as the probe resolved it.
    pub url: String,
    pub error: Option<String>,
    /// What to change on the server, to be shown as written (line breaks kept).
    pub hint: Option<String>,
    pub facts: Facts,
    pub tools: Option<Tools>,
    /// My monitors with the form filled in for this URL.
    pub add_monitor: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub server: Option<ServerFact>,
    pub protocol: Option<ProtocolFact>,
    /// `123 ms (timeout 10 s)`.
    pub latency: String,
    pub tool_count: Option<String>,
    pub auth: Option<AuthFact>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFact {
    pub name: String,
    pub version: String,
    /// ` — Title`, when the server has a title other than its name.
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolFact {
    pub version: String,
    /// `data-transport`: `streamable_http` or `http_sse`.
    pub transport: Option<&'static str>,
    /// ` over Streamable HTTP, stateless`, or empty.
    pub over: String,
}

/// What a server that asks for credentials asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthFact {
    /// The scheme (`Bearer`), or "credentials".
    pub asks: String,
    pub scope: Option<String>,
    pub metadata: Option<String>,
    /// The metadata's authorization servers and scopes, those it names.
    pub lists: Vec<(&'static str, Vec<String>)>,
    /// `Metadata not readable: …`.
    pub metadata_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tools {
    /// `12 tools`.
    pub heading: String,
    /// The first [`TOOLS_SHOWN`].
    pub shown: Vec<ToolRow>,
    /// `and 1950 more`, when some are not shown.
    pub more: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolRow {
    pub key: RowKey,
    pub name: String,
    pub title: Option<String>,
}

/// The headline: a mark and a sentence.
pub fn headline(report: &ProbeReport) -> (Icon, String) {
    match report.outcome {
        Outcome::Ok => (Icon::Mark("✓"), "Works".to_owned()),
        Outcome::Degraded => (Icon::Mark("◐"), "Works, but slowly".to_owned()),
        Outcome::AuthRequired => (Icon::Lock, "Up, and requires authentication".to_owned()),
        Outcome::Blocked => (Icon::Mark("⊘"), "Blocked by the browser (CORS)".to_owned()),
        Outcome::Failed => (
            Icon::Mark("✕"),
            match report.layer {
                Some(layer) => format!("Fails at the {} layer", layer.as_str()),
                None => "Fails".to_owned(),
            },
        ),
    }
}

pub fn verdict(report: &ProbeReport) -> Verdict {
    let (icon, headline) = headline(report);
    Verdict {
        outcome: report.outcome.as_str(),
        layer: report.layer.map(|l| l.as_str()),
        tool_count: report.tool_count(),
        icon,
        headline,
        url: without_format(report.url.clone()),
        error: report.error.clone().map(without_format),
        hint: report.hint.clone().map(without_format),
        facts: facts(report),
        tools: report.tools.as_ref().map(|tools| {
            let names = tools
                .iter()
                .take(TOOLS_SHOWN)
                .map(|t| without_format(t.name.clone()));
            let shown = keyed(names.collect())
                .into_iter()
                .zip(tools)
                .map(|((key, name), tool)| ToolRow {
                    key,
                    name,
                    title: tool.title.clone().map(without_format),
                })
                .collect();
            let more = tools.len().saturating_sub(TOOLS_SHOWN);
            Tools {
                heading: format!("{} tools", tools.len()),
                shown,
                more: (more > 0).then(|| format!("and {more} more")),
            }
        }),
        add_monitor: add_monitor_href(&report.url),
    }
}

fn facts(report: &ProbeReport) -> Facts {
    Facts {
        server: report.server.as_ref().map(|server| {
            let name = without_format(server.name.clone());
            ServerFact {
                version: without_format(server.version.clone()),
                title: server
                    .title
                    .clone()
                    .map(without_format)
                    .filter(|t| *t != name)
                    .map(|t| format!(" — {t}")),
                name,
            }
        }),
        protocol: report.protocol_version.as_ref().map(|version| {
            let stateless = version.as_str() >= MODERN_PROTOCOL_VERSION;
            ProtocolFact {
                version: without_format(version.clone()),
                transport: report.transport.map(Transport::as_str),
                over: report
                    .transport
                    .map(|transport| match transport {
                        Transport::StreamableHttp if stateless => {
                            " over Streamable HTTP, stateless".to_owned()
                        }
                        other => format!(" over {}", other.label()),
                    })
                    .unwrap_or_default(),
            }
        }),
        latency: format!(
            "{} ms (timeout {} s)",
            report.latency_ms,
            report.timeout_ms / 1000
        ),
        tool_count: report.tool_count().map(|n| n.to_string()),
        auth: report.auth.as_ref().map(|auth| AuthFact {
            asks: auth
                .scheme
                .clone()
                .map_or_else(|| "credentials".to_owned(), without_format),
            scope: auth.scope.clone().map(without_format),
            metadata: auth.resource_metadata.clone().map(without_format),
            lists: [
                ("Authorization servers: ", &auth.authorization_servers),
                ("Scopes: ", &auth.scopes_supported),
            ]
            .into_iter()
            .filter(|(_, list)| !list.is_empty())
            .map(|(label, list)| (label, list.iter().cloned().map(without_format).collect()))
            .collect(),
            metadata_error: auth
                .metadata_error
                .as_ref()
                .map(|e| without_format(format!("Metadata not readable: {e}"))),
        }),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::{AuthChallenge, Layer, ServerInfo, ToolInfo};

    fn failed() -> ProbeReport {
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

    fn with_tools(count: usize) -> ProbeReport {
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
    fn the_verdict_names_the_layer_and_keeps_server_text_as_it_came() {
        let verdict = verdict(&failed());
        assert_eq!(verdict.outcome, "failed");
        assert_eq!(verdict.layer, Some("transport"));
        assert_eq!(verdict.tool_count, Some(1));
        assert_eq!(verdict.icon, Icon::Mark("✕"));
        assert_eq!(verdict.headline, "Fails at the transport layer");
        assert_eq!(verdict.error.as_deref(), Some("connection refused"));
        // Escaping is the renderer's: here the text is exactly what the server sent.
        let tools = verdict.tools.unwrap();
        assert_eq!(tools.shown[0].name, "<script>x</script>");
        let server = verdict.facts.server.unwrap();
        assert_eq!(server.name, "<b>srv</b>");
        assert_eq!(server.title.as_deref(), Some(" — Title"));
        assert_eq!(
            verdict.add_monitor,
            "#/monitors?url=http%3A%2F%2F127.0.0.1%3A1%2Fmcp"
        );
    }

    /// Debug escapes format characters (`\u{202e}`): none may be left in a string of `debug`.
    /// The views' tests lace what they are given with U+202E and U+200B.
    pub(crate) fn assert_no_format(debug: &str) {
        assert!(
            !debug.contains("\\u{202e}") && !debug.contains("\\u{200b}"),
            "{debug}"
        );
    }

    #[test]
    fn what_a_server_says_is_shown_without_format_characters() {
        let laced = |text: &str| format!("\u{202E}{text}\u{200B}");
        let tool = |name: &str| ToolInfo {
            name: laced(name),
            title: Some(laced("Look it up")),
            description: Some(laced("what it does")),
        };
        let report = ProbeReport {
            protocol_version: Some(laced("2025-06-18")),
            transport: Some(Transport::StreamableHttp),
            server: Some(ServerInfo {
                name: laced("<b>srv</b>"),
                version: laced("1.0"),
                // The same name but for its invisible characters: no title of its own.
                title: Some("<b>srv\u{200B}</b>".into()),
            }),
            // The same name twice, once with a zero-width space: the same name.
            tools: Some(vec![tool("search"), tool("se\u{200B}arch")]),
            error: Some(laced("HTTP 500 from txt.exe")),
            hint: Some(laced("Allow the page's origin\nin CORS")),
            auth: Some(AuthChallenge {
                http_status: 401,
                scheme: Some(laced("Bearer")),
                scope: Some(laced("read")),
                resource_metadata: Some(laced("https://a.example/meta")),
                authorization_servers: vec![laced("https://auth.example/")],
                scopes_supported: vec![laced("read"), laced("write")],
                metadata_error: Some(laced("HTTP 404")),
                ..AuthChallenge::default()
            }),
            steps: vec![StepReport {
                note: Some(laced("session id abc")),
                ..step(Step::Initialize, None, StepStatus::Ok)
            }],
            ..ProbeReport::bare(&laced("http://a/"), Outcome::AuthRequired, None)
        };
        let verdict = verdict(&report);
        assert_no_format(&format!("{verdict:?}"));
        let steps = step_rows(&report.steps);
        assert_no_format(&format!("{steps:?}"));
        let running = running(&laced("http://a/"), &report.steps, None);
        assert_no_format(&format!("{running:?}"));
        // The visible text stays, markup and line breaks included.
        assert_eq!(verdict.url, "http://a/");
        assert_eq!(verdict.error.as_deref(), Some("HTTP 500 from txt.exe"));
        assert_eq!(
            verdict.hint.as_deref(),
            Some("Allow the page's origin\nin CORS")
        );
        let server = verdict.facts.server.unwrap();
        assert_eq!(
            (server.name.as_str(), server.version.as_str(), server.title),
            ("<b>srv</b>", "1.0", None)
        );
        assert_eq!(verdict.facts.protocol.unwrap().version, "2025-06-18");
        let auth = verdict.facts.auth.unwrap();
        assert_eq!(
            (auth.asks.as_str(), auth.scope.as_deref()),
            ("Bearer", Some("read"))
        );
        assert_eq!(auth.metadata.as_deref(), Some("https://a.example/meta"));
        assert_eq!(auth.lists[1].1, ["read", "write"]);
        assert_eq!(
            auth.metadata_error.as_deref(),
            Some("Metadata not readable: HTTP 404")
        );
        let tools = verdict.tools.unwrap().shown;
        let shown: Vec<(&RowKey, &str, Option<&str>)> = tools
            .iter()
            .map(|t| (&t.key, t.name.as_str(), t.title.as_deref()))
            .collect();
        assert_eq!(
            shown,
            [
                (&("search".to_owned(), 0), "search", Some("Look it up")),
                (&("search".to_owned(), 1), "search", Some("Look it up")),
            ]
        );
        assert_eq!(steps[0].note, "session id abc");
        assert_eq!(running.url, "http://a/");
    }

    #[test]
    fn every_outcome_has_a_mark_and_a_sentence() {
        for outcome in Outcome::ALL {
            let layer = (outcome == Outcome::Failed).then_some(Layer::Tools);
            let verdict = verdict(&ProbeReport::bare("http://a/", outcome, layer));
            assert_eq!(verdict.outcome, outcome.as_str());
            assert!(!verdict.headline.is_empty());
            assert_eq!(verdict.layer.is_some(), outcome == Outcome::Failed);
        }
        let locked = verdict(&ProbeReport::bare("http://a/", Outcome::AuthRequired, None));
        assert_eq!(locked.icon, Icon::Lock);
        let unknown = verdict(&ProbeReport::bare("http://a/", Outcome::Failed, None));
        assert_eq!(unknown.headline, "Fails");
    }

    #[test]
    fn a_long_tool_list_shows_the_first_tools_and_how_many_more() {
        let verdict = verdict(&with_tools(2_000));
        assert_eq!(verdict.tool_count, Some(2_000));
        assert_eq!(verdict.facts.tool_count.as_deref(), Some("2000"));
        let tools = verdict.tools.unwrap();
        assert_eq!(tools.heading, "2000 tools");
        assert_eq!(tools.shown.len(), TOOLS_SHOWN);
        assert_eq!(
            tools.shown[TOOLS_SHOWN - 1].name,
            format!("tool-{TOOLS_SHOWN}")
        );
        assert_eq!(
            tools.more.as_deref(),
            Some(format!("and {} more", 2_000 - TOOLS_SHOWN).as_str())
        );
    }

    #[test]
    fn a_list_that_fits_is_shown_whole() {
        for count in [0, 1, TOOLS_SHOWN] {
            let tools = verdict(&with_tools(count)).tools.unwrap();
            assert_eq!(tools.shown.len(), count);
            assert_eq!(tools.more, None, "{count}");
            assert_eq!(tools.heading, format!("{count} tools"));
        }
        let none = verdict(&ProbeReport::bare("http://a/", Outcome::Ok, None));
        assert_eq!(none.tools, None);
        assert_eq!(none.tool_count, None);
    }

    #[test]
    fn rows_of_a_repeated_name_get_keys_of_their_own() {
        let mut report = with_tools(2);
        let tools = report.tools.as_mut().unwrap();
        tools.push(tools[0].clone());
        tools.push(tools[0].clone());
        let keys: Vec<RowKey> = verdict(&report)
            .tools
            .unwrap()
            .shown
            .into_iter()
            .map(|t| t.key)
            .collect();
        assert_eq!(
            keys,
            [
                ("tool-1".to_owned(), 0),
                ("tool-2".to_owned(), 0),
                ("tool-1".to_owned(), 1),
                ("tool-1".to_owned(), 2),
            ]
        );
    }

    fn step(step: Step, page: Option<u32>, status: StepStatus) -> StepReport {
        StepReport {
            step,
            page,
            status,
            http_status: Some(200),
            latency_ms: 7,
            note: None,
        }
    }

    #[test]
    fn a_running_check_lists_its_steps_and_the_one_waiting() {
        let done = [
            step(Step::Initialize, None, StepStatus::Fallback),
            step(Step::Initialize, None, StepStatus::Ok),
            step(Step::ToolsList, Some(1), StepStatus::Ok),
        ];
        let running = running("http://a/", &done, Some((Step::ToolsList, Some(2))));
        assert_eq!(running.url, "http://a/");
        assert_eq!(running.waiting.as_deref(), Some("tools/list (page 2)"));
        let rows = &running.steps;
        assert_eq!(rows[0].class, "step step-fallback");
        assert_eq!(rows[0].meaning, "refused, trying another protocol");
        assert_eq!(rows[1].icon, "✓");
        assert_eq!(rows[2].name, "tools/list");
        assert_eq!(
            (rows[2].http.as_str(), rows[2].latency.as_str()),
            ("HTTP 200", "7 ms")
        );
        // A step that is tried again is a row of its own; a row keeps its key as steps follow.
        assert_ne!(rows[0].key, rows[1].key);
        let more =
            step_rows(&[done.as_slice(), &[step(Step::Close, None, StepStatus::Ok)]].concat());
        assert_eq!(more[..3], rows[..]);
        assert_eq!(more[3].name, "close session (DELETE)");
    }

    #[test]
    fn facts_say_the_protocol_the_transport_and_what_a_server_asks_for() {
        let report = ProbeReport {
            protocol_version: Some(MODERN_PROTOCOL_VERSION.into()),
            transport: Some(Transport::StreamableHttp),
            server: Some(ServerInfo {
                name: "srv".into(),
                version: "2".into(),
                title: Some("srv".into()),
            }),
            auth: Some(AuthChallenge {
                http_status: 401,
                scheme: Some("Bearer".into()),
                scope: Some("read".into()),
                scopes_supported: vec!["read".into(), "write".into()],
                metadata_error: Some("HTTP 404".into()),
                ..AuthChallenge::default()
            }),
            latency_ms: 120,
            timeout_ms: 30_000,
            ..ProbeReport::bare("http://a/", Outcome::AuthRequired, None)
        };
        let facts = verdict(&report).facts;
        assert_eq!(facts.latency, "120 ms (timeout 30 s)");
        let protocol = facts.protocol.unwrap();
        assert_eq!(protocol.transport, Some("streamable_http"));
        assert_eq!(protocol.over, " over Streamable HTTP, stateless");
        assert_eq!(
            facts.server.unwrap().title,
            None,
            "a title equal to the name"
        );
        let auth = facts.auth.unwrap();
        assert_eq!(auth.asks, "Bearer");
        assert_eq!(auth.scope.as_deref(), Some("read"));
        assert_eq!(
            auth.lists,
            [("Scopes: ", vec!["read".to_owned(), "write".to_owned()])]
        );
        assert_eq!(
            auth.metadata_error.as_deref(),
            Some("Metadata not readable: HTTP 404")
        );
        let legacy = ProbeReport {
            protocol_version: Some("2024-11-05".into()),
            transport: Some(Transport::HttpSse),
            ..ProbeReport::bare("http://a/", Outcome::Ok, None)
        };
        let protocol = verdict(&legacy).facts.protocol.unwrap();
        assert_eq!(protocol.transport, Some("http_sse"));
        assert_eq!(
            protocol.over,
            format!(" over {}", Transport::HttpSse.label())
        );
    }
}
