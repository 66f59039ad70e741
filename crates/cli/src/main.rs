//! `mcp-status`: the status page's probe and monitoring core on the command line.

mod check;
mod driver;
mod human;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "mcp-status", version, about = "Check and monitor MCP servers")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Probe one MCP server now: initialize, tools/list, close. Exit code 0 when it works
    /// (ok, degraded or auth_required), 1 when it fails, 2 for a bad invocation or URL.
    Check(check::CheckArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime starts");
    match cli.command {
        Command::Check(args) => runtime.block_on(check::run(args)),
    }
}
