//! `status.json`: the status page's configuration — its title, links and groups, and per
//! server what to probe and how. Server authors edit it by hand, so every mistake is named by
//! its exact place (`servers[2].cadence_s`) and a reason a person can act on. The schema for
//! editors is `status.schema.json`; this module is what decides.
//!
//! The document is walked as a `serde_json::Value` rather than derived: a derive names the
//! line and column of a wrong type, not the field, and the page already links the `Value`
//! reader.

use crate::monitor::config::{MaintenanceWindow, MonitorConfig, MAX_MAINTENANCE};
use crate::monitor::history::parse_time;
use crate::monitor::record::{MINUTE, SECOND};
use crate::monitor::store::LocalMonitor;
use crate::platform::Platform;
use crate::target::Target;
use reader::Node;
use serde_json::Value;
use std::fmt;

mod alerting;
mod reader;

pub use alerting::AlertingSite;

/// Probing faster than this is not polite to the servers watched (spec section 9).
pub const MIN_CADENCE_S: u32 = 15;
pub const MAX_CADENCE_S: u32 = 86_400;
/// Long enough for any real name, short enough that a page cannot be flooded.
const MAX_TEXT: usize = 200;
const MAX_DESCRIPTION: usize = 2_000;
const MAX_SERVERS: usize = 200;

pub const DEFAULT_TITLE: &str = "MCP server status";

#[derive(Debug, Clone, PartialEq)]
pub struct SiteConfig {
    pub title: String,
    pub description: Option<String>,
    /// An http(s) URL, or a path relative to the page.
    pub logo: Option<String>,
    pub links: Vec<Link>,
    /// In the order the page shows them; servers without a group come first.
    pub groups: Vec<Group>,
    pub servers: Vec<ServerConfig>,
    /// Who hears about alerts, and when (the `alerting` section); `None` without one.
    pub alerting: Option<AlertingSite>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerConfig {
    pub name: String,
    /// Normalised (`Target`'s form).
    pub url: String,
    /// One of the site's groups.
    pub group: Option<String>,
    /// `None`: the platform's default (spec section 3).
    pub timeout_ms: Option<u64>,
    /// Whether visitors' browsers probe the server. `false`: the page shows published
    /// history only.
    pub live: bool,
    /// Cadence, platform, thresholds, SLO target, latency threshold, maintenance windows.
    pub monitor: MonitorConfig,
}

/// A mistake in the document: where, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteError {
    /// `servers[2].maintenance[0].end`; `line 3, column 7` for a syntax error; empty for the
    /// document as a whole.
    pub path: String,
    pub reason: String,
}

impl fmt::Display for SiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.reason)
        } else {
            write!(f, "{}: {}", self.path, self.reason)
        }
    }
}

impl std::error::Error for SiteError {}

const SITE_FIELDS: &[&str] = &[
    "$schema",
    "title",
    "description",
    "logo",
    "links",
    "groups",
    "servers",
    "alerting",
];
const LINK_FIELDS: &[&str] = &["title", "url"];
const GROUP_FIELDS: &[&str] = &["name", "description"];
const SERVER_FIELDS: &[&str] = &[
    "name",
    "url",
    "group",
    "platform",
    "cadence_s",
    "timeout_s",
    "slo_target",
    "latency_threshold_ms",
    "failures_to_down",
    "passes_to_up",
    "flap_quiet_min",
    "maintenance",
    "live",
];
const WINDOW_FIELDS: &[&str] = &["start", "end"];

/// How the `alerting` section is read, when it is.
type AlertingReader = fn(&Node) -> Result<alerting::AlertingSite, SiteError>;

impl SiteConfig {
    /// The whole file: the command line and the on-call console.
    pub fn parse(text: &str) -> Result<SiteConfig, SiteError> {
        SiteConfig::read(text, Some(alerting::alerting))
    }

