//! The `alerting` section of `status.json`: channels, routing per severity, the escalation
//! policy, reminders, the on-call rotation, the access to verify at a handoff, and a team-size
//! preset to start from. Channel URLs and keys can name an environment variable
//! (`url_env`, `routing_key_env`) instead of being written in the published file.

use super::reader::{Node, Object};
use super::SiteError;
use crate::alerting::config::{
    team_channels, AlertingConfig, Channel, ChannelKind, Notify, Secret, Step, TeamSize,
    PAGERDUTY_EVENTS_URL, PUSH,
};
use crate::alerting::oncall::{day_of, minute_of, Person, Rotation};
use crate::monitor::record::MINUTE;

pub(super) const ALERTING_FIELDS: &[&str] = &[
    "team_size",
    "channels",
    "routes",
    "escalation",
    "p2_to_p1_after_min",
    "reminder_every_min",
    "on_call",
    "access_to_verify",
    "status_page_url",
];
pub(super) const CHANNEL_FIELDS: &[&str] = &[
    "id",
    "kind",
    "url",
    "url_env",
    "topic",
    "routing_key",
    "routing_key_env",
];
pub(super) const ROUTE_FIELDS: &[&str] = &["P1", "P2", "P3"];
pub(super) const STEP_FIELDS: &[&str] = &["after_min", "notify", "channels"];
pub(super) const ON_CALL_FIELDS: &[&str] = &[
    "people",
    "manager",
    "first_day",
    "handoff_time",
    "time_zone",
];
pub(super) const PERSON_FIELDS: &[&str] = &["name", "notify"];
pub(super) const KINDS: &[&str] = &[
    "browser",
    "webhook",
    "slack",
    "discord",
    "ntfy",
    "pagerduty",
];
const TEAM_SIZES: &[&str] = &["solo", "two", "five_or_more"];
const NOTIFY: &[&str] = &[
    "channels",
    "primary",
    "secondary",
    "manager",
    "process_failure",
];
/// A day: longer waits are not escalation.
const MAX_MINUTES: u32 = 1_440;

/// The section as read: the policy, and the channels whose secrets the runner looks up.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertingSite {
    /// The policy; its channels are the ones that need no secret (`resolve` adds the rest).
    pub config: AlertingConfig,
    pub channels: Vec<(String, ChannelKind<Secret>)>,
    /// Where the page is published: notices link to it.
    pub status_page_url: Option<String>,
}

impl AlertingSite {
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

pub(super) fn alerting(node: &Node) -> Result<AlertingSite, SiteError> {
    let object = node.object(ALERTING_FIELDS)?;
    let mut channels = vec![(PUSH.to_owned(), ChannelKind::Browser)];
    for item in object.list("channels")? {
        let (id, kind) = channel(&item)?;
        if id == PUSH {
            channels.retain(|(known, _)| known != PUSH);
        } else if channels.iter().any(|(known, _)| *known == id) {
            return item.at("id").fail("another channel has this id");
        }
        channels.push((id, kind));
    }
    let ids: Vec<String> = channels.iter().map(|(id, _)| id.clone()).collect();
    let (chat, pager) = team_channels(channels.iter().map(|(id, kind)| (id.as_str(), kind)));
    let mut config = AlertingConfig::default();
    if let Some(size) = one_of(&object, "team_size", TEAM_SIZES)? {
        let size = match size {
            "solo" => TeamSize::Solo,
            "two" => TeamSize::Two,
            _ => TeamSize::FiveOrMore,
        };
        config = config.preset(size, chat, pager);
    }
    if let Some(routes) = object.field("routes") {
        let routes = routes.object(ROUTE_FIELDS)?;
        for (index, severity) in ROUTE_FIELDS.iter().enumerate() {
            if routes.field(severity).is_some() {
                config.routes[index] = references(&routes, severity, &ids)?;
            }
        }
    }
    if object.field("escalation").is_some() {
        config.escalation = Vec::new();
        for item in object.list("escalation")? {
            config.escalation.push(step(&item, &ids)?);
        }
        let waits: Vec<_> = config.escalation.iter().map(|s| s.after).collect();
        if waits.windows(2).any(|w| w[0] > w[1]) {
            return object
                .node_at("escalation")
                .fail("steps in the order they happen (after_min growing)");
        }
    }
    if let Some(minutes) = object.whole("p2_to_p1_after_min", 1, MAX_MINUTES)? {
        config.p2_to_p1_after = Some(i64::from(minutes) * MINUTE);
    }
    if let Some(minutes) = object.whole("reminder_every_min", 0, MAX_MINUTES)? {
        config.reminder_every = (minutes > 0).then_some(i64::from(minutes) * MINUTE);
    }
    if let Some(on_call) = object.field("on_call") {
        config.rotation = Some(rotation(&on_call, &ids)?);
    }
    for item in object.list("access_to_verify")? {
        match item.value.as_str().map(str::trim) {
            Some(text) if !text.is_empty() && text.chars().count() <= 200 => {
                config.access_to_verify.push(text.to_owned())
            }
            _ => return item.fail("a short text (up to 200 characters)"),
        }
    }
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
        status_page_url: object.link("status_page_url")?,
    })
}

