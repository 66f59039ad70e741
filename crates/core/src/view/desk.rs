//! The console's alerting screens: the alerts (open ones to acknowledge or resolve, the week's
//! against their acknowledgement targets), the delivery log, maintenance windows, and this
//! browser's alerting settings (who you are, notifications, team-size presets, routing,
//! channels, the escalation policy).
//!
//! Server names, errors, people's names, reasons and channels come from servers, storage
//! (anyone's to edit), status.json and the user: what is shown is without format characters
//! (`text::without_format`), so that a right-to-left override cannot turn a line around, nor
//! a zero-width space make two names look alike. Keys and ids keep them: they name records.

use crate::alerting::config::{AlertingConfig, ChannelKind, Notify, TeamSize, PUSH};
use crate::alerting::delivery::Status;
use crate::alerting::desk::Sending;
use crate::alerting::dispatch::Page;
use crate::alerting::local::LocalAlerting;
use crate::alerting::oncall::Offset;
use crate::alerting::targets::{results, AckResult, Responders, Verdict};
use crate::monitor::config::MAX_MAINTENANCE;
use crate::monitor::declared::Declared;
use crate::monitor::events::Severity;
use crate::monitor::history::format_minute;
use crate::monitor::record::{Millis, MINUTE};
use crate::site::LeftToRunner;
use crate::status::duration;
use crate::text::without_format;

/// Whether this tab sends the alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Starting,
    /// This tab sends the alerts, holding the dispatcher's Web Lock or, in a browser without
    /// Web Locks, a lease in local storage.
    Dispatching {
        by_lease: bool,
    },
    /// Another console tab does.
    OtherTab,
    /// Storage cannot be opened: nothing can be read or kept.
    Off,
}

/// The role said for people; `probing`: whether a status page probes in this browser (`None`:
/// not known yet).
pub fn role(role: Role, probing: Option<bool>) -> String {
    let mut text = match role {
        Role::Starting => "Starting…",
        Role::Dispatching { by_lease: false } => {
            "This tab sends the alerts: keep it open (one console tab at a time does)."
        }
        Role::Dispatching { by_lease: true } => {
            "This tab sends the alerts (by a lease in local storage: this browser has no Web Locks): keep it open."
        }
        Role::OtherTab => "Another console tab sends the alerts; this one shows them.",
        Role::Off => "This browser's storage cannot be opened: alerts cannot be read or sent here.",
    }
    .to_owned();
    if probing == Some(false) {
        text.push_str(
            " No status page is open in this browser, so nothing is probed and nothing can fire: \
             keep the status page open in another tab (or publish with the scheduled runner).",
        );
    }
    text
}

/// What acknowledging needs first.
pub const WHO_FIRST: &str = "Say who you are first (“You are”, under Alerting settings).";

/// The alerts: open ones first, newest first, then the week's closed ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Alerts {
    pub open: Vec<OpenAlert>,
    pub past: Vec<PastAlert>,
}

/// An open alert's card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAlert {
    /// The alert's key (`data-key`), what acknowledging and resolving name: one open alert
    /// has it at a time. As stored: never shown.
    pub key: String,
    /// `data-severity`.
    pub severity: &'static str,
    pub title: String,
    /// Since when, the first error.
    pub facts: String,
    /// Who acknowledged, or the escalation so far and the target.
    pub status: String,
    pub process_failure: Option<String>,
    pub can_acknowledge: bool,
}

/// A closed alert's line in the week's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastAlert {
    /// Unique in the table: an alert's key comes back when the same thing fires again.
    /// Never shown.
    pub id: String,
    /// `data-key`, as stored.
    pub key: String,
    pub title: String,
    pub fired: String,
    pub acknowledged: String,
    /// `data-verdict`.
    pub verdict: &'static str,
    pub target: String,
    pub closed: String,
}

pub fn alerts(pages: &[Page], now: Millis, offset: Offset, responders: Responders) -> Alerts {
    let mut alerts = Alerts::default();
    for result in results(pages, now, offset, responders).iter().rev() {
        let page = result.page;
        match &page.closed {
            None => alerts.open.push(open_alert(result)),
            Some(closed) => {
                let by = if closed.by.is_empty() {
                    "the server recovered".to_owned()
                } else {
                    format!("by {}", closed.by)
                };
                alerts.past.push(PastAlert {
                    id: format!("{}@{}", page.key, page.opened_at),
                    key: page.key.clone(),
                    title: title_of(page),
                    fired: format_minute(page.opened_at),
                    acknowledged: acknowledged(page),
                    verdict: verdict_name(result.verdict),
                    target: target(result),
                    closed: without_format(format!("{} ({by})", format_minute(closed.at))),
                });
            }
        }
    }
    alerts
}

