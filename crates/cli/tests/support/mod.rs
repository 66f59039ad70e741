//! Test servers for the command line's tests: started with node from tests/support/serve.mjs on
//! a free loopback port, stopped when dropped (and, should the test die, when their stdin
//! closes).
#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A fresh folder for `test` of the `suite` of tests, in the system's temporary folder.
pub fn folder(suite: &str, test: &str) -> PathBuf {
    let name = format!("mcp-status-{suite}-{}-{test}", std::process::id());
    let dir = std::env::temp_dir().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `mcp-status rebuild`: summary.json and the badges from the history in `data`, as `config`
/// says; it must succeed.
pub fn rebuild(config: &std::path::Path, data: &std::path::Path) {
    let rebuilt = Command::new(env!("CARGO_BIN_EXE_mcp-status"))
        .args(["rebuild", "--config"])
        .arg(config)
        .arg("--data")
        .arg(data)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&rebuilt.stderr);
    assert!(rebuilt.status.success(), "{stderr}");
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub struct TestServer {
    child: Child,
    /// Closed to stop the server: serve.mjs then stops what it started (a reference server
    /// is its child) and exits. A kill would leave that grandchild running.
    stdin: Option<ChildStdin>,
    pub url: String,
}

impl TestServer {
    /// `args`: `["misbehaving"]` or `["everything", "streamableHttp" | "sse"]`.
    pub fn start(args: &[&str]) -> TestServer {
        let mut child = Command::new("node")
            .arg(repo_root().join("tests/support/serve.mjs"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs (scripts/setup installs the test servers)");
        let stdin = child.stdin.take().expect("piped");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("the server prints its URL");
        let info: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("no URL from serve.mjs {args:?} ({e}): {line:?}"));
        TestServer {
            child,
            stdin: Some(stdin),
            url: info["url"].as_str().expect("a url").to_owned(),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let asked = Instant::now();
        while asked.elapsed() < std::time::Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Checked {
    pub json: Value,
    pub code: i32,
    pub stderr: String,
}

/// Runs `mcp-status check URL --json` plus `extra` and parses its output.
pub fn check_json(url: &str, extra: &[&str]) -> Checked {
    let output = Command::new(env!("CARGO_BIN_EXE_mcp-status"))
        .args(["check", url, "--json"])
        .args(extra)
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let json = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    Checked {
        json,
        code: output.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// GETs `url` (plain http on loopback) and parses the body as JSON.
pub fn get_json(url: &str) -> Value {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(host).unwrap();
    // HTTP/1.0: the server closes the connection after its answer, so reading ends there.
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{url}: {e}: {response}"))
}

/// A webhook receiver of our own on 127.0.0.1, for alert deliveries.
/// What the receiver saw: path, body, and when.
pub type Seen = Arc<Mutex<Vec<(String, Value, Instant)>>>;

/// Answers POSTs until the test ends: `/flaky` with 503 to its first request, everything
/// else with 200 (`/pd` with 202, as PagerDuty does).
pub fn receiver() -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            answer(stream, &log);
        }
    });
    (url, seen)
}

fn answer(mut stream: TcpStream, seen: &Seen) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap();
    let path = request_line.split(' ').nth(1).unwrap_or("").to_owned();
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut log = seen.lock().unwrap();
    let earlier = log.iter().filter(|(p, _, _)| *p == path).count();
    log.push((path.clone(), body, Instant::now()));
    drop(log);
    let status = match path.as_str() {
        "/flaky" if earlier == 0 => "503 Service Unavailable",
        "/pd" => "202 Accepted",
        _ => "200 OK",
    };
    let response = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    let _ = stream.write_all(response.as_bytes());
}
