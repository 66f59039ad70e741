//! `mcp-status alerts test` against a receiver of our own on 127.0.0.1: every channel kind's
//! payload as it arrives, a failing receiver retried, a PagerDuty-format trigger and resolve
//! under one dedup key, secrets from the environment, and a missing one named.

mod support;

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;
use support::{receiver, Seen};

/// A status.json for `test` (its own file: tests run at the same time).
fn config(receiver: &str, test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcp-status-alerts-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("status.json");
    let text = serde_json::json!({
        "servers": [],
        "alerting": {
            "channels": [
                { "id": "hook", "kind": "webhook", "url": format!("{receiver}/hook") },
                { "id": "flaky", "kind": "webhook", "url": format!("{receiver}/flaky") },
                { "id": "chat", "kind": "slack", "url_env": "MCP_STATUS_TEST_SLACK" },
                { "id": "ops", "kind": "discord", "url": format!("{receiver}/discord") },
                { "id": "phone", "kind": "ntfy", "url": format!("{receiver}/ntfy"), "topic": "oncall" },
                { "id": "pd", "kind": "pagerduty", "routing_key_env": "MCP_STATUS_TEST_PD", "url": format!("{receiver}/pd") },
                { "id": "og", "kind": "opsgenie", "api_key_env": "MCP_STATUS_TEST_OG", "url": format!("{receiver}/og") }
            ],
            "status_page_url": "https://status.example/"
        }
    });
    std::fs::write(&path, text.to_string()).unwrap();
    path
}

fn alerts(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, Value, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_mcp-status"))
        .args(["alerts", "test", "--json"])
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    (
        output.status.code(),
        serde_json::from_str(&stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn bodies(seen: &Seen, path: &str) -> Vec<Value> {
    let log = seen.lock().unwrap();
    log.iter()
        .filter(|(p, _, _)| p == path)
        .map(|(_, body, _)| body.clone())
        .collect()
}

#[test]
fn a_test_alert_reaches_every_channel_in_its_format_and_a_failing_one_is_retried() {
    let (url, seen) = receiver();
    let path = config(&url, "every");
    let env = [
        ("MCP_STATUS_TEST_SLACK", format!("{url}/slack")),
        ("MCP_STATUS_TEST_PD", "R0UT1NG".to_owned()),
        ("MCP_STATUS_TEST_OG", "G3N13".to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (code, report, stderr) = alerts(&["--config", path.to_str().unwrap()], &env);
    assert_eq!(code, Some(0), "{stderr}\n{report:#}");

    // The webhook: fired, then resolved, under one key, in the documented shape.
    let hook = bodies(&seen, "/hook");
    let events: Vec<&str> = hook.iter().map(|b| b["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["fired", "resolved"]);
    assert_eq!(hook[0]["version"], 1);
    assert_eq!(hook[0]["key"], hook[1]["key"]);
    assert_eq!(hook[0]["server"], "mcp-status test");
    assert_eq!(hook[0]["severity"], "P1");
    assert_eq!(hook[1]["closed"]["by"], "mcp-status alerts test");
    assert_eq!(hook[0]["links"]["status_page"], "https://status.example/");

    // The receiver that failed once got the firing again, about two seconds later.
    let log = seen.lock().unwrap().clone();
    let flaky: Vec<&Instant> = log
        .iter()
        .filter(|(p, _, _)| p == "/flaky")
        .map(|(_, _, at)| at)
        .collect();
    assert_eq!(flaky.len(), 3, "fired (503), fired again (200), resolved");
    let waited = flaky[1].duration_since(*flaky[0]).as_millis();
    assert!(
        (1_900..5_000).contains(&waited),
        "retried after {waited} ms"
    );
    let flaky_report = report["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["channel"] == "flaky" && d["notice"] == "fired")
        .unwrap();
    assert_eq!(flaky_report["status"], "delivered");
    assert_eq!(flaky_report["attempts"][0]["status"], 503);
    assert_eq!(flaky_report["attempts"][1]["status"], 200);

    // PagerDuty format: trigger then resolve, one dedup key, the key from the environment.
    let pd = bodies(&seen, "/pd");
    let actions: Vec<&str> = pd
        .iter()
        .map(|b| b["event_action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["trigger", "resolve"]);
    assert_eq!(pd[0]["dedup_key"], pd[1]["dedup_key"]);
    assert_eq!(pd[0]["routing_key"], "R0UT1NG");
    assert_eq!(pd[0]["payload"]["severity"], "critical");

    // Opsgenie's Alert API: created, then closed, under the one alias (percent-encoded in
    // the path: it holds the server's name).
    let log = seen.lock().unwrap().clone();
    let og: Vec<&(String, Value, Instant)> = log
        .iter()
        .filter(|(p, _, _)| p.starts_with("/og/"))
        .collect();
    assert_eq!(og.len(), 2, "{og:?}");
    assert_eq!(og[0].0, "/og/v2/alerts");
    let alias = og[0].1["alias"].as_str().unwrap();
    assert!(alias.starts_with("mcp-status test|"), "{alias}");
    assert!(
        og[1].0.ends_with("/close?identifierType=alias")
            && og[1].0.starts_with("/og/v2/alerts/mcp-status%20test%7C"),
        "{}",
        og[1].0
    );

    // Slack (its URL from the environment), Discord, ntfy.
    assert!(bodies(&seen, "/slack")[0]["text"]
        .as_str()
        .unwrap()
        .contains("mcp-status test"));
    assert_eq!(
        bodies(&seen, "/discord")[0]["allowed_mentions"]["parse"],
        serde_json::json!([])
    );
    assert_eq!(bodies(&seen, "/ntfy")[0]["topic"], "oncall");
    assert_eq!(bodies(&seen, "/ntfy")[0]["priority"], 5);
}

#[test]
fn a_missing_secret_is_named_and_an_unknown_channel_refused() {
    let (url, seen) = receiver();
    let path = config(&url, "missing");
    let path = path.to_str().unwrap();
    let (code, report, _) = alerts(&["--config", path, "--channel", "chat"], &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        report["missing_secrets"],
        serde_json::json!([{ "channel": "chat", "variable": "MCP_STATUS_TEST_SLACK" }])
    );
    assert!(seen.lock().unwrap().is_empty(), "nothing sent");
    let (code, _, stderr) = alerts(&["--config", path, "--channel", "sms"], &[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("no channel `sms`"), "{stderr}");
}
