//! What a server's recent past was, told apart the way the product spec tells it (sections 3
//! and 8): each raw probe of a day's timeline (a cold start is not an outage, an outage is not
//! an unconfirmed failure), and the findings of the morning review (every failed probe and
//! every event of the last 24 hours, once each). The words are the views' (`view::server`,
//! `view::review`); what counts as what is decided here.

use super::burn::BurnRule;
use super::events::{AlertKind, AlertReason, ColdStart, Incident, Severity};
use super::record::{Health, Millis, ProbeRecord, DAY};
use super::store::Recent;
use crate::fingerprint::DriftKind;
use crate::report::Layer;

/// What one probe of a timeline was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// The class's name (the timeline's `data-class`).
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
}

/// Each probe's class, in order (`probes` oldest first). An incident still open at `now`
/// covers every probe since its start.
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

/// What a finding was, in the order the review lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// The class's name: the review's `data-class`, and part of a finding's key.
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
}

/// What happened, with what the review says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// A confirmed incident; `lasted` is `None` while it is open.
    Outage {
        severity: Severity,
        layer: Option<Layer>,
        lasted: Option<Millis>,
        first_error: Option<String>,
    },
    Failure {
        layer: Option<Layer>,
        latency_ms: u32,
        error: Option<String>,
    },
    ColdStart {
        /// It timed out rather than passing slowly.
        failed: bool,
        post_idle: bool,
        /// The recovering probe's latency, when it was elevated.
        recovery_ms: Option<u32>,
    },
    Burn {
        severity: Severity,
        rule: BurnRule,
    },
    SlowHour {
        severity: Severity,
        p95_ms: u32,
    },
    Drift {
        kind: DriftKind,
    },
}

/// One thing that happened to a server, when it began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub server: String,
    pub at: Millis,
    pub what: What,
}

impl Finding {
    pub fn class(&self) -> Class {
        match self.what {
            What::Outage { .. } => Class::Outage,
            What::Failure { .. } => Class::Failure,
            What::ColdStart { .. } => Class::ColdStart,
            What::Burn { .. } => Class::Burn,
            What::SlowHour { .. } => Class::SlowHour,
            What::Drift { .. } => Class::SchemaDrift,
        }
    }

    /// What it is acknowledged by: server, class and time, the same across reloads and tabs
    /// (kept in storage: the format stays).
    pub fn key(&self) -> String {
        format!("{}|{}|{}", self.server, self.class().as_str(), self.at)
    }
}

/// The findings of one server's last 24 hours before `now`, by class, in time order within
/// each: its incidents, its failed probes that were neither an outage's nor a cold start's
/// (`classify`), its cold starts, the burn-rate and latency alerts that fired, its drift.
/// Downtime and drift alerts are left out: they are found as the outage and the drift.
pub fn findings(server: &str, recent: &Recent, now: Millis) -> Vec<Finding> {
    let since = now - DAY;
    let finding = |at, what| Finding {
        server: server.to_owned(),
        at,
        what,
    };
    let mut out = Vec::new();
    for incident in recent
        .incidents
        .iter()
        .filter(|i| i.end.is_none_or(|end| end >= since))
    {
        out.push(finding(
            incident.start,
            What::Outage {
                severity: incident.severity,
                layer: incident.layer,
                lasted: incident.end.map(|end| end - incident.start),
                first_error: incident.first_error.clone(),
            },
        ));
    }
    let classes = classify(&recent.probes, &recent.incidents, &recent.cold_starts, now);
    for (probe, _) in recent
        .probes
        .iter()
        .zip(classes)
        .filter(|(probe, class)| probe.at >= since && *class == ProbeClass::Failure)
    {
        out.push(finding(
            probe.at,
            What::Failure {
                layer: probe.layer,
                latency_ms: probe.latency_ms,
                error: probe.error.clone(),
            },
        ));
    }
    for cold in recent.cold_starts.iter().filter(|c| c.at >= since) {
        out.push(finding(
            cold.at,
            What::ColdStart {
                failed: cold.failed,
                post_idle: cold.post_idle,
                recovery_ms: cold.elevated_latency_ms,
            },
        ));
    }
    for alert in recent
        .alerts
        .iter()
        .filter(|a| a.at >= since && a.kind == AlertKind::Fire)
    {
        let severity = alert.severity;
        let what = match alert.reason {
            AlertReason::Burn { rule } => What::Burn { severity, rule },
            AlertReason::Latency { p95_ms } => What::SlowHour { severity, p95_ms },
            AlertReason::Downtime { .. } | AlertReason::Drift { .. } => continue,
        };
        out.push(finding(alert.at, what));
    }
    for drift in recent.drift.iter().filter(|d| d.at >= since) {
        out.push(finding(drift.at, What::Drift { kind: drift.kind }));
    }
    out.sort_by_key(|f| (f.class(), f.at));
    out
}

/// What is kept as acknowledged after acknowledging `keys`: what was acknowledged before and
/// `keys`, of the findings still in the review (`findings`) only, so the list never grows old.
pub fn acknowledge(findings: &[Finding], acknowledged: &[String], keys: &[String]) -> Vec<String> {
    let current: Vec<String> = findings.iter().map(Finding::key).collect();
    let mut kept: Vec<String> = acknowledged
        .iter()
        .filter(|key| current.contains(key))
        .cloned()
        .collect();
    for key in keys {
        if !kept.contains(key) {
            kept.push(key.clone());
        }
    }
    kept
}

