//! The `alerting` section of `status.json`: channels, routing per severity, the escalation
//! policy, reminders, the on-call rotation, the access to verify at a handoff, and a team-size
//! preset to start from. Channel URLs and keys can name an environment variable
//! (`url_env`, `routing_key_env`) instead of being written in the published file.

use super::fields::{Choice, Object, OneOf, SafeLink, Text, Whole};
use super::{fail, quoted, SiteError};
use crate::alerting::config::{
    team_channels, AlertingConfig, Channel, ChannelKind, Email, Login, Notify, Secret, Smtp,
    SmtpTls, Step, TeamSize, OPSGENIE_API_URL, PAGERDUTY_EVENTS_URL, PUSH,
};
use crate::alerting::oncall::{day_of, minute_of, Person, Rotation};
use crate::monitor::record::MINUTE;
use serde::Deserialize;

/// A day: longer waits are not escalation.
const MAX_MINUTES: u32 = 1_440;
const MAX_ID: usize = 60;

/// A list of channel ids.
type References = Option<Vec<Text<MAX_ID>>>;

/// The section as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAlerting {
    team_size: Option<OneOf<TeamSize>>,
    channels: Option<Vec<Object<RawChannel>>>,
    routes: Option<Object<RawRoutes>>,
    escalation: Option<Vec<Object<RawStep>>>,
    p2_to_p1_after_min: Option<Whole<1, MAX_MINUTES>>,
    reminder_every_min: Option<Whole<0, MAX_MINUTES>>,
    on_call: Option<Object<RawOnCall>>,
    access_to_verify: Option<Vec<Text<200>>>,
    status_page_url: Option<SafeLink>,
}

/// A channel: which fields it needs depends on its kind (`channel`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChannel {
    id: Text<MAX_ID>,
    kind: OneOf<Kind>,
    url: Option<Text<2_000>>,
    url_env: Option<Text<100>>,
    topic: Option<Text<64>>,
    routing_key: Option<Text<200>>,
    routing_key_env: Option<Text<100>>,
    api_key: Option<Text<200>>,
    api_key_env: Option<Text<100>>,
    to: Option<Vec<Text<MAX_ADDRESS>>>,
    from: Option<Text<MAX_ADDRESS>>,
    smtp_host: Option<Text<253>>,
    smtp_port: Option<Whole<1, 65_535>>,
    smtp_tls: Option<OneOf<SmtpTls>>,
    username: Option<Text<200>>,
    username_env: Option<Text<100>>,
    /// Read only to refuse it: a password is never written in the published file.
    password: Option<serde::de::IgnoredAny>,
    password_env: Option<Text<100>>,
}

/// RFC 5321's limit on a mailbox's length.
const MAX_ADDRESS: usize = 254;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRoutes {
    #[serde(rename = "P1")]
    p1: References,
    #[serde(rename = "P2")]
    p2: References,
    #[serde(rename = "P3")]
    p3: References,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStep {
    after_min: Whole<0, MAX_MINUTES>,
    notify: OneOf<Whom>,
    channels: References,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOnCall {
    people: Option<Vec<Object<RawPerson>>>,
    manager: Option<Object<RawPerson>>,
    first_day: Text<10>,
    handoff_time: Option<Text<5>>,
    time_zone: Option<Text<64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPerson {
    name: Text<100>,
    notify: References,
}

impl Choice for TeamSize {
    const CHOICES: &'static [(&'static str, TeamSize)] = &[
        ("solo", TeamSize::Solo),
        ("two", TeamSize::Two),
        ("five_or_more", TeamSize::FiveOrMore),
    ];
}

/// A channel's `kind`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    Browser,
    Webhook,
    Slack,
    Discord,
    Ntfy,
    PagerDuty,
    Opsgenie,
    Email,
}

impl Choice for SmtpTls {
    const CHOICES: &'static [(&'static str, SmtpTls)] =
        &[("starttls", SmtpTls::StartTls), ("tls", SmtpTls::Implicit)];
}

