//! Maintenance windows declared in the console (start now for N minutes, or scheduled), kept
//! in the browser's storage beside the ones `status.json` publishes. The status page, the
//! prober's engines and the alerting desk all add them to a server's config: probing goes on,
//! alerting waits, and the time is left out of SLO uptime (spec section 7).

use super::config::{MaintenanceWindow, MonitorConfig, MAX_MAINTENANCE};
use super::record::{Millis, DAY, MINUTE};
use serde::{Deserialize, Serialize};

/// Windows that ended longer ago than this are forgotten: rollups already left them out.
pub const KEPT: Millis = 35 * DAY;

#[derive(Debug, Clone, PartialEq)]
pub struct Declared {
    /// The server it is for; `None`: every server.
    pub server: Option<String>,
    pub window: MaintenanceWindow,
    /// Who declared it, and why, for the people reading the console and the handoff.
    pub by: String,
    pub reason: String,
}

impl Declared {
    /// A window for `server` from `start`, `minutes` long: at most `MAX_MAINTENANCE`, and not
    /// ending in the past.
    pub fn new(
        server: Option<String>,
        start: Millis,
        minutes: i64,
        now: Millis,
        by: &str,
        reason: &str,
    ) -> Result<Declared, String> {
        let max = MAX_MAINTENANCE / MINUTE;
        if !(1..=max).contains(&minutes) {
            return Err(format!(
                "A maintenance window lasts 1 to {max} minutes: a deploy that takes longer is itself worth an alert."
            ));
        }
        // A window is declared before or as the work starts: not to take an outage already
        // under way out of SLO uptime after the fact.
        if start < now - MINUTE {
            return Err("A maintenance window cannot start in the past.".into());
        }
        let end = start + minutes * MINUTE;
        Ok(Declared {
            server,
            window: MaintenanceWindow { start, end },
            by: by.trim().to_owned(),
            reason: reason.trim().to_owned(),
        })
    }

    pub fn applies_to(&self, server: &str) -> bool {
        self.server.as_deref().is_none_or(|s| s == server)
    }
}

/// The windows declared here that are not over at `now`, for the scheduled runner, which
/// reads `status.json` and no browser's storage: per server of `servers` (the site's), its
/// `"maintenance"` entries as they go into `status.json` (a window for every server is in each).
/// Pasted there, the runner mutes its alerts and leaves the time out of its SLO uptime.
pub fn for_status_json(
    declared: &[Declared],
    servers: &[String],
    now: Millis,
) -> Vec<(String, String)> {
    servers
        .iter()
        .filter_map(|server| {
            // Fields in the order people read them (`json!` would sort them).
            #[derive(Serialize)]
            struct Entry {
                start: String,
                end: String,
            }
            let windows: Vec<Entry> = declared
                .iter()
                .filter(|d| d.applies_to(server) && d.window.end > now)
                .map(|d| Entry {
                    start: crate::monitor::history::format_time(d.window.start),
                    end: crate::monitor::history::format_time(d.window.end),
                })
                .collect();
            (!windows.is_empty()).then(|| {
                let entries = serde_json::to_string(&windows).expect("JSON values serialise");
                (server.clone(), format!("\"maintenance\": {entries}"))
            })
        })
        .collect()
}

/// `config` with the windows declared for `server` added (past ones too: SLO uptime of the
/// days they cover is rebuilt from the same config).
pub fn with_declared(config: &MonitorConfig, server: &str, declared: &[Declared]) -> MonitorConfig {
    let mut config = config.clone();
    config.maintenance.extend(
        declared
            .iter()
            .filter(|d| d.applies_to(server))
            .map(|d| d.window.clone()),
    );
    config
}

/// A window as stored (`maintenance` setting, docs/formats.md).
#[derive(Serialize, Deserialize)]
struct Stored {
    server: Option<String>,
    start: Millis,
    end: Millis,
    #[serde(default)]
    by: String,
    #[serde(default)]
    reason: String,
}

/// The windows as stored.
pub fn to_json(declared: &[Declared]) -> String {
    let stored: Vec<Stored> = declared
        .iter()
        .map(|d| Stored {
            server: d.server.clone(),
            start: d.window.start,
            end: d.window.end,
            by: d.by.clone(),
            reason: d.reason.clone(),
        })
        .collect();
    serde_json::to_string(&stored).expect("maintenance windows serialise")
}

/// The windows in `text`: those that do not read back, or break the 4-hour cap (storage is
/// anyone's to edit), are left out, each on its own.
pub fn of_json(text: &str) -> Vec<Declared> {
    let items: Vec<serde_json::Value> = serde_json::from_str(text).unwrap_or_default();
    let read = |item: serde_json::Value| -> Option<Declared> {
        let stored = Stored::deserialize(item).ok()?;
        let window = MaintenanceWindow {
            start: stored.start,
            end: stored.end,
        };
        let length = window.end.checked_sub(window.start)?;
        (length > 0 && length <= MAX_MAINTENANCE).then_some(Declared {
            server: stored.server,
            window,
            by: stored.by,
            reason: stored.reason,
        })
    };
    items.into_iter().filter_map(read).collect()
}

/// Ends window `index` of `declared` at `now`, asked for in the console: one not begun is
/// cancelled; one under way ends now and is kept, so that the time so far stays out of SLO
/// uptime.
pub fn end(declared: &mut Vec<Declared>, index: usize, now: Millis) {
    match declared.get_mut(index) {
        Some(d) if d.window.start > now => {
            declared.remove(index);
        }
        Some(d) => d.window.end = d.window.end.min(now.max(d.window.start + 1)),
        None => {}
    }
}

