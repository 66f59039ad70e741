//! What a notice looks like on each kind of channel: the request a driver sends (or the
//! notification the page shows). The formats are documented in docs/formats.md.
//!
//! Server and config text (names, error messages, who acknowledged, whom it escalated to) is
//! clipped to one line without control or format characters (`text::clip`) and, where the
//! channel reads markup, made inert for it ([`Markup::quote`]): a server must not be able to
//! format, link or mention in someone's chat.

mod digest;

use super::config::{Channel, ChannelKind, Email, Login, Smtp};
use super::desk::Message;
use super::dispatch::{Notice, NoticeKind};
use crate::http::{FetchMode, HttpRequest, Method};
use crate::monitor::events::Severity;
use crate::monitor::history::{format_minute, format_time};
use crate::status::duration;
use crate::text::clip;
use serde_json::{json, Value};

/// Where the status page is published, for links in notices (`None`: no links).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    pub status_page: Option<String>,
    /// Where a person acknowledges an alert the scheduled runner sent: its workflow's page,
    /// "Run workflow" with `acknowledge` set (`None`: not sent by a runner there).
    pub acknowledge: Option<String>,
}

/// What a notice asking for an acknowledgement says about where to give it.
const ACKNOWLEDGE_HOW: &str = "Run workflow, acknowledge: all";

impl Links {
    /// The acknowledgement link, for a notice of an alert nobody acknowledged yet.
    fn acknowledge_for(&self, notice: &Notice) -> Option<&str> {
        let waiting = notice.page.is_open()
            && notice.page.acknowledged.is_none()
            && matches!(
                notice.kind,
                NoticeKind::Fired
                    | NoticeKind::Escalated
                    | NoticeKind::RaisedToP1
                    | NoticeKind::Worsened
                    | NoticeKind::Reminder
            );
        self.acknowledge.as_deref().filter(|_| waiting)
    }

    fn server_page(&self, server: &str) -> Option<String> {
        let base = self.status_page.as_deref()?;
        let base = base.split('#').next().unwrap_or(base);
        Some(format!("{base}{}", crate::page::server_href(server)))
    }
}

/// What a driver delivers for a notice on one channel.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    Http(HttpRequest),
    /// A notification shown by the page: `tag` replaces the alert's earlier ones.
    Browser {
        title: String,
        body: String,
        tag: String,
    },
    Email(Mail),
}

/// A plain-text message for an SMTP server. Subject and text hold no markup, and no
/// control character but the text's line breaks (`text::clip`): no header can be forged.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub smtp: Smtp,
    pub login: Option<Login>,
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
}

/// `body` POSTed as JSON to `url`.
fn post(url: &str, body: Value) -> Outgoing {
    Outgoing::Http(HttpRequest {
        method: Method::Post,
        url: url.to_owned(),
        headers: vec![("content-type".into(), "application/json".into())],
        body: Some(body.to_string()),
        mode: FetchMode::Cors,
    })
}

/// The delivery of `message` on `channel`; none for a digest on a paging tool's.
pub fn message(message: &Message, channel: &Channel, links: &Links) -> Option<Outgoing> {
    match message {
        Message::Notice(notice) => Some(outgoing(notice, channel, links)),
        Message::Digest(d) => digest::outgoing(d, channel, links),
    }
}

impl Email {
    /// The mail of `subject` and `text` on this channel, signed.
    fn mail(&self, subject: String, text: String) -> Outgoing {
        Outgoing::Email(Mail {
            smtp: self.smtp.clone(),
            login: self.login.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            subject,
            text: format!("{text}\n\n-- \nmcp-status\n"),
        })
    }
}