impl Choice for Kind {
    const CHOICES: &'static [(&'static str, Kind)] = &[
        ("browser", Kind::Browser),
        ("webhook", Kind::Webhook),
        ("slack", Kind::Slack),
        ("discord", Kind::Discord),
        ("ntfy", Kind::Ntfy),
        ("pagerduty", Kind::PagerDuty),
        ("opsgenie", Kind::Opsgenie),
        ("email", Kind::Email),
    ];
}

/// Whom an escalation step tells (`notify`); `Channels` names them in `channels`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Whom {
    Channels,
    Primary,
    Secondary,
    Manager,
    ProcessFailure,
}

impl Choice for Whom {
    const CHOICES: &'static [(&'static str, Whom)] = &[
        ("channels", Whom::Channels),
        ("primary", Whom::Primary),
        ("secondary", Whom::Secondary),
        ("manager", Whom::Manager),
        ("process_failure", Whom::ProcessFailure),
    ];
}

/// The section as read: the policy, and the channels whose secrets the runner looks up.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertingSite {
    /// The policy; its channels are the ones that need no secret (`resolve` adds the rest).
    pub config: AlertingConfig,
    pub channels: Vec<(String, ChannelKind<Secret>)>,
    /// Where the page is published: notices link to it.
    pub status_page_url: Option<String>,
}

/// Why the on-call console leaves one of `status.json`'s channels to the scheduled runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeftToRunner {
    /// Its secret is in the runner's environment (this variable), not in the browser's.
    Secret(String),
    /// A runner publishes for this site: the file's channels are its to send, so that each
    /// channel has exactly one sender.
    RunnerPublishes,
    /// Browsers cannot send it: email (no SMTP in a browser), or an API that does not
    /// answer pages (Opsgenie's needs an `Authorization` header, which no browser sends across
    /// origins without the API's CORS consent).
    NotFromBrowsers,
}

impl AlertingSite {
    /// The policy as the on-call console runs it, and the channels it leaves to the runner:
    /// those whose secret only the runner has and, when a runner publishes
    /// (`runner_publishes`: its summary is fresh), every one but the browser's own
    /// notifications. They leave the policy's channels and are marked `sent_elsewhere`:
    /// routes that name them are the runner's to follow.
    pub fn console_policy(
        &self,
        runner_publishes: bool,
    ) -> (AlertingConfig, Vec<(String, LeftToRunner)>) {
        let (mut config, missing) = self.resolve(&|_| None);
        let mut left: Vec<(String, LeftToRunner)> = missing
            .into_iter()
            .map(|(id, variable)| (id, LeftToRunner::Secret(variable)))
            .collect();
        left.extend(
            self.channels
                .iter()
                .filter(|(id, kind)| kind.runner_only() && !left.iter().any(|(l, _)| l == id))
                .map(|(id, _)| (id.clone(), LeftToRunner::NotFromBrowsers))
                .collect::<Vec<_>>(),
        );
        if runner_publishes {
            left.extend(
                config
                    .channels
                    .iter()
                    .filter(|c| c.kind != ChannelKind::Browser && !c.kind.runner_only())
                    .map(|c| (c.id.clone(), LeftToRunner::RunnerPublishes)),
            );
        }
        config.sent_elsewhere = left.iter().map(|(id, _)| id.clone()).collect();
        config
            .channels
            .retain(|c| !config.sent_elsewhere.contains(&c.id));
        (config, left)
    }

