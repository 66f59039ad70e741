//! The console's alerting views: the alerts (open ones to acknowledge or resolve, the week's
//! against their acknowledgement targets), the delivery log, maintenance windows, and this
//! browser's alerting settings (who you are, notifications, team-size presets, routing,
//! channels). Controls carry `data-action`; the console handles them by delegation.

use super::markup::{el, Element};
use crate::alerting::config::{AlertingConfig, ChannelKind, Notify, PUSH};
use crate::alerting::delivery::{Outcome, Status};
use crate::alerting::desk::Desk;
use crate::alerting::dispatch::Page;
use crate::alerting::local::LocalAlerting;
use crate::alerting::oncall::Offset;
use crate::alerting::targets::{results, AckResult, Verdict};
use crate::monitor::config::MAX_MAINTENANCE;
use crate::monitor::declared::Declared;
use crate::monitor::events::Severity;
use crate::monitor::history::format_minute;
use crate::monitor::record::{Millis, MINUTE};
use crate::status::duration;

pub struct DeskView<'a> {
    pub desk: &'a Desk,
    /// The policy this browser runs (`LocalAlerting::over`).
    pub config: &'a AlertingConfig,
    pub local: &'a LocalAlerting,
    /// Published channels whose secret only the runner has: (id, environment variable).
    pub runner_only: &'a [(String, String)],
    pub declared: &'a [Declared],
    pub servers: &'a [String],
    pub me: &'a str,
    /// Whether this tab sends the alerts, said for people.
    pub role: &'a str,
    /// `granted`, `denied`, `default` or `unsupported` (`browser::notify`).
    pub permission: &'a str,
    pub problem: Option<&'a str>,
    /// A form's class and what is wrong with what was entered in it.
    pub form_error: Option<(&'a str, &'a str)>,
    /// The page's host when other sites share its origin (`deployment::shares_origin`): they
    /// can read this browser's channels, so the channel form says so before one is entered.
    pub shared_origin: Option<&'a str>,
    pub now: Millis,
    pub offset: Offset<'a>,
}

/// The delivery log shows this many, newest first.
const LOG_SHOWN: usize = 50;

pub fn alerts(view: &DeskView) -> Element {
    let mut section = el("section")
        .class("alerts")
        .attr("aria-labelledby", "alerts-title")
        .child(el("h2").attr("id", "alerts-title").text("Alerts"))
        .child(
            el("p")
                .class("muted")
                .attr("id", "desk-role")
                .text(view.role),
        );
    if let Some(problem) = view.problem {
        section = section.child(el("p").class("problem").attr("role", "alert").text(problem));
    }
    let all = results(&view.desk.dispatcher.pages, view.now, view.offset);
    let (open, closed): (Vec<&AckResult>, Vec<&AckResult>) =
        all.iter().rev().partition(|r| r.page.is_open());
    if open.is_empty() {
        section = section.child(el("p").class("none").text("No open alerts."));
    }
    for result in open {
        section = section.child(open_alert(result));
    }
    if !closed.is_empty() {
        let mut table = el("table")
            .class("past-alerts")
            .child(el("thead").child(row(
                "th",
                &["Alert", "Fired", "Acknowledged", "Target", "Closed"],
            )));
        let mut body = el("tbody");
        for result in closed {
            let page = result.page;
            let closed = page.closed.as_ref().map_or(String::new(), |c| {
                let by = if c.by.is_empty() {
                    "the server recovered".to_owned()
                } else {
                    format!("by {}", c.by)
                };
                format!("{} ({by})", format_minute(c.at))
            });
            body = body.child(
                el("tr")
                    .attr("data-key", page.key.clone())
                    .child(el("td").text(title_of(page)))
                    .child(el("td").text(format_minute(page.opened_at)))
                    .child(el("td").text(acknowledged(page)))
                    .child(
                        el("td")
                            .attr("data-verdict", verdict_name(result.verdict))
                            .text(target(result)),
                    )
                    .child(el("td").text(closed)),
            );
        }
        table = table.child(body);
        section = section
            .child(el("h3").text("The week's alerts and their acknowledgement targets"))
            .child(el("div").class("table-scroll").child(table));
    }
    section
}

