//! The runner's probes are judged at the runner's cadence (`runner.cadence_s`, 5 minutes by
//! default, the Runner workflow's cron), not at a server's own `cadence_s` (the page's, a
//! minute by default): rounds 5 minutes apart cover the whole day.

mod support;

use mcp_status_core::publish::{history_path, month_of};
use serde_json::{json, Value};
use std::path::Path;

const MINUTE: i64 = 60_000;

/// A day and an hour of passing rounds `every` apart up to now (the simulated clock of the
/// rounds), published as the runner writes them, then `mcp-status rebuild` with `config`: the
/// summary's 24-hour window of the one server.
fn day_of_rounds(dir: &Path, config: Value, every: i64) -> Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let data = dir.join("data");
    let mut at = now - 25 * 60 * MINUTE;
    while at <= now {
        let line = json!({
            "server": "api", "url": "http://127.0.0.1:9/mcp",
            "at": chrono::DateTime::from_timestamp_millis(at).unwrap().to_rfc3339(),
            "outcome": "ok", "layer": null, "latency_ms": 40,
            "contract_hash": null, "metadata_hash": null,
        });
        let path = data.join(history_path("api", &month_of(at)));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        std::io::Write::write_all(&mut file, format!("{line}\n").as_bytes()).unwrap();
        at += every;
    }
    let status = dir.join("status.json");
    std::fs::write(&status, config.to_string()).unwrap();
    support::rebuild(&status, &data);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("summary.json")).unwrap()).unwrap();
    summary["servers"][0]["uptime"]["24h"].clone()
}

#[test]
fn rounds_five_minutes_apart_cover_the_whole_day() {
    let server = json!({ "name": "api", "url": "http://127.0.0.1:9/mcp", "live": false });
    // The server's own cadence is the page's (a minute by default): the runner's rounds are
    // judged at the runner's.
    let day = day_of_rounds(
        &support::folder("coverage", "default"),
        json!({ "servers": [server] }),
        5 * MINUTE,
    );
    assert_eq!(day["coverage"], 1.0, "{day}");
    assert_eq!(day["wall_clock_uptime"], 1.0, "{day}");
    // The window counts whole hours: the day's 288 rounds and those of its first hour's start.
    assert!(day["probes"].as_u64().unwrap() >= 24 * 12, "{day}");

    // A runner said to run every minute whose rounds come every 5: a probe holds for two
    // minutes of each five, and the summary says so.
    let config = json!({ "servers": [server], "runner": { "cadence_s": 60 } });
    let day = day_of_rounds(&support::folder("coverage", "claimed"), config, 5 * MINUTE);
    // About 40 %: the window is counted in whole hours, so where in its hour the day ends
    // moves the figure by a few points.
    let coverage = day["coverage"].as_f64().unwrap();
    assert!((0.38..0.45).contains(&coverage), "{day}");
}
