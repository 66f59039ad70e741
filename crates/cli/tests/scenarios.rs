//! Every behaviour of our misbehaving test server gets the verdict tests/support/scenarios.json
//! expects from the native probe.

mod support;

use serde_json::Value;
use support::{check_json, repo_root, TestServer};

#[test]
fn every_scenario_gets_its_native_verdict() {
    let table: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/support/scenarios.json")).unwrap(),
    )
    .unwrap();
    let scenarios = table["scenarios"].as_array().unwrap();
    assert!(
        scenarios.len() >= 20,
        "the table holds at least 20 behaviours"
    );
    let server = TestServer::start(&["misbehaving"]);
    let mut failures = Vec::new();
    for scenario in scenarios {
        let path = scenario["path"].as_str().unwrap();
        let url = format!("{}{path}", server.url);
        let timeout = scenario["timeout_s"].as_u64().map(|s| s.to_string());
        let mut extra = Vec::new();
        if let Some(timeout) = &timeout {
            extra.extend(["--timeout", timeout.as_str()]);
        }
        let checked = check_json(&url, &extra);
        let expected = &scenario["native"];
        for (field, want) in expected.as_object().unwrap() {
            if checked.json[field] != *want {
                failures.push(format!(
                    "{path}: {field} is {} (want {want}); error: {}",
                    checked.json[field], checked.json["error"]
                ));
            }
        }
        if expected.get("layer").is_none() && !checked.json["layer"].is_null() {
            failures.push(format!(
                "{path}: unexpected layer {}",
                checked.json["layer"]
            ));
        }
        let works = matches!(
            expected["outcome"].as_str(),
            Some("ok" | "degraded" | "auth_required")
        );
        let want_code = if works { 0 } else { 1 };
        if checked.code != want_code {
            failures.push(format!(
                "{path}: exit code {} (want {want_code}) {}",
                checked.code, checked.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
