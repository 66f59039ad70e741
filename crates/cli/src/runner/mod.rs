//! The scheduled runner: `mcp-status probe` (one round: every configured server probed once,
//! each result appended to its month file in DIR, the engines rebuilt from the whole published
//! history so that `replay` over the same files gives the same numbers, the new alerts taken
//! into the alerting desk, `summary.json` and the badges written), `mcp-status rebuild` (the
//! same without probing, after the history was merged) and `mcp-status deliver` (what a
//! published round claimed, sent).
//!
//! Overlapping runs take turns: the second waits for the first's lock on `DIR/.lock`, then
//! does its own round; files are appended under the lock, and the summary and the desk are
//! replaced whole (written aside, then renamed). A bad config is refused before DIR is
//! touched.
//!
//! DIR is published as it is (the Pages site serves it), so the runner's own state — the
//! alerting desk — lives apart, in the state folder (`--state`, by default `runner` beside
//! DIR), and nothing written anywhere holds a secret: deliveries keep the kind of a failure,
//! never an error text that could name a webhook's URL.

mod alerting;
mod files;
mod history;
mod publish;

use crate::deliver::now;
use crate::driver;
use crate::files::site_config;
use alerting::{Kept, Policy};
use clap::{Args, ValueEnum};
use mcp_status_core::monitor::record::ProbeRecord;
use mcp_status_core::monitor::replay;
use mcp_status_core::site::{ServerConfig, SiteConfig};
use mcp_status_core::{Environment, Probe, ProbeConfig, Target};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where a round reads and writes.
#[derive(Args)]
pub struct Folders {
    /// status.json: the servers to probe, their rules, the alerting policy.
    #[arg(long, value_name = "STATUS_JSON")]
    config: PathBuf,
    /// Where the published history goes (created if missing): history/, summary.json,
    /// badges/. Everything in it is public.
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// The runner's own state, not for publishing (the alerting desk). By default the folder
    /// `runner` beside DIR.
    #[arg(long, value_name = "STATE_DIR")]
    state: Option<PathBuf>,
}

impl Folders {
    fn state(&self) -> PathBuf {
        self.state.clone().unwrap_or_else(|| {
            let parent = self.data.parent().unwrap_or(Path::new(""));
            parent.join("runner")
        })
    }
}

#[derive(Args)]
pub struct RoundArgs {
    #[command(flatten)]
    folders: Folders,
    /// `send`: the round sends its alerts itself. `queue`: it claims them for `--round`, to
    /// be sent by `mcp-status deliver` once the round is published (a push that fails then
    /// sends nothing).
    #[arg(long, value_enum, default_value_t = Alerts::Send)]
    alerts: Alerts,
    /// The round's name, for `--alerts queue` and `deliver`.
    #[arg(long, required_if_eq("alerts", "queue"))]
    round: Option<String>,
    /// Acknowledge open alerts before the round goes on (their escalation stops; everyone
    /// told hears who): `all`, a server's name, or an alert's key as its notices show it.
    /// Empty: none (the Runner workflow's `acknowledge` input, left blank).
    #[arg(long, value_name = "WHAT")]
    acknowledge: Option<String>,
    /// Who acknowledges (the Runner workflow passes whoever ran it).
    #[arg(long, value_name = "NAME", default_value = "the runner's workflow")]
    by: String,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Alerts {
    Send,
    Queue,
}

#[derive(Args)]
pub struct DeliverArgs {
    /// status.json: the alerting policy (its secrets from the environment).
    #[arg(long, value_name = "STATUS_JSON")]
    config: PathBuf,
    /// The runner's state folder, with the desk the round left.
    #[arg(long, value_name = "STATE_DIR")]
    state: PathBuf,
    /// The round whose claims to send.
    #[arg(long)]
    round: String,
}

/// Where a person acknowledges the runner's alerts, for the links in its notices: the Runner
/// workflow's page, when the runner runs in GitHub Actions (which names the repository in
/// every step's environment); `None` elsewhere (acknowledge with `probe --acknowledge`).
pub fn acknowledge_link() -> Option<String> {
    let server = std::env::var("GITHUB_SERVER_URL").ok()?;
    let repository = std::env::var("GITHUB_REPOSITORY").ok()?;
    let (owner, repository) = repository.split_once('/')?;
    mcp_status_core::deployment::runner_workflow_of(&server, owner, repository)
}

/// Whether a round probes, or only rebuilds what it publishes from the history as it is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Work {
    Probe,
    Rebuild,
}

pub async fn run(work: Work, args: RoundArgs) -> ExitCode {
    let site = match site_config(&args.folders.config) {
        Ok(site) => site,
        Err(error) => {
            eprintln!("mcp-status: {error}");
            return ExitCode::from(2);
        }
    };
    let data = &args.folders.data;
    if let Err(error) = fs::create_dir_all(data) {
        eprintln!("mcp-status: {}: {error}", data.display());
        return ExitCode::from(1);
    }
    finish(round(&site, work, &args).await)
}

