//! The morning review (spec section 8): every failed probe and every event of the last 24
//! hours, by server and by what it was, so that nothing that happened overnight is missed.
//! Each finding can be acknowledged; what is not is counted in the navigation.

use super::markup::{el, Element, Node};
use crate::fingerprint::DriftKind;
use crate::monitor::burn::BurnRule;
use crate::monitor::events::{AlertKind, AlertReason};
use crate::monitor::history::format_minute;
use crate::monitor::record::{Health, Millis, DAY};
use crate::monitor::store::Recent;
use crate::status;
use crate::text::clip;

/// What a finding was, in the order the review lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// A confirmed incident.
    Outage,
    /// A failed probe no incident confirmed and no recovery explained.
    Failure,
    /// A lone failure the next probe recovered from, slowly: the server was waking up.
    ColdStart,
    /// The SLO's error budget spent too fast (a burn-rate alert fired).
    Burn,
    /// An hour whose p95 latency was above the server's threshold (its alert fired).
    SlowHour,
    SchemaDrift,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Outage => "outage",
            Class::Failure => "failure",
            Class::ColdStart => "cold_start",
            Class::Burn => "burn",
            Class::SlowHour => "slow_hour",
            Class::SchemaDrift => "drift",
        }
    }

    fn heading(self) -> &'static str {
        match self {
            Class::Outage => "Outages",
            Class::Failure => "Failed probes, not confirmed",
            Class::ColdStart => "Cold starts (left out of SLO uptime)",
            Class::Burn => "Error budget burning too fast",
            Class::SlowHour => "Slow hours (p95 latency over the threshold)",
            Class::SchemaDrift => "Schema drift",
        }
    }
}

/// One thing that happened, with the key it is acknowledged by.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub server: String,
    pub class: Class,
    pub at: Millis,
    pub text: String,
}

impl Finding {
    /// Stable across reloads and tabs: server, class and time.
    pub fn key(&self) -> String {
        format!("{}|{}|{}", self.server, self.class.as_str(), self.at)
    }
}

/// The findings of one server's last 24 hours before `now`, in time order within each class.
pub fn findings(server: &str, recent: &Recent, now: Millis) -> Vec<Finding> {
    let since = now - DAY;
    let finding = |class, at, text: String| Finding {
        server: server.to_owned(),
        class,
        at,
        text,
    };
    let mut out = Vec::new();
    for incident in recent
        .incidents
        .iter()
        .filter(|i| i.end.is_none_or(|end| end >= since))
    {
        let duration = match incident.end {
            Some(end) => format!("lasted {}", status::duration(end - incident.start)),
            None => "still open".to_owned(),
        };
        let layer = incident.layer.map_or("unknown", |l| l.as_str());
        let error = clip(
            incident
                .first_error
                .as_deref()
                .unwrap_or("no error message"),
            200,
        );
        let text = format!(
            "{} at the {layer} layer, {duration}: {error}",
            incident.severity.as_str()
        );
        out.push(finding(Class::Outage, incident.start, text));
    }
    for probe in recent
        .probes
        .iter()
        .filter(|p| p.at >= since && p.health() == Health::Down)
    {
        let in_incident = recent
            .incidents
            .iter()
            .any(|i| i.start <= probe.at && probe.at < i.end.unwrap_or(Millis::MAX));
        let cold = recent.cold_starts.iter().any(|c| c.at == probe.at);
        if in_incident || cold {
            continue;
        }
        let layer = probe.layer.map_or("unknown", |l| l.as_str());
        let error = clip(probe.error.as_deref().unwrap_or("no error message"), 200);
        let text = format!(
            "failed at the {layer} layer after {} ms: {error}",
            probe.latency_ms
        );
        out.push(finding(Class::Failure, probe.at, text));
    }
    for cold in recent.cold_starts.iter().filter(|c| c.at >= since) {
        let how = if cold.failed {
            "timed out"
        } else {
            "passed slowly"
        };
        let idle = if cold.post_idle {
            ", first probe after an idle gap"
        } else {
            ""
        };
        let recovery = cold
            .elevated_latency_ms
            .map_or(String::new(), |ms| format!("; the next probe took {ms} ms"));
        out.push(finding(
            Class::ColdStart,
            cold.at,
            format!("{how}{idle}{recovery}"),
        ));
    }
    for alert in recent
        .alerts
        .iter()
        .filter(|a| a.at >= since && a.kind == AlertKind::Fire)
    {
        let severity = alert.severity.as_str();
        let (class, text) = match alert.reason {
            AlertReason::Burn { rule } => {
                let how = match rule {
                    BurnRule::Fast => "fast burn: 14.4 times the sustainable rate over an hour",
                    BurnRule::Medium => "medium burn: 6 times the sustainable rate over 6 hours",
                    BurnRule::Slow => "slow burn: on course to spend the whole 30-day budget",
                };
                (Class::Burn, format!("{severity}, {how}"))
            }
            AlertReason::Latency { p95_ms } => (
                Class::SlowHour,
                format!("{severity}, p95 latency {p95_ms} ms over the hour before"),
            ),
            // Found as outages and drift, from the incidents and drift records.
            AlertReason::Downtime { .. } | AlertReason::Drift { .. } => continue,
        };
        out.push(finding(class, alert.at, text));
    }
    for drift in recent.drift.iter().filter(|d| d.at >= since) {
        let text = match drift.kind {
            DriftKind::Contract => "the tool list's contract changed (P2): clients may break",
            DriftKind::Metadata => "tool titles or descriptions changed (P3)",
        };
        out.push(finding(Class::SchemaDrift, drift.at, text.to_owned()));
    }
    out.sort_by_key(|f| (f.class, f.at));
    out
}

