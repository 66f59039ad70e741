//! The status overview: the banner over the published servers, the maintenance under way and
//! coming, the servers by group (then the user's own monitors, apart), and each server's row.
//! Names (the config's, the user's, imported history's) are shown without format characters
//! (`text::without_format`): a right-to-left override in a server's name must not turn the
//! rest of its row around, nor a zero-width space make two names look alike.

use crate::monitor::config::MaintenanceWindow;
use crate::monitor::history::format_minute;
use crate::monitor::record::Millis;
use crate::monitor::state::State;
use crate::site::SiteConfig;
use crate::status::{self, percent, Banner, Condition, ServerView, Site, Source, Window};
use crate::text::{decimal, without_format};

/// The banner: the published servers' overall condition; without a site, the user's own.
pub fn banner(site: &Site, servers: &[ServerView]) -> Banner {
    let published = matches!(site, Site::Loaded(_));
    Banner::of(
        servers
            .iter()
            .filter(|s| matches!(s.source, Source::Site { .. }) == published)
            .map(|s| s.condition),
    )
}

/// The banner's mark; never colour alone.
pub fn banner_icon(banner: Banner) -> &'static str {
    match banner {
        Banner::Operational => "✓",
        Banner::Degraded => "◐",
        Banner::PartialOutage | Banner::MajorOutage => "✕",
        Banner::Maintenance => "⚒",
        Banner::NoData => "…",
    }
}

/// One line of the maintenance list under the banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maintenance {
    pub server: String,
    /// "in maintenance until …" or "maintenance scheduled from … to …".
    pub when: String,
}

/// The maintenance under way and the next ones scheduled, at most five, soonest first; past
/// windows are left out.
pub fn maintenance(windows: &[(String, MaintenanceWindow)], now: Millis) -> Vec<Maintenance> {
    let mut coming: Vec<&(String, MaintenanceWindow)> =
        windows.iter().filter(|(_, w)| w.end > now).collect();
    coming.sort_by_key(|(_, w)| w.start);
    coming
        .into_iter()
        .take(5)
        .map(|(server, window)| Maintenance {
            server: without_format(server.clone()),
            when: if window.contains(now) {
                format!("in maintenance until {}", format_minute(window.end))
            } else {
                format!(
                    "maintenance scheduled from {} to {}",
                    format_minute(window.start),
                    format_minute(window.end)
                )
            },
        })
        .collect()
}

/// A group of rows: its heading (none for the site's servers outside any group) and its
/// servers' names, in the config's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Unique on the page: the key of the group's list.
    pub key: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// The servers as the page's state names them (`ServerView::server`): keys, never shown
    /// (a row shows `Row::server`).
    pub servers: Vec<String>,
}

/// The key of the user's own monitors' group.
pub const MY_MONITORS: &str = "my monitors";

/// The site's servers by group, in the config's order (those without a group first, under no
/// heading), then the user's own monitors — always shown when the page has no site, so there
/// is somewhere to add one.
pub fn groups(site: &Site, servers: &[ServerView]) -> Vec<Group> {
    let mut groups = Vec::new();
    if let Site::Loaded(site) = site {
        groups = site_groups(site, servers);
    }
    let mine: Vec<String> = servers
        .iter()
        .filter(|s| !matches!(s.source, Source::Site { .. }))
        .map(|s| s.server.clone())
        .collect();
    if !mine.is_empty() || !matches!(site, Site::Loaded(_)) {
        groups.push(Group {
            key: MY_MONITORS.to_owned(),
            name: Some("My monitors".to_owned()),
            description: Some(
                "Servers you added in this browser. Only you see them; their history stays here."
                    .to_owned(),
            ),
            servers: mine,
        });
    }
    groups
}

fn site_groups(site: &SiteConfig, servers: &[ServerView]) -> Vec<Group> {
    let mut published: Vec<&ServerView> = servers
        .iter()
        .filter(|s| matches!(s.source, Source::Site { .. }))
        .collect();
    published.sort_by_key(|view| site.servers.iter().position(|s| s.name == view.server));
    let mut groups = vec![Group {
        key: String::new(),
        name: None,
        description: None,
        servers: Vec::new(),
    }];
    groups.extend(site.groups.iter().map(|g| Group {
        key: without_format(format!("group {}", g.name)),
        name: Some(without_format(g.name.clone())),
        description: g.description.clone().map(without_format),
        servers: Vec::new(),
    }));
    for view in published {
        let index = match &view.source {
            Source::Site { group: Some(group) } => site
                .groups
                .iter()
                .position(|g| &g.name == group)
                .map_or(0, |i| i + 1),
            _ => 0,
        };
        groups[index].servers.push(view.server.clone());
    }
    groups.retain(|g| !g.servers.is_empty());
    groups
}

/// One fact of a row: its term, the class its value carries (what tests and scripts read),
/// and the value in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub term: &'static str,
    pub class: &'static str,
    pub value: String,
}

