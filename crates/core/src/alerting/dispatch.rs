//! The alerting state machine, sans-IO: the monitoring engine's alerts, people's
//! acknowledgements and resolutions, and the clock go in; notices (what to tell which channels)
//! come out. It never decides whether something is worth an alert (the engine did: confirmed
//! downtime only, no cold starts, muted in maintenance, damped when flapping); it decides who
//! hears about it, when, and what happens when nobody answers (spec section 6).

use super::config::{AlertingConfig, Notify};
use super::oncall::{Offset, Person};
use crate::fingerprint::DriftKind;
use crate::monitor::burn::BurnRule;
use crate::monitor::events::{Alert, AlertKind, AlertReason, Incident, Severity};
use crate::monitor::record::{Millis, ProbeRecord, DAY, MINUTE};
use crate::report::Layer;
use serde::{Deserialize, Serialize};

/// Closed alerts are kept this long: the handoff looks back a week.
pub const KEPT: Millis = 7 * DAY;
/// Ticks come at least this often while a page or the runner is running.
pub const MAX_TICK_GAP: Millis = MINUTE;

/// What a notice says about its alert, taken when it fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// One line: "down at the http layer", "contract drift of the tool list"…
    pub what: String,
    pub layer: Option<Layer>,
    /// The server's state when the alert fired (`State::as_str`).
    pub state: String,
    /// When the trouble began (an incident's first failed probe; the alert itself otherwise).
    pub since: Millis,
    pub first_error: Option<String>,
    /// The probes that confirmed it (at most five).
    pub evidence: Vec<ProbeRecord>,
}

impl Summary {
    /// The summary of `alert`; `incident` is the one a downtime alert is about.
    pub fn of(alert: &Alert, incident: Option<&Incident>, state: &str) -> Summary {
        let what = match alert.reason {
            AlertReason::Downtime { .. } => match incident.and_then(|i| i.layer) {
                Some(layer) => format!("down at the {} layer", layer.as_str()),
                None => "down".to_owned(),
            },
            AlertReason::Drift {
                drift: DriftKind::Contract,
            } => "the tool list's contract changed: clients may break".to_owned(),
            AlertReason::Drift {
                drift: DriftKind::Metadata,
            } => "tool titles or descriptions changed".to_owned(),
            AlertReason::Burn { rule } => match rule {
                BurnRule::Fast => "error budget burning fast (14.4× over an hour)".to_owned(),
                BurnRule::Medium => "error budget burning (6× over 6 hours)".to_owned(),
                BurnRule::Slow => "error budget on course to run out this month".to_owned(),
            },
            AlertReason::Latency { p95_ms } => {
                format!("p95 latency {p95_ms} ms over the last hour")
            }
        };
        Summary {
            what,
            layer: incident.and_then(|i| i.layer),
            state: state.to_owned(),
            since: incident.map_or(alert.at, |i| i.start),
            first_error: incident.and_then(|i| i.first_error.clone()),
            evidence: incident.map(|i| i.evidence.clone()).unwrap_or_default(),
        }
    }
}

/// Who did something, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub at: Millis,
    pub by: String,
}

/// One alert from firing to closing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// `server|reason…`: the same for the alert's firing and its resolution, and the dedup
    /// key a paging tool gets.
    pub key: String,
    pub server: String,
    /// The severity it fired with (its acknowledgement target) and the one it has now (a P2
    /// nobody acknowledged becomes a P1).
    pub fired_severity: Severity,
    pub severity: Severity,
    pub opened_at: Millis,
    /// When the P1 escalation clock started.
    pub p1_since: Option<Millis>,
    /// Escalation steps taken.
    pub steps_done: usize,
    /// Time spent in maintenance since the clock last started: it does not count.
    pub paused: Millis,
    pub acknowledged: Option<Mark>,
    /// Closed by a person (`by`) or by the server's recovery (`by` is empty).
    pub closed: Option<Mark>,
    pub process_failure_at: Option<Millis>,
    pub last_notice_at: Millis,
    /// Every channel told so far: all of them hear how it ends.
    pub told: Vec<String>,
    pub summary: Summary,
}

impl Page {
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeKind {
    Fired,
    /// An escalation step (`Page::steps_done` says which).
    Escalated,
    RaisedToP1,
    /// The trouble itself got worse (the engine's `Worsened`): a P2 is a P1 from now.
    Worsened,
    Reminder,
    ProcessFailure,
    Acknowledged,
    /// A person closed it.
    Resolved,
    /// The server recovered (after the engine's recovery window): sent once.
    Recovered,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Fired => "fired",
            NoticeKind::Escalated => "escalated",
            NoticeKind::RaisedToP1 => "raised_to_p1",
            NoticeKind::Worsened => "worsened",
            NoticeKind::Reminder => "reminder",
            NoticeKind::ProcessFailure => "process_failure",
            NoticeKind::Acknowledged => "acknowledged",
            NoticeKind::Resolved => "resolved",
            NoticeKind::Recovered => "recovered",
        }
    }
}

