//! The handoff checklist for a shift change (spec section 8), as Markdown to paste into a
//! chat or a ticket: current health, open incidents and alerts, maintenance during the next shift,
//! unresolved P3 items, the past week's incidents and the patterns among them, and the access
//! the next person should check they have.

use super::dispatch::Page;
use super::oncall::Shift;
use crate::monitor::config::MaintenanceWindow;
use crate::monitor::events::{AlertReason, Incident, Severity};
use crate::monitor::history::format_minute;
use crate::monitor::record::{Millis, DAY};
use crate::status::duration;
use crate::text::clip;
use std::fmt::Write;

/// Everything the checklist is made of; the caller gathers it from the engines and the
/// dispatcher.
pub struct Handoff<'a> {
    pub now: Millis,
    /// The shift ending and the one starting, if there is a rotation.
    pub shifts: Option<(&'a Shift<'a>, &'a Shift<'a>)>,
    /// Each server and its condition in words (`view::overview::condition_label`).
    pub health: &'a [(String, String)],
    /// The dispatcher's alerts of the last week.
    pub pages: &'a [Page],
    /// Each server's incidents (of any age: the checklist keeps the last week's).
    pub incidents: &'a [(String, Incident)],
    pub maintenance: &'a [(String, MaintenanceWindow)],
    pub access_to_verify: &'a [String],
}

/// The checklist as Markdown.
pub fn markdown(handoff: &Handoff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# On-call handoff, {}", format_minute(handoff.now));
    if let Some((ending, starting)) = handoff.shifts {
        let _ = writeln!(
            out,
            "\nFrom {} to {}; the next shift runs until {}.",
            name(&ending.primary.name),
            name(&starting.primary.name),
            format_minute(starting.end)
        );
    }

    section(
        &mut out,
        "Current health",
        handoff
            .health
            .iter()
            .map(|(server, condition)| format!("{}: {condition}", name(server))),
    );

    // Open incidents come from the engines: they are open whether or not anything alerted
    // (a page may not run the dispatcher). Its alert, when there is one, says who took it.
    let open = handoff.incidents.iter().filter(|(_, i)| i.end.is_none());
    section(
        &mut out,
        "Open incidents",
        open.map(|(server, incident)| {
            let key = super::dispatch::key_of(
                server,
                &AlertReason::Downtime {
                    incident: incident.id,
                },
                incident.start,
            );
            let page = handoff.pages.iter().find(|p| p.key == key);
            let answered = match page.and_then(|p| p.acknowledged.as_ref()) {
                Some(mark) => format!(", acknowledged by {}", name(&mark.by)),
                None if page.is_some() => ", not acknowledged".to_owned(),
                None => String::new(),
            };
            format!(
                "{} {} at the {} layer since {}{answered}",
                incident.severity.as_str(),
                name(server),
                incident.layer.map_or("unknown", |l| l.as_str()),
                format_minute(incident.start)
            )
        }),
    );

    // Alerts about anything but downtime (drift, the error budget, latency) that are open.
    let other = handoff
        .pages
        .iter()
        .filter(|p| p.is_open() && p.severity != Severity::P3 && !p.key.contains("|downtime|"));
    section(
        &mut out,
        "Other open alerts",
        other.map(|page| {
            let answered = match &page.acknowledged {
                Some(mark) => format!("acknowledged by {}", name(&mark.by)),
                None => "not acknowledged".to_owned(),
            };
            format!(
                "{} {}: {} since {}, {answered}",
                page.severity.as_str(),
                name(&page.server),
                page.summary.what,
                format_minute(page.summary.since)
            )
        }),
    );

    let (from, to) = handoff
        .shifts
        .map_or((handoff.now, handoff.now + 7 * DAY), |(_, next)| {
            (next.start, next.end)
        });
    let planned = handoff
        .maintenance
        .iter()
        .filter(|(_, w)| w.end > from && w.start < to);
    section(
        &mut out,
        "Maintenance during the next shift",
        planned.map(|(server, w)| {
            format!(
                "{}: {} to {}",
                name(server),
                format_minute(w.start),
                format_minute(w.end)
            )
        }),
    );

    let p3 = handoff
        .pages
        .iter()
        .filter(|p| p.is_open() && p.severity == Severity::P3);
    section(
        &mut out,
        "Unresolved P3 items",
        p3.map(|page| {
            format!(
                "{}: {} since {}",
                name(&page.server),
                page.summary.what,
                format_minute(page.summary.since)
            )
        }),
    );

    let week: Vec<&(String, Incident)> = handoff
        .incidents
        .iter()
        .filter(|(_, i)| i.end.is_none_or(|end| end > handoff.now - 7 * DAY))
        .collect();
    section(
        &mut out,
        "Incidents of the past 7 days",
        week.iter().map(|(server, i)| {
            let lasted = match i.end {
                Some(end) => format!("lasted {}", duration(end - i.start)),
                None => "still open".to_owned(),
            };
            let error = i
                .first_error
                .as_deref()
                .map(|e| format!(": {}", clip(e, 160)))
                .unwrap_or_default();
            format!(
                "{} {} at the {} layer, {}, {lasted}{error}",
                name(server),
                i.severity.as_str(),
                i.layer.map_or("unknown", |l| l.as_str()),
                format_minute(i.start)
            )
        }),
    );

    section(
        &mut out,
        "Recurring patterns to root-cause",
        patterns(&week).into_iter().map(|(server, layer, count)| {
            format!(
                "{} at the {layer} layer: {count} incidents this week",
                name(server)
            )
        }),
    );

    let _ = writeln!(out, "\n## Access to verify\n");
    if handoff.access_to_verify.is_empty() {
        let _ = writeln!(
            out,
            "- [ ] the alert channels reach you (send a test notice)"
        );
    }
    for item in handoff.access_to_verify {
        let _ = writeln!(out, "- [ ] {}", clip(item, 200));
    }
    // Server names and errors in it are shown on the console and pasted into chats.
    crate::text::without_format(out)
}

