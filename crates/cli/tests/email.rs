//! The email channel against a real SMTP server on 127.0.0.1 (aiosmtpd, its certificate from
//! a throwaway CA given by `SSL_CERT_FILE`): a notice over STARTTLS with the login from the
//! environment, a wrong password refused, a server without STARTTLS sent nothing, and the
//! runner's morning P3 digest.

mod support;

use mcp_status_core::alerting::config::AlertingConfig;
use mcp_status_core::alerting::desk::{Desk, Read};
use mcp_status_core::alerting::dispatch::{OnCall, Summary};
use mcp_status_core::monitor::events::{Alert, AlertKind, AlertReason, Severity};
use mcp_status_core::monitor::record::DAY;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::{Arc, Mutex};

const PASSWORD: &str = "s3cret";

/// tests/support/smtp_receiver.py, running until dropped; what it saw, as it saw it.
struct Smtp {
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
    ca: PathBuf,
    events: Arc<Mutex<Vec<Value>>>,
}

impl Smtp {
    fn start(mode: &str, dir: &Path) -> Smtp {
        let root = support::repo_root();
        let mut child = Command::new(root.join(".venv/bin/python"))
            .arg(root.join("tests/support/smtp_receiver.py"))
            .args([mode, dir.to_str().unwrap()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the test venv's Python (scripts/setup installs aiosmtpd and trustme)");
        let stdin = child.stdin.take();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        let events = Arc::new(Mutex::new(Vec::new()));
        let seen = events.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                seen.lock()
                    .unwrap()
                    .push(serde_json::from_str(&line).unwrap());
            }
        });
        Smtp {
            child,
            stdin,
            port: first["port"].as_u64().unwrap() as u16,
            ca: dir.join("ca.pem"),
            events,
        }
    }

    /// The events of `kind` once there are `count` (or after 5 s): the receiver prints each
    /// before it answers, but this side reads its lines on a thread of its own.
    fn wait_for(&self, kind: &str, count: usize) -> Vec<Value> {
        for _ in 0..250 {
            let seen = self.events(kind);
            if seen.len() >= count {
                return seen;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        self.events(kind)
    }

    fn events(&self, kind: &str) -> Vec<Value> {
        let events = self.events.lock().unwrap();
        events
            .iter()
            .filter(|e| e["event"] == kind)
            .cloned()
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        drop(self.stdin.take());
        for _ in 0..500 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A status.json with one email channel to `smtp`, routed for P3.
fn config(dir: &Path, smtp: &Smtp) -> PathBuf {
    let path = dir.join("status.json");
    let site = json!({
        "servers": [],
        "alerting": {
            "channels": [{
                "id": "mail", "kind": "email", "smtp_host": "localhost", "smtp_port": smtp.port,
                "from": "status@acme.example", "to": ["oncall@acme.example", "cto@acme.example"],
                "username": "status", "password_env": "MCP_STATUS_TEST_SMTP_PASSWORD"
            }],
            "routes": { "P3": ["mail"] },
            "status_page_url": "https://status.example/"
        }
    });
    std::fs::write(&path, site.to_string()).unwrap();
    path
}

/// `mcp-status` with the SMTP password and the test CA in its environment.
fn run(args: &[&str], smtp: &Smtp, password: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcp-status"))
        .args(args)
        .env("MCP_STATUS_TEST_SMTP_PASSWORD", password)
        .env("SSL_CERT_FILE", &smtp.ca)
        .output()
        .unwrap()
}

fn alerts_test(config: &Path, smtp: &Smtp, password: &str) -> (Value, String) {
    let output = run(
        &[
            "alerts",
            "test",
            "--json",
            "--config",
            config.to_str().unwrap(),
        ],
        smtp,
        password,
    );
    let report = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!all.contains(password), "the password was printed: {all}");
    (report, all)
}

#[test]
fn a_notice_goes_over_starttls_with_the_login_from_the_environment() {
    let dir = support::folder("email", "starttls");
    let smtp = Smtp::start("starttls", &dir);
    let (report, all) = alerts_test(&config(&dir, &smtp), &smtp, PASSWORD);
    let mails = smtp.wait_for("message", 2);
    assert_eq!(mails.len(), 2, "fired and resolved: {all} {mails:?}");
    for mail in &mails {
        assert_eq!(mail["tls"], true, "encrypted before anything was sent");
        assert_eq!(mail["login"], "status");
        assert_eq!(mail["mail_from"], "status@acme.example");
        assert_eq!(
            mail["rcpt_tos"],
            json!(["oncall@acme.example", "cto@acme.example"])
        );
    }
    let fired = &mails[0];
    assert_eq!(
        fired["subject"],
        "P1 · mcp-status test: a test alert from `mcp-status alerts test`: no server is down"
    );
    assert_eq!(
        (&fired["content_type"], &fired["charset"]),
        (&json!("text/plain"), &json!("utf-8"))
    );
    let text = fired["text"].as_str().unwrap();
    assert!(text.contains("the server is up"), "{text}");
    assert!(
        text.contains("Server page: https://status.example/#/server/mcp-status%20test"),
        "{text}"
    );
    assert!(mails[1]["subject"]
        .as_str()
        .unwrap()
        .starts_with("Resolved: P1 · mcp-status test"));
    let deliveries = report["deliveries"].as_array().unwrap();
    assert!(
        deliveries.iter().all(|d| d["status"] == "delivered"),
        "{report:#}"
    );
    assert_eq!(deliveries[0]["attempts"][0]["result"], "mailed");
    assert_eq!(deliveries[0]["attempts"][0]["code"], 250);
    assert!(smtp
        .events("auth")
        .iter()
        .all(|a| a["tls"] == true && a["ok"] == true));
}

#[test]
fn a_wrong_password_is_refused_and_said_without_the_password() {
    let dir = support::folder("email", "refused");
    let smtp = Smtp::start("starttls", &dir);
    let (report, all) = alerts_test(&config(&dir, &smtp), &smtp, "wrong-horse");
    assert!(smtp.events("message").is_empty());
    let first = &report["deliveries"][0];
    assert_eq!(first["status"], "gave_up", "{report:#}");
    assert_eq!(first["attempts"][0]["code"], 535);
    assert_eq!(
        first["attempts"].as_array().unwrap().len(),
        1,
        "a refused login is not retried"
    );
    assert!(
        all.contains("SMTP 535: the server refused the login"),
        "{all}"
    );
}

#[test]
fn a_server_without_starttls_is_sent_nothing_not_even_the_login() {
    let dir = support::folder("email", "plain");
    let smtp = Smtp::start("plain", &dir);
    let (report, all) = alerts_test(&config(&dir, &smtp), &smtp, PASSWORD);
    assert!(smtp.events("message").is_empty());
    assert!(
        smtp.events("auth").is_empty(),
        "the login crossed in the clear"
    );
    let first = &report["deliveries"][0];
    assert_eq!(first["status"], "gave_up", "{report:#}");
    assert_eq!(first["attempts"][0]["error"], "smtp_unsupported");
    assert!(all.contains("offers no STARTTLS"), "{all}");
}

#[test]
fn the_runner_mails_the_morning_digest_of_p3s_once() {
    let dir = support::folder("email", "digest");
    let smtp = Smtp::start("starttls", &dir);
    let config = config(&dir, &smtp);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    // The runner's desk: a P3 that fired four days ago and is still open, and a digest last
    // sent five days ago: every business morning since is due, and one digest covers them.
    let alert = Alert {
        at: now - 4 * DAY,
        kind: AlertKind::Fire,
        severity: Severity::P3,
        reason: AlertReason::Latency { p95_ms: 2_300 },
    };
    let read = Read {
        server: "billing <api>".into(),
        summary: Summary::of(&alert, None, "up"),
        alert,
    };
    let mut policy = AlertingConfig::default();
    policy.routes[2] = vec!["mail".into()];
    let mut desk = Desk::default();
    desk.take(&policy, vec![read], now - 4 * DAY, OnCall::default());
    desk.digest_through = Some(now - 5 * DAY);
    let state = dir.join("runner");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(
        state.join("alerting.json"),
        serde_json::to_string(&desk).unwrap(),
    )
    .unwrap();

    let round = || {
        let output = run(
            &[
                "probe",
                "--config",
                config.to_str().unwrap(),
                "--data",
                dir.join("data").to_str().unwrap(),
            ],
            &smtp,
            PASSWORD,
        );
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{stdout} {}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    };
    let stdout = round();
    let mails = smtp.wait_for("message", 1);
    assert_eq!(mails.len(), 1, "{stdout}");
    assert_eq!(mails[0]["subject"], "P3 digest: 1 alert, 1 open");
    let text = mails[0]["text"].as_str().unwrap();
    assert!(
        text.contains("- billing <api>: p95 latency 2300 ms over the last hour"),
        "{text}"
    );
    assert!(
        text.contains("Morning review: https://status.example/#/review"),
        "{text}"
    );
    assert!(stdout.contains("alert digest digest|"), "{stdout}");
    // The next round, the same morning: nothing more.
    round();
    assert_eq!(smtp.wait_for("message", 2).len(), 1);
}
