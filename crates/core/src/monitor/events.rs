//! What the monitor reports besides numbers: incidents, alerts, cold starts, drift.

use super::burn::BurnRule;
use super::record::{Millis, ProbeRecord, MINUTE};
use crate::fingerprint::DriftKind;
use crate::report::Layer;
use serde::{Deserialize, Serialize};

/// Product spec, section 6. Ordered: `P1 < P2 < P3`, so the worse severity is the minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    P1,
    P2,
    P3,
}

impl Severity {
    /// Transport and http failures page now; a broken handshake or tool list is P2.
    pub fn of_layer(layer: Option<Layer>) -> Severity {
        match layer {
            Some(Layer::Initialize | Layer::Tools) => Severity::P2,
            Some(Layer::Transport | Layer::Http) | None => Severity::P1,
        }
    }

    /// How long an alert of this severity may wait for a human before it escalates. P3 waits
    /// for the next business day and never escalates by time.
    pub fn ack_target(self) -> Option<Millis> {
        match self {
            Severity::P1 => Some(5 * MINUTE),
            Severity::P2 => Some(30 * MINUTE),
            Severity::P3 => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::P1 => "P1",
            Severity::P2 => "P2",
            Severity::P3 => "P3",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: u64,
    /// The first failed probe of the streak that was confirmed.
    pub start: Millis,
    /// The first passing probe of the streak that confirmed recovery.
    pub end: Option<Millis>,
    pub severity: Severity,
    pub layer: Option<Layer>,
    pub first_error: Option<String>,
    /// The first failed probes (at most five).
    pub evidence: Vec<ProbeRecord>,
    /// When its alert fired: `None` while muted (maintenance) or damped (flapping).
    pub alerted_at: Option<Millis>,
    /// Began within the flap-quiet period after the previous recovery.
    pub flapping: bool,
    pub escalate_eligible: bool,
}

pub const MAX_EVIDENCE: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    Fire,
    /// Open and unacknowledged past its severity's target: the escalation policy may act.
    EscalateEligible,
    /// A fired downtime got worse while open (a P2 at the tools layer, then the host went
    /// away: a P1): the alert now has `severity`.
    Worsened,
    Resolve,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum AlertReason {
    Downtime {
        incident: u64,
    },
    Drift {
        drift: DriftKind,
    },
    Burn {
        rule: BurnRule,
    },
    /// The p95 latency of the hour that just ended was above the threshold.
    Latency {
        p95_ms: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub at: Millis,
    pub kind: AlertKind,
    pub severity: Severity,
    #[serde(flatten)]
    pub reason: AlertReason,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColdStart {
    /// The probe that met the cold start.
    pub at: Millis,
    /// It failed (timed out) rather than passing slowly.
    pub failed: bool,
    /// The gap since the last success matched the platform's idle timeout.
    pub post_idle: bool,
    /// The recovering probe's latency, when it was above twice the warm baseline.
    pub elevated_latency_ms: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    pub at: Millis,
    pub kind: DriftKind,
    pub contract_before: String,
    pub contract_after: String,
    pub metadata_before: String,
    pub metadata_after: String,
}

/// Everything one probe changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    StateChanged {
        at: Millis,
        from: super::state::State,
        to: super::state::State,
    },
    IncidentOpened(u64),
    IncidentResolved(u64),
    Alert(Alert),
    ColdStart(ColdStart),
    Drift(Drift),
}

/// The events worth keeping, in the form a store keeps them (`{"alert": {...}}`,
/// `{"cold_start": {...}}`, `{"drift": {...}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventRecord {
    Alert(Alert),
    ColdStart(ColdStart),
    Drift(Drift),
}

impl EventRecord {
    pub fn at(&self) -> Millis {
        match self {
            EventRecord::Alert(alert) => alert.at,
            EventRecord::ColdStart(cold_start) => cold_start.at,
            EventRecord::Drift(drift) => drift.at,
        }
    }
}

/// Incidents and events as stored (their JSON, `docs/formats.md`), read by serde's derived
/// readers: the browser's IndexedDB holds what every earlier version wrote, and the tests
/// below read such records as they were written.
pub mod stored {
    use super::{EventRecord, Incident, Severity};
    use crate::monitor::record::Millis;
    use crate::report::Layer;
    use serde::Deserialize;

    /// An incident as stored, but its evidence: that is for alerts, not for the page.
    #[derive(Deserialize)]
    struct StoredIncident {
        id: u64,
        start: Millis,
        end: Option<Millis>,
        severity: Severity,
        layer: Option<Layer>,
        first_error: Option<String>,
        alerted_at: Option<Millis>,
        flapping: bool,
        escalate_eligible: bool,
    }

    /// A stored incident (`incidents` store), without its evidence.
    pub fn incident(text: &str) -> Result<Incident, String> {
        let stored: StoredIncident = crate::json::read(text).map_err(|e| e.to_string())?;
        Ok(Incident {
            id: stored.id,
            start: stored.start,
            end: stored.end,
            severity: stored.severity,
            layer: stored.layer,
            first_error: stored.first_error,
            evidence: Vec::new(),
            alerted_at: stored.alerted_at,
            flapping: stored.flapping,
            escalate_eligible: stored.escalate_eligible,
        })
    }

