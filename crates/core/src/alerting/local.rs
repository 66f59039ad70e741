//! A browser's own alerting settings, kept in its storage and never published: channels whose
//! URLs are secrets (anyone who has a webhook's URL can post to it, and `status.json` is
//! public), and the routing chosen in the console. Laid over the policy of `status.json`.

use super::config::{team_channels, AlertingConfig, Channel, ChannelKind, Step, TeamSize};
use crate::monitor::record::Millis;
use serde::{Deserialize, Serialize};

/// Who is told what, as the console sets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Routing {
    pub routes: [Vec<String>; 3],
    pub escalation: Vec<Step>,
    pub p2_to_p1_after: Option<Millis>,
    pub reminder_every: Option<Millis>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalAlerting {
    /// Added in this browser; one with the id of a published channel replaces it here.
    pub channels: Vec<Channel>,
    /// `None`: the published routing.
    pub routing: Option<Routing>,
}

impl LocalAlerting {
    /// The policy this browser runs: `site`'s (the defaults without one), with this browser's
    /// channels and routing over it.
    pub fn over(&self, site: Option<&AlertingConfig>) -> AlertingConfig {
        let mut config = site.cloned().unwrap_or_default();
        for channel in &self.channels {
            config.channels.retain(|c| c.id != channel.id);
            config.channels.push(channel.clone());
        }
        if let Some(routing) = &self.routing {
            config.routes = routing.routes.clone();
            config.escalation = routing.escalation.clone();
            config.p2_to_p1_after = routing.p2_to_p1_after;
            config.reminder_every = routing.reminder_every;
        }
        config
    }

    /// Sets the routing of the preset for `size` (spec section 8), with the team's chat and
    /// paging tool among `config`'s channels (`team_channels`).
    pub fn apply_preset(&mut self, config: &AlertingConfig, size: TeamSize) {
        let (chat, pager) = team_channels(config.channels.iter().map(|c| (c.id.as_str(), &c.kind)));
        self.routing = Some(Routing::of(&config.preset(size, chat, pager)));
    }

    /// Turns `channel` on or off for the severity at `index` (0 = P1).
    pub fn toggle_route(&mut self, config: &AlertingConfig, index: usize, channel: &str) {
        let routing = self.routing.get_or_insert_with(|| Routing::of(config));
        if let Some(route) = routing.routes.get_mut(index) {
            match route.iter().position(|c| c == channel) {
                Some(at) => {
                    route.remove(at);
                }
                None => route.push(channel.to_owned()),
            }
        }
    }

    /// Removes this browser's channel `id`, and it from the routing.
    pub fn remove_channel(&mut self, id: &str) {
        self.channels.retain(|c| c.id != id);
        if let Some(routing) = &mut self.routing {
            for route in &mut routing.routes {
                route.retain(|c| c != id);
            }
        }
    }
}

impl Routing {
    pub fn of(config: &AlertingConfig) -> Routing {
        Routing {
            routes: config.routes.clone(),
            escalation: config.escalation.clone(),
            p2_to_p1_after: config.p2_to_p1_after,
            reminder_every: config.reminder_every,
        }
    }
}

