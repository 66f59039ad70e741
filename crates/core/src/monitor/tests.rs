//! The monitoring rules, each on a readable probe log: `HH:MM outcome [layer] latency_ms`.

use super::config::{MaintenanceWindow, MonitorConfig};
use super::events::{AlertKind, AlertReason, Severity};
use super::record::{Millis, ProbeRecord, DAY, HOUR, MINUTE};
use super::state::State;
use super::ServerMonitor;
use crate::fingerprint::DriftKind;
use crate::report::{Layer, Outcome};

/// 2026-11-21T00:00:00Z
const DAY0: Millis = 1_795_219_200_000;

fn at(hhmm: &str) -> Millis {
    let (h, m) = hhmm.split_once(':').unwrap();
    DAY0 + h.parse::<i64>().unwrap() * HOUR + m.parse::<i64>().unwrap() * MINUTE
}

/// One probe per line: `14:16 failed tools 30001` or `14:17 ok 8342`.
fn log(text: &str) -> Vec<ProbeRecord> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let parts: Vec<&str> = line.split_whitespace().collect();
            let outcome = match parts[1] {
                "ok" => Outcome::Ok,
                "degraded" => Outcome::Degraded,
                "auth" => Outcome::AuthRequired,
                "blocked" => Outcome::Blocked,
                "failed" => Outcome::Failed,
                other => panic!("outcome {other}"),
            };
            let (layer, latency) = if outcome == Outcome::Failed {
                let layer = match parts[2] {
                    "transport" => Layer::Transport,
                    "http" => Layer::Http,
                    "initialize" => Layer::Initialize,
                    "tools" => Layer::Tools,
                    other => panic!("layer {other}"),
                };
                (Some(layer), parts[3])
            } else {
                (None, parts[2])
            };
            ProbeRecord {
                at: at(parts[0]),
                outcome,
                layer,
                latency_ms: latency.parse().unwrap(),
                contract_hash: None,
                metadata_hash: None,
                error: (outcome == Outcome::Failed).then(|| format!("{} failed", parts[2])),
            }
        })
        .collect()
}

fn every_minute(from: &str, to: &str, what: &str) -> String {
    (0..)
        .map(|i| at(from) + i * MINUTE)
        .take_while(|t| *t <= at(to))
        .map(|t| {
            let minutes = (t - DAY0) / MINUTE;
            format!("{:02}:{:02} {what}\n", minutes / 60, minutes % 60)
        })
        .collect()
}

fn monitor(host: &str, config: MonitorConfig, probes: &[ProbeRecord]) -> ServerMonitor {
    let mut monitor = ServerMonitor::new(config, host).unwrap();
    for probe in probes {
        monitor.ingest(probe);
    }
    monitor
}

/// Downtime and drift alerts fired (burn alerts have their own test).
fn fired(monitor: &ServerMonitor) -> Vec<(Millis, Severity)> {
    monitor
        .alerts
        .iter()
        .filter(|a| a.kind == AlertKind::Fire && !matches!(a.reason, AlertReason::Burn { .. }))
        .map(|a| (a.at, a.severity))
        .collect()
}

