//! `mcp-status alerts test --config status.json`: a test alert through every channel the
//! config's `alerting` section defines (secrets from the environment), fired and then
//! resolved under one key, so that a paging tool opens and closes one incident. The handoff
//! checklist's "check the alert channels reach you", and a check of the setup before relying
//! on it.

use crate::deliver::{deliver_all, now, Bound};
use crate::zone::{offset_minutes, zone_of};
use clap::{Args, Subcommand};
use mcp_status_core::alerting::config::{AlertingConfig, ChannelKind};
use mcp_status_core::alerting::delivery::{Delivery, Status};
use mcp_status_core::alerting::dispatch::{Dispatcher, OnCall, Summary};
use mcp_status_core::alerting::payload::{outgoing, Links};
use mcp_status_core::alerting::replay::{self, People};
use mcp_status_core::monitor::config::MonitorConfig;
use mcp_status_core::monitor::events::{Alert, AlertKind, AlertReason, Severity};
use mcp_status_core::monitor::history::format_time;
use mcp_status_core::monitor::history::Entry;
use mcp_status_core::monitor::record::Millis;
use mcp_status_core::monitor::record::MINUTE;
use mcp_status_core::site::SiteConfig;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct AlertsArgs {
    #[command(subcommand)]
    command: AlertsCommand,
}

#[derive(Subcommand)]
enum AlertsCommand {
    /// Send a test alert, fired then resolved, through every channel (or one), each attempt
    /// shown as it happens. Retries start within 30 s of each notice and an attempt waits at
    /// most 10 s, so it ends within 80 s. Exit code 0 when every delivery got a 2xx answer, 1
    /// when one did not, 2 for a bad config.
    Test(TestArgs),
}

/// How long a notice's retries may go on: a test is for a person waiting at a terminal, not
/// the runner's schedule (which retries for minutes).
const TEST_BOUND: Millis = 30_000;

#[derive(Args)]
struct TestArgs {
    /// status.json, with an `alerting` section.
    #[arg(long, value_name = "STATUS_JSON")]
    config: PathBuf,
    /// Only this channel (its id).
    #[arg(long)]
    channel: Option<String>,
    /// Print one JSON object at the end instead of a report (the attempts, as they happen,
    /// go to standard error).
    #[arg(long)]
    json: bool,
}