    /// A stored event (`events` store): `{"alert": {...}}` (its reason flattened into it),
    /// `{"cold_start": {...}}` or `{"drift": {...}}`.
    pub fn event(text: &str) -> Result<EventRecord, String> {
        crate::json::read(text).map_err(|e| e.to_string())
    }

    #[cfg(test)]
    mod tests {
        use super::super::{Alert, AlertKind, AlertReason, ColdStart, Drift, MAX_EVIDENCE};
        use super::*;
        use crate::fingerprint::DriftKind;
        use crate::monitor::burn::BurnRule;

        /// Records as the code before the derived readers wrote them (its `serde_json`
        /// writers of these same types), byte for byte.
        const OLD_INCIDENT: &str = r#"{"id":7,"start":1795219200000,"end":1795219500000,"severity":"P2","layer":"initialize","first_error":"bad JSON","evidence":[{"at":1795219200000,"outcome":"failed","layer":"initialize","latency_ms":120,"contract_hash":null,"metadata_hash":18446744073709551615,"error":"bad JSON"}],"alerted_at":null,"flapping":true,"escalate_eligible":false}"#;
        const OLD_COLD_START: &str =
            r#"{"cold_start":{"at":5,"failed":false,"post_idle":true,"elevated_latency_ms":8342}}"#;
        const OLD_DRIFT: &str = r#"{"drift":{"at":9,"kind":"metadata","contract_before":"a","contract_after":"a","metadata_before":"b","metadata_after":"c"}}"#;
        const OLD_ALERT: &str = r#"{"alert":{"at":1795219200000,"kind":"escalate_eligible","severity":"P1","reason":"burn","rule":"medium"}}"#;

        #[test]
        fn records_written_before_read_back() {
            let incident = incident(OLD_INCIDENT).unwrap();
            assert_eq!(
                incident,
                Incident {
                    id: 7,
                    start: 1_795_219_200_000,
                    end: Some(1_795_219_500_000),
                    severity: Severity::P2,
                    layer: Some(Layer::Initialize),
                    first_error: Some("bad JSON".into()),
                    evidence: Vec::new(),
                    alerted_at: None,
                    flapping: true,
                    escalate_eligible: false,
                }
            );
            let cold = ColdStart {
                at: 5,
                failed: false,
                post_idle: true,
                elevated_latency_ms: Some(8_342),
            };
            let drift = Drift {
                at: 9,
                kind: DriftKind::Metadata,
                contract_before: "a".into(),
                contract_after: "a".into(),
                metadata_before: "b".into(),
                metadata_after: "c".into(),
            };
            let alert = Alert {
                at: 1_795_219_200_000,
                kind: AlertKind::EscalateEligible,
                severity: Severity::P1,
                reason: AlertReason::Burn {
                    rule: BurnRule::Medium,
                },
            };
            for (text, record) in [
                (OLD_COLD_START, EventRecord::ColdStart(cold)),
                (OLD_DRIFT, EventRecord::Drift(drift)),
                (OLD_ALERT, EventRecord::Alert(alert)),
            ] {
                assert_eq!(event(text), Ok(record.clone()));
                // The stored form is still the one written.
                assert_eq!(serde_json::to_string(&record).unwrap(), text);
            }
        }

        #[test]
        fn a_record_that_does_not_read_says_where() {
            assert_eq!(
                event(r#"{"cold_start":{"at":5,"failed":"no","post_idle":true}}"#),
                Err(r#"`cold_start.failed`: invalid type: string "no", expected a boolean"#.into())
            );
            assert!(event(r#"{"alert":{}}"#).is_err());
            assert_eq!(
                incident(&OLD_INCIDENT.replace(r#""severity":"P2""#, r#""severity":"P9""#)),
                Err("`severity`: unknown variant `P9`, expected one of `P1`, `P2`, `P3`".into())
            );
        }

        #[test]
        fn stored_records_read_back_as_written() {
            let incident = Incident {
                id: 7,
                start: 1_795_219_200_000,
                end: None,
                severity: Severity::P1,
                layer: None,
                first_error: None,
                evidence: Vec::with_capacity(MAX_EVIDENCE),
                alerted_at: Some(1_795_219_260_000),
                flapping: false,
                escalate_eligible: true,
            };
            let text = serde_json::to_string(&incident).unwrap();
            assert_eq!(super::incident(&text), Ok(incident));
        }

        #[test]
        fn stored_alerts_of_every_kind_and_reason_read_back() {
            let reasons = [
                AlertReason::Downtime { incident: 3 },
                AlertReason::Drift {
                    drift: DriftKind::Contract,
                },
                AlertReason::Burn {
                    rule: BurnRule::Medium,
                },
                AlertReason::Latency { p95_ms: 4_200 },
            ];
            let kinds = [
                AlertKind::Fire,
                AlertKind::EscalateEligible,
                AlertKind::Worsened,
                AlertKind::Resolve,
            ];
            for (i, reason) in reasons.into_iter().enumerate() {
                for kind in kinds {
                    let alert = EventRecord::Alert(Alert {
                        at: 1_795_219_200_000 + i as i64,
                        kind,
                        severity: Severity::P2,
                        reason,
                    });
                    let text = serde_json::to_string(&alert).unwrap();
                    assert_eq!(event(&text), Ok(alert), "{text}");
                }
            }
        }
    }
}