    /// What the status page uses: the `alerting` section is left unread (`alerting` is
    /// `None`; the console and the command line check it), and its reader stays out of the
    /// status page's wasm.
    pub fn parse_for_page(text: &str) -> Result<SiteConfig, SiteError> {
        SiteConfig::read(text, None)
    }

    fn read(text: &str, read_alerting: Option<AlertingReader>) -> Result<SiteConfig, SiteError> {
        let document: Value = serde_json::from_slice(text.as_bytes()).map_err(|e| SiteError {
            path: format!("line {}, column {}", e.line(), e.column()),
            reason: format!("not valid JSON ({})", syntax_reason(&e)),
        })?;
        let site = Node::root(&document).object(SITE_FIELDS)?;
        let links = site
            .list("links")?
            .iter()
            .map(|node| {
                let link = node.object(LINK_FIELDS)?;
                Ok(Link {
                    title: link.required_text("title", MAX_TEXT)?,
                    url: link.link("url")?.unwrap_or_default(),
                })
            })
            .collect::<Result<_, SiteError>>()?;
        let groups: Vec<Group> = site
            .list("groups")?
            .iter()
            .map(|node| {
                let group = node.object(GROUP_FIELDS)?;
                Ok(Group {
                    name: group.required_text("name", MAX_TEXT)?,
                    description: group.text("description", MAX_DESCRIPTION)?,
                })
            })
            .collect::<Result<_, SiteError>>()?;
        let server_nodes = site.list("servers")?;
        if server_nodes.len() > MAX_SERVERS {
            return site.field_error("servers", format!("more than {MAX_SERVERS} servers"));
        }
        let mut servers: Vec<ServerConfig> = Vec::new();
        for node in &server_nodes {
            let server = server_config(node, &groups)?;
            if servers.iter().any(|s| s.name == server.name) {
                return node.at("name").fail("another server already has this name");
            }
            servers.push(server);
        }
        for (index, group) in groups.iter().enumerate() {
            if groups[..index].iter().any(|g| g.name == group.name) {
                return Node::root(&document)
                    .at("groups")
                    .index(index)
                    .at("name")
                    .fail("another group already has this name");
            }
        }
        Ok(SiteConfig {
            title: site
                .text("title", MAX_TEXT)?
                .unwrap_or_else(|| DEFAULT_TITLE.to_owned()),
            description: site.text("description", MAX_DESCRIPTION)?,
            logo: site.link("logo")?,
            links,
            groups,
            servers,
            alerting: match (site.field("alerting"), read_alerting) {
                (Some(node), Some(read)) => Some(read(&node)?),
                _ => None,
            },
        })
    }

    pub fn server(&self, name: &str) -> Option<&ServerConfig> {
        self.servers.iter().find(|s| s.name == name)
    }
}

impl ServerConfig {
    /// A monitor the user added in the page: probed live, every default but the cadence.
    pub fn of_local(monitor: &LocalMonitor) -> ServerConfig {
        ServerConfig {
            name: monitor.server.clone(),
            url: monitor.url.clone(),
            group: None,
            timeout_ms: None,
            live: true,
            monitor: monitor.config(),
        }
    }
}