/// How many findings nobody acknowledged.
pub fn unacknowledged(findings: &[Finding], acknowledged: &[String]) -> usize {
    findings
        .iter()
        .filter(|f| !acknowledged.contains(&f.key()))
        .count()
}

/// The review: per server (in the order given), per class, each finding with its time and an
/// acknowledge button (`data-action="ack"`, `data-key`), or "acknowledged".
pub fn review(findings: &[Finding], acknowledged: &[String]) -> Node {
    let open = unacknowledged(findings, acknowledged);
    let summary = match (findings.len(), open) {
        (0, _) => "Nothing failed and nothing happened in the last 24 hours.".to_owned(),
        (1, 0) => "The one finding of the last 24 hours is acknowledged.".to_owned(),
        (1, 1) => "One finding in the last 24 hours, not acknowledged yet.".to_owned(),
        (all, 0) => format!("All {all} findings of the last 24 hours are acknowledged."),
        (all, open) => {
            format!("{open} of {all} findings of the last 24 hours not acknowledged yet.")
        }
    };
    let mut root = el("div")
        .child(el("h1").attr("id", "review-title").text("Morning review"))
        .child(el("p").class("lede").text(
            "Every failed probe and every event of the last 24 hours, by server, so that \
             nothing that happened overnight is missed. Acknowledge what you have looked at.",
        ))
        .child(
            el("p")
                .class("review-summary")
                .attr("data-open", open.to_string())
                .text(summary),
        );
    if open > 0 {
        root = root.child(button("ack-all", "", "Acknowledge all"));
    }
    let mut servers: Vec<&str> = Vec::new();
    for finding in findings {
        if !servers.contains(&finding.server.as_str()) {
            servers.push(&finding.server);
        }
    }
    for server in servers {
        let mut section = el("section")
            .class("review-server")
            .attr("data-server", server)
            .child(
                el("h2").child(
                    el("a")
                        .attr("href", super::server_href(server))
                        .text(server),
                ),
            );
        let mine: Vec<&Finding> = findings.iter().filter(|f| f.server == server).collect();
        let mut classes: Vec<Class> = mine.iter().map(|f| f.class).collect();
        classes.dedup();
        for class in classes {
            let items = mine.iter().filter(|f| f.class == class).map(|f| {
                let key = f.key();
                let done = acknowledged.contains(&key);
                let mut item = el("li")
                    .class("finding")
                    .attr("data-class", class.as_str())
                    .attr("data-acknowledged", if done { "true" } else { "false" })
                    .child(el("time").text(format_minute(f.at)))
                    .text(format!(" {}", f.text));
                item = match done {
                    true => item.child(el("span").class("muted").text(" · acknowledged")),
                    false => item.text(" ").child(button("ack", &key, "Acknowledge")),
                };
                item.into()
            });
            let count = mine.iter().filter(|f| f.class == class).count();
            section = section
                .child(el("h3").text(format!("{} ({count})", class.heading())))
                .child(el("ul").class("findings").children(items));
        }
        root = root.child(section);
    }
    root.into()
}

