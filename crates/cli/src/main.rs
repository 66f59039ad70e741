//! `mcp-status`: the status page's probe and monitoring core on the command line.

mod alerts;
mod check;
mod deliver;
mod driver;
mod files;
mod human;
mod mail;
mod out;
mod prerender;
mod replay;
mod runner;
mod zone;

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
    /// Run the monitoring engine over a probe history and print, per server, the state,
    /// both uptimes, coverage, incidents, cold starts, alerts, drift and latency. Exit code 2
    /// for an unreadable file or config (bad lines are named by number).
    Replay(replay::ReplayArgs),
    /// Alert channels: `alerts test` sends a test alert through each one of status.json's
    /// `alerting` section.
    Alerts(alerts::AlertsArgs),
    /// The scheduled runner's round: probe every configured server once, append to the
    /// published history in DIR, update summary.json and the badges, send (or queue) the
    /// alerts. Exit code 2 for a bad config (nothing written), 1 when DIR cannot be written.
    Probe(runner::RoundArgs),
    /// A round without probing: summary.json, the badges and the alerts rebuilt from the
    /// history in DIR as it is (after a merge of two rounds' history).
    Rebuild(runner::RoundArgs),
    /// Write the published status (DIR/data/summary.json over DIR/status.json) into the built
    /// site's index.html and 404.html, drawn as the page draws it, so that it shows before
    /// the page's WebAssembly loads. Without a summary the site is left as built.
    Prerender(prerender::PrerenderArgs),
    /// Send what a published round claimed (`probe --alerts queue --round ID`) and record it
    /// in the state folder's desk.
    Deliver(runner::DeliverArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime starts");
    match cli.command {
        Command::Check(args) => runtime.block_on(check::run(args)),
        Command::Replay(args) => replay::run(args),
        Command::Alerts(args) => runtime.block_on(alerts::run(args)),
        Command::Probe(args) => runtime.block_on(runner::run(runner::Work::Probe, args)),
        Command::Rebuild(args) => runtime.block_on(runner::run(runner::Work::Rebuild, args)),
        Command::Deliver(args) => runtime.block_on(runner::deliver(args)),
        Command::Prerender(args) => prerender::run(args),
    }
}
