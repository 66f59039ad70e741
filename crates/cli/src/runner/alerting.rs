//! The runner's alerting: the desk kept in the state folder, the engines' new alerts taken
//! into it, and its deliveries claimed by a round and sent.
//!
//! Delivery and publishing agree: a round *claims* what is due, and the claims are sent only
//! after the round is published (`--alerts queue`, then `mcp-status deliver`). A push that
//! fails sends nothing — the next round starts from the published desk and takes the same
//! alerts again; a record that fails to land leaves claims that go stale and are settled as
//! "perhaps sent", never sent twice. Run alone (`--alerts send`), a round claims and sends at
//! once.

use super::files::replace;
use crate::deliver::{attempt, now};
use crate::zone::{offset_minutes, zone_of};
use mcp_status_core::alerting::config::{AlertingConfig, ChannelKind};
use mcp_status_core::alerting::delivery::{Failure, Outcome, Status};
use mcp_status_core::alerting::desk::{Desk, Read};
use mcp_status_core::alerting::dispatch::OnCall;
use mcp_status_core::alerting::payload::{message, Links};
use mcp_status_core::monitor::history::Entry;
use mcp_status_core::monitor::record::{Millis, ProbeRecord};
use mcp_status_core::monitor::replay::Replayed;
use mcp_status_core::site::SiteConfig;
use mcp_status_core::text::clip;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A delivery retry due within this long is waited for in this run; a later one is left to
/// the next run (the desk keeps it).
const WAIT_FOR_RETRY: Millis = 15_000;
/// The alerting desk, in the state folder.
const DESK: &str = "alerting.json";
/// Where versions before 0.2 kept the desk: inside the published DIR.
const OLD_DESK: &str = "runner/alerting.json";

/// The site's alerting policy with the secrets the environment holds.
pub struct Policy {
    pub config: AlertingConfig,
    /// Channels left out, with the variable each one misses.
    pub missing: Vec<(String, String)>,
    pub links: Links,
    zone: chrono_tz::Tz,
}

impl Policy {
    pub fn of(site: &SiteConfig) -> Result<Policy, String> {
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
        Ok(Policy {
            config,
            missing,
            links: Links {
                status_page: section.and_then(|s| s.status_page_url.clone()),
                acknowledge: super::acknowledge_link(),
            },
            zone,
        })
    }

    fn on_call(&self, at: Millis) -> OnCall<'_> {
        OnCall::of(&self.config, at, &|at| offset_minutes(self.zone, at))
    }

    /// What to print about the channels that cannot be sent.
    pub fn missing_lines(&self) -> Vec<String> {
        self.missing
            .iter()
            .map(|(id, variable)| {
                format!("channel {id} not sent: set the environment variable {variable}")
            })
            .collect()
    }
}

/// Acknowledges the open alerts nobody acknowledged yet that `what` names — `all`, a
/// server's name, or an alert's key — as `by`, at `now`; what to print. An acknowledgement
/// comes from a person who saw a notice: from a phone, through the Runner workflow's
/// `acknowledge` input (the link in every runner notice), read by the next round.
pub fn acknowledge(
    desk: &mut Desk,
    policy: &Policy,
    what: &str,
    by: &str,
    now: Millis,
) -> Vec<String> {
    let what = what.trim();
    let by = clip(by, 100);
    let keys: Vec<String> = desk
        .dispatcher
        .pages
        .iter()
        .filter(|p| p.is_open() && p.acknowledged.is_none())
        .filter(|p| what == "all" || p.server == what || p.key == what)
        .map(|p| p.key.clone())
        .collect();
    if keys.is_empty() {
        return vec![format!(
            "acknowledge {}: no open alert waits for an acknowledgement",
            clip(what, 100)
        )];
    }
    keys.into_iter()
        .map(|key| {
            desk.acknowledge(&policy.config, &key, &by, now);
            format!("acknowledged {key} (by {by})")
        })
        .collect()
}

/// The desk in the state folder, and what to print about reading it.
pub struct Kept {
    path: PathBuf,
    pub desk: Desk,
}

impl Kept {
    /// Reads the desk; a damaged one is kept aside and alerting starts afresh: probing must
    /// not stop over it.
    pub fn open(state: &Path, now: Millis) -> Result<(Kept, Vec<String>), String> {
        let path = state.join(DESK);
        let mut out = Vec::new();
        let desk = match fs::read_to_string(&path) {
            Ok(text) => match serde_json::from_str(&text) {
                Ok(desk) => desk,
                Err(error) => {
                    let aside = path.with_extension(format!("damaged-{now}.json"));
                    fs::rename(&path, &aside).map_err(|e| format!("{}: {e}", aside.display()))?;
                    out.push(format!(
                        "{}: unreadable ({error}); kept as {} and started afresh",
                        path.display(),
                        aside.display()
                    ));
                    Desk::default()
                }
            },
            Err(_) => Desk::default(),
        };
        Ok((Kept { path, desk }, out))
    }

