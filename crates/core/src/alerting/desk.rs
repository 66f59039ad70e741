//! The alerting desk of a page: the dispatcher, the deliveries of its notices, and how far it
//! has read the engines' alerts, in one value the page keeps between visits. Sans-IO like the
//! rest: the page reads alerts from storage and hands them in, sends what is due, and reports
//! each attempt back.

use super::config::AlertingConfig;
use super::delivery::{Delivery, Failure, Outcome, Status};
use super::digest::Digest;
use super::dispatch::{key_of, Dispatcher, Notice, OnCall, Summary, KEPT};
use super::oncall::Offset;
use super::targets::last_business_morning;
use crate::monitor::events::{Alert, AlertKind, AlertReason, Incident, Severity, MAX_EVIDENCE};
use crate::monitor::record::{Health, Millis, ProbeRecord, MINUTE};
use serde::{Deserialize, Serialize};

/// A desk that was closed takes, when it opens again, the alerts of this long ago still: a
/// page reloaded during an outage must not miss the alert that fired meanwhile, and one opened
/// after a night away must not page for what is long over (the morning review lists it).
pub const LOOKBACK: Millis = 30 * MINUTE;
/// The delivery log keeps this many deliveries at most (and none older than a week).
pub const LOG_SIZE: usize = 300;

/// A claim older than this was left by a round whose record never landed: its deliveries
/// finish within a minute, and rounds come every 5.
pub const STALE_CLAIM: Millis = 10 * MINUTE;

/// What a delivery carries: a notice about one alert, or a morning's P3 digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Message {
    Notice(Box<Notice>),
    Digest(Digest),
}

/// One message on one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sending {
    pub delivery: Delivery,
    /// What to send, while there is something left to send (`notice`: as older versions
    /// kept it, when only notices were sent).
    #[serde(alias = "notice")]
    pub message: Option<Message>,
    /// The runner round that will send it once that round is published, until it records the
    /// attempt: nobody else sends it meanwhile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<Claim>,
}

/// Who promised to send a delivery, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub round: String,
    pub at: Millis,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Desk {
    pub dispatcher: Dispatcher,
    /// Oldest first.
    pub deliveries: Vec<Sending>,
    /// The engines' alerts up to this time are taken.
    pub read_until: Option<Millis>,
    /// Channels whose receivers do not allow the page by CORS: sent blind (`no-cors`) at
    /// once, not tried with `cors` first (which, when the receiver took the request but
    /// hid its answer, would post it twice).
    #[serde(default)]
    pub blind: Vec<String>,
    /// The business morning the last P3 digest was for (`digest`).
    #[serde(default)]
    pub digest_through: Option<Millis>,
}

