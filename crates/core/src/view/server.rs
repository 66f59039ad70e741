//! One server's page: both uptimes per window, latency over the last day (p50 and p95, as two
//! lines of a chart), the probe timeline where a cold start and an outage look as different as
//! they are (spec section 3, `monitor::review::classify`), incidents with their duration and
//! first error, schema drift as a diff of the tool list, and the current tools.
//!
//! [`Summary`] is what the engine's view of the server says (it changes with every round);
//! [`History`] is what storage and the engine's hourly tallies add, read when the server's
//! stored history changes.
//!
//! Names, errors and tool lists come from servers, from imported history and from the user:
//! they are shown without format characters (`text::without_format`, `text::clip`), so that a
//! right-to-left override cannot turn a line around, nor a zero-width space make two names
//! look alike.

use super::overview::{condition_label, coverage};
use crate::fingerprint::{self, DriftKind};
use crate::monitor::events::{ColdStart, Incident};
use crate::monitor::record::{Millis, ProbeRecord, DAY};
use crate::monitor::review::{classify, ProbeClass};
use crate::monitor::rollup::Uptime;
use crate::monitor::store::Recent;
use crate::status::{self, percent, ServerView, Window};
use crate::text::{clip, without_format};
use serde_json::Value;

/// What the page says about a server this page knows: its name, address, condition, and its
/// uptimes in every window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub server: String,
    pub url: String,
    /// `data-condition`.
    pub condition: &'static str,
    /// The condition's mark and word (`overview::condition_label`).
    pub mark: &'static str,
    pub word: String,
    pub windows: Vec<WindowRow>,
    /// Why the two uptimes of the last 30 days differ, when they do.
    pub explanation: Option<String>,
}

/// The uptime table's columns.
pub const WINDOW_COLUMNS: [&str; 6] = [
    "Window",
    "Wall-clock",
    "SLO",
    "Coverage",
    "Incidents",
    "Cold starts",
];

/// One row of the uptime table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowRow {
    /// `data-window`, and the row's heading: "24 h".
    pub label: &'static str,
    pub wall_clock: String,
    pub slo: String,
    pub coverage: String,
    pub incidents: String,
    pub cold_starts: String,
}

pub fn summary(view: &ServerView) -> Summary {
    let (mark, word) = condition_label(view);
    Summary {
        server: without_format(view.server.clone()),
        url: without_format(view.url.clone()),
        condition: view.condition.as_str(),
        mark,
        word,
        windows: Window::ALL
            .iter()
            .map(|w| {
                let u = view.window(*w);
                WindowRow {
                    label: w.label(),
                    wall_clock: percent(u.wall_clock_uptime),
                    slo: percent(u.slo_uptime),
                    coverage: coverage(u.coverage),
                    incidents: u.incidents.to_string(),
                    cold_starts: u.cold_starts.to_string(),
                }
            })
            .collect(),
        explanation: status::explain(view.window(Window::Month)),
    }
}

/// What the page says when no server has the name in the address.
pub const UNKNOWN: &str = "This page knows no server by that name.";

/// The heading of a server's page when no server has the name in the address: the name, which
/// anyone who sends a link chooses, without format characters.
pub fn unknown_heading(name: &str) -> String {
    without_format(name.to_owned())
}

/// The latency chart's drawing area, in its own units.
pub const CHART_W: i64 = 600;
pub const CHART_H: i64 = 160;

/// The latency chart: p50 and p95 of each hour of the last day, as two lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latency {
    /// The top of the scale: "200 ms".
    pub top: String,
    /// What the chart says to screen readers.
    pub label: String,
    /// No hour had a passing probe (the chart is drawn all the same, empty).
    pub empty: bool,
    /// The lines as SVG path data; an hour without data breaks a line, a lone hour is a dot.
    pub p50: String,
    pub p95: String,
}