#[test]
fn the_cold_start_signature_raises_no_alert_and_costs_no_slo_uptime() {
    // Product spec §3, on Render (15-minute idle timeout).
    let probes = log("
        14:00 ok 312
        14:16 failed tools 30001
        14:17 ok 8342
        14:18 ok 301
    ");
    let m = monitor("my-mcp.onrender.com", MonitorConfig::default(), &probes);
    assert!(m.alerts.is_empty(), "{:?}", m.alerts);
    assert!(m.incidents.is_empty());
    assert_eq!(m.cold_starts.len(), 1);
    let cold = &m.cold_starts[0];
    assert_eq!(cold.at, at("14:16"));
    assert!(cold.failed && cold.post_idle);
    assert_eq!(cold.elevated_latency_ms, Some(8342));
    let day = m.uptime(at("14:20"), DAY);
    assert_eq!(day.slo_uptime, Some(1.0));
    let wall = day.wall_clock_uptime.unwrap();
    assert!(wall < 1.0, "the failure shows in wall-clock uptime: {wall}");
    // 14:00 covers 2 minutes, 14:16, 14:17 one each, 14:18 two: 1 minute down of 6.
    assert!((wall - 5.0 / 6.0).abs() < 1e-9, "{wall}");
    assert_eq!(day.cold_starts, 1);
}

#[test]
fn the_outage_signature_fires_p1_at_the_third_failure_not_before() {
    let probes = log("
        14:00 ok 300
        14:01 failed transport 5
        14:02 failed transport 4
        14:03 failed transport 5
        14:04 failed transport 5
    ");
    let mut m = ServerMonitor::new(MonitorConfig::default(), "example.com").unwrap();
    for probe in &probes[..3] {
        m.ingest(probe);
        assert!(m.alerts.is_empty());
    }
    assert_eq!(m.state(), State::Confirming { failures: 2 });
    m.ingest(&probes[3]);
    assert_eq!(m.state(), State::Down);
    assert_eq!(fired(&m), [(at("14:03"), Severity::P1)]);
    m.ingest(&probes[4]);
    assert_eq!(fired(&m).len(), 1, "no duplicate alert");
    let incident = &m.incidents[0];
    assert_eq!(incident.start, at("14:01"));
    assert_eq!(incident.layer, Some(Layer::Transport));
    assert_eq!(incident.first_error.as_deref(), Some("transport failed"));
    assert_eq!(incident.evidence.len(), 4);
    // Consecutive failures count against the SLO, whatever the platform.
    assert!(m.uptime(at("14:05"), HOUR).slo_uptime.unwrap() < 1.0);
}

#[test]
fn a_fired_p2_that_gets_worse_is_said_once_to_be_a_p1() {
    let probes = log("
        14:00 ok 300
        14:01 failed tools 40
        14:02 failed tools 41
        14:03 failed tools 40
        14:04 failed transport 5
        14:05 failed transport 5
        14:06 failed tools 40
    ");
    let m = monitor("example.com", MonitorConfig::default(), &probes);
    let said: Vec<(AlertKind, Millis, Severity)> = m
        .alerts
        .iter()
        .filter(|a| matches!(a.reason, AlertReason::Downtime { .. }))
        .map(|a| (a.kind, a.at, a.severity))
        .collect();
    assert_eq!(
        said,
        [
            (AlertKind::Fire, at("14:03"), Severity::P2),
            (AlertKind::Worsened, at("14:04"), Severity::P1),
        ]
    );
    assert_eq!(
        m.incidents[0].severity,
        Severity::P1,
        "the worst seen stays"
    );
}

#[test]
fn recovery_needs_two_passes_and_resolves_once() {
    let probes = log("
        10:00 ok 300
        10:01 failed tools 40
        10:02 failed tools 40
        10:03 failed tools 40
        10:04 ok 300
        10:05 failed tools 40
        10:06 ok 300
        10:07 ok 300
        10:08 ok 300
    ");
    let m = monitor("example.com", MonitorConfig::default(), &probes);
    assert_eq!(m.state(), State::Up);
    assert_eq!(fired(&m), [(at("10:03"), Severity::P2)]);
    let resolves: Vec<_> = m
        .alerts
        .iter()
        .filter(|a| {
            a.kind == AlertKind::Resolve && matches!(a.reason, AlertReason::Downtime { .. })
        })
        .collect();
    assert_eq!(resolves.len(), 1);
    assert_eq!(resolves[0].at, at("10:07"));
    // The incident ends at the first pass of the streak that confirmed recovery.
    assert_eq!(m.incidents[0].end, Some(at("10:06")));
}

#[test]
fn flapping_does_not_produce_a_stream_of_alerts() {
    // Down, up for two minutes, down again: the second downtime is damped.
    let mut text = String::from("09:00 ok 300\n");
    text += &every_minute("09:01", "09:04", "failed http 5");
    text += &every_minute("09:05", "09:06", "ok 300");
    text += &every_minute("09:07", "09:10", "failed http 5");
    text += &every_minute("09:11", "09:12", "ok 300");
    let m = monitor("example.com", MonitorConfig::default(), &log(&text));
    assert_eq!(m.incidents.len(), 2);
    assert!(m.incidents[1].flapping);
    assert_eq!(fired(&m).len(), 1, "{:?}", m.alerts);
    let resolves = m
        .alerts
        .iter()
        .filter(|a| {
            a.kind == AlertKind::Resolve && matches!(a.reason, AlertReason::Downtime { .. })
        })
        .count();
    assert_eq!(resolves, 1);
}

#[test]
fn a_damped_downtime_that_lasts_the_quiet_period_alerts_after_all() {
    let mut text = String::from("09:00 ok 300\n");
    text += &every_minute("09:01", "09:04", "failed http 5");
    text += &every_minute("09:05", "09:06", "ok 300");
    text += &every_minute("09:07", "09:30", "failed http 5");
    let m = monitor("example.com", MonitorConfig::default(), &log(&text));
    let alerts = fired(&m);
    assert_eq!(alerts.len(), 2);
    assert_eq!(
        alerts[1].0,
        at("09:17"),
        "10 minutes after the flapping downtime began"
    );
}

#[test]
fn maintenance_mutes_alerts_and_is_left_out_of_slo_uptime() {
    let config = MonitorConfig {
        maintenance: vec![MaintenanceWindow {
            start: at("12:00"),
            end: at("12:30"),
        }],
        ..MonitorConfig::default()
    };
    let mut text = String::from("11:59 ok 300\n");
    text += &every_minute("12:00", "12:10", "failed http 5");
    text += &every_minute("12:11", "12:40", "ok 300");
    let m = monitor("example.com", config.clone(), &log(&text));
    assert!(fired(&m).is_empty(), "{:?}", m.alerts);
    assert_eq!(
        m.incidents.len(),
        1,
        "probing continues: the author sees the deploy failed"
    );
    let hour = m.uptime(at("12:41"), HOUR);
    assert_eq!(hour.slo_uptime, Some(1.0));
    assert!(hour.wall_clock_uptime.unwrap() < 0.9);
    // Still down when the window ends: alerting resumes by itself.
    let mut text = String::from("11:59 ok 300\n");
    text += &every_minute("12:00", "12:45", "failed http 5");
    let m = monitor("example.com", config, &log(&text));
    assert_eq!(fired(&m), [(at("12:30"), Severity::P1)]);
}

#[test]
fn a_new_config_applies_from_the_next_probe_and_keeps_the_history() {
    let mut m = monitor(
        "example.com",
        MonitorConfig::default(),
        &log("12:00 ok 300\n12:01 failed http 5"),
    );
    let stricter = MonitorConfig {
        failures_to_down: 2,
        platform: Some(crate::platform::Platform::Render),
        ..MonitorConfig::default()
    };
    m.reconfigure(stricter.clone(), "example.com").unwrap();
    assert_eq!(m.config(), &stricter);
    assert_eq!(m.platform(), crate::platform::Platform::Render);
    m.ingest(&log("12:02 failed http 5")[0]);
    assert_eq!(m.state(), State::Down, "two failures are enough now");
    assert_eq!(m.uptime(at("12:03"), HOUR).probes, 3);
    let invalid = MonitorConfig {
        slo_target: 2.0,
        ..MonitorConfig::default()
    };
    assert!(m.reconfigure(invalid, "example.com").is_err());
    assert_eq!(m.config(), &stricter, "a refused config changes nothing");
}

#[test]
fn hours_hold_each_hour_s_latency_for_the_chart() {
    let mut text = every_minute("10:00", "10:59", "ok 100");
    text += &every_minute("11:00", "11:29", "ok 900");
    let m = monitor("example.com", MonitorConfig::default(), &log(&text));
    let hours = m.hours(at("11:30"), 3);
    assert_eq!(hours.len(), 3);
    assert_eq!(hours[0].0, at("09:00"));
    assert_eq!(hours[0].1.p50_ms, None, "no data before the first probe");
    assert_eq!(hours[1].1.probes, 60);
    assert!(hours[1].1.p95_ms.unwrap() < 150, "{:?}", hours[1].1);
    assert!(hours[2].1.p50_ms.unwrap() >= 900, "{:?}", hours[2].1);
    assert_eq!(hours[2].1.wall_clock_uptime, Some(1.0));
}

#[test]
fn maintenance_windows_over_four_hours_are_refused() {
    let config = MonitorConfig {
        maintenance: vec![MaintenanceWindow {
            start: at("12:00"),
            end: at("16:01"),
        }],
        ..MonitorConfig::default()
    };
    let error = ServerMonitor::new(config, "example.com").unwrap_err();
    assert!(error.to_string().contains("4-hour"), "{error}");
    let exactly_four = MonitorConfig {
        maintenance: vec![MaintenanceWindow {
            start: at("12:00"),
            end: at("16:00"),
        }],
        ..MonitorConfig::default()
    };
    assert!(ServerMonitor::new(exactly_four, "example.com").is_ok());
}

#[test]
fn a_day_without_probes_is_no_data_not_uptime() {
    // The last probe at 23:57 covers the day to 23:59.
    let mut probes = log(&every_minute("00:00", "23:57", "ok 300"));
    // Nothing at all the next day, then one hour of probes on the day after.
    let two_days_later: Vec<ProbeRecord> = log(&every_minute("00:00", "00:59", "ok 300"))
        .into_iter()
        .map(|mut p| {
            p.at += 2 * DAY;
            p
        })
        .collect();
    probes.extend(two_days_later);
    let m = monitor("example.com", MonitorConfig::default(), &probes);
    let days = m.days(DAY0 + 2 * DAY + HOUR, 3);
    assert!(
        (days[0].1.coverage - 1439.0 / 1440.0).abs() < 1e-9,
        "{:?}",
        days[0].1
    );
    assert_eq!(days[1].1.coverage, 0.0);
    assert_eq!(days[1].1.wall_clock_uptime, None, "no data is not up");
    assert_eq!(days[2].1.wall_clock_uptime, Some(1.0));
    let three_days = m.uptime(DAY0 + 3 * DAY, 3 * DAY);
    assert!(three_days.coverage < 0.4, "{}", three_days.coverage);
    assert_eq!(three_days.wall_clock_uptime, Some(1.0));
}

#[test]
fn auth_required_is_up_and_blocked_is_no_data() {
    let probes = log("
        08:00 auth 50
        08:01 blocked 0
        08:02 blocked 0
        08:03 blocked 0
        08:04 auth 50
    ");
    let m = monitor("example.com", MonitorConfig::default(), &probes);
    assert_eq!(m.state(), State::Up);
    assert!(m.incidents.is_empty());
    let u = m.uptime(at("08:05"), 5 * MINUTE);
    assert_eq!(u.wall_clock_uptime, Some(1.0));
    // 08:00 covers 08:00-08:01 (the next probe), 08:04 covers 08:04-08:05: 2 of 5 minutes.
    assert!((u.coverage - 0.4).abs() < 1e-9, "{}", u.coverage);
}

#[test]
fn schema_drift_is_p2_for_the_contract_and_p3_for_metadata() {
    let mut probes = log("
        10:00 ok 300
        10:01 ok 300
        10:02 ok 300
        10:03 ok 300
    ");
    let hashes = [
        (0xaaaa, 0x1111),
        (0xaaaa, 0x1111),
        (0xaaaa, 0x2222),
        (0xbbbb, 0x3333),
    ];
    for (probe, (contract, metadata)) in probes.iter_mut().zip(hashes) {
        probe.contract_hash = Some(contract);
        probe.metadata_hash = Some(metadata);
    }
    let m = monitor("example.com", MonitorConfig::default(), &probes);
    let kinds: Vec<_> = m.drift.iter().map(|d| (d.at, d.kind)).collect();
    assert_eq!(
        kinds,
        [
            (at("10:02"), DriftKind::Metadata),
            (at("10:03"), DriftKind::Contract)
        ]
    );
    assert_eq!(
        (
            m.drift[1].contract_before.as_str(),
            m.drift[1].contract_after.as_str()
        ),
        ("000000000000aaaa", "000000000000bbbb")
    );
    assert_eq!(
        fired(&m),
        [(at("10:02"), Severity::P3), (at("10:03"), Severity::P2)]
    );
}

#[test]
fn burn_alerts_need_enough_samples() {
    // Sparse probes: one failure every 20 minutes is never enough samples for a window.
    let sparse = log("
        10:00 ok 300
        10:20 failed tools 5
        10:40 ok 300
        11:00 failed tools 5
        11:20 ok 300
    ");
    let m = monitor("example.com", MonitorConfig::default(), &sparse);
    assert!(!m
        .alerts
        .iter()
        .any(|a| matches!(a.reason, AlertReason::Burn { .. })));
    // Dense: a 7-minute outage at one probe a minute burns the fast window.
    let mut text = every_minute("09:00", "09:59", "ok 300");
    text += &every_minute("10:00", "10:06", "failed tools 5");
    text += &every_minute("10:07", "10:30", "ok 300");
    let m = monitor("example.com", MonitorConfig::default(), &log(&text));
    let burns: Vec<_> = m
        .alerts
        .iter()
        .filter(|a| matches!(a.reason, AlertReason::Burn { .. }))
        .map(|a| (a.kind, a.severity))
        .collect();
    assert!(
        burns.contains(&(AlertKind::Fire, Severity::P3)),
        "{burns:?}"
    );
    assert!(
        burns.contains(&(AlertKind::Resolve, Severity::P3)),
        "{burns:?}"
    );
}

#[test]
fn an_unacknowledged_p1_becomes_escalation_eligible_after_five_minutes() {
    let mut text = String::from("07:00 ok 300\n");
    text += &every_minute("07:01", "07:20", "failed transport 5");
    let m = monitor("example.com", MonitorConfig::default(), &log(&text));
    let escalations: Vec<_> = m
        .alerts
        .iter()
        .filter(|a| a.kind == AlertKind::EscalateEligible)
        .map(|a| a.at)
        .collect();
    assert_eq!(
        escalations,
        [at("07:08")],
        "fired at 07:03, eligible 5 minutes later, once"
    );
}

#[test]
fn a_failure_after_a_cold_start_that_does_not_recover_is_an_outage() {
    let mut text = String::from("14:00 ok 312\n");
    text += &every_minute("14:16", "14:30", "failed transport 30001");
    let m = monitor("my-mcp.onrender.com", MonitorConfig::default(), &log(&text));
    assert!(m.cold_starts.is_empty());
    assert_eq!(fired(&m), [(at("14:18"), Severity::P1)]);
    assert!(m.uptime(at("14:31"), HOUR).slo_uptime.unwrap() < 0.5);
}

#[test]
fn a_slow_pass_after_idle_is_a_cold_start_that_worked() {
    let probes = log("
        14:00 ok 300
        14:01 ok 320
        14:20 ok 9000
        14:21 ok 310
    ");
    let m = monitor("x.onrender.com", MonitorConfig::default(), &probes);
    assert_eq!(m.cold_starts.len(), 1);
    assert!(!m.cold_starts[0].failed);
    // Kept out of the warm latency figures.
    assert!(m.uptime(at("14:22"), HOUR).p95_ms.unwrap() < 1_000);
}

#[test]
fn the_platform_can_be_overridden() {
    let config = MonitorConfig {
        platform: Some(crate::platform::Platform::Fly),
        ..MonitorConfig::default()
    };
    let m = ServerMonitor::new(config, "mcp.example.com").unwrap();
    assert_eq!(m.platform(), crate::platform::Platform::Fly);
}

#[test]
fn an_hour_with_p95_over_the_threshold_is_a_p3_event() {
    let mut text = every_minute("10:00", "10:59", "ok 300");
    text += &every_minute("11:00", "11:59", "ok 4500");
    text += &every_minute("12:00", "13:01", "ok 300");
    let m = monitor("example.com", MonitorConfig::default(), &log(&text));
    let latency: Vec<_> = m
        .alerts
        .iter()
        .filter(|a| matches!(a.reason, AlertReason::Latency { .. }))
        .map(|a| (a.kind, a.severity, a.at))
        .collect();
    assert_eq!(
        latency,
        [
            (AlertKind::Fire, Severity::P3, at("12:00")),
            (AlertKind::Resolve, Severity::P3, at("13:00"))
        ]
    );
}

#[test]
fn a_monitor_whose_open_incident_is_missing_is_not_intact() {
    let probes = log(&every_minute("10:00", "10:05", "failed transport 10"));
    let mut m = monitor("example.com", MonitorConfig::default(), &probes);
    assert!(m.is_intact());
    m.incidents.clear();
    assert!(!m.is_intact());
}

#[test]
fn what_a_failed_write_held_is_handed_over_again_until_saved() {
    let probes = log(&every_minute("10:00", "10:05", "failed transport 10"));
    let mut m = monitor("example.com", MonitorConfig::default(), &probes);
    let (days, events, incidents) = (m.changed_days(), m.event_records(), m.incidents.clone());
    assert!(!days.is_empty() && !events.is_empty() && !incidents.is_empty());
    // The write failed: nothing is forgotten, the next write holds it all again.
    assert_eq!(
        (m.changed_days(), m.event_records(), m.incidents.clone()),
        (days.clone(), events, incidents)
    );
    m.saved();
    assert!(m.event_records().is_empty());
    // The incident is still open: it stays. The day being written is always handed over.
    assert_eq!(m.incidents.len(), 1);
    assert_eq!(m.changed_days(), days);
}