/// What to tell `channels`, now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    pub at: Millis,
    pub kind: NoticeKind,
    /// Whom an escalation step was for (`primary`, a person's name…), for people to read.
    pub to: Option<String>,
    pub channels: Vec<String>,
    /// The alert as it stands after this notice.
    pub page: Page,
}

/// Who is on call at the moment of a tick (from `oncall::Rotation`).
#[derive(Debug, Clone, Copy, Default)]
pub struct OnCall<'a> {
    pub primary: Option<&'a Person>,
    pub secondary: Option<&'a Person>,
    pub manager: Option<&'a Person>,
}

impl<'a> OnCall<'a> {
    pub fn of(config: &'a AlertingConfig, now: Millis, offset: Offset) -> OnCall<'a> {
        let Some(rotation) = &config.rotation else {
            return OnCall::default();
        };
        let shift = rotation.shift_at(now, offset);
        OnCall {
            primary: shift.as_ref().map(|s| s.primary),
            secondary: shift.and_then(|s| s.secondary),
            manager: rotation.manager.as_ref(),
        }
    }
}

/// Every alert of the last week, open or closed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dispatcher {
    pub pages: Vec<Page>,
    last_tick: Option<Millis>,
}

/// The key of an alert: its firing and its resolution share it.
pub fn key_of(server: &str, reason: &AlertReason, at: Millis) -> String {
    match reason {
        AlertReason::Downtime { incident } => format!("{server}|downtime|{incident}"),
        // A drift has no resolution: each one is its own alert.
        AlertReason::Drift { .. } => format!("{server}|drift|{at}"),
        AlertReason::Burn { rule } => format!("{server}|burn|{}", rule.as_str()),
        AlertReason::Latency { .. } => format!("{server}|latency"),
    }
}

impl Dispatcher {
    /// An alert of the monitoring engine for `server`.
    pub fn alert(
        &mut self,
        config: &AlertingConfig,
        server: &str,
        alert: &Alert,
        summary: Summary,
        on_call: OnCall,
    ) -> Vec<Notice> {
        let key = key_of(server, &alert.reason, alert.at);
        let mut notices = Vec::new();
        let open = self.pages.iter().position(|p| p.key == key && p.is_open());
        match (alert.kind, open) {
            (AlertKind::Fire, None) => {
                let severity = alert.severity;
                let route = config.route(severity).to_vec();
                let mut page = Page {
                    key,
                    server: server.to_owned(),
                    fired_severity: severity,
                    severity,
                    opened_at: alert.at,
                    p1_since: (severity == Severity::P1).then_some(alert.at),
                    steps_done: 0,
                    paused: 0,
                    acknowledged: None,
                    closed: None,
                    process_failure_at: None,
                    last_notice_at: alert.at,
                    told: Vec::new(),
                    summary,
                };
                notices.push(notice(&mut page, alert.at, NoticeKind::Fired, None, route));
                escalate(&mut page, config, alert.at, on_call, &mut notices);
                self.pages.push(page);
            }
            // Worse while open: a P2 becoming a P1 pages as one from now.
            (AlertKind::Worsened, Some(index)) if alert.severity < self.pages[index].severity => {
                let page = &mut self.pages[index];
                page.severity = alert.severity;
                if alert.severity == Severity::P1 {
                    page.p1_since = Some(alert.at);
                    page.paused = 0;
                    let route = config.route(Severity::P1).to_vec();
                    notices.push(notice(page, alert.at, NoticeKind::Worsened, None, route));
                    if page.acknowledged.is_none() {
                        escalate(page, config, alert.at, on_call, &mut notices);
                    }
                }
            }
            (AlertKind::Resolve, Some(index)) => {
                let page = &mut self.pages[index];
                page.closed = Some(Mark {
                    at: alert.at,
                    by: String::new(),
                });
                let told = page.told.clone();
                notices.push(notice(page, alert.at, NoticeKind::Recovered, None, told));
            }
            // Fired again while open, resolved after a person closed it (the one closing
            // message is sent), or the engine's own escalation hint: the clock here decides.
            _ => {}
        }
        notices
    }