/// How many findings nobody acknowledged.
pub fn unacknowledged(findings: &[Finding], acknowledged: &[String]) -> usize {
    findings
        .iter()
        .filter(|f| !acknowledged.contains(&f.key()))
        .count()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::monitor::events::{Alert, Drift};
    use crate::report::Outcome;

    const T0: Millis = 1_795_219_200_000;
    const NOW: Millis = T0 + 8 * 3_600_000;

    fn probe(at: Millis, outcome: Outcome) -> ProbeRecord {
        ProbeRecord {
            at,
            outcome,
            layer: (outcome == Outcome::Failed).then_some(Layer::Http),
            latency_ms: 12,
            contract_hash: None,
            metadata_hash: None,
            error: (outcome == Outcome::Failed).then(|| "HTTP 502".to_owned()),
        }
    }

    fn incident(start: Millis, end: Option<Millis>) -> Incident {
        Incident {
            id: 1,
            start,
            end,
            severity: Severity::P1,
            layer: Some(Layer::Http),
            first_error: Some("HTTP 502".into()),
            evidence: Vec::new(),
            alerted_at: Some(start),
            flapping: false,
            escalate_eligible: true,
        }
    }

    fn cold(at: Millis) -> ColdStart {
        ColdStart {
            at,
            failed: true,
            post_idle: true,
            elevated_latency_ms: Some(8_000),
        }
    }

    #[test]
    fn a_cold_start_and_an_outage_are_told_apart() {
        use Outcome::{Blocked, Failed, Ok};
        let minute = |m: i64| T0 + m * 60_000;
        let probes = [
            probe(minute(0), Ok),
            probe(minute(16), Failed),
            probe(minute(17), Ok),
            probe(minute(18), Ok),
            probe(minute(20), Blocked),
            probe(minute(25), Failed),
            probe(minute(30), Failed),
            probe(minute(31), Failed),
            probe(minute(32), Failed),
        ];
        let classes = classify(
            &probes,
            &[incident(minute(30), None)],
            &[cold(minute(16))],
            minute(33),
        );
        use ProbeClass as C;
        assert_eq!(
            classes,
            [
                C::Ok,
                C::ColdStart,
                C::SlowRecovery,
                C::Ok,
                C::Blocked,
                C::Failure,
                C::Outage,
                C::Outage,
                C::Outage
            ]
        );
        // Closed at minute 32: the probe that recovered is no longer the outage's.
        let closed = classify(&probes, &[incident(minute(30), Some(minute(32)))], &[], NOW);
        assert_eq!(closed[6..], [C::Outage, C::Outage, C::Failure]);
    }

    fn recent() -> Recent {
        let ago = |minutes: i64| NOW - minutes * 60_000;
        let alert = |minutes, kind, severity, reason| Alert {
            at: ago(minutes),
            kind,
            severity,
            reason,
        };
        let burn = AlertReason::Burn {
            rule: BurnRule::Fast,
        };
        Recent {
            probes: vec![
                probe(ago(2_000), Outcome::Failed), // older than a day: not reviewed
                probe(ago(300), Outcome::Failed),   // a lone failure
                probe(ago(200), Outcome::Failed),   // the cold start
                probe(ago(120), Outcome::Failed),   // the outage's
                probe(ago(119), Outcome::Failed),
                probe(ago(1), Outcome::Ok),
            ],
            incidents: vec![incident(ago(120), Some(ago(60)))],
            cold_starts: vec![cold(ago(200))],
            drift: vec![Drift {
                at: ago(30),
                kind: DriftKind::Contract,
                contract_before: "a".into(),
                contract_after: "b".into(),
                metadata_before: "c".into(),
                metadata_after: "c".into(),
            }],
            alerts: vec![
                alert(100, AlertKind::Fire, Severity::P1, burn),
                alert(90, AlertKind::Resolve, Severity::P1, burn),
                alert(
                    60,
                    AlertKind::Fire,
                    Severity::P3,
                    AlertReason::Latency { p95_ms: 4_200 },
                ),
                // The outage's own alert: found as the outage.
                alert(
                    118,
                    AlertKind::Fire,
                    Severity::P1,
                    AlertReason::Downtime { incident: 1 },
                ),
            ],
            snapshots: Vec::new(),
        }
    }

    /// The findings of `recent()`: one of each class.
    pub(crate) fn day() -> Vec<Finding> {
        findings("api", &recent(), NOW)
    }

    #[test]
    fn every_failure_and_event_of_the_day_is_found_once_and_classified() {
        let found = day();
        let classes: Vec<Class> = found.iter().map(Finding::class).collect();
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
            found[0].what,
            What::Outage {
                severity: Severity::P1,
                layer: Some(Layer::Http),
                lasted: Some(60 * 60_000),
                first_error: Some("HTTP 502".into()),
            }
        );
        assert_eq!(found[1].at, NOW - 300 * 60_000);
        assert_eq!(
            found[3].what,
            What::Burn {
                severity: Severity::P1,
                rule: BurnRule::Fast
            }
        );
        // The key is kept in storage: its form stays.
        assert_eq!(
            found[1].key(),
            format!("api|failure|{}", NOW - 300 * 60_000)
        );
    }

    #[test]
    fn acknowledging_keeps_only_the_keys_of_findings_still_in_the_review() {
        let found = day();
        let gone = "api|failure|1".to_owned();
        let kept = acknowledge(&found, &[gone, found[0].key()], &[found[2].key()]);
        assert_eq!(kept, [found[0].key(), found[2].key()]);
        assert_eq!(unacknowledged(&found, &kept), 4);
        assert_eq!(acknowledge(&found, &kept, &[found[0].key()]), kept);
    }
}
