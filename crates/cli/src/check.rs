//! `mcp-status check URL`: one probe, printed for people or as one JSON object.

use crate::{driver, human};
use clap::Args;
use mcp_status_core::summary::CheckSummary;
use mcp_status_core::{Environment, Outcome, Probe, ProbeConfig, Target};
use std::process::ExitCode;

#[derive(Args)]
pub struct CheckArgs {
    /// The MCP endpoint, e.g. https://example.com/mcp
    url: String,
    /// Give up after this many seconds (default: 30 on serverless hosts, 10 elsewhere).
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,
    /// A passing probe slower than this many milliseconds is `degraded`.
    #[arg(long, value_name = "MS", default_value_t = ProbeConfig::default().degraded_after_ms)]
    degraded_after: u64,
    /// Largest response body read, in MiB; a bigger answer fails the probe.
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
    let timeout_ms = match args.timeout {
        None => None,
        Some(seconds) if seconds.is_finite() && seconds > 0.0 && seconds <= 3600.0 => {
            Some((seconds * 1000.0).round() as u64)
        }
        Some(_) => {
            eprintln!("mcp-status: --timeout must be a number of seconds between 0 and 3600");
            return ExitCode::from(2);
        }
    };
    let config = ProbeConfig {
        timeout_ms,
        degraded_after_ms: args.degraded_after,
        max_body_bytes: args.max_body_mib as usize * 1024 * 1024,
        environment: Environment::Native,
        ..ProbeConfig::default()
    };
    // The driver's clock counts from zero when it starts, as the probe's does here.
    let probe = Probe::new(target, config, 0.0);
    let report = driver::run_probe(&driver::client(), probe).await;
    let summary = CheckSummary::from(&report);
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&summary).expect("a summary always serialises")
        );
    } else {
        print!("{}", human::render(&report));
    }
    match report.outcome {
        Outcome::Ok | Outcome::Degraded | Outcome::AuthRequired => ExitCode::SUCCESS,
        Outcome::Blocked | Outcome::Failed => ExitCode::from(1),
    }
}
