//! Maintenance reaching the scheduled runner: a window in `status.json` (what the on-call
//! console gives to paste there, for windows declared in it) mutes the runner's alerts and
//! leaves the time out of the SLO uptime it publishes.

mod support;

use serde_json::Value;
use std::process::Command;
use support::{receiver, TestServer};

#[test]
fn a_window_in_status_json_mutes_the_runner_and_costs_no_slo_uptime() {
    let server = TestServer::start(&["misbehaving"]);
    let (hooks, seen) = receiver();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let at = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .unwrap()
            .to_rfc3339()
    };
    let window =
        serde_json::json!({ "start": at(now - 10 * 60_000), "end": at(now + 50 * 60_000) });
    let dir = support::folder("maint", "window");
    let config = dir.join("status.json");
    let site = serde_json::json!({
        "servers": [{
            "name": "api", "url": format!("{}/status-500", server.url),
            "maintenance": [window]
        }],
        "alerting": {
            "channels": [{ "id": "hook", "kind": "webhook", "url": format!("{hooks}/hook") }],
            "routes": { "P1": ["hook"] }
        }
    });
    std::fs::write(&config, site.to_string()).unwrap();
    let data = dir.join("data");
    for _ in 0..4 {
        let output = Command::new(env!("CARGO_BIN_EXE_mcp-status"))
            .args(["probe", "--config"])
            .arg(&config)
            .arg("--data")
            .arg(&data)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // Four failed rounds: down, but in maintenance, so nobody is told.
    assert_eq!(seen.lock().unwrap().len(), 0, "{:?}", seen.lock().unwrap());
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("summary.json")).unwrap()).unwrap();
    let day = &summary["servers"][0]["uptime"]["24h"];
    assert_eq!(day["wall_clock_uptime"], 0.0, "{day}");
    assert_ne!(
        day["slo_uptime"], 0.0,
        "the window is left out of SLO uptime: {day}"
    );
}
