//! The report for people in a terminal. Server-supplied text goes through `clip`, which
//! replaces control characters: a tool name cannot move the cursor or recolour the screen.

use mcp_status_core::report::Transport;
use mcp_status_core::text::clip;
use mcp_status_core::{Outcome, ProbeReport, StepStatus};
use std::fmt::Write;

pub fn render(report: &ProbeReport) -> String {
    let mut out = String::new();
    let (icon, word) = match report.outcome {
        Outcome::Ok => ("✓", "ok".to_owned()),
        Outcome::Degraded => ("◐", "degraded".to_owned()),
        Outcome::AuthRequired => ("⚿", "auth required".to_owned()),
        Outcome::Blocked => ("⊘", "blocked".to_owned()),
        Outcome::Failed => (
            "✕",
            format!("failed at {}", report.layer.map_or("?", |l| l.as_str())),
        ),
    };
    let _ = writeln!(
        out,
        "{icon} {word}  {}  ({} ms)",
        report.url, report.latency_ms
    );
    if let Some(error) = &report.error {
        let _ = writeln!(out, "  {error}");
    }
    if let Some(hint) = &report.hint {
        for line in hint.lines() {
            let _ = writeln!(out, "  │ {line}");
        }
    }
    if let Some(server) = &report.server {
        let _ = writeln!(
            out,
            "  server     {} {}",
            clip(&server.name, 80),
            clip(&server.version, 40)
        );
    }
    if let Some(version) = &report.protocol_version {
        let transport = report.transport.map_or("", Transport::label);
        let _ = writeln!(out, "  protocol   {version} over {transport}");
    }
    if let Some(tools) = &report.tools {
        let names: Vec<String> = tools.iter().map(|t| clip(&t.name, 60)).collect();
        let _ = writeln!(
            out,
            "  tools      {}: {}",
            tools.len(),
            clip(&names.join(", "), 300)
        );
    }
    if let (Some(contract), Some(metadata)) = (&report.contract_hash, &report.metadata_hash) {
        let _ = writeln!(out, "  hashes     contract {contract}  metadata {metadata}");
    }
    if let Some(auth) = &report.auth {
        let scheme = auth.scheme.as_deref().unwrap_or("credentials");
        let _ = writeln!(
            out,
            "  asks for   {} (HTTP {})",
            clip(scheme, 40),
            auth.http_status
        );
        for server in &auth.authorization_servers {
            let _ = writeln!(out, "  auth by    {}", clip(server, 120));
        }
        if let Some(error) = &auth.metadata_error {
            let _ = writeln!(out, "  metadata   not readable: {error}");
        }
    }
    let _ = writeln!(out, "  steps");
    for step in &report.steps {
        let icon = match step.status {
            StepStatus::Ok => "✓",
            StepStatus::Failed => "✕",
            StepStatus::Fallback => "↪",
        };
        let mut label = step.step.label().to_owned();
        if let Some(page) = step.page.filter(|p| *p > 1) {
            let _ = write!(label, " (page {page})");
        }
        let http = step
            .http_status
            .map(|s| format!("HTTP {s}"))
            .unwrap_or_default();
        let note = step.note.as_deref().unwrap_or_default();
        let _ = writeln!(
            out,
            "    {icon} {label:<30} {http:<9} {:>6} ms  {note}",
            step.latency_ms
        );
    }
    out
}