/// The delivery of `notice` on `channel`.
pub fn outgoing(notice: &Notice, channel: &Channel, links: &Links) -> Outgoing {
    let server_page = links.server_page(&notice.page.server);
    let acknowledge = links.acknowledge_for(notice);
    match &channel.kind {
        ChannelKind::Browser => Outgoing::Browser {
            title: title(notice, Markup::Plain),
            body: body(notice, Markup::Plain),
            tag: notice.page.key.clone(),
        },
        // JSON for programs: the strings are data, to be escaped by whoever shows them.
        ChannelKind::Webhook { url } => post(url, webhook(notice, links)),
        ChannelKind::Slack { url } => {
            // Our own link: the server's name in it is percent-encoded (`page::server_href`).
            let link = server_page
                .map(|href| format!(" <{}|Server page>", slack_escape(&href)))
                .unwrap_or_default();
            let acknowledge = acknowledge
                .map(|href| format!("\n<{}|Acknowledge>: {ACKNOWLEDGE_HOW}", slack_escape(href)))
                .unwrap_or_default();
            let text = format!(
                "*{}*\n{}{link}{acknowledge}",
                title(notice, Markup::Slack),
                body(notice, Markup::Slack)
            );
            post(url, json!({ "text": text }))
        }
        ChannelKind::Discord { url } => {
            let link = server_page
                .map(|href| format!("\n{href}"))
                .unwrap_or_default();
            let acknowledge = acknowledge
                .map(|href| format!("\nAcknowledge: {href} ({ACKNOWLEDGE_HOW})"))
                .unwrap_or_default();
            let text = format!(
                "**{}**\n{}{link}{acknowledge}",
                title(notice, Markup::Discord),
                body(notice, Markup::Discord)
            );
            // Nobody is mentioned, whatever the text says (`@everyone` in an error message):
            // the escaping already keeps a mention from forming, this keeps it from pinging.
            post(
                url,
                json!({ "content": clip(&text, 1_900), "allowed_mentions": { "parse": [] } }),
            )
        }
        // ntfy shows title and message as plain text unless the publisher asks for Markdown
        // (`"markdown": true`, or the `Markdown: yes` header): we never do, so server text
        // needs no escaping there; `click` and `tags` are ours.
        ChannelKind::Ntfy { url, topic } => {
            let priority = match notice.page.severity {
                Severity::P1 => 5,
                Severity::P2 => 4,
                Severity::P3 => 3,
            };
            let mut message = json!({
                "topic": topic,
                "title": title(notice, Markup::Plain),
                "message": body(notice, Markup::Plain),
                "priority": priority,
                "tags": [notice.kind.as_str()],
            });
            if let Some(href) = server_page {
                message["click"] = Value::String(href);
            }
            if let Some(href) = acknowledge {
                message["actions"] =
                    json!([{ "action": "view", "label": "Acknowledge", "url": href }]);
            }
            post(url, message)
        }
        ChannelKind::PagerDuty { routing_key, url } => {
            post(url, pagerduty(notice, routing_key, links))
        }
        ChannelKind::Email(email) => {
            let mut text = body(notice, Markup::Plain);
            if let Some(href) = server_page {
                text.push_str(&format!("\n\nServer page: {href}"));
            }
            if let Some(href) = acknowledge {
                text.push_str(&format!("\n\nAcknowledge: {href} ({ACKNOWLEDGE_HOW})"));
            }
            email.mail(title(notice, Markup::Plain), text)
        }
        ChannelKind::Opsgenie { api_key, url } => {
            let (url, body) = opsgenie(notice, url, links);
            Outgoing::Http(HttpRequest {
                method: Method::Post,
                url,
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("authorization".into(), format!("GenieKey {api_key}")),
                ],
                body: Some(body.to_string()),
                mode: FetchMode::Cors,
            })
        }
    }
}

/// Opsgenie's Alert API: where to POST, and what. The alert's key is the alias, so that
/// the later notices update the one alert (a second create of an open alias is counted, not
/// added), acknowledge it and close it there.
fn opsgenie(notice: &Notice, base: &str, links: &Links) -> (String, Value) {
    let page = &notice.page;
    // The alias as one path segment: it holds the server's name.
    let alias = crate::page::encode_segment(&page.key);
    let base = base.trim_end_matches('/');
    let note = clip(&body(notice, Markup::Plain), 25_000);
    match notice.kind {
        NoticeKind::Acknowledged => (
            format!("{base}/v2/alerts/{alias}/acknowledge?identifierType=alias"),
            json!({
                "source": "mcp-status",
                "user": page.acknowledged.as_ref().map(|m| clip(&m.by, 100)),
                "note": note,
            }),
        ),
        NoticeKind::Resolved | NoticeKind::Recovered => (
            format!("{base}/v2/alerts/{alias}/close?identifierType=alias"),
            json!({ "source": "mcp-status", "note": note }),
        ),
        _ => (
            format!("{base}/v2/alerts"),
            json!({
                // Shown as plain text in Opsgenie; its limits, in characters.
                "message": clip(&title(notice, Markup::Plain), 130),
                "alias": clip(&page.key, 512),
                "description": clip(&body(notice, Markup::Plain), 15_000),
                "priority": page.severity.as_str(),
                "source": "mcp-status",
                "entity": clip(&page.server, 512),
                "tags": [notice.kind.as_str()],
                "details": {
                    "server_page": links.server_page(&page.server).unwrap_or_default(),
                    "acknowledge": links.acknowledge_for(notice).unwrap_or_default(),
                },
            }),
        ),
    }
}

/// How a channel reads the text of a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markup {
    /// Shown as it is: browser notifications, ntfy, PagerDuty.
    Plain,
    /// Slack's mrkdwn.
    Slack,
    /// Discord's Markdown.
    Discord,
}

impl Markup {
    /// Server or config text as one line of at most `max` characters that the channel shows
    /// as written: no formatting, link, mention or heading comes of it.
    fn quote(self, text: &str, max: usize) -> String {
        let text = clip(text, max);
        match self {
            Markup::Plain => text,
            Markup::Slack => slack_quote(&text),
            Markup::Discord => discord_escape(&text),
        }
    }
}

/// `P1 · api: down at the http layer`.
fn title(notice: &Notice, markup: Markup) -> String {
    let page = &notice.page;
    let head = match notice.kind {
        NoticeKind::Fired => "",
        NoticeKind::Escalated => "Escalated: ",
        NoticeKind::RaisedToP1 => "Now P1: ",
        NoticeKind::Worsened => "Worse: ",
        NoticeKind::Reminder => "Still open: ",
        NoticeKind::ProcessFailure => "Process failure: ",
        NoticeKind::Acknowledged => "Acknowledged: ",
        NoticeKind::Resolved => "Resolved: ",
        NoticeKind::Recovered => "Recovered: ",
    };
    format!(
        "{head}{} · {}: {}",
        page.severity.as_str(),
        markup.quote(&page.server, 80),
        page.summary.what
    )
}

