//! One server in detail: both uptimes per window, latency over the last day (p50 and p95,
//! inline SVG), the probe timeline where a cold start and an outage look as different as they
//! are (spec section 3), incidents with their duration and first error, schema drift as a
//! diff of the tool list, and the current tools.

use super::markup::{div, el, Element, Node};
use crate::fingerprint::{self, DriftKind};
use crate::monitor::events::{ColdStart, Incident};
use crate::monitor::history::format_time;
use crate::monitor::record::{Health, Millis, ProbeRecord, DAY};
use crate::monitor::rollup::Uptime;
use crate::status::{self, percent, ServerView, Window};
use crate::text::clip;
use crate::view::overview::{condition_label, coverage};
use serde_json::Value;

/// What the detail page is drawn from.
pub struct Detail<'a> {
    pub view: &'a ServerView,
    /// The last 24 hours, hour by hour, oldest first (`ServerMonitor::hours`).
    pub hours: &'a [(Millis, Uptime)],
    /// Raw probes of the last 24 hours, oldest first.
    pub probes: &'a [ProbeRecord],
    pub incidents: &'a [Incident],
    pub cold_starts: &'a [ColdStart],
    /// Tool lists as the server sent them, each when its fingerprint changed, oldest first.
    pub snapshots: &'a [(Millis, Vec<Value>)],
    pub now: Millis,
}

/// How the timeline tells probes apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeClass {
    Ok,
    /// Passed, slowly, right after a cold start.
    SlowRecovery,
    /// A failure the next probe recovered from: the server was waking up (left out of SLO).
    ColdStart,
    /// A failure inside a confirmed incident.
    Outage,
    /// A failure not (yet) confirmed as an outage.
    Failure,
    /// The browser kept the answer from the page (CORS): no data.
    Blocked,
}

impl ProbeClass {
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeClass::Ok => "ok",
            ProbeClass::SlowRecovery => "slow_recovery",
            ProbeClass::ColdStart => "cold_start",
            ProbeClass::Outage => "outage",
            ProbeClass::Failure => "failure",
            ProbeClass::Blocked => "blocked",
        }
    }

    fn label(self) -> &'static str {
        match self {
            ProbeClass::Ok => "ok",
            ProbeClass::SlowRecovery => "slow, waking up",
            ProbeClass::ColdStart => "cold start: left out of SLO uptime",
            ProbeClass::Outage => "outage",
            ProbeClass::Failure => "failed, not confirmed",
            ProbeClass::Blocked => "blocked by the browser: no data",
        }
    }
}

/// Each probe's class, in order.
pub fn classify(
    probes: &[ProbeRecord],
    incidents: &[Incident],
    cold_starts: &[ColdStart],
    now: Millis,
) -> Vec<ProbeClass> {
    let mut classes = Vec::with_capacity(probes.len());
    for probe in probes {
        let cold = cold_starts.iter().any(|c| c.at == probe.at);
        let class = match probe.health() {
            Health::NoData => ProbeClass::Blocked,
            Health::Down if cold => ProbeClass::ColdStart,
            Health::Down
                if incidents
                    .iter()
                    .any(|i| i.start <= probe.at && probe.at < i.end.unwrap_or(now + 1)) =>
            {
                ProbeClass::Outage
            }
            Health::Down => ProbeClass::Failure,
            Health::Up if classes.last() == Some(&ProbeClass::ColdStart) || cold => {
                ProbeClass::SlowRecovery
            }
            Health::Up => ProbeClass::Ok,
        };
        classes.push(class);
    }
    classes
}

pub fn detail(d: &Detail) -> Node {
    let view = d.view;
    let (mark, word) = condition_label(view);
    let classes = classify(d.probes, d.incidents, d.cold_starts, d.now);
    el("div")
        .child(el("p").child(el("a").attr("href", "#/").text("← All servers")))
        .child(
            div("detail-head")
                .attr("data-condition", view.condition.as_str())
                .child(
                    el("h1")
                        .attr("id", "detail-title")
                        .text(view.server.clone()),
                )
                .child(
                    el("p")
                        .class("condition")
                        .child(
                            el("span")
                                .class("icon")
                                .attr("aria-hidden", "true")
                                .text(mark),
                        )
                        .text(format!(" {word}")),
                )
                .child(el("p").class("url").text(view.url.clone())),
        )
        .child(windows(view))
        .child(latency_chart(d.hours))
        .child(timeline(d, &classes))
        .child(incidents(d.incidents, d.now))
        .child(drift(d.snapshots))
        .child(tools(d.snapshots))
        .into()
}