impl Desk {
    /// Whether `other` holds the same alerts, deliveries and reading: what is worth keeping
    /// (the dispatcher's clock alone moves every tick).
    pub fn same_as(&self, other: &Desk) -> bool {
        self.dispatcher.pages == other.dispatcher.pages
            && self.deliveries == other.deliveries
            && self.read_until == other.read_until
            && self.blind == other.blind
            && self.digest_through == other.digest_through
    }
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
        read.sort_by_key(|r| r.alert.at);
        let key = |r: &Read| key_of(&r.server, &r.alert.reason, r.alert.at);
        // A firing whose next alert of the same key is its resolution is over: both are left.
        let mut over = vec![false; read.len()];
        for (index, fired) in read.iter().enumerate() {
            if fired.alert.kind != AlertKind::Fire {
                continue;
            }
            let next = (index + 1..read.len()).find(|&later| key(&read[later]) == key(fired));
            if let Some(next) = next.filter(|&next| read[next].alert.kind == AlertKind::Resolve) {
                over[index] = true;
                over[next] = true;
            }
        }
        for (r, over) in read.iter().zip(over) {
            self.read_until = Some(self.read_until.map_or(r.alert.at, |u| u.max(r.alert.at)));
            if over {
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

    /// The dispatcher's clock (`Dispatcher::tick`) and, past a business morning in the
    /// rotation's zone (`offset`), that morning's P3 digest; the log is pruned.
    pub fn tick(
        &mut self,
        config: &AlertingConfig,
        now: Millis,
        paused: &dyn Fn(&str) -> bool,
        on_call: OnCall,
        offset: Offset,
    ) {
        let notices = self.dispatcher.tick(config, now, paused, on_call);
        self.queue(config, notices, now);
        self.digest(config, last_business_morning(now, offset), now);
        // A channel removed since its delivery was queued: given up, and said.
        for sending in &mut self.deliveries {
            if sending.message.is_some() && config.channel(&sending.delivery.channel).is_none() {
                let error = Failure::ChannelGone;
                sending.delivery.record(now, Outcome::Failed { error });
                sending.delivery.status = Status::GaveUp;
                sending.message = None;
            }
        }
        self.deliveries
            .retain(|s| s.message.is_some() || now - s.delivery.created_at < KEPT);
        let extra = self.deliveries.len().saturating_sub(LOG_SIZE);
        let mut finished = 0;
        self.deliveries.retain(|s| {
            let drop = s.message.is_none() && finished < extra;
            finished += usize::from(s.message.is_none());
            !drop
        });
    }

    /// Once per business morning, the digest of the P3s since the last one, to the P3
    /// route's channels but the paging tools (a P3 never pages anyone). A desk that never
    /// made one starts counting from this morning.
    fn digest(&mut self, config: &AlertingConfig, morning: Millis, now: Millis) {
        let since = match self.digest_through {
            Some(through) if through < morning => through,
            Some(_) => return,
            None => {
                self.digest_through = Some(morning);
                return;
            }
        };
        self.digest_through = Some(morning);
        let Some(digest) = Digest::of(&self.dispatcher.pages, since, morning) else {
            return;
        };
        let channels = config.route(Severity::P3).iter().filter(|id| {
            !config.sent_elsewhere.contains(id)
                && config.channel(id).is_none_or(|c| !c.kind.pages())
        });
        let key = digest.key();
        let channels: Vec<String> = channels.cloned().collect();
        self.push(
            config,
            &key,
            "digest",
            &channels,
            Message::Digest(digest),
            now,
        );
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

    /// The deliveries due at `now` that no round has claimed, by index.
    pub fn due(&self, now: Millis) -> Vec<usize> {
        (0..self.deliveries.len())
            .filter(|&i| {
                let sending = &self.deliveries[i];
                sending.claim.is_none() && sending.delivery.is_due(now)
            })
            .collect()
    }

    /// Claims every due delivery for `round`, which sends them once it is published (the
    /// runner pushes first, then delivers: a push that fails sends nothing, and the next round
    /// takes the alerts again). Their indexes.
    pub fn claim_due(&mut self, round: &str, now: Millis) -> Vec<usize> {
        let due = self.due(now);
        for &index in &due {
            self.deliveries[index].claim = Some(Claim {
                round: round.to_owned(),
                at: now,
            });
        }
        due
    }

    /// The deliveries `round` claimed and has not recorded yet.
    pub fn claimed_by(&self, round: &str) -> Vec<usize> {
        (0..self.deliveries.len())
            .filter(|&i| {
                let claim = self.deliveries[i].claim.as_ref();
                claim.is_some_and(|c| c.round == round)
            })
            .collect()
    }

    /// Claims older than `STALE_CLAIM`: their round sent them, or stopped, and its record
    /// never landed (its push failed). Recorded as `Outcome::Unrecorded`, never sent again.
    /// Their indexes.
    pub fn settle_stale_claims(&mut self, now: Millis) -> Vec<usize> {
        let stale: Vec<usize> = (0..self.deliveries.len())
            .filter(|&i| {
                let claim = self.deliveries[i].claim.as_ref();
                claim.is_some_and(|c| now - c.at >= STALE_CLAIM)
            })
            .collect();
        for &index in &stale {
            self.record(index, now, Outcome::Unrecorded);
        }
        stale
    }

    /// What delivery `index`'s attempt found. A channel whose receiver answered only blind
    /// (`Outcome::Unseen`) is remembered: it is sent blind at once from then on.
    pub fn record(&mut self, index: usize, now: Millis, outcome: Outcome) {
        if let Some(sending) = self.deliveries.get_mut(index) {
            let channel = &sending.delivery.channel;
            if outcome == Outcome::Unseen && !self.blind.contains(channel) {
                self.blind.push(channel.clone());
            }
            sending.delivery.record(now, outcome);
            sending.claim = None;
            if sending.delivery.status != Status::Pending {
                sending.message = None;
            }
        }
    }

    /// One delivery per channel of each notice. Channels another sender delivers
    /// (`AlertingConfig::sent_elsewhere`) are left to it; a P3's notices wait for the
    /// morning's digest.
    fn queue(&mut self, config: &AlertingConfig, notices: Vec<Notice>, now: Millis) {
        for notice in notices {
            if notice.page.severity == Severity::P3 {
                continue;
            }
            let channels: Vec<String> = (notice.channels.iter())
                .filter(|c| !config.sent_elsewhere.contains(c))
                .cloned()
                .collect();
            let (key, kind) = (notice.page.key.clone(), notice.kind.as_str());
            self.push(
                config,
                &key,
                kind,
                &channels,
                Message::Notice(Box::new(notice)),
                now,
            );
        }
    }

    /// `message` on each of `channels`; a channel the config does not have is recorded as
    /// failed at once, so that a routing mistake shows in the log.
    fn push(
        &mut self,
        config: &AlertingConfig,
        key: &str,
        kind: &str,
        channels: &[String],
        message: Message,
        now: Millis,
    ) {
        for channel in channels {
            let mut delivery = Delivery::new(key, kind, channel, now);
            let known = config.channel(channel).is_some();
            if !known {
                let error = Failure::UnknownChannel;
                delivery.record(now, Outcome::Failed { error });
                delivery.status = Status::GaveUp;
            }
            self.deliveries.push(Sending {
                delivery,
                claim: None,
                message: known.then(|| message.clone()),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerting::config::{Channel, ChannelKind, PUSH};
    use crate::monitor::events::{AlertReason, Severity};
    use crate::monitor::record::DAY;

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
    fn a_claimed_delivery_is_sent_by_its_round_only_and_a_stale_claim_never_again() {
        let config = config();
        let mut desk = Desk::default();
        desk.take(&config, Vec::new(), T0, OnCall::default());
        let fired = read(AlertKind::Fire, T0 + MINUTE, 1);
        desk.take(&config, vec![fired], T0 + MINUTE, OnCall::default());
        assert_eq!(desk.claim_due("r1", T0 + MINUTE), [0, 1]);
        // Claimed: due for nobody else, another round's claim leaves them alone.
        assert!(desk.due(T0 + 2 * MINUTE).is_empty());
        assert!(desk.claim_due("r2", T0 + 2 * MINUTE).is_empty());
        assert_eq!(desk.claimed_by("r1"), [0, 1]);
        assert!(desk.claimed_by("r2").is_empty());
        // The round records one attempt, a failure to retry: the claim ends with the record.
        desk.record(
            1,
            T0 + MINUTE,
            Outcome::Failed {
                error: Failure::Refused,
            },
        );
        assert_eq!(desk.claimed_by("r1"), [0]);
        assert_eq!(desk.due(T0 + MINUTE + 2_000), [1], "the retry is due");
        // The round's record of the other never landed (its push failed): once stale, it is
        // settled as perhaps sent, and never due again.
        assert!(
            desk.settle_stale_claims(T0 + 5 * MINUTE).is_empty(),
            "not yet stale"
        );
        assert_eq!(desk.settle_stale_claims(T0 + MINUTE + STALE_CLAIM), [0]);
        let settled = &desk.deliveries[0];
        assert_eq!(settled.delivery.status, Status::Unrecorded);
        assert!(settled.claim.is_none() && settled.message.is_none());
        assert_eq!(desk.due(T0 + HOUR_LATER), [1]);
        // A desk written before claims existed reads without them.
        let mut old = serde_json::to_value(&desk).unwrap();
        for sending in old["deliveries"].as_array_mut().unwrap() {
            sending.as_object_mut().unwrap().remove("claim");
        }
        let read: Desk = serde_json::from_value(old).unwrap();
        assert_eq!(read, desk);
    }

    const HOUR_LATER: Millis = 60 * MINUTE;

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
            desk.deliveries[0].message, None,
            "done: nothing left to send"
        );
        assert!(desk.deliveries[1].message.is_some(), "kept for the retry");
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
    fn only_a_firing_followed_by_its_own_resolution_is_over() {
        let config = config();
        let mut desk = Desk {
            read_until: Some(T0),
            ..Desk::default()
        };
        let latency = |kind, at| {
            let alert = Alert {
                at,
                kind,
                severity: Severity::P3,
                reason: AlertReason::Latency { p95_ms: 4_000 },
            };
            Read::of("api", alert, &[], &[])
        };
        let mut config = config;
        config.routes[2] = vec!["hook".into()];
        // Fired and resolved, then fired again: the second episode is open, and pages.
        let reads = vec![
            latency(AlertKind::Fire, T0 + MINUTE),
            latency(AlertKind::Resolve, T0 + 2 * MINUTE),
            latency(AlertKind::Fire, T0 + 3 * MINUTE),
        ];
        desk.take(&config, reads, T0 + 4 * MINUTE, OnCall::default());
        let open: Vec<Millis> = desk
            .dispatcher
            .pages
            .iter()
            .filter(|p| p.is_open())
            .map(|p| p.opened_at)
            .collect();
        assert_eq!(open, [T0 + 3 * MINUTE]);
        // A resolution of what was open before, then a new firing: both taken.
        let reads = vec![
            latency(AlertKind::Resolve, T0 + 5 * MINUTE),
            latency(AlertKind::Fire, T0 + 6 * MINUTE),
        ];
        desk.take(&config, reads, T0 + 7 * MINUTE, OnCall::default());
        let pages = &desk.dispatcher.pages;
        assert_eq!(pages.len(), 2);
        assert!(!pages[0].is_open());
        assert_eq!(pages[1].opened_at, T0 + 6 * MINUTE);
    }

    #[test]
    fn channels_sent_elsewhere_are_left_and_gone_ones_given_up() {
        let mut config = config();
        config.sent_elsewhere = vec!["hook".into()];
        let mut desk = Desk::default();
        desk.take(
            &config,
            vec![read(AlertKind::Fire, T0 + 1, 1)],
            T0 + 1,
            OnCall::default(),
        );
        let channels: Vec<&str> = desk
            .deliveries
            .iter()
            .map(|s| s.delivery.channel.as_str())
            .collect();
        assert_eq!(channels, [PUSH], "the runner sends the hook");
        // The push channel goes away before its delivery was made.
        config.channels.retain(|c| c.id != PUSH);
        let before = desk.clone();
        desk.tick(&config, T0 + 2, &|_| false, OnCall::default(), &|_| 0);
        assert!(!desk.same_as(&before));
        let gone = &desk.deliveries[0];
        assert_eq!(
            (gone.delivery.status, gone.message.is_none()),
            (Status::GaveUp, true)
        );
        let before = desk.clone();
        desk.tick(&config, T0 + 2_000, &|_| false, OnCall::default(), &|_| 0);
        assert!(
            desk.same_as(&before),
            "a tick with nothing to do changes nothing kept"
        );
        // A receiver that answered blind is remembered.
        desk.deliveries.push(Sending {
            delivery: Delivery::new("k", "fired", "chat", T0),
            message: None,
            claim: None,
        });
        desk.record(1, T0 + 3_000, Outcome::Unseen);
        assert_eq!(desk.blind, ["chat"]);
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
            let message = (i == 0).then(|| Message::Notice(Box::new(sample_notice())));
            desk.deliveries.push(Sending {
                delivery,
                message,
                claim: None,
            });
        }
        desk.tick(&config, T0, &|_| false, OnCall::default(), &|_| 0);
        assert_eq!(desk.deliveries.len(), LOG_SIZE);
        assert!(desk.deliveries[0].message.is_some(), "pending stays");
        desk.tick(&config, T0 + KEPT, &|_| false, OnCall::default(), &|_| 0);
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

    #[test]
    fn p3s_wait_for_one_digest_each_business_morning_and_never_page() {
        let mut config = config();
        config.channels.push(Channel {
            id: "pd".into(),
            kind: ChannelKind::PagerDuty {
                routing_key: "key".into(),
                url: "http://127.0.0.1:9/pd".into(),
            },
        });
        config.routes[2] = vec!["hook".into(), "pd".into()];
        let berlin = |_| 60;
        let hour = 60 * MINUTE;
        // T0 is a Saturday, 00:00 UTC; Friday 15:00 in Berlin is 14:00 UTC.
        let friday = T0 - DAY;
        let tick = |desk: &mut Desk, at: Millis| {
            desk.tick(&config, at, &|_| false, OnCall::default(), &berlin)
        };
        let mut desk = Desk::default();
        tick(&mut desk, friday + 13 * hour);
        assert_eq!(
            desk.digest_through,
            Some(friday + 8 * hour),
            "counts from this morning"
        );
        let slow = |at: Millis| {
            let alert = Alert {
                at,
                kind: AlertKind::Fire,
                severity: Severity::P3,
                reason: AlertReason::Latency { p95_ms: 2_300 },
            };
            Read {
                server: "api".into(),
                summary: Summary::of(&alert, None, "up"),
                alert,
            }
        };
        desk.take(&config, Vec::new(), friday + 13 * hour, OnCall::default());
        desk.take(
            &config,
            vec![slow(friday + 14 * hour)],
            friday + 14 * hour,
            OnCall::default(),
        );
        // All weekend: nothing sent, the P3 is open.
        for at in (0..64).map(|h| friday + 14 * hour + h * hour) {
            tick(&mut desk, at);
        }
        assert!(desk.deliveries.is_empty(), "{:?}", desk.deliveries);
        // Monday 09:00 in Berlin: one digest, on the P3 route's chat, not its pager.
        let monday_morning = friday + 3 * DAY + 8 * hour;
        tick(&mut desk, monday_morning);
        assert_eq!(desk.deliveries.len(), 1, "{:?}", desk.deliveries);
        let sending = &desk.deliveries[0];
        assert_eq!(
            (
                sending.delivery.channel.as_str(),
                sending.delivery.notice.as_str()
            ),
            ("hook", "digest")
        );
        let Some(Message::Digest(digest)) = &sending.message else {
            panic!("a digest, not {:?}", sending.message);
        };
        assert_eq!(
            (digest.since, digest.through),
            (friday + 8 * hour, monday_morning)
        );
        assert_eq!(digest.items.len(), 1);
        assert_eq!(digest.items[0].state, super::super::digest::ItemState::Open);
        assert!(
            digest.items[0].what.contains("2300 ms"),
            "{}",
            digest.items[0].what
        );
        // Once a morning: later ticks add nothing; Tuesday lists it again while it is open.
        tick(&mut desk, monday_morning + hour);
        assert_eq!(desk.deliveries.len(), 1);
        tick(&mut desk, monday_morning + DAY);
        assert_eq!(desk.deliveries.len(), 2);
        // A desk kept by an older version, when a delivery carried a `notice`, still reads.
        let old = serde_json::to_string(&desk.deliveries[0])
            .unwrap()
            .replace("\"message\"", "\"notice\"");
        let read: Sending = serde_json::from_str(&old).unwrap();
        assert_eq!(read, desk.deliveries[0]);
        let notice = Sending {
            message: Some(Message::Notice(Box::new(sample_notice()))),
            ..desk.deliveries[0].clone()
        };
        let old = serde_json::to_string(&notice)
            .unwrap()
            .replace("\"message\"", "\"notice\"");
        assert_eq!(serde_json::from_str::<Sending>(&old).unwrap(), notice);
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
        match desk.deliveries[0].message.clone() {
            Some(Message::Notice(notice)) => *notice,
            other => panic!("a notice, not {other:?}"),
        }
    }
}