    /// The policy with every channel whose secrets `env` has; the others, with the variable
    /// each one misses, are left out and listed.
    pub fn resolve(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> (AlertingConfig, Vec<(String, String)>) {
        let mut config = self.config.clone();
        let mut missing = Vec::new();
        config.channels.clear();
        for (id, kind) in &self.channels {
            match kind.resolve(env) {
                Ok(kind) => config.channels.push(Channel {
                    id: id.clone(),
                    kind,
                }),
                Err(variable) => missing.push((id.clone(), variable)),
            }
        }
        (config, missing)
    }
}

/// The section, checked: channel ids unique and every reference to one defined.
pub(super) fn alerting(raw: RawAlerting) -> Result<AlertingSite, SiteError> {
    let mut channels = vec![(PUSH.to_owned(), ChannelKind::Browser)];
    let raw_channels = raw.channels.unwrap_or_default().into_iter();
    for (index, Object(item)) in raw_channels.enumerate() {
        let path = format!("alerting.channels[{index}]");
        let (id, kind) = channel(item, &path)?;
        if id == PUSH {
            channels.retain(|(known, _)| known != PUSH);
        } else if channels.iter().any(|(known, _)| *known == id) {
            return fail(format!("{path}.id"), "another channel has this id");
        }
        channels.push((id, kind));
    }
    let ids: Vec<String> = channels.iter().map(|(id, _)| id.clone()).collect();
    let (chat, pager) = team_channels(channels.iter().map(|(id, kind)| (id.as_str(), kind)));
    let mut config = AlertingConfig::default();
    if let Some(OneOf(size)) = raw.team_size {
        config = config.preset(size, chat, pager);
    }
    if let Some(Object(routes)) = raw.routes {
        let given = [("P1", routes.p1), ("P2", routes.p2), ("P3", routes.p3)];
        for (index, (severity, list)) in given.into_iter().enumerate() {
            if let Some(list) = list {
                let path = format!("alerting.routes.{severity}");
                config.routes[index] = references(Some(list), &path, &ids)?;
            }
        }
    }
    if let Some(steps) = raw.escalation {
        config.escalation = Vec::new();
        for (index, Object(item)) in steps.into_iter().enumerate() {
            let path = format!("alerting.escalation[{index}]");
            let step = step(item, &path, &ids)?;
            if let Some(before) = config.escalation.last().filter(|s| s.after > step.after) {
                return fail(
                    format!("{path}.after_min"),
                    format!(
                        "steps in the order they happen (after_min growing): the step before \
                         comes after {} minutes, this one after {}",
                        before.after / MINUTE,
                        step.after / MINUTE
                    ),
                );
            }
            config.escalation.push(step);
        }
    }
    if let Some(Whole(minutes)) = raw.p2_to_p1_after_min {
        config.p2_to_p1_after = Some(i64::from(minutes) * MINUTE);
    }
    if let Some(Whole(minutes)) = raw.reminder_every_min {
        config.reminder_every = (minutes > 0).then_some(i64::from(minutes) * MINUTE);
    }
    if let Some(Object(on_call)) = raw.on_call {
        config.rotation = Some(rotation(on_call, "alerting.on_call", &ids)?);
    }
    config.access_to_verify = (raw.access_to_verify.unwrap_or_default().into_iter())
        .map(|Text(text)| text)
        .collect();
    // Channels that need no secret are ready as they are (`resolve` adds the others).
    config.channels = channels
        .iter()
        .filter_map(|(id, kind)| {
            let kind = kind.resolve(&|_| None).ok()?;
            Some(Channel {
                id: id.clone(),
                kind,
            })
        })
        .collect();
    Ok(AlertingSite {
        config,
        channels,
        status_page_url: raw.status_page_url.map(|SafeLink(url)| url),
    })
}

/// The channel at `path`, with the fields its kind needs.
fn channel(mut raw: RawChannel, path: &str) -> Result<(String, ChannelKind<Secret>), SiteError> {
    let text = |field: Option<Text<2_000>>| field.map(|Text(text)| text);
    let env = |field: Option<Text<100>>| field.map(|Text(text)| text);
    let (url, url_env) = (text(raw.url.take()), env(raw.url_env.take()));
    let posts_to = |url, url_env| match secret(url, url_env, path, "url", "url_env")? {
        Secret::Given(url) => web_url(url, &format!("{path}.url")).map(Secret::Given),
        from_env => Ok(from_env),
    };
    let kind = match raw.kind.0 {
        Kind::Browser => ChannelKind::Browser,
        Kind::Webhook => ChannelKind::Webhook {
            url: posts_to(url, url_env)?,
        },
        Kind::Slack => ChannelKind::Slack {
            url: posts_to(url, url_env)?,
        },
        Kind::Discord => ChannelKind::Discord {
            url: posts_to(url, url_env)?,
        },
        Kind::Ntfy => ChannelKind::Ntfy {
            url: posts_to(url, url_env)?,
            topic: match raw.topic {
                Some(Text(topic)) => topic,
                None => return fail(format!("{path}.topic"), "required"),
            },
        },
        Kind::PagerDuty => ChannelKind::PagerDuty {
            routing_key: secret(
                raw.routing_key.map(|Text(key)| key),
                env(raw.routing_key_env),
                path,
                "routing_key",
                "routing_key_env",
            )?,
            url: match url {
                Some(url) => web_url(url, &format!("{path}.url"))?,
                None => PAGERDUTY_EVENTS_URL.to_owned(),
            },
        },
        Kind::Opsgenie => ChannelKind::Opsgenie {
            api_key: secret(
                raw.api_key.map(|Text(key)| key),
                env(raw.api_key_env),
                path,
                "api_key",
                "api_key_env",
            )?,
            url: match url {
                Some(url) => web_url(url, &format!("{path}.url"))?,
                None => OPSGENIE_API_URL.to_owned(),
            },
        },
        Kind::Email => email(&mut raw, path)?,
    };
    Ok((raw.id.0, kind))
}

/// An email channel: the server, the addresses, and the login from the environment.
fn email(raw: &mut RawChannel, path: &str) -> Result<ChannelKind<Secret>, SiteError> {
    let Some(Text(host)) = raw.smtp_host.take() else {
        return fail(
            format!("{path}.smtp_host"),
            "required: the SMTP server's host name",
        );
    };
    let tls = raw.smtp_tls.map_or(SmtpTls::StartTls, |OneOf(tls)| tls);
    let port = match raw.smtp_port {
        Some(Whole(port)) => port as u16,
        None => tls.default_port(),
    };
    let Some(Text(from)) = raw.from.take() else {
        return fail(format!("{path}.from"), "required: the sender's address");
    };
    address(&from, &format!("{path}.from"))?;
    let to: Vec<String> = (raw.to.take().unwrap_or_default().into_iter())
        .map(|Text(t)| t)
        .collect();
    if to.is_empty() {
        return fail(format!("{path}.to"), "at least one address");
    }
    for (index, to) in to.iter().enumerate() {
        address(to, &format!("{path}.to[{index}]"))?;
    }
    if raw.password.is_some() {
        return fail(
            format!("{path}.password"),
            "status.json is published: name the environment variable that holds it in \
             `password_env`",
        );
    }
    let username = raw.username.take().map(|Text(name)| name);
    let username_env = raw.username_env.take().map(|Text(name)| name);
    let login = match (
        username.is_some() || username_env.is_some(),
        raw.password_env.take(),
    ) {
        (false, None) => None,
        (true, Some(Text(password))) => Some(Login {
            username: secret(username, username_env, path, "username", "username_env")?,
            password: Secret::Env(password),
        }),
        (false, Some(_)) => {
            return fail(
                format!("{path}.username"),
                "required with `password_env` (or `username_env`)",
            )
        }
        (true, None) => {
            return fail(
                format!("{path}.password_env"),
                "required with a username: the environment variable that holds the password",
            )
        }
    };
    Ok(ChannelKind::Email(Email {
        smtp: Smtp { host, port, tls },
        from,
        to,
        login,
    }))
}

/// A plain address, `local@domain`: no display name, space or angle bracket, which the
/// message's headers are built from.
fn address(text: &str, path: &str) -> Result<(), SiteError> {
    let plain =
        !text.contains(|c: char| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c));
    match text.split_once('@') {
        Some((local, domain)) if plain && !local.is_empty() && domain.contains('.') => Ok(()),
        _ => fail(
            path.to_owned(),
            format!(
                "expected an email address (name@example.com), found {}",
                quoted(text)
            ),
        ),
    }
}