fn section(title: &'static str, class: &'static str) -> Element {
    el("section").class(class).child(el("h2").text(title))
}

/// Both uptimes, coverage, incidents and cold starts for every window.
fn windows(view: &ServerView) -> Node {
    let head = el("tr").children(
        [
            "Window",
            "Wall-clock",
            "SLO",
            "Coverage",
            "Incidents",
            "Cold starts",
        ]
        .map(|h| el("th").attr("scope", "col").text(h).into()),
    );
    let rows = Window::ALL.iter().map(|w| {
        let u = view.window(*w);
        el("tr")
            .attr("data-window", w.label())
            .child(el("th").attr("scope", "row").text(w.label()))
            .child(
                el("td")
                    .class("wall-clock-uptime")
                    .text(percent(u.wall_clock_uptime)),
            )
            .child(el("td").class("slo-uptime").text(percent(u.slo_uptime)))
            .child(el("td").class("coverage").text(coverage(u.coverage)))
            .child(el("td").text(u.incidents.to_string()))
            .child(el("td").text(u.cold_starts.to_string()))
            .into()
    });
    let mut out = section("Uptime", "windows").child(
        el("table")
            .child(el("thead").child(head))
            .child(el("tbody").children(rows)),
    );
    if let Some(explanation) = status::explain(view.window(Window::Month)) {
        out = out.child(el("p").class("explain").text(explanation));
    }
    out.into()
}

const CHART_W: i64 = 600;
const CHART_H: i64 = 160;

/// p50 and p95 latency of each hour as two lines; an hour without data breaks the line.
fn latency_chart(hours: &[(Millis, Uptime)]) -> Node {
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
    let svg = el("svg")
        .attr("viewBox", format!("0 0 {CHART_W} {CHART_H}"))
        .attr("role", "img")
        .attr("aria-label", label)
        .attr("preserveAspectRatio", "none")
        .child(
            el("line")
                .class("grid")
                .attr("x1", "0")
                .attr("x2", CHART_W.to_string())
                .attr("y1", "10")
                .attr("y2", "10"),
        )
        .child(
            el("line")
                .class("grid")
                .attr("x1", "0")
                .attr("x2", CHART_W.to_string())
                .attr("y1", (CHART_H - 10).to_string())
                .attr("y2", (CHART_H - 10).to_string()),
        )
        .child(el("path").class("p95").attr("d", line(|u| u.p95_ms)))
        .child(el("path").class("p50").attr("d", line(|u| u.p50_ms)));
    let mut out = section("Latency, last 24 hours", "latency");
    if p50.is_empty() {
        out = out.child(
            el("p")
                .class("muted")
                .text("No passing probes in the last 24 hours."),
        );
    }
    out.child(
        el("figure")
            .class("chart")
            .child(
                div("chart-scale")
                    .child(el("span").text(format!("{max} ms")))
                    .child(el("span").text("0")),
            )
            .child(svg)
            .child(
                div("chart-axis")
                    .child(el("span").text("24 h ago"))
                    .child(el("span").text("now")),
            )
            .child(
                el("figcaption")
                    .child(el("span").class("key p50").text("p50"))
                    .child(el("span").class("key p95").text("p95"))
                    .text(" per hour; each percentile is the top of its 40 % bucket."),
            ),
    )
    .into()
}