fn channel(node: &Node) -> Result<(String, ChannelKind<Secret>), SiteError> {
    let object = node.object(CHANNEL_FIELDS)?;
    let id = object.required_text("id", 60)?;
    let kind = match one_of(&object, "kind", KINDS)? {
        Some(kind) => kind,
        None => return node.at("kind").fail("required"),
    };
    let url = || secret(&object, "url", "url_env");
    let kind = match kind {
        "browser" => ChannelKind::Browser,
        "webhook" => ChannelKind::Webhook { url: url()? },
        "slack" => ChannelKind::Slack { url: url()? },
        "discord" => ChannelKind::Discord { url: url()? },
        "ntfy" => ChannelKind::Ntfy {
            url: url()?,
            topic: object.required_text("topic", 64)?,
        },
        _ => ChannelKind::PagerDuty {
            routing_key: secret(&object, "routing_key", "routing_key_env")?,
            url: match object.text("url", 2_000)? {
                Some(_) => web_url(&object, "url")?,
                None => PAGERDUTY_EVENTS_URL.to_owned(),
            },
        },
    };
    Ok((id, kind))
}

/// `key` written out, or `env_key` naming the variable that holds it: exactly one of them.
fn secret(object: &Object, key: &str, env_key: &str) -> Result<Secret, SiteError> {
    match (object.field(key).is_some(), object.text(env_key, 100)?) {
        (true, None) if key == "url" => Ok(Secret::Given(web_url(object, key)?)),
        (true, None) => Ok(Secret::Given(object.required_text(key, 200)?)),
        (false, Some(name)) => Ok(Secret::Env(name)),
        (true, Some(_)) => object
            .node_at(env_key)
            .fail(&format!("either `{key}` or `{env_key}`, not both")),
        (false, None) => object.node_at(key).fail(&format!(
            "required (or `{env_key}`: an environment variable that holds it)"
        )),
    }
}

/// An absolute http(s) URL: where a driver posts.
fn web_url(object: &Object, key: &str) -> Result<String, SiteError> {
    let url = object.required_text(key, 2_000)?;
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(url)
    } else {
        object.node_at(key).fail("an http(s) URL")
    }
}

fn step(node: &Node, ids: &[String]) -> Result<Step, SiteError> {
    let object = node.object(STEP_FIELDS)?;
    let after = match object.whole("after_min", 0, MAX_MINUTES)? {
        Some(minutes) => i64::from(minutes) * MINUTE,
        None => return node.at("after_min").fail("required"),
    };
    let notify = match one_of(&object, "notify", NOTIFY)? {
        Some("channels") => Notify::Channels(references(&object, "channels", ids)?),
        Some("primary") => Notify::Primary,
        Some("secondary") => Notify::Secondary,
        Some("manager") => Notify::Manager,
        Some(_) => Notify::ProcessFailure,
        None => return node.at("notify").fail("required"),
    };
    Ok(Step { after, notify })
}