pub async fn run(args: AlertsArgs) -> ExitCode {
    let AlertsCommand::Test(args) = args.command;
    match test(&args).await {
        Ok(tested) => {
            if args.json {
                let text =
                    serde_json::to_string_pretty(&tested.json()).expect("JSON values serialise");
                crate::out::line(&text);
            } else {
                crate::out::print(&tested.human());
            }
            if tested.delivered() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(message) => {
            eprintln!("mcp-status: {message}");
            ExitCode::from(2)
        }
    }
}

/// What a test sent, and the channels it could not (their secret's variable unset).
struct Tested {
    key: String,
    deliveries: Vec<Delivery>,
    missing: Vec<(String, String)>,
}

async fn test(args: &TestArgs) -> Result<Tested, String> {
    let site = crate::files::site_config(&args.config)?;
    let Some(section) = site.alerting else {
        return Err(format!(
            "{}: no `alerting` section: there are no channels to test",
            args.config.display()
        ));
    };
    let (config, missing) = section.resolve(&|name| std::env::var(name).ok());
    let links = Links {
        status_page: section.status_page_url.clone(),
        acknowledge: crate::runner::acknowledge_link(),
    };
    let wanted = |id: &str| args.channel.as_deref().is_none_or(|only| only == id);
    if let Some(only) = &args.channel {
        let known = config.channel(only).is_some() || missing.iter().any(|(id, _)| id == only);
        if !known {
            return Err(format!("no channel `{only}` in the alerting section"));
        }
    }
    // The test alert goes to every wanted channel at once: a route of its own.
    // Browser notifications need an open page: the page tests those.
    let channels: Vec<String> = config
        .channels
        .iter()
        .filter(|c| wanted(&c.id) && c.kind != ChannelKind::Browser)
        .map(|c| c.id.clone())
        .collect();
    let mut routed = config.clone();
    routed.routes[0] = channels;
    routed.escalation.clear();
    let at = now();
    let alert = Alert {
        at,
        kind: AlertKind::Fire,
        severity: Severity::P1,
        reason: AlertReason::Latency { p95_ms: 0 },
    };
    let summary = Summary {
        what: "a test alert from `mcp-status alerts test`: no server is down".to_owned(),
        ..Summary::of(&alert, None, "up")
    };
    let server = "mcp-status test";
    let mut dispatcher = Dispatcher::default();
    let mut notices = dispatcher.alert(&routed, server, &alert, summary, OnCall::default());
    let key = notices[0].page.key.clone();
    notices.extend(dispatcher.resolve(&key, "mcp-status alerts test", at));

    let client = crate::deliver::client();
    let mut deliveries = Vec::new();
    let mut progress = |delivery: &Delivery| {
        let line = attempt_line(delivery);
        if args.json {
            eprintln!("{line}");
        } else {
            crate::out::line(&line);
        }
    };
    // In order: a channel's resolution must not overtake its firing.
    for notice in &notices {
        let items = notice
            .channels
            .iter()
            .filter_map(|id| config.channel(id))
            .map(|channel| {
                let delivery = Delivery::new(&key, notice.kind.as_str(), &channel.id, now());
                (delivery, outgoing(notice, channel, &links))
            })
            .collect();
        let bound = Bound {
            until: now() + TEST_BOUND,
        };
        deliveries.extend(deliver_all(&client, items, bound, &mut progress).await);
    }
    let missing = missing.into_iter().filter(|(id, _)| wanted(id)).collect();
    Ok(Tested {
        key,
        deliveries,
        missing,
    })
}

impl Tested {
    fn delivered(&self) -> bool {
        self.missing.is_empty()
            && self
                .deliveries
                .iter()
                .all(|d| d.status == Status::Delivered)
    }

    fn json(&self) -> Value {
        json!({
            "key": self.key,
            "deliveries": self.deliveries.iter().map(delivery_json).collect::<Vec<_>>(),
            "missing_secrets": self
                .missing
                .iter()
                .map(|(id, variable)| json!({ "channel": id, "variable": variable }))
                .collect::<Vec<_>>(),
        })
    }

    /// The outcome of each delivery, after the attempts were shown as they happened.
    fn human(&self) -> String {
        let mut out = String::from("\n");
        for delivery in &self.deliveries {
            let attempts = delivery.attempts.len();
            let last = last_outcome(delivery);
            let status = match delivery.status {
                Status::Pending => "not delivered: retries stopped after 30 s",
                status => status.as_str(),
            };
            out.push_str(&format!(
                "{:<12} {:<10} {status} ({last}; {attempts} attempt{})\n",
                delivery.channel,
                delivery.notice,
                if attempts == 1 { "" } else { "s" }
            ));
        }
        for (channel, variable) in &self.missing {
            out.push_str(&format!(
                "{channel:<12} not sent: set the environment variable {variable}\n"
            ));
        }
        out
    }
}

fn delivery_json(delivery: &Delivery) -> Value {
    json!({
        "channel": delivery.channel,
        "notice": delivery.notice,
        "status": delivery.status,
        "attempts": delivery.attempts.iter().map(|attempt| {
            let mut outcome = serde_json::to_value(&attempt.outcome).unwrap_or_default();
            outcome["at"] = json!(format_time(attempt.at));
            outcome
        }).collect::<Vec<_>>(),
    })
}

/// A delivery's last attempt, as it happened: "hook  fired  attempt 1: HTTP 503; retry in 2 s".
fn attempt_line(delivery: &Delivery) -> String {
    let attempts = delivery.attempts.len();
    let result = last_outcome(delivery);
    let next = match delivery.status {
        Status::Pending => {
            let last = delivery.attempts.last().map_or(0, |a| a.at);
            format!("retry in {} s", (delivery.next_at - last + 999) / 1_000)
        }
        status => status.as_str().to_owned(),
    };
    format!(
        "{:<12} {:<10} attempt {attempts}: {result}; {next}",
        delivery.channel, delivery.notice
    )
}

fn last_outcome(delivery: &Delivery) -> String {
    let last = delivery.attempts.last();
    last.map(|a| a.outcome.describe()).unwrap_or_default()
}

/// The notices `mcp-status replay --alerts` lists: the site's alerting policy (or the
/// defaults), its secrets from the environment, its rotation in its own time zone.
pub fn replayed(
    site: Option<&SiteConfig>,
    entries: &[Entry],
    config_for: impl FnMut(&str) -> Result<MonitorConfig, String>,
    acknowledge_after: Option<u32>,
) -> Result<Value, String> {
    let config = match site.and_then(|s| s.alerting.as_ref()) {
        Some(section) => section.resolve(&|name| std::env::var(name).ok()).0,
        None => AlertingConfig::default(),
    };
    let zone = zone_of(&config)?;
    let offset = |at: i64| offset_minutes(zone, at);
    let people = People {
        offset: &offset,
        acknowledge_after: acknowledge_after.map(|minutes| i64::from(minutes) * MINUTE),
    };
    let notices = replay::notices(entries, config_for, &config, &people)?;
    Ok(Value::Array(
        notices
            .iter()
            .map(|n| {
                json!({
                    "at": format_time(n.at),
                    "event": n.kind.as_str(),
                    "key": n.page.key,
                    "server": n.page.server,
                    "severity": n.page.severity.as_str(),
                    "channels": n.channels,
                    "to": n.to,
                })
            })
            .collect(),
    ))
}
