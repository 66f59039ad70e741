//! What the morning's P3 digest looks like on each kind of channel (docs/formats.md, "P3
//! digest"). Server text is quoted for the channel's markup as in a notice.

use super::{post, Links, Markup, Outgoing};
use crate::alerting::config::{Channel, ChannelKind};
use crate::alerting::digest::{Digest, Item, ItemState};
use crate::monitor::history::{format_minute, format_time};
use serde_json::{json, Value};

/// A chat message or notification lists this many; the webhook and the email list all.
const LISTED: usize = 20;

/// The digest on `channel`; none on a paging tool's (`Desk::digest` never queues one there:
/// a P3 pages nobody).
pub(super) fn outgoing(digest: &Digest, channel: &Channel, links: &Links) -> Option<Outgoing> {
    let review = links.status_page.as_deref().map(|base| {
        let base = base.split('#').next().unwrap_or(base);
        format!("{base}#/review")
    });
    Some(match &channel.kind {
        ChannelKind::Browser => Outgoing::Browser {
            title: title(digest),
            body: lines(digest, Markup::Plain, 5).join("\n"),
            tag: digest.key(),
        },
        ChannelKind::Webhook { url } => post(url, webhook(digest, links)),
        ChannelKind::Slack { url } => {
            let link = review
                .map(|href| format!("\n<{}|Morning review>", super::slack_escape(&href)))
                .unwrap_or_default();
            let text = format!(
                "*{}*\n{}{link}",
                title(digest),
                lines(digest, Markup::Slack, LISTED).join("\n")
            );
            post(url, json!({ "text": text }))
        }
        ChannelKind::Discord { url } => {
            let link = review.map(|href| format!("\n{href}")).unwrap_or_default();
            let text = format!(
                "**{}**\n{}{link}",
                title(digest),
                lines(digest, Markup::Discord, LISTED).join("\n")
            );
            post(
                url,
                json!({ "content": clip_lines(&text, 1_900), "allowed_mentions": { "parse": [] } }),
            )
        }
        ChannelKind::Ntfy { url, topic } => {
            let mut message = json!({
                "topic": topic,
                "title": title(digest),
                "message": lines(digest, Markup::Plain, LISTED).join("\n"),
                "priority": 3,
                "tags": ["digest"],
            });
            if let Some(href) = review {
                message["click"] = Value::String(href);
            }
            post(url, message)
        }
        ChannelKind::Email(email) => {
            let mut text = format!(
                "P3 alerts since {}, and those still open:\n\n{}",
                format_minute(digest.since),
                lines(digest, Markup::Plain, usize::MAX).join("\n")
            );
            if let Some(href) = review {
                text.push_str(&format!("\n\nMorning review: {href}"));
            }
            email.mail(title(digest), text)
        }
        ChannelKind::PagerDuty { .. } | ChannelKind::Opsgenie { .. } => return None,
    })
}

/// `P3 digest: 3 alerts, 1 open`.
fn title(digest: &Digest) -> String {
    let count = digest.items.len();
    format!(
        "P3 digest: {count} alert{}, {} open",
        if count == 1 { "" } else { "s" },
        digest.open()
    )
}

/// One line an item, at most `max` (then how many more).
fn lines(digest: &Digest, markup: Markup, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = (digest.items.iter().take(max))
        .map(|item| line(item, markup))
        .collect();
    if digest.items.len() > max {
        lines.push(format!("… and {} more", digest.items.len() - max));
    }
    lines
}

/// `- api: p95 latency 2300 ms over the last hour (since 2026-12-07 14:03 UTC) — open`.
fn line(item: &Item, markup: Markup) -> String {
    let state = match &item.state {
        ItemState::Open => "open".to_owned(),
        ItemState::Acknowledged { by } => format!("acknowledged by {}", markup.quote(by, 80)),
        ItemState::Recovered { at } => format!("recovered {}", format_minute(*at)),
        ItemState::Resolved { at, by } => {
            format!(
                "resolved by {} {}",
                markup.quote(by, 80),
                format_minute(*at)
            )
        }
    };
    format!(
        "- {}: {} (since {}) — {state}",
        markup.quote(&item.server, 80),
        item.what,
        format_minute(item.opened_at)
    )
}

/// The generic webhook's digest (docs/formats.md): the data as recorded, like an alert's.
fn webhook(digest: &Digest, links: &Links) -> Value {
    let items: Vec<Value> = digest
        .items
        .iter()
        .map(|item| {
            let (at, by) = match &item.state {
                ItemState::Open => (None, None),
                ItemState::Acknowledged { by } => (None, Some(by)),
                ItemState::Recovered { at } => (Some(*at), None),
                ItemState::Resolved { at, by } => (Some(*at), Some(by)),
            };
            json!({
                "key": item.key,
                "server": item.server,
                "what": item.what,
                "opened_at": format_time(item.opened_at),
                "state": item.state.as_str(),
                "closed_at": at.map(format_time),
                "by": by,
                "server_page": links.server_page(&item.server),
            })
        })
        .collect();
    json!({
        "version": 1,
        "event": "digest",
        "severity": "P3",
        "since": format_time(digest.since),
        "through": format_time(digest.through),
        "items": items,
        "links": { "status_page": links.status_page },
    })
}