fn rotation(node: &Node, ids: &[String]) -> Result<Rotation, SiteError> {
    let object = node.object(ON_CALL_FIELDS)?;
    let mut people = Vec::new();
    for item in object.list("people")? {
        people.push(person(&item, ids)?);
    }
    if people.is_empty() {
        return node.at("people").fail("at least one person");
    }
    let first_day = object.required_text("first_day", 10)?;
    let first_day = match day_of(&first_day) {
        Some(day) => day,
        None => return node.at("first_day").fail("a date as YYYY-MM-DD"),
    };
    let handoff_minute = match object.text("handoff_time", 5)? {
        Some(time) => match minute_of(&time) {
            Some(minute) => minute,
            None => return node.at("handoff_time").fail("a time of day as HH:MM"),
        },
        None => 9 * 60,
    };
    let time_zone = object
        .text("time_zone", 64)?
        .unwrap_or_else(|| "UTC".into());
    let zone_like = time_zone
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c));
    if !zone_like {
        return node
            .at("time_zone")
            .fail("an IANA time zone such as Europe/Berlin");
    }
    let manager = match object.field("manager") {
        Some(manager) => Some(person(&manager, ids)?),
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

fn person(node: &Node, ids: &[String]) -> Result<Person, SiteError> {
    let object = node.object(PERSON_FIELDS)?;
    Ok(Person {
        name: object.required_text("name", 100)?,
        notify: references(&object, "notify", ids)?,
    })
}

/// A list of channel ids, each one defined.
fn references(object: &Object, key: &str, ids: &[String]) -> Result<Vec<String>, SiteError> {
    let mut out = Vec::new();
    for item in object.list(key)? {
        match item.value.as_str() {
            Some(id) if ids.iter().any(|known| known == id) => out.push(id.to_owned()),
            Some(_) => {
                return item.fail(&format!("not a channel id (channels: {})", ids.join(", ")))
            }
            None => return item.fail("a channel id"),
        }
    }
    Ok(out)
}

/// A text field that must be one of `allowed`.
fn one_of<'k>(
    object: &Object,
    key: &str,
    allowed: &[&'k str],
) -> Result<Option<&'k str>, SiteError> {
    let Some(text) = object.text(key, 40)? else {
        return Ok(None);
    };
    match allowed.iter().find(|a| **a == text) {
        Some(found) => Ok(Some(found)),
        None => object
            .node_at(key)
            .fail(&format!("one of {}", allowed.join(", "))),
    }
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
             "alerting.channels[0].kind: one of browser, webhook, slack, discord, ntfy, pagerduty, found \"sms\""),
            (r#"{"channels": [{"id": "x", "kind": "slack"}]}"#,
             "alerting.channels[0].url: required (or `url_env`: an environment variable that holds it), found nothing"),
            (r#"{"channels": [{"id": "x", "kind": "slack", "url": "https://a.example", "url_env": "A"}]}"#,
             "alerting.channels[0].url_env: either `url` or `url_env`, not both, found \"A\""),
            (r#"{"channels": [{"id": "x", "kind": "webhook", "url": "ftp://a.example"}]}"#,
             "alerting.channels[0].url: an http(s) URL, found \"ftp://a.example\""),
            (r#"{"channels": [{"id": "x", "kind": "ntfy", "url": "https://n.example"}]}"#,
             "alerting.channels[0].topic: required"),
            (r#"{"routes": {"P1": ["pager"]}}"#,
             "alerting.routes.P1[0]: not a channel id (channels: push), found \"pager\""),
            (r#"{"escalation": [{"after_min": 15, "notify": "secondary"}, {"after_min": 5, "notify": "primary"}]}"#,
             "alerting.escalation: steps in the order they happen (after_min growing), found a list"),
            (r#"{"on_call": {"people": [{"name": "A"}], "first_day": "2026-13-01"}}"#,
             "alerting.on_call.first_day: a date as YYYY-MM-DD, found \"2026-13-01\""),
            (r#"{"on_call": {"people": [{"name": "A"}], "first_day": "2026-11-02", "time_zone": "Berlin time"}}"#,
             "alerting.on_call.time_zone: an IANA time zone such as Europe/Berlin, found \"Berlin time\""),
            (r#"{"team_sise": "two"}"#,
             "alerting.team_sise: unknown field (did you mean `team_size`?)"),
            (r#"{"channels": [{"id": "a", "kind": "browser"}, {"id": "a", "kind": "browser"}]}"#,
             "alerting.channels[1].id: another channel has this id, found \"a\""),
        ];
        for (section, expected) in cases {
            let error = read(section).unwrap_err();
            assert!(
                error.starts_with(expected),
                "{section}\n  got:      {error}\n  expected: {expected}"
            );
        }
    }
}
