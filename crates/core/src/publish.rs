//! The published history: what the scheduled runner (`mcp-status probe`) writes beside the
//! status page and the page reads, so that every visitor sees the same history (spec section
//! 9). One NDJSON file per server and month (the history format of docs/formats.md), and a
//! small `summary.json` with each server's state, last probe, uptimes and days.

use crate::monitor::history::format_time;
use crate::monitor::record::{Millis, ProbeRecord};
use crate::monitor::rollup::Uptime;
use crate::monitor::state::State;
use crate::monitor::window::Window;
use crate::monitor::ServerMonitor;
use crate::report::{Layer, Outcome};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Where the page finds the summary: the runner's data folder, published at `data/` beside it.
pub const SUMMARY: &str = "data/summary.json";
/// The summary's format version: a page refuses a summary of a version it does not know.
pub const VERSION: u64 = 1;
/// Days of rollups in the summary: the status page's 90-day bar.
pub const DAYS: usize = 90;

/// The folder name of a server's history: its name when that is a plain file name
/// (`A-Z a-z 0-9 . _ -`, not starting with a dot), otherwise those characters of it and a
/// hash of the whole name, so that two names never share a folder.
pub fn file_stem(server: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if !server.is_empty()
        && server.len() <= 64
        && server.chars().all(plain)
        && !server.starts_with('.')
    {
        return server.to_owned();
    }
    let kept: String = server
        .chars()
        .map(|c| if plain(c) { c } else { '-' })
        .take(40)
        .collect();
    let digest = Sha256::digest(server.as_bytes());
    let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{hash}", kept.trim_start_matches('.'))
}

/// `YYYY-MM` of `at` (UTC): the month file a probe goes to.
pub fn month_of(at: Millis) -> String {
    crate::time::format_utc(at, "%Y-%m")
}

/// Where a server's probes of `month` are, relative to the data folder.
pub fn history_path(server: &str, month: &str) -> String {
    format!("history/{}/{month}.ndjson", file_stem(server))
}

/// A window's key in the summary's `uptime`: `24h`, `7d`, `30d`, `90d`.
fn window_key(window: Window) -> String {
    window.label().replace(' ', "")
}

/// One server as the summary lists it.
pub struct Published<'a> {
    pub server: &'a str,
    pub url: &'a str,
    pub monitor: &'a ServerMonitor,
    pub last: Option<&'a ProbeRecord>,
    /// Its month files, oldest first (`YYYY-MM`).
    pub months: Vec<String>,
}

/// `summary.json` at `now`.
pub fn summary(servers: &[Published], now: Millis) -> Value {
    let uptime = |u: &crate::monitor::rollup::Uptime| {
        json!({
            "wall_clock_uptime": u.wall_clock_uptime,
            "slo_uptime": u.slo_uptime,
            "coverage": u.coverage,
            "probes": u.probes,
            "incidents": u.incidents,
        })
    };
    let servers: Vec<Value> = servers
        .iter()
        .map(|s| {
            let windows: serde_json::Map<String, Value> = Window::ALL
                .iter()
                .map(|w| (window_key(*w), uptime(&s.monitor.uptime(now, w.span()))))
                .collect();
            let days: Vec<Value> = s
                .monitor
                .days(now, DAYS)
                .iter()
                .map(|(start, u)| {
                    let mut day = uptime(u);
                    day["day"] = json!(crate::time::utc_day(*start));
                    day
                })
                .collect();
            let open = s.monitor.incidents.iter().rev().find(|i| i.end.is_none());
            json!({
                "server": s.server,
                "url": s.url,
                "history": format!("history/{}/", file_stem(s.server)),
                "months": s.months,
                "state": s.monitor.state().as_str(),
                "streak": match s.monitor.state() {
                    State::Confirming { failures } => failures,
                    State::Recovering { passes } => passes,
                    _ => 0,
                },
                "last_probe": s.last.map(|p| json!({
                    "at": format_time(p.at),
                    "outcome": p.outcome.as_str(),
                    "layer": p.layer.map(|l| l.as_str()),
                    "latency_ms": p.latency_ms,
                    "error": p.error,
                })),
                "open_incident": open.map(|i| json!({
                    "start": format_time(i.start),
                    "severity": i.severity.as_str(),
                    "layer": i.layer.map(|l| l.as_str()),
                    "first_error": i.first_error,
                })),
                "uptime": windows,
                "days": days,
            })
        })
        .collect();
    json!({
        "version": VERSION,
        "generated_at": format_time(now),
        "servers": servers,
    })
}