/// What one server's row says, in the chosen window at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The server's name as shown (without format characters).
    pub server: String,
    /// The server's page (by its name as it is).
    pub href: String,
    /// `data-condition` and `data-state`.
    pub condition: &'static str,
    pub state: &'static str,
    /// The condition's mark and word (`condition_label`).
    pub mark: &'static str,
    pub word: String,
    /// Both uptimes, coverage, latency, probes, last and next probe.
    pub facts: Vec<Fact>,
    /// Why the two uptimes differ, when they do (`status::explain`).
    pub explanation: Option<String>,
}

pub fn row(view: &ServerView, window: Window, now: Millis) -> Row {
    let (mark, word) = condition_label(view);
    let uptime = view.window(window);
    let latency = view
        .last
        .as_ref()
        .map_or("—".to_owned(), |l| format!("{} ms", l.latency_ms));
    let last = view
        .last_probe_at
        .map_or("not yet".to_owned(), |at| status::ago(now - at));
    let next = match view.next_probe_at {
        Some(at) => status::within(at - now),
        None => "not probed from this page".to_owned(),
    };
    let fact = |term, class, value| Fact { term, class, value };
    Row {
        server: without_format(view.server.clone()),
        href: crate::page::server_href(&view.server),
        condition: view.condition.as_str(),
        state: view.state.as_str(),
        mark,
        word,
        facts: vec![
            fact(
                "Wall-clock uptime",
                "wall-clock-uptime",
                percent(uptime.wall_clock_uptime),
            ),
            fact("SLO uptime", "slo-uptime", percent(uptime.slo_uptime)),
            fact("Coverage", "coverage", coverage(uptime.coverage)),
            fact("Latency", "latency", latency),
            fact(
                "Probes",
                "probe-count",
                format!("{} in {}", uptime.probes, window.label()),
            ),
            fact("Last probe", "last-probe", last),
            fact("Next probe", "next-probe", next),
        ],
        explanation: status::explain(uptime),
    }
}

/// What a server's 90-day bar is called, for screen readers.
pub fn days_label(server: &str) -> String {
    without_format(format!(
        "{server}: the last 90 days, one bar a day (arrow keys move between days)"
    ))
}

/// Coverage in whole percent; a little data is "< 1 %", never a misleading "0 %".
pub fn coverage(share: f64) -> String {
    match share {
        s if s > 0.0 && s < 0.005 => "< 1 %".to_owned(),
        s => format!("{} %", decimal(s * 100.0, 0)),
    }
}