/// The last day of probes as a strip (one mark per probe, by class), then the latest ones as
/// a log, the way spec section 3 writes the signatures.
fn timeline(d: &Detail, classes: &[ProbeClass]) -> Node {
    let start = d.now - DAY;
    let marks = d.probes.iter().zip(classes).map(|(probe, class)| {
        let x = (probe.at - start).clamp(0, DAY) * 1000 / DAY;
        let tall = !matches!(class, ProbeClass::Ok | ProbeClass::Blocked);
        el("rect")
            .attr("class", class.as_str())
            .attr("x", x.to_string())
            .attr("y", if tall { "0" } else { "10" })
            .attr("width", "3")
            .attr("height", if tall { "30" } else { "20" })
            .into()
    });
    let strip = el("svg")
        .class("strip")
        .attr("viewBox", "0 0 1003 30")
        .attr("preserveAspectRatio", "none")
        .attr("aria-hidden", "true")
        .children(marks);
    let legend = [
        ProbeClass::Ok,
        ProbeClass::SlowRecovery,
        ProbeClass::ColdStart,
        ProbeClass::Outage,
        ProbeClass::Failure,
    ]
    .map(|class| {
        el("li")
            .attr("data-class", class.as_str())
            .text(class.label())
            .into()
    });
    let log = d
        .probes
        .iter()
        .zip(classes)
        .rev()
        .take(40)
        .map(|(probe, class)| {
            let mut line = el("li")
                .class("probe")
                .attr("data-class", class.as_str())
                .child(el("time").text(time_of(probe.at)))
                .child(el("span").class("outcome").text(outcome_of(probe)))
                .child(
                    el("span")
                        .class("latency")
                        .text(format!("{} ms", probe.latency_ms)),
                )
                .child(el("span").class("tag").text(class.label()));
            if let Some(cold) = d
                .cold_starts
                .iter()
                .find(|c| c.at == probe.at && c.post_idle)
            {
                line = line.attr("data-post-idle", "true").child(
                    el("span").class("tag post-idle").text(format!(
                        "post-idle: first probe after an idle gap{}",
                        if cold.failed { "" } else { ", slow" }
                    )),
                );
            }
            if let Some(error) = &probe.error {
                line = line.child(el("span").class("error").text(clip(error, 160)));
            }
            line.into()
        });
    let mut out = section("Probes, last 24 hours", "timeline")
        .child(strip)
        .child(
            div("chart-axis")
                .child(el("span").text("24 h ago"))
                .child(el("span").text("now")),
        )
        .child(el("ul").class("legend").children(legend));
    if d.probes.is_empty() {
        out = out.child(
            el("p")
                .class("muted")
                .text("No probes in the last 24 hours."),
        );
    }
    out.child(el("ol").class("probe-log").children(log)).into()
}

fn incidents(incidents: &[Incident], now: Millis) -> Node {
    let mut sorted: Vec<&Incident> = incidents.iter().collect();
    sorted.sort_by_key(|i| std::cmp::Reverse(i.start));
    let items = sorted.iter().map(|i| {
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
        el("li")
            .class("incident")
            .attr("data-open", if i.end.is_none() { "true" } else { "false" })
            .child(el("strong").text(format!("{} · {layer} layer", i.severity.as_str())))
            .text(format!(" · from {} · {duration}", time_of(i.start)))
            .child(el("p").class("error").text(clip(
                i.first_error.as_deref().unwrap_or("no error message"),
                300,
            )))
            .child(el("p").class("muted").text(notes.join("; ")))
            .into()
    });
    let mut out = section("Incidents", "incidents");
    if incidents.is_empty() {
        out = out.child(
            el("p")
                .class("muted")
                .text("No incidents in the history kept here."),
        );
    }
    out.child(el("ul").children(items)).into()
}

/// Each change of the tool list, newest first, as a diff of the lists before and after.
fn drift(snapshots: &[(Millis, Vec<Value>)]) -> Node {
    let changes = snapshots.windows(2).rev().map(|pair| {
        let ((_, before), (at, after)) = (&pair[0], &pair[1]);
        let diff = fingerprint::diff(before, after);
        let kind = match diff.kind() {
            Some(DriftKind::Contract) => "contract change (P2): clients may break",
            Some(DriftKind::Metadata) => "metadata change (P3)",
            None => "no compared field changed",
        };
        let mut list = el("ul").class("diff");
        for name in &diff.added {
            list = list.child(el("li").class("added").text(format!("+ {name}: added")));
        }
        for name in &diff.removed {
            list = list.child(el("li").class("removed").text(format!("− {name}: removed")));
        }
        for change in &diff.changed {
            let mut item = el("li").class("changed").text(format!(
                "~ {}: {} changed",
                change.name,
                change.fields.join(", ")
            ));
            for field in ["title", "description"]
                .iter()
                .filter(|f| change.fields.iter().any(|c| c == *f))
            {
                let text = |tools: &[Value]| {
                    let tool = tools
                        .iter()
                        .find(|t| t.get("name").and_then(Value::as_str) == Some(&change.name));
                    clip(
                        tool.and_then(|t| t.get(*field))
                            .and_then(Value::as_str)
                            .unwrap_or("(none)"),
                        120,
                    )
                };
                item = item.child(el("div").class("was").text(format!(
                    "{field}: “{}” → “{}”",
                    text(before),
                    text(after)
                )));
            }
            list = list.child(item);
        }
        el("li")
            .class("drift")
            .child(el("strong").text(time_of(*at)))
            .text(format!(" · {kind}"))
            .child(list)
            .into()
    });
    let mut out = section("Schema drift", "drift-history");
    if snapshots.len() < 2 {
        out = out.child(
            el("p")
                .class("muted")
                .text("The tool list has not changed in the history kept here."),
        );
    }
    out.child(el("ol").children(changes)).into()
}

