//! `mcp-status probe --config status.json --data DIR`: the scheduled runner's one round. Every
//! configured server is probed once (the native probe), each result appended to its month
//! file in DIR (`core::publish`), the engines rebuilt from the whole published history (so
//! `replay` over the same files gives the same numbers), the new alerts handed to the same
//! alerting desk the console runs (webhooks with retries), and `summary.json` written.
//!
//! Overlapping runs take turns: the second waits for the first's lock on `DIR/.lock`, then
//! does its own round; files are appended under the lock, and the summary and the desk are
//! replaced whole (written aside, then renamed). A bad config is refused before DIR is
//! touched.

use crate::alerts::{offset_minutes, zone_of};
use crate::deliver::{attempt, now};
use crate::driver;
use crate::files::site_config;
use clap::Args;
use mcp_status_core::alerting::config::ChannelKind;
use mcp_status_core::alerting::delivery::Status;
use mcp_status_core::alerting::desk::{Desk, Read};
use mcp_status_core::alerting::dispatch::OnCall;
use mcp_status_core::alerting::payload::{outgoing, Links, Outgoing};
use mcp_status_core::badge;
use mcp_status_core::monitor::history::{self, line_of, BadLines, Entry};
use mcp_status_core::monitor::record::{Millis, ProbeRecord};
use mcp_status_core::monitor::replay;
use mcp_status_core::publish::{self, Published};
use mcp_status_core::site::{ServerConfig, SiteConfig};
use mcp_status_core::status::Window;
use mcp_status_core::{Environment, Probe, ProbeConfig, Target};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Args)]
pub struct ProbeArgs {
    /// status.json: the servers to probe, their rules, the alerting policy.
    #[arg(long, value_name = "STATUS_JSON")]
    config: PathBuf,
    /// Where the published history goes (created if missing): history/, summary.json.
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
}

/// A delivery retry due within this long is waited for in this run; a later one is left to
/// the next run (the desk keeps it).
const WAIT_FOR_RETRY: Millis = 15_000;
/// The runner's own state in DIR: the alerting desk.
const DESK: &str = "runner/alerting.json";

