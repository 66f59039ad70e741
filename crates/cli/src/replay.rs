//! `mcp-status replay FILE`: runs the monitoring engine over a probe history (NDJSON, see
//! docs/formats.md) and reports, per server, what the status page would show.

use crate::files::{read, site_config};
use clap::Args;
use mcp_status_core::monitor::config::MonitorConfig;
use mcp_status_core::monitor::history::{self, format_time, BadLines};
use mcp_status_core::monitor::{replay, ServerMonitor};
use serde::Serialize;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ReplayArgs {
    /// A probe history: one JSON probe per line.
    file: PathBuf,
    /// status.json: per-server rules (platform, cadence, SLO target, maintenance windows…).
    #[arg(long, value_name = "STATUS_JSON")]
    config: Option<PathBuf>,
    /// Count and leave out lines that are not valid probes instead of refusing the file.
    #[arg(long)]
    skip_bad: bool,
    /// Print one JSON object instead of a report.
    #[arg(long)]
    json: bool,
    /// The history is the scheduled runner's (its published month files): every server is
    /// judged at the config's `runner.cadence_s` (5 minutes by default), as the runner judges
    /// it, instead of at the server's own `cadence_s`.
    #[arg(long)]
    runner: bool,
    /// Also list every notice the config's alerting policy would have sent (its defaults
    /// without an `alerting` section), the clock ticking every minute.
    #[arg(long)]
    alerts: bool,
    /// With --alerts: every alert is acknowledged this many minutes after it fired (never,
    /// without it).
    #[arg(long, value_name = "MINUTES", requires = "alerts")]
    acknowledge_after: Option<u32>,
}