/// A channel from the console's form: its id, kind (`webhook`, `slack`, `discord`, `ntfy`,
/// `pagerduty`), URL, and the ntfy topic or PagerDuty routing key. Checked: an id that is a
/// word, a URL the page can send to (`Target::parse`: http(s), a host, no credentials).
pub fn channel_of(id: &str, kind: &str, url: &str, extra: &str) -> Result<Channel, String> {
    let id = id.trim();
    let valid_id = !id.is_empty()
        && id.len() <= 40
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid_id {
        return Err("The id is a short word: letters, digits, - and _.".into());
    }
    let url = crate::target::Target::parse(url)
        .map_err(|error| error.to_string())?
        .as_str()
        .to_owned();
    let extra = extra.trim().to_owned();
    let needs = |what: &str| -> Result<String, String> {
        if extra.is_empty() {
            Err(format!("A {what} is needed for this kind of channel."))
        } else {
            Ok(extra.clone())
        }
    };
    let kind = match kind {
        "webhook" => ChannelKind::Webhook { url },
        "slack" => ChannelKind::Slack { url },
        "discord" => ChannelKind::Discord { url },
        "ntfy" => ChannelKind::Ntfy {
            url,
            topic: needs("topic")?,
        },
        "pagerduty" => ChannelKind::PagerDuty {
            routing_key: needs("routing key")?,
            url,
        },
        other => return Err(format!("`{other}` is not a kind of channel.")),
    };
    Ok(Channel {
        id: id.to_owned(),
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerting::config::{Notify, PUSH};
    use crate::monitor::record::MINUTE;

    #[test]
    fn this_browser_s_channels_and_routing_lie_over_the_published_policy() {
        let mut site = AlertingConfig::default();
        site.channels
            .push(channel_of("chat", "slack", "https://a.example/1", "").unwrap());
        let mut local = LocalAlerting::default();
        assert_eq!(
            local.over(Some(&site)),
            site,
            "nothing set: the published policy"
        );
        local
            .channels
            .push(channel_of("chat", "slack", "https://b.example/2", "").unwrap());
        local.toggle_route(&site, 1, "chat");
        let config = local.over(Some(&site));
        assert_eq!(config.channels.len(), 2, "replaced, not added");
        assert_eq!(
            config.channel("chat").unwrap().kind,
            ChannelKind::Slack {
                url: "https://b.example/2".into()
            }
        );
        assert_eq!(config.routes[1], ["chat"]);
        local.toggle_route(&config, 1, "chat");
        assert!(local.over(Some(&site)).routes[1].is_empty(), "toggled off");
        local.toggle_route(&config, 2, "chat");
        local.remove_channel("chat");
        let config = local.over(Some(&site));
        assert!(config.routes[2].is_empty(), "gone from the routing too");
        assert_eq!(config.channel("chat").unwrap().kind, site.channels[1].kind);
    }

    #[test]
    fn presets_find_the_team_s_chat_and_pager_among_the_channels() {
        let mut site = AlertingConfig::default();
        site.channels
            .push(channel_of("pd", "pagerduty", "https://p.example/", "KEY").unwrap());
        site.channels
            .push(channel_of("ops", "discord", "https://d.example/", "").unwrap());
        let mut local = LocalAlerting::default();
        local.apply_preset(&site, TeamSize::Two);
        let config = local.over(Some(&site));
        assert_eq!(
            config.routes,
            [
                vec![PUSH.to_owned()],
                vec!["ops".to_owned()],
                vec!["ops".to_owned()]
            ]
        );
        assert_eq!(config.escalation[1].after, 15 * MINUTE);
        assert_eq!(config.escalation[1].notify, Notify::Secondary);
        local.apply_preset(&site, TeamSize::FiveOrMore);
        let config = local.over(Some(&site));
        assert_eq!(config.routes[0], ["pd", "ops"]);
        assert!(config.escalation.is_empty(), "the paging tool escalates");
        local.apply_preset(&site, TeamSize::Solo);
        assert_eq!(local.over(Some(&site)).routes[2], Vec::<String>::new());
    }

    #[test]
    fn a_channel_from_the_form_is_checked() {
        let cases = [
            ("", "webhook", "https://x.example", "", "short word"),
            ("a b", "webhook", "https://x.example", "", "short word"),
            (
                "hook",
                "webhook",
                "javascript:alert(1)",
                "",
                "“javascript:” URLs cannot",
            ),
            (
                "hook",
                "ntfy",
                "https://ntfy.example",
                "",
                "topic is needed",
            ),
            (
                "hook",
                "pagerduty",
                "https://p.example",
                " ",
                "routing key is needed",
            ),
            ("hook", "sms", "https://x.example", "", "not a kind"),
        ];
        for (id, kind, url, extra, error) in cases {
            let got = channel_of(id, kind, url, extra).unwrap_err();
            assert!(got.contains(error), "{id} {kind} {url}: {got}");
        }
        let ntfy = channel_of(" alerts ", "ntfy", "https://ntfy.sh", "ops").unwrap();
        assert_eq!(ntfy.id, "alerts");
        assert_eq!(
            ntfy.kind,
            ChannelKind::Ntfy {
                url: "https://ntfy.sh/".into(),
                topic: "ops".into()
            }
        );
    }
}
