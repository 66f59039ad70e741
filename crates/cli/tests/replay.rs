//! `mcp-status replay` over the two signatures of product spec §3 and over broken files.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn replay(args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_mcp-status"))
        .arg("replay")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn server<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["servers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["server"] == name)
        .unwrap()
}

#[test]
fn the_cold_start_and_the_outage_read_as_the_spec_says() {
    let path = fixture("signatures.ndjson");
    let (code, stdout, stderr) = replay(&[path.to_str().unwrap(), "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();

    let render = server(&report, "render-app");
    assert_eq!(render["platform"], "render");
    assert_eq!(render["slo_uptime"], 1.0);
    assert!(render["wall_clock_uptime"].as_f64().unwrap() < 1.0);
    assert_eq!(render["cold_starts"].as_array().unwrap().len(), 1);
    assert_eq!(render["cold_starts"][0]["at"], "2026-11-21T14:16:00.000Z");
    assert!(render["alerts"].as_array().unwrap().is_empty());
    assert!(render["incidents"].as_array().unwrap().is_empty());

    let vm = server(&report, "vm-app");
    let incident = &vm["incidents"][0];
    assert_eq!(incident["severity"], "P1");
    assert_eq!(incident["layer"], "transport");
    assert_eq!(incident["start"], "2026-11-21T14:01:00.000Z");
    assert_eq!(incident["end"], "2026-11-21T14:04:00.000Z");
    let downtime: Vec<&Value> = vm["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["reason"] == "downtime")
        .collect();
    assert_eq!(downtime[0]["kind"], "fire");
    assert_eq!(
        downtime[0]["at"], "2026-11-21T14:03:00.000Z",
        "at the third failure"
    );
    assert_eq!(downtime[1]["kind"], "resolve");
    assert_eq!(vm["drift"][0]["kind"], "contract");
    assert_eq!(vm["state"], "up");
    assert!(vm["slo_uptime"].as_f64().unwrap() < 1.0);
}

#[test]
fn the_human_report_shows_both_uptimes() {
    let path = fixture("signatures.ndjson");
    let (code, stdout, _) = replay(&[path.to_str().unwrap()]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("render-app"));
    assert!(stdout.contains("SLO uptime 100.000%"), "{stdout}");
    assert!(stdout.contains("cold start 2026-11-21T14:16:00.000Z"));
    assert!(stdout.contains("incident P1 transport"));
}

#[test]
fn bad_lines_are_refused_by_number_or_skipped() {
    let good = std::fs::read_to_string(fixture("signatures.ndjson")).unwrap();
    let mut lines: Vec<&str> = good.lines().collect();
    lines.insert(2, "{\"server\":\"x\",\"at\":\"not a time\"}");
    lines.insert(5, "garbage");
    let dir = std::env::temp_dir().join(format!("mcp-status-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.ndjson");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let (code, stdout, stderr) = replay(&[file.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert!(stderr.contains("line 3"), "{stderr}");
    let (code, stdout, _) = replay(&[file.to_str().unwrap(), "--skip-bad", "--json"]);
    assert_eq!(code, Some(0));
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let skipped: Vec<u64> = report["skipped_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["line"].as_u64().unwrap())
        .collect();
    assert_eq!(skipped, [3, 6]);
    assert_eq!(
        server(&report, "vm-app")["incidents"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let (code, _, stderr) = replay(&["/nonexistent/history.ndjson"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("/nonexistent/history.ndjson"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_config_sets_the_rules_and_a_bad_one_is_named() {
    let dir = std::env::temp_dir().join(format!("mcp-status-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A maintenance window over the outage: no alert, and no SLO cost.
    let config = dir.join("status.json");
    std::fs::write(
        &config,
        r#"{"servers":[{"name":"vm-app","url":"https://mcp.example.com/mcp","maintenance":[{"start":"2026-11-21T13:59:00Z","end":"2026-11-21T14:30:00Z"}]}]}"#,
    )
    .unwrap();
    let history = fixture("signatures.ndjson");
    let (code, stdout, stderr) = replay(&[
        history.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let vm = server(&report, "vm-app");
    assert_eq!(vm["slo_uptime"], 1.0);
    assert!(vm["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["reason"] != "downtime"));
    std::fs::write(
        &config,
        r#"{"servers":[{"name":"vm-app","url":"https://mcp.example.com/mcp","slo_target":99.5}]}"#,
    )
    .unwrap();
    let (code, _, stderr) = replay(&[
        history.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("servers[0].slo_target"), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// The issue's scenario from a history file: an outage → P1 → nobody acknowledges → the
/// escalation steps at their minutes → acknowledged → the server recovers → one recovery.
#[test]
fn replay_alerts_lists_what_the_policy_would_have_sent() {
    let dir = std::env::temp_dir().join(format!("mcp-status-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("status.json");
    let policy = serde_json::json!({
        "servers": [{ "name": "api", "url": "https://api.example.com/mcp" }],
        "alerting": {
            "channels": [{ "id": "chat", "kind": "webhook", "url": "https://hooks.example/chat" }],
            "routes": { "P1": ["push", "chat"] },
            "on_call": {
                "people": [{ "name": "Ana", "notify": ["push"] }, { "name": "Ben", "notify": ["chat"] }],
                "manager": { "name": "Cy", "notify": ["chat"] },
                "first_day": "2026-11-16", "handoff_time": "09:00", "time_zone": "Europe/Berlin"
            }
        }
    });
    std::fs::write(&config, policy.to_string()).unwrap();
    let history = fixture("outage.ndjson");
    let args = [
        history.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--alerts",
        "--acknowledge-after",
        "25",
        "--json",
    ];
    let (code, stdout, stderr) = replay(&args);
    assert_eq!(code, Some(0), "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let outage: Vec<(String, String, Value, Value)> = report["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["key"] == "api|downtime|1")
        .map(|n| {
            let at = n["at"].as_str().unwrap()[11..16].to_owned();
            (
                at,
                n["event"].as_str().unwrap().to_owned(),
                n["channels"].clone(),
                n["to"].clone(),
            )
        })
        .collect();
    let expected = [
        (
            "14:12",
            "fired",
            serde_json::json!(["push", "chat"]),
            Value::Null,
        ),
        (
            "14:17",
            "escalated",
            serde_json::json!(["push"]),
            serde_json::json!("Ana"),
        ),
        (
            "14:27",
            "escalated",
            serde_json::json!(["chat"]),
            serde_json::json!("Ben"),
        ),
        (
            "14:37",
            "acknowledged",
            serde_json::json!(["push", "chat"]),
            Value::Null,
        ),
        (
            "14:51",
            "recovered",
            serde_json::json!(["push", "chat"]),
            Value::Null,
        ),
    ];
    let expected: Vec<(String, String, Value, Value)> = expected
        .into_iter()
        .map(|(at, event, channels, to)| (at.to_owned(), event.to_owned(), channels, to))
        .collect();
    assert_eq!(outage, expected);

    // Without acknowledgements the manager hears at +30 and the process failure comes at +60
    // (the server recovers at 14:51, before it).
    let (_, stdout, _) = replay(&args[..4]);
    assert!(
        stdout.contains("notice 2026-11-21T14:42:00.000Z P1 escalated api (to Cy) → chat"),
        "{stdout}"
    );
    assert!(!stdout.contains("process_failure"), "{stdout}");

    // A zone the tz database lacks is named.
    let broken = dir.join("zone.json");
    let mut bad = policy.clone();
    bad["alerting"]["on_call"]["time_zone"] = "Mars/Olympus".into();
    std::fs::write(&broken, bad.to_string()).unwrap();
    let (code, _, stderr) = replay(&[
        history.to_str().unwrap(),
        "--config",
        broken.to_str().unwrap(),
        "--alerts",
    ]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("unknown time zone `Mars/Olympus`"),
        "{stderr}"
    );
}

#[test]
fn a_reader_that_goes_away_ends_the_command_as_sigpipe_does_not_with_a_panic() {
    // `mcp-status replay … | head -1`: the reader closes the pipe before the report is written
    // (here before the command even starts, so the test does not race it).
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let path = fixture("signatures.ndjson");
    let output = Command::new(env!("CARGO_BIN_EXE_mcp-status"))
        .args(["replay", path.to_str().unwrap()])
        .stdout(writer)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(141), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn a_pages_export_replays_as_its_probes_its_records_skipped() {
    let probes = std::fs::read_to_string(fixture("signatures.ndjson")).unwrap();
    // What the page's export adds: a version line first, derived records after the probes.
    let export = format!(
        "{}\n{probes}{}\n",
        r#"{"record":"export","version":2,"exported_at":"2026-11-21T15:00:00.000Z"}"#,
        r#"{"record":"day","server":"vm-app","day":{"day":20413,"hours":[]}}"#
    );
    let dir = std::env::temp_dir().join(format!("mcp-status-replay-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("export.ndjson");
    std::fs::write(&path, export).unwrap();
    let (code, stdout, stderr) = replay(&[path.to_str().unwrap(), "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (_, plain, _) = replay(&[fixture("signatures.ndjson").to_str().unwrap(), "--json"]);
    assert_eq!(stdout, plain, "the same report as the probes alone");
}