/// One server of a published summary, as a page reads it back.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedServer {
    pub server: String,
    pub state: State,
    /// The last probe (without its tool-list fingerprints).
    pub last: Option<ProbeRecord>,
    /// Over 24 h, 7 d, 30 d, 90 d (`Window::ALL`); latency percentiles are not published.
    pub windows: [Uptime; 4],
    /// The 90 days, oldest first, by their start.
    pub days: Vec<(Millis, Uptime)>,
}

/// A `summary.json` read back.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// When the runner wrote it; `None` if it does not say (or not as a time).
    pub generated_at: Option<Millis>,
    pub servers: Vec<PublishedServer>,
}

/// A `summary.json` read back: when it was written and the servers it has; an error for a
/// document that is not one, or of another version. A server entry that does not read is
/// left out, not the whole summary: one damaged entry must not hide every server's
/// published state.
pub fn read_summary(text: &str) -> Result<Summary, String> {
    let document: SummaryFile = crate::json::read(text).map_err(|error| match error {
        crate::json::Error::Syntax(_) => "summary.json is not valid JSON".to_owned(),
        crate::json::Error::Data { .. } => format!("summary.json is not a summary: {error}"),
    })?;
    if document.version != Some(VERSION) {
        return Err(format!("summary.json is not of version {VERSION}"));
    }
    let servers = document.servers.ok_or("summary.json has no servers")?;
    Ok(Summary {
        generated_at: document
            .generated_at
            .and_then(|at| crate::monitor::history::parse_time(&at).ok()),
        servers: servers
            .into_iter()
            .filter_map(|entry| serde_json::from_value::<ServerEntry>(entry).ok())
            .map(ServerEntry::published)
            .collect(),
    })
}

/// What `read_summary` reads of the document: the version first, so that another version is
/// refused as such whatever its shape.
#[derive(Deserialize)]
struct SummaryFile {
    version: Option<u64>,
    generated_at: Option<String>,
    servers: Option<Vec<Value>>,
}

/// A server of `summary.json` as `summary` writes it (fields the page does not use are
/// ignored).
#[derive(Deserialize)]
struct ServerEntry {
    server: String,
    state: String,
    #[serde(default)]
    streak: u32,
    last_probe: Option<LastProbe>,
    #[serde(default)]
    uptime: BTreeMap<String, UptimeEntry>,
    #[serde(default)]
    days: Vec<DayEntry>,
}