    pub fn save(&self) -> Result<(), String> {
        let text = serde_json::to_string(&self.desk).map_err(|e| e.to_string())?;
        replace(&self.path, &text)
    }
}

/// Moves the desk an older version kept inside DIR (published) to the state folder. Read
/// and written again, it loses any free-text delivery error (`Failure::Unknown`), which
/// could name a webhook's URL; a damaged one is deleted, not kept aside, for the same reason.
pub fn move_old_desk(data: &Path, state: &Path) -> Result<Vec<String>, String> {
    let desk_path = &state.join(DESK);
    let old = data.join(OLD_DESK);
    let Ok(text) = fs::read_to_string(&old) else {
        return Ok(Vec::new());
    };
    let mut out = vec![format!(
        "{}: an older version kept the alerting desk in the published data; moved to {}. If \
         it was ever published with a webhook URL in a delivery error, rotate that URL (README, \
         Security)",
        old.display(),
        desk_path.display()
    )];
    match serde_json::from_str::<Desk>(&text) {
        Ok(desk) if !desk_path.exists() => {
            let text = serde_json::to_string(&desk).map_err(|e| e.to_string())?;
            replace(desk_path, &text)?;
        }
        Ok(_) => out.push(format!(
            "{}: kept the newer desk there",
            desk_path.display()
        )),
        Err(_) => out.push("the old desk was unreadable: deleted, alerting starts afresh".into()),
    }
    let folder = old.parent().unwrap_or(data);
    fs::remove_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    Ok(out)
}

/// The engines' alerts since the desk last read, taken into it; the dispatcher's clock moved
/// on; stale claims settled. What to print.
pub fn take(
    desk: &mut Desk,
    site: &SiteConfig,
    policy: &Policy,
    replayed: &BTreeMap<String, Replayed>,
    entries: &[Entry],
    round_at: Millis,
) -> Vec<String> {
    let settled = desk.settle_stale_claims(round_at);
    let mut out = lines(desk, &settled);
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
    let on_call = policy.on_call(round_at);
    desk.take(&policy.config, reads, round_at, on_call);
    let paused = |server: &str| {
        site.server(server)
            .is_some_and(|s| s.monitor.in_maintenance(round_at))
    };
    let offset = |at| offset_minutes(policy.zone, at);
    desk.tick(&policy.config, round_at, &paused, on_call, &offset);
    out.extend(policy.missing_lines());
    out
}

/// Sends what `round` claimed, and the retries due within `WAIT_FOR_RETRY` (claimed for it in
/// turn), each until it is delivered, given up or left for a later round. The deliveries
/// attempted, by index.
pub async fn send_claimed(desk: &mut Desk, policy: &Policy, round: &str) -> Vec<usize> {
    let client = crate::deliver::client();
    let mut sent: Vec<usize> = Vec::new();
    loop {
        let claimed = desk.claimed_by(round);
        if claimed.is_empty() {
            // Wait for a retry due soon; leave later ones to the next round.
            let soon = desk
                .deliveries
                .iter()
                .filter(|s| s.claim.is_none() && s.delivery.status == Status::Pending)
                .map(|s| s.delivery.next_at)
                .filter(|at| *at - now() <= WAIT_FOR_RETRY)
                .min();
            let Some(at) = soon else { break };
            let wait = (at - now()).max(0) as u64;
            tokio::time::sleep(Duration::from_millis(wait)).await;
            desk.claim_due(round, now());
            continue;
        }
        for index in claimed {
            let sending = &desk.deliveries[index];
            let channel = policy.config.channel(&sending.delivery.channel);
            let outcome = match (&sending.message, channel) {
                (Some(m), Some(channel)) => match message(m, channel, &policy.links) {
                    Some(outgoing) => attempt(&client, &outgoing).await,
                    None => Outcome::Failed {
                        error: Failure::NotForPager,
                    },
                },
                // Claimed, then its channel left the config (or its secret the environment).
                _ => Outcome::Failed {
                    error: Failure::ChannelGone,
                },
            };
            desk.record(index, now(), outcome);
            if !sent.contains(&index) {
                sent.push(index);
            }
        }
    }
    sent
}

/// One line per delivery: "alert fired api|downtime|1 → hook: delivered (1 attempt)".
pub fn lines(desk: &Desk, indexes: &[usize]) -> Vec<String> {
    indexes
        .iter()
        .filter_map(|&index| desk.deliveries.get(index))
        .map(|sending| {
            let delivery = &sending.delivery;
            let attempts = delivery.attempts.len();
            let result = match &sending.claim {
                Some(claim) => format!(
                    "claimed by round {}, sent once it is published",
                    claim.round
                ),
                None => format!(
                    "{} ({attempts} attempt{})",
                    delivery.status.as_str(),
                    if attempts == 1 { "" } else { "s" }
                ),
            };
            format!(
                "alert {} {} → {}: {result}",
                delivery.notice, delivery.key, delivery.channel
            )
        })
        .collect()
}