pub async fn deliver(args: DeliverArgs) -> ExitCode {
    let site = match site_config(&args.config) {
        Ok(site) => site,
        Err(error) => {
            eprintln!("mcp-status: {error}");
            return ExitCode::from(2);
        }
    };
    let result = async {
        let policy = Policy::of(&site)?;
        let (mut kept, mut out) = Kept::open(&args.state, now())?;
        let sent = alerting::send_claimed(&mut kept.desk, &policy, &args.round).await;
        out.extend(alerting::lines(&kept.desk, &sent));
        kept.save()?;
        Ok(out)
    }
    .await;
    finish(result)
}

fn finish(result: Result<Vec<String>, String>) -> ExitCode {
    match result {
        Ok(lines) => {
            for line in lines {
                crate::out::line(&line);
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("mcp-status: {error}");
            ExitCode::from(1)
        }
    }
}

/// One round, under the data folder's lock; what to print.
async fn round(site: &SiteConfig, work: Work, args: &RoundArgs) -> Result<Vec<String>, String> {
    let data = &args.folders.data;
    let lock_path = data.join(".lock");
    let lock = File::create(&lock_path).map_err(|e| format!("{}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("{}: {e}", lock_path.display()))?;
    let policy = Policy::of(site)?;
    // When the round began: a new desk takes the alerts from here on, this round's included.
    let round_at = now();
    let mut out = Vec::new();
    if work == Work::Probe {
        for (server, record) in probe_all(site).await? {
            history::append(data, &server, &record)?;
            out.push(format!(
                "{:<20} {:<13} {:>6} ms  {}",
                server.name,
                record.outcome.as_str(),
                record.latency_ms,
                record.error.as_deref().unwrap_or("")
            ));
        }
    }

    let (entries, skipped) = history::read(site, data)?;
    out.extend(skipped);
    // Every server is judged at the runner's cadence: it probes each once a round.
    let config_for = |name: &str| {
        let monitor = site.server(name).map(|s| s.monitor.clone());
        Ok(site.runner.rules(&monitor.unwrap_or_default()))
    };
    let replayed = replay::replay(&entries, config_for)?;

    let state = args.folders.state();
    out.extend(alerting::move_old_desk(data, &state)?);
    let (mut kept, opened) = Kept::open(&state, round_at)?;
    out.extend(opened);
    let desk = &mut kept.desk;
    if let Some(what) = args.acknowledge.as_deref().filter(|w| !w.trim().is_empty()) {
        out.extend(alerting::acknowledge(
            desk, &policy, what, &args.by, round_at,
        ));
    }
    out.extend(alerting::take(
        desk, site, &policy, &replayed, &entries, round_at,
    ));
    match (args.alerts, &args.round) {
        (Alerts::Queue, Some(round)) => {
            let claimed = desk.claim_due(round, round_at);
            out.extend(alerting::lines(desk, &claimed));
        }
        _ => {
            let round = format!("{round_at}");
            desk.claim_due(&round, round_at);
            let sent = alerting::send_claimed(desk, &policy, &round).await;
            out.extend(alerting::lines(desk, &sent));
        }
    }
    kept.save()?;
    publish::write(site, data, &replayed, &entries, now())?;
    drop(lock);
    Ok(out)
}

/// Every configured server probed once, at the same time.
async fn probe_all(site: &SiteConfig) -> Result<Vec<(ServerConfig, ProbeRecord)>, String> {
    let client = driver::client();
    let probes = site.servers.iter().map(|server| {
        let client = client.clone();
        let server = server.clone();
        tokio::spawn(async move {
            let at = now();
            let report = probe(&client, &server).await;
            (server, ProbeRecord::of_report(at, &report))
        })
    });
    let mut probed = Vec::new();
    for task in probes.collect::<Vec<_>>() {
        probed.push(task.await.map_err(|e| format!("a probe stopped: {e}"))?);
    }
    Ok(probed)
}

async fn probe(client: &reqwest::Client, server: &ServerConfig) -> mcp_status_core::ProbeReport {
    let config = ProbeConfig {
        timeout_ms: server.timeout_ms,
        environment: Environment::Native,
        ..ProbeConfig::default()
    };
    match Target::parse(&server.url) {
        Ok(target) => driver::run_probe(client, Probe::new(target, config, driver::now())).await,
        // status.json's URLs are checked when it is read: this does not happen.
        Err(error) => mcp_status_core::ProbeReport {
            error: Some(error.to_string()),
            ..mcp_status_core::ProbeReport::bare(
                &server.url,
                mcp_status_core::Outcome::Failed,
                None,
            )
        },
    }
}