pub async fn run(args: ProbeArgs) -> ExitCode {
    let site = match site_config(&args.config) {
        Ok(site) => site,
        Err(error) => {
            eprintln!("mcp-status: {error}");
            return ExitCode::from(2);
        }
    };
    if let Err(error) = fs::create_dir_all(&args.data) {
        eprintln!("mcp-status: {}: {error}", args.data.display());
        return ExitCode::from(1);
    }
    match round(&site, &args.data).await {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
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
async fn round(site: &SiteConfig, data: &Path) -> Result<Vec<String>, String> {
    let lock_path = data.join(".lock");
    let lock = File::create(&lock_path).map_err(|e| format!("{}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("{}: {e}", lock_path.display()))?;
    let mut out = Vec::new();

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
    for (server, record) in &probed {
        append(data, server, record)?;
        out.push(format!(
            "{:<20} {:<13} {:>6} ms  {}",
            server.name,
            record.outcome.as_str(),
            record.latency_ms,
            record.error.as_deref().unwrap_or("")
        ));
    }

    let (entries, skipped) = read_history(site, data)?;
    if skipped > 0 {
        out.push(format!("{skipped} damaged history lines left out"));
    }
    let config_for = |name: &str| {
        Ok(site
            .server(name)
            .map(|s| s.monitor.clone())
            .unwrap_or_default())
    };
    let replayed = replay::replay(&entries, config_for)?;
    let now = now();

    out.extend(alert(site, data, &replayed, &entries, now, &client).await?);

    let published: Vec<Published> = site
        .servers
        .iter()
        .filter_map(|server| {
            let r = replayed.get(&server.name)?;
            let last = entries.iter().rev().find(|e| e.server == server.name);
            Some(Published {
                server: &server.name,
                url: &server.url,
                monitor: &r.monitor,
                last: last.map(|e| &e.probe),
                months: months(data, &server.name),
            })
        })
        .collect();
    let summary = publish::summary(&published, now);
    replace(&data.join("summary.json"), &summary.to_string())?;
    for server in &published {
        write_badges(data, server, now)?;
    }
    drop(lock);
    Ok(out)
}

async fn probe(client: &reqwest::Client, server: &ServerConfig) -> mcp_status_core::ProbeReport {
    let config = ProbeConfig {
        timeout_ms: server.timeout_ms,
        environment: Environment::Native,
        ..ProbeConfig::default()
    };
    match Target::parse(&server.url) {
        Ok(target) => driver::run_probe(client, Probe::new(target, config, 0.0)).await,
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

/// Appends the probe's line to its server's month file, in one write.
fn append(data: &Path, server: &ServerConfig, record: &ProbeRecord) -> Result<(), String> {
    let month = publish::month_of(record.at);
    let path = data.join(publish::history_path(&server.name, &month));
    if let Some(folder) = path.parent() {
        fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    }
    let line = format!("{}\n", line_of(&server.name, &server.url, record));
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(line.as_bytes()))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Every configured server's published probes, in time order, and how many lines did not
/// read (a run killed mid-line leaves at most one).
fn read_history(site: &SiteConfig, data: &Path) -> Result<(Vec<Entry>, usize), String> {
    let mut entries = Vec::new();
    let mut skipped = 0;
    for server in &site.servers {
        for month in months(data, &server.name) {
            let path = data.join(publish::history_path(&server.name, &month));
            let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let parsed = history::parse(&text, BadLines::Skip).map_err(|e| e.to_string())?;
            skipped += parsed.skipped.len();
            entries.extend(
                parsed
                    .entries
                    .into_iter()
                    .filter(|e| e.server == server.name),
            );
        }
    }
    mcp_status_core::sorted::sort_by_key(&mut entries, |e| e.probe.at);
    Ok((entries, skipped))
}

/// A server's month files, oldest first.
fn months(data: &Path, server: &str) -> Vec<String> {
    let folder = data.join("history").join(publish::file_stem(server));
    let mut months: Vec<String> = fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            Some(name.strip_suffix(".ndjson")?.to_owned())
        })
        .collect();
    months.sort();
    months
}

/// The new alerts through the desk, what is due delivered; the desk kept. What to print.
async fn alert(
    site: &SiteConfig,
    data: &Path,
    replayed: &mcp_status_core::sorted::SortedMap<String, replay::Replayed>,
    entries: &[Entry],
    round_at: Millis,
    client: &reqwest::Client,
) -> Result<Vec<String>, String> {
    let section = site.alerting.as_ref();
    let (mut config, missing) = match section {
        Some(section) => section.resolve(&|name| std::env::var(name).ok()),
        None => Default::default(),
    };
    // Notifications are the pages' to show.
    config.sent_elsewhere = config
        .channels
        .iter()
        .filter(|c| c.kind == ChannelKind::Browser)
        .map(|c| c.id.clone())
        .collect();
    let zone = zone_of(&config)?;
    let offset = |at: Millis| offset_minutes(zone, at);
    let desk_path = data.join(DESK);
    let mut out = Vec::new();
    let mut desk: Desk = match fs::read_to_string(&desk_path) {
        Ok(text) => match serde_json::from_str(&text) {
            Ok(desk) => desk,
            // A damaged desk must not stop the probing: it is kept aside, for people to look
            // at, and alerting starts afresh from now (nothing old is sent again).
            Err(error) => {
                let aside = desk_path.with_extension(format!("damaged-{round_at}.json"));
                fs::rename(&desk_path, &aside).map_err(|e| format!("{}: {e}", aside.display()))?;
                out.push(format!(
                    "{}: unreadable ({error}); kept as {} and started afresh",
                    desk_path.display(),
                    aside.display()
                ));
                Desk::default()
            }
        },
        Err(_) => Desk::default(),
    };
    let from = desk.read_from(round_at);
    let mut reads = Vec::new();
    for (name, r) in replayed.iter() {
        let probes: Vec<ProbeRecord> = entries
            .iter()
            .filter(|e| e.server == *name)
            .map(|e| e.probe.clone())
            .collect();
        for alert in r.alerts.iter().filter(|a| a.at >= from) {
            reads.push(Read::of(name, alert.clone(), &r.monitor.incidents, &probes));
        }
    }
    let on_call = OnCall::of(&config, round_at, &offset);
    desk.take(&config, reads, round_at, on_call);
    let paused = |server: &str| {
        site.server(server)
            .is_some_and(|s| s.monitor.in_maintenance(round_at))
    };
    desk.tick(&config, round_at, &paused, on_call);

    let links = Links {
        status_page: section.and_then(|s| s.status_page_url.clone()),
    };
    out.extend(missing.iter().map(|(id, variable)| {
        format!("channel {id} not sent: set the environment variable {variable}")
    }));
    let mut sent = Vec::new();
    loop {
        let due = desk.due(now());
        if due.is_empty() {
            // Wait for a retry due soon; leave later ones to the next run.
            let soon = desk
                .deliveries
                .iter()
                .filter(|s| s.delivery.status == Status::Pending)
                .map(|s| s.delivery.next_at)
                .filter(|at| *at - now() <= WAIT_FOR_RETRY)
                .min();
            match soon {
                Some(at) => {
                    let wait = (at - now()).max(0) as u64;
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                    continue;
                }
                None => break,
            }
        }
        let mut attempted = false;
        for index in due {
            let sending = &desk.deliveries[index];
            let channel = config.channel(&sending.delivery.channel);
            let (Some(notice), Some(channel)) = (&sending.notice, channel) else {
                continue;
            };
            let Outgoing::Http(request) = outgoing(notice, channel, &links) else {
                continue;
            };
            attempted = true;
            let outcome = attempt(client, &request).await;
            desk.record(index, now(), outcome);
            if !sent.contains(&index) {
                sent.push(index);
            }
        }
        if !attempted {
            break;
        }
    }
    for index in sent {
        let delivery = &desk.deliveries[index].delivery;
        let attempts = delivery.attempts.len();
        out.push(format!(
            "alert {} {} → {}: {} ({attempts} attempt{})",
            delivery.notice,
            delivery.key,
            delivery.channel,
            delivery.status.as_str(),
            if attempts == 1 { "" } else { "s" }
        ));
    }
    if let Some(folder) = desk_path.parent() {
        fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    }
    let text = serde_json::to_string(&desk).map_err(|e| e.to_string())?;
    replace(&desk_path, &text)?;
    Ok(out)
}

/// A server's badges: its status, and wall-clock and SLO uptime over 30 days, as SVG and as
/// shields.io endpoint JSON, in `badges/<server>/`.
fn write_badges(data: &Path, server: &Published, now: Millis) -> Result<(), String> {
    let folder = data.join("badges").join(publish::file_stem(server.server));
    fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let month = server.monitor.uptime(now, Window::Month.span());
    let target = server.monitor.config().slo_target;
    let badges = [
        (
            "status",
            badge::status(server.server, server.monitor.state().as_str()),
        ),
        (
            "uptime",
            badge::uptime("uptime 30d", month.wall_clock_uptime, target),
        ),
        (
            "slo",
            badge::uptime("SLO uptime 30d", month.slo_uptime, target),
        ),
    ];
    for (name, badge) in badges {
        replace(&folder.join(format!("{name}.svg")), &badge::svg(&badge))?;
        replace(
            &folder.join(format!("{name}.json")),
            &badge::shields(&badge).to_string(),
        )?;
    }
    Ok(())
}

/// Writes `text` to `path` whole: aside first, then renamed over it, so that a reader (or a
/// run killed halfway) never sees half a file.
fn replace(path: &Path, text: &str) -> Result<(), String> {
    let aside = path.with_extension("tmp");
    fs::write(&aside, text)
        .and_then(|()| fs::rename(&aside, path))
        .map_err(|e| format!("{}: {e}", path.display()))
}