fn open_alert(result: &AckResult) -> Element {
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
    let mut card = el("article")
        .class("alert")
        .attr("data-key", page.key.clone())
        .attr("data-severity", page.severity.as_str())
        .child(el("h3").text(title_of(page)))
        .child(el("p").class("muted").text(facts.join(" · ")))
        .child(el("p").class("ack-status").text(status));
    if let Some(at) = page.process_failure_at {
        card = card.child(el("p").class("problem").text(format!(
            "Process failure: nobody acknowledged within the escalation policy (marked {}). Name it in the post-mortem.",
            format_minute(at)
        )));
    }
    let mut actions = el("p").class("actions");
    if page.acknowledged.is_none() {
        actions = actions.child(button("acknowledge", &page.key, "Acknowledge"));
    }
    card.child(actions.child(button("resolve", &page.key, "Resolve")))
}

fn button(action: &'static str, key: &str, label: &'static str) -> Element {
    el("button")
        .attr("type", "button")
        .attr("data-action", action)
        .attr("data-key", key.to_owned())
        .text(label)
}

fn title_of(page: &Page) -> String {
    let raised = if page.severity != page.fired_severity {
        format!(" (fired as {})", page.fired_severity.as_str())
    } else {
        String::new()
    };
    format!(
        "{}{raised} · {}: {}",
        page.severity.as_str(),
        page.server,
        page.summary.what
    )
}

