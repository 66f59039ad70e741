//! `mcp-status prerender DIR`: the published status written into the built site's pages, as
//! the page draws it; server and config text only ever as text; the site left as built when
//! there is nothing to draw from; a second run replacing the first.

mod support;

use mcp_status_core::publish::{history_path, month_of};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PAGE: &str = "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>mcp-status</title></head><body><noscript>needs JavaScript</noscript></body></html>";
const HOSTILE: &str = "api <img src=x onerror=alert(1)> & co";

fn site(test: &str) -> PathBuf {
    let dir = support::folder("prerender", test);
    for page in ["index.html", "404.html"] {
        std::fs::write(dir.join(page), PAGE).unwrap();
    }
    let config = json!({
        "title": "Acme </title><script>alert(1)</script>",
        "groups": [{ "name": "Production" }],
        "servers": [
            { "name": HOSTILE, "url": "http://127.0.0.1:9/mcp", "group": "Production", "live": false },
            { "name": "search", "url": "http://127.0.0.1:9/search", "live": false },
        ],
    });
    std::fs::write(dir.join("status.json"), config.to_string()).unwrap();
    dir
}

/// The runner's published summary in `dir/data`, from an hour of probes a minute apart (the
/// hostile server answering, `search` failing), through `mcp-status rebuild`.
fn publish(dir: &Path) {
    let data = dir.join("data");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    for (server, outcome) in [(HOSTILE, "ok"), ("search", "failed")] {
        let mut lines = String::new();
        let mut month = String::new();
        for minute in (1..=60).rev() {
            let at = now - minute * 60_000;
            month = month_of(at);
            let line = json!({
                "server": server, "url": "http://127.0.0.1:9/mcp",
                "at": chrono::DateTime::from_timestamp_millis(at).unwrap().to_rfc3339(),
                "outcome": outcome, "layer": if outcome == "ok" { None } else { Some("http") },
                "latency_ms": 40, "contract_hash": null, "metadata_hash": null,
            });
            lines += &format!("{line}\n");
        }
        // The hour may span a month's turn; rebuild reads every month file.
        let path = data.join(history_path(server, &month));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, lines).unwrap();
    }
    support::rebuild(&dir.join("status.json"), &data);
}

fn prerender(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcp-status"))
        .arg("prerender")
        .arg(dir)
        .output()
        .unwrap()
}

fn read(dir: &Path, page: &str) -> String {
    std::fs::read_to_string(dir.join(page)).unwrap()
}

#[test]
fn the_published_status_is_written_into_both_pages_as_text() {
    let dir = site("written");
    publish(&dir);
    let output = prerender(&dir);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let html = read(&dir, "index.html");
    assert_eq!(html, read(&dir, "404.html"));
    // The frame and the overview, with the page's public hooks.
    assert_eq!(html.matches("<div id=\"prerendered\">").count(), 1);
    assert!(
        html.contains("data-banner=\"major_outage\"")
            || html.contains("data-banner=\"partial_outage\""),
        "{html}"
    );
    assert!(
        html.contains("data-server=\"search\" data-condition=\"down\""),
        "{html}"
    );
    assert!(html.contains("<h2>Production</h2>"), "{html}");
    assert_eq!(
        html.matches("class=\"day\"").count(),
        2 * 90,
        "two servers' 90-day bars"
    );
    // Server and config text escaped wherever it goes: the rows, the heading, the title.
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains("api &lt;img src=x onerror=alert(1)&gt; &amp; co"),
        "{html}"
    );
    assert!(
        html.contains("<title>Acme &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>"),
        "{html}"
    );
    // What the page had stays: its noscript note after the status.
    assert!(
        html.contains("<!--/prerendered--><noscript>needs JavaScript</noscript>"),
        "{html}"
    );
}

#[test]
fn a_second_run_replaces_the_first() {
    let dir = site("again");
    publish(&dir);
    assert!(prerender(&dir).status.success());
    let once = read(&dir, "index.html");
    assert!(prerender(&dir).status.success());
    let twice = read(&dir, "index.html");
    assert_eq!(twice.matches("<div id=\"prerendered\">").count(), 1);
    assert_eq!(twice.matches("<title>").count(), 1);
    assert_eq!(once.len(), twice.len());
}

#[test]
fn without_a_readable_summary_the_site_is_left_as_built_and_says_why() {
    let dir = site("nothing");
    let output = prerender(&dir);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing published yet"));
    assert_eq!(read(&dir, "index.html"), PAGE);

    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/summary.json"), "<!DOCTYPE html><html>").unwrap();
    let output = prerender(&dir);
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("not prerendered: summary.json is not valid JSON"),
        "{stderr}"
    );
    assert_eq!(read(&dir, "index.html"), PAGE);

    std::fs::write(
        dir.join("status.json"),
        "{\"servers\": [{\"nmae\": \"x\"}]}",
    )
    .unwrap();
    let stderr = String::from_utf8_lossy(&prerender(&dir).stderr).into_owned();
    assert!(
        stderr.contains("not prerendered: status.json: servers[0]"),
        "{stderr}"
    );
    assert_eq!(read(&dir, "index.html"), PAGE);
}

#[test]
fn a_site_whose_pages_cannot_be_read_is_an_error_naming_the_file() {
    let dir = site("broken");
    publish(&dir);
    std::fs::remove_file(dir.join("404.html")).unwrap();
    let output = prerender(&dir);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("404.html"), "{stderr}");
    // Nothing half-written: index.html is as it was.
    assert_eq!(read(&dir, "index.html"), PAGE);
}