fn open_alert(result: &AckResult) -> OpenAlert {
    let page = result.page;
    let summary = &page.summary;
    let mut facts = vec![format!("since {}", format_minute(summary.since))];
    if let Some(error) = &summary.first_error {
        facts.push(format!("first error: {error}"));
    }
    let status = match &page.acknowledged {
        Some(_) => acknowledged(page),
        None => {
            let steps = if page.severity == Severity::P1 {
                format!(", {} escalation steps taken", page.steps_done)
            } else {
                String::new()
            };
            format!("Not acknowledged{steps}. {}", target(result))
        }
    };
    OpenAlert {
        key: page.key.clone(),
        severity: page.severity.as_str(),
        title: title_of(page),
        facts: without_format(facts.join(" · ")),
        status: without_format(status),
        process_failure: page.process_failure_at.map(|at| format!(
            "Process failure: nobody acknowledged within the escalation policy (marked {}). Name it in the post-mortem.",
            format_minute(at)
        )),
        can_acknowledge: page.acknowledged.is_none(),
    }
}

fn title_of(page: &Page) -> String {
    let raised = if page.severity != page.fired_severity {
        format!(" (fired as {})", page.fired_severity.as_str())
    } else {
        String::new()
    };
    without_format(format!(
        "{}{raised} · {}: {}",
        page.severity.as_str(),
        page.server,
        page.summary.what
    ))
}

fn acknowledged(page: &Page) -> String {
    match &page.acknowledged {
        Some(mark) => without_format(format!(
            "Acknowledged by {} at {}, after {}.",
            mark.by,
            format_minute(mark.at),
            duration(mark.at - page.opened_at)
        )),
        None => "Not acknowledged.".to_owned(),
    }
}

fn target(result: &AckResult) -> String {
    let due = format_minute(result.due);
    match result.verdict {
        Verdict::Waiting => format!("Target: by {due}."),
        Verdict::Met => format!("Target {due}: met."),
        Verdict::Missed => format!("Target {due}: missed."),
        Verdict::Recovered => format!("Target {due}: the server recovered first."),
    }
}

fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Met => "met",
        Verdict::Missed => "missed",
        Verdict::Waiting => "waiting",
        Verdict::Recovered => "recovered",
    }
}

/// The delivery log shows this many, newest first.
const LOG_SHOWN: usize = 50;

/// One line of the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    /// Unique in the log: the alert, the notice, the channel, when it was made. Never shown.
    pub id: String,
    pub when: String,
    pub server: String,
    /// `data-notice`, and in words.
    pub notice: String,
    pub notice_words: String,
    /// `data-channel`.
    pub channel: String,
    /// `data-status`.
    pub status: &'static str,
    pub result: String,
}

/// The log, newest first.
pub fn deliveries(deliveries: &[Sending]) -> Vec<DeliveryRow> {
    let ids = unique(deliveries.iter().map(|s| {
        let d = &s.delivery;
        format!("{}|{}|{}|{}", d.key, d.notice, d.channel, d.created_at)
    }));
    let mut rows: Vec<DeliveryRow> = deliveries
        .iter()
        .zip(ids)
        .map(|(sending, id)| {
            let delivery = &sending.delivery;
            let last = delivery.attempts.last().map(|a| a.outcome.describe());
            let mut result = delivery.status.as_str().to_owned();
            if let Some(last) = last {
                result.push_str(&format!(" ({last})"));
            }
            if delivery.attempts.len() > 1 {
                result.push_str(&format!(", {} attempts", delivery.attempts.len()));
            }
            if delivery.status == Status::Pending && !delivery.attempts.is_empty() {
                result.push_str(&format!("; next at {}", format_minute(delivery.next_at)));
            }
            DeliveryRow {
                id,
                when: format_minute(delivery.created_at),
                server: without_format(delivery.key.split('|').next().unwrap_or("").to_owned()),
                notice: without_format(delivery.notice.clone()),
                notice_words: without_format(delivery.notice.replace('_', " ")),
                channel: without_format(delivery.channel.clone()),
                status: status_name(delivery.status),
                result: without_format(result),
            }
        })
        .collect();
    rows.reverse();
    rows.truncate(LOG_SHOWN);
    rows
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Pending => "pending",
        Status::Delivered => "delivered",
        Status::Sent => "sent",
        Status::Unrecorded => "unrecorded",
        Status::GaveUp => "failed",
    }
}