#[derive(Deserialize)]
struct LastProbe {
    at: String,
    outcome: Outcome,
    layer: Option<Layer>,
    #[serde(default)]
    latency_ms: u32,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct UptimeEntry {
    wall_clock_uptime: Option<f64>,
    slo_uptime: Option<f64>,
    #[serde(default)]
    coverage: f64,
    #[serde(default)]
    probes: u32,
    #[serde(default)]
    incidents: u32,
}

#[derive(Deserialize)]
struct DayEntry {
    day: String,
    #[serde(flatten)]
    uptime: UptimeEntry,
}

impl UptimeEntry {
    fn uptime(&self) -> Uptime {
        Uptime {
            wall_clock_uptime: self.wall_clock_uptime,
            slo_uptime: self.slo_uptime,
            coverage: self.coverage,
            p50_ms: None,
            p95_ms: None,
            probes: self.probes,
            failures: 0,
            cold_starts: 0,
            incidents: self.incidents,
        }
    }
}

impl ServerEntry {
    fn published(self) -> PublishedServer {
        let time = |text: &str| crate::monitor::history::parse_time(text).ok();
        let state = match self.state.as_str() {
            "up" => State::Up,
            "down" => State::Down,
            "confirming" => State::Confirming {
                failures: self.streak,
            },
            "recovering" => State::Recovering {
                passes: self.streak,
            },
            _ => State::Unknown,
        };
        let last = self.last_probe.and_then(|p| {
            Some(ProbeRecord {
                at: time(&p.at)?,
                outcome: p.outcome,
                layer: p.layer,
                latency_ms: p.latency_ms,
                contract_hash: None,
                metadata_hash: None,
                error: p.error,
            })
        });
        let window = |w: Window| {
            self.uptime
                .get(&window_key(w))
                .map_or_else(|| UptimeEntry::default().uptime(), UptimeEntry::uptime)
        };
        PublishedServer {
            server: self.server,
            state,
            last,
            windows: Window::ALL.map(window),
            days: self
                .days
                .iter()
                .filter_map(|d| Some((time(&format!("{}T00:00:00Z", d.day))?, d.uptime.uptime())))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::config::MonitorConfig;
    use crate::monitor::record::MINUTE;

    #[test]
    fn a_summary_reads_back_what_it_says() {
        let now = 1_795_219_200_000; // 2026-11-21T00:00:00Z
        let mut monitor = ServerMonitor::new(MonitorConfig::default(), "api.example").unwrap();
        let mut last = None;
        for minute in 0..10 {
            let probe = ProbeRecord {
                at: now - (10 - minute) * MINUTE,
                outcome: if minute < 7 {
                    Outcome::Ok
                } else {
                    Outcome::Failed
                },
                layer: (minute >= 7).then_some(crate::report::Layer::Http),
                latency_ms: 30,
                contract_hash: None,
                metadata_hash: None,
                error: None,
            };
            monitor.ingest(&probe);
            last = Some(probe);
        }
        let published = [Published {
            server: "api <b>",
            url: "https://api.example/mcp",
            monitor: &monitor,
            last: last.as_ref(),
            months: vec!["2026-11".into()],
        }];
        let text = summary(&published, now).to_string();
        let read = read_summary(&text).unwrap();
        assert_eq!(read.generated_at, Some(now));
        let read = read.servers;
        assert_eq!(read.len(), 1);
        let api = &read[0];
        assert_eq!(api.server, "api <b>");
        assert_eq!(api.state, State::Down);
        assert_eq!(api.last, last);
        let day = monitor.uptime(now, Window::Day.span());
        let window = &api.windows[0];
        assert_eq!(
            (window.wall_clock_uptime, window.slo_uptime, window.coverage),
            (day.wall_clock_uptime, day.slo_uptime, day.coverage)
        );
        assert_eq!(
            (window.probes, window.incidents),
            (day.probes, day.incidents)
        );
        assert_eq!(api.days.len(), DAYS);
        assert_eq!(api.days[DAYS - 1].0, now, "today last");
        assert!(read_summary("{\"version\": 2, \"servers\": []}")
            .unwrap_err()
            .contains("version"));
        assert!(read_summary("<html>").is_err());
    }

    #[test]
    fn a_damaged_server_entry_is_left_out_and_the_others_are_read() {
        let text = r#"{"version": 1, "servers": [
            {"server": "broken", "state": 7},
            {"server": "api", "state": "confirming", "streak": 2,
             "last_probe": {"at": "2026-11-21T00:00:00Z", "outcome": "failed", "layer": "http", "latency_ms": 12},
             "uptime": {"24h": {"wall_clock_uptime": 0.5, "slo_uptime": 0.75, "coverage": 1, "probes": 4, "incidents": 1}},
             "days": [{"day": "2026-11-21", "wall_clock_uptime": 1, "slo_uptime": 1, "coverage": 0.25, "probes": 3}]}
        ]}"#;
        let read = read_summary(text).unwrap();
        assert_eq!(read.generated_at, None, "the document does not say");
        let read = read.servers;
        assert_eq!(read.len(), 1, "{read:?}");
        let api = &read[0];
        assert_eq!(api.state, State::Confirming { failures: 2 });
        let last = api.last.as_ref().unwrap();
        assert_eq!(
            (last.outcome, last.layer),
            (Outcome::Failed, Some(Layer::Http))
        );
        assert_eq!(api.windows[0].slo_uptime, Some(0.75));
        assert_eq!((api.windows[0].probes, api.windows[0].incidents), (4, 1));
        assert_eq!(
            api.windows[1].probes, 0,
            "a window not published has no data"
        );
        assert_eq!(
            api.days,
            vec![(
                1_795_219_200_000,
                Uptime {
                    wall_clock_uptime: Some(1.0),
                    slo_uptime: Some(1.0),
                    coverage: 0.25,
                    p50_ms: None,
                    p95_ms: None,
                    probes: 3,
                    failures: 0,
                    cold_starts: 0,
                    incidents: 0,
                }
            )]
        );
        assert_eq!(
            read_summary(r#"{"version": 1}"#).unwrap_err(),
            "summary.json has no servers"
        );
        assert!(read_summary(r#"{"version": 1, "servers": 3}"#)
            .unwrap_err()
            .contains("`servers`"));
    }

    #[test]
    fn plain_names_are_their_own_folders_and_others_get_a_hash() {
        assert_eq!(file_stem("api-prod_2.v1"), "api-prod_2.v1");
        let spaced = file_stem("my server");
        assert!(spaced.starts_with("my-server-") && spaced.len() == "my-server-".len() + 8);
        assert_ne!(file_stem("my server"), file_stem("my/server"));
        for hostile in ["../../etc", ".hidden", "a/b", "", "é"] {
            let stem = file_stem(hostile);
            assert!(
                !stem.contains('/') && !stem.starts_with('.') && !stem.is_empty(),
                "{hostile}: {stem}"
            );
        }
        assert_eq!(history_path("api", "2026-11"), "history/api/2026-11.ndjson");
        assert_eq!(month_of(1_795_219_200_000), "2026-11");
    }
}