/// `text` cut at a line break to at most `max` characters: a chat's limit, without half an
/// item.
fn clip_lines(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut kept = String::new();
    for line in text.lines() {
        if kept.chars().count() + line.chars().count() + 2 > max {
            kept.push('…');
            break;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerting::config::{Email, Login, Smtp, SmtpTls};

    const MORNING: i64 = 1_795_248_000_000; // 2026-11-21T08:00:00Z

    fn digest() -> Digest {
        let item = |server: &str, state| Item {
            key: format!("{server}|latency"),
            server: server.to_owned(),
            what: "p95 latency 2300 ms over the last hour".into(),
            opened_at: MORNING - 3_600_000,
            state,
        };
        Digest {
            since: MORNING - 86_400_000,
            through: MORNING,
            items: vec![
                item("<!channel> *api*", ItemState::Open),
                item(
                    "@everyone",
                    ItemState::Recovered {
                        at: MORNING - 60_000,
                    },
                ),
            ],
        }
    }

    fn links() -> Links {
        Links {
            status_page: Some("https://status.example/#/".into()),
            acknowledge: None,
        }
    }

    fn body(kind: ChannelKind) -> Value {
        let channel = Channel {
            id: "c".into(),
            kind,
        };
        match outgoing(&digest(), &channel, &links()) {
            Some(Outgoing::Http(request)) => serde_json::from_str(&request.body.unwrap()).unwrap(),
            other => panic!("an http channel, not {other:?}"),
        }
    }

    #[test]
    fn each_channel_gets_the_digest_with_server_text_inert() {
        let url = "https://hooks.example/x".to_owned();
        let slack = body(ChannelKind::Slack { url: url.clone() });
        let text = slack["text"].as_str().unwrap();
        assert!(
            text.starts_with("*P3 digest: 2 alerts, 1 open*\n"),
            "{text}"
        );
        assert!(!text.contains("<!channel>"), "a mention formed: {text}");
        assert!(text.contains("&lt;!channel&gt;"), "{text}");
        assert!(
            text.contains("<https://status.example/#/review|Morning review>"),
            "{text}"
        );
        let discord = body(ChannelKind::Discord { url: url.clone() });
        assert_eq!(discord["allowed_mentions"]["parse"], json!([]));
        assert!(!discord["content"]
            .as_str()
            .unwrap()
            .contains("@everyone\u{20}"));
        let hook = body(ChannelKind::Webhook { url });
        assert_eq!(hook["event"], "digest");
        assert_eq!(hook["through"], "2026-11-21T08:00:00.000Z");
        assert_eq!(
            hook["items"][0]["server"], "<!channel> *api*",
            "data as recorded"
        );
        assert_eq!(hook["items"][1]["state"], "recovered");
        assert_eq!(hook["items"][1]["closed_at"], "2026-11-21T07:59:00.000Z");
    }

    #[test]
    fn the_email_lists_every_item_and_a_pager_gets_none() {
        let email = Channel {
            id: "mail".into(),
            kind: ChannelKind::Email(Email {
                smtp: Smtp {
                    host: "smtp.example".into(),
                    port: 587,
                    tls: SmtpTls::StartTls,
                },
                from: "status@acme.example".into(),
                to: vec!["oncall@acme.example".into()],
                login: Some(Login {
                    username: "status".into(),
                    password: "hunter2".into(),
                }),
            }),
        };
        let Some(Outgoing::Email(mail)) = outgoing(&digest(), &email, &links()) else {
            panic!("an email");
        };
        assert_eq!(mail.subject, "P3 digest: 2 alerts, 1 open");
        assert!(
            mail.text
                .starts_with("P3 alerts since 2026-11-20 08:00 UTC"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains("- @everyone: p95 latency 2300 ms over the last hour (since 2026-11-21 07:00 UTC) — recovered 2026-11-21 07:59 UTC"), "{}", mail.text);
        assert!(
            !format!("{mail:?}").contains("hunter2"),
            "the login is never printed"
        );
        let pager = Channel {
            id: "pd".into(),
            kind: ChannelKind::PagerDuty {
                routing_key: "k".into(),
                url: "https://events.example".into(),
            },
        };
        assert_eq!(outgoing(&digest(), &pager, &links()), None);
    }
}