/// The sentence under the title: since when, the first error, who did what.
fn body(notice: &Notice, markup: Markup) -> String {
    let page = &notice.page;
    let since = format!("since {}", format_minute(page.summary.since));
    let error = page
        .summary
        .first_error
        .as_deref()
        .map(|e| format!(" First error: {}", markup.quote(e, 300)))
        .unwrap_or_default();
    let waited = duration(notice.at - page.opened_at);
    match notice.kind {
        NoticeKind::Fired => format!(
            "{} {since}; the server is {}.{error}",
            capital(&page.summary.what),
            page.summary.state
        ),
        NoticeKind::Escalated => {
            let to = notice.to.as_deref().unwrap_or("the next channel");
            format!(
                "Nobody acknowledged it in {waited}: {} is told now ({since}).{error}",
                markup.quote(to, 80)
            )
        }
        NoticeKind::RaisedToP1 => {
            format!(
                "Nobody acknowledged this {} in {waited}: it is a P1 now ({since}).{error}",
                page.fired_severity.as_str()
            )
        }
        NoticeKind::Worsened => {
            format!("It got worse after {waited}: it is a P1 now ({since}).{error}")
        }
        NoticeKind::Reminder => match &page.acknowledged {
            Some(mark) => format!(
                "Open for {waited}, acknowledged by {}.",
                markup.quote(&mark.by, 80)
            ),
            None => format!("Open for {waited}, not acknowledged.{error}"),
        },
        NoticeKind::ProcessFailure => {
            format!("Nobody acknowledged this P1 in {waited}. Name it in the post-mortem.")
        }
        NoticeKind::Acknowledged | NoticeKind::Resolved => {
            let by = page
                .acknowledged
                .iter()
                .chain(page.closed.iter())
                .next_back()
                .map(|mark| markup.quote(&mark.by, 80))
                .unwrap_or_default();
            format!("By {by}, after {waited}.")
        }
        NoticeKind::Recovered => format!("Back after {waited}."),
    }
}

/// The generic webhook's JSON (docs/formats.md, "Alert webhook"). Nothing in it is markup:
/// the strings are the data as recorded (`server` and `key` exactly as configured, so that a
/// receiver can match them), and a receiver that shows them escapes them for its own markup.
pub fn webhook(notice: &Notice, links: &Links) -> Value {
    let page = &notice.page;
    let evidence: Vec<Value> = page
        .summary
        .evidence
        .iter()
        .map(|probe| {
            json!({
                "at": format_time(probe.at),
                "outcome": probe.outcome.as_str(),
                "layer": probe.layer.map(|l| l.as_str()),
                "latency_ms": probe.latency_ms,
                "error": probe.error,
            })
        })
        .collect();
    let mark = |mark: &Option<super::dispatch::Mark>| {
        mark.as_ref()
            .map(|m| json!({ "at": format_time(m.at), "by": m.by }))
    };
    json!({
        "version": 1,
        "event": notice.kind.as_str(),
        "key": page.key,
        "server": page.server,
        "severity": page.severity.as_str(),
        "fired_severity": page.fired_severity.as_str(),
        "what": page.summary.what,
        "layer": page.summary.layer.map(|l| l.as_str()),
        "state": page.summary.state,
        "since": format_time(page.summary.since),
        "at": format_time(notice.at),
        "first_error": page.summary.first_error,
        "evidence": evidence,
        "to": notice.to,
        "acknowledged": mark(&page.acknowledged),
        "closed": mark(&page.closed),
        "links": {
            "status_page": links.status_page,
            "server_page": links.server_page(&page.server),
            "acknowledge": links.acknowledge_for(notice),
        },
    })
}

/// An Events API v2 event: the alert's key is the dedup key, so that acknowledging and
/// resolving here acknowledges and resolves there.
fn pagerduty(notice: &Notice, routing_key: &str, links: &Links) -> Value {
    let page = &notice.page;
    let action = match notice.kind {
        NoticeKind::Acknowledged => "acknowledge",
        NoticeKind::Resolved | NoticeKind::Recovered => "resolve",
        _ => "trigger",
    };
    let mut event = json!({
        "routing_key": routing_key,
        "event_action": action,
        "dedup_key": page.key,
    });
    if action == "trigger" {
        event["payload"] = json!({
            // Both shown as plain text in PagerDuty's incident.
            "summary": clip(&title(notice, Markup::Plain), 1_000),
            "source": clip(&page.server, 255),
            "severity": match page.severity {
                Severity::P1 => "critical",
                Severity::P2 => "error",
                Severity::P3 => "warning",
            },
            "timestamp": format_time(page.summary.since),
            "component": page.summary.layer.map(|l| l.as_str()),
            "custom_details": webhook(notice, links),
        });
        // PagerDuty's own acknowledgement stays there: the runner's is a link away.
        let links: Vec<Value> = [
            links
                .server_page(&page.server)
                .map(|href| (href, "Server page")),
            links
                .acknowledge_for(notice)
                .map(|href| (href.to_owned(), "Acknowledge in mcp-status (runner)")),
        ]
        .into_iter()
        .flatten()
        .map(|(href, text)| json!({ "href": href, "text": text }))
        .collect();
        if !links.is_empty() {
            event["links"] = Value::Array(links);
        }
    }
    event
}

