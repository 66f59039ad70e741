//! What a notice looks like on each kind of channel: the request a driver sends (or the
//! notification the page shows). The formats are documented in docs/formats.md.
//!
//! Server text (names, error messages) is clipped to one line and, where the channel reads
//! markup, escaped: a server must not be able to format, link or mention in someone's chat.

use super::config::{Channel, ChannelKind};
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
}

impl Links {
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
}

/// The delivery of `notice` on `channel`.
pub fn outgoing(notice: &Notice, channel: &Channel, links: &Links) -> Outgoing {
    let post = |url: &str, body: Value| {
        Outgoing::Http(HttpRequest {
            method: Method::Post,
            url: url.to_owned(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: Some(body.to_string()),
            mode: FetchMode::Cors,
        })
    };
    let server_page = links.server_page(&notice.page.server);
    match &channel.kind {
        ChannelKind::Browser => Outgoing::Browser {
            title: title(notice),
            body: body(notice),
            tag: notice.page.key.clone(),
        },
        ChannelKind::Webhook { url } => post(url, webhook(notice, links)),
        ChannelKind::Slack { url } => {
            let link = server_page
                .map(|href| format!(" <{}|Server page>", slack_escape(&href)))
                .unwrap_or_default();
            let text = format!(
                "*{}*\n{}{link}",
                slack_escape(&title(notice)),
                slack_escape(&body(notice))
            );
            post(url, json!({ "text": text }))
        }
        ChannelKind::Discord { url } => {
            let link = server_page
                .map(|href| format!("\n{href}"))
                .unwrap_or_default();
            let text = format!("**{}**\n{}{link}", title(notice), body(notice));
            // Nobody is mentioned, whatever the text says (`@everyone` in an error message).
            post(
                url,
                json!({ "content": clip(&text, 1_900), "allowed_mentions": { "parse": [] } }),
            )
        }
        ChannelKind::Ntfy { url, topic } => {
            let priority = match notice.page.severity {
                Severity::P1 => 5,
                Severity::P2 => 4,
                Severity::P3 => 3,
            };
            let mut message = json!({
                "topic": topic,
                "title": title(notice),
                "message": body(notice),
                "priority": priority,
                "tags": [notice.kind.as_str()],
            });
            if let Some(href) = server_page {
                message["click"] = Value::String(href);
            }
            post(url, message)
        }
        ChannelKind::PagerDuty { routing_key, url } => {
            post(url, pagerduty(notice, routing_key, links))
        }
    }
}

/// `P1 · api: down at the http layer`.
fn title(notice: &Notice) -> String {
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
        clip(&page.server, 80),
        page.summary.what
    )
}

/// The sentence under the title: since when, the first error, who did what.
fn body(notice: &Notice) -> String {
    let page = &notice.page;
    let since = format!("since {}", format_minute(page.summary.since));
    let error = page
        .summary
        .first_error
        .as_deref()
        .map(|e| format!(" First error: {}", clip(e, 300)))
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
                clip(to, 80)
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
            Some(mark) => format!("Open for {waited}, acknowledged by {}.", clip(&mark.by, 80)),
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
                .map(|mark| clip(&mark.by, 80))
                .unwrap_or_default();
            format!("By {by}, after {waited}.")
        }
        NoticeKind::Recovered => format!("Back after {waited}."),
    }
}

/// The generic webhook's JSON (docs/formats.md, "Alert webhook").
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
            "summary": clip(&title(notice), 1_000),
            "source": page.server,
            "severity": match page.severity {
                Severity::P1 => "critical",
                Severity::P2 => "error",
                Severity::P3 => "warning",
            },
            "timestamp": format_time(page.summary.since),
            "component": page.summary.layer.map(|l| l.as_str()),
            "custom_details": webhook(notice, links),
        });
        if let Some(href) = links.server_page(&page.server) {
            event["links"] = json!([{ "href": href, "text": "Server page" }]);
        }
    }
    event
}

/// Slack reads `&`, `<` and `>` as markup (links, mentions): server text gets them escaped.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
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

    const T0: i64 = 1_795_219_200_000; // 2026-11-21T00:00:00Z

    /// A P1 outage of a server whose name and error carry markup and a mention, as fired,
    /// acknowledged and resolved.
    fn notices() -> Vec<Notice> {
        let probe = ProbeRecord {
            at: T0,
            outcome: Outcome::Failed,
            layer: Some(Layer::Http),
            latency_ms: 31,
            contract_hash: None,
            metadata_hash: None,
            error: Some("HTTP 502 <b>@everyone</b> & more".into()),
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
        let server = "api <script>";
        let mut out = dispatcher.alert(&config, server, &alert, summary, OnCall::default());
        let key = out[0].page.key.clone();
        out.extend(dispatcher.acknowledge(&key, "ana", T0 + 4 * MINUTE));
        out.extend(dispatcher.resolve(&key, "ana", T0 + 9 * MINUTE));
        out
    }

    fn links() -> Links {
        Links {
            status_page: Some("https://status.example/#/".into()),
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
            Outgoing::Browser { .. } => panic!("an http channel"),
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
        let (_, acked) = sent(&notices[1], hook);
        assert_eq!(acked["event"], "acknowledged");
        assert_eq!(acked["acknowledged"]["by"], "ana");
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
        assert!(discord["content"]
            .as_str()
            .unwrap()
            .starts_with("**P1 · api <script>: down at the http layer**"));
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
