//! `mcp-status check` against servers nobody here wrote, and its command-line contract.

mod support;

use support::{check_json, get_json, TestServer};

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
        // Bounded as status.json's timeout_s: whole seconds up to 120, 15 at least on
        // scale-to-zero hosts.
        vec!["check", "http://127.0.0.1:9/mcp", "--timeout", "0"],
        vec!["check", "http://127.0.0.1:9/mcp", "--timeout", "121"],
        vec!["check", "http://127.0.0.1:9/mcp", "--timeout", "2.5"],
        vec!["check", "https://a.onrender.com/mcp", "--timeout", "14"],
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

#[test]
fn the_longest_timeout_allowed_is_accepted() {
    // Nothing listens on port 9: a transport failure (1), not a refused invocation (2).
    let checked = check_json("http://127.0.0.1:9/mcp", &["--timeout", "120"]);
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    assert_eq!(checked.json["timeout_ms"], 120_000);
}

#[test]
fn endless_tool_lists_end_the_check_at_the_caps_with_memory_bounded() {
    let server = TestServer::start(&["misbehaving"]);
    for (path, figures) in [
        ("/tools-flood", "the limit for a whole check is 8 MiB"),
        ("/tools-many", "2500 tools by page 5; the limit is 2000"),
    ] {
        let (checked, peak) = check_with_peak_memory(&format!("{}{path}", server.url));
        let json = &checked.json;
        assert_eq!(
            (
                json["outcome"].as_str(),
                json["layer"].as_str(),
                checked.code
            ),
            (Some("failed"), Some("tools"), 1),
            "{path}: {json}"
        );
        let error = json["error"].as_str().unwrap();
        assert!(error.contains("tool list too large"), "{path}: {error}");
        assert!(error.contains(figures), "{path}: {error}");
        assert_eq!(json["tool_count"], serde_json::Value::Null);
        assert_eq!(json["tools"], serde_json::json!([]));
        assert_eq!(json["contract_hash"], serde_json::Value::Null);
        // The check reads 8 MiB at most; what it holds is a few times that. Without the caps
        // it read 100 pages of 1 MiB and held several hundred MiB.
        if let Some(peak) = peak {
            assert!(peak < 150 * 1024 * 1024, "{path}: peak RSS {peak} bytes");
        }
    }
    // What the server wrote before the client stopped asking: about 8 MiB over 8 pages of
    // about 1 MiB, and 5 pages of 500 tools.
    let served = get_json(&format!("{}/served", server.url));
    let flood = &served["tools-flood"];
    assert!(flood["pages"].as_u64().unwrap() <= 9, "{served}");
    assert!(
        flood["bytes"].as_u64().unwrap() <= 10 * 1024 * 1024,
        "{served}"
    );
    assert_eq!(served["tools-many"]["pages"], 5, "{served}");
}

/// Runs `mcp-status check URL --json` and watches the peak resident memory of the process
/// (Linux: `VmHWM`, read until it exits; the last reading is a lower bound of the peak, so
/// a slow machine can only make the check looser, never fail it).
fn check_with_peak_memory(url: &str) -> (support::Checked, Option<u64>) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    // A budget no machine needs: the verdict must come from the caps, not a timeout.
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-status"))
        .args(["check", url, "--json", "--timeout", "120"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read while it runs: a full pipe would stop it.
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).unwrap();
            text
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = None;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        let high_water = std::fs::read_to_string(&status_file).ok().and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        });
        if let Some(kib) = high_water {
            peak = Some(peak.unwrap_or(0).max(kib * 1024));
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let stdout = stdout.join().unwrap();
    let checked = support::Checked {
        json: serde_json::from_str(stdout.trim()).unwrap_or(serde_json::Value::Null),
        code: status.code().unwrap_or(-1),
        stderr: stderr.join().unwrap(),
    };
    (checked, peak)
}
