//! The on-call console's first screen: who is on call now and next, what stands in the way of
//! telling it, and what the handoff checklist is made of (`alerting::handoff` writes it).
//! People's and servers' names, zones and errors are shown without format characters
//! (`text::without_format`).

use super::overview::condition_label;
use crate::alerting::oncall::{Rotation, Shift};
use crate::monitor::config::MaintenanceWindow;
use crate::monitor::declared::{self, Declared};
use crate::monitor::history::format_minute;
use crate::monitor::record::{Millis, ProbeRecord};
use crate::monitor::ServerMonitor;
use crate::site::SiteConfig;
use crate::status::{Condition, ServerView, Source};
use crate::text::without_format;

/// What the rotation says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnCall {
    /// The rotation's rule, or how to add a rotation.
    pub lede: String,
    /// Now and next; none without a rotation that could be placed in time.
    pub shifts: Vec<ShiftCard>,
}

/// One shift: who is primary and secondary, from when to when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftCard {
    /// `data-shift`: `now` or `next`.
    pub id: &'static str,
    pub title: &'static str,
    pub primary: String,
    pub secondary: String,
    pub when: String,
}

const WEEKDAYS: [&str; 7] = [
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
];

pub fn on_call(rotation: Option<&Rotation>, shifts: Option<(Shift, Shift)>) -> OnCall {
    match (rotation, shifts) {
        (Some(rotation), Some((now, next))) => {
            // 1970-01-01 was a Thursday.
            let weekday = WEEKDAYS[(rotation.first_day + 3).rem_euclid(7) as usize];
            let minute = rotation.handoff_minute;
            OnCall {
                lede: without_format(format!(
                    "A weekly rotation of {} people; the shift changes {weekday} at {:02}:{:02} {}.",
                    rotation.people.len(),
                    minute / 60,
                    minute % 60,
                    rotation.time_zone
                )),
                shifts: vec![card("Now", "now", &now), card("Next", "next", &next)],
            }
        }
        _ => OnCall {
            lede: "No on-call rotation: add `alerting.on_call` to status.json \
                   (people, first_day, handoff_time, time_zone; see docs/formats.md)."
                .to_owned(),
            shifts: Vec::new(),
        },
    }
}

fn card(title: &'static str, id: &'static str, shift: &Shift) -> ShiftCard {
    ShiftCard {
        id,
        title,
        primary: without_format(shift.primary.name.clone()),
        secondary: shift.secondary.map_or_else(
            || "nobody (a rotation of one)".to_owned(),
            |p| without_format(p.name.clone()),
        ),
        when: format!(
            "{} to {}",
            format_minute(shift.start),
            format_minute(shift.end)
        ),
    }
}

/// What the screen says first when something is in the way, the worst first: no `status.json`
/// (`site`), a history that cannot be read (`history`), a time zone the browser does not know
/// (`unknown_zone`: the shifts are then placed in UTC).
pub fn problem(
    site: Option<&str>,
    history: Option<&str>,
    unknown_zone: Option<&str>,
) -> Option<String> {
    let problem = match (site, history, unknown_zone) {
        (Some(site), _, _) => site.to_owned(),
        (None, Some(error), _) => format!("This browser's history cannot be read: {error}."),
        (None, None, Some(zone)) => {
            format!("This browser does not know the time zone `{zone}`: shifts are placed in UTC.")
        }
        (None, None, None) => return None,
    };
    Some(without_format(problem))
}

/// Each of the site's servers (its name as shown) and its condition in words, for the
/// checklist's "Current health": from its engine and last probe (`engine`), in maintenance
/// when a published or a declared window says so.
pub fn health<'a>(
    site: &SiteConfig,
    engine: impl Fn(&str) -> (Option<&'a ServerMonitor>, Option<&'a ProbeRecord>),
    declared: &[Declared],
    now: Millis,
) -> Vec<(String, String)> {
    site.servers
        .iter()
        .map(|server| {
            let (monitor, last) = engine(&server.name);
            let source = Source::Site { group: None };
            let mut view =
                ServerView::of(&server.name, &server.url, source, monitor, last, None, now);
            let config = declared::with_declared(&server.monitor, &server.name, declared);
            view.condition = Condition::of(
                view.state,
                last.map(|l| l.outcome),
                config.in_maintenance(now),
            );
            (
                without_format(server.name.clone()),
                condition_label(&view).1,
            )
        })
        .collect()
}

