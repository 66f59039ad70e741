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
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

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
    format_time(at)[..7].to_owned()
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
                    day["day"] = json!(format_time(*start)[..10]);
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

/// A `summary.json` read back: the servers it has; an error for a document that is not one,
/// or of another version.
pub fn read_summary(text: &str) -> Result<Vec<PublishedServer>, String> {
    let value: Value = serde_json::from_slice(text.as_bytes())
        .map_err(|_| "summary.json is not valid JSON".to_owned())?;
    match value.get("version").and_then(Value::as_u64) {
        Some(VERSION) => {}
        _ => return Err(format!("summary.json is not of version {VERSION}")),
    }
    let servers = value
        .get("servers")
        .and_then(Value::as_array)
        .ok_or("summary.json has no servers")?;
    Ok(servers.iter().filter_map(server_of).collect())
}

fn server_of(s: &Value) -> Option<PublishedServer> {
    let count = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0)
    };
    let uptime = |v: Option<&Value>| {
        let v = v.unwrap_or(&Value::Null);
        Uptime {
            wall_clock_uptime: v.get("wall_clock_uptime").and_then(Value::as_f64),
            slo_uptime: v.get("slo_uptime").and_then(Value::as_f64),
            coverage: v.get("coverage").and_then(Value::as_f64).unwrap_or(0.0),
            p50_ms: None,
            p95_ms: None,
            probes: count(v, "probes"),
            failures: 0,
            cold_starts: 0,
            incidents: count(v, "incidents"),
        }
    };
    let time = |text: &str| crate::monitor::history::parse_time(text).ok();
    let windows = s.get("uptime");
    let days = s.get("days").and_then(Value::as_array);
    let streak = count(s, "streak");
    let state = match s.get("state").and_then(Value::as_str)? {
        "up" => State::Up,
        "down" => State::Down,
        "confirming" => State::Confirming { failures: streak },
        "recovering" => State::Recovering { passes: streak },
        _ => State::Unknown,
    };
    let last = s.get("last_probe").and_then(|p| {
        let text = |key: &str| p.get(key).and_then(Value::as_str);
        Some(ProbeRecord {
            at: time(text("at")?)?,
            outcome: Outcome::ALL
                .into_iter()
                .find(|o| Some(o.as_str()) == text("outcome"))?,
            layer: text("layer").and_then(Layer::from_name),
            latency_ms: count(p, "latency_ms"),
            contract_hash: None,
            metadata_hash: None,
            error: text("error").map(str::to_owned),
        })
    });
    Some(PublishedServer {
        server: s.get("server")?.as_str()?.to_owned(),
        state,
        last,
        windows: Window::ALL.map(|w| uptime(windows.and_then(|u| u.get(window_key(w))))),
        days: days
            .into_iter()
            .flatten()
            .filter_map(|d| {
                let day = time(&format!("{}T00:00:00Z", d.get("day")?.as_str()?))?;
                Some((day, uptime(Some(d))))
            })
            .collect(),
    })
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