fn acknowledged(page: &Page) -> String {
    match &page.acknowledged {
        Some(mark) => format!(
            "Acknowledged by {} at {}, after {}.",
            mark.by,
            format_minute(mark.at),
            duration(mark.at - page.opened_at)
        ),
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

pub fn deliveries(view: &DeskView) -> Element {
    let mut section = el("section")
        .class("deliveries")
        .attr("aria-labelledby", "deliveries-title")
        .child(el("h2").attr("id", "deliveries-title").text("Deliveries"))
        .child(el("p").class("muted").text(
            "Every notice on every channel, newest first. A webhook that does not allow this page by CORS is sent blind: \
             the browser cannot see its answer, and says so.",
        ));
    let deliveries = &view.desk.deliveries;
    if deliveries.is_empty() {
        return section.child(el("p").class("none").text("Nothing sent yet."));
    }
    let mut body = el("tbody");
    for sending in deliveries.iter().rev().take(LOG_SHOWN) {
        let delivery = &sending.delivery;
        let server = delivery.key.split('|').next().unwrap_or("");
        let last = delivery.attempts.last().map(|a| match &a.outcome {
            Outcome::Answered { status } => format!("HTTP {status}"),
            Outcome::Failed { error } => error.describe(),
            Outcome::Unseen => "sent as no-cors".to_owned(),
            Outcome::Unrecorded => "answer not recorded".to_owned(),
            Outcome::Shown => "shown".to_owned(),
        });
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
        body = body.child(
            el("tr")
                .attr("data-channel", delivery.channel.clone())
                .attr("data-notice", delivery.notice.clone())
                .attr("data-status", status_name(delivery.status))
                .child(el("td").text(format_minute(delivery.created_at)))
                .child(el("td").text(server.to_owned()))
                .child(el("td").text(delivery.notice.replace('_', " ")))
                .child(el("td").text(delivery.channel.clone()))
                .child(el("td").class("delivery-result").text(result)),
        );
    }
    let table = el("table")
        .class("delivery-log")
        .child(el("thead").child(row(
            "th",
            &["When", "Server", "Notice", "Channel", "Result"],
        )))
        .child(body);
    section = section.child(el("div").class("table-scroll").child(table));
    section
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

fn row(cell: &'static str, texts: &[&'static str]) -> Element {
    texts
        .iter()
        .fold(el("tr"), |tr, text| tr.child(el(cell).text(*text)))
}

pub fn maintenance(view: &DeskView) -> Element {
    let mut section = el("section")
        .class("declare")
        .attr("aria-labelledby", "maintenance-title")
        .child(el("h2").attr("id", "maintenance-title").text("Maintenance"))
        .child(el("p").class("muted").text(
            "Before a deploy: probing goes on, alerting waits, and the window is left out of SLO uptime. \
             At most 4 hours; alerting resumes by itself at the end. The status page shows it.",
        ));
    let mut list = el("ul").class("declared-windows");
    let mut any = false;
    for (index, declared) in view.declared.iter().enumerate() {
        if declared.window.end <= view.now {
            continue;
        }
        any = true;
        let server = declared.server.clone().unwrap_or("every server".into());
        let under_way = declared.window.contains(view.now);
        let mut text = if under_way {
            format!(
                "{server}: under way until {}",
                format_minute(declared.window.end)
            )
        } else {
            format!(
                "{server}: from {} to {}",
                format_minute(declared.window.start),
                format_minute(declared.window.end)
            )
        };
        if !declared.reason.is_empty() {
            text.push_str(&format!(" — {}", declared.reason));
        }
        if !declared.by.is_empty() {
            text.push_str(&format!(" (declared by {})", declared.by));
        }
        let label = if under_way { "End now" } else { "Cancel" };
        list = list.child(
            el("li").text(text).text(" ").child(
                el("button")
                    .attr("type", "button")
                    .class("secondary")
                    .attr("data-action", "end-window")
                    .attr("data-index", index.to_string())
                    .text(label),
            ),
        );
    }
    if any {
        section = section.child(list);
    }
    let mut servers = el("select")
        .attr("id", "window-server")
        .child(el("option").attr("value", "").text("Every server"));
    for server in view.servers {
        servers = servers.child(
            el("option")
                .attr("value", server.clone())
                .text(server.clone()),
        );
    }
    let max = (MAX_MAINTENANCE / MINUTE).to_string();
    let form = el("form")
        .class("window-form")
        .child(field("window-server", "Server", servers))
        .child(field(
            "window-start",
            "Starts (empty: now; your local time)",
            el("input")
                .attr("id", "window-start")
                .attr("type", "datetime-local"),
        ))
        .child(field(
            "window-minutes",
            "Minutes",
            el("input")
                .attr("id", "window-minutes")
                .attr("type", "number")
                .attr("min", "1")
                .attr("max", max)
                .attr("value", "60")
                .attr("required", ""),
        ))
        .child(field(
            "window-reason",
            "Why",
            el("input")
                .attr("id", "window-reason")
                .attr("maxlength", "200")
                .attr("placeholder", "Deploy v2.3"),
        ))
        .child(form_error(view, "window-form"))
        .child(
            el("button")
                .attr("type", "submit")
                .text("Declare maintenance"),
        );
    section.child(form)
}

fn field(id: &'static str, label: &'static str, input: Element) -> Element {
    el("p")
        .class("field")
        .child(el("label").attr("for", id).text(label))
        .child(input)
}

pub fn settings(view: &DeskView) -> Element {
    let config = view.config;
    let mut people = el("datalist").attr("id", "people");
    if let Some(rotation) = &config.rotation {
        for person in rotation.people.iter().chain(&rotation.manager) {
            people = people.child(el("option").attr("value", person.name.clone()));
        }
    }
    let me = el("form")
        .class("me")
        .child(field(
            "me",
            "You are (acknowledgements carry this name)",
            el("input")
                .attr("id", "me")
                .attr("list", "people")
                .attr("maxlength", "60")
                .attr("value", view.me.to_owned()),
        ))
        .child(people)
        .child(
            el("button")
                .attr("type", "submit")
                .class("secondary")
                .text("Save"),
        );
    let permission = match view.permission {
        "granted" => "Notifications are on in this browser.",
        "denied" => "Notifications are blocked in this browser: allow them in the site's settings (the padlock by the address).",
        "unsupported" => "This browser cannot show notifications.",
        _ => "Notifications are off: the push channel needs them.",
    };
    let mut notifications = el("p")
        .class("permission")
        .attr("data-permission", view.permission.to_owned())
        .text(permission);
    if view.permission == "default" {
        notifications = notifications.text(" ").child(
            el("button")
                .attr("type", "button")
                .attr("data-action", "notifications")
                .text("Turn on notifications"),
        );
    }
    let presets = el("p")
        .class("presets")
        .text("Presets (spec section 8): ")
        .child(preset("solo", "Solo"))
        .child(preset("two", "Two people"))
        .child(preset("five", "Five or more"));
    el("section")
        .class("alerting-settings")
        .attr("aria-labelledby", "alerting-settings-title")
        .child(el("h2").attr("id", "alerting-settings-title").text("Alerting settings"))
        .child(el("p").class("muted").text(
            "Kept in this browser only: channels added here (their URLs are secrets) and the routing chosen here, over what status.json publishes.",
        ))
        .child(me)
        .child(notifications)
        .child(presets)
        .child(routing(view))
        .child(escalation(config))
        .child(
            add_channel(view.shared_origin)
                .child(form_error(view, "channel-form"))
                .child(el("button").attr("type", "submit").text("Add channel")),
        )
}

/// Where a form says what is wrong with what was entered (empty, but there, otherwise: the
/// form does not jump when a message comes).
fn form_error(view: &DeskView, form: &str) -> Element {
    let text = match view.form_error {
        Some((which, error)) if which == form => error,
        _ => "",
    };
    el("p")
        .class("field-error")
        .attr("role", "alert")
        .text(text)
}

fn preset(value: &'static str, label: &'static str) -> Element {
    el("button")
        .attr("type", "button")
        .class("secondary")
        .attr("data-action", "preset")
        .attr("data-value", value)
        .text(label)
}

fn routing(view: &DeskView) -> Element {
    let config = view.config;
    let mut body = el("tbody");
    for channel in &config.channels {
        let id = &channel.id;
        let local = view.local.channels.iter().any(|c| c.id == *id);
        let (kind, place) = match &channel.kind {
            ChannelKind::Browser => ("browser notification", String::new()),
            ChannelKind::Webhook { url } => ("webhook", url.clone()),
            ChannelKind::Slack { url } => ("Slack", url.clone()),
            ChannelKind::Discord { url } => ("Discord", url.clone()),
            ChannelKind::Ntfy { url, topic } => ("ntfy", format!("{url} · {topic}")),
            ChannelKind::PagerDuty { url, .. } => ("PagerDuty", url.clone()),
        };
        let mut tr = el("tr")
            .attr("data-channel", id.clone())
            .child(el("th").attr("scope", "row").text(id.clone()))
            .child(
                el("td")
                    .text(kind)
                    .child(el("span").class("muted url").text(place)),
            );
        for (index, route) in config.routes.iter().enumerate() {
            let severity = ["P1", "P2", "P3"][index];
            let mut input = el("input")
                .attr("type", "checkbox")
                .attr("data-action", "route")
                .attr("data-channel", id.clone())
                .attr("data-severity", index.to_string())
                .attr("aria-label", format!("{id} for {severity}"));
            if route.contains(id) {
                input = input.attr("checked", "");
            }
            tr = tr.child(el("td").child(input));
        }
        let origin = if local {
            el("button")
                .attr("type", "button")
                .class("secondary")
                .attr("data-action", "remove-channel")
                .attr("data-channel", id.clone())
                .text("Remove")
        } else if id == PUSH {
            el("span").class("muted").text("this page")
        } else {
            el("span").class("muted").text("status.json")
        };
        body = body.child(tr.child(el("td").child(origin)));
    }
    for (id, variable) in view.runner_only {
        body = body.child(
            el("tr").class("runner-only").child(el("th").attr("scope", "row").text(id.clone())).child(
                el("td").attr("colspan", "5").class("muted").text(format!(
                    "Sent by the runner only: its secret is in the runner's environment (${variable})."
                )),
            ),
        );
    }
    let table = el("table")
        .class("routing")
        .child(el("caption").text("Who hears what: each severity's channels"))
        .child(el("thead").child(row("th", &["Channel", "Kind", "P1", "P2", "P3", ""])))
        .child(body);
    el("div").class("table-scroll").child(table)
}

fn escalation(config: &AlertingConfig) -> Element {
    let mut list = el("ol").class("escalation");
    for step in &config.escalation {
        let who = match &step.notify {
            Notify::Channels(ids) => format!("channels {}", ids.join(", ")),
            Notify::Primary => "the on-call primary's own channels".to_owned(),
            Notify::Secondary => "the secondary on call".to_owned(),
            Notify::Manager => "the manager".to_owned(),
            Notify::ProcessFailure => {
                "marked a process failure; the P1 channels are told".to_owned()
            }
        };
        list = list.child(el("li").text(format!(
            "After {} without an acknowledgement: {who}.",
            duration(step.after)
        )));
    }
    let mut text = if config.escalation.is_empty() {
        "A P1 does not escalate here.".to_owned()
    } else {
        "A P1 escalates:".to_owned()
    };
    if let Some(after) = config.p2_to_p1_after {
        text = format!(
            "A P2 not acknowledged within {} becomes a P1. {text}",
            duration(after)
        );
    }
    let mut block = el("div").class("policy").child(el("p").text(text));
    if !config.escalation.is_empty() {
        block = block.child(list);
    }
    if let Some(every) = config.reminder_every {
        block = block.child(el("p").text(format!(
            "Open alerts are reminded every {}.",
            duration(every)
        )));
    }
    block
}

/// What the channel form says first on an origin other sites share (`host`): where a secret
/// entered here can be read, and the two ways to keep it from them.
fn shared_origin_warning(host: &str) -> Element {
    el("p")
        .class("problem shared-origin")
        .attr("id", "shared-origin")
        .text(format!(
            "Careful: {host} is shared by every site its owner publishes there, and any of them can read what this browser keeps for this page, channel URLs and routing keys included. \
             Before adding a secret, serve the page from a custom domain of its own, or leave the secret to the scheduled runner: \
             name an environment variable in status.json (url_env, routing_key_env) and keep the value in the repository's Actions secrets."
        ))
}

fn add_channel(shared_origin: Option<&str>) -> Element {
    let kinds = [
        ("webhook", "Webhook (JSON, docs/formats.md)"),
        ("slack", "Slack"),
        ("discord", "Discord"),
        ("ntfy", "ntfy"),
        ("pagerduty", "PagerDuty Events v2"),
    ];
    let mut select = el("select").attr("id", "channel-kind");
    for (value, label) in kinds {
        select = select.child(el("option").attr("value", value).text(label));
    }
    // The secrets' fields point screen readers at the warning too.
    let described = |input: Element| match shared_origin {
        Some(_) => input.attr("aria-describedby", "shared-origin"),
        None => input,
    };
    let mut form = el("form")
        .class("channel-form")
        .child(el("h3").text("Add a channel in this browser"));
    if let Some(host) = shared_origin {
        form = form.child(shared_origin_warning(host));
    }
    form.child(field(
        "channel-id",
        "Id",
        el("input")
            .attr("id", "channel-id")
            .attr("maxlength", "40")
            .attr("required", ""),
    ))
    .child(field("channel-kind", "Kind", select))
    .child(field(
        "channel-url",
        "URL",
        described(
            el("input")
                .attr("id", "channel-url")
                .attr("type", "url")
                .attr("required", ""),
        ),
    ))
    .child(field(
        "channel-extra",
        "ntfy topic or PagerDuty routing key",
        described(
            el("input")
                .attr("id", "channel-extra")
                .attr("maxlength", "200"),
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerting::config::Channel;
    use crate::alerting::delivery::Delivery;
    use crate::alerting::desk::{Read, Sending};
    use crate::alerting::dispatch::OnCall;
    use crate::monitor::events::{Alert, AlertKind, AlertReason};
    use crate::page::markup::{to_html, Node};

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

    fn view<'a>(
        desk: &'a Desk,
        config: &'a AlertingConfig,
        local: &'a LocalAlerting,
    ) -> DeskView<'a> {
        DeskView {
            desk,
            config,
            local,
            runner_only: &[],
            declared: &[],
            servers: &[],
            me: "Ana",
            role: "This tab sends the alerts.",
            permission: "default",
            problem: None,
            form_error: None,
            shared_origin: None,
            now: T0 + 10 * MINUTE,
            offset: &utc,
        }
    }

    #[test]
    fn open_alerts_can_be_acknowledged_and_the_week_s_show_their_targets() {
        let config = AlertingConfig::default();
        let desk = desk(&config);
        let local = LocalAlerting::default();
        let tree: Node = alerts(&view(&desk, &config, &local)).into();
        let cards = tree.find_all("alert");
        assert_eq!(cards.len(), 1, "one open alert");
        let card = Node::from(cards[0].clone());
        assert_eq!(cards[0].get("data-key"), Some("api <i>|downtime|1"));
        let text = card.text_content();
        assert!(text.contains("P1 · api <i>: down"), "{text}");
        assert!(
            text.contains("Target 2026-11-21 00:06 UTC: missed."),
            "{text}"
        );
        let html = to_html(&card);
        assert!(html.contains("data-action=\"acknowledge\""), "{html}");
        assert!(html.contains("api &lt;i&gt;"), "{html}");
        let past = Node::from(tree.find_all("past-alerts")[0].clone()).text_content();
        assert!(
            past.contains("Acknowledged by Ana at 2026-11-21 00:03 UTC, after 2 min."),
            "{past}"
        );
        assert!(past.contains("met"), "{past}");
        assert!(past.contains("(by Ana)"), "{past}");
    }

    #[test]
    fn the_log_shows_each_delivery_s_result_newest_first() {
        let config = AlertingConfig::default();
        let mut desk = desk(&config);
        let mut blind = Delivery::new("api|downtime|1", "fired", "hook", T0 + 5 * MINUTE);
        blind.record(T0 + 5 * MINUTE, Outcome::Unseen);
        desk.deliveries.push(Sending {
            delivery: blind,
            notice: None,
            claim: None,
        });
        let local = LocalAlerting::default();
        let tree: Node = deliveries(&view(&desk, &config, &local)).into();
        let rows = tree.find_all("delivery-result");
        let first = Node::from(rows[0].clone()).text_content();
        assert_eq!(
            first,
            "sent, result not visible to the browser (sent as no-cors)"
        );
        let last = Node::from(rows[rows.len() - 1].clone()).text_content();
        assert_eq!(last, "delivered (shown)");
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
        let desk = Desk::default();
        let mut view = view(&desk, &config, &local);
        let runner = [("pd".to_owned(), "PD_KEY".to_owned())];
        view.runner_only = &runner;
        let html = to_html(&settings(&view).into());
        assert!(
            html.contains("aria-label=\"push for P1\" checked=\"\""),
            "{html}"
        );
        assert!(
            html.contains("aria-label=\"ops for P1\">"),
            "not routed: {html}"
        );
        assert!(
            html.contains("data-action=\"remove-channel\" data-channel=\"ops\""),
            "{html}"
        );
        assert!(html.contains("($PD_KEY)"), "{html}");
        assert!(
            html.contains("After 5 min without an acknowledgement"),
            "{html}"
        );
        assert!(html.contains("Turn on notifications"), "{html}");
    }

    #[test]
    fn the_channel_form_warns_before_a_secret_on_an_origin_other_sites_share() {
        let config = AlertingConfig::default();
        let desk = Desk::default();
        let local = LocalAlerting::default();
        let mut view = view(&desk, &config, &local);
        let own: Node = settings(&view).into();
        assert!(own.find_all("shared-origin").is_empty());
        assert!(!to_html(&own).contains("aria-describedby"));

        view.shared_origin = Some("acme.github.io");
        let shared: Node = settings(&view).into();
        let form = Node::from(shared.find_all("channel-form")[0].clone());
        let warnings = form.find_all("shared-origin");
        assert_eq!(warnings.len(), 1);
        let text = Node::from(warnings[0].clone()).text_content();
        assert!(
            text.contains("acme.github.io is shared by every site its owner publishes there"),
            "{text}"
        );
        assert!(text.contains("custom domain"), "{text}");
        assert!(text.contains("Actions secrets"), "{text}");
        // Before the first field: read before anything is typed.
        let html = to_html(&form);
        let warning_at = html.find("id=\"shared-origin\"").unwrap();
        assert!(
            warning_at < html.find("id=\"channel-id\"").unwrap(),
            "{html}"
        );
        for secret in ["channel-url", "channel-extra"] {
            assert!(
                html.contains(&format!(
                    "id=\"{secret}\" type=\"url\" required=\"\" aria-describedby=\"shared-origin\""
                )) || html.contains(&format!(
                    "id=\"{secret}\" maxlength=\"200\" aria-describedby=\"shared-origin\""
                )),
                "{secret}: {html}"
            );
        }
    }

    #[test]
    fn maintenance_lists_windows_to_come_with_a_way_to_end_them() {
        let config = AlertingConfig::default();
        let desk = Desk::default();
        let local = LocalAlerting::default();
        let windows = [
            Declared::new(Some("api".into()), T0, 60, T0, "Ana", "deploy").unwrap(),
            Declared::new(None, T0 + 2 * 60 * MINUTE, 30, T0, "", "").unwrap(),
        ];
        let mut view = view(&desk, &config, &local);
        view.declared = &windows;
        view.form_error = Some(("window-form", "This window would already be over."));
        let servers = ["api".to_owned()];
        view.servers = &servers;
        let tree: Node = maintenance(&view).into();
        let text = tree.text_content();
        assert!(
            text.contains(
                "api: under way until 2026-11-21 01:00 UTC — deploy (declared by Ana) End now"
            ),
            "{text}"
        );
        assert!(
            text.contains("every server: from 2026-11-21 02:00 UTC to 2026-11-21 02:30 UTC Cancel"),
            "{text}"
        );
        let html = to_html(&tree);
        assert!(html.contains("max=\"240\""));
        assert!(
            html.contains(
                "<p class=\"field-error\" role=\"alert\">This window would already be over.</p>"
            ),
            "{html}"
        );
    }
}
