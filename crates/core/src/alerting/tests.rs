//! Every timing rule of alerting, on an injected clock: escalation steps at their minutes,
//! acknowledgement stopping them, P2 becoming P1, reminders, maintenance, one recovery
//! message, the presets; and a whole outage replayed from a history through the engine.

use super::config::{AlertingConfig, Notify, TeamSize, PUSH};
use super::dispatch::{Dispatcher, Notice, NoticeKind, OnCall, Summary};
use super::oncall::{day_of, Person, Rotation};
use crate::monitor::config::MonitorConfig;
use crate::monitor::events::Event;
use crate::monitor::events::{Alert, AlertKind, AlertReason, Severity};
use crate::monitor::history::{line_of, parse, BadLines};
use crate::monitor::record::{Millis, ProbeRecord, MINUTE};
use crate::monitor::ServerMonitor;
use crate::report::{Layer, Outcome};

const T0: Millis = 1_795_219_200_000; // 2026-11-21T00:00:00Z

fn person(name: &str) -> Person {
    Person {
        name: name.into(),
        notify: vec![format!("{name}-phone")],
    }
}

/// The default policy with a rotation of ana (primary), ben (secondary), manager cy, and
/// chat and digest channels.
fn config() -> AlertingConfig {
    let mut config = AlertingConfig::default();
    config.routes[1] = vec!["chat".into()];
    config.routes[2] = vec!["digest".into()];
    config.rotation = Some(Rotation {
        people: vec![person("ana"), person("ben")],
        manager: Some(person("cy")),
        first_day: day_of("2026-11-16").unwrap(),
        handoff_minute: 9 * 60,
        time_zone: "UTC".into(),
    });
    config
}

fn utc(_: Millis) -> i32 {
    0
}

fn fire(severity: Severity, reason: AlertReason, at: Millis) -> Alert {
    Alert {
        at,
        kind: AlertKind::Fire,
        severity,
        reason,
    }
}

const DOWN: AlertReason = AlertReason::Downtime { incident: 1 };

fn summary(alert: &Alert) -> Summary {
    Summary::of(alert, None, "down")
}

/// `alert` for server "api", nobody on call.
fn raise(dispatcher: &mut Dispatcher, config: &AlertingConfig, alert: &Alert) -> Vec<Notice> {
    dispatcher.alert(config, "api", alert, summary(alert), OnCall::default())
}

/// Ticks every minute from `from` to `to` (inclusive); every notice with its minute.
fn run(
    dispatcher: &mut Dispatcher,
    config: &AlertingConfig,
    from: i64,
    to: i64,
    paused: &dyn Fn(Millis) -> bool,
) -> Vec<(i64, Notice)> {
    let mut out = Vec::new();
    for minute in from..=to {
        let now = T0 + minute * MINUTE;
        let on_call = OnCall::of(config, now, &utc);
        for notice in dispatcher.tick(config, now, &|_| paused(now), on_call) {
            out.push((minute, notice));
        }
    }
    out
}