/// `declared` without the windows long over.
pub fn prune(declared: &mut Vec<Declared>, now: Millis) {
    declared.retain(|d| now - d.window.end < KEPT);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::record::HOUR;

    const NOW: Millis = 1_795_219_200_000;

    #[test]
    fn a_window_is_capped_at_four_hours_and_must_not_be_over() {
        let ok = Declared::new(Some("api".into()), NOW, 240, NOW, " Ana ", "deploy").unwrap();
        assert_eq!(ok.window.end - ok.window.start, 4 * HOUR);
        assert_eq!(ok.by, "Ana");
        for (start, minutes) in [
            (NOW, 241),
            (NOW, 0),
            (NOW - 2 * HOUR, 60),
            (NOW - HOUR, 240),
        ] {
            assert!(Declared::new(None, start, minutes, NOW, "", "").is_err());
        }
        assert!(
            Declared::new(None, NOW - 30_000, 10, NOW, "", "").is_ok(),
            "a form's half minute"
        );
    }

    #[test]
    fn windows_apply_to_their_server_or_every_server_and_read_back() {
        let api = Declared::new(Some("api".into()), NOW, 30, NOW, "Ana", "deploy <b>").unwrap();
        let all = Declared::new(None, NOW + HOUR, 60, NOW, "Ben", "").unwrap();
        let declared = vec![api.clone(), all.clone()];
        let config = MonitorConfig::default();
        let for_api = with_declared(&config, "api", &declared);
        assert_eq!(
            for_api.maintenance,
            [api.window.clone(), all.window.clone()]
        );
        assert!(for_api.in_maintenance(NOW + 10 * MINUTE));
        let for_web = with_declared(&config, "web", &declared);
        assert!(!for_web.in_maintenance(NOW + 10 * MINUTE));
        assert!(for_web.in_maintenance(NOW + HOUR));
        assert!(for_web.validate().is_ok());
        assert_eq!(of_json(&to_json(&declared)), declared);
    }

    #[test]
    fn ending_cancels_a_window_to_come_and_cuts_one_under_way_short() {
        let under_way = Declared::new(None, NOW, 60, NOW, "", "").unwrap();
        let to_come = Declared::new(None, NOW + HOUR, 60, NOW, "", "").unwrap();
        let mut declared = vec![under_way, to_come];
        end(&mut declared, 1, NOW + MINUTE);
        assert_eq!(declared.len(), 1, "cancelled");
        end(&mut declared, 0, NOW + MINUTE);
        assert_eq!(declared[0].window.end, NOW + MINUTE, "kept, ended now");
        end(&mut declared, 7, NOW);
        assert_eq!(declared.len(), 1);
    }

    #[test]
    fn windows_stored_by_the_old_code_read_back() {
        // As the code before the derived reader stored them (its `json!` objects).
        let text = r#"[{"by":"Ana","end":1795222800000,"reason":"deploy","server":"api","start":1795219200000},{"by":"","end":1795219260000,"reason":"","server":null,"start":1795219200000}]"#;
        let read = of_json(text);
        assert_eq!(
            read,
            [
                Declared {
                    server: Some("api".into()),
                    window: MaintenanceWindow {
                        start: 1_795_219_200_000,
                        end: 1_795_222_800_000
                    },
                    by: "Ana".into(),
                    reason: "deploy".into(),
                },
                Declared {
                    server: None,
                    window: MaintenanceWindow {
                        start: 1_795_219_200_000,
                        end: 1_795_219_260_000
                    },
                    by: String::new(),
                    reason: String::new(),
                },
            ]
        );
    }

    #[test]
    fn stored_windows_that_break_the_rules_are_left_out() {
        let text = format!(
            r#"[{{"server":"api","start":{NOW},"end":{}}}, {{"start":{NOW},"end":{NOW}}},
                {{"start":"soon","end":1}}, 7, {{"start":{NOW},"end":{}}},
                {{"start":-9223372036854775808,"end":9223372036854775807}}]"#,
            NOW + HOUR,
            NOW + 5 * HOUR
        );
        let read = of_json(&text);
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].server.as_deref(), Some("api"));
        assert!(of_json("not json").is_empty());
        let mut declared = read;
        prune(&mut declared, NOW + HOUR + KEPT);
        assert!(declared.is_empty());
    }

    #[test]
    fn windows_not_over_go_to_status_json_for_the_runner_per_server() {
        let servers = ["api".to_owned(), "search \"x\"".to_owned()];
        let every = Declared::new(None, NOW, 60, NOW, "ana", "deploy").unwrap();
        let api = Declared::new(Some("api".into()), NOW + HOUR, 30, NOW, "ana", "db").unwrap();
        let over = Declared {
            window: MaintenanceWindow {
                start: NOW - 2 * HOUR,
                end: NOW - HOUR,
            },
            ..api.clone()
        };
        let out = for_status_json(&[every, api, over], &servers, NOW);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].0, "api");
        assert_eq!(
            out[0].1,
            r#""maintenance": [{"start":"2026-11-21T00:00:00.000Z","end":"2026-11-21T01:00:00.000Z"},{"start":"2026-11-21T01:00:00.000Z","end":"2026-11-21T01:30:00.000Z"}]"#
        );
        // Read back by status.json's own reader: it is what the runner will read.
        let site = format!(
            r#"{{"servers": [{{"name": "api", "url": "https://api.example/mcp", {}}}]}}"#,
            out[0].1
        );
        let site = crate::site::SiteConfig::parse(&site).unwrap();
        assert_eq!(site.servers[0].monitor.maintenance.len(), 2);
        assert_eq!(out[1].0, "search \"x\"");
        assert!(for_status_json(&[], &servers, NOW).is_empty());
    }
}
