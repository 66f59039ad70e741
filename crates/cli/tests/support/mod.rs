//! Test servers for the command line's tests: started with node from tests/support/serve.mjs on
//! a free loopback port, stopped when dropped (and, should the test die, when their stdin
//! closes).
#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub struct TestServer {
    child: Child,
    _stdin: ChildStdin,
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
            _stdin: stdin,
            url: info["url"].as_str().expect("a url").to_owned(),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
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
