//! Secrets stay secret: the runner's rounds and `mcp-status alerts test` against channels
//! that cannot be reached (a refused connection, a host name that does not resolve, a TLS
//! handshake with something that is not TLS), whose secrets carry marker strings. No marker
//! may appear in anything written or printed; failures are kept as kinds a person can act on.

mod support;

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Markers inside each secret: a webhook URL, a Slack URL, a PagerDuty routing key.
const MARKERS: [&str; 3] = ["S3CRET-HOOK-7f1d", "S3CRET-SLACK-94ce", "S3CRET-PD-0b2a"];

/// A loopback port nothing listens on (bound, then let go).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A port that answers every connection with plain HTTP, whatever was sent: an `https://`
/// URL to it fails in the TLS handshake.
fn plain_http_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
        }
    });
    port
}

/// The secrets' environment: a webhook on a closed port, Slack at a host that does not
/// resolve, PagerDuty's key (sent to a closed port, whose URL is public config).
fn secret_env() -> Vec<(&'static str, String)> {
    vec![
        (
            "MCP_STATUS_TEST_HOOK",
            format!("http://127.0.0.1:{}/hook/{}", closed_port(), MARKERS[0]),
        ),
        (
            "MCP_STATUS_TEST_SLACK",
            format!(
                "https://{}.invalid/services/T0/B0",
                MARKERS[1].to_lowercase()
            ),
        ),
        ("MCP_STATUS_TEST_PD", MARKERS[2].to_owned()),
    ]
}

fn channels() -> Value {
    serde_json::json!([
        { "id": "hook", "kind": "webhook", "url_env": "MCP_STATUS_TEST_HOOK" },
        { "id": "chat", "kind": "slack", "url_env": "MCP_STATUS_TEST_SLACK" },
        { "id": "pd", "kind": "pagerduty", "routing_key_env": "MCP_STATUS_TEST_PD",
          "url": format!("http://127.0.0.1:{}/v2/enqueue", closed_port()) }
    ])
}

/// Every file under `dir`, with the markers any of them holds (case-insensitive: a host name
/// may come back lower-cased).
fn markers_in_files(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).to_lowercase();
                for marker in MARKERS {
                    if text.contains(&marker.to_lowercase()) {
                        found.push((path.clone(), marker));
                    }
                }
            }
        }
    }
    found
}

fn markers_in(text: &str) -> Vec<&'static str> {
    let text = text.to_lowercase();
    MARKERS
        .into_iter()
        .filter(|m| text.contains(&m.to_lowercase()))
        .collect()
}

#[test]
fn runner_rounds_with_unreachable_channels_write_and_print_no_secret() {
    let dir = support::folder("secrets", "runner");
    let config = dir.join("status.json");
    let server = format!("http://127.0.0.1:{}/mcp", closed_port());
    std::fs::write(
        &config,
        serde_json::json!({
            "servers": [{ "name": "api", "url": server }],
            "alerting": { "channels": channels(), "routes": { "P1": ["hook", "chat", "pd"] } }
        })
        .to_string(),
    )
    .unwrap();
    let data = dir.join("data");
    // An older version kept the desk inside the published data, with the HTTP library's
    // error text (the URL in it) as a delivery's error.
    std::fs::create_dir_all(data.join("runner")).unwrap();
    let mut old_desk =
        serde_json::to_value(mcp_status_core::alerting::desk::Desk::default()).unwrap();
    old_desk["deliveries"] = serde_json::json!([{
            "delivery": {
                "key": "api|downtime|1", "notice": "fired", "channel": "hook",
                "created_at": 1, "next_at": 1, "status": "gave_up",
                "attempts": [{ "at": 1, "outcome": { "result": "failed",
                    "error": format!("error sending request for url (https://hooks.example/{})", MARKERS[0]) } }]
            },
            "notice": null
    }]);
    std::fs::write(data.join("runner/alerting.json"), old_desk.to_string()).unwrap();

    let mut printed = String::new();
    for round in 1..=4 {
        let output = Command::new(env!("CARGO_BIN_EXE_mcp-status"))
            .args(["probe", "--config"])
            .arg(&config)
            .arg("--data")
            .arg(&data)
            .envs(secret_env())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(0),
            "round {round}: {stdout}{stderr}"
        );
        printed.push_str(&stdout);
        printed.push_str(&stderr);
    }
    assert!(
        printed.contains("an older version kept the alerting desk in the published data"),
        "{printed}"
    );
    assert!(markers_in(&printed).is_empty(), "{printed}");
    // The desk moved out of the published folder, to `runner` beside it.
    assert!(!data.join("runner").exists());
    let state = dir.join("runner");
    let files = markers_in_files(&dir);
    assert!(files.is_empty(), "secrets written: {files:?}");

    // The outage was alerted on every channel, and each failure kept as its kind.
    let desk: Value =
        serde_json::from_str(&std::fs::read_to_string(state.join("alerting.json")).unwrap())
            .unwrap();
    let kinds = |channel: &str| -> Vec<String> {
        desk["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["delivery"]["channel"] == channel)
            .flat_map(|d| d["delivery"]["attempts"].as_array().unwrap().clone())
            .map(|a| a["outcome"]["error"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert!(!kinds("hook").is_empty());
    assert!(
        kinds("hook").iter().all(|k| k == "refused"),
        "{:?}",
        kinds("hook")
    );
    assert!(
        kinds("chat").iter().all(|k| k == "dns"),
        "{:?}",
        kinds("chat")
    );
    assert!(
        kinds("pd").iter().all(|k| k == "refused"),
        "{:?}",
        kinds("pd")
    );
    assert!(
        printed.contains("alert fired api|downtime|1 → chat"),
        "{printed}"
    );
}

#[test]
fn alerts_test_shows_each_attempt_as_it_happens_and_ends_within_its_bound() {
    let dir = support::folder("secrets", "alerts-test");
    let config = dir.join("status.json");
    let mut channels = channels();
    channels.as_array_mut().unwrap().push(serde_json::json!(
        { "id": "tls", "kind": "webhook", "url": format!("https://127.0.0.1:{}/hook", plain_http_port()) }
    ));
    std::fs::write(
        &config,
        serde_json::json!({ "servers": [], "alerting": { "channels": channels } }).to_string(),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-status"))
        .args(["alerts", "test", "--config"])
        .arg(&config)
        .envs(secret_env())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    // The first attempts fail at once and their retries wait seconds: the line came while
    // the command was still at work, not in a report at its end.
    assert!(
        child.try_wait().unwrap().is_none(),
        "the first attempt was shown only at the end: {first}"
    );
    assert!(first.contains("attempt 1: "), "{first}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let printed = format!("{first}{rest}{stderr}");
    assert_eq!(status.code(), Some(1), "{printed}");
    assert!(markers_in(&printed).is_empty(), "{printed}");
    for (channel, kind) in [
        ("hook", "refused: nothing listens"),
        ("chat", "DNS: the host name did not resolve"),
        ("pd", "refused: nothing listens"),
        ("tls", "TLS: the secure connection failed"),
    ] {
        let line = format!("{channel:<12} fired      attempt 3: {kind}");
        assert!(printed.contains(&line), "{line:?} in {printed}");
    }
    // Three attempts a notice (at once, after 2 s, after 10 s): the next would be a minute
    // later, past the bound.
    assert!(!printed.contains("attempt 4"), "{printed}");
    assert!(
        printed.contains("not delivered: retries stopped after 30 s"),
        "{printed}"
    );
}
