//! The alerting desk of a page: the dispatcher, the deliveries of its notices, and how far it
//! has read the engines' alerts, in one value the page keeps between visits. Sans-IO like the
//! rest: the page reads alerts from storage and hands them in, sends what is due, and reports
//! each attempt back.

use super::config::AlertingConfig;
use super::delivery::{Delivery, Outcome, Status};
use super::dispatch::{key_of, Dispatcher, Notice, OnCall, Summary, KEPT};
use crate::monitor::events::{Alert, AlertKind, AlertReason, Incident, MAX_EVIDENCE};
use crate::monitor::record::{Health, Millis, ProbeRecord, MINUTE};
use serde::{Deserialize, Serialize};

/// A desk that was closed takes, when it opens again, the alerts of this long ago still: a
/// page reloaded during an outage must not miss the alert that fired meanwhile, and one opened
/// after a night away must not page for what is long over (the morning review lists it).
pub const LOOKBACK: Millis = 30 * MINUTE;
/// The delivery log keeps this many deliveries at most (and none older than a week).
pub const LOG_SIZE: usize = 300;

/// One notice on one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sending {
    pub delivery: Delivery,
    /// What to send, while there is something left to send.
    pub notice: Option<Notice>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Desk {
    pub dispatcher: Dispatcher,
    /// Oldest first.
    pub deliveries: Vec<Sending>,
    /// The engines' alerts up to this time are taken.
    pub read_until: Option<Millis>,
}

/// An alert read from storage, with what its notices say about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    pub server: String,
    pub alert: Alert,
    pub summary: Summary,
}

impl Read {
    /// An alert as storage gives it back, with its incident among `incidents` and the failed
    /// probes among `probes` that confirmed it: storage keeps incidents without their
    /// evidence, and the probes are still there. The server was down when the alert fired if
    /// an incident was open then.
    pub fn of(server: &str, alert: Alert, incidents: &[Incident], probes: &[ProbeRecord]) -> Read {
        let incident = match alert.reason {
            AlertReason::Downtime { incident } => incidents.iter().find(|i| i.id == incident),
            _ => None,
        };
        let open = |i: &&Incident| i.start <= alert.at && i.end.is_none_or(|end| end > alert.at);
        let state = match incidents.iter().find(open) {
            Some(_) => "down",
            None => "up",
        };
        let mut summary = Summary::of(&alert, incident, state);
        if let Some(incident) = incident {
            let failed = probes.iter().filter(|p| {
                (incident.start..=alert.at).contains(&p.at) && Health::of(p.outcome) == Health::Down
            });
            summary.evidence = failed.take(MAX_EVIDENCE).cloned().collect();
        }
        Read {
            server: server.to_owned(),
            alert,
            summary,
        }
    }
}

impl Desk {
    /// Where to read the engines' alerts from, now.
    pub fn read_from(&self, now: Millis) -> Millis {
        self.read_until
            .map_or(now, |until| until.max(now - LOOKBACK))
    }

    /// Takes the alerts read since `read_from`, in time order. An alert that fired and was
    /// resolved while the desk was closed tells nobody: it is over, and in the history.
    pub fn take(
        &mut self,
        config: &AlertingConfig,
        mut read: Vec<Read>,
        now: Millis,
        on_call: OnCall,
    ) {
        let from = self.read_from(now);
        read.retain(|r| r.alert.at >= from && self.read_until.is_none_or(|u| r.alert.at > u));
        crate::sorted::sort_by_key(&mut read, |r| r.alert.at);
        let key = |r: &Read| key_of(&r.server, &r.alert.reason, r.alert.at);
        let over: Vec<String> = read
            .iter()
            .filter(|r| r.alert.kind == AlertKind::Resolve)
            .map(key)
            .filter(|k| {
                read.iter()
                    .any(|r| r.alert.kind == AlertKind::Fire && key(r) == *k)
            })
            .collect();
        for r in &read {
            self.read_until = Some(self.read_until.map_or(r.alert.at, |u| u.max(r.alert.at)));
            if over.contains(&key(r)) {
                continue;
            }
            let notices =
                self.dispatcher
                    .alert(config, &r.server, &r.alert, r.summary.clone(), on_call);
            self.queue(config, notices, now);
        }
        if self.read_until.is_none() {
            self.read_until = Some(now);
        }
    }

    /// The dispatcher's clock (`Dispatcher::tick`); the log is pruned.
    pub fn tick(
        &mut self,
        config: &AlertingConfig,
        now: Millis,
        paused: &dyn Fn(&str) -> bool,
        on_call: OnCall,
    ) {
        let notices = self.dispatcher.tick(config, now, paused, on_call);
        self.queue(config, notices, now);
        self.deliveries
            .retain(|s| s.notice.is_some() || now - s.delivery.created_at < KEPT);
        let extra = self.deliveries.len().saturating_sub(LOG_SIZE);
        let mut finished = 0;
        self.deliveries.retain(|s| {
            let drop = s.notice.is_none() && finished < extra;
            finished += usize::from(s.notice.is_none());
            !drop
        });
    }