/// `hours`: the last 24, oldest first (`ServerMonitor::hours`).
pub fn latency(hours: &[(Millis, Uptime)]) -> Latency {
    let max = hours
        .iter()
        .filter_map(|(_, u)| u.p95_ms)
        .max()
        .unwrap_or(0)
        .max(10);
    let step = CHART_W / (hours.len() as i64 - 1).max(1);
    let line = |pick: fn(&Uptime) -> Option<u32>| {
        let mut d = String::new();
        let mut pen_up = true;
        for (i, (_, u)) in hours.iter().enumerate() {
            match pick(u) {
                Some(ms) => {
                    let y = CHART_H - 10 - i64::from(ms) * (CHART_H - 20) / i64::from(max);
                    let x = i as i64 * step;
                    // A lone hour is a dot: a zero-length line with round caps.
                    match pen_up {
                        true => d.push_str(&format!("M{x} {y} l0 0 ")),
                        false => d.push_str(&format!("L{x} {y} ")),
                    }
                    pen_up = false;
                }
                None => pen_up = true,
            }
        }
        d
    };
    let p50: Vec<u32> = hours.iter().filter_map(|(_, u)| u.p50_ms).collect();
    let label = match (p50.iter().min(), p50.iter().max()) {
        (Some(low), Some(high)) => format!(
            "Latency over the last 24 hours: p50 between {low} and {high} ms, p95 up to {max} ms."
        ),
        _ => "Latency over the last 24 hours: no passing probes yet.".to_owned(),
    };
    Latency {
        top: format!("{max} ms"),
        label,
        empty: p50.is_empty(),
        p50: line(|u| u.p50_ms),
        p95: line(|u| u.p95_ms),
    }
}

/// A probe class in words (the timeline's tags and legend).
pub fn label(class: ProbeClass) -> &'static str {
    match class {
        ProbeClass::Ok => "ok",
        ProbeClass::SlowRecovery => "slow, waking up",
        ProbeClass::ColdStart => "cold start: left out of SLO uptime",
        ProbeClass::Outage => "outage",
        ProbeClass::Failure => "failed, not confirmed",
        ProbeClass::Blocked => "blocked by the browser: no data",
    }
}

/// The timeline's legend: the classes its strip colours.
pub const LEGEND: [ProbeClass; 5] = [
    ProbeClass::Ok,
    ProbeClass::SlowRecovery,
    ProbeClass::ColdStart,
    ProbeClass::Outage,
    ProbeClass::Failure,
];

/// The strip's drawing area: a day is 1000 units wide, a mark 3.
pub const STRIP_VIEW_BOX: &str = "0 0 1003 30";

/// A probe, as the strip and the log show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeLine {
    /// Its time, and which of the probes at that time it is (an import may hold two):
    /// unique among a day's probes.
    pub key: (Millis, usize),
    pub class: ProbeClass,
    /// Where its mark is on the strip (0 to 1000), and whether it stands out (tall).
    pub x: i64,
    pub tall: bool,
    /// "2026-11-21 14:16:00 UTC".
    pub time: String,
    /// "failed at http".
    pub outcome: String,
    /// "312 ms".
    pub latency: String,
    /// The first probe after an idle gap met the cold start: said so.
    pub post_idle: Option<String>,
    /// The probe's error, clipped.
    pub error: Option<String>,
}

impl ProbeLine {
    /// `data-class`.
    pub fn class_name(&self) -> &'static str {
        self.class.as_str()
    }

    pub fn tag(&self) -> &'static str {
        label(self.class)
    }
}

/// The log lists this many of the latest probes.
pub const LOG_LENGTH: usize = 40;

/// An incident as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IncidentItem {
    pub id: u64,
    /// `data-open`.
    pub open: bool,
    /// "P1 · http layer".
    pub title: String,
    /// " · from 2026-11-21 00:30:00 UTC · ongoing, 3 min so far".
    pub when: String,
    /// The first error, clipped.
    pub error: String,
    /// Why no alert was sent, when none was.
    pub notes: String,
}

/// One change of the tool list, as a diff of the lists before and after.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Change {
    pub at: Millis,
    pub time: String,
    /// " · contract change (P2): clients may break".
    pub kind: &'static str,
    pub lines: Vec<DiffLine>,
}

