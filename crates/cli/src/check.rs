//! `mcp-status check URL`: one probe, printed for people or as one JSON object.

use crate::{driver, human};
use clap::Args;
use mcp_status_core::platform::Platform;
use mcp_status_core::summary::CheckSummary;
use mcp_status_core::{Environment, Outcome, Probe, ProbeConfig, Target};
use std::process::ExitCode;

#[derive(Args)]
pub struct CheckArgs {
    /// The MCP endpoint, e.g. https://example.com/mcp
    url: String,
    /// Give up after this many whole seconds, up to 120 (at least 15 on serverless hosts);
    /// default: 30 on serverless hosts, 10 elsewhere.
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<String>,
    /// A passing probe slower than this many milliseconds is `degraded`.
    #[arg(long, value_name = "MS", default_value_t = ProbeConfig::default().degraded_after_ms)]
    degraded_after: u64,
    /// Largest response body read, in MiB; a bigger answer fails the probe. The whole check
    /// reads at most twice this (at least 8 MiB).
    #[arg(long, value_name = "MIB", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=1024))]
    max_body_mib: u32,
    /// Print one JSON object instead of a report.
    #[arg(long)]
    json: bool,
}

pub async fn run(args: CheckArgs) -> ExitCode {
    let target = match Target::parse(&args.url) {
        Ok(target) => target,
        Err(error) => {
            eprintln!("mcp-status: {error}");
            return ExitCode::from(2);
        }
    };
    // Bounded as status.json's `timeout_s` and the page's share links are.
    let platform = Platform::from_host(target.host());
    let timeout_ms = match args.timeout.as_deref().map(|t| platform.parse_timeout_s(t)) {
        None => None,
        Some(Some(seconds)) => Some(u64::from(seconds) * 1000),
        Some(None) => {
            let range = platform.timeout_range_s();
            let why = if platform.is_serverless() {
                " on a scale-to-zero host (a cold start takes up to 30 s)"
            } else {
                ""
            };
            eprintln!(
                "mcp-status: --timeout must be whole seconds from {} to {}{why}",
                range.start(),
                range.end()
            );
            return ExitCode::from(2);
        }
    };
    let defaults = ProbeConfig::default();
    let max_body_bytes = args.max_body_mib as usize * 1024 * 1024;
    let config = ProbeConfig {
        timeout_ms,
        degraded_after_ms: args.degraded_after,
        max_body_bytes,
        // Room for two of the largest answers, as by default (4 MiB of 8).
        max_total_bytes: defaults.max_total_bytes.max(2 * max_body_bytes),
        environment: Environment::Native,
        ..defaults
    };
    let probe = Probe::new(target, config, driver::now());
    let report = driver::run_probe(&driver::client(), probe).await;
    let summary = CheckSummary::from(&report);
    if args.json {
        crate::out::line(&serde_json::to_string(&summary).expect("a summary always serialises"));
    } else {
        crate::out::print(&human::render(&report));
    }
    match report.outcome {
        Outcome::Ok | Outcome::Degraded | Outcome::AuthRequired => ExitCode::SUCCESS,
        Outcome::Blocked | Outcome::Failed => ExitCode::from(1),
    }
}
