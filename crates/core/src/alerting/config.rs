//! Who is told what, when: the channels, the routing per severity, the P1 escalation policy,
//! reminders, and presets per team size (spec sections 6 and 8).

use super::oncall::Rotation;
use crate::monitor::events::Severity;
use crate::monitor::record::{Millis, MINUTE};
use serde::{Deserialize, Serialize};

/// A place notices go, by its id (`"push"`, `"team-slack"`…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub id: String,
    pub kind: ChannelKind,
}

/// A channel's kind and address. `S` is how its URL or key is held: `String` when it can be
/// used, `Secret` as `status.json` gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ChannelKind<S = String> {
    /// A notification from the page (Notification API); the runner cannot send these.
    Browser,
    /// The documented JSON payload (docs/formats.md), POSTed to `url`.
    Webhook { url: S },
    /// Slack-compatible incoming webhook: `{"text": …}`.
    Slack { url: S },
    /// Discord-compatible webhook: `{"content": …}`, mentions off.
    Discord { url: S },
    /// ntfy-compatible JSON publish to the server at `url`, on `topic`.
    Ntfy { url: S, topic: String },
    /// PagerDuty Events API v2: trigger, acknowledge and resolve, one dedup key an alert.
    PagerDuty { routing_key: S, url: String },
    /// Opsgenie's Alert API: create, acknowledge and close, one alias an alert; `url` is the
    /// API's base (`https://api.eu.opsgenie.com` for the EU instance).
    Opsgenie { api_key: S, url: String },
    /// Email over SMTP, sent by the scheduled runner (no browser speaks SMTP).
    Email(Email<S>),
}

/// An email channel: where mail is handed over, from whom to whom. The login, when the
/// server asks for one, comes from the runner's environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email<S = String> {
    pub smtp: Smtp,
    pub from: String,
    pub to: Vec<String>,
    pub login: Option<Login<S>>,
}

/// Where and how mail is handed over: always encrypted, so that the login and the notices
/// never cross the network in the clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// A plain connection upgraded by STARTTLS before anything else is said; a server that
    /// does not offer it is not sent to (the submission port, 587).
    StartTls,
    /// TLS from the first byte (SMTPS, port 465).
    Implicit,
}

impl SmtpTls {
    /// The port each is served on by convention.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpTls::StartTls => 587,
            SmtpTls::Implicit => 465,
        }
    }
}

/// An SMTP login. Never printed: its `Debug` shows neither part.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login<S = String> {
    pub username: S,
    pub password: S,
}

impl<S> std::fmt::Debug for Login<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Login { .. }")
    }
}

/// A URL or key as `status.json` gives it: written out, or the name of an environment
/// variable the runner reads it from. `status.json` is published with the page: a webhook URL
/// written in it is anyone's to post to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Secret {
    Given(String),
    Env(String),
}

/// The team's chat (the first Slack or Discord channel) and paging tool (the first PagerDuty
/// channel) among `channels`: what a team-size preset routes to (spec section 8).
pub fn team_channels<'a, S: 'a>(
    channels: impl IntoIterator<Item = (&'a str, &'a ChannelKind<S>)>,
) -> (Option<&'a str>, Option<&'a str>) {
    let (mut chat, mut pager) = (None, None);
    for (id, kind) in channels {
        match kind {
            ChannelKind::Slack { .. } | ChannelKind::Discord { .. } => chat = chat.or(Some(id)),
            kind if kind.pages() => pager = pager.or(Some(id)),
            _ => {}
        }
    }
    (chat, pager)
}

impl ChannelKind<Secret> {
    /// The channel with its secrets looked up in `env`; the variable's name when it is not
    /// set (always, in the page, which has no environment).
    pub fn resolve(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<ChannelKind, String> {
        let get = |secret: &Secret| match secret {
            Secret::Given(value) => Ok(value.clone()),
            Secret::Env(name) => env(name).ok_or_else(|| name.clone()),
        };
        Ok(match self {
            ChannelKind::Browser => ChannelKind::Browser,
            ChannelKind::Webhook { url } => ChannelKind::Webhook { url: get(url)? },
            ChannelKind::Slack { url } => ChannelKind::Slack { url: get(url)? },
            ChannelKind::Discord { url } => ChannelKind::Discord { url: get(url)? },
            ChannelKind::Ntfy { url, topic } => ChannelKind::Ntfy {
                url: get(url)?,
                topic: topic.clone(),
            },
            ChannelKind::PagerDuty { routing_key, url } => ChannelKind::PagerDuty {
                routing_key: get(routing_key)?,
                url: url.clone(),
            },
            ChannelKind::Opsgenie { api_key, url } => ChannelKind::Opsgenie {
                api_key: get(api_key)?,
                url: url.clone(),
            },
            ChannelKind::Email(email) => ChannelKind::Email(Email {
                smtp: email.smtp.clone(),
                from: email.from.clone(),
                to: email.to.clone(),
                login: match &email.login {
                    Some(login) => Some(Login {
                        username: get(&login.username)?,
                        password: get(&login.password)?,
                    }),
                    None => None,
                },
            }),
        })
    }
}

/// The Events API v2 endpoint; a config may name another (a proxy, a test receiver).
pub const PAGERDUTY_EVENTS_URL: &str = "https://events.pagerduty.com/v2/enqueue";
/// Opsgenie's API (its US instance); a config may name another (the EU's, a test receiver).
pub const OPSGENIE_API_URL: &str = "https://api.opsgenie.com";

impl<S> ChannelKind<S> {
    /// Only the scheduled runner can send it: the browser has no SMTP, and Opsgenie's API
    /// takes an `Authorization` header no browser sends across origins without its consent.
    pub fn runner_only(&self) -> bool {
        matches!(self, ChannelKind::Opsgenie { .. } | ChannelKind::Email(_))
    }