/// `names` made unique, in order: a name seen before gets `#2`, `#3`… (storage is anyone's
/// to edit, and two records may say the same).
fn unique(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    names
        .map(|name| {
            let count = seen.iter().filter(|s| **s == name).count();
            seen.push(name.clone());
            match count {
                0 => name,
                n => format!("{name}#{}", n + 1),
            }
        })
        .collect()
}

/// The longest maintenance window, in the form's minutes.
pub const MAX_MINUTES: Millis = MAX_MAINTENANCE / MINUTE;

/// A declared window still to end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowLine {
    /// Names it among the declared windows (`window_index`). Never shown.
    pub id: String,
    pub text: String,
    /// "End now" for one under way, "Cancel" for one to come.
    pub end_label: &'static str,
}

/// The windows under way and to come, in the order they were declared.
pub fn windows(declared: &[Declared], now: Millis) -> Vec<WindowLine> {
    declared
        .iter()
        .zip(window_ids(declared))
        .filter(|(declared, _)| declared.window.end > now)
        .map(|(declared, id)| {
            let server = declared.server.as_deref().unwrap_or("every server");
            let window = &declared.window;
            let under_way = window.contains(now);
            let mut text = if under_way {
                format!("{server}: under way until {}", format_minute(window.end))
            } else {
                format!(
                    "{server}: from {} to {}",
                    format_minute(window.start),
                    format_minute(window.end)
                )
            };
            if !declared.reason.is_empty() {
                text.push_str(&format!(" — {}", declared.reason));
            }
            if !declared.by.is_empty() {
                text.push_str(&format!(" (declared by {})", declared.by));
            }
            WindowLine {
                id,
                text: without_format(text),
                end_label: if under_way { "End now" } else { "Cancel" },
            }
        })
        .collect()
}

fn window_ids(declared: &[Declared]) -> Vec<String> {
    unique(declared.iter().map(|d| {
        let server = d.server.as_deref().unwrap_or("");
        format!("{server}|{}|{}", d.window.start, d.window.end)
    }))
}

/// Where the window `id` (`WindowLine::id`) is among `declared`.
pub fn window_index(declared: &[Declared], id: &str) -> Option<usize> {
    window_ids(declared).iter().position(|i| i == id)
}

/// The notifications' state in words (`permission`: `granted`, `denied`, `default` or
/// `unsupported`, as `browser::notify` says), and whether to offer turning them on.
pub fn permission(permission: &str) -> (&'static str, bool) {
    let text = match permission {
        "granted" => "Notifications are on in this browser.",
        "denied" => "Notifications are blocked in this browser: allow them in the site's settings (the padlock by the address).",
        "unsupported" => "This browser cannot show notifications.",
        _ => "Notifications are off: the push channel needs them.",
    };
    (text, permission == "default")
}

/// The presets (spec section 8): `data-value`, label, team size.
pub const PRESETS: [(&str, &str, TeamSize); 3] = [
    ("solo", "Solo", TeamSize::Solo),
    ("two", "Two people", TeamSize::Two),
    ("five", "Five or more", TeamSize::FiveOrMore),
];

/// The routing's columns, in the order of `AlertingConfig::routes`.
pub const SEVERITIES: [&str; 3] = ["P1", "P2", "P3"];

/// Who can name themselves: the rotation's people and its manager, each once (as shown:
/// without format characters).
pub fn people(config: &AlertingConfig) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    if let Some(rotation) = &config.rotation {
        for person in rotation.people.iter().chain(&rotation.manager) {
            let name = without_format(person.name.clone());
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// Where a channel is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Added in this browser: it can be removed here.
    Local,
    /// The page's own notifications.
    ThisPage,
    Published,
}

/// A channel's line in the routing table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRow {
    /// `data-channel`, and what routing and removing name: as configured, never shown.
    pub id: String,
    /// The id as shown (without format characters).
    pub name: String,
    pub kind: &'static str,
    /// Where it posts, as shown today: the URL (and an ntfy topic), never a routing key.
    pub place: String,
    /// Told for P1, P2, P3.
    pub routed: [bool; 3],
    pub origin: Origin,
}

