//! What the alerting would have sent over a history: the engines and the dispatcher fed in
//! time order, with the clock ticking every minute in between (escalation happens between
//! probes). `mcp-status replay --alerts` prints it; a what-if for a policy before relying on
//! it.

use super::config::AlertingConfig;
use super::dispatch::{Dispatcher, Notice, OnCall, Summary};
use super::oncall::Offset;
use crate::monitor::config::MonitorConfig;
use crate::monitor::events::{AlertReason, Event};
use crate::monitor::history::Entry;
use crate::monitor::record::{Millis, MINUTE};
use crate::monitor::replay::host_of;
use crate::monitor::ServerMonitor;
use std::collections::BTreeMap;

/// How the replay's people behave.
pub struct People<'a> {
    pub offset: Offset<'a>,
    /// Every alert is acknowledged this long after it fired (`None`: never).
    pub acknowledge_after: Option<Millis>,
}

/// Every notice the policy would have sent over `entries` (in time order, as
/// `history::parse` returns them).
pub fn notices<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    mut config_for: impl FnMut(&str) -> Result<MonitorConfig, String>,
    alerting: &AlertingConfig,
    people: &People,
) -> Result<Vec<Notice>, String> {
    let mut engines: BTreeMap<String, ServerMonitor> = BTreeMap::new();
    let mut dispatcher = Dispatcher::default();
    let mut out = Vec::new();
    let mut clock: Option<Millis> = None;
    for entry in entries {
        // The minutes since the last probe, each one ticked.
        let mut minute = clock.map_or(entry.probe.at, |c| c + MINUTE);
        while minute < entry.probe.at {
            tick(
                &mut dispatcher,
                alerting,
                &engines,
                minute,
                people,
                &mut out,
            );
            minute += MINUTE;
        }
        if !engines.contains_key(&entry.server) {
            let config = config_for(&entry.server)?;
            let engine = ServerMonitor::new(config, &host_of(&entry.url))
                .map_err(|e| format!("{}: {e}", entry.server))?;
            engines.insert(entry.server.clone(), engine);
        }
        let now = entry.probe.at;
        let on_call = OnCall::of(alerting, now, people.offset);
        if let Some(engine) = engines.get_mut(&entry.server) {
            for event in engine.ingest(&entry.probe) {
                let Event::Alert(alert) = event else { continue };
                let incident = match alert.reason {
                    AlertReason::Downtime { incident } => {
                        engine.incidents.iter().find(|i| i.id == incident)
                    }
                    _ => None,
                };
                let summary = Summary::of(&alert, incident, engine.state().as_str());
                let notices = dispatcher.alert(alerting, &entry.server, &alert, summary, on_call);
                out.extend(notices);
            }
        }
        tick(&mut dispatcher, alerting, &engines, now, people, &mut out);
        clock = Some(now);
    }
    Ok(out)
}

fn tick(
    dispatcher: &mut Dispatcher,
    alerting: &AlertingConfig,
    engines: &BTreeMap<String, ServerMonitor>,
    now: Millis,
    people: &People,
    out: &mut Vec<Notice>,
) {
    if let Some(after) = people.acknowledge_after {
        let due: Vec<String> = dispatcher
            .pages
            .iter()
            .filter(|p| p.is_open() && p.acknowledged.is_none() && now - p.opened_at >= after)
            .map(|p| p.key.clone())
            .collect();
        for key in due {
            out.extend(dispatcher.acknowledge(&key, "replay", now));
        }
    }
    let paused = |server: &str| {
        engines
            .get(server)
            .is_some_and(|engine| engine.config().in_maintenance(now))
    };
    let on_call = OnCall::of(alerting, now, people.offset);
    out.extend(dispatcher.tick(alerting, now, &paused, on_call));
}