fn button(action: &'static str, key: &str, label: &'static str) -> Element {
    el("button")
        .attr("type", "button")
        .class("secondary")
        .attr("data-action", action)
        .attr("data-key", key)
        .text(label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::events::{Alert, ColdStart, Drift, Incident, Severity};
    use crate::monitor::record::ProbeRecord;
    use crate::report::{Layer, Outcome};

    const NOW: Millis = 1_795_219_200_000 + 8 * 3_600_000;

    fn probe(minutes_ago: i64, outcome: Outcome) -> ProbeRecord {
        ProbeRecord {
            at: NOW - minutes_ago * 60_000,
            outcome,
            layer: (outcome == Outcome::Failed).then_some(Layer::Http),
            latency_ms: 12,
            contract_hash: None,
            metadata_hash: None,
            error: (outcome == Outcome::Failed).then(|| "HTTP 502".to_owned()),
        }
    }

    fn recent() -> Recent {
        let incident_start = NOW - 120 * 60_000;
        Recent {
            probes: vec![
                probe(2_000, Outcome::Failed), // older than a day: not reviewed
                probe(300, Outcome::Failed),   // a lone failure
                probe(200, Outcome::Failed),   // the cold start
                probe(120, Outcome::Failed),   // the outage's
                probe(119, Outcome::Failed),
                probe(1, Outcome::Ok),
            ],
            incidents: vec![Incident {
                id: 1,
                start: incident_start,
                end: Some(NOW - 60 * 60_000),
                severity: Severity::P1,
                layer: Some(Layer::Http),
                first_error: Some("HTTP 502".into()),
                evidence: Vec::new(),
                alerted_at: Some(incident_start),
                flapping: false,
                escalate_eligible: true,
            }],
            cold_starts: vec![ColdStart {
                at: NOW - 200 * 60_000,
                failed: true,
                post_idle: true,
                elevated_latency_ms: Some(8_000),
            }],
            drift: vec![Drift {
                at: NOW - 30 * 60_000,
                kind: DriftKind::Contract,
                contract_before: "a".into(),
                contract_after: "b".into(),
                metadata_before: "c".into(),
                metadata_after: "c".into(),
            }],
            alerts: vec![
                Alert {
                    at: NOW - 100 * 60_000,
                    kind: AlertKind::Fire,
                    severity: Severity::P1,
                    reason: AlertReason::Burn {
                        rule: BurnRule::Fast,
                    },
                },
                Alert {
                    at: NOW - 90 * 60_000,
                    kind: AlertKind::Resolve,
                    severity: Severity::P1,
                    reason: AlertReason::Burn {
                        rule: BurnRule::Fast,
                    },
                },
                Alert {
                    at: NOW - 60 * 60_000,
                    kind: AlertKind::Fire,
                    severity: Severity::P3,
                    reason: AlertReason::Latency { p95_ms: 4_200 },
                },
                // The outage's own alert: found as the outage.
                Alert {
                    at: NOW - 118 * 60_000,
                    kind: AlertKind::Fire,
                    severity: Severity::P1,
                    reason: AlertReason::Downtime { incident: 1 },
                },
            ],
            snapshots: Vec::new(),
        }
    }

    #[test]
    fn every_failure_and_event_of_the_day_is_found_once_and_classified() {
        let found = findings("api", &recent(), NOW);
        let classes: Vec<Class> = found.iter().map(|f| f.class).collect();
        assert_eq!(
            classes,
            [
                Class::Outage,
                Class::Failure,
                Class::ColdStart,
                Class::Burn,
                Class::SlowHour,
                Class::SchemaDrift
            ]
        );
        assert_eq!(
            found[3].text,
            "P1, fast burn: 14.4 times the sustainable rate over an hour"
        );
        assert_eq!(
            found[4].text,
            "P3, p95 latency 4200 ms over the hour before"
        );
        assert!(
            found[0]
                .text
                .starts_with("P1 at the http layer, lasted 1 h: HTTP 502"),
            "{}",
            found[0].text
        );
        assert!(
            found[2].text.contains("first probe after an idle gap"),
            "{}",
            found[2].text
        );
    }

    #[test]
    fn acknowledged_findings_are_counted_out_and_marked() {
        let found = findings("api", &recent(), NOW);
        let acknowledged = vec![found[0].key(), found[5].key()];
        assert_eq!(unacknowledged(&found, &acknowledged), 4);
        let tree = review(&found, &acknowledged);
        let summary = &tree.find_all("review-summary")[0];
        assert_eq!(summary.get("data-open"), Some("4"));
        let items = tree.find_all("finding");
        let done: Vec<Option<&str>> = items.iter().map(|i| i.get("data-acknowledged")).collect();
        assert_eq!(
            done,
            [
                Some("true"),
                Some("false"),
                Some("false"),
                Some("false"),
                Some("false"),
                Some("true")
            ]
        );
        assert_eq!(
            tree.find_all("secondary").len(),
            5,
            "four acknowledge buttons and 'all'"
        );
        let none = review(&[], &[]);
        assert!(none.text_content().contains("Nothing failed"));
        let summary = |acked: &[String]| {
            Node::from(review(&found[..1], acked).find_all("review-summary")[0].clone())
                .text_content()
        };
        assert_eq!(
            summary(&[]),
            "One finding in the last 24 hours, not acknowledged yet."
        );
        assert_eq!(
            summary(&acknowledged),
            "The one finding of the last 24 hours is acknowledged."
        );
    }
}
