//! `mcp-status check` against servers nobody here wrote, and its command-line contract.

mod support;

use support::{check_json, TestServer};

#[test]
fn the_npm_reference_server_passes_in_both_transports_with_the_same_tools() {
    let streamable = TestServer::start(&["everything", "streamableHttp"]);
    let legacy = TestServer::start(&["everything", "sse"]);
    let a = check_json(&streamable.url, &[]);
    let b = check_json(&legacy.url, &[]);
    assert_eq!(
        (a.json["outcome"].as_str(), a.code),
        (Some("ok"), 0),
        "{}",
        a.json
    );
    assert_eq!(
        (b.json["outcome"].as_str(), b.code),
        (Some("ok"), 0),
        "{}",
        b.json
    );
    assert_eq!(a.json["transport"], "streamable_http");
    assert_eq!(b.json["transport"], "http_sse");
    assert_eq!(a.json["server_name"], "mcp-servers/everything");
    assert!(a.json["tool_count"].as_u64().unwrap() > 0);
    // One server, two transports: the same tools and the same fingerprints.
    assert_eq!(a.json["tools"], b.json["tools"]);
    assert_eq!(a.json["contract_hash"], b.json["contract_hash"]);
    for field in [
        "protocol_version",
        "server_version",
        "metadata_hash",
        "steps",
        "latency_ms",
    ] {
        assert!(!a.json[field].is_null(), "{field} present");
    }
    let step = &a.json["steps"][0];
    assert_eq!(step["name"], "initialize");
    assert!(step["ms"].is_u64() && step["status"] == "ok");
}

#[test]
fn invalid_input_is_refused_with_exit_code_2_and_nothing_sent() {
    for args in [
        vec!["check", "ftp://example.com/mcp"],
        vec!["check", "not a url"],
        vec!["check", "http://127.0.0.1:9/mcp", "--timeout", "-1"],
        vec!["check", "http://127.0.0.1:9/mcp", "--max-body-mib", "0"],
        vec!["check"],
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_mcp-status"))
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?} explains itself");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn the_human_report_names_the_layer_and_survives_hostile_server_text() {
    let server = TestServer::start(&["misbehaving"]);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mcp-status"))
        .args(["check", &format!("{}/xss", server.url)])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("✓ ok"), "{text}");
    assert!(!text.contains('\u{1b}'));
    let failed = std::process::Command::new(env!("CARGO_BIN_EXE_mcp-status"))
        .args(["check", &format!("{}/tools-error", server.url)])
        .output()
        .unwrap();
    let text = String::from_utf8(failed.stdout).unwrap();
    assert!(text.starts_with("✕ failed at tools"), "{text}");
    assert!(text.contains("database unavailable"));
}

#[test]
fn a_python_sdk_server_without_cors_works_natively() {
    // CORS only matters to browsers: natively the default Python server is fine.
    let python = TestServer::start(&["python"]);
    let checked = check_json(&python.url, &[]);
    assert_eq!(checked.json["outcome"], "ok", "{}", checked.json);
    assert_eq!(checked.json["server_name"], "mcp-status-python-test-server");
    assert_eq!(
        checked.json["tools"],
        serde_json::json!(["add", "echo", "now"])
    );
}

#[test]
fn the_body_cap_is_configurable() {
    let server = TestServer::start(&["misbehaving"]);
    let checked = check_json(&format!("{}/huge", server.url), &["--max-body-mib", "1"]);
    assert_eq!(checked.json["layer"], "initialize", "{}", checked.json);
    assert!(checked.json["error"]
        .as_str()
        .unwrap()
        .contains("1 MiB limit"));
}