/// Slack reads `&`, `<` and `>` as markup (`<https://evil|click>`, `<!channel>`): they are
/// escaped as Slack documents, as entities.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Server text for Slack's mrkdwn. Besides `&`, `<` and `>`, mrkdwn formats with `*`, `_`,
/// `~` and backticks, and has no way to escape them (no backslash, no entity). Inside an inline
/// code span it formats nothing, so text with any of them goes in one; a backtick, which would
/// end the span, becomes U+02CB, which looks the same. Text without them stays plain: a name
/// or an error reads as a sentence, and only the odd one (`my_server`, `*bold*`) looks like code.
fn slack_quote(text: &str) -> String {
    let escaped = slack_escape(text);
    if !text.contains(['*', '_', '~', '`']) {
        return escaped;
    }
    format!("`{}`", escaped.replace('`', "\u{2CB}"))
}

/// Server text for Discord's Markdown: a backslash before every character it reads as
/// syntax, so `[Re-authenticate](https://evil)` is no masked link, `https\://evil` no link at
/// all, `\@everyone` and `\<@&123>` no mention (nor `:name:` an emoji), and `*`, `_`, `~`,
/// `|` and backticks format nothing. Headings, quotes and lists (`#`, `>`, `-`, `+`) need the
/// start of a line, which server text never has (clipped to one line, after our words); they
/// are escaped all the same, so that no change of layout can bring them back. A dot is left
/// alone: `1.` lists need that line start too, and escaping every dot of host names and
/// versions would clutter the raw text that some clients show.
fn discord_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if "\\*_~`|<>#-+[]():@".contains(ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn capital(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerting::config::AlertingConfig;
    use crate::alerting::dispatch::{Dispatcher, OnCall, Summary};
    use crate::monitor::events::{Alert, AlertKind, AlertReason, Incident};
    use crate::monitor::record::{ProbeRecord, MINUTE};
    use crate::report::{Layer, Outcome};
    use crate::text::is_format;
    use proptest::strategy::Strategy;

    const T0: i64 = 1_795_219_200_000; // 2026-11-21T00:00:00Z

    /// A P1 outage of a server whose name and error carry markup and a mention, as fired,
    /// acknowledged and resolved.
    fn notices() -> Vec<Notice> {
        notices_of("api <script>", "HTTP 502 <b>@everyone</b> & more", "ana")
    }

    /// Fired, acknowledged by `by` and resolved by `by`: an outage of `server` whose first
    /// error was `error`.
    fn notices_of(server: &str, error: &str, by: &str) -> Vec<Notice> {
        let probe = ProbeRecord {
            at: T0,
            outcome: Outcome::Failed,
            layer: Some(Layer::Http),
            latency_ms: 31,
            contract_hash: None,
            metadata_hash: None,
            error: Some(error.into()),
        };
        let incident = Incident {
            id: 4,
            start: T0,
            end: None,
            severity: Severity::P1,
            layer: Some(Layer::Http),
            first_error: probe.error.clone(),
            evidence: vec![probe],
            alerted_at: Some(T0 + 2 * MINUTE),
            flapping: false,
            escalate_eligible: false,
        };
        let alert = Alert {
            at: T0 + 2 * MINUTE,
            kind: AlertKind::Fire,
            severity: Severity::P1,
            reason: AlertReason::Downtime { incident: 4 },
        };
        let config = AlertingConfig::default();
        let mut dispatcher = Dispatcher::default();
        let summary = Summary::of(&alert, Some(&incident), "down");
        let mut out = dispatcher.alert(&config, server, &alert, summary, OnCall::default());
        let key = out[0].page.key.clone();
        out.extend(dispatcher.acknowledge(&key, by, T0 + 4 * MINUTE));
        out.extend(dispatcher.resolve(&key, by, T0 + 9 * MINUTE));
        out
    }

    fn links() -> Links {
        Links {
            status_page: Some("https://status.example/#/".into()),
            acknowledge: Some("https://github.com/acme/status/actions/workflows/runner.yml".into()),
        }
    }

    fn sent(notice: &Notice, kind: ChannelKind) -> (String, Value) {
        let channel = Channel {
            id: "c".into(),
            kind,
        };
        match outgoing(notice, &channel, &links()) {
            Outgoing::Http(request) => {
                assert_eq!(request.method, Method::Post);
                assert_eq!(request.header("content-type"), Some("application/json"));
                let body = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
                (request.url, body)
            }
            other => panic!("an http channel, not {other:?}"),
        }
    }

    #[test]
    fn the_webhook_names_everything_a_responder_needs() {
        let notices = notices();
        let hook = ChannelKind::Webhook {
            url: "https://hooks.example/x".into(),
        };
        let (url, body) = sent(&notices[0], hook.clone());
        assert_eq!(url, "https://hooks.example/x");
        assert_eq!(body["version"], 1);
        assert_eq!(body["event"], "fired");
        assert_eq!(body["key"], "api <script>|downtime|4");
        assert_eq!(body["server"], "api <script>");
        assert_eq!(body["severity"], "P1");
        assert_eq!(body["layer"], "http");
        assert_eq!(body["state"], "down");
        assert_eq!(body["since"], "2026-11-21T00:00:00.000Z");
        assert_eq!(body["first_error"], "HTTP 502 <b>@everyone</b> & more");
        assert_eq!(body["evidence"][0]["outcome"], "failed");
        assert_eq!(body["evidence"][0]["latency_ms"], 31);
        assert_eq!(
            body["links"]["server_page"],
            "https://status.example/#/server/api%20%3Cscript%3E"
        );
        assert_eq!(
            body["links"]["acknowledge"],
            "https://github.com/acme/status/actions/workflows/runner.yml"
        );
        let (_, acked) = sent(&notices[1], hook);
        assert_eq!(acked["event"], "acknowledged");
        assert_eq!(acked["acknowledged"]["by"], "ana");
        assert_eq!(
            acked["links"]["acknowledge"],
            Value::Null,
            "nothing left to acknowledge"
        );
    }

    #[test]
    fn a_notice_waiting_for_an_acknowledgement_links_to_where_it_is_given() {
        let notices = notices();
        let ack = "https://github.com/acme/status/actions/workflows/runner.yml";
        let slack = ChannelKind::Slack {
            url: "https://hooks.slack.example/T".into(),
        };
        let discord = ChannelKind::Discord {
            url: "https://discord.example/api/webhooks/1".into(),
        };
        let ntfy = ChannelKind::Ntfy {
            url: "https://ntfy.example".into(),
            topic: "oncall".into(),
        };
        let pagerduty = ChannelKind::PagerDuty {
            routing_key: "k".into(),
            url: "https://events.pagerduty.example/v2/enqueue".into(),
        };
        let (_, fired) = sent(&notices[0], slack.clone());
        assert!(
            fired["text"].as_str().unwrap().ends_with(&format!(
                "\n<{ack}|Acknowledge>: Run workflow, acknowledge: all"
            )),
            "{fired}"
        );
        let (_, fired) = sent(&notices[0], discord.clone());
        assert!(fired["content"]
            .as_str()
            .unwrap()
            .contains(&format!("Acknowledge: {ack} (")));
        let (_, fired) = sent(&notices[0], ntfy.clone());
        assert_eq!(fired["actions"][0]["url"], ack);
        let (_, fired) = sent(&notices[0], pagerduty);
        assert_eq!(fired["links"][1]["href"], ack);
        // Once acknowledged, and once over, nothing asks for it.
        for notice in &notices[1..] {
            let (_, told) = sent(notice, slack.clone());
            assert!(
                !told["text"].as_str().unwrap().contains("Acknowledge>"),
                "{told}"
            );
            let (_, told) = sent(notice, discord.clone());
            assert!(
                !told["content"].as_str().unwrap().contains("Acknowledge:"),
                "{told}"
            );
            let (_, told) = sent(notice, ntfy.clone());
            assert_eq!(told.get("actions"), None);
        }
    }

    #[test]
    fn chat_payloads_cannot_be_formatted_or_mention_anyone_by_server_text() {
        let notices = notices();
        let (_, slack) = sent(
            &notices[0],
            ChannelKind::Slack {
                url: "https://hooks.slack.example/T".into(),
            },
        );
        let text = slack["text"].as_str().unwrap();
        assert!(text.contains("api &lt;script&gt;"), "{text}");
        assert!(
            text.contains("&lt;b&gt;@everyone&lt;/b&gt; &amp; more"),
            "{text}"
        );
        assert!(
            text.contains("<https://status.example/#/server/api%20%3Cscript%3E|Server page>"),
            "{text}"
        );
        let (_, discord) = sent(
            &notices[0],
            ChannelKind::Discord {
                url: "https://discord.example/api/webhooks/1".into(),
            },
        );
        assert_eq!(discord["allowed_mentions"]["parse"], serde_json::json!([]));
        let content = discord["content"].as_str().unwrap();
        assert!(
            content.starts_with("**P1 · api \\<script\\>: down at the http layer**"),
            "{content}"
        );
        assert!(
            content.contains("HTTP 502 \\<b\\>\\@everyone\\</b\\> & more"),
            "{content}"
        );
    }

    /// Server text that would be markup in a chat, one kind a line.
    const HOSTILE: [&str; 12] = [
        "[Re-authenticate](https://evil.example/login)",
        "<https://evil.example|Re-authenticate> <mailto:x@evil.example>",
        "<!channel> <!here> <!everyone> <@U024BE7LH> <#C024BE7LR> <!subteam^SAZ94GDB8>",
        "@everyone @here <@&123> <@!42> <#99> <:pwn:1> <t:0:R> </cmd:1>",
        "# Heading\n## Sub\n-# small\n> quote\n>>> all\n- item\n+ item\n1. one",
        "*bold* _it_ ~strike~ **b** __u__ ~~s~~ ||spoiler|| `code` ```block```",
        "\\*escaped\\* \\[not](https://evil.example) ends with \\",
        "evil\u{202E}gnp.exe \u{2066}isolated\u{2069} \u{200E}\u{200F}\u{061C}",
        "every\u{200B}one e\u{200D}v\u{200C}il \u{2060}\u{FEFF}\u{AD}\u{E0001}\u{E0065}",
        ":smile: https://evil.example/x?a=1&b=<2> www.evil.example",
        "&lt;!channel&gt; &amp; &#60;",
        "a_b*c~d`e|f\\g<h>i#j-k+l[m]n(o)p:q@r",
    ];

    /// A plain outage, to compare against: what our own words bring to a message.
    fn benign() -> Vec<Notice> {
        notices_of("api", "HTTP 502", "ana")
    }

    fn chat(notice: &Notice, kind: ChannelKind) -> Value {
        sent(notice, kind).1
    }

    fn slack() -> ChannelKind {
        ChannelKind::Slack {
            url: "https://hooks.slack.example/T".into(),
        }
    }

    fn discord() -> ChannelKind {
        ChannelKind::Discord {
            url: "https://discord.example/api/webhooks/1".into(),
        }
    }

    /// Slack's text without our links, to the server's page and to acknowledge, which must
    /// end it.
    fn slack_text(notice: &Notice) -> String {
        let text = chat(notice, slack())["text"].as_str().unwrap().to_owned();
        let acknowledge = links().acknowledge.unwrap();
        let acknowledge = format!("\n<{acknowledge}|Acknowledge>: {ACKNOWLEDGE_HOW}");
        let text = text.strip_suffix(&acknowledge).unwrap_or(&text);
        let href = links().server_page(&notice.page.server).unwrap();
        let link = format!(" <{}|Server page>", slack_escape(&href));
        text.strip_suffix(&link)
            .unwrap_or_else(|| panic!("our link ends {text:?}"))
            .to_owned()
    }

    /// What in Slack's text is markup: `*`, `_`, `~`, `<` and `>` outside code spans, and an
    /// `&` that starts no entity. Code spans themselves are counted apart (their backticks).
    fn slack_markup(text: &str) -> (Vec<char>, usize) {
        let mut active = Vec::new();
        for (index, part) in text.split('`').enumerate() {
            for (at, ch) in part.char_indices() {
                let entity = ["&amp;", "&lt;", "&gt;"]
                    .iter()
                    .any(|e| part[at..].starts_with(e));
                let outside = index % 2 == 0;
                let markup = matches!(ch, '<' | '>')
                    || ch == '&' && !entity
                    || outside && matches!(ch, '*' | '_' | '~');
                if markup {
                    active.push(ch);
                }
            }
        }
        (active, text.matches('`').count())
    }

    /// Slack's text as a person reads it: code spans and entities undone.
    fn slack_reads(text: &str) -> String {
        text.replace('`', "")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    /// Discord's content without our links (to the server's page, to acknowledge), which
    /// must end it.
    fn discord_content(notice: &Notice) -> String {
        let body = chat(notice, discord());
        assert_eq!(body["allowed_mentions"], json!({ "parse": [] }));
        let content = body["content"].as_str().unwrap().to_owned();
        let acknowledge = links().acknowledge.unwrap();
        let acknowledge = format!(" Acknowledge: {acknowledge} ({ACKNOWLEDGE_HOW})");
        let content = content.strip_suffix(&acknowledge).unwrap_or(&content);
        let href = links().server_page(&notice.page.server).unwrap();
        content
            .strip_suffix(&format!(" {href}"))
            .unwrap_or_else(|| panic!("our link ends {content:?}"))
            .to_owned()
    }

    /// The characters Discord would read as Markdown: those not escaped by a backslash.
    fn discord_markup(content: &str) -> Vec<char> {
        let mut active = Vec::new();
        let mut chars = content.chars();
        while let Some(ch) = chars.next() {
            if ch == '\\' {
                chars.next();
            } else if "*_~`|<>#-+[]():@".contains(ch) {
                active.push(ch);
            }
        }
        active
    }

    /// Discord's content as a person reads it: escapes undone.
    fn discord_reads(content: &str) -> String {
        let mut out = String::new();
        let mut chars = content.chars();
        while let Some(ch) = chars.next() {
            match ch {
                '\\' => out.extend(chars.next()),
                _ => out.push(ch),
            }
        }
        out
    }

    /// Server text, whatever it holds, adds no markup to a Slack or Discord message (the
    /// same markup as in a plain message: our bold title, our dates and colons), no format
    /// character, no line; and a person still reads it as the server wrote it.
    fn assert_inert(server: &str, error: &str, by: &str) {
        let hostile = notices_of(server, error, by);
        for (notice, plain) in hostile.iter().zip(benign()) {
            let (text, baseline) = (slack_text(notice), slack_text(&plain));
            let (active, ticks) = slack_markup(&text);
            assert_eq!(active, slack_markup(&baseline).0, "{text:?}");
            assert_eq!(ticks % 2, 0, "{text:?}");
            assert!(!text.chars().any(is_format), "{text:?}");
            assert_eq!(text.lines().count(), 2, "{text:?}");
            let content = discord_content(notice);
            let baseline = discord_content(&plain);
            assert_eq!(
                discord_markup(&content),
                discord_markup(&baseline),
                "{content:?}"
            );
            assert!(!content.chars().any(is_format), "{content:?}");
            assert!(!content.contains('\n'), "{content:?}");
        }
        let fired = &hostile[0];
        let reads = |max| clip(server, max).replace('`', "\u{2CB}");
        assert!(slack_reads(&slack_text(fired)).contains(&reads(80)));
        assert!(discord_reads(&discord_content(fired)).contains(&clip(server, 80)));
        let reads = |max| clip(error, max).replace('`', "\u{2CB}");
        assert!(slack_reads(&slack_text(fired)).contains(&reads(300)));
        assert!(discord_reads(&discord_content(fired)).contains(&clip(error, 300)));
        let acknowledged = &hostile[1];
        assert!(discord_reads(&discord_content(acknowledged)).contains(&clip(by, 80)));
    }

    #[test]
    fn hostile_server_text_makes_no_markup_in_slack_or_discord() {
        for text in HOSTILE {
            assert_inert(text, text, text);
        }
        // Each kind of markup, as it would have been sent: none of it is left.
        let fired = &notices_of(HOSTILE[0], HOSTILE[2], "ana")[0];
        let slack = slack_text(fired);
        assert!(slack.contains("[Re-authenticate](https://evil.example/login)"));
        assert!(!slack.contains("<!channel>") && !slack.contains("<@U024BE7LH>"));
        assert!(slack.contains("&lt;!channel&gt;"), "{slack}");
        let content = discord_content(fired);
        assert!(content.contains("\\[Re\\-authenticate\\]\\(https\\://evil"));
        let fired = &notices_of(HOSTILE[5], HOSTILE[3], "ana")[0];
        let slack = slack_text(fired);
        assert!(slack.starts_with(
            "*P1 · `*bold* _it_ ~strike~ **b** __u__ ~~s~~ ||spoiler|| \u{2CB}code\u{2CB}"
        ));
        let content = discord_content(fired);
        assert!(
            content.contains("\\@everyone \\@here \\<\\@&123\\>"),
            "{content}"
        );
        let fired = &notices_of(HOSTILE[7], HOSTILE[8], "ana")[0];
        assert!(slack_text(fired).contains("P1 · evilgnp.exe isolated: down"));
        assert!(discord_content(fired).contains("First error: everyone evil"));
    }

    #[test]
    fn plain_server_text_reads_as_written_in_chat() {
        let error =
            "Connection refused by the upstream server. Try again in 5 minutes, or call Bo.";
        let fired = &notices_of("Weather API", error, "Ana Lima")[0];
        let sentence = format!(
            "Down at the http layer since {}; the server is down. First error: {error}",
            format_minute(T0)
        );
        assert_eq!(
            slack_text(fired),
            format!("*P1 · Weather API: down at the http layer*\n{sentence}")
        );
        assert_eq!(
            discord_content(fired),
            format!("**P1 · Weather API: down at the http layer** {sentence}")
        );
        let resolved = &notices_of("Weather API", error, "Ana Lima")[2];
        assert!(slack_text(resolved).ends_with("By Ana Lima, after 7 min."));
        assert!(discord_content(resolved).ends_with("By Ana Lima, after 7 min."));
    }

    proptest::proptest! {
        #[test]
        fn any_server_text_makes_no_markup_in_slack_or_discord(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(HOSTILE.to_vec()).prop_map(str::to_owned),
                    proptest::sample::select(vec![
                        "*", "_", "~", "`", "|", "\\", "<", ">", "&", "[", "]", "(", ")", ":",
                        "@", "#", "-", "+", "!", "\n", " ", "\u{202E}", "\u{2066}", "\u{200D}",
                        "\u{200B}", "\u{FEFF}", "\u{E0041}", "api", "https://", "everyone",
                    ]).prop_map(str::to_owned),
                    "\\PC{0,6}",
                ],
                0..12,
            ),
        ) {
            let text = parts.concat();
            assert_inert(&text, &text, &text);
        }
    }

    #[test]
    fn plain_channels_show_server_text_as_written_without_format_characters() {
        let server = "api\u{202E}gnp.exe";
        let error = "[Re-authenticate](https://evil.example) *now* @everyone\u{200B}";
        let notices = notices_of(server, error, "ana");
        let channel = Channel {
            id: "n".into(),
            kind: ChannelKind::Ntfy {
                url: "https://ntfy.example".into(),
                topic: "oncall".into(),
            },
        };
        let Outgoing::Http(request) = outgoing(&notices[0], &channel, &links()) else {
            panic!("an http channel");
        };
        // Markdown only when asked for, by header or field: never.
        assert_eq!(request.headers.len(), 1, "{:?}", request.headers);
        let ntfy: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert!(ntfy.get("markdown").is_none());
        assert_eq!(ntfy["title"], "P1 · apignp.exe: down at the http layer");
        assert!(ntfy["message"]
            .as_str()
            .unwrap()
            .ends_with("First error: [Re-authenticate](https://evil.example) *now* @everyone"));
        let browser = Channel {
            id: "b".into(),
            kind: ChannelKind::Browser,
        };
        let Outgoing::Browser { title, body, .. } = outgoing(&notices[0], &browser, &links())
        else {
            panic!("a notification");
        };
        assert!(!title.chars().chain(body.chars()).any(is_format));
        let pagerduty = chat(
            &notices[0],
            ChannelKind::PagerDuty {
                routing_key: "R".into(),
                url: "https://events.example/v2/enqueue".into(),
            },
        );
        assert_eq!(pagerduty["payload"]["source"], "apignp.exe");
        assert_eq!(
            pagerduty["payload"]["summary"],
            "P1 · apignp.exe: down at the http layer"
        );
        // The webhook is data: the server's name exactly as configured, to match on.
        let hook = chat(
            &notices[0],
            ChannelKind::Webhook {
                url: "https://hooks.example/x".into(),
            },
        );
        assert_eq!(hook["server"], server);
    }

    #[test]
    fn ntfy_gets_a_priority_by_severity_and_a_click_target() {
        let (url, body) = sent(
            &notices()[0],
            ChannelKind::Ntfy {
                url: "https://ntfy.example".into(),
                topic: "oncall".into(),
            },
        );
        assert_eq!(url, "https://ntfy.example");
        assert_eq!(body["topic"], "oncall");
        assert_eq!(body["priority"], 5);
        assert_eq!(
            body["click"],
            "https://status.example/#/server/api%20%3Cscript%3E"
        );
    }

    #[test]
    fn pagerduty_triggers_acknowledges_and_resolves_one_dedup_key() {
        let pagerduty = ChannelKind::PagerDuty {
            routing_key: "R0UT1NG".into(),
            url: "https://events.example/v2/enqueue".into(),
        };
        let events: Vec<Value> = notices()
            .iter()
            .map(|n| sent(n, pagerduty.clone()).1)
            .collect();
        let actions: Vec<&str> = events
            .iter()
            .map(|e| e["event_action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["trigger", "acknowledge", "resolve"]);
        assert!(events
            .iter()
            .all(|e| e["dedup_key"] == "api <script>|downtime|4"));
        assert!(events.iter().all(|e| e["routing_key"] == "R0UT1NG"));
        let payload = &events[0]["payload"];
        assert_eq!(payload["severity"], "critical");
        assert_eq!(payload["source"], "api <script>");
        assert_eq!(payload["component"], "http");
        assert!(
            events[1].get("payload").is_none(),
            "acknowledge carries none"
        );
    }

    #[test]
    fn opsgenie_creates_acknowledges_and_closes_one_alias() {
        let opsgenie = ChannelKind::Opsgenie {
            api_key: "G3N13".into(),
            url: "https://api.eu.opsgenie.example/".into(),
        };
        let channel = Channel {
            id: "og".into(),
            kind: opsgenie,
        };
        let requests: Vec<HttpRequest> = notices()
            .iter()
            .map(|n| match outgoing(n, &channel, &links()) {
                Outgoing::Http(request) => request,
                other => panic!("an http channel, not {other:?}"),
            })
            .collect();
        // The alias holds the server's name: one path segment, percent-encoded.
        let alias = "api%20%3Cscript%3E%7Cdowntime%7C4";
        let urls: Vec<&str> = requests.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://api.eu.opsgenie.example/v2/alerts".to_owned(),
                format!("https://api.eu.opsgenie.example/v2/alerts/{alias}/acknowledge?identifierType=alias"),
                format!("https://api.eu.opsgenie.example/v2/alerts/{alias}/close?identifierType=alias"),
            ]
        );
        assert!(requests
            .iter()
            .all(|r| r.header("authorization") == Some("GenieKey G3N13")));
        let body = |r: &HttpRequest| -> Value {
            serde_json::from_str(r.body.as_deref().unwrap()).unwrap()
        };
        let created = body(&requests[0]);
        assert_eq!(created["alias"], "api <script>|downtime|4");
        assert_eq!(created["priority"], "P1");
        assert_eq!(created["entity"], "api <script>");
        assert!(created["message"].as_str().unwrap().chars().count() <= 130);
        assert_eq!(
            created["details"]["acknowledge"],
            "https://github.com/acme/status/actions/workflows/runner.yml"
        );
        assert_eq!(body(&requests[1])["user"], "ana");
        assert_eq!(body(&requests[2])["source"], "mcp-status");
    }

    #[test]
    fn a_browser_notification_is_tagged_by_its_alert() {
        let notices = notices();
        let channel = Channel {
            id: "push".into(),
            kind: ChannelKind::Browser,
        };
        let Outgoing::Browser { title, body, tag } = outgoing(&notices[2], &channel, &links())
        else {
            panic!("a notification");
        };
        assert_eq!(title, "Resolved: P1 · api <script>: down at the http layer");
        assert_eq!(body, "By ana, after 7 min.");
        assert_eq!(tag, "api <script>|downtime|4");
    }
}