/// `key` written out (`given`), or `env_key` naming the variable that holds it (`env`):
/// exactly one of them.
fn secret(
    given: Option<String>,
    env: Option<String>,
    path: &str,
    key: &str,
    env_key: &str,
) -> Result<Secret, SiteError> {
    match (given, env) {
        (Some(given), None) => Ok(Secret::Given(given)),
        (None, Some(name)) => Ok(Secret::Env(name)),
        (Some(_), Some(_)) => fail(
            format!("{path}.{env_key}"),
            format!("either `{key}` or `{env_key}`, not both"),
        ),
        (None, None) => fail(
            format!("{path}.{key}"),
            format!("required (or `{env_key}`: an environment variable that holds it)"),
        ),
    }
}

/// An absolute http(s) URL: where a driver posts.
fn web_url(url: String, path: &str) -> Result<String, SiteError> {
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(url)
    } else {
        fail(
            path.to_owned(),
            format!("expected an http(s) URL, found {}", quoted(&url)),
        )
    }
}

fn step(raw: RawStep, path: &str, ids: &[String]) -> Result<Step, SiteError> {
    let notify = match raw.notify.0 {
        Whom::Channels => {
            Notify::Channels(references(raw.channels, &format!("{path}.channels"), ids)?)
        }
        Whom::Primary => Notify::Primary,
        Whom::Secondary => Notify::Secondary,
        Whom::Manager => Notify::Manager,
        Whom::ProcessFailure => Notify::ProcessFailure,
    };
    Ok(Step {
        after: i64::from(raw.after_min.0) * MINUTE,
        notify,
    })
}