pub fn channels(config: &AlertingConfig, local: &LocalAlerting) -> Vec<ChannelRow> {
    config
        .channels
        .iter()
        .map(|channel| {
            let id = &channel.id;
            let (kind, place) = match &channel.kind {
                ChannelKind::Browser => ("browser notification", String::new()),
                ChannelKind::Webhook { url } => ("webhook", url.clone()),
                ChannelKind::Slack { url } => ("Slack", url.clone()),
                ChannelKind::Discord { url } => ("Discord", url.clone()),
                ChannelKind::Ntfy { url, topic } => ("ntfy", format!("{url} · {topic}")),
                ChannelKind::PagerDuty { url, .. } => ("PagerDuty", url.clone()),
                ChannelKind::Opsgenie { url, .. } => ("Opsgenie", url.clone()),
                ChannelKind::Email(email) => (
                    "email",
                    format!(
                        "{} · {}:{}",
                        email.to.join(", "),
                        email.smtp.host,
                        email.smtp.port
                    ),
                ),
            };
            let origin = if local.channels.iter().any(|c| c.id == *id) {
                Origin::Local
            } else if id == PUSH {
                Origin::ThisPage
            } else {
                Origin::Published
            };
            ChannelRow {
                id: id.clone(),
                name: without_format(id.clone()),
                kind,
                place: without_format(place),
                routed: [0, 1, 2].map(|index| config.routes[index].contains(id)),
                origin,
            }
        })
        .collect()
}

/// What the routing says of a published channel this console leaves to the runner.
pub fn left_to_runner(why: &LeftToRunner) -> String {
    without_format(match why {
        LeftToRunner::Secret(variable) => format!(
            "Sent by the runner only: its secret is in the runner's environment (${variable})."
        ),
        LeftToRunner::RunnerPublishes => "Sent by the scheduled runner: it publishes for this \
            site, so this console sends only this browser's own channels and notifications \
            (one sender a channel)."
            .to_owned(),
        LeftToRunner::NotFromBrowsers => {
            "Sent by the runner only: Opsgenie's API does not answer browsers.".to_owned()
        }
    })
}

/// The escalation policy in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub lede: String,
    pub steps: Vec<String>,
    pub reminder: Option<String>,
}

pub fn policy(config: &AlertingConfig) -> Policy {
    let steps = config
        .escalation
        .iter()
        .map(|step| {
            let who = match &step.notify {
                Notify::Channels(ids) => format!("channels {}", ids.join(", ")),
                Notify::Primary => "the on-call primary's own channels".to_owned(),
                Notify::Secondary => "the secondary on call".to_owned(),
                Notify::Manager => "the manager".to_owned(),
                Notify::ProcessFailure => {
                    "marked a process failure; the P1 channels are told".to_owned()
                }
            };
            without_format(format!(
                "After {} without an acknowledgement: {who}.",
                duration(step.after)
            ))
        })
        .collect::<Vec<_>>();
    let mut lede = if steps.is_empty() {
        "A P1 does not escalate here.".to_owned()
    } else {
        "A P1 escalates:".to_owned()
    };
    if let Some(after) = config.p2_to_p1_after {
        lede = format!(
            "A P2 not acknowledged within {} becomes a P1. {lede}",
            duration(after)
        );
    }
    Policy {
        lede,
        steps,
        reminder: config
            .reminder_every
            .map(|every| format!("Open alerts are reminded every {}.", duration(every))),
    }
}

/// The kinds of channel the form adds: `value`, label.
pub const CHANNEL_KINDS: [(&str, &str); 5] = [
    ("webhook", "Webhook (JSON, docs/formats.md)"),
    ("slack", "Slack"),
    ("discord", "Discord"),
    ("ntfy", "ntfy"),
    ("pagerduty", "PagerDuty Events v2"),
];