/// A line of a diff: `class` is `added`, `removed` or `changed`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DiffLine {
    pub class: &'static str,
    pub text: String,
    /// For a changed title or description: what it was and what it became.
    pub was: Vec<String>,
}

/// The tool list the server sends now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tools {
    /// "4 tools, as listed since 2026-11-21 00:01:00 UTC."
    pub caption: String,
    pub tools: Vec<Tool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tool {
    /// The name, made unique within the list (a server may send a name twice).
    pub key: String,
    pub name: String,
    /// The description, clipped.
    pub description: String,
}

/// What storage and the engine's hourly tallies add to a server's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    pub latency: Latency,
    /// The last day's probes, oldest first.
    pub probes: Vec<ProbeLine>,
    /// Newest first.
    pub incidents: Vec<IncidentItem>,
    /// Newest first.
    pub changes: Vec<Change>,
    /// `None` before the first tool list.
    pub tools: Option<Tools>,
}

impl History {
    /// `hours`: the last 24 hours, hour by hour, oldest first (`ServerMonitor::hours`);
    /// `recent`: what storage holds of the last day (`probes` oldest first, tool lists each
    /// when its fingerprint changed, oldest first), read at `now`.
    pub fn of(hours: &[(Millis, Uptime)], recent: &Recent, now: Millis) -> History {
        History {
            latency: latency(hours),
            probes: probes(&recent.probes, &recent.incidents, &recent.cold_starts, now),
            incidents: incidents(&recent.incidents, now),
            changes: changes(&recent.snapshots),
            tools: tools(&recent.snapshots),
        }
    }

    /// The latest probes, newest first (the log).
    pub fn log(&self) -> impl Iterator<Item = &ProbeLine> {
        self.probes.iter().rev().take(LOG_LENGTH)
    }
}

fn probes(
    probes: &[ProbeRecord],
    incidents: &[Incident],
    cold_starts: &[ColdStart],
    now: Millis,
) -> Vec<ProbeLine> {
    let start = now - DAY;
    let classes = classify(probes, incidents, cold_starts, now);
    let mut lines: Vec<ProbeLine> = Vec::with_capacity(probes.len());
    for (probe, class) in probes.iter().zip(classes) {
        let n = match lines.last() {
            Some(last) if last.key.0 == probe.at => last.key.1 + 1,
            _ => 0,
        };
        let post_idle = cold_starts
            .iter()
            .find(|c| c.at == probe.at && c.post_idle)
            .map(|cold| {
                format!(
                    "post-idle: first probe after an idle gap{}",
                    if cold.failed { "" } else { ", slow" }
                )
            });
        lines.push(ProbeLine {
            key: (probe.at, n),
            class,
            x: (probe.at - start).clamp(0, DAY) * 1000 / DAY,
            tall: !matches!(class, ProbeClass::Ok | ProbeClass::Blocked),
            time: time_of(probe.at),
            outcome: match probe.layer {
                Some(layer) => format!("{} at {}", probe.outcome.as_str(), layer.as_str()),
                None => probe.outcome.as_str().to_owned(),
            },
            latency: format!("{} ms", probe.latency_ms),
            post_idle,
            error: probe.error.as_deref().map(|error| clip(error, 160)),
        });
    }
    lines
}

fn incidents(incidents: &[Incident], now: Millis) -> Vec<IncidentItem> {
    let mut sorted: Vec<&Incident> = incidents.iter().collect();
    sorted.sort_by_key(|i| std::cmp::Reverse(i.start));
    sorted
        .into_iter()
        .map(|i| {
            let duration = match i.end {
                Some(end) => status::duration(end - i.start),
                None => format!("ongoing, {} so far", status::duration(now - i.start)),
            };
            let layer = i.layer.map_or("unknown", |l| l.as_str());
            let mut notes = Vec::new();
            if i.flapping {
                notes.push("flapping: no new alert");
            }
            if i.alerted_at.is_none() {
                notes.push("no alert sent (maintenance or damped)");
            }
            IncidentItem {
                id: i.id,
                open: i.end.is_none(),
                title: format!("{} · {layer} layer", i.severity.as_str()),
                when: format!(" · from {} · {duration}", time_of(i.start)),
                error: clip(i.first_error.as_deref().unwrap_or("no error message"), 300),
                notes: notes.join("; "),
            }
        })
        .collect()
}