fn said(notices: &[(i64, Notice)]) -> Vec<(i64, NoticeKind, Vec<String>)> {
    notices
        .iter()
        .map(|(minute, n)| (*minute, n.kind, n.channels.clone()))
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn an_unacknowledged_p1_escalates_at_5_15_30_and_60_minutes() {
    let config = AlertingConfig {
        reminder_every: None,
        ..config()
    };
    let mut dispatcher = Dispatcher::default();
    let alert = fire(Severity::P1, DOWN, T0);
    let on_call = OnCall::of(&config, T0, &utc);
    let fired = dispatcher.alert(&config, "api", &alert, summary(&alert), on_call);
    assert_eq!(fired.len(), 1);
    assert_eq!(
        (fired[0].kind, fired[0].channels.clone()),
        (NoticeKind::Fired, strings(&[PUSH]))
    );
    let later = run(&mut dispatcher, &config, 0, 70, &|_| false);
    assert_eq!(
        said(&later),
        [
            (5, NoticeKind::Escalated, strings(&["ana-phone"])),
            (15, NoticeKind::Escalated, strings(&["ben-phone"])),
            (30, NoticeKind::Escalated, strings(&["cy-phone"])),
            (60, NoticeKind::ProcessFailure, strings(&[PUSH])),
        ]
    );
    assert_eq!(
        later[1].1.to.as_deref(),
        Some("ben"),
        "the secondary by name"
    );
    assert_eq!(
        dispatcher.pages[0].process_failure_at,
        Some(T0 + 60 * MINUTE)
    );
}

#[test]
fn an_acknowledgement_stops_the_escalation_and_everyone_told_hears_who() {
    let config = config();
    let mut dispatcher = Dispatcher::default();
    let alert = fire(Severity::P1, DOWN, T0);
    raise(&mut dispatcher, &config, &alert);
    run(&mut dispatcher, &config, 0, 9, &|_| false);
    let key = dispatcher.pages[0].key.clone();
    let acked = dispatcher.acknowledge(&key, "ana", T0 + 10 * MINUTE);
    assert_eq!(
        (acked[0].kind, acked[0].channels.clone()),
        (NoticeKind::Acknowledged, strings(&[PUSH, "ana-phone"]))
    );
    assert!(
        dispatcher
            .acknowledge(&key, "ben", T0 + 11 * MINUTE)
            .is_empty(),
        "once"
    );
    let later = run(&mut dispatcher, &config, 10, 90, &|_| false);
    // No more escalation; the reminder every 30 minutes since the last notice goes on.
    assert_eq!(
        said(&later),
        [
            (40, NoticeKind::Reminder, strings(&[PUSH])),
            (70, NoticeKind::Reminder, strings(&[PUSH])),
        ]
    );
}

#[test]
fn a_p2_nobody_acknowledged_for_30_minutes_becomes_a_p1_and_escalates_as_one() {
    let config = AlertingConfig {
        reminder_every: None,
        ..config()
    };
    let mut dispatcher = Dispatcher::default();
    let drift = AlertReason::Drift {
        drift: crate::fingerprint::DriftKind::Contract,
    };
    let alert = fire(Severity::P2, drift, T0);
    let fired = raise(&mut dispatcher, &config, &alert);
    assert_eq!(fired[0].channels, strings(&["chat"]));
    let later = run(&mut dispatcher, &config, 0, 50, &|_| false);
    assert_eq!(
        said(&later),
        [
            (30, NoticeKind::RaisedToP1, strings(&[PUSH])),
            (35, NoticeKind::Escalated, strings(&["ana-phone"])),
            (45, NoticeKind::Escalated, strings(&["ben-phone"])),
        ]
    );
    assert_eq!(dispatcher.pages[0].fired_severity, Severity::P2);
    assert_eq!(dispatcher.pages[0].severity, Severity::P1);
}

#[test]
fn a_p2_downtime_that_gets_worse_pages_as_a_p1_from_then() {
    let config = AlertingConfig {
        reminder_every: None,
        ..config()
    };
    let mut dispatcher = Dispatcher::default();
    let alert = fire(Severity::P2, DOWN, T0);
    assert_eq!(
        raise(&mut dispatcher, &config, &alert)[0].channels,
        strings(&["chat"])
    );
    let worse = Alert {
        kind: AlertKind::Worsened,
        severity: Severity::P1,
        at: T0 + 3 * MINUTE,
        ..alert.clone()
    };
    let worsened = raise(&mut dispatcher, &config, &worse);
    assert_eq!(
        (worsened[0].kind, worsened[0].channels.clone()),
        (NoticeKind::Worsened, strings(&[PUSH]))
    );
    let later = run(&mut dispatcher, &config, 3, 20, &|_| false);
    assert_eq!(
        said(&later),
        [
            (8, NoticeKind::Escalated, strings(&["ana-phone"])),
            (18, NoticeKind::Escalated, strings(&["ben-phone"])),
        ],
        "the P1 clock starts when it got worse"
    );
    assert!(
        raise(&mut dispatcher, &config, &worse).is_empty(),
        "said once"
    );
}

#[test]
fn a_p3_goes_to_the_digest_and_never_escalates_or_reminds() {
    let config = config();
    let mut dispatcher = Dispatcher::default();
    let alert = fire(Severity::P3, AlertReason::Latency { p95_ms: 4_000 }, T0);
    let fired = raise(&mut dispatcher, &config, &alert);
    assert_eq!(fired[0].channels, strings(&["digest"]));
    assert!(run(&mut dispatcher, &config, 0, 600, &|_| false).is_empty());
}

#[test]
fn recovery_is_announced_once_to_every_channel_told() {
    let config = config();
    let mut dispatcher = Dispatcher::default();
    let alert = fire(Severity::P1, DOWN, T0);
    raise(&mut dispatcher, &config, &alert);
    run(&mut dispatcher, &config, 0, 6, &|_| false);
    let resolve = Alert {
        kind: AlertKind::Resolve,
        at: T0 + 7 * MINUTE,
        ..alert.clone()
    };
    let recovered = raise(&mut dispatcher, &config, &resolve);
    assert_eq!(
        (recovered[0].kind, recovered[0].channels.clone()),
        (NoticeKind::Recovered, strings(&[PUSH, "ana-phone"]))
    );
    assert!(raise(&mut dispatcher, &config, &resolve).is_empty());
    assert!(run(&mut dispatcher, &config, 7, 120, &|_| false).is_empty());

    // Closed by a person first: the server's recovery later says nothing more.
    let mut dispatcher = Dispatcher::default();
    raise(&mut dispatcher, &config, &alert);
    let key = dispatcher.pages[0].key.clone();
    let resolved = dispatcher.resolve(&key, "ana", T0 + 2 * MINUTE);
    assert_eq!(resolved[0].kind, NoticeKind::Resolved);
    assert!(raise(&mut dispatcher, &config, &resolve).is_empty());
}

#[test]
fn maintenance_pauses_the_escalation_clock_and_the_same_alert_fires_once() {
    let config = AlertingConfig {
        reminder_every: None,
        rotation: None,
        ..config()
    };
    let mut dispatcher = Dispatcher::default();
    let alert = fire(Severity::P1, DOWN, T0);
    raise(&mut dispatcher, &config, &alert);
    assert!(raise(&mut dispatcher, &config, &alert).is_empty());
    // Maintenance from minute 2 to minute 12: ten minutes that do not count.
    let in_maintenance = |now: Millis| (T0 + 2 * MINUTE..T0 + 12 * MINUTE).contains(&now);
    let later = run(&mut dispatcher, &config, 0, 30, &in_maintenance);
    assert_eq!(
        said(&later),
        [
            (15, NoticeKind::Escalated, Vec::new()),
            (25, NoticeKind::Escalated, Vec::new()),
        ]
    );
    assert_eq!(later[0].1.to.as_deref(), Some("primary"));
    assert_eq!(
        later[1].1.to.as_deref(),
        Some("secondary"),
        "nobody on call: said so"
    );
}

#[test]
fn a_page_closed_for_a_while_counts_at_most_a_tick_of_it_as_maintenance() {
    let config = AlertingConfig {
        reminder_every: None,
        rotation: None,
        ..config()
    };
    let mut dispatcher = Dispatcher::default();
    raise(&mut dispatcher, &config, &fire(Severity::P1, DOWN, T0));
    dispatcher.tick(&config, T0, &|_| false, OnCall::default());
    // Closed for 20 minutes; opened again while the server is in maintenance: the 20
    // minutes are not known to have been maintenance, so the escalation has run its course.
    let now = T0 + 20 * MINUTE;
    dispatcher.tick(&config, now, &|_| true, OnCall::default());
    assert_eq!(dispatcher.pages[0].paused, MINUTE);
    let notices = dispatcher.tick(&config, now + 1, &|_| false, OnCall::default());
    let steps: Vec<NoticeKind> = notices.iter().map(|n| n.kind).collect();
    assert_eq!(steps, [NoticeKind::Escalated, NoticeKind::Escalated]);
}

#[test]
fn the_presets_set_routing_and_escalation_by_team_size() {
    let base = config();
    let solo = base.preset(TeamSize::Solo, Some("chat"), None);
    assert_eq!(
        solo.routes,
        [strings(&[PUSH]), strings(&["chat"]), Vec::new()]
    );
    assert!(solo.escalation.is_empty());
    assert_eq!((solo.p2_to_p1_after, solo.reminder_every), (None, None));

    let two = base.preset(TeamSize::Two, Some("chat"), None);
    let steps: Vec<(Millis, Notify)> = two
        .escalation
        .iter()
        .map(|s| (s.after / MINUTE, s.notify.clone()))
        .collect();
    assert_eq!(steps, [(0, Notify::Primary), (15, Notify::Secondary)]);
    let mut dispatcher = Dispatcher::default();
    let alert = fire(Severity::P1, DOWN, T0 + 10 * 60 * MINUTE);
    let on_call = OnCall::of(&two, alert.at, &utc);
    let fired = dispatcher.alert(&two, "api", &alert, summary(&alert), on_call);
    assert_eq!(
        said(&fired.into_iter().map(|n| (0, n)).collect::<Vec<_>>()),
        [
            (0, NoticeKind::Fired, strings(&[PUSH])),
            (0, NoticeKind::Escalated, strings(&["ana-phone"])),
        ]
    );

    let big = base.preset(TeamSize::FiveOrMore, Some("chat"), Some("pd"));
    assert_eq!(
        big.routes,
        [
            strings(&["pd", "chat"]),
            strings(&["pd", "chat"]),
            strings(&["chat"])
        ]
    );
    assert!(big.escalation.is_empty(), "the paging tool escalates");
    assert_eq!(big.rotation, base.rotation, "kept");
}

/// The scenario, from a history file: an outage → P1 → nobody acknowledges →
/// escalation at the right minutes → acknowledged → the server recovers → one recovery.
#[test]
fn an_outage_replayed_from_a_history_escalates_is_acknowledged_and_recovers_once() {
    let config = AlertingConfig {
        reminder_every: None,
        ..config()
    };
    // A probe a minute: up for 10 minutes, down for 40, then up again.
    let ndjson: String = (0..70)
        .map(|minute| {
            let down = (10..50).contains(&minute);
            let probe = ProbeRecord {
                at: T0 + minute * MINUTE,
                outcome: if down { Outcome::Failed } else { Outcome::Ok },
                layer: down.then_some(Layer::Http),
                latency_ms: 120,
                contract_hash: (!down).then_some(1),
                metadata_hash: (!down).then_some(2),
                error: down.then(|| "HTTP 502".to_owned()),
            };
            line_of("api", "https://api.example/mcp", &probe) + "\n"
        })
        .collect();
    let history = parse(&ndjson, BadLines::Refuse).unwrap();
    let mut engine = ServerMonitor::new(MonitorConfig::default(), "api.example").unwrap();
    let mut dispatcher = Dispatcher::default();
    let mut log = Vec::new();
    for entry in &history.entries {
        let now = entry.probe.at;
        let minute = (now - T0) / MINUTE;
        let on_call = OnCall::of(&config, now, &utc);
        for event in engine.ingest(&entry.probe) {
            if let Event::Alert(alert) = event {
                let incident = match alert.reason {
                    AlertReason::Downtime { incident } => {
                        engine.incidents.iter().find(|i| i.id == incident)
                    }
                    _ => None,
                };
                let summary = Summary::of(&alert, incident, engine.state().as_str());
                for notice in dispatcher.alert(&config, "api", &alert, summary, on_call) {
                    log.push((minute, notice));
                }
            }
        }
        for notice in dispatcher.tick(&config, now, &|_| false, on_call) {
            log.push((minute, notice));
        }
        if minute == 40 {
            let key = downtime(&dispatcher);
            for notice in dispatcher.acknowledge(&key, "ben", now) {
                log.push((minute, notice));
            }
        }
    }
    // The outage also spends the error budget: the engine's burn warnings are P3s, for the
    // digest only.
    let (outage, burn): (Vec<_>, Vec<_>) = log
        .into_iter()
        .partition(|(_, n)| n.page.key.contains("|downtime|"));
    assert!(!burn.is_empty());
    assert!(burn
        .iter()
        .all(|(_, n)| n.page.severity == Severity::P3 && n.channels == ["digest"]));
    // The third failure (minute 12) confirms the outage; steps at +5, +15, +30 from then; the
    // acknowledgement at minute 40 comes before the manager (+30) and the process failure
    // (+60); two passes (minutes 50 and 51) confirm the recovery.
    let log = outage;
    assert_eq!(
        said(&log),
        [
            (12, NoticeKind::Fired, strings(&[PUSH])),
            (17, NoticeKind::Escalated, strings(&["ana-phone"])),
            (27, NoticeKind::Escalated, strings(&["ben-phone"])),
            (
                40,
                NoticeKind::Acknowledged,
                strings(&[PUSH, "ana-phone", "ben-phone"])
            ),
            (
                51,
                NoticeKind::Recovered,
                strings(&[PUSH, "ana-phone", "ben-phone"])
            ),
        ]
    );
    let first = &log[0].1.page.summary;
    assert_eq!(
        first.since,
        T0 + 10 * MINUTE,
        "since the first failed probe"
    );
    assert_eq!(first.first_error.as_deref(), Some("HTTP 502"));
    assert_eq!(first.evidence.len(), 3);
    assert_eq!(first.what, "down at the http layer");
}

fn downtime(dispatcher: &Dispatcher) -> String {
    let page = dispatcher
        .pages
        .iter()
        .find(|p| p.key.contains("|downtime|"));
    page.map(|p| p.key.clone()).unwrap_or_default()
}