/// Every maintenance window the checklist lists: those `status.json` publishes, then those
/// declared in the console (for every server when they name none); servers by their names as
/// shown.
pub fn maintenance(site: &SiteConfig, declared: &[Declared]) -> Vec<(String, MaintenanceWindow)> {
    let published = site.servers.iter().flat_map(|s| {
        s.monitor
            .maintenance
            .iter()
            .map(|w| (without_format(s.name.clone()), w.clone()))
    });
    let declared = declared.iter().map(|d| {
        let server = d
            .server
            .clone()
            .map_or_else(|| "every server".into(), without_format);
        (server, d.window.clone())
    });
    published.chain(declared).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerting::oncall::{day_of, Person};
    use crate::monitor::record::MINUTE;

    const T0: Millis = 1_795_219_200_000; // 2026-11-21T00:00:00Z

    fn rotation() -> Rotation {
        let person = |name: &str| Person {
            name: name.into(),
            notify: Vec::new(),
        };
        Rotation {
            people: vec![person("Ana <b>"), person("Ben")],
            manager: None,
            first_day: day_of("2026-11-02").unwrap(),
            handoff_minute: 9 * 60 + 30,
            time_zone: "Europe/Berlin".into(),
        }
    }

    #[test]
    fn now_and_next_with_the_rotation_s_rule() {
        let rotation = rotation();
        let shifts = rotation.now_and_next(T0, &|_| 60);
        let view = on_call(Some(&rotation), shifts);
        assert_eq!(
            view.lede,
            "A weekly rotation of 2 people; the shift changes Mondays at 09:30 Europe/Berlin."
        );
        let ids: Vec<&str> = view.shifts.iter().map(|s| s.id).collect();
        assert_eq!(ids, ["now", "next"]);
        let now = &view.shifts[0];
        assert_eq!(
            (now.primary.as_str(), now.secondary.as_str()),
            ("Ana <b>", "Ben")
        );
        assert_eq!(now.when, "2026-11-16 08:30 UTC to 2026-11-23 08:30 UTC");
        assert_eq!(view.shifts[1].primary, "Ben");
    }

    #[test]
    fn without_a_rotation_it_says_how_to_add_one() {
        let view = on_call(None, None);
        assert!(
            view.lede
                .starts_with("No on-call rotation: add `alerting.on_call`"),
            "{}",
            view.lede
        );
        assert!(view.shifts.is_empty());
        // A rotation of one: nobody is secondary.
        let mut alone = rotation();
        alone.people.truncate(1);
        let shifts = alone.now_and_next(T0, &|_| 0);
        let view = on_call(Some(&alone), shifts);
        assert_eq!(view.shifts[0].secondary, "nobody (a rotation of one)");
    }

    #[test]
    fn names_zones_and_errors_are_shown_without_format_characters() {
        use crate::view::check::tests::assert_no_format;
        let laced = |text: &str| format!("\u{202E}{text}\u{200B}");
        let mut rotation = rotation();
        for person in &mut rotation.people {
            person.name = laced(&person.name);
        }
        rotation.time_zone = laced("Europe/Berlin");
        let shifts = rotation.now_and_next(T0, &|_| 60);
        let view = on_call(Some(&rotation), shifts);
        assert_no_format(&format!("{view:?}"));
        assert!(
            view.lede.ends_with("at 09:30 Europe/Berlin."),
            "{}",
            view.lede
        );
        assert_eq!(
            (
                view.shifts[0].primary.as_str(),
                view.shifts[0].secondary.as_str()
            ),
            ("Ana <b>", "Ben")
        );
        let problems = [
            problem(Some(&laced("servers[0].name: required")), None, None),
            problem(None, Some(&laced("blocked")), None),
            problem(None, None, Some(&laced("Mars/Olympus"))),
        ];
        assert_no_format(&format!("{problems:?}"));
        assert_eq!(
            problems[1].as_deref(),
            Some("This browser's history cannot be read: blocked.")
        );

        // status.json's names come without them already (`site::reader`): laced after it.
        let mut site = site();
        for server in &mut site.servers {
            server.name = laced(&server.name);
        }
        let declared = [
            Declared::new(Some(laced("api")), T0, 30, T0, "Ana", "deploy").unwrap(),
            Declared::new(None, T0, 30, T0, "Ana", "deploy").unwrap(),
        ];
        let health = health(&site, |_| (None, None), &declared, T0 + MINUTE);
        assert_no_format(&format!("{health:?}"));
        assert_eq!(health[0], ("api".to_owned(), "Maintenance".to_owned()));
        let windows = maintenance(&site, &declared);
        assert_no_format(&format!("{windows:?}"));
        let servers: Vec<&str> = windows.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(servers, ["web", "api", "every server"]);
    }

    #[test]
    fn the_worst_problem_is_told_first() {
        assert_eq!(problem(None, None, None), None);
        assert_eq!(
            problem(None, None, Some("Mars/Olympus")).unwrap(),
            "This browser does not know the time zone `Mars/Olympus`: shifts are placed in UTC."
        );
        assert_eq!(
            problem(None, Some("blocked"), Some("Mars/Olympus")).unwrap(),
            "This browser's history cannot be read: blocked."
        );
        assert_eq!(
            problem(Some("no status.json"), Some("blocked"), None).unwrap(),
            "no status.json"
        );
    }

    fn site() -> SiteConfig {
        let json = serde_json::json!({"servers": [
            {"name": "api", "url": "https://example.com/mcp"},
            {"name": "web", "url": "https://example.com/web",
             "maintenance": [{"start": "2026-11-21T01:00:00Z", "end": "2026-11-21T02:00:00Z"}]},
        ]});
        SiteConfig::parse(&json.to_string()).expect("the site parses")
    }

    #[test]
    fn health_and_maintenance_cover_published_and_declared_windows() {
        let site = site();
        let declared = [Declared::new(None, T0, 30, T0, "Ana", "deploy").unwrap()];
        let health = health(&site, |_| (None, None), &declared, T0 + MINUTE);
        assert_eq!(
            health,
            [
                ("api".to_owned(), "Maintenance".to_owned()),
                ("web".to_owned(), "Maintenance".to_owned()),
            ]
        );
        let later = super::health(&site, |_| (None, None), &[], T0 + 90 * MINUTE);
        assert_eq!(later[0].1, "No data yet");
        assert_eq!(later[1].1, "Maintenance", "the published window");
        let windows = maintenance(&site, &declared);
        let servers: Vec<&str> = windows.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(servers, ["web", "every server"]);
    }
}