    /// A paging tool: it opens incidents, which a P3 digest must never do.
    pub fn pages(&self) -> bool {
        matches!(
            self,
            ChannelKind::PagerDuty { .. } | ChannelKind::Opsgenie { .. }
        )
    }
}

/// Whom an escalation step tells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "notify", content = "channels")]
pub enum Notify {
    Channels(Vec<String>),
    /// The channels of whoever is on call (the rotation's primary, secondary, or manager).
    Primary,
    Secondary,
    Manager,
    /// Nobody acknowledged in time: the alert is marked a process failure, to be named in the
    /// post-mortem, and the severity's channels are told.
    ProcessFailure,
}

/// Tell `notify` once the alert has waited `after` without an acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub after: Millis,
    pub notify: Notify,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertingConfig {
    pub channels: Vec<Channel>,
    /// Channel ids told when an alert of each severity fires (P1, P2, P3).
    pub routes: [Vec<String>; 3],
    /// What happens to a P1 nobody acknowledged, step by step (T+0 is the route).
    pub escalation: Vec<Step>,
    /// A P2 nobody acknowledged this long becomes a P1 (and escalates as one).
    pub p2_to_p1_after: Option<Millis>,
    /// While an alert is open, its severity's channels are reminded this often.
    pub reminder_every: Option<Millis>,
    pub rotation: Option<Rotation>,
    /// What the handoff checklist asks the next shift to check it can reach.
    pub access_to_verify: Vec<String>,
    /// Channels routes name that another sender delivers (in the page: those whose secret
    /// only the runner has); this one leaves them.
    #[serde(default)]
    pub sent_elsewhere: Vec<String>,
}

/// How many people share the on-call load (spec section 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamSize {
    /// No pager: P1 as a push only, the rest waits for the morning review.
    Solo,
    /// A weekly rotation; the secondary is told when the primary has not acknowledged a P1
    /// within 15 minutes.
    Two,
    /// Formal escalation in a dedicated tool (PagerDuty, Opsgenie…), fed by webhooks.
    FiveOrMore,
}

/// The id of the page's own notification channel in every preset.
pub const PUSH: &str = "push";

impl Default for AlertingConfig {
    /// The spec's defaults: P1 by push; at T+5 a second channel, the on-call primary's own
    /// (their phone, say, from the rotation); the secondary at T+15, the manager at T+30, a
    /// process failure at T+60; a P2 becomes a P1 after 30 minutes unacknowledged; reminders
    /// every 30 minutes. P2 and P3 go nowhere until routed (the morning review lists them).
    fn default() -> Self {
        AlertingConfig {
            channels: vec![Channel {
                id: PUSH.into(),
                kind: ChannelKind::Browser,
            }],
            routes: [vec![PUSH.into()], Vec::new(), Vec::new()],
            escalation: vec![
                step(5, Notify::Primary),
                step(15, Notify::Secondary),
                step(30, Notify::Manager),
                step(60, Notify::ProcessFailure),
            ],
            p2_to_p1_after: Some(30 * MINUTE),
            reminder_every: Some(30 * MINUTE),
            rotation: None,
            access_to_verify: Vec::new(),
            sent_elsewhere: Vec::new(),
        }
    }
}

fn step(minutes: i64, notify: Notify) -> Step {
    Step {
        after: minutes * MINUTE,
        notify,
    }
}

impl AlertingConfig {
    /// The routing and escalation spec section 8 describes for a team of `size`, keeping the
    /// channels, rotation and access list already set. `chat` and `pager` name the team's chat
    /// channel and its paging tool's channel, where it has them.
    pub fn preset(&self, size: TeamSize, chat: Option<&str>, pager: Option<&str>) -> Self {
        let chat: Vec<String> = chat.map(str::to_owned).into_iter().collect();
        let (routes, escalation, p2_to_p1_after, reminder_every) = match size {
            TeamSize::Solo => (
                [vec![PUSH.into()], chat.clone(), Vec::new()],
                Vec::new(),
                None,
                None,
            ),
            TeamSize::Two => (
                [vec![PUSH.into()], chat.clone(), chat.clone()],
                vec![step(0, Notify::Primary), step(15, Notify::Secondary)],
                Some(30 * MINUTE),
                Some(30 * MINUTE),
            ),
            // The paging tool escalates: it gets every P1 and P2 (and their acknowledgements
            // and resolutions, through one dedup key); chat gets the rest.
            TeamSize::FiveOrMore => {
                let pager: Vec<String> = pager.map(str::to_owned).into_iter().collect();
                let paged = [pager.clone(), chat.clone()].concat();
                ([paged.clone(), paged, chat.clone()], Vec::new(), None, None)
            }
        };
        AlertingConfig {
            routes,
            escalation,
            p2_to_p1_after,
            reminder_every,
            ..self.clone()
        }
    }

    pub fn route(&self, severity: Severity) -> &[String] {
        &self.routes[severity_index(severity)]
    }

    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    /// The rotation's time zone (IANA name), UTC without a rotation.
    pub fn time_zone(&self) -> &str {
        self.rotation
            .as_ref()
            .map_or("UTC", |r| r.time_zone.as_str())
    }
}

fn severity_index(severity: Severity) -> usize {
    match severity {
        Severity::P1 => 0,
        Severity::P2 => 1,
        Severity::P3 => 2,
    }
}