fn rotation(raw: RawOnCall, path: &str, ids: &[String]) -> Result<Rotation, SiteError> {
    let people = (raw.people.unwrap_or_default().into_iter().enumerate())
        .map(|(index, Object(item))| person(item, &format!("{path}.people[{index}]"), ids))
        .collect::<Result<Vec<_>, _>>()?;
    if people.is_empty() {
        return fail(format!("{path}.people"), "at least one person");
    }
    let Text(first_day) = raw.first_day;
    let Some(first_day) = day_of(&first_day) else {
        return fail(
            format!("{path}.first_day"),
            format!(
                "expected a date as YYYY-MM-DD, found {}",
                quoted(&first_day)
            ),
        );
    };
    let handoff_minute = match raw.handoff_time {
        Some(Text(time)) => match minute_of(&time) {
            Some(minute) => minute,
            None => {
                return fail(
                    format!("{path}.handoff_time"),
                    format!("expected a time of day as HH:MM, found {}", quoted(&time)),
                )
            }
        },
        None => 9 * 60,
    };
    let time_zone = raw
        .time_zone
        .map_or_else(|| "UTC".into(), |Text(zone)| zone);
    let zone_like = time_zone
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c));
    if !zone_like {
        return fail(
            format!("{path}.time_zone"),
            format!(
                "expected an IANA time zone such as Europe/Berlin, found {}",
                quoted(&time_zone)
            ),
        );
    }
    let manager = match raw.manager {
        Some(Object(manager)) => Some(person(manager, &format!("{path}.manager"), ids)?),
        None => None,
    };
    Ok(Rotation {
        people,
        manager,
        first_day,
        handoff_minute,
        time_zone,
    })
}

fn person(raw: RawPerson, path: &str, ids: &[String]) -> Result<Person, SiteError> {
    Ok(Person {
        name: raw.name.0,
        notify: references(raw.notify, &format!("{path}.notify"), ids)?,
    })
}

