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

/// Incidents and cold starts as stored (their JSON, `docs/formats.md`), read from a parsed
/// `Value` by hand: the page already links the `Value` reader, and serde's derived readers
/// for these types (a flattened enum among them) would add over 10 KB to it. The tests below
/// check that these read back exactly what the derived writers write.
pub mod stored {
    use super::{Alert, AlertKind, AlertReason, ColdStart, Drift, Incident, Severity};
    use crate::fingerprint::DriftKind;
    use crate::monitor::burn::BurnRule;
    use crate::report::Layer;
    use serde_json::Value;

    fn severity(value: &Value) -> Option<Severity> {
        match value.get("severity")?.as_str()? {
            "P1" => Some(Severity::P1),
            "P2" => Some(Severity::P2),
            "P3" => Some(Severity::P3),
            _ => None,
        }
    }

    fn drift_kind(value: &Value) -> Option<DriftKind> {
        match value.as_str()? {
            "contract" => Some(DriftKind::Contract),
            "metadata" => Some(DriftKind::Metadata),
            _ => None,
        }
    }

    pub fn incident(value: &Value) -> Option<Incident> {
        let severity = severity(value)?;
        Some(Incident {
            id: value.get("id")?.as_u64()?,
            start: value.get("start")?.as_i64()?,
            end: value.get("end").and_then(Value::as_i64),
            severity,
            layer: value
                .get("layer")
                .and_then(Value::as_str)
                .and_then(Layer::from_name),
            first_error: value
                .get("first_error")
                .and_then(Value::as_str)
                .map(str::to_owned),
            // The evidence is for alerts, not for the page.
            evidence: Vec::new(),
            alerted_at: value.get("alerted_at").and_then(Value::as_i64),
            flapping: value.get("flapping")?.as_bool()?,
            escalate_eligible: value.get("escalate_eligible")?.as_bool()?,
        })
    }

    /// The cold start an event record holds, if it is one (`{"cold_start": {...}}`).
    pub fn cold_start(record: &Value) -> Option<ColdStart> {
        let value = record.get("cold_start")?;
        Some(ColdStart {
            at: value.get("at")?.as_i64()?,
            failed: value.get("failed")?.as_bool()?,
            post_idle: value.get("post_idle")?.as_bool()?,
            elevated_latency_ms: value
                .get("elevated_latency_ms")
                .and_then(Value::as_u64)
                .and_then(|ms| u32::try_from(ms).ok()),
        })
    }

    /// The drift an event record holds, if it is one (`{"drift": {...}}`).
    pub fn drift(record: &Value) -> Option<Drift> {
        let value = record.get("drift")?;
        let text = |key: &str| Some(value.get(key)?.as_str()?.to_owned());
        Some(Drift {
            at: value.get("at")?.as_i64()?,
            kind: drift_kind(value.get("kind")?)?,
            contract_before: text("contract_before")?,
            contract_after: text("contract_after")?,
            metadata_before: text("metadata_before")?,
            metadata_after: text("metadata_after")?,
        })
    }

    /// The alert an event record holds, if it is one (`{"alert": {...}}`, its reason
    /// flattened into it).
    pub fn alert(record: &Value) -> Option<Alert> {
        let value = record.get("alert")?;
        let kind = match value.get("kind")?.as_str()? {
            "fire" => AlertKind::Fire,
            "escalate_eligible" => AlertKind::EscalateEligible,
            "worsened" => AlertKind::Worsened,
            "resolve" => AlertKind::Resolve,
            _ => return None,
        };
        let reason = match value.get("reason")?.as_str()? {
            "downtime" => AlertReason::Downtime {
                incident: value.get("incident")?.as_u64()?,
            },
            "drift" => AlertReason::Drift {
                drift: drift_kind(value.get("drift")?)?,
            },
            "burn" => {
                let name = value.get("rule")?.as_str()?;
                AlertReason::Burn {
                    rule: BurnRule::ALL.into_iter().find(|r| r.as_str() == name)?,
                }
            }
            "latency" => AlertReason::Latency {
                p95_ms: u32::try_from(value.get("p95_ms")?.as_u64()?).ok()?,
            },
            _ => return None,
        };
        Some(Alert {
            at: value.get("at")?.as_i64()?,
            kind,
            severity: severity(value)?,
            reason,
        })
    }

    #[cfg(test)]
    mod tests {
        use super::super::{EventRecord, MAX_EVIDENCE};
        use super::*;

        #[test]
        fn stored_records_read_back_as_written() {
            let incident = Incident {
                id: 7,
                start: 1_795_219_200_000,
                end: Some(1_795_219_500_000),
                severity: Severity::P2,
                layer: Some(Layer::Initialize),
                first_error: Some("bad JSON".into()),
                evidence: Vec::with_capacity(MAX_EVIDENCE),
                alerted_at: None,
                flapping: true,
                escalate_eligible: false,
            };
            let value = serde_json::to_value(&incident).unwrap();
            assert_eq!(super::incident(&value), Some(incident));
            let cold = ColdStart {
                at: 5,
                failed: false,
                post_idle: true,
                elevated_latency_ms: Some(8_342),
            };
            let value = serde_json::to_value(EventRecord::ColdStart(cold.clone())).unwrap();
            assert_eq!(super::cold_start(&value), Some(cold));
            assert_eq!(super::cold_start(&serde_json::json!({"alert": {}})), None);
            let drift = Drift {
                at: 9,
                kind: DriftKind::Metadata,
                contract_before: "a".into(),
                contract_after: "a".into(),
                metadata_before: "b".into(),
                metadata_after: "c".into(),
            };
            let value = serde_json::to_value(EventRecord::Drift(drift.clone())).unwrap();
            assert_eq!(super::drift(&value), Some(drift));
            assert_eq!(super::alert(&value), None);
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
                    let alert = Alert {
                        at: 1_795_219_200_000 + i as i64,
                        kind,
                        severity: Severity::P2,
                        reason,
                    };
                    let value = serde_json::to_value(EventRecord::Alert(alert.clone())).unwrap();
                    assert_eq!(super::alert(&value), Some(alert), "{value}");
                }
            }
        }
    }
}
