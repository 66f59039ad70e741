//! The monitoring engine: probes in, states, incidents, alerts and uptimes out.
//!
//! One [`ServerMonitor`] per server takes probes in time order ([`ServerMonitor::ingest`], O(1)
//! amortised) and keeps everything the page and the alerts need: the hysteresis state,
//! incidents, alerts, cold starts, drift, and hourly/daily rollups from which any window's
//! uptimes are read. A probe's result holds from its time until the next probe (at most
//! `validity` long); the next probe also settles how the previous one counts, because a cold
//! start is only known once the server has recovered (product spec, section 3).
//! Rebuilding from history is replaying it: the same code, the same result.

pub mod burn;
pub mod config;
pub mod declared;
pub mod events;
pub mod history;
pub mod record;
pub mod replay;
pub mod review;
pub mod rollup;
pub mod state;
pub mod store;
pub mod window;

use crate::fingerprint::DriftKind;
use crate::platform::Platform;
use burn::{BurnChange, BurnTracker};
use config::MonitorConfig;
use events::{
    Alert, AlertKind, AlertReason, ColdStart, Drift, Event, EventRecord, Incident, Severity,
    MAX_EVIDENCE,
};
use record::{format_hash, Health, Millis, ProbeRecord, DAY, HOUR};
use rollup::{DayRecord, Rollups, Tally, Uptime};
use serde::{Deserialize, Serialize};
use state::{State, Transition};

/// What was known about the last probe when it arrived, for settling it later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Open {
    at: Millis,
    health: Health,
    /// It was the first failure of its streak.
    first_failure: bool,
    /// The gap since the last success matched the platform's idle timeout.
    post_idle: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerMonitor {
    config: MonitorConfig,
    platform: Platform,
    state: State,
    open: Option<Open>,
    first_at: Option<Millis>,
    last_success_at: Option<Millis>,
    /// The last probe that reached the server (any outcome but blocked): it woke the server.
    last_contact_at: Option<Millis>,
    /// Warm latency: moving average of passing probes that were not cold starts.
    baseline_ms: Option<f64>,
    streak: Vec<ProbeRecord>,
    recovery_started: Option<Millis>,
    last_recovery_at: Option<Millis>,
    hashes: Option<(u64, u64)>,
    open_incident: Option<usize>,
    next_incident_id: u64,
    /// Saved apart, a record per day (`changed_days`, `restore_rollups`): the rest of the
    /// monitor is a few kilobytes, saved whole after every probe round.
    #[serde(skip)]
    rollups: Rollups,
    burn: BurnTracker,
    /// The p95 latency alert is firing.
    slow: bool,
    pub incidents: Vec<Incident>,
    /// Alerts, cold starts and drift since the monitor was made or last `forget_closed`.
    /// Not saved with the monitor: a store keeps them as they happen (`event_records`).
    #[serde(skip)]
    pub alerts: Vec<Alert>,
    #[serde(skip)]
    pub cold_starts: Vec<ColdStart>,
    #[serde(skip)]
    pub drift: Vec<Drift>,
}

/// A passing probe is a cold start's recovery if it took over this many times the baseline.
const ELEVATED_FACTOR: f64 = 2.0;
const BASELINE_WEIGHT: f64 = 0.2;