    /// `by` acknowledged the alert `key`; false when it is not open and unacknowledged.
    pub fn acknowledge(
        &mut self,
        config: &AlertingConfig,
        key: &str,
        by: &str,
        now: Millis,
    ) -> bool {
        let notices = self.dispatcher.acknowledge(key, by, now);
        let done = !notices.is_empty();
        self.queue(config, notices, now);
        done
    }

    /// `by` closed the alert `key`; false when it is not open.
    pub fn resolve(&mut self, config: &AlertingConfig, key: &str, by: &str, now: Millis) -> bool {
        let notices = self.dispatcher.resolve(key, by, now);
        let done = !notices.is_empty();
        self.queue(config, notices, now);
        done
    }

    /// The deliveries due at `now`, by index.
    pub fn due(&self, now: Millis) -> Vec<usize> {
        (0..self.deliveries.len())
            .filter(|&i| self.deliveries[i].delivery.is_due(now))
            .collect()
    }

    /// What delivery `index`'s attempt found.
    pub fn record(&mut self, index: usize, now: Millis, outcome: Outcome) {
        if let Some(sending) = self.deliveries.get_mut(index) {
            sending.delivery.record(now, outcome);
            if sending.delivery.status != Status::Pending {
                sending.notice = None;
            }
        }
    }

