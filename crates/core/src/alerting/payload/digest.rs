//! What the morning's P3 digest looks like on each kind of channel (docs/formats.md, "P3
//! digest"). Server text is quoted for the channel's markup as in a notice.

use super::{Links, Mailbox, Markup, Outgoing};
use crate::alerting::config::{Channel, ChannelKind};
use crate::alerting::digest::{Digest, Item, ItemState};
use crate::http::{FetchMode, HttpRequest, Method};
use crate::monitor::history::{format_minute, format_time};
use serde_json::{json, Value};

/// A chat message or notification lists this many; the webhook and the email list all.
const LISTED: usize = 20;

/// The digest on `channel`; none on a paging tool's (`Desk::digest` never queues one there:
/// a P3 pages nobody).
pub(super) fn outgoing(digest: &Digest, channel: &Channel, links: &Links) -> Option<Outgoing> {
    let post = |url: &str, body: Value| {
        Outgoing::Http(HttpRequest {
            method: Method::Post,
            url: url.to_owned(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: Some(body.to_string()),
            mode: FetchMode::Cors,
        })
    };
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
        ChannelKind::Email {
            smtp,
            from,
            to,
            login,
        } => {
            let mut text = format!(
                "P3 alerts since {}, and those still open:\n\n{}",
                format_minute(digest.since),
                lines(digest, Markup::Plain, usize::MAX).join("\n")
            );
            if let Some(href) = review {
                text.push_str(&format!("\n\nMorning review: {href}"));
            }
            let mailbox = Mailbox {
                smtp,
                login,
                from,
                to,
            };
            mailbox.mail(title(digest), text)
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