/// What the channel form says first on an origin other sites share (`host`): where a secret
/// entered here can be read, and the two ways to keep it from them.
pub fn shared_origin_warning(host: &str) -> String {
    without_format(format!(
        "Careful: {host} is shared by every site its owner publishes there, and any of them can read what this browser keeps for this page, channel URLs and routing keys included. \
         Before adding a secret, serve the page from a custom domain of its own, or leave the secret to the scheduled runner: \
         name an environment variable in status.json (url_env, routing_key_env) and keep the value in the repository's Actions secrets."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerting::config::Channel;
    use crate::alerting::delivery::{Delivery, Outcome};
    use crate::alerting::desk::{Desk, Read};
    use crate::alerting::dispatch::OnCall;
    use crate::monitor::events::{Alert, AlertKind, AlertReason};

    const T0: Millis = 1_795_219_200_000; // 2026-11-21T00:00:00Z

    fn utc(_: Millis) -> i32 {
        0
    }

    fn desk(config: &AlertingConfig) -> Desk {
        let mut desk = Desk::default();
        desk.take(config, Vec::new(), T0, OnCall::default());
        let reads = [(1, "api <i>"), (2, "web")].map(|(incident, server)| {
            let alert = Alert {
                at: T0 + MINUTE,
                kind: AlertKind::Fire,
                severity: Severity::P1,
                reason: AlertReason::Downtime { incident },
            };
            Read::of(server, alert, &[], &[])
        });
        desk.take(config, reads.to_vec(), T0 + MINUTE, OnCall::default());
        desk.acknowledge(config, "web|downtime|2", "Ana", T0 + 3 * MINUTE);
        desk.resolve(config, "web|downtime|2", "Ana", T0 + 4 * MINUTE);
        desk.record(0, T0 + MINUTE, Outcome::Shown);
        desk
    }

    #[test]
    fn open_alerts_can_be_acknowledged_and_the_week_s_show_their_targets() {
        let config = AlertingConfig::default();
        let desk = desk(&config);
        let alerts = alerts(
            &desk.dispatcher.pages,
            T0 + 10 * MINUTE,
            &utc,
            Responders::OnCall,
        );
        assert_eq!(alerts.open.len(), 1, "one open alert");
        let open = &alerts.open[0];
        assert_eq!(open.key, "api <i>|downtime|1");
        assert_eq!(open.severity, "P1");
        assert!(open.title.starts_with("P1 · api <i>: down"), "{open:?}");
        assert!(
            open.facts.starts_with("since 2026-11-21 00:01 UTC"),
            "{open:?}"
        );
        assert_eq!(
            open.status,
            "Not acknowledged, 0 escalation steps taken. Target 2026-11-21 00:06 UTC: missed."
        );
        assert!(open.can_acknowledge);
        assert_eq!(alerts.past.len(), 1);
        let past = &alerts.past[0];
        assert_eq!(past.key, "web|downtime|2");
        assert_eq!(
            past.acknowledged,
            "Acknowledged by Ana at 2026-11-21 00:03 UTC, after 2 min."
        );
        assert_eq!(past.verdict, "met");
        assert_eq!(past.closed, "2026-11-21 00:04 UTC (by Ana)");
        assert_ne!(past.id, open.key);
    }

    #[test]
    fn the_log_shows_each_delivery_s_result_newest_first() {
        let config = AlertingConfig::default();
        let mut desk = desk(&config);
        let mut blind = Delivery::new("api|downtime|1", "fired", "hook", T0 + 5 * MINUTE);
        blind.record(T0 + 5 * MINUTE, Outcome::Unseen);
        for _ in 0..2 {
            desk.deliveries.push(Sending {
                delivery: blind.clone(),
                message: None,
                claim: None,
            });
        }
        let rows = deliveries(&desk.deliveries);
        let first = &rows[0];
        assert_eq!(
            first.result,
            "sent, result not visible to the browser (sent as no-cors)"
        );
        assert_eq!((first.server.as_str(), first.status), ("api", "sent"));
        assert_eq!(rows.last().unwrap().result, "delivered (shown)");
        let ids: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), rows.len(), "ids are unique: {rows:?}");
    }

    #[test]
    fn settings_show_the_routing_with_this_browser_s_channels_removable() {
        let mut local = LocalAlerting::default();
        local.channels.push(Channel {
            id: "ops".into(),
            kind: ChannelKind::Slack {
                url: "https://hooks.example/x".into(),
            },
        });
        let config = local.over(None);
        let rows = channels(&config, &local);
        let push = rows.iter().find(|r| r.id == PUSH).unwrap();
        assert!(push.routed[0]);
        assert_eq!(push.origin, Origin::ThisPage);
        let ops = rows.iter().find(|r| r.id == "ops").unwrap();
        assert_eq!(ops.routed, [false; 3], "not routed");
        assert_eq!(
            (ops.kind, ops.place.as_str(), ops.origin),
            ("Slack", "https://hooks.example/x", Origin::Local)
        );
        assert!(left_to_runner(&LeftToRunner::Secret("PD_KEY".into())).ends_with("($PD_KEY)."));
        let policy = policy(&config);
        assert!(
            policy.steps[0].starts_with("After 5 min without an acknowledgement"),
            "{policy:?}"
        );
        assert_eq!(permission("default"), (permission("").0, true));
        assert!(!permission("granted").1);
    }

    #[test]
    fn a_pagerduty_routing_key_is_never_shown() {
        let mut local = LocalAlerting::default();
        local.channels.push(Channel {
            id: "pd".into(),
            kind: ChannelKind::PagerDuty {
                url: "https://events.example/v2/enqueue".into(),
                routing_key: "R0UTING".into(),
            },
        });
        let config = local.over(None);
        let rows = channels(&config, &local);
        assert!(rows.iter().all(|r| !format!("{r:?}").contains("R0UTING")));
    }

    #[test]
    fn the_shared_origin_warning_names_the_host_and_both_ways_out() {
        let text = shared_origin_warning("acme.github.io");
        assert!(
            text.contains("acme.github.io is shared by every site its owner publishes there"),
            "{text}"
        );
        assert!(text.contains("custom domain"), "{text}");
        assert!(text.contains("Actions secrets"), "{text}");
    }

    #[test]
    fn maintenance_lists_windows_to_come_with_a_way_to_end_them() {
        let mut declared = vec![
            Declared::new(Some("api".into()), T0, 60, T0, "Ana", "deploy").unwrap(),
            Declared::new(None, T0 + 2 * 60 * MINUTE, 30, T0, "", "").unwrap(),
            Declared::new(None, T0 + 2 * 60 * MINUTE, 30, T0, "", "").unwrap(),
        ];
        let lines = windows(&declared, T0 + 10 * MINUTE);
        assert_eq!(
            lines[0].text,
            "api: under way until 2026-11-21 01:00 UTC — deploy (declared by Ana)"
        );
        assert_eq!(lines[0].end_label, "End now");
        assert_eq!(
            lines[1].text,
            "every server: from 2026-11-21 02:00 UTC to 2026-11-21 02:30 UTC"
        );
        assert_eq!(lines[1].end_label, "Cancel");
        assert_ne!(lines[1].id, lines[2].id, "the same window twice");
        assert_eq!(window_index(&declared, &lines[2].id), Some(2));
        // Over: not listed.
        declared[0].window.end = T0 + 5 * MINUTE;
        assert_eq!(windows(&declared, T0 + 10 * MINUTE).len(), 2);
        assert_eq!(MAX_MINUTES, 240);
    }

    #[test]
    fn names_errors_and_reasons_are_shown_without_format_characters() {
        use crate::alerting::config::Step;
        use crate::alerting::oncall::{Person, Rotation};
        use crate::monitor::events::Incident;
        use crate::view::check::tests::assert_no_format;
        let laced = |text: &str| format!("\u{202E}{text}\u{200B}");
        let server = laced("api <i>");
        let incident = |id| Incident {
            id,
            start: T0,
            end: None,
            severity: Severity::P1,
            layer: None,
            first_error: Some(laced("HTTP 502")),
            evidence: Vec::new(),
            alerted_at: None,
            flapping: false,
            escalate_eligible: true,
        };
        let mut config = AlertingConfig::default();
        let mut desk = Desk::default();
        desk.take(&config, Vec::new(), T0, OnCall::default());
        let reads = [1, 2].map(|id| {
            let alert = Alert {
                at: T0 + MINUTE,
                kind: AlertKind::Fire,
                severity: Severity::P1,
                reason: AlertReason::Downtime { incident: id },
            };
            Read::of(&server, alert, &[incident(id)], &[])
        });
        desk.take(&config, reads.to_vec(), T0 + MINUTE, OnCall::default());
        let (first, second) = (
            format!("{server}|downtime|1"),
            format!("{server}|downtime|2"),
        );
        desk.acknowledge(&config, &first, &laced("Ben"), T0 + 2 * MINUTE);
        desk.acknowledge(&config, &second, &laced("Ana"), T0 + 3 * MINUTE);
        desk.resolve(&config, &second, &laced("Ana"), T0 + 4 * MINUTE);

        let mut alerts = alerts(
            &desk.dispatcher.pages,
            T0 + 10 * MINUTE,
            &utc,
            Responders::OnCall,
        );
        let open = &alerts.open[0];
        // The key names the alert as stored: acknowledging and resolving go by it.
        assert_eq!(open.key, first);
        assert!(open.title.starts_with("P1 · api <i>: down"), "{open:?}");
        assert!(open.facts.ends_with("first error: HTTP 502"), "{open:?}");
        assert!(
            open.status.starts_with("Acknowledged by Ben at"),
            "{open:?}"
        );
        let past = &alerts.past[0];
        assert_eq!(past.key, second);
        assert_eq!(past.closed, "2026-11-21 00:04 UTC (by Ana)");
        for open in &mut alerts.open {
            open.key.clear();
        }
        for past in &mut alerts.past {
            past.id.clear();
            past.key.clear();
        }
        assert_no_format(&format!("{alerts:?}"));

        let mut blind = Delivery::new(&first, &laced("fired"), &laced("hook"), T0 + 5 * MINUTE);
        blind.record(T0 + 5 * MINUTE, Outcome::Answered { status: 500 });
        desk.deliveries.push(Sending {
            delivery: blind,
            message: None,
            claim: None,
        });
        let mut rows = deliveries(&desk.deliveries);
        assert_eq!(
            (rows[0].server.as_str(), rows[0].channel.as_str()),
            ("api <i>", "hook")
        );
        rows.iter_mut().for_each(|row| row.id.clear());
        assert_no_format(&format!("{rows:?}"));

        let declared = [Declared::new(
            Some(server.clone()),
            T0,
            60,
            T0,
            &laced("Ana"),
            &laced("deploy"),
        )
        .unwrap()];
        let mut lines = windows(&declared, T0 + MINUTE);
        assert_eq!(
            lines[0].text,
            "api <i>: under way until 2026-11-21 01:00 UTC — deploy (declared by Ana)"
        );
        // The id finds the window among those declared: as they are.
        assert_eq!(window_index(&declared, &lines[0].id), Some(0));
        lines.iter_mut().for_each(|line| line.id.clear());
        assert_no_format(&format!("{lines:?}"));

        let mut local = LocalAlerting::default();
        local.channels.push(Channel {
            id: laced("ops"),
            kind: ChannelKind::Slack {
                url: laced("https://hooks.example/x"),
            },
        });
        config = local.over(None);
        let person = |name: &str| Person {
            name: laced(name),
            notify: Vec::new(),
        };
        config.rotation = Some(Rotation {
            people: vec![person("Ana"), person("Ben")],
            manager: Some(person("Ana")),
            first_day: 0,
            handoff_minute: 0,
            time_zone: "UTC".into(),
        });
        config.escalation = vec![Step {
            after: 5 * MINUTE,
            notify: Notify::Channels(vec![laced("ops")]),
        }];
        let mut rows = channels(&config, &local);
        let ops = rows.iter().find(|r| r.name == "ops").expect("the channel");
        // Routing and removing name the channel by its id, as configured.
        assert_eq!(ops.id, local.channels[0].id);
        assert_eq!(ops.place, "https://hooks.example/x");
        rows.iter_mut().for_each(|row| row.id.clear());
        assert_no_format(&format!("{rows:?}"));
        assert_eq!(people(&config), ["Ana", "Ben"]);
        let policy = policy(&config);
        assert_eq!(
            policy.steps,
            ["After 5 min without an acknowledgement: channels ops."]
        );
        assert_no_format(&format!("{policy:?}"));
        assert_no_format(&left_to_runner(&LeftToRunner::Secret(laced("PD_KEY"))));
        assert_no_format(&shared_origin_warning(&laced("acme.github.io")));
    }

    #[test]
    fn the_role_says_whether_anything_can_fire() {
        let text = role(Role::Dispatching { by_lease: false }, Some(false));
        assert!(text.starts_with("This tab sends the alerts"), "{text}");
        assert!(text.contains("No status page is open"), "{text}");
        assert!(!role(Role::OtherTab, None).contains("No status page"));
    }
}