fn server_config(node: &Node, groups: &[Group]) -> Result<ServerConfig, SiteError> {
    let server = node.object(SERVER_FIELDS)?;
    let name = server.required_text("name", MAX_TEXT)?;
    let url_text = server.required_text("url", 2_000)?;
    let target = Target::parse(&url_text).or_else(|e| server.field_error("url", e.to_string()))?;
    let group = server.text("group", MAX_TEXT)?;
    if let Some(group) = &group {
        if !groups.iter().any(|g| &g.name == group) {
            let known: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
            let reason = match known.is_empty() {
                true => "there is no `groups` list to name it in".to_owned(),
                false => format!("not one of the groups ({})", known.join(", ")),
            };
            return server.field_error("group", reason);
        }
    }
    let platform = match server.text("platform", MAX_TEXT)? {
        None => None,
        Some(name) => match Platform::from_name(&name) {
            Some(platform) => Some(platform),
            None => {
                return server.field_error(
                    "platform",
                    "one of render, railway, fly, vercel or other".to_owned(),
                )
            }
        },
    };
    let effective = platform.unwrap_or_else(|| Platform::from_host(target.host()));
    let cadence_s = server
        .whole("cadence_s", MIN_CADENCE_S, MAX_CADENCE_S)?
        .unwrap_or(60);
    let timeouts = effective.timeout_range_s();
    let timeout_s = server.whole("timeout_s", *timeouts.start(), *timeouts.end())?;
    let defaults = MonitorConfig::default();
    let slo_target = match server.field("slo_target") {
        None => defaults.slo_target,
        Some(field) => match field.value.as_f64() {
            Some(target) if target > 0.0 && target < 1.0 => target,
            _ => return field.fail("a fraction between 0 and 1, e.g. 0.995 for 99.5 %"),
        },
    };
    let maintenance = server
        .list("maintenance")?
        .iter()
        .map(window)
        .collect::<Result<_, SiteError>>()?;
    let count = |key, default| Ok(server.whole(key, 1, 100)?.unwrap_or(default));
    let monitor = MonitorConfig {
        failures_to_down: count("failures_to_down", defaults.failures_to_down)?,
        passes_to_up: count("passes_to_up", defaults.passes_to_up)?,
        flap_quiet: server
            .whole("flap_quiet_min", 0, 24 * 60)?
            .map_or(defaults.flap_quiet, |m| i64::from(m) * MINUTE),
        cadence: i64::from(cadence_s) * SECOND,
        platform,
        slo_target,
        latency_threshold_ms: server
            .whole("latency_threshold_ms", 1, 600_000)?
            .unwrap_or(defaults.latency_threshold_ms),
        maintenance,
        ..defaults
    };
    Ok(ServerConfig {
        name,
        url: target.to_string(),
        group,
        timeout_ms: timeout_s.map(|s| u64::from(s) * 1_000),
        live: server.flag("live")?.unwrap_or(true),
        monitor,
    })
}

fn window(node: &Node) -> Result<MaintenanceWindow, SiteError> {
    let window = node.object(WINDOW_FIELDS)?;
    let time = |key: &str| {
        let text = window.required_text(key, 100)?;
        parse_time(&text).or_else(|_| {
            window.field_error(
                key,
                "an RFC 3339 time, e.g. 2026-11-21T14:00:00Z".to_owned(),
            )
        })
    };
    let (start, end) = (time("start")?, time("end")?);
    if end <= start {
        return window.field_error("end", "the window ends before it starts".to_owned());
    }
    if end - start > MAX_MAINTENANCE {
        return window.field_error(
            "end",
            format!(
                "the window lasts {} minutes, longer than the 4-hour limit: split the work, or \
                 let the alert fire (a deploy that takes this long is worth one)",
                (end - start) / MINUTE
            ),
        );
    }
    Ok(MaintenanceWindow { start, end })
}

