//! The published history: what the scheduled runner (`mcp-status probe`) writes beside the
//! status page and the page reads, so that every visitor sees the same history (spec section
//! 9). One NDJSON file per server and month (the history format of docs/formats.md), and a
//! small `summary.json` with each server's state, last probe, uptimes and days.

use crate::monitor::history::format_time;
use crate::monitor::record::{Millis, ProbeRecord};
use crate::monitor::ServerMonitor;
use crate::status::Window;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

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
                .map(|w| {
                    (
                        w.label().replace(' ', ""),
                        uptime(&s.monitor.uptime(now, w.span())),
                    )
                })
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

#[cfg(test)]
mod tests {
    use super::*;

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