impl ServerMonitor {
    /// `host` picks the platform unless the config names one.
    pub fn new(config: MonitorConfig, host: &str) -> Result<ServerMonitor, config::ConfigError> {
        config.validate()?;
        let platform = config.platform.unwrap_or_else(|| Platform::from_host(host));
        Ok(ServerMonitor {
            config,
            platform,
            state: State::Unknown,
            open: None,
            first_at: None,
            last_success_at: None,
            last_contact_at: None,
            baseline_ms: None,
            streak: Vec::new(),
            recovery_started: None,
            last_recovery_at: None,
            hashes: None,
            open_incident: None,
            next_incident_id: 1,
            rollups: Rollups::default(),
            burn: BurnTracker::default(),
            slow: false,
            incidents: Vec::new(),
            alerts: Vec::new(),
            cold_starts: Vec::new(),
            drift: Vec::new(),
        })
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn config(&self) -> &MonitorConfig {
        &self.config
    }

    /// Takes the server's current configuration (the config file or the monitor was edited):
    /// state, incidents and history stay, the new rules apply from the next probe.
    pub fn reconfigure(
        &mut self,
        config: MonitorConfig,
        host: &str,
    ) -> Result<(), config::ConfigError> {
        config.validate()?;
        self.platform = config.platform.unwrap_or_else(|| Platform::from_host(host));
        self.config = config;
        Ok(())
    }

    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// When the last probe started: the next is due a cadence later.
    pub fn last_probe_at(&self) -> Option<Millis> {
        self.open.as_ref().map(|open| open.at)
    }

    /// The (contract, metadata) hashes of the last probe that listed the tools.
    pub fn last_fingerprint(&self) -> Option<(u64, u64)> {
        self.hashes
    }

    /// Takes the next probe. Probes older than the last one are ignored (history is replayed
    /// in time order). The probe is only borrowed: failures are copied as evidence.
    pub fn ingest(&mut self, probe: &ProbeRecord) -> Vec<Event> {
        let mut events = Vec::new();
        if self.open.as_ref().is_some_and(|open| probe.at < open.at) {
            return events;
        }
        self.first_at.get_or_insert(probe.at);
        let mut after_cold_start = false;
        if let Some(previous) = &self.open {
            let hour = rollup::bucket_index(previous.at, record::HOUR);
            if probe.at >= (hour + 1) * record::HOUR {
                self.check_latency(hour, probe.at, &mut events);
            }
        }
        if let Some(previous) = self.open.take() {
            after_cold_start = self.settle(&previous, Some(probe), probe.at, &mut events);
        }
        let health = probe.health();
        let post_idle = self.is_post_idle(probe.at);
        let first_failure = health == Health::Down && self.streak.is_empty();
        self.count(probe, post_idle, after_cold_start, &mut events);
        self.transition(probe, &mut events);
        if health == Health::Up {
            self.last_success_at = Some(probe.at);
        }
        if health != Health::NoData {
            self.last_contact_at = Some(probe.at);
        }
        self.open = Some(Open {
            at: probe.at,
            health,
            first_failure,
            post_idle,
        });
        events
    }

    /// The stored form of the days whose rollups changed since [`ServerMonitor::saved`].
    pub fn changed_days(&self) -> Vec<DayRecord> {
        self.rollups
            .changed_days()
            .into_iter()
            .map(|day| self.rollups.day_record(day))
            .collect()
    }

    /// A store now holds what `changed_days`, `incidents` and `event_records` gave: they are
    /// forgotten here (the open incident stays). Called only once the write succeeded, so a
    /// failed write is tried again with the next one.
    pub fn saved(&mut self) {
        self.rollups.saved();
        self.forget_closed();
    }

    /// Whether a deserialised monitor holds together (its open incident exists, its burn
    /// windows have their sizes): a stored one damaged outside this code is refused, not run.
    pub fn is_intact(&self) -> bool {
        self.burn.is_intact()
            && self
                .open_incident
                .is_none_or(|index| index < self.incidents.len())
    }

    /// Puts stored days back, after the rest of the monitor was deserialised: `records` are
    /// every stored day from `from_day` on (days not given count as no data). Days before
    /// `from_day` are not held, so writes to them are never handed to the store: a partial
    /// day must not replace a stored whole one.
    pub fn restore_rollups(&mut self, from_day: i64, records: impl IntoIterator<Item = DayRecord>) {
        self.rollups = Rollups::from_records(records);
        self.rollups.forget_before(from_day);
    }

    /// The alerts, cold starts and drift held in memory, in time order, as a store keeps them.
    pub fn event_records(&self) -> Vec<EventRecord> {
        let mut records: Vec<EventRecord> = self
            .alerts
            .iter()
            .cloned()
            .map(EventRecord::Alert)
            .chain(self.cold_starts.iter().cloned().map(EventRecord::ColdStart))
            .chain(self.drift.iter().cloned().map(EventRecord::Drift))
            .collect();
        records.sort_by_key(EventRecord::at);
        records
    }

    /// Forgets, in memory, the rollups of days before `day` (a store keeps them).
    pub fn forget_rollups_before(&mut self, day: i64) {
        self.rollups.forget_before(day);
    }

    /// Forgets, in memory, the incidents that are over and the alerts, cold starts and drift
    /// seen so far: a long-running page stores them as they happen. The open incident stays.
    pub fn forget_closed(&mut self) {
        match self.open_incident {
            Some(index) => {
                self.incidents.drain(..index);
                self.incidents.truncate(1);
                self.open_incident = Some(0);
            }
            None => self.incidents.clear(),
        }
        self.alerts.clear();
        self.cold_starts.clear();
        self.drift.clear();
    }

    /// Both uptimes, coverage and latency over `[now - span, now)`.
    pub fn uptime(&self, now: Millis, span: Millis) -> Uptime {
        let start = now - span;
        let mut tally = self.rollups.sum_hours(start, now);
        self.add_open_interval(&mut tally, start, now);
        Uptime::of(&tally, span)
    }

    /// Everything from the first probe to `now`.
    pub fn uptime_since_first(&self, now: Millis) -> Uptime {
        let start = self.first_at.unwrap_or(now);
        self.uptime(now, (now - start).max(1))
    }

    /// One bar per UTC day, oldest first, ending with the day of `now`.
    pub fn days(&self, now: Millis, count: usize) -> Vec<(Millis, Uptime)> {
        let today = rollup::bucket_index(now, DAY);
        let first = today - count as i64 + 1;
        self.rollups
            .day_tallies(first, today)
            .into_iter()
            .zip(first..)
            .map(|(mut tally, day)| {
                let (start, end) = (day * DAY, (day + 1) * DAY);
                self.add_open_interval(&mut tally, start, end.min(now));
                let span = if day == today { now - start } else { DAY };
                (start, Uptime::of(&tally, span.max(1)))
            })
            .collect()
    }

    /// One tally per hour, oldest first, ending with the hour of `now`: the latency chart.
    pub fn hours(&self, now: Millis, count: usize) -> Vec<(Millis, Uptime)> {
        let this_hour = rollup::bucket_index(now, HOUR);
        (this_hour + 1 - count as i64..=this_hour)
            .map(|hour| {
                let (start, end) = (hour * HOUR, (hour + 1) * HOUR);
                let mut tally = self.rollups.sum_hours(start, end);
                self.add_open_interval(&mut tally, start, end.min(now));
                (start, Uptime::of(&tally, (end.min(now) - start).max(1)))
            })
            .collect()
    }

    /// The time the last probe still covers, counted as it stands (its classification may
    /// still change when the next probe arrives).
    fn add_open_interval(&self, tally: &mut Tally, start: Millis, end: Millis) {
        let Some(open) = &self.open else {
            return;
        };
        let from = open.at.max(start);
        let to = (open.at + self.config.validity()).min(end);
        if from >= to {
            return;
        }
        let ms = to - from;
        match open.health {
            Health::Up => tally.up_ms += ms,
            Health::Down => {
                tally.down_ms += ms;
                if !self.config.in_maintenance(open.at) {
                    tally.slo_bad_ms += ms;
                }
            }
            Health::NoData => {}
        }
    }

    /// The server had been left alone for the platform's idle timeout: no success and no
    /// request at all (a failed probe still wakes it) for that long.
    fn is_post_idle(&self, at: Millis) -> bool {
        match (
            self.platform.idle_timeout_ms(),
            self.last_success_at,
            self.last_contact_at,
        ) {
            (Some(idle), Some(success), Some(contact)) => {
                at - success >= idle && at - contact >= idle
            }
            _ => false,
        }
    }

    fn is_elevated(&self, probe: &ProbeRecord) -> bool {
        probe.passed()
            && self
                .baseline_ms
                .is_some_and(|baseline| f64::from(probe.latency_ms) > ELEVATED_FACTOR * baseline)
    }

    /// Closes the time `previous` covered, now that `next` (if any) tells how it counts.
    /// Returns whether `previous` was a cold start.
    fn settle(
        &mut self,
        previous: &Open,
        next: Option<&ProbeRecord>,
        until: Millis,
        events: &mut Vec<Event>,
    ) -> bool {
        let at = previous.at;
        let end = until.min(at + self.config.validity());
        let health = previous.health;
        if health == Health::NoData {
            return false;
        }
        let maintenance = self.config.in_maintenance(at);
        // A lone failure that the very next probe recovered from, after an idle gap or with a
        // slow recovery, is a cold start (spec §3, decision tree 1 and 4).
        let cold = health == Health::Down
            && previous.first_failure
            && next.is_some_and(|n| n.health() == Health::Up)
            && (previous.post_idle || next.is_some_and(|n| self.is_elevated(n)));
        if cold {
            let elevated = next.filter(|n| self.is_elevated(n)).map(|n| n.latency_ms);
            let cold_start = ColdStart {
                at,
                failed: true,
                post_idle: previous.post_idle,
                elevated_latency_ms: elevated,
            };
            self.rollups.add_at(at, |t| t.cold_starts += 1);
            self.cold_starts.push(cold_start.clone());
            events.push(Event::ColdStart(cold_start));
        }
        let slo_bad = health == Health::Down && !cold && !maintenance;
        self.rollups.add_time(at, end, |tally, ms| match health {
            Health::Up => tally.up_ms += ms,
            _ => {
                tally.down_ms += ms;
                if slo_bad {
                    tally.slo_bad_ms += ms;
                }
            }
        });
        let budget = 1.0 - self.config.slo_target;
        for change in self.burn.record(
            at,
            slo_bad,
            budget,
            self.config.min_burn_samples,
            self.config.cadence,
        ) {
            let (kind, rule) = match change {
                BurnChange::Fired(rule) => (AlertKind::Fire, rule),
                BurnChange::Resolved(rule) => (AlertKind::Resolve, rule),
            };
            self.alert(
                until,
                kind,
                Severity::P3,
                AlertReason::Burn { rule },
                events,
            );
        }
        cold
    }

    /// Counts at the probe's instant: probes, failures, latency, drift. The recovering probe of
    /// a cold start, like a slow pass after idle, stays out of the warm latency figures.
    fn count(
        &mut self,
        probe: &ProbeRecord,
        post_idle: bool,
        after_cold_start: bool,
        events: &mut Vec<Event>,
    ) {
        let health = probe.health();
        if health == Health::NoData {
            return;
        }
        let slow_cold_start = probe.passed() && post_idle && self.is_elevated(probe);
        if slow_cold_start {
            // It worked, slowly: logged, and kept out of the warm latency figures.
            let cold_start = ColdStart {
                at: probe.at,
                failed: false,
                post_idle,
                elevated_latency_ms: Some(probe.latency_ms),
            };
            self.cold_starts.push(cold_start.clone());
            events.push(Event::ColdStart(cold_start));
        }
        let latency =
            (probe.passed() && !slow_cold_start && !after_cold_start).then_some(probe.latency_ms);
        let failed = health == Health::Down;
        let bucket = latency.map(rollup::Latencies::bucket_of);
        self.rollups.add_at(probe.at, |tally| {
            tally.probes += 1;
            if failed {
                tally.failures += 1;
            }
            if let Some(bucket) = bucket {
                tally.latency.record_bucket(bucket);
            }
        });
        if let Some(ms) = latency {
            let ms = f64::from(ms);
            self.baseline_ms = Some(match self.baseline_ms {
                Some(b) => b + BASELINE_WEIGHT * (ms - b),
                None => ms,
            });
        }
        if probe.passed() {
            self.check_drift(probe, events);
        }
    }

    /// At the end of an hour: p95 of its passing probes above the threshold is a P3 event,
    /// resolved by the first hour back under it. Needs `min_burn_samples` probes.
    fn check_latency(&mut self, hour: i64, now: Millis, events: &mut Vec<Event>) {
        let tally = self
            .rollups
            .sum_hours(hour * record::HOUR, (hour + 1) * record::HOUR);
        if tally.latency.count() < u64::from(self.config.min_burn_samples) {
            return;
        }
        let Some(p95_ms) = tally.latency.quantile(0.95) else {
            return;
        };
        let slow = p95_ms > self.config.latency_threshold_ms;
        if slow == self.slow || self.config.in_maintenance(now) {
            return;
        }
        self.slow = slow;
        let kind = if slow {
            AlertKind::Fire
        } else {
            AlertKind::Resolve
        };
        self.alert(
            now,
            kind,
            Severity::P3,
            AlertReason::Latency { p95_ms },
            events,
        );
    }

    fn check_drift(&mut self, probe: &ProbeRecord, events: &mut Vec<Event>) {
        let (Some(contract), Some(metadata)) = (probe.contract_hash, probe.metadata_hash) else {
            return;
        };
        let now = (contract, metadata);
        let Some(before) = self.hashes.replace(now) else {
            return;
        };
        let kind = if before.0 != now.0 {
            DriftKind::Contract
        } else if before.1 != now.1 {
            DriftKind::Metadata
        } else {
            return;
        };
        let drift = Drift {
            at: probe.at,
            kind,
            contract_before: format_hash(before.0),
            contract_after: format_hash(now.0),
            metadata_before: format_hash(before.1),
            metadata_after: format_hash(now.1),
        };
        self.drift.push(drift.clone());
        events.push(Event::Drift(drift));
        if !self.config.in_maintenance(probe.at) {
            let severity = match kind {
                DriftKind::Contract => Severity::P2,
                DriftKind::Metadata => Severity::P3,
            };
            self.alert(
                probe.at,
                AlertKind::Fire,
                severity,
                AlertReason::Drift { drift: kind },
                events,
            );
        }
    }

    /// The hysteresis state machine and the incidents and downtime alerts that follow it.
    fn transition(&mut self, probe: &ProbeRecord, events: &mut Vec<Event>) {
        let health = probe.health();
        match health {
            Health::Down => {
                if self.streak.len() < MAX_EVIDENCE {
                    self.streak.push(probe.clone());
                }
                if matches!(self.state, State::Recovering { .. }) {
                    self.recovery_started = None;
                }
            }
            Health::Up => {
                if self.state == State::Down {
                    self.recovery_started = Some(probe.at);
                }
                if !matches!(self.state, State::Down | State::Recovering { .. }) {
                    self.streak.clear();
                }
            }
            Health::NoData => {}
        }
        let (next, transition) = state::step(
            self.state,
            health,
            self.config.failures_to_down,
            self.config.passes_to_up,
        );
        if next != self.state {
            events.push(Event::StateChanged {
                at: probe.at,
                from: self.state,
                to: next,
            });
        }
        self.state = next;
        match transition {
            Transition::WentDown => self.open_incident(probe, events),
            Transition::Recovered => self.resolve_incident(probe.at, events),
            Transition::None => {}
        }
        if let Some(index) = self.open_incident {
            self.update_incident(index, probe, events);
        }
    }

    fn open_incident(&mut self, probe: &ProbeRecord, events: &mut Vec<Event>) {
        let first = self
            .streak
            .first()
            .cloned()
            .unwrap_or_else(|| probe.clone());
        let id = self.next_incident_id;
        self.next_incident_id += 1;
        let flapping = self
            .last_recovery_at
            .is_some_and(|recovered| first.at - recovered < self.config.flap_quiet);
        self.incidents.push(Incident {
            id,
            start: first.at,
            end: None,
            severity: self
                .streak
                .iter()
                .map(|p| Severity::of_layer(p.layer))
                .min()
                .unwrap_or(Severity::of_layer(probe.layer)),
            layer: first.layer,
            first_error: first.error.clone(),
            evidence: self.streak.iter().take(MAX_EVIDENCE).cloned().collect(),
            alerted_at: None,
            flapping,
            escalate_eligible: false,
        });
        self.rollups.add_at(first.at, |t| t.incidents += 1);
        self.open_incident = Some(self.incidents.len() - 1);
        events.push(Event::IncidentOpened(id));
    }

    /// While an incident is open: more evidence, a worse severity, a deferred alert once
    /// maintenance ends or flapping settles into downtime, and escalation eligibility.
    fn update_incident(&mut self, index: usize, probe: &ProbeRecord, events: &mut Vec<Event>) {
        let at = probe.at;
        let quiet = self.config.flap_quiet;
        let in_maintenance = self.config.in_maintenance(at);
        let incident = &mut self.incidents[index];
        let before = incident.severity;
        if probe.health() == Health::Down {
            incident.severity = incident.severity.min(Severity::of_layer(probe.layer));
            if incident.evidence.len() < MAX_EVIDENCE
                && incident.evidence.last().is_none_or(|e| e.at < at)
            {
                incident.evidence.push(probe.clone());
            }
        }
        let (id, severity) = (incident.id, incident.severity);
        if incident.alerted_at.is_some() && severity < before {
            self.alert(
                at,
                AlertKind::Worsened,
                severity,
                AlertReason::Downtime { incident: id },
                events,
            );
        }
        let incident = &mut self.incidents[index];
        if incident.alerted_at.is_none() {
            // Damped (flapping) downtime alerts once it has lasted the quiet period itself.
            let due = !in_maintenance && (!incident.flapping || at - incident.start >= quiet);
            if due {
                incident.alerted_at = Some(at);
                self.alert(
                    at,
                    AlertKind::Fire,
                    severity,
                    AlertReason::Downtime { incident: id },
                    events,
                );
            }
            return;
        }
        let fired = incident.alerted_at.unwrap_or(at);
        let overdue = severity
            .ack_target()
            .is_some_and(|target| at - fired >= target);
        if overdue && !incident.escalate_eligible {
            incident.escalate_eligible = true;
            self.alert(
                at,
                AlertKind::EscalateEligible,
                severity,
                AlertReason::Downtime { incident: id },
                events,
            );
        }
    }

    fn resolve_incident(&mut self, at: Millis, events: &mut Vec<Event>) {
        let Some(index) = self.open_incident.take() else {
            return;
        };
        let end = self.recovery_started.take().unwrap_or(at);
        let incident = &mut self.incidents[index];
        incident.end = Some(end);
        let (id, severity, alerted) = (
            incident.id,
            incident.severity,
            incident.alerted_at.is_some(),
        );
        self.last_recovery_at = Some(end);
        self.streak.clear();
        events.push(Event::IncidentResolved(id));
        if alerted {
            self.alert(
                at,
                AlertKind::Resolve,
                severity,
                AlertReason::Downtime { incident: id },
                events,
            );
        }
    }

    fn alert(
        &mut self,
        at: Millis,
        kind: AlertKind,
        severity: Severity,
        reason: AlertReason,
        events: &mut Vec<Event>,
    ) {
        let alert = Alert {
            at,
            kind,
            severity,
            reason,
        };
        self.alerts.push(alert.clone());
        events.push(Event::Alert(alert));
    }
}

#[cfg(test)]
mod tests;
