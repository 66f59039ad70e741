//! `mcp-status probe`, the scheduled runner's round, against our misbehaving server and a
//! webhook receiver on 127.0.0.1: the published history and summary it writes, the alert it
//! sends once an outage is confirmed (three runs), `replay` over the same files giving the
//! same numbers, overlapping runs leaving every line whole, and a bad config refused before
//! anything is written.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::{receiver, TestServer};

fn write_config(dir: &Path, config: &Value) -> PathBuf {
    let path = dir.join("status.json");
    std::fs::write(&path, config.to_string()).unwrap();
    path
}

fn probe(config: &Path, data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcp-status"))
        .args(["probe", "--config"])
        .arg(config)
        .arg("--data")
        .arg(data)
        .output()
        .expect("the binary runs")
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}")))
        .collect()
}

/// The texts of a badge, read by a real XML parser (a malformed SVG fails here).
fn badge_texts(path: &Path) -> Vec<String> {
    let svg = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let document = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
    document
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_owned))
        .collect()
}

fn month_file(data: &Path, stem: &str) -> PathBuf {
    let folder = data.join("history").join(stem);
    let files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "one month: {files:?}");
    files[0].clone()
}

#[test]
fn three_runs_publish_the_history_confirm_the_outage_and_alert_once() {
    let server = TestServer::start(&["misbehaving"]);
    let (hooks, seen) = receiver();
    let dir = support::folder("probe", "outage");
    let config = write_config(
        &dir,
        &serde_json::json!({
            "servers": [
                { "name": "ok", "url": format!("{}/ok", server.url) },
                { "name": "my api", "url": format!("{}/status-500", server.url) }
            ],
            "alerting": {
                "channels": [{ "id": "hook", "kind": "webhook", "url": format!("{hooks}/hook") }],
                "routes": { "P1": ["push", "hook"] },
                "status_page_url": "https://acme.example/status/"
            }
        }),
    );
    let data = dir.join("data");
    for run in 1..=3 {
        let output = probe(&config, &data);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(0),
            "run {run}: {stdout} {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let fired = stdout.contains("alert fired my api|downtime|1 → hook: delivered");
        assert_eq!(fired, run == 3, "run {run}: {stdout}");
    }
    // The history: one file per server and month, one line per run, in the export format.
    let ok = lines(&month_file(&data, "ok"));
    assert_eq!(ok.len(), 3);
    assert!(ok
        .iter()
        .all(|l| l["server"] == "ok" && l["outcome"] == "ok"));
    let failing = month_file(&data, &mcp_status_core::publish::file_stem("my api"));
    assert!(
        failing.to_string_lossy().contains("my-api-"),
        "{}",
        failing.display()
    );
    assert!(lines(&failing).iter().all(|l| l["layer"] == "http"));

    // The summary: states, last probes, uptimes, days.
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["version"], 1);
    let servers = summary["servers"].as_array().unwrap();
    assert_eq!(servers[0]["server"], "ok");
    assert_eq!(servers[0]["state"], "up");
    assert_eq!(servers[0]["uptime"]["24h"]["wall_clock_uptime"], 1.0);
    assert_eq!(servers[1]["state"], "down");
    assert_eq!(servers[1]["open_incident"]["layer"], "http");
    assert_eq!(servers[1]["last_probe"]["outcome"], "failed");
    assert_eq!(servers[1]["days"].as_array().unwrap().len(), 90);
    assert_eq!(servers[1]["months"].as_array().unwrap().len(), 1);

    // Badges: SVG that parses as XML and says the state and the numbers; shields' JSON.
    let badges = data.join("badges");
    assert_eq!(
        badge_texts(&badges.join("ok/uptime.svg")),
        ["uptime 30d", "100.00%"]
    );
    let stem = mcp_status_core::publish::file_stem("my api");
    assert_eq!(
        badge_texts(&badges.join(&stem).join("status.svg")),
        ["my api", "down"]
    );
    let shields: Value = serde_json::from_str(
        &std::fs::read_to_string(badges.join(&stem).join("slo.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(shields["message"], "0.00%");
    assert_eq!(shields["color"], "red");

    // The alert: one, in the documented payload, with the evidence and a link.
    let log = seen.lock().unwrap();
    let fired: Vec<&Value> = log
        .iter()
        .filter(|(p, _, _)| p == "/hook")
        .map(|(_, b, _)| b)
        .collect();
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert_eq!(fired[0]["event"], "fired");
    assert_eq!(fired[0]["server"], "my api");
    assert_eq!(fired[0]["severity"], "P1");
    assert_eq!(fired[0]["evidence"].as_array().unwrap().len(), 3);
    assert_eq!(
        fired[0]["links"]["status_page"],
        "https://acme.example/status/"
    );
    drop(log);

    // `replay` over the published files gives the same numbers as the summary.
    let all: String = [month_file(&data, "ok"), failing]
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let history = dir.join("all.ndjson");
    std::fs::write(&history, all).unwrap();
    let replayed = Command::new(env!("CARGO_BIN_EXE_mcp-status"))
        .arg("replay")
        .arg(&history)
        .arg("--config")
        .arg(&config)
        .args(["--json", "--runner"])
        .output()
        .unwrap();
    let replayed: Value = serde_json::from_slice(&replayed.stdout).unwrap();
    let state = |name: &str| {
        replayed["servers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["server"] == name)
            .map(|s| s["state"].clone())
    };
    assert_eq!(state("my api"), Some(servers[1]["state"].clone()));
    assert_eq!(state("ok"), Some(servers[0]["state"].clone()));
    // The same numbers: replay's uptime since the first probe is the summary's over 90 days
    // (the whole history is inside them).
    for (name, index) in [("my api", 1), ("ok", 0)] {
        let replayed = replayed["servers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["server"] == name)
            .unwrap();
        let published = &servers[index]["uptime"]["90d"];
        for key in ["wall_clock_uptime", "slo_uptime"] {
            assert_eq!(replayed[key], published[key], "{name} {key}");
        }
        assert_eq!(
            replayed["incidents"].as_array().unwrap().len() as u64,
            published["incidents"].as_u64().unwrap()
        );
    }
}

#[test]
fn overlapping_runs_take_turns_and_leave_every_line_whole() {
    let server = TestServer::start(&["misbehaving"]);
    let dir = support::folder("probe", "overlap");
    let servers: Vec<Value> = (0..4)
        .map(|i| serde_json::json!({ "name": format!("s{i}"), "url": format!("{}/ok?tag={i}", server.url) }))
        .collect();
    let config = write_config(&dir, &serde_json::json!({ "servers": servers }));
    let data = dir.join("data");
    let runs: Vec<std::process::Child> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_mcp-status"))
                .args(["probe", "--config"])
                .arg(&config)
                .arg("--data")
                .arg(&data)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut run in runs {
        assert!(run.wait().unwrap().success());
    }
    for i in 0..4 {
        let lines = lines(&month_file(&data, &format!("s{i}")));
        assert_eq!(lines.len(), 4, "one line per run, none lost or torn");
        let mut times: Vec<&str> = lines.iter().map(|l| l["at"].as_str().unwrap()).collect();
        times.dedup();
        assert_eq!(times.len(), 4);
    }
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["servers"][3]["uptime"]["24h"]["probes"], 4);
}

#[test]
fn a_damaged_alerting_desk_is_kept_aside_and_the_round_goes_on() {
    let server = TestServer::start(&["misbehaving"]);
    let dir = support::folder("probe", "damaged");
    let config = write_config(
        &dir,
        &serde_json::json!({ "servers": [{ "name": "api", "url": format!("{}/ok", server.url) }] }),
    );
    let data = dir.join("data");
    // The runner's state: `runner` beside the data folder.
    let state = dir.join("runner");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(state.join("alerting.json"), "{\"dispatcher\": tru").unwrap();
    let output = probe(&config, &data);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("unreadable") && stdout.contains("started afresh"),
        "{stdout}"
    );
    let kept: Vec<String> = std::fs::read_dir(&state)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        kept.iter()
            .any(|name| name.starts_with("alerting.damaged-")),
        "{kept:?}"
    );
    assert_eq!(
        lines(&month_file(&data, "api")).len(),
        1,
        "probed all the same"
    );
    // The new desk reads back: the next round says nothing about it.
    let again = probe(&config, &data);
    assert!(!String::from_utf8_lossy(&again.stdout).contains("unreadable"));
}

#[test]
fn damaged_month_files_are_read_around_their_bad_lines_and_the_round_goes_on() {
    let server = TestServer::start(&["misbehaving"]);
    let dir = support::folder("probe", "damaged-history");
    let config = write_config(
        &dir,
        &serde_json::json!({ "servers": [{ "name": "api", "url": format!("{}/ok", server.url) }] }),
    );
    let data = dir.join("data");
    let first = probe(&config, &data);
    assert_eq!(first.status.code(), Some(0));
    let file = month_file(&data, "api");
    let good = std::fs::read_to_string(&file).unwrap();
    // A line of bytes that are not UTF-8, then a good line, then a torn one (a run killed
    // mid-write).
    let mut bytes = good.clone().into_bytes();
    bytes.extend_from_slice(b"{\"server\":\"api\xff\xfe\"}\n");
    bytes.extend_from_slice(good.as_bytes());
    bytes.extend_from_slice(&good.as_bytes()[..good.len() / 2]);
    std::fs::write(&file, bytes).unwrap();

    let output = probe(&config, &data);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let name = file.strip_prefix(&data).unwrap().display().to_string();
    assert!(
        stdout.contains(&format!(
            "{name} line 2: the line is not valid UTF-8: left out"
        )),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("{name} line 4: ")), "{stdout}");
    // The new line starts on a line of its own: only the torn one is lost.
    let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("{\"server\":\"api\"") && serde_json::from_str::<Value>(last).is_ok(),
        "{last}"
    );
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["servers"][0]["uptime"]["24h"]["probes"], 3);
}

#[test]
fn an_unknown_time_zone_is_refused_before_anything_is_probed_or_written() {
    let dir = support::folder("probe", "zone");
    let config = write_config(
        &dir,
        &serde_json::json!({
            "servers": [{ "name": "x", "url": "http://127.0.0.1:9/mcp" }],
            "alerting": { "on_call": {
                "time_zone": "Europe/Atlantis", "first_day": "2026-12-07",
                "people": [{ "name": "Ana", "notify": ["push"] }]
            } }
        }),
    );
    let data = dir.join("data");
    let output = probe(&config, &data);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("alerting.on_call.time_zone: unknown time zone `Europe/Atlantis`"),
        "{stderr}"
    );
    assert!(!data.exists(), "nothing written");
}

#[test]
fn a_bad_config_is_refused_and_nothing_is_written() {
    let dir = support::folder("probe", "bad");
    let config = write_config(
        &dir,
        &serde_json::json!({ "servers": [{ "name": "x", "url": "ftp://x" }] }),
    );
    let data = dir.join("data");
    let output = probe(&config, &data);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("servers[0].url"), "{stderr}");
    assert!(!data.exists(), "nothing written");
}