fn changes(snapshots: &[(Millis, Vec<Value>)]) -> Vec<Change> {
    snapshots
        .windows(2)
        .rev()
        .map(|pair| {
            let ((_, before), (at, after)) = (&pair[0], &pair[1]);
            let diff = fingerprint::diff(before, after);
            let kind = match diff.kind() {
                Some(DriftKind::Contract) => " · contract change (P2): clients may break",
                Some(DriftKind::Metadata) => " · metadata change (P3)",
                None => " · no compared field changed",
            };
            let mut lines = Vec::new();
            let line = |class, text| DiffLine {
                class,
                text,
                was: Vec::new(),
            };
            for name in &diff.added {
                lines.push(line("added", without_format(format!("+ {name}: added"))));
            }
            for name in &diff.removed {
                lines.push(line(
                    "removed",
                    without_format(format!("− {name}: removed")),
                ));
            }
            for change in &diff.changed {
                let text = |tools: &[Value], field: &str| {
                    let tool = tools
                        .iter()
                        .find(|t| t.get("name").and_then(Value::as_str) == Some(&change.name));
                    clip(
                        tool.and_then(|t| t.get(field))
                            .and_then(Value::as_str)
                            .unwrap_or("(none)"),
                        120,
                    )
                };
                let was = ["title", "description"]
                    .into_iter()
                    .filter(|field| change.fields.iter().any(|c| c == field))
                    .map(|field| {
                        // Both texts are clipped (`clip` drops format characters).
                        format!(
                            "{field}: “{}” → “{}”",
                            text(before, field),
                            text(after, field)
                        )
                    })
                    .collect();
                lines.push(DiffLine {
                    class: "changed",
                    text: without_format(format!(
                        "~ {}: {} changed",
                        change.name,
                        change.fields.join(", ")
                    )),
                    was,
                });
            }
            Change {
                at: *at,
                time: time_of(*at),
                kind,
                lines,
            }
        })
        .collect()
}

fn tools(snapshots: &[(Millis, Vec<Value>)]) -> Option<Tools> {
    let (at, tools) = snapshots.last()?;
    let mut listed: Vec<Tool> = Vec::with_capacity(tools.len());
    for tool in tools {
        let text = |key| tool.get(key).and_then(Value::as_str).unwrap_or_default();
        let name = without_format(text("name").to_owned());
        let twice = listed.iter().filter(|t| t.name == name).count();
        listed.push(Tool {
            key: match twice {
                0 => name.clone(),
                n => format!("{name}\u{0}{n}"),
            },
            name,
            description: clip(text("description"), 160),
        });
    }
    Some(Tools {
        caption: format!("{} tools, as listed since {}.", tools.len(), time_of(*at)),
        tools: listed,
    })
}