/// Servers and layers with more than one incident, most frequent first.
fn patterns<'a>(incidents: &[&'a (String, Incident)]) -> Vec<(&'a str, &'static str, usize)> {
    let mut counts: Vec<(&str, &str, usize)> = Vec::new();
    for (server, incident) in incidents {
        let layer = incident.layer.map_or("unknown", |l| l.as_str());
        match counts
            .iter_mut()
            .find(|(s, l, _)| s == server && *l == layer)
        {
            Some((_, _, n)) => *n += 1,
            None => counts.push((server, layer, 1)),
        }
    }
    counts.retain(|(_, _, n)| *n > 1);
    counts.sort_by_key(|(_, _, n)| usize::MAX - n);
    counts
}

fn section(out: &mut String, title: &str, items: impl Iterator<Item = String>) {
    let _ = writeln!(out, "\n## {title}\n");
    let mut any = false;
    for item in items {
        any = true;
        let _ = writeln!(out, "- {item}");
    }
    if !any {
        let _ = writeln!(out, "- none");
    }
}

/// Server text on one line, with Markdown's own characters taken literally.
fn name(text: &str) -> String {
    let mut out = String::new();
    for ch in clip(text, 120).chars() {
        if "\\`*_[]<>#|".contains(ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerting::config::AlertingConfig;
    use crate::alerting::dispatch::{Dispatcher, OnCall, Summary};
    use crate::alerting::oncall::{day_of, Person, Rotation};
    use crate::monitor::events::{Alert, AlertKind, AlertReason};
    use crate::monitor::record::MINUTE;
    use crate::report::Layer;

    const MONDAY: Millis = 1_795_219_200_000 + 2 * DAY; // 2026-11-23T00:00:00Z
    const HOUR: Millis = 60 * MINUTE;

    fn incident(id: u64, start: Millis, minutes: Option<i64>, layer: Layer) -> Incident {
        Incident {
            id,
            start,
            end: minutes.map(|m| start + m * MINUTE),
            severity: Severity::P1,
            layer: Some(layer),
            first_error: Some("HTTP 502\nBad Gateway".into()),
            evidence: Vec::new(),
            alerted_at: Some(start),
            flapping: false,
            escalate_eligible: false,
        }
    }

    #[test]
    fn open_incidents_are_listed_even_where_no_dispatcher_ran() {
        let now = MONDAY + 9 * HOUR;
        let incidents = [(
            "api".to_owned(),
            incident(7, now - HOUR, None, Layer::Transport),
        )];
        let text = markdown(&Handoff {
            now,
            shifts: None,
            health: &[],
            pages: &[],
            incidents: &incidents,
            maintenance: &[],
            access_to_verify: &[],
        });
        assert!(
            text.contains(
                "## Open incidents\n\n- P1 api at the transport layer since 2026-11-23 08:00 UTC\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("- [ ] the alert channels reach you"),
            "{text}"
        );
    }

    #[test]
    fn the_checklist_covers_health_alerts_maintenance_p3s_the_week_and_access() {
        let person = |name: &str| Person {
            name: name.into(),
            notify: Vec::new(),
        };
        let rotation = Rotation {
            people: vec![person("ana"), person("ben")],
            manager: None,
            first_day: day_of("2026-11-16").unwrap(),
            handoff_minute: 9 * 60,
            time_zone: "UTC".into(),
        };
        let now = MONDAY + 9 * HOUR;
        let utc = |_| 0;
        let ending = rotation.shift_at(now - 1, &utc).unwrap();
        let starting = rotation.shift_at(now, &utc).unwrap();

        let config = AlertingConfig::default();
        let mut dispatcher = Dispatcher::default();
        let fire = |severity, reason, at| Alert {
            at,
            kind: AlertKind::Fire,
            severity,
            reason,
        };
        let down = fire(
            Severity::P1,
            AlertReason::Downtime { incident: 3 },
            now - HOUR,
        );
        let open = incident(3, now - HOUR - 2 * MINUTE, None, Layer::Http);
        let summary = Summary::of(&down, Some(&open), "down");
        dispatcher.alert(&config, "api", &down, summary, OnCall::default());
        let key = dispatcher.pages[0].key.clone();
        dispatcher.acknowledge(&key, "ana", now - 50 * MINUTE);
        let slow = fire(
            Severity::P3,
            AlertReason::Latency { p95_ms: 4_200 },
            now - 3 * HOUR,
        );
        let summary = Summary::of(&slow, None, "up");
        dispatcher.alert(&config, "search_*v2*", &slow, summary, OnCall::default());

        let incidents = [
            (
                "api".to_owned(),
                incident(1, now - 3 * DAY, Some(14), Layer::Http),
            ),
            (
                "api".to_owned(),
                incident(2, now - 2 * DAY, Some(3), Layer::Http),
            ),
            ("api".to_owned(), open),
            (
                "search_*v2*".to_owned(),
                incident(9, now - 9 * DAY, Some(5), Layer::Tools),
            ),
        ];
        let maintenance = [
            (
                "api".to_owned(),
                MaintenanceWindow {
                    start: now + DAY,
                    end: now + DAY + HOUR,
                },
            ),
            (
                "api".to_owned(),
                MaintenanceWindow {
                    start: now + 8 * DAY,
                    end: now + 8 * DAY + HOUR,
                },
            ),
        ];
        let health = [
            ("api".to_owned(), "Down".to_owned()),
            ("search_*v2*".to_owned(), "Operational".to_owned()),
        ];
        let access = ["PagerDuty login".to_owned(), "Render dashboard".to_owned()];
        let text = markdown(&Handoff {
            now,
            shifts: Some((&ending, &starting)),
            health: &health,
            pages: &dispatcher.pages,
            incidents: &incidents,
            maintenance: &maintenance,
            access_to_verify: &access,
        });
        assert_eq!(
            text,
            "# On-call handoff, 2026-11-23 09:00 UTC

From ana to ben; the next shift runs until 2026-11-30 09:00 UTC.

## Current health

- api: Down
- search\\_\\*v2\\*: Operational

## Open incidents

- P1 api at the http layer since 2026-11-23 07:58 UTC, acknowledged by ana

## Other open alerts

- none

## Maintenance during the next shift

- api: 2026-11-24 09:00 UTC to 2026-11-24 10:00 UTC

## Unresolved P3 items

- search\\_\\*v2\\*: p95 latency 4200 ms over the last hour since 2026-11-23 06:00 UTC

## Incidents of the past 7 days

- api P1 at the http layer, 2026-11-20 09:00 UTC, lasted 14 min: HTTP 502 Bad Gateway
- api P1 at the http layer, 2026-11-21 09:00 UTC, lasted 3 min: HTTP 502 Bad Gateway
- api P1 at the http layer, 2026-11-23 07:58 UTC, still open: HTTP 502 Bad Gateway

## Recurring patterns to root-cause

- api at the http layer: 3 incidents this week

## Access to verify

- [ ] PagerDuty login
- [ ] Render dashboard
"
        );
    }
}
