//! Acknowledging a runner's alert with no browser open: `mcp-status probe --acknowledge`, what
//! the Runner workflow's `acknowledge` input runs on its next round, and the link to it in
//! every notice that waits for an acknowledgement.

mod support;

use serde_json::Value;
use std::path::Path;
use std::process::Command;
use support::{receiver, TestServer};

const WORKFLOW: &str = "https://github.com/acme/status/actions/workflows/runner.yml";

/// A round as GitHub Actions runs it (the repository in the environment); its stdout.
fn round(config: &Path, data: &Path, extra: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_mcp-status"))
        .args(["probe", "--config"])
        .arg(config)
        .arg("--data")
        .arg(data)
        .args(extra)
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/status")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn an_alert_is_acknowledged_from_the_workflow_and_everyone_told_hears_who() {
    let server = TestServer::start(&["misbehaving"]);
    let (hooks, seen) = receiver();
    let dir = support::folder("ack", "ack");
    let config = dir.join("status.json");
    let site = serde_json::json!({
        "servers": [{ "name": "my api", "url": format!("{}/status-500", server.url) }],
        "alerting": {
            "channels": [{ "id": "hook", "kind": "webhook", "url": format!("{hooks}/hook") }],
            "routes": { "P1": ["hook"] }
        }
    });
    std::fs::write(&config, site.to_string()).unwrap();
    let data = dir.join("data");
    for _ in 0..3 {
        round(&config, &data, &[]);
    }
    let bodies = || -> Vec<Value> {
        let log = seen.lock().unwrap();
        log.iter()
            .filter(|(p, _, _)| p == "/hook")
            .map(|(_, b, _)| b.clone())
            .collect()
    };
    let fired = bodies();
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert_eq!(fired[0]["event"], "fired");
    // Where to acknowledge it, from a phone: the Runner workflow, "Run workflow".
    assert_eq!(fired[0]["links"]["acknowledge"], WORKFLOW);

    // Nothing matches: said, and nothing changes.
    let stdout = round(&config, &data, &["--acknowledge", "billing", "--by", "ana"]);
    assert!(
        stdout.contains("acknowledge billing: no open alert waits for an acknowledgement"),
        "{stdout}"
    );
    assert_eq!(bodies().len(), 1);

    // The workflow's input names the server; its runner passes who ran it.
    let stdout = round(&config, &data, &["--acknowledge", "my api", "--by", "ana"]);
    assert!(
        stdout.contains("acknowledged my api|downtime|1 (by ana)"),
        "{stdout}"
    );
    let told = bodies();
    assert_eq!(told.len(), 2, "{told:?}");
    assert_eq!(told[1]["event"], "acknowledged");
    assert_eq!(told[1]["acknowledged"]["by"], "ana");
    assert_eq!(told[1]["links"]["acknowledge"], Value::Null);
    // The desk keeps it: escalation has stopped (the dispatcher's rule), a second
    // acknowledgement finds nothing waiting, and the next rounds tell nobody again.
    let desk: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("runner/alerting.json")).unwrap())
            .unwrap();
    assert_eq!(
        desk["dispatcher"]["pages"][0]["acknowledged"]["by"], "ana",
        "{desk}"
    );
    let stdout = round(&config, &data, &["--acknowledge", "all", "--by", "ben"]);
    assert!(
        stdout.contains("acknowledge all: no open alert waits"),
        "{stdout}"
    );
    assert_eq!(bodies().len(), 2);
}