/// serde_json's message without its own " at line X column Y" (the path says it).
fn syntax_reason(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.find(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::reader::{closest, edits};
    use super::*;

    fn error_of(text: &str) -> SiteError {
        SiteConfig::parse(text).unwrap_err()
    }

    #[test]
    fn reads_servers_with_defaults() {
        let site = SiteConfig::parse(
            r#"{"servers":[{"name":"a","url":"https://a.onrender.com/mcp","platform":"render"}]}"#,
        )
        .unwrap();
        let server = &site.servers[0];
        assert_eq!(site.title, DEFAULT_TITLE);
        assert_eq!(server.monitor.cadence, MINUTE);
        assert_eq!(server.monitor.platform, Some(Platform::Render));
        assert_eq!(server.monitor.failures_to_down, 3);
        assert!(server.live);
        assert_eq!(server.timeout_ms, None);
    }

    #[test]
    fn reads_every_field() {
        let site = SiteConfig::parse(
            r#"{
              "$schema": "./status.schema.json",
              "title": "Acme MCP", "description": "Our servers", "logo": "logo.svg",
              "links": [{"title": "Docs", "url": "https://acme.example/docs"}],
              "groups": [{"name": "Production", "description": "what users hit"}],
              "servers": [{
                "name": "search", "url": "https://search.acme.example/mcp", "group": "Production",
                "platform": "fly", "cadence_s": 300, "timeout_s": 20, "slo_target": 0.999,
                "latency_threshold_ms": 800, "failures_to_down": 4, "passes_to_up": 3,
                "flap_quiet_min": 20, "live": false,
                "maintenance": [{"start": "2026-11-21T10:00:00Z", "end": "2026-11-21T11:00:00Z"}]
              }]
            }"#,
        )
        .unwrap();
        assert_eq!(site.title, "Acme MCP");
        assert_eq!(site.logo.as_deref(), Some("logo.svg"));
        assert_eq!(site.links[0].url, "https://acme.example/docs");
        assert_eq!(
            site.groups[0].description.as_deref(),
            Some("what users hit")
        );
        let server = &site.servers[0];
        assert_eq!(server.group.as_deref(), Some("Production"));
        assert_eq!(server.timeout_ms, Some(20_000));
        assert!(!server.live);
        let monitor = &server.monitor;
        assert_eq!(monitor.cadence, 300 * SECOND);
        assert_eq!(monitor.slo_target, 0.999);
        assert_eq!(monitor.latency_threshold_ms, 800);
        assert_eq!(monitor.failures_to_down, 4);
        assert_eq!(monitor.passes_to_up, 3);
        assert_eq!(monitor.flap_quiet, 20 * MINUTE);
        assert_eq!(
            monitor.maintenance[0].end - monitor.maintenance[0].start,
            60 * MINUTE
        );
        monitor.validate().unwrap();
    }

    #[test]
    fn errors_name_the_place_and_the_reason() {
        let cases = [
            (
                r#"{"servers":[{"name":"a","url":"http://a/"},{"name":"b","url":"http://b/","maintenance":[{"start":"2026-11-21T10:00:00Z","end":"2026-11-21T15:00:00Z"}]}]}"#,
                "servers[1].maintenance[0].end",
                "4-hour",
            ),
            (
                r#"{"servers":[{"name":"a","url":"http://a/","cadense_s":60}]}"#,
                "servers[0].cadense_s",
                "did you mean `cadence_s`?",
            ),
            (
                r#"{"servers":[{"name":"a","url":"http://a/","cadence_s":"60"}]}"#,
                "servers[0].cadence_s",
                "a whole number from 15 to 86400, found \"60\"",
            ),
            (
                r#"{"servers":[{"name":"a","url":"http://a/","cadence_s":1}]}"#,
                "servers[0].cadence_s",
                "from 15",
            ),
            (
                r#"{"servers":[{"name":"a","url":"https://a.onrender.com/","timeout_s":5}]}"#,
                "servers[0].timeout_s",
                "from 15 to 120",
            ),
            (
                r#"{"servers":[{"name":"a","url":"ftp://a/"}]}"#,
                "servers[0].url",
                "http",
            ),
            (
                r#"{"servers":[{"name":"a","url":"http://a/"},{"name":"a","url":"http://b/"}]}"#,
                "servers[1].name",
                "already has this name",
            ),
            (
                r#"{"groups":[{"name":"Prod"}],"servers":[{"name":"a","url":"http://a/","group":"prod"}]}"#,
                "servers[0].group",
                "not one of the groups (Prod)",
            ),
            (
                r#"{"servers":[{"url":"http://a/"}]}"#,
                "servers[0].name",
                "required",
            ),
            (
                r#"{"servers":[{"name":"a","url":"http://a/","slo_target":99.5}]}"#,
                "servers[0].slo_target",
                "between 0 and 1",
            ),
            (
                r#"{"servers":[{"name":"a","url":"http://a/","platform":"heroku"}]}"#,
                "servers[0].platform",
                "render, railway",
            ),
            (
                r#"{"links":[{"title":"x","url":"javascript:alert(1)"}]}"#,
                "links[0].url",
                "http(s)",
            ),
            (r#"{"logo":"data:image/svg+xml,<svg/>"}"#, "logo", "http(s)"),
            (
                r#"{"servers":{}}"#,
                "servers",
                "expected a list, found an object",
            ),
            (r#"[1]"#, "", "expected an object, found a list"),
            (
                "{\n  \"servers\": [,]\n}",
                "line 2, column 15",
                "not valid JSON",
            ),
        ];
        for (text, path, reason) in cases {
            let error = error_of(text);
            assert_eq!(error.path, path, "{text}: {error}");
            assert!(error.reason.contains(reason), "{text}: {error}");
        }
    }

    #[test]
    fn links_may_be_relative_or_http() {
        for url in [
            "docs/",
            "./a:b",
            "https://x.example/",
            "HTTP://x.example/",
            "/abs?q=a:b",
        ] {
            let text = format!(r#"{{"links":[{{"title":"t","url":"{url}"}}]}}"#);
            assert!(SiteConfig::parse(&text).is_ok(), "{url}");
        }
    }

    #[test]
    fn typo_hints_only_when_close() {
        assert_eq!(closest("titel", SITE_FIELDS), Some("title"));
        assert_eq!(closest("banana", SITE_FIELDS), None);
        assert_eq!(edits("kitten", "sitting"), 3);
    }

    #[test]
    fn the_json_schema_names_exactly_the_fields_read_here() {
        let schema: Value =
            serde_json::from_str(include_str!("../../../../status.schema.json")).unwrap();
        let keys = |object: &Value| -> Vec<String> {
            let mut keys: Vec<String> = object["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            keys.sort();
            keys
        };
        let sorted = |fields: &[&str]| -> Vec<String> {
            let mut fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
            fields.sort();
            fields
        };
        let items = |name: &str| schema["properties"][name]["items"].clone();
        assert_eq!(keys(&schema), sorted(SITE_FIELDS));
        assert_eq!(keys(&items("servers")), sorted(SERVER_FIELDS));
        assert_eq!(keys(&items("links")), sorted(LINK_FIELDS));
        assert_eq!(keys(&items("groups")), sorted(GROUP_FIELDS));
        assert_eq!(
            keys(&items("servers")["properties"]["maintenance"]["items"]),
            sorted(WINDOW_FIELDS)
        );
        let section = &schema["properties"]["alerting"];
        let part = |name: &str| section["properties"][name].clone();
        assert_eq!(keys(section), sorted(alerting::ALERTING_FIELDS));
        assert_eq!(
            keys(&part("channels")["items"]),
            sorted(alerting::CHANNEL_FIELDS)
        );
        assert_eq!(keys(&part("routes")), sorted(alerting::ROUTE_FIELDS));
        assert_eq!(
            keys(&part("escalation")["items"]),
            sorted(alerting::STEP_FIELDS)
        );
        assert_eq!(keys(&part("on_call")), sorted(alerting::ON_CALL_FIELDS));
        assert_eq!(
            keys(&part("on_call")["properties"]["manager"]),
            sorted(alerting::PERSON_FIELDS)
        );
        assert_eq!(
            part("channels")["items"]["properties"]["kind"]["enum"],
            serde_json::json!(alerting::KINDS)
        );
        let server = &items("servers")["properties"];
        assert_eq!(server["cadence_s"]["minimum"], MIN_CADENCE_S);
        assert_eq!(server["cadence_s"]["maximum"], MAX_CADENCE_S);
        assert_eq!(
            server["timeout_s"]["maximum"],
            crate::platform::MAX_TIMEOUT_S
        );
    }

    #[test]
    fn the_published_example_is_valid() {
        let example = include_str!("../../../../status.json");
        let site = SiteConfig::parse(example).unwrap();
        assert!(site.servers.len() >= 2);
    }
}