/// The list of channel ids at `path`, each one defined (none when absent).
fn references(list: References, path: &str, ids: &[String]) -> Result<Vec<String>, SiteError> {
    let mut out = Vec::new();
    for (index, Text(id)) in list.unwrap_or_default().into_iter().enumerate() {
        if !ids.contains(&id) {
            return fail(
                format!("{path}[{index}]"),
                format!(
                    "not a channel id (channels: {}), found {}",
                    ids.join(", "),
                    quoted(&id)
                ),
            );
        }
        out.push(id);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::SiteConfig;
    use super::*;

    fn read(alerting: &str) -> Result<AlertingSite, String> {
        let text = format!(r#"{{"servers": [], "alerting": {alerting}}}"#);
        SiteConfig::parse(&text)
            .map(|site| site.alerting.unwrap())
            .map_err(|e| e.to_string())
    }

    const TEAM: &str = r#"{
        "team_size": "two",
        "channels": [
            {"id": "chat", "kind": "slack", "url_env": "SLACK_URL"},
            {"id": "pd", "kind": "pagerduty", "routing_key_env": "PD_KEY"},
            {"id": "ana-phone", "kind": "ntfy", "url": "https://ntfy.example", "topic": "ana"},
            {"id": "hook", "kind": "webhook", "url": "https://hooks.example/x"}
        ],
        "routes": {"P3": ["hook"]},
        "reminder_every_min": 0,
        "on_call": {
            "people": [{"name": "Ana", "notify": ["ana-phone"]}, {"name": "Ben"}],
            "manager": {"name": "Cy", "notify": ["hook"]},
            "first_day": "2026-11-02",
            "handoff_time": "08:30",
            "time_zone": "Europe/Berlin"
        },
        "access_to_verify": ["PagerDuty login"],
        "status_page_url": "https://acme.example/status/"
    }"#;

    #[test]
    fn a_team_section_reads_with_its_preset_and_its_own_changes() {
        let site = read(TEAM).unwrap();
        let config = &site.config;
        assert_eq!(config.routes[0], [PUSH]);
        assert_eq!(
            config.routes[1],
            ["chat"],
            "the preset's chat: the first slack channel"
        );
        assert_eq!(config.routes[2], ["hook"], "changed here");
        assert_eq!(config.escalation.len(), 2, "the two-person preset");
        assert_eq!(config.reminder_every, None);
        let rotation = config.rotation.as_ref().unwrap();
        assert_eq!(rotation.people[0].notify, ["ana-phone"]);
        assert_eq!(rotation.handoff_minute, 8 * 60 + 30);
        assert_eq!(rotation.time_zone, "Europe/Berlin");
        assert_eq!(rotation.manager.as_ref().unwrap().name, "Cy");
        assert_eq!(config.access_to_verify, ["PagerDuty login"]);
        assert_eq!(
            site.status_page_url.as_deref(),
            Some("https://acme.example/status/")
        );
        // Ready without secrets: push, ntfy and the webhook; chat and pd wait for the runner.
        let ready: Vec<&str> = config.channels.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ready, [PUSH, "ana-phone", "hook"]);
    }

    #[test]
    fn an_email_channel_takes_its_login_from_the_environment_and_is_the_runners() {
        let site = read(
            r#"{"channels": [
                {"id": "mail", "kind": "email", "smtp_host": "smtp.example", "from": "status@acme.example",
                 "to": ["oncall@acme.example", "cto@acme.example"], "username": "status@acme.example",
                 "password_env": "SMTP_PASSWORD"},
                {"id": "relay", "kind": "email", "smtp_host": "relay.internal", "smtp_tls": "tls",
                 "from": "status@acme.example", "to": ["ops@acme.example"]}
            ], "routes": {"P3": ["mail"]}}"#,
        )
        .unwrap();
        let env = |name: &str| (name == "SMTP_PASSWORD").then(|| "hunter2".to_owned());
        let (config, missing) = site.resolve(&env);
        assert!(missing.is_empty(), "{missing:?}");
        assert_eq!(
            config.channel("mail").unwrap().kind,
            ChannelKind::Email(Email {
                smtp: Smtp {
                    host: "smtp.example".into(),
                    port: 587,
                    tls: SmtpTls::StartTls
                },
                from: "status@acme.example".into(),
                to: vec!["oncall@acme.example".into(), "cto@acme.example".into()],
                login: Some(Login {
                    username: "status@acme.example".into(),
                    password: "hunter2".into()
                }),
            })
        );
        let ChannelKind::Email(relay) = &config.channel("relay").unwrap().kind else {
            panic!("an email channel");
        };
        assert_eq!(
            (relay.smtp.port, relay.smtp.tls, &relay.login),
            (465, SmtpTls::Implicit, &None)
        );
        // Without the variable the runner names it; the console leaves both to the runner.
        let (_, missing) = site.resolve(&|_| None);
        assert_eq!(missing, [("mail".to_owned(), "SMTP_PASSWORD".to_owned())]);
        let (console, left) = site.console_policy(false);
        assert_eq!(
            left,
            [
                (
                    "mail".to_owned(),
                    LeftToRunner::Secret("SMTP_PASSWORD".into())
                ),
                ("relay".to_owned(), LeftToRunner::NotFromBrowsers)
            ]
        );
        assert!(console.channel("relay").is_none());
        assert_eq!(console.sent_elsewhere, ["mail", "relay"]);
    }

    #[test]
    fn secrets_come_from_the_runners_environment() {
        let site = read(TEAM).unwrap();
        let env =
            |name: &str| (name == "SLACK_URL").then(|| "https://hooks.slack.example/T1".to_owned());
        let (config, missing) = site.resolve(&env);
        assert_eq!(missing, [("pd".to_owned(), "PD_KEY".to_owned())]);
        let chat = config.channel("chat").unwrap();
        assert_eq!(
            chat.kind,
            ChannelKind::Slack {
                url: "https://hooks.slack.example/T1".into()
            }
        );
        assert!(config.channel("pd").is_none());
    }

    #[test]
    fn mistakes_are_named_by_their_place() {
        let cases = [
            (r#"{"channels": [{"id": "x", "kind": "sms"}]}"#,
             "alerting.channels[0].kind: expected one of browser, webhook, slack, discord, ntfy, pagerduty, opsgenie, email, found \"sms\""),
            (r#"{"channels": [{"id": "m", "kind": "email", "to": ["a@b.example"], "from": "s@b.example"}]}"#,
             "alerting.channels[0].smtp_host: required: the SMTP server's host name"),
            (r#"{"channels": [{"id": "m", "kind": "email", "smtp_host": "smtp.example", "from": "s@b.example"}]}"#,
             "alerting.channels[0].to: at least one address"),
            (r#"{"channels": [{"id": "m", "kind": "email", "smtp_host": "smtp.example", "from": "s@b.example", "to": ["x@y.example", "Eve <e@y.example>"]}]}"#,
             "alerting.channels[0].to[1]: expected an email address (name@example.com), found \"Eve <e@y.example>\""),
            (r#"{"channels": [{"id": "m", "kind": "email", "smtp_host": "smtp.example", "from": "s@b.example", "to": ["x@y.example"], "username": "s", "password": "hunter2"}]}"#,
             "alerting.channels[0].password: status.json is published: name the environment variable that holds it in `password_env`"),
            (r#"{"channels": [{"id": "m", "kind": "email", "smtp_host": "smtp.example", "from": "s@b.example", "to": ["x@y.example"], "username": "s"}]}"#,
             "alerting.channels[0].password_env: required with a username: the environment variable that holds the password"),
            (r#"{"channels": [{"id": "m", "kind": "email", "smtp_host": "smtp.example", "from": "s@b.example", "to": ["x@y.example"], "smtp_tls": "none"}]}"#,
             "alerting.channels[0].smtp_tls: expected one of starttls, tls, found \"none\""),
            (r#"{"channels": [{"id": "x"}]}"#,
             "alerting.channels[0].kind: required"),
            (r#"{"channels": [{"id": "x", "kind": "slack"}]}"#,
             "alerting.channels[0].url: required (or `url_env`: an environment variable that holds it)"),
            (r#"{"channels": [{"id": "x", "kind": "slack", "url": "https://a.example", "url_env": "A"}]}"#,
             "alerting.channels[0].url_env: either `url` or `url_env`, not both"),
            (r#"{"channels": [{"id": "x", "kind": "webhook", "url": "ftp://a.example"}]}"#,
             "alerting.channels[0].url: expected an http(s) URL, found \"ftp://a.example\""),
            (r#"{"channels": [{"id": "x", "kind": "pagerduty", "routing_key": "k", "url": "a"}]}"#,
             "alerting.channels[0].url: expected an http(s) URL, found \"a\""),
            (r#"{"channels": [{"id": "x", "kind": "ntfy", "url": "https://n.example"}]}"#,
             "alerting.channels[0].topic: required"),
            (r#"{"channels": [{"id": "x", "kind": "ntfy", "topik": "t"}]}"#,
             "alerting.channels[0].topik: unknown field (did you mean `topic`?)"),
            (r#"{"channels": {"id": "x"}}"#,
             "alerting.channels: expected a list, found an object"),
            (r#"{"routes": {"P1": ["pager"]}}"#,
             "alerting.routes.P1[0]: not a channel id (channels: push), found \"pager\""),
            (r#"{"routes": {"P4": []}}"#,
             "alerting.routes.P4: unknown field (did you mean `P1`?)"),
            (r#"{"escalation": [{"after_min": 15, "notify": "secondary"}, {"after_min": 5, "notify": "primary"}]}"#,
             "alerting.escalation[1].after_min: steps in the order they happen (after_min growing): the step before comes after 15 minutes, this one after 5"),
            (r#"{"escalation": [{"after_min": 15, "notify": "channels", "channels": ["nope"]}]}"#,
             "alerting.escalation[0].channels[0]: not a channel id (channels: push), found \"nope\""),
            (r#"{"escalation": [{"notify": "primary"}]}"#,
             "alerting.escalation[0].after_min: required"),
            (r#"{"p2_to_p1_after_min": 0}"#,
             "alerting.p2_to_p1_after_min: expected a whole number from 1 to 1440, found 0"),
            (r#"{"on_call": {"people": [], "first_day": "2026-11-02"}}"#,
             "alerting.on_call.people: at least one person"),
            (r#"{"on_call": {"people": [{"name": "A"}], "first_day": "2026-13-01"}}"#,
             "alerting.on_call.first_day: expected a date as YYYY-MM-DD, found \"2026-13-01\""),
            (r#"{"on_call": {"people": [{"name": "A"}], "first_day": "2026-11-02", "handoff_time": "9am"}}"#,
             "alerting.on_call.handoff_time: expected a time of day as HH:MM, found \"9am\""),
            (r#"{"on_call": {"people": [{"name": "A"}], "first_day": "2026-11-02", "time_zone": "Berlin time"}}"#,
             "alerting.on_call.time_zone: expected an IANA time zone such as Europe/Berlin, found \"Berlin time\""),
            (r#"{"on_call": {"people": [{"name": "A"}], "first_day": "2026-11-02", "manager": {"nam": "C"}}}"#,
             "alerting.on_call.manager.nam: unknown field (did you mean `name`?)"),
            (r#"{"on_call": {"people": [{"name": "A", "notify": ["x"]}], "first_day": "2026-11-02"}}"#,
             "alerting.on_call.people[0].notify[0]: not a channel id (channels: push), found \"x\""),
            (r#"{"team_sise": "two"}"#,
             "alerting.team_sise: unknown field (did you mean `team_size`?)"),
            (r#"{"team_size": 2}"#,
             "alerting.team_size: expected one of solo, two, five_or_more, found 2"),
            (r#"{"access_to_verify": ["ok", ""]}"#,
             "alerting.access_to_verify[1]: expected a non-empty string of at most 200 characters, found \"\""),
            (r#"{"channels": [{"id": "a", "kind": "browser"}, {"id": "a", "kind": "browser"}]}"#,
             "alerting.channels[1].id: another channel has this id"),
            (r#"[]"#, "alerting: expected an object, found a list"),
        ];
        for (section, expected) in cases {
            assert_eq!(read(section).unwrap_err(), expected, "{section}");
        }
    }

    #[test]
    fn words_of_a_closed_set_are_read_as_text_is() {
        let site = read(r#"{"team_size": " two\u200b", "channels": [{"id": "c", "kind": "ntfy\u202e", "url": "https://n.example", "topic": "t"}]}"#).unwrap();
        assert_eq!(site.config.escalation.len(), 2, "the two-person preset");
        assert!(matches!(site.channels[1].1, ChannelKind::Ntfy { .. }));
    }
}