pub fn run(args: ReplayArgs) -> ExitCode {
    match replay(&args) {
        Ok(report) => {
            if args.json {
                crate::out::line(
                    &serde_json::to_string_pretty(&report).expect("JSON values serialise"),
                );
            } else {
                crate::out::print(&human(&report));
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("mcp-status: {message}");
            ExitCode::from(2)
        }
    }
}

fn replay(args: &ReplayArgs) -> Result<Value, String> {
    let site = match &args.config {
        Some(path) => Some(site_config(path)?),
        None => None,
    };
    let text = read(&args.file)?;
    let bad_lines = if args.skip_bad {
        BadLines::Skip
    } else {
        BadLines::Refuse
    };
    let history = history::parse(&text, bad_lines).map_err(|e| {
        format!(
            "{}: {e} (use --skip-bad to leave bad lines out)",
            args.file.display()
        )
    })?;
    let config_for = |server: &str| {
        let monitor = site
            .as_ref()
            .and_then(|s| s.server(server))
            .map_or_else(MonitorConfig::default, |s| s.monitor.clone());
        Ok(match args.runner {
            true => site
                .as_ref()
                .map(|s| s.runner)
                .unwrap_or_default()
                .rules(&monitor),
            false => monitor,
        })
    };
    let monitors = replay::replay(&history.entries, config_for)?;
    let notices = match args.alerts {
        true => Some(crate::alerts::replayed(
            site.as_ref(),
            &history.entries,
            config_for,
            args.acknowledge_after,
        )?),
        false => None,
    };
    let now = history
        .entries
        .last()
        .map_or(i64::MIN, |entry| entry.probe.at);
    // The last probe's result stands for one cadence.
    let now = now.saturating_add(60_000);
    let servers: Vec<Value> = monitors
        .iter()
        .map(|(name, r)| server_report(name, &r.url, &r.monitor, now))
        .collect();
    Ok(json!({
        "servers": servers,
        "notices": notices,
        "skipped_lines": history.skipped.iter().map(|e| json!({"line": e.line, "reason": e.reason})).collect::<Vec<_>>(),
    }))
}

fn server_report(name: &str, url: &str, monitor: &ServerMonitor, now: i64) -> Value {
    let uptime = monitor.uptime_since_first(now);
    let time = |at: i64| format_time(at);
    json!({
        "server": name,
        "url": url,
        "platform": monitor.platform(),
        "state": monitor.state().as_str(),
        "wall_clock_uptime": uptime.wall_clock_uptime,
        "slo_uptime": uptime.slo_uptime,
        "coverage": uptime.coverage,
        "p50_ms": uptime.p50_ms,
        "p95_ms": uptime.p95_ms,
        "probes": uptime.probes,
        "incidents": monitor.incidents.iter().map(|i| json!({
            "severity": i.severity.as_str(),
            "layer": i.layer,
            "start": time(i.start),
            "end": i.end.map(time),
            "first_error": i.first_error,
            "alerted": i.alerted_at.is_some(),
        })).collect::<Vec<_>>(),
        "cold_starts": monitor.cold_starts.iter().map(|c| json!({
            "at": time(c.at), "failed": c.failed, "post_idle": c.post_idle,
        })).collect::<Vec<_>>(),
        "alerts": monitor.alerts.iter().map(|a| {
            let mut alert = to_value(&a.reason);
            alert["severity"] = json!(a.severity.as_str());
            alert["kind"] = json!(a.kind);
            alert["at"] = json!(time(a.at));
            alert
        }).collect::<Vec<_>>(),
        "drift": monitor.drift.iter().map(|d| json!({
            "at": time(d.at), "kind": d.kind,
            "contract": [d.contract_before, d.contract_after],
            "metadata": [d.metadata_before, d.metadata_after],
        })).collect::<Vec<_>>(),
    })
}

fn to_value(value: &impl Serialize) -> Value {
    serde_json::to_value(value).expect("engine types serialise")
}

fn human(report: &Value) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let percent = |v: &Value| {
        v.as_f64()
            .map_or("—".to_owned(), |x| format!("{:.3}%", x * 100.0))
    };
    for server in report["servers"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "{}  {}  [{}]",
            server["server"].as_str().unwrap_or_default(),
            server["url"].as_str().unwrap_or_default(),
            server["state"].as_str().unwrap_or_default()
        );
        let _ = writeln!(
            out,
            "  wall-clock uptime {}   SLO uptime {}   coverage {}   p50 {} ms   p95 {} ms",
            percent(&server["wall_clock_uptime"]),
            percent(&server["slo_uptime"]),
            percent(&server["coverage"]),
            server["p50_ms"],
            server["p95_ms"],
        );
        for incident in server["incidents"].as_array().into_iter().flatten() {
            let _ = writeln!(
                out,
                "  incident {} {} {} → {}  {}",
                incident["severity"].as_str().unwrap_or_default(),
                incident["layer"].as_str().unwrap_or("-"),
                incident["start"].as_str().unwrap_or_default(),
                incident["end"].as_str().unwrap_or("open"),
                incident["first_error"].as_str().unwrap_or_default()
            );
        }
        for cold in server["cold_starts"].as_array().into_iter().flatten() {
            let _ = writeln!(
                out,
                "  cold start {}",
                cold["at"].as_str().unwrap_or_default()
            );
        }
        for alert in server["alerts"].as_array().into_iter().flatten() {
            // What the alert is about: the burn rule, the kind of drift, or the incident.
            let detail = [
                &alert["rule"],
                &alert["drift"],
                &alert["incident"],
                &alert["p95_ms"],
            ]
            .into_iter()
            .find(|v| !v.is_null())
            .map(|v| v.to_string().trim_matches('"').to_owned())
            .unwrap_or_default();
            let _ = writeln!(
                out,
                "  alert {} {} {} {} at {}",
                alert["severity"].as_str().unwrap_or_default(),
                alert["kind"].as_str().unwrap_or_default(),
                alert["reason"].as_str().unwrap_or_default(),
                detail,
                alert["at"].as_str().unwrap_or_default()
            );
        }
        for drift in server["drift"].as_array().into_iter().flatten() {
            let _ = writeln!(
                out,
                "  drift {} at {}",
                drift["kind"].as_str().unwrap_or_default(),
                drift["at"].as_str().unwrap_or_default()
            );
        }
    }
    for notice in report["notices"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "notice {} {} {} {}{} → {}",
            notice["at"].as_str().unwrap_or_default(),
            notice["severity"].as_str().unwrap_or_default(),
            notice["event"].as_str().unwrap_or_default(),
            notice["server"].as_str().unwrap_or_default(),
            notice["to"]
                .as_str()
                .map(|to| format!(" (to {to})"))
                .unwrap_or_default(),
            notice["channels"]
                .as_array()
                .map(|c| {
                    let ids: Vec<&str> = c.iter().filter_map(Value::as_str).collect();
                    if ids.is_empty() {
                        "nobody".to_owned()
                    } else {
                        ids.join(", ")
                    }
                })
                .unwrap_or_default()
        );
    }
    let skipped = report["skipped_lines"].as_array().map_or(0, Vec::len);
    if skipped > 0 {
        let _ = writeln!(out, "{skipped} bad lines skipped");
    }
    out
}
