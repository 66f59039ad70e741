//! The morning review (spec section 8): every failed probe and every event of the last 24
//! hours (`monitor::review::findings`), by server and by what it was, so that nothing that
//! happened overnight is missed. Each finding can be acknowledged; what is not is counted in
//! the navigation. Server names and errors are shown without format characters
//! (`text::without_format`, `text::clip`); keys keep the names as they are.

use crate::monitor::burn::BurnRule;
use crate::monitor::history::format_minute;
use crate::monitor::review::{Class, Finding, What};
use crate::status;
use crate::text::{clip, without_format};

pub use crate::monitor::review::{acknowledge, unacknowledged};

pub const TITLE: &str = "Morning review";

pub const LEDE: &str = "Every failed probe and every event of the last 24 hours, by server, so \
                        that nothing that happened overnight is missed. Acknowledge what you \
                        have looked at.";

/// The line under the lede: how many findings there are, and how many are open.
pub fn summary(findings: usize, open: usize) -> String {
    match (findings, open) {
        (0, _) => "Nothing failed and nothing happened in the last 24 hours.".to_owned(),
        (1, 0) => "The one finding of the last 24 hours is acknowledged.".to_owned(),
        (1, 1) => "One finding in the last 24 hours, not acknowledged yet.".to_owned(),
        (all, 0) => format!("All {all} findings of the last 24 hours are acknowledged."),
        (all, open) => {
            format!("{open} of {all} findings of the last 24 hours not acknowledged yet.")
        }
    }
}

/// A class's heading in a server's part of the review.
pub fn heading(class: Class) -> &'static str {
    match class {
        Class::Outage => "Outages",
        Class::Failure => "Failed probes, not confirmed",
        Class::ColdStart => "Cold starts (left out of SLO uptime)",
        Class::Burn => "Error budget burning too fast",
        Class::SlowHour => "Slow hours (p95 latency over the threshold)",
        Class::SchemaDrift => "Schema drift",
    }
}

/// What the review says about a finding, after its time. Server text is clipped.
pub fn text(finding: &Finding) -> String {
    match &finding.what {
        What::Outage {
            severity,
            layer,
            lasted,
            first_error,
        } => {
            let duration = match lasted {
                Some(lasted) => format!("lasted {}", status::duration(*lasted)),
                None => "still open".to_owned(),
            };
            let layer = layer.map_or("unknown", |l| l.as_str());
            let error = clip(first_error.as_deref().unwrap_or("no error message"), 200);
            format!(
                "{} at the {layer} layer, {duration}: {error}",
                severity.as_str()
            )
        }
        What::Failure {
            layer,
            latency_ms,
            error,
        } => {
            let layer = layer.map_or("unknown", |l| l.as_str());
            let error = clip(error.as_deref().unwrap_or("no error message"), 200);
            format!("failed at the {layer} layer after {latency_ms} ms: {error}")
        }
        What::ColdStart {
            failed,
            post_idle,
            recovery_ms,
        } => {
            let how = if *failed {
                "timed out"
            } else {
                "passed slowly"
            };
            let idle = if *post_idle {
                ", first probe after an idle gap"
            } else {
                ""
            };
            let recovery =
                recovery_ms.map_or(String::new(), |ms| format!("; the next probe took {ms} ms"));
            format!("{how}{idle}{recovery}")
        }
        What::Burn { severity, rule } => {
            let how = match rule {
                BurnRule::Fast => "fast burn: 14.4 times the sustainable rate over an hour",
                BurnRule::Medium => "medium burn: 6 times the sustainable rate over 6 hours",
                BurnRule::Slow => "slow burn: on course to spend the whole 30-day budget",
            };
            format!("{}, {how}", severity.as_str())
        }
        What::SlowHour { severity, p95_ms } => format!(
            "{}, p95 latency {p95_ms} ms over the hour before",
            severity.as_str()
        ),
        What::Drift { kind } => match kind {
            crate::fingerprint::DriftKind::Contract => {
                "the tool list's contract changed (P2): clients may break"
            }
            crate::fingerprint::DriftKind::Metadata => "tool titles or descriptions changed (P3)",
        }
        .to_owned(),
    }
}

/// One finding as the review lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What it is acknowledged by (`Finding::key`): stable across reloads and tabs. Never
    /// shown: it holds the server's name as it is.
    pub key: String,
    /// `data-class`.
    pub class: &'static str,
    /// When it began, to the minute.
    pub time: String,
    pub text: String,
}

/// A server's findings of one class, under their heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassGroup {
    /// `data-class`: unique within a server's part.
    pub class: &'static str,
    /// The class's heading with its count: "Outages (2)".
    pub heading: String,
    pub items: Vec<Item>,
}

/// One server's part of the review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerGroup {
    /// The server, as the page's state names it: the part's key (`data-server`), never shown.
    pub server: String,
    /// The server's name as shown (without format characters).
    pub name: String,
    /// The server's page.
    pub href: String,
    pub classes: Vec<ClassGroup>,
}

