//! Properties of the monitoring engine over arbitrary probe streams: uptimes stay within
//! [0, 1], SLO uptime is never below wall-clock uptime, and an engine saved and restored
//! half-way (as the page and the runner do) ends exactly where one uninterrupted run does.

use mcp_status_core::monitor::config::{MaintenanceWindow, MonitorConfig};
use mcp_status_core::monitor::events::EventRecord;
use mcp_status_core::monitor::record::{ProbeRecord, DAY, HOUR, MINUTE};
use mcp_status_core::monitor::ServerMonitor;
use mcp_status_core::report::{Layer, Outcome};
use proptest::prelude::*;

const START: i64 = 1_795_219_200_000;

fn probe_stream() -> impl Strategy<Value = Vec<ProbeRecord>> {
    let step = (
        prop_oneof![
            Just(MINUTE),
            Just(MINUTE),
            Just(MINUTE),
            Just(5 * MINUTE),
            Just(20 * MINUTE),
            Just(DAY)
        ],
        prop_oneof![
            4 => Just(Outcome::Ok),
            1 => Just(Outcome::Degraded),
            1 => Just(Outcome::AuthRequired),
            1 => Just(Outcome::Blocked),
            3 => Just(Outcome::Failed),
        ],
        prop_oneof![
            Just(Layer::Transport),
            Just(Layer::Http),
            Just(Layer::Initialize),
            Just(Layer::Tools)
        ],
        1u32..40_000,
        0u8..3,
    );
    prop::collection::vec(step, 1..400).prop_map(|steps| {
        let mut at = START;
        steps
            .into_iter()
            .map(|(gap, outcome, layer, latency_ms, schema)| {
                at += gap;
                let listed = matches!(outcome, Outcome::Ok | Outcome::Degraded);
                ProbeRecord {
                    at,
                    outcome,
                    layer: (outcome == Outcome::Failed).then_some(layer),
                    latency_ms,
                    contract_hash: listed.then_some(u64::from(schema / 2)),
                    metadata_hash: listed.then_some(u64::from(schema)),
                    error: (outcome == Outcome::Failed).then(|| "boom".to_owned()),
                }
            })
            .collect()
    })
}

fn config() -> MonitorConfig {
    MonitorConfig {
        maintenance: vec![MaintenanceWindow {
            start: START + 2 * HOUR,
            end: START + 3 * HOUR,
        }],
        ..MonitorConfig::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn uptimes_are_ratios_and_slo_is_never_below_wall_clock(probes in probe_stream(), host in prop_oneof![Just("a.onrender.com"), Just("example.com")]) {
        let mut monitor = ServerMonitor::new(config(), host).unwrap();
        for probe in &probes {
            monitor.ingest(probe);
        }
        let now = probes.last().unwrap().at + MINUTE;
        for span in [HOUR, DAY, 7 * DAY, 30 * DAY, 90 * DAY] {
            let u = monitor.uptime(now, span);
            prop_assert!((0.0..=1.0).contains(&u.coverage));
            if let (Some(wall), Some(slo)) = (u.wall_clock_uptime, u.slo_uptime) {
                prop_assert!((0.0..=1.0).contains(&wall) && (0.0..=1.0).contains(&slo));
                prop_assert!(slo >= wall, "slo {slo} < wall {wall}");
            } else {
                prop_assert_eq!(u.wall_clock_uptime, u.slo_uptime);
            }
        }
        for (_, day) in monitor.days(now, 90) {
            prop_assert!((0.0..=1.0).contains(&day.coverage));
            if let (Some(wall), Some(slo)) = (day.wall_clock_uptime, day.slo_uptime) {
                prop_assert!(slo >= wall);
            }
        }
        // Alerts never repeat: one fire per incident, and a resolve only after a fire.
        for incident in &monitor.incidents {
            let fires = monitor.alerts.iter().filter(|a| {
                a.kind == mcp_status_core::monitor::events::AlertKind::Fire
                    && a.reason == mcp_status_core::monitor::events::AlertReason::Downtime { incident: incident.id }
            }).count();
            prop_assert!(fires <= 1);
        }
    }

    #[test]
    fn saving_and_restoring_half_way_changes_nothing(probes in probe_stream(), cut in any::<prop::sample::Index>()) {
        let whole = {
            let mut monitor = ServerMonitor::new(config(), "a.onrender.com").unwrap();
            for probe in &probes {
                monitor.ingest(probe);
            }
            monitor
        };
        // Saved as the page saves it: after every probe, the days that changed (one record per
        // day), the incidents (by start) and the events, then the monitor forgets them; the
        // rest of the monitor in postcard's binary form.
        let cut = cut.index(probes.len() + 1);
        let mut first = ServerMonitor::new(config(), "a.onrender.com").unwrap();
        #[derive(Default)]
        struct Store {
            days: std::collections::BTreeMap<i64, Vec<u8>>,
            incidents: std::collections::BTreeMap<i64, mcp_status_core::monitor::events::Incident>,
            events: Vec<EventRecord>,
        }
        impl Store {
            fn save(&mut self, monitor: &mut ServerMonitor) {
                for record in monitor.changed_days() {
                    self.days.insert(record.day, postcard::to_allocvec(&record).unwrap());
                }
                for incident in &monitor.incidents {
                    self.incidents.insert(incident.start, incident.clone());
                }
                self.events.extend(monitor.event_records());
                monitor.saved();
            }
        }
        let mut store = Store::default();
        for probe in &probes[..cut] {
            first.ingest(probe);
            store.save(&mut first);
        }
        let saved = postcard::to_allocvec(&first).unwrap();
        let mut restored: ServerMonitor = postcard::from_bytes(&saved).unwrap();
        restored.restore_rollups(i64::MIN, store.days.values().map(|bytes| postcard::from_bytes(bytes).unwrap()));
        for probe in &probes[cut..] {
            restored.ingest(probe);
            store.save(&mut restored);
        }
        let in_order = |mut events: Vec<EventRecord>| {
            events.sort_by_cached_key(|e| (e.at(), serde_json::to_string(e).unwrap()));
            events
        };
        let uptime_now = |monitor: &ServerMonitor| {
            let now = probes.last().unwrap().at + MINUTE;
            (monitor.uptime(now, 90 * DAY), monitor.days(now, 90))
        };
        prop_assert_eq!(store.incidents.into_values().collect::<Vec<_>>(), whole.incidents.clone());
        prop_assert_eq!(in_order(store.events), in_order(whole.event_records()));
        prop_assert_eq!(uptime_now(&restored), uptime_now(&whole));
    }
}