    /// Escalation, P2s becoming P1s and reminders that are due at `now`. `paused` says
    /// whether a server is in maintenance: its alerts wait, and the wait does not count.
    pub fn tick(
        &mut self,
        config: &AlertingConfig,
        now: Millis,
        paused: &dyn Fn(&str) -> bool,
        on_call: OnCall,
    ) -> Vec<Notice> {
        // A long gap is a closed page: whether its servers were in maintenance meanwhile is
        // unknown, so at most a tick's worth of it counts as paused.
        let elapsed = self
            .last_tick
            .map_or(0, |last| (now - last).clamp(0, MAX_TICK_GAP));
        self.last_tick = Some(now);
        let mut notices = Vec::new();
        for page in self.pages.iter_mut().filter(|p| p.is_open()) {
            if paused(&page.server) {
                page.paused += elapsed;
                continue;
            }
            if page.acknowledged.is_none() {
                let waited = now - page.opened_at - page.paused;
                let raise = config
                    .p2_to_p1_after
                    .filter(|_| page.severity == Severity::P2);
                if raise.is_some_and(|after| waited >= after) {
                    page.severity = Severity::P1;
                    page.p1_since = Some(now);
                    page.paused = 0;
                    let route = config.route(Severity::P1).to_vec();
                    notices.push(notice(page, now, NoticeKind::RaisedToP1, None, route));
                }
                escalate(page, config, now, on_call, &mut notices);
            }
            let every = config
                .reminder_every
                .filter(|_| page.severity != Severity::P3);
            if every.is_some_and(|every| now - page.last_notice_at >= every) {
                let route = config.route(page.severity).to_vec();
                notices.push(notice(page, now, NoticeKind::Reminder, None, route));
            }
        }
        self.pages
            .retain(|p| p.closed.as_ref().is_none_or(|c| now - c.at < KEPT));
        notices
    }

    /// A person took the alert `key`: escalation stops; everyone told hears who.
    pub fn acknowledge(&mut self, key: &str, by: &str, now: Millis) -> Vec<Notice> {
        let Some(page) = self
            .pages
            .iter_mut()
            .find(|p| p.key == key && p.is_open() && p.acknowledged.is_none())
        else {
            return Vec::new();
        };
        page.acknowledged = Some(Mark {
            at: now,
            by: by.to_owned(),
        });
        let told = page.told.clone();
        vec![notice(page, now, NoticeKind::Acknowledged, None, told)]
    }

    /// A person closed the alert `key`; the server's recovery will not be announced again.
    pub fn resolve(&mut self, key: &str, by: &str, now: Millis) -> Vec<Notice> {
        let Some(page) = self.pages.iter_mut().find(|p| p.key == key && p.is_open()) else {
            return Vec::new();
        };
        page.closed = Some(Mark {
            at: now,
            by: by.to_owned(),
        });
        let told = page.told.clone();
        vec![notice(page, now, NoticeKind::Resolved, None, told)]
    }
}

/// Takes the P1 escalation steps that are due: each once, in order.
fn escalate(
    page: &mut Page,
    config: &AlertingConfig,
    now: Millis,
    on_call: OnCall,
    notices: &mut Vec<Notice>,
) {
    let Some(since) = page.p1_since.filter(|_| page.severity == Severity::P1) else {
        return;
    };
    while let Some(step) = config.escalation.get(page.steps_done) {
        if now - since - page.paused < step.after {
            return;
        }
        page.steps_done += 1;
        // A role reaches whoever holds it; nobody holding it is said by the role's name.
        let role = |who: Option<&Person>, role: &str| {
            let to = who.map_or(role.to_owned(), |p| p.name.clone());
            let channels = who.map(|p| p.notify.clone()).unwrap_or_default();
            (NoticeKind::Escalated, Some(to), channels)
        };
        let (kind, to, channels) = match &step.notify {
            Notify::Channels(ids) => (NoticeKind::Escalated, None, ids.clone()),
            Notify::Primary => role(on_call.primary, "primary"),
            Notify::Secondary => role(on_call.secondary, "secondary"),
            Notify::Manager => role(on_call.manager, "manager"),
            Notify::ProcessFailure => {
                page.process_failure_at = Some(now);
                let route = config.route(Severity::P1).to_vec();
                (NoticeKind::ProcessFailure, None, route)
            }
        };
        notices.push(notice(page, now, kind, to, channels));
    }
}

/// A notice of `kind` to `channels`, remembered on the page.
fn notice(
    page: &mut Page,
    at: Millis,
    kind: NoticeKind,
    to: Option<String>,
    channels: Vec<String>,
) -> Notice {
    for channel in &channels {
        if !page.told.contains(channel) {
            page.told.push(channel.clone());
        }
    }
    page.last_notice_at = at;
    Notice {
        at,
        kind,
        to,
        channels,
        page: page.clone(),
    }
}