/// The findings by server (in the order given: the status page's), then by class (in
/// `Class`'s order, as `findings` sorts them). Servers without findings are left out.
pub fn groups(findings: &[Finding]) -> Vec<ServerGroup> {
    let mut servers: Vec<ServerGroup> = Vec::new();
    for finding in findings {
        let index = match servers.iter().position(|g| g.server == finding.server) {
            Some(index) => index,
            None => {
                servers.push(ServerGroup {
                    server: finding.server.clone(),
                    name: without_format(finding.server.clone()),
                    href: crate::page::server_href(&finding.server),
                    classes: Vec::new(),
                });
                servers.len() - 1
            }
        };
        let class = finding.class().as_str();
        let classes = &mut servers[index].classes;
        let group = match classes.iter().position(|c| c.class == class) {
            Some(index) => &mut classes[index],
            None => {
                classes.push(ClassGroup {
                    class,
                    heading: heading(finding.class()).to_owned(),
                    items: Vec::new(),
                });
                classes.last_mut().expect("just pushed")
            }
        };
        group.items.push(Item {
            key: finding.key(),
            class,
            time: format_minute(finding.at),
            text: text(finding),
        });
    }
    for group in servers.iter_mut().flat_map(|s| s.classes.iter_mut()) {
        group.heading = format!("{} ({})", group.heading, group.items.len());
    }
    servers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::review::tests::day;

    #[test]
    fn each_finding_says_what_it_was_in_words() {
        let texts: Vec<String> = day().iter().map(text).collect();
        assert_eq!(
            texts,
            [
                "P1 at the http layer, lasted 1 h: HTTP 502",
                "failed at the http layer after 12 ms: HTTP 502",
                "timed out, first probe after an idle gap; the next probe took 8000 ms",
                "P1, fast burn: 14.4 times the sustainable rate over an hour",
                "P3, p95 latency 4200 ms over the hour before",
                "the tool list's contract changed (P2): clients may break",
            ]
        );
    }

    #[test]
    fn findings_are_grouped_by_server_then_class_in_the_order_given() {
        let mut found = day();
        let mut other = found[1].clone();
        other.server = "<b>zeta</b>".into();
        found.insert(0, other.clone());
        found.push(found[2].clone());
        let groups = groups(&found);
        let servers: Vec<&str> = groups.iter().map(|g| g.server.as_str()).collect();
        assert_eq!(servers, ["<b>zeta</b>", "api"]);
        assert_eq!(groups[0].href, "#/server/%3Cb%3Ezeta%3C%2Fb%3E");
        assert_eq!(
            groups[0].classes[0].heading,
            "Failed probes, not confirmed (1)"
        );
        assert_eq!(groups[0].classes[0].items[0].key, other.key());
        let api: Vec<&str> = groups[1]
            .classes
            .iter()
            .map(|c| c.heading.as_str())
            .collect();
        assert_eq!(
            api,
            [
                "Outages (1)",
                "Failed probes, not confirmed (2)",
                "Cold starts (left out of SLO uptime) (1)",
                "Error budget burning too fast (1)",
                "Slow hours (p95 latency over the threshold) (1)",
                "Schema drift (1)",
            ]
        );
        let failure = &groups[1].classes[1].items[0];
        assert_eq!(failure.class, "failure");
        assert_eq!(failure.time, format_minute(found[2].at));
        assert!(super::groups(&[]).is_empty());
    }

    #[test]
    fn names_and_errors_are_shown_without_format_characters() {
        use crate::monitor::review::What;
        use crate::view::check::tests::assert_no_format;
        let laced = |text: &str| format!("\u{202E}{text}\u{200B}");
        let mut found = day();
        for finding in &mut found {
            finding.server = laced("api <b>");
            match &mut finding.what {
                What::Outage { first_error, .. } => *first_error = Some(laced("HTTP 502")),
                What::Failure { error, .. } => *error = Some(laced("HTTP 502")),
                _ => {}
            }
        }
        let mut groups = groups(&found);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].name, "api <b>");
        assert_eq!(
            groups[0].classes[0].items[0].text,
            "P1 at the http layer, lasted 1 h: HTTP 502"
        );
        assert_eq!(groups[0].href, crate::page::server_href(&found[0].server));
        // The keys keep the name as the state has it (acknowledgements are stored by it); what
        // is shown does not.
        assert_eq!(groups[0].server, found[0].server);
        assert_eq!(groups[0].classes[0].items[0].key, found[0].key());
        groups[0].server.clear();
        for class in &mut groups[0].classes {
            class.items.iter_mut().for_each(|item| item.key.clear());
        }
        assert_no_format(&format!("{groups:?}"));
    }

    #[test]
    fn the_summary_counts_what_is_open() {
        let found = day();
        let acknowledged = vec![found[0].key(), found[5].key()];
        let open = unacknowledged(&found, &acknowledged);
        assert_eq!(open, 4);
        assert_eq!(
            summary(found.len(), open),
            "4 of 6 findings of the last 24 hours not acknowledged yet."
        );
        assert_eq!(
            summary(6, 0),
            "All 6 findings of the last 24 hours are acknowledged."
        );
        assert_eq!(
            summary(0, 0),
            "Nothing failed and nothing happened in the last 24 hours."
        );
        assert_eq!(
            summary(1, 1),
            "One finding in the last 24 hours, not acknowledged yet."
        );
        assert_eq!(
            summary(1, 0),
            "The one finding of the last 24 hours is acknowledged."
        );
    }
}