fn tools(snapshots: &[(Millis, Vec<Value>)]) -> Node {
    let Some((at, tools)) = snapshots.last() else {
        return section("Tools", "current-tools")
            .child(el("p").class("muted").text("No tool list seen yet."))
            .into();
    };
    let items = tools.iter().map(|tool| {
        let text = |key| tool.get(key).and_then(Value::as_str).unwrap_or_default();
        el("li")
            .child(el("code").class("tool-name").text(text("name")))
            .child(
                el("span")
                    .class("tool-title")
                    .text(clip(text("description"), 160)),
            )
            .into()
    });
    section("Tools", "current-tools")
        .child(el("p").class("muted").text(format!(
            "{} tools, as listed since {}.",
            tools.len(),
            time_of(*at)
        )))
        .child(el("ul").class("tools").children(items))
        .into()
}

/// `2026-11-21 14:16:00 UTC`.
fn time_of(at: Millis) -> String {
    let iso = format_time(at);
    match (iso.get(..10), iso.get(11..19)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => iso,
    }
}

fn outcome_of(probe: &ProbeRecord) -> String {
    match probe.layer {
        Some(layer) => format!("{} at {}", probe.outcome.as_str(), layer.as_str()),
        None => probe.outcome.as_str().to_owned(),
    }
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

    #[test]
    fn a_cold_start_and_an_outage_are_told_apart() {
        use Outcome::{Failed, Ok};
        let probes = [
            probe(0, Ok, 312),
            probe(16, Failed, 30_001),
            probe(17, Ok, 8_342),
            probe(18, Ok, 301),
            probe(30, Failed, 5),
            probe(31, Failed, 5),
            probe(32, Failed, 5),
        ];
        let cold = [crate::monitor::events::ColdStart {
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
        let now = T0 + 33 * 60_000;
        let classes = classify(&probes, std::slice::from_ref(&incident), &cold, now);
        use ProbeClass as C;
        assert_eq!(
            classes,
            [
                C::Ok,
                C::ColdStart,
                C::SlowRecovery,
                C::Ok,
                C::Outage,
                C::Outage,
                C::Outage
            ]
        );

        let view = ServerView::empty("srv", "https://srv.example/mcp", Source::Local, now);
        let before =
            vec![json!({"name": "a", "description": "old", "inputSchema": {"type": "object"}})];
        let after = vec![
            json!({"name": "a", "description": "new", "inputSchema": {"type": "object"}}),
            json!({"name": "<script>b</script>", "inputSchema": {"type": "object"}}),
        ];
        let snapshots = [(T0, before), (T0 + 60_000, after)];
        let tree = detail(&Detail {
            view: &view,
            hours: &[],
            probes: &probes,
            incidents: &[incident],
            cold_starts: &cold,
            snapshots: &snapshots,
            now,
        });
        let text = tree.text_content();
        assert!(
            text.contains("cold start: left out of SLO uptime"),
            "{text}"
        );
        assert!(
            text.contains("post-idle: first probe after an idle gap"),
            "{text}"
        );
        assert!(
            text.contains(
                "P2 · tools layer · from 2026-11-21 00:30:00 UTC · ongoing, 3 min so far"
            ),
            "{text}"
        );
        assert!(text.contains("+ <script>b</script>: added"), "{text}");
        assert!(text.contains("description: “old” → “new”"), "{text}");
        assert!(text.contains("contract change (P2)"), "{text}");
        let html = super::super::markup::to_html(&tree);
        assert!(
            !html.contains("<script>") && !html.contains("<b>"),
            "{html}"
        );
        assert_eq!(tree.find_all("probe").len(), 7);
    }

    #[test]
    fn the_latency_chart_breaks_its_lines_where_there_is_no_data() {
        let hour = |p50, p95| {
            let mut u = Uptime::of(&Default::default(), 1);
            u.p50_ms = p50;
            u.p95_ms = p95;
            (0, u)
        };
        let tree = latency_chart(&[
            hour(Some(100), Some(200)),
            hour(None, None),
            hour(Some(50), Some(100)),
        ]);
        let p95 = tree.find_all("p95")[0].get("d").unwrap().to_owned();
        assert_eq!(p95, "M0 10 l0 0 M600 80 l0 0 ");
        let svg = tree.find_all("chart")[0].children[1].as_element().unwrap();
        assert!(svg
            .get("aria-label")
            .unwrap()
            .contains("p50 between 50 and 100 ms, p95 up to 200 ms"));
    }
}