/// The condition's mark and word; never colour alone.
pub fn condition_label(view: &ServerView) -> (&'static str, String) {
    match (view.condition, view.state) {
        (Condition::Maintenance, _) => ("⚒", "Maintenance".to_owned()),
        (_, State::Confirming { failures }) => (
            "◐",
            format!("Failing, not confirmed yet ({failures} in a row)"),
        ),
        (_, State::Recovering { passes }) => ("◑", format!("Recovering ({passes} in a row)")),
        (Condition::NoData, _) => ("…", "No data yet".to_owned()),
        (Condition::Operational, _) => ("✓", "Operational".to_owned()),
        (Condition::Degraded, _) => ("◐", "Degraded: slow".to_owned()),
        (Condition::Down, _) => ("✕", "Down".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::record::HOUR;
    use std::sync::Arc;

    const NOW: Millis = 1_795_219_200_000; // 2026-11-21T00:00:00Z

    #[test]
    fn maintenance_under_way_and_scheduled_shows_soonest_first_and_past_windows_do_not() {
        let window = |start: Millis, hours: Millis| MaintenanceWindow {
            start,
            end: start + hours * HOUR,
        };
        let windows = [
            ("web".to_owned(), window(NOW + 2 * HOUR, 1)),
            ("api <b>".to_owned(), window(NOW - HOUR, 2)),
            ("old".to_owned(), window(NOW - 3 * HOUR, 1)),
        ];
        assert_eq!(
            maintenance(&windows, NOW),
            [
                Maintenance {
                    server: "api <b>".into(),
                    when: "in maintenance until 2026-11-21 01:00 UTC".into()
                },
                Maintenance {
                    server: "web".into(),
                    when: "maintenance scheduled from 2026-11-21 02:00 UTC to 2026-11-21 03:00 UTC"
                        .into()
                },
            ]
        );
        assert!(maintenance(&windows[2..], NOW).is_empty());
    }

    fn site(servers: &[(&str, Option<&str>)], groups: &[&str]) -> Site {
        let servers: Vec<serde_json::Value> = servers
            .iter()
            .map(|(name, group)| {
                serde_json::json!({"name": name, "url": "https://example.com/mcp", "group": group})
            })
            .collect();
        let groups: Vec<serde_json::Value> = groups
            .iter()
            .map(|name| serde_json::json!({ "name": name }))
            .collect();
        let json = serde_json::json!({"title": "T", "groups": groups, "servers": servers});
        let config = SiteConfig::parse_for_page(&json.to_string()).expect("the site parses");
        Site::Loaded(Arc::new(config))
    }

    fn view(name: &str, source: Source) -> ServerView {
        ServerView::empty(name, "https://example.com/mcp", source, NOW)
    }

    #[test]
    fn groups_follow_the_config_s_order_and_the_user_s_monitors_come_last_apart() {
        let site = site(
            &[("a", Some("G2")), ("b", None), ("c", Some("G1"))],
            &["G1", "G2"],
        );
        let in_group = |g: &str| Source::Site {
            group: Some(g.to_owned()),
        };
        let servers = [
            view("mine", Source::Local),
            view("c", in_group("G1")),
            view("b", Source::Site { group: None }),
            view("a", in_group("G2")),
        ];
        let groups = groups(&site, &servers);
        let shown: Vec<(Option<&str>, Vec<&str>)> = groups
            .iter()
            .map(|g| {
                let names = g.servers.iter().map(String::as_str).collect();
                (g.name.as_deref(), names)
            })
            .collect();
        assert_eq!(
            shown,
            [
                (None, vec!["b"]),
                (Some("G1"), vec!["c"]),
                (Some("G2"), vec!["a"]),
                (Some("My monitors"), vec!["mine"]),
            ]
        );
        let keys: std::collections::BTreeSet<&str> =
            groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys.len(), groups.len(), "keys are unique");
        // The banner speaks for the published servers only.
        assert_eq!(banner(&site, &servers), Banner::of([Condition::NoData; 3]));
    }

    #[test]
    fn names_are_shown_without_format_characters() {
        use crate::view::check::tests::assert_no_format;
        let laced = |text: &str| format!("\u{202E}{text}\u{200B}");
        // Read from status.json, names come without them already (`site::reader`): these are
        // laced after it.
        let mut site = site(&[("api", Some("Prod")), ("web", None)], &["Prod"]);
        if let Site::Loaded(config) = &mut site {
            let config = Arc::make_mut(config);
            config.groups[0].name = laced("Prod <b>");
            config.groups[0].description = Some(laced("what users hit"));
            config.servers[0].group = Some(laced("Prod <b>"));
        }
        let servers = [
            view(
                &laced("api"),
                Source::Site {
                    group: Some(laced("Prod <b>")),
                },
            ),
            view(&laced("mine"), Source::Local),
            view(&laced("old"), Source::Imported),
        ];
        let mut groups = groups(&site, &servers);
        let shown: Vec<(Option<&str>, Option<&str>)> = groups
            .iter()
            .map(|g| (g.name.as_deref(), g.description.as_deref()))
            .collect();
        assert_eq!(shown[0], (Some("Prod <b>"), Some("what users hit")));
        // The rows' keys are the names as the state has them; what a row shows is not.
        assert_eq!(groups[0].servers, [servers[0].server.clone()]);
        assert_eq!(groups[1].servers.len(), 2);
        groups.iter_mut().for_each(|g| g.servers.clear());
        assert_no_format(&format!("{groups:?}"));

        for view in &servers {
            let row = row(view, Window::Day, NOW);
            assert_no_format(&format!("{row:?}"));
            assert_eq!(row.href, crate::page::server_href(&view.server));
        }
        assert_eq!(row(&servers[0], Window::Day, NOW).server, "api");
        let label = days_label(&servers[1].server);
        assert_no_format(&label);
        assert!(label.starts_with("mine: the last 90 days"), "{label}");

        let windows = [(
            laced("api <b>"),
            MaintenanceWindow {
                start: NOW,
                end: NOW + HOUR,
            },
        )];
        let lines = maintenance(&windows, NOW);
        assert_no_format(&format!("{lines:?}"));
        assert_eq!(lines[0].server, "api <b>");
    }

    #[test]
    fn without_a_site_my_monitors_show_even_when_empty() {
        let groups = groups(&Site::Missing, &[]);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].key, MY_MONITORS);
        assert!(groups[0].servers.is_empty());
    }

    #[test]
    fn a_row_says_both_uptimes_coverage_and_when_the_next_probe_is() {
        let mut server = view("api", Source::Site { group: None });
        server.next_probe_at = Some(NOW + 30_000);
        let row = row(&server, Window::Day, NOW);
        assert_eq!(row.href, "#/server/api");
        assert_eq!((row.condition, row.mark), ("no_data", "…"));
        let value = |class: &str| {
            row.facts
                .iter()
                .find(|f| f.class == class)
                .map(|f| f.value.clone())
        };
        assert_eq!(value("last-probe").as_deref(), Some("not yet"));
        assert_eq!(value("latency").as_deref(), Some("—"));
        assert_eq!(value("probe-count").as_deref(), Some("0 in 24 h"));
        assert!(value("next-probe").unwrap().contains("30 s"), "{row:?}");
        assert_eq!(coverage(0.001), "< 1 %");
        assert_eq!(coverage(0.0), "0 %");
        assert_eq!(coverage(1.0), "100 %");
    }
}