/// `2026-11-21 14:16:00 UTC`.
fn time_of(at: Millis) -> String {
    crate::time::format_utc(at, "%Y-%m-%d %H:%M:%S UTC")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::events::Severity;
    use crate::report::{Layer, Outcome};
    use crate::status::Source;
    use serde_json::json;

    const T0: Millis = 1_795_219_200_000;

    fn probe(minute: i64, outcome: Outcome, latency_ms: u32) -> ProbeRecord {
        ProbeRecord {
            at: T0 + minute * 60_000,
            outcome,
            layer: (outcome == Outcome::Failed).then_some(Layer::Tools),
            latency_ms,
            contract_hash: None,
            metadata_hash: None,
            error: (outcome == Outcome::Failed).then(|| "tools/list timed out".to_owned()),
        }
    }

    fn recent() -> Recent {
        use Outcome::{Failed, Ok};
        let probes = vec![
            probe(0, Ok, 312),
            probe(16, Failed, 30_001),
            probe(17, Ok, 8_342),
            probe(18, Ok, 301),
            probe(30, Failed, 5),
            probe(31, Failed, 5),
            probe(32, Failed, 5),
        ];
        let cold_starts = vec![ColdStart {
            at: probes[1].at,
            failed: true,
            post_idle: true,
            elevated_latency_ms: Some(8_342),
        }];
        let incident = Incident {
            id: 1,
            start: probes[4].at,
            end: None,
            severity: Severity::P2,
            layer: Some(Layer::Tools),
            first_error: Some("<b>tools/list</b> timed out".into()),
            evidence: Vec::new(),
            alerted_at: Some(probes[6].at),
            flapping: false,
            escalate_eligible: true,
        };
        let before =
            vec![json!({"name": "a", "description": "old", "inputSchema": {"type": "object"}})];
        let after = vec![
            json!({"name": "a", "description": "new", "inputSchema": {"type": "object"}}),
            json!({"name": "<script>b</script>", "inputSchema": {"type": "object"}}),
            json!({"name": "a", "description": "twice", "inputSchema": {"type": "object"}}),
        ];
        Recent {
            probes,
            incidents: vec![incident],
            cold_starts,
            snapshots: vec![(T0, before), (T0 + 60_000, after)],
            ..Recent::default()
        }
    }

    #[test]
    fn the_day_tells_a_cold_start_from_an_outage_and_says_what_changed() {
        let now = T0 + 33 * 60_000;
        let history = History::of(&[], &recent(), now);
        let classes: Vec<&str> = history.probes.iter().map(ProbeLine::class_name).collect();
        assert_eq!(
            classes,
            [
                "ok",
                "cold_start",
                "slow_recovery",
                "ok",
                "outage",
                "outage",
                "outage"
            ]
        );
        let cold = &history.probes[1];
        assert_eq!(cold.tag(), "cold start: left out of SLO uptime");
        assert_eq!(
            cold.post_idle.as_deref(),
            Some("post-idle: first probe after an idle gap")
        );
        assert_eq!(cold.outcome, "failed at tools");
        assert_eq!(cold.latency, "30001 ms");
        assert_eq!(cold.time, "2026-11-21 00:16:00 UTC");
        assert_eq!(cold.error.as_deref(), Some("tools/list timed out"));
        assert!(cold.tall && !history.probes[0].tall);
        // A minute before `now`: at the strip's end.
        assert_eq!(history.probes[6].x, 999);
        let log: Vec<Millis> = history.log().map(|p| p.key.0).collect();
        assert_eq!(log.first(), Some(&(T0 + 32 * 60_000)));
        assert_eq!(log.len(), 7);

        let incident = &history.incidents[0];
        assert_eq!(
            format!("{}{}", incident.title, incident.when),
            "P2 · tools layer · from 2026-11-21 00:30:00 UTC · ongoing, 3 min so far"
        );
        assert!(incident.open);
        assert_eq!(incident.error, "<b>tools/list</b> timed out");
        assert_eq!(incident.notes, "");

        let change = &history.changes[0];
        assert_eq!(change.kind, " · contract change (P2): clients may break");
        let lines: Vec<&str> = change.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            lines,
            ["+ <script>b</script>: added", "~ a: description changed"]
        );
        assert_eq!(change.lines[1].was, ["description: “old” → “new”"]);

        let tools = history.tools.expect("a tool list");
        assert_eq!(
            tools.caption,
            "3 tools, as listed since 2026-11-21 00:01:00 UTC."
        );
        let keys: Vec<&str> = tools.tools.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["a", "<script>b</script>", "a\u{0}1"]);
        assert_eq!(tools.tools[2].description, "twice");
    }

    #[test]
    fn names_errors_and_tool_lists_are_shown_without_format_characters() {
        use crate::view::check::tests::assert_no_format;
        let laced = |text: &str| format!("\u{202E}{text}\u{200B}");
        let mut recent = recent();
        for probe in &mut recent.probes {
            probe.error = probe.error.as_deref().map(laced);
        }
        recent.incidents[0].first_error = Some(laced("tools/list timed out"));
        let tool = |name: &str, description: &str| {
            json!({"name": laced(name), "title": laced("T"), "description": laced(description),
                   "inputSchema": {"type": "object"}})
        };
        recent.snapshots = vec![
            (T0, vec![tool("a", "old"), tool("gone", "")]),
            (
                T0 + 60_000,
                vec![tool("a", "new"), tool("b", "fresh"), tool("a", "twice")],
            ),
        ];
        let history = History::of(&[], &recent, T0 + 33 * 60_000);
        assert_no_format(&format!("{history:?}"));
        assert_eq!(
            history.probes[1].error.as_deref(),
            Some("tools/list timed out")
        );
        assert_eq!(history.incidents[0].error, "tools/list timed out");
        let lines: Vec<&str> = history.changes[0]
            .lines
            .iter()
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(
            lines,
            ["+ b: added", "− gone: removed", "~ a: description changed"]
        );
        assert_eq!(
            history.changes[0].lines[2].was,
            ["description: “old” → “new”"]
        );
        let tools = history.tools.unwrap().tools;
        let shown: Vec<(&str, &str, &str)> = tools
            .iter()
            .map(|t| (t.key.as_str(), t.name.as_str(), t.description.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("a", "a", "new"),
                ("b", "b", "fresh"),
                ("a\u{0}1", "a", "twice")
            ]
        );

        let view = ServerView::empty(
            &laced("srv <b>"),
            &laced("https://srv.example/mcp"),
            Source::Imported,
            T0,
        );
        let summary = summary(&view);
        assert_no_format(&format!("{summary:?}"));
        assert_eq!(
            (summary.server.as_str(), summary.url.as_str()),
            ("srv <b>", "https://srv.example/mcp")
        );
        assert_eq!(unknown_heading(&laced("who?")), "who?");
    }

    #[test]
    fn probes_at_the_same_time_keep_distinct_keys() {
        let mut recent = recent();
        recent.probes.insert(1, recent.probes[0].clone());
        let history = History::of(&[], &recent, T0 + 33 * 60_000);
        assert_eq!(history.probes[0].key, (T0, 0));
        assert_eq!(history.probes[1].key, (T0, 1));
        let empty = History::of(&[], &Recent::default(), T0);
        assert!(empty.probes.is_empty() && empty.tools.is_none() && empty.changes.is_empty());
    }

    #[test]
    fn the_latency_chart_breaks_its_lines_where_there_is_no_data() {
        let hour = |p50, p95| {
            let mut u = Uptime::of(&Default::default(), 1);
            u.p50_ms = p50;
            u.p95_ms = p95;
            (0, u)
        };
        let chart = latency(&[
            hour(Some(100), Some(200)),
            hour(None, None),
            hour(Some(50), Some(100)),
        ]);
        assert_eq!(chart.p95, "M0 10 l0 0 M600 80 l0 0 ");
        assert_eq!(chart.top, "200 ms");
        assert!(!chart.empty);
        assert!(chart
            .label
            .contains("p50 between 50 and 100 ms, p95 up to 200 ms"));
        let none = latency(&[]);
        assert!(none.empty && none.p50.is_empty());
        assert_eq!(
            none.label,
            "Latency over the last 24 hours: no passing probes yet."
        );
    }

    #[test]
    fn the_summary_has_every_window() {
        let view = ServerView::empty("srv", "https://srv.example/mcp", Source::Local, T0);
        let summary = summary(&view);
        assert_eq!(summary.condition, "no_data");
        assert_eq!(summary.word, "No data yet");
        let labels: Vec<&str> = summary.windows.iter().map(|w| w.label).collect();
        assert_eq!(labels, ["24 h", "7 d", "30 d", "90 d"]);
        assert_eq!(summary.windows[0].wall_clock, "—");
        assert_eq!(summary.windows[0].incidents, "0");
    }
}