    /// One delivery per channel of each notice; a channel the config does not have is
    /// recorded as failed at once, so that a routing mistake shows in the log.
    fn queue(&mut self, config: &AlertingConfig, notices: Vec<Notice>, now: Millis) {
        for notice in notices {
            for channel in &notice.channels {
                let kind = notice.kind.as_str();
                let mut delivery = Delivery::new(&notice.page.key, kind, channel, now);
                let known = config.channel(channel).is_some();
                if !known {
                    let error = format!("no channel `{channel}` in this page's settings");
                    delivery.record(now, Outcome::Failed { error });
                    delivery.status = Status::GaveUp;
                }
                self.deliveries.push(Sending {
                    delivery,
                    notice: known.then(|| notice.clone()),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerting::config::{Channel, ChannelKind, PUSH};
    use crate::monitor::events::{AlertReason, Severity};

    const T0: Millis = 1_795_219_200_000;

    fn config() -> AlertingConfig {
        let mut config = AlertingConfig::default();
        config.channels.push(Channel {
            id: "hook".into(),
            kind: ChannelKind::Webhook {
                url: "http://127.0.0.1:9/hook".into(),
            },
        });
        config.routes[0] = vec![PUSH.into(), "hook".into()];
        config.escalation.clear();
        config
    }

    fn read(kind: AlertKind, at: Millis, incident: u64) -> Read {
        let alert = Alert {
            at,
            kind,
            severity: Severity::P1,
            reason: AlertReason::Downtime { incident },
        };
        Read {
            server: "api".into(),
            summary: Summary::of(&alert, None, "down"),
            alert,
        }
    }

    #[test]
    fn a_first_visit_reads_from_now_and_a_later_one_at_most_the_lookback() {
        let mut desk = Desk::default();
        assert_eq!(desk.read_from(T0), T0);
        desk.take(&config(), Vec::new(), T0, OnCall::default());
        assert_eq!(desk.read_until, Some(T0));
        assert_eq!(desk.read_from(T0 + MINUTE), T0);
        assert_eq!(desk.read_from(T0 + 2 * LOOKBACK), T0 + LOOKBACK);
    }

    #[test]
    fn each_alert_is_taken_once_and_sent_on_every_channel_of_its_route() {
        let config = config();
        let mut desk = Desk::default();
        desk.take(&config, Vec::new(), T0, OnCall::default());
        let fired = read(AlertKind::Fire, T0 + MINUTE, 1);
        desk.take(&config, vec![fired.clone()], T0 + MINUTE, OnCall::default());
        // Read again (a second broadcast of the same round): nothing new.
        desk.take(&config, vec![fired], T0 + 2 * MINUTE, OnCall::default());
        let channels: Vec<&str> = desk
            .deliveries
            .iter()
            .map(|s| s.delivery.channel.as_str())
            .collect();
        assert_eq!(channels, [PUSH, "hook"]);
        assert_eq!(desk.due(T0 + 2 * MINUTE), [0, 1]);
        desk.record(0, T0 + 2 * MINUTE, Outcome::Shown);
        desk.record(1, T0 + 2 * MINUTE, Outcome::Answered { status: 503 });
        assert_eq!(
            desk.deliveries[0].notice, None,
            "done: nothing left to send"
        );
        assert!(desk.deliveries[1].notice.is_some(), "kept for the retry");
        assert_eq!(desk.due(T0 + 2 * MINUTE + 2_000), [1]);
    }

    #[test]
    fn an_alert_over_before_the_desk_opened_tells_nobody() {
        let config = config();
        let mut desk = Desk {
            read_until: Some(T0),
            ..Desk::default()
        };
        let reads = vec![
            read(AlertKind::Resolve, T0 + 9 * MINUTE, 1),
            read(AlertKind::Fire, T0 + 2 * MINUTE, 1),
            read(AlertKind::Fire, T0 + 5 * MINUTE, 2),
        ];
        desk.take(&config, reads, T0 + 10 * MINUTE, OnCall::default());
        let keys: Vec<&str> = desk
            .deliveries
            .iter()
            .map(|s| s.delivery.key.as_str())
            .collect();
        assert_eq!(keys, ["api|downtime|2", "api|downtime|2"]);
        assert_eq!(desk.read_until, Some(T0 + 9 * MINUTE));
    }

    #[test]
    fn acknowledging_tells_everyone_told_and_an_unknown_channel_shows_as_failed() {
        let mut config = config();
        config.routes[0].push("gone".into());
        let mut desk = Desk::default();
        desk.take(&config, Vec::new(), T0, OnCall::default());
        desk.take(
            &config,
            vec![read(AlertKind::Fire, T0 + 1, 1)],
            T0 + 1,
            OnCall::default(),
        );
        let gone = &desk.deliveries[2].delivery;
        assert_eq!(
            (gone.channel.as_str(), gone.status),
            ("gone", Status::GaveUp)
        );
        assert!(desk.acknowledge(&config, "api|downtime|1", "Ana", T0 + MINUTE));
        assert!(!desk.acknowledge(&config, "api|downtime|1", "Ana", T0 + MINUTE));
        let acks: Vec<&str> = desk.deliveries[3..]
            .iter()
            .map(|s| s.delivery.notice.as_str())
            .collect();
        assert_eq!(acks, ["acknowledged"; 3]);
        assert!(desk.resolve(&config, "api|downtime|1", "Ana", T0 + 2 * MINUTE));
        assert!(!desk.dispatcher.pages[0].is_open());
    }

    #[test]
    fn the_log_keeps_what_is_pending_and_drops_the_oldest_finished() {
        let config = config();
        let mut desk = Desk::default();
        for i in 0..LOG_SIZE + 10 {
            let mut delivery = Delivery::new("k", "fired", "hook", T0);
            if i > 0 {
                delivery.record(T0, Outcome::Answered { status: 200 });
            }
            let notice = (i == 0).then(sample_notice);
            desk.deliveries.push(Sending { delivery, notice });
        }
        desk.tick(&config, T0, &|_| false, OnCall::default());
        assert_eq!(desk.deliveries.len(), LOG_SIZE);
        assert!(desk.deliveries[0].notice.is_some(), "pending stays");
        desk.tick(&config, T0 + KEPT, &|_| false, OnCall::default());
        assert_eq!(
            desk.deliveries.len(),
            1,
            "a week later only the pending one"
        );
    }

    #[test]
    fn an_alert_read_back_gets_its_incident_and_the_failed_probes_that_confirmed_it() {
        use crate::report::{Layer, Outcome as Probed};
        let probe = |at: Millis, outcome: Probed| ProbeRecord {
            at,
            outcome,
            layer: (outcome != Probed::Ok).then_some(Layer::Http),
            latency_ms: 40,
            contract_hash: None,
            metadata_hash: None,
            error: Some(format!("HTTP 500 at {at}")),
        };
        let incident = Incident {
            id: 3,
            start: T0,
            end: None,
            severity: Severity::P1,
            layer: Some(Layer::Http),
            first_error: Some("HTTP 500".into()),
            evidence: Vec::new(),
            alerted_at: Some(T0 + 2 * MINUTE),
            flapping: false,
            escalate_eligible: false,
        };
        let probes = [
            probe(T0 - MINUTE, Probed::Failed),
            probe(T0, Probed::Failed),
            probe(T0 + MINUTE, Probed::Failed),
            probe(T0 + 2 * MINUTE, Probed::Failed),
            probe(T0 + 3 * MINUTE, Probed::Failed),
        ];
        let alert = read(AlertKind::Fire, T0 + 2 * MINUTE, 3).alert;
        let read = Read::of(
            "api",
            alert.clone(),
            std::slice::from_ref(&incident),
            &probes,
        );
        assert_eq!(read.summary.what, "down at the http layer");
        assert_eq!(read.summary.state, "down");
        assert_eq!(read.summary.first_error.as_deref(), Some("HTTP 500"));
        let at: Vec<Millis> = read.summary.evidence.iter().map(|p| p.at).collect();
        assert_eq!(at, [T0, T0 + MINUTE, T0 + 2 * MINUTE]);
        let closed = Incident {
            end: Some(T0 + MINUTE),
            ..incident
        };
        assert_eq!(
            Read::of("api", alert, &[closed], &probes).summary.state,
            "up"
        );
    }

    fn sample_notice() -> Notice {
        let config = config();
        let mut desk = Desk::default();
        desk.take(&config, Vec::new(), T0, OnCall::default());
        desk.take(
            &config,
            vec![read(AlertKind::Fire, T0 + 1, 7)],
            T0 + 1,
            OnCall::default(),
        );
        desk.deliveries[0].notice.clone().unwrap()
    }
}
