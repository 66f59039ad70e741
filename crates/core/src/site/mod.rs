//! `status.json`: the status page's configuration — its title, links and groups, and per
//! server what to probe and how. Server authors edit it by hand, so every mistake is named by
//! its exact place (`servers[2].cadence_s`) and a reason a person can act on. The schema for
//! editors is `status.schema.json`; this module is what decides.
//!
//! It is read in two steps: serde's derived readers take the text into raw structs whose
//! values each carry their own rule (`fields.rs`: a text's length, a number's range, a URL's
//! scheme), with errors named by their path (`read.rs`); then the raw structs become the
//! types below, checked for what relates one value to another (unique names, a group that
//! exists, a timeout the platform allows, a window that ends after it starts).

use crate::monitor::config::MonitorConfig;
use crate::monitor::record::{Millis, SECOND};
use crate::monitor::store::LocalMonitor;
use fields::{Object, SafeLink, Text, Whole};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Deserialize;
use std::fmt;

mod alerting;
mod fields;
mod read;
mod servers;

pub use alerting::{AlertingSite, LeftToRunner};

/// Probing faster than this is not polite to the servers watched (spec section 9).
pub const MIN_CADENCE_S: u32 = 15;
pub const MAX_CADENCE_S: u32 = 86_400;
/// The scheduled runner's rounds by default: the Runner workflow's cron (`*/5 * * * *`).
pub const DEFAULT_RUNNER_CADENCE_S: u32 = 300;
/// A published summary is fresh for this many of the runner's cadences: GitHub starts
/// scheduled runs late when it is busy, and a round takes a while to reach Pages.
const FRESH_CADENCES: i64 = 3;
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
    /// The scheduled runner (the `runner` section).
    pub runner: RunnerConfig,
}

/// Whether visitors' browsers probe a server (`live`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Live {
    /// Only when the runner has published nothing fresh about it: a status page shared
    /// widely still makes one probe per server and cadence, the runner's, whatever the number
    /// of visitors (`"auto"`, the default).
    #[default]
    Auto,
    /// Always, from every visitor's browser (one tab of each): `"always"`, or `true`.
    Always,
    /// Never: the page shows the runner's published history only (`"never"`, or `false`).
    Never,
}

impl Live {
    /// Whether this browser probes the server now; `published_fresh`: the runner's summary is
    /// fresh (`RunnerConfig::is_fresh`) and has the server.
    pub fn probes_here(self, published_fresh: bool) -> bool {
        match self {
            Live::Auto => !published_fresh,
            Live::Always => true,
            Live::Never => false,
        }
    }
}

/// The scheduled runner, as `status.json`'s `runner` section describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunnerConfig {
    /// How often it probes every server: what the probes it publishes are judged by (a
    /// probe's result holds for two of these), whatever a server's own `cadence_s` says of
    /// the page's probes. Must agree with the schedule that runs it.
    pub cadence: Millis,
}

impl RunnerConfig {
    /// Whether a summary the runner wrote at `generated_at` still says how things are at
    /// `now`: within three of its cadences (a summary that does not say when is not).
    pub fn is_fresh(&self, generated_at: Option<Millis>, now: Millis) -> bool {
        generated_at.is_some_and(|at| now - at <= FRESH_CADENCES * self.cadence)
    }

    /// The rules the runner's published probes of a server are judged by: the server's own
    /// (`monitor`), at the runner's cadence (it probes every server once a round).
    pub fn rules(&self, monitor: &MonitorConfig) -> MonitorConfig {
        MonitorConfig {
            cadence: self.cadence,
            ..monitor.clone()
        }
    }
}

impl Default for RunnerConfig {
    fn default() -> Self {
        RunnerConfig {
            cadence: Millis::from(DEFAULT_RUNNER_CADENCE_S) * SECOND,
        }
    }
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
    /// Whether visitors' browsers probe the server.
    pub live: Live,
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

/// A mistake found after reading, at `path`.
fn fail<T>(path: String, reason: impl Into<String>) -> Result<T, SiteError> {
    Err(SiteError {
        path,
        reason: reason.into(),
    })
}

/// A text as an error quotes it: short, on one line.
fn quoted(text: &str) -> String {
    format!("\"{}\"", crate::text::clip(text, 40))
}

/// The document as written. `null` counts as absent; a list may be absent (none).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite<A> {
    /// The schema, for editors' completion: not read.
    #[serde(rename = "$schema")]
    _schema: Option<IgnoredAny>,
    title: Option<Text<MAX_TEXT>>,
    description: Option<Text<MAX_DESCRIPTION>>,
    logo: Option<SafeLink>,
    links: Option<Vec<Object<RawLink>>>,
    groups: Option<Vec<Object<RawGroup>>>,
    servers: Option<Vec<Object<servers::RawServer>>>,
    alerting: Option<A>,
    runner: Option<Object<RawRunner>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRunner {
    cadence_s: Option<Whole<MIN_CADENCE_S, MAX_CADENCE_S>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLink {
    title: Text<MAX_TEXT>,
    url: SafeLink,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    name: Text<MAX_TEXT>,
    description: Option<Text<MAX_DESCRIPTION>>,
}

impl SiteConfig {
    /// The whole file: the command line and the on-call console.
    pub fn parse(text: &str) -> Result<SiteConfig, SiteError> {
        SiteConfig::read(text, |Object(raw)| alerting::alerting(raw).map(Some))
    }

    /// What the status page uses: the `alerting` section is left unread (`alerting` is
    /// `None`; the console and the command line check it), and its reader stays out of the
    /// status page's wasm.
    pub fn parse_for_page(text: &str) -> Result<SiteConfig, SiteError> {
        SiteConfig::read(text, |_: IgnoredAny| Ok(None))
    }

    /// `A` is how the `alerting` section is read, `alerting` what it becomes.
    fn read<A: DeserializeOwned>(
        text: &str,
        alerting: impl FnOnce(A) -> Result<Option<AlertingSite>, SiteError>,
    ) -> Result<SiteConfig, SiteError> {
        let Object(site) = read::read::<Object<RawSite<A>>>(text)?;
        let links = site.links.unwrap_or_default().into_iter();
        let groups: Vec<Group> = site
            .groups
            .unwrap_or_default()
            .into_iter()
            .map(|Object(group)| Group {
                name: group.name.0,
                description: group.description.map(|Text(text)| text),
            })
            .collect();
        for (index, group) in groups.iter().enumerate() {
            if let Some(first) = groups[..index].iter().position(|g| g.name == group.name) {
                return fail(
                    format!("groups[{index}].name"),
                    format!("another group (groups[{first}]) already has this name"),
                );
            }
        }
        let raw_servers = site.servers.unwrap_or_default();
        if raw_servers.len() > MAX_SERVERS {
            return fail("servers".into(), format!("more than {MAX_SERVERS} servers"));
        }
        let mut servers: Vec<ServerConfig> = Vec::new();
        for (index, Object(raw)) in raw_servers.into_iter().enumerate() {
            let path = format!("servers[{index}]");
            let server = servers::server_config(raw, &path, &groups)?;
            if let Some(first) = servers.iter().position(|s| s.name == server.name) {
                return fail(
                    format!("{path}.name"),
                    format!("another server (servers[{first}]) already has this name"),
                );
            }
            servers.push(server);
        }
        Ok(SiteConfig {
            title: site
                .title
                .map_or_else(|| DEFAULT_TITLE.to_owned(), |Text(title)| title),
            description: site.description.map(|Text(text)| text),
            logo: site.logo.map(|SafeLink(url)| url),
            links: links
                .map(|Object(link)| Link {
                    title: link.title.0,
                    url: link.url.0,
                })
                .collect(),
            groups,
            servers,
            alerting: match site.alerting {
                Some(section) => alerting(section)?,
                None => None,
            },
            runner: match site.runner.and_then(|Object(runner)| runner.cadence_s) {
                Some(Whole(seconds)) => RunnerConfig {
                    cadence: Millis::from(seconds) * SECOND,
                },
                None => RunnerConfig::default(),
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
            // The user's own: nobody else probes it.
            live: Live::Always,
            monitor: monitor.config(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fields::Choice;
    use super::servers::{RawServer, RawWindow};
    use super::*;
    use crate::monitor::record::{MINUTE, SECOND};
    use crate::platform::Platform;
    use crate::text::is_format;
    use serde_json::Value;

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
        assert_eq!(server.live, Live::Auto);
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
        assert_eq!(server.live, Live::Never, "false: never");
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
    fn every_kind_of_mistake_is_named_by_its_path() {
        let server =
            |fields: &str| format!(r#"{{"servers":[{{"name":"a","url":"http://a/"{fields}}}]}}"#);
        let window = |start: &str, end: &str| {
            server(&format!(
                r#","maintenance":[{{"start":"{start}","end":"{end}"}}]"#
            ))
        };
        let cases = [
            // Unknown fields, with the closest known one or the list of them.
            (r#"{"titel":"x"}"#.to_owned(), "titel: unknown field (did you mean `title`?)"),
            (r#"{"banana":1}"#.to_owned(),
             "banana: unknown field (known fields: $schema, title, description, logo, links, groups, servers, alerting, runner)"),
            (server(r#","cadense_s":60"#), "servers[0].cadense_s: unknown field (did you mean `cadence_s`?)"),
            (r#"{"links":[{"title":"t","url":"u","urll":1}]}"#.to_owned(),
             "links[0].urll: unknown field (did you mean `url`?)"),
            (server(r#","maintenance":[{"stop":"x"}]"#),
             "servers[0].maintenance[0].stop: unknown field (known fields: start, end)"),
            // Missing and repeated fields.
            (r#"{"servers":[{"name":"a"}]}"#.to_owned(), "servers[0].url: required"),
            (r#"{"groups":[{}]}"#.to_owned(), "groups[0].name: required"),
            (r#"{"title":"a","title":"b"}"#.to_owned(), "title: given twice (a field appears once)"),
            // Wrong types.
            (r#"{"title":5}"#.to_owned(),
             "title: expected a non-empty string of at most 200 characters, found 5"),
            (server(r#","live":"yes""#), "servers[0].live: expected auto, always or never (or true: always, false: never), found \"yes\""),
            (server(r#","cadence_s":60.5"#),
             "servers[0].cadence_s: expected a whole number from 15 to 86400, found 60.5"),
            (server(r#","maintenance":{}"#), "servers[0].maintenance: expected a list, found an object"),
            (r#"{"servers":[null]}"#.to_owned(), "servers[0]: expected an object, found nothing"),
            (r#"{"servers":[["a","http://a/"]]}"#.to_owned(), "servers[0]: expected an object, found a list"),
            // Values out of their range or set.
            (server(r#","cadence_s":-1"#),
             "servers[0].cadence_s: expected a whole number from 15 to 86400, found -1"),
            (server(r#","failures_to_down":0"#),
             "servers[0].failures_to_down: expected a whole number from 1 to 100, found 0"),
            (server(r#","slo_target":1"#),
             "servers[0].slo_target: expected a fraction between 0 and 1, e.g. 0.995 for 99.5 %, found 1"),
            (server(r#","platform":"heroku""#),
             "servers[0].platform: expected one of render, railway, fly, vercel, other, found \"heroku\""),
            (r#"{"logo":"javascript:alert(1)"}"#.to_owned(),
             "logo: expected an http(s) URL or a path relative to the page, found \"javascript:alert(1)\""),
            (format!(r#"{{"title":"{}"}}"#, "x".repeat(201)),
             "title: expected a non-empty string of at most 200 characters, found \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…\""),
            (window("11:00", "2026-11-21T10:00:00Z"),
             "servers[0].maintenance[0].start: expected an RFC 3339 time, e.g. 2026-11-21T14:00:00Z, found \"11:00\""),
            // What relates one value to another.
            (window("2026-11-21T11:00:00Z", "2026-11-21T10:00:00Z"),
             "servers[0].maintenance[0].end: the window ends before it starts"),
            (r#"{"servers":[{"name":"a","url":"https://a.onrender.com/","timeout_s":5}]}"#.to_owned(),
             "servers[0].timeout_s: expected a whole number from 15 to 120 (render: a cold start takes up to 30 s), found 5"),
            (r#"{"servers":[{"name":"a","url":"http://a/"},{"name":"b","url":"http://b/"},{"name":"a","url":"http://c/"}]}"#.to_owned(),
             "servers[2].name: another server (servers[0]) already has this name"),
            (r#"{"groups":[{"name":"P"},{"name":"P"}]}"#.to_owned(),
             "groups[1].name: another group (groups[0]) already has this name"),
            (server(r#","group":"P""#), "servers[0].group: there is no `groups` list to name it in"),
            (format!(r#"{{"servers":[{}]}}"#, vec![r#"{"name":"a","url":"http://a/"}"#; 201].join(",")),
             "servers: more than 200 servers"),
            // Not JSON.
            ("{} x".to_owned(), "line 1, column 4: not valid JSON (trailing characters)"),
        ];
        for (text, expected) in cases {
            assert_eq!(error_of(&text).to_string(), expected, "{text}");
        }
    }

    #[test]
    fn the_page_leaves_the_alerting_section_unread() {
        let text = r#"{"servers":[],"alerting":{"team_sise":[1,{"x":null}]}}"#;
        assert_eq!(SiteConfig::parse_for_page(text).unwrap().alerting, None);
        assert_eq!(
            error_of(text).to_string(),
            "alerting.team_sise: unknown field (did you mean `team_size`?)"
        );
    }

    #[test]
    fn a_hostile_document_is_refused_without_a_panic_and_in_few_words() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let long = "\u{202E}".repeat(100_000);
        let texts = [
            format!(r#"{{"alerting":{deep}}}"#),
            format!(r#"{{"servers":[{{"name":"a","url":"http://a/","live":{deep}}}]}}"#),
            format!(r#"{{"{long}":1}}"#),
            format!(r#"{{"title":"{long}{}"}}"#, "x".repeat(100_000)),
            format!(
                r#"{{"servers":[{{"name":"a","url":"http://a/{}"}}]}}"#,
                "a".repeat(100_000)
            ),
            format!(r#"{{"servers":[{}]}}"#, vec!["{}"; 100_000].join(",")),
            r#"{"servers":[{"name":"a","url":"http://a/","cadence_s":1e400}]}"#.to_owned(),
            r#"{"servers":[{"name":"a","url":"http://a/","cadence_s":18446744073709551616}]}"#
                .to_owned(),
            r#"{"title":"\ud800"}"#.to_owned(),
            "\u{feff}{}".to_owned(),
            String::new(),
        ];
        let short = |error: SiteError| {
            let error = error.to_string();
            assert!(error.chars().count() < 400, "{error}");
            assert!(!error.chars().any(is_format), "{error}");
        };
        for text in &texts {
            let start: String = text.chars().take(80).collect();
            short(SiteConfig::parse(text).expect_err(&start));
            // The page skips the alerting section, however deep, without reading it.
            if let Err(error) = SiteConfig::parse_for_page(text) {
                short(error);
            }
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

    /// Debug escapes format characters (`\u{202e}`): none may be left in what was read.
    fn assert_no_format(debug: &str) {
        assert!(
            !debug.contains("\\u{202e}") && !debug.contains("\\u{200b}"),
            "{debug}"
        );
    }

    #[test]
    fn text_is_read_without_format_characters() {
        let json = serde_json::json!({
            "title": "Acme\u{202E}txt.exe\u{200B}",
            "description": "Our\u{200B} servers\u{202E}",
            "links": [{"title": "\u{202E}Docs", "url": "https://acme.example/\u{200B}docs"}],
            "groups": [{"name": "Prod\u{200B}uction\u{202E}", "description": "what\u{202E} users hit"}],
            "servers": [
                {"name": "\u{202E}search\u{200B}", "url": "https://search.acme.example/mcp",
                 "group": "Production"},
                {"name": "files", "url": "https://files.acme.example/mcp",
                 "group": "Pro\u{200B}duction", "platform": "fly\u{200B}"},
            ],
        });
        let site = SiteConfig::parse(&json.to_string()).expect("the site parses");
        assert_eq!(site.title, "Acmetxt.exe");
        assert_eq!(site.description.as_deref(), Some("Our servers"));
        assert_eq!(site.links[0].title, "Docs");
        assert_eq!(site.links[0].url, "https://acme.example/docs");
        assert_eq!(site.groups[0].name, "Production");
        assert_eq!(
            site.groups[0].description.as_deref(),
            Some("what users hit")
        );
        assert_eq!(site.servers[0].name, "search");
        // Names are compared as they are shown: the group matches without its invisible part.
        assert_eq!(site.servers[0].group.as_deref(), Some("Production"));
        assert_eq!(site.servers[1].group.as_deref(), Some("Production"));
        assert_no_format(&format!("{site:?}"));
    }

    #[test]
    fn invisible_characters_neither_make_a_name_nor_tell_two_apart() {
        let error = |json: serde_json::Value| SiteConfig::parse(&json.to_string()).unwrap_err();
        let nothing = error(serde_json::json!({
            "servers": [{"name": "\u{200B}\u{202E} ", "url": "http://a/"}],
        }));
        assert_eq!(nothing.path, "servers[0].name");
        assert!(nothing.reason.contains("non-empty"), "{nothing}");
        let twice = error(serde_json::json!({
            "servers": [
                {"name": "api", "url": "http://a/"},
                {"name": "a\u{200B}pi", "url": "http://b/"},
            ],
        }));
        assert_eq!(twice.path, "servers[1].name");
        assert!(twice.reason.contains("already has this name"), "{twice}");
        // The limit counts what is seen.
        let long = format!("{}{}", "n".repeat(200), "\u{200B}".repeat(50));
        let site = serde_json::json!({"servers": [{"name": long, "url": "http://a/"}]});
        assert!(SiteConfig::parse(&site.to_string()).is_ok());
        // An unknown field's name is quoted in the error: they are written out there.
        let unknown = error(serde_json::json!({"servers": [{"ti\u{202E}tle": "x"}]}));
        assert_eq!(unknown.path, "servers[0].ti\\u{202e}tle");
        assert!(!unknown.to_string().chars().any(is_format), "{unknown}");
    }

    /// The fields serde's derived reader of `T` knows: what it hands `deserialize_struct`.
    fn fields_of<T: DeserializeOwned>() -> Vec<String> {
        use serde::de::{self, Visitor};
        struct Fields<'a>(&'a mut Vec<String>);
        impl<'de> de::Deserializer<'de> for Fields<'_> {
            type Error = de::value::Error;
            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
                Err(de::Error::custom("not a struct"))
            }
            fn deserialize_struct<V: Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Self::Error> {
                self.0.extend(fields.iter().map(|f| f.to_string()));
                Err(de::Error::custom("fields taken"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
                byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
                identifier ignored_any
            }
        }
        let mut fields = Vec::new();
        assert!(T::deserialize(Fields(&mut fields)).is_err());
        fields.sort();
        fields
    }

    /// The words of a closed set, in order.
    fn words<T: Choice>() -> Value {
        T::CHOICES.iter().map(|(word, _)| *word).collect()
    }

    #[test]
    fn the_json_schema_names_exactly_the_fields_read_here() {
        use crate::alerting::config::TeamSize;
        use alerting::{
            Kind, RawAlerting, RawChannel, RawOnCall, RawPerson, RawRoutes, RawStep, Whom,
        };
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
        let items = |name: &str| schema["properties"][name]["items"].clone();
        assert_eq!(keys(&schema), fields_of::<RawSite<IgnoredAny>>());
        assert_eq!(keys(&items("servers")), fields_of::<RawServer>());
        assert_eq!(keys(&items("links")), fields_of::<RawLink>());
        assert_eq!(keys(&items("groups")), fields_of::<RawGroup>());
        assert_eq!(
            keys(&items("servers")["properties"]["maintenance"]["items"]),
            fields_of::<RawWindow>()
        );
        let section = &schema["properties"]["alerting"];
        let part = |name: &str| section["properties"][name].clone();
        assert_eq!(keys(section), fields_of::<RawAlerting>());
        assert_eq!(keys(&part("channels")["items"]), fields_of::<RawChannel>());
        assert_eq!(keys(&part("routes")), fields_of::<RawRoutes>());
        assert_eq!(keys(&part("escalation")["items"]), fields_of::<RawStep>());
        assert_eq!(keys(&part("on_call")), fields_of::<RawOnCall>());
        assert_eq!(
            keys(&part("on_call")["properties"]["manager"]),
            fields_of::<RawPerson>()
        );
        assert_eq!(
            part("channels")["items"]["properties"]["kind"]["enum"],
            words::<Kind>()
        );
        assert_eq!(part("team_size")["enum"], words::<TeamSize>());
        assert_eq!(
            part("escalation")["items"]["properties"]["notify"]["enum"],
            words::<Whom>()
        );
        let server = &items("servers")["properties"];
        assert_eq!(server["platform"]["enum"], words::<Platform>());
        assert_eq!(server["live"]["oneOf"][0]["enum"], words::<Live>());
        assert_eq!(server["cadence_s"]["minimum"], MIN_CADENCE_S);
        assert_eq!(server["cadence_s"]["maximum"], MAX_CADENCE_S);
        let runner = &schema["properties"]["runner"];
        assert_eq!(keys(runner), fields_of::<RawRunner>());
        assert_eq!(
            runner["properties"]["cadence_s"]["default"],
            DEFAULT_RUNNER_CADENCE_S
        );
        assert_eq!(
            server["timeout_s"]["maximum"],
            crate::platform::MAX_TIMEOUT_S
        );
    }

    #[test]
    fn live_is_a_choice_and_the_old_booleans_still_read() {
        let live = |value: &str| {
            let text =
                format!(r#"{{"servers":[{{"name":"a","url":"https://a.example/mcp"{value}}}]}}"#);
            SiteConfig::parse(&text).map(|site| site.servers[0].live)
        };
        assert_eq!(live(""), Ok(Live::Auto));
        assert_eq!(live(r#","live":"auto""#), Ok(Live::Auto));
        assert_eq!(live(r#","live":"always""#), Ok(Live::Always));
        assert_eq!(live(r#","live":"never""#), Ok(Live::Never));
        assert_eq!(live(r#","live":true"#), Ok(Live::Always));
        assert_eq!(live(r#","live":false"#), Ok(Live::Never));
        assert_eq!(
            live(r#","live":3"#).unwrap_err().to_string(),
            "servers[0].live: expected auto, always or never (or true: always, false: never), found 3"
        );
    }

    #[test]
    fn auto_servers_are_probed_by_browsers_only_while_nothing_fresh_is_published() {
        let runner = RunnerConfig::default();
        let now = 1_795_219_200_000;
        let minutes_ago = |m: i64| Some(now - m * 60 * SECOND);
        // Within three rounds of 5 minutes: fresh; GitHub starts scheduled runs late.
        assert!(runner.is_fresh(minutes_ago(14), now));
        assert!(runner.is_fresh(minutes_ago(15), now));
        assert!(!runner.is_fresh(minutes_ago(16), now));
        assert!(
            !runner.is_fresh(None, now),
            "a summary that does not say when"
        );
        let slow = RunnerConfig {
            cadence: 3_600 * SECOND,
        };
        assert!(slow.is_fresh(minutes_ago(120), now));
        for (live, fresh, stale) in [
            (Live::Auto, false, true),
            (Live::Always, true, true),
            (Live::Never, false, false),
        ] {
            assert_eq!(
                live.probes_here(true),
                fresh,
                "{live:?} with a fresh summary"
            );
            assert_eq!(live.probes_here(false), stale, "{live:?} without one");
        }
    }

    #[test]
    fn each_channel_has_one_sender_the_runner_when_it_publishes() {
        let site = SiteConfig::parse(
            r#"{"alerting": {
              "channels": [
                {"id": "hook", "kind": "webhook", "url": "https://hooks.example/x"},
                {"id": "pd", "kind": "pagerduty", "routing_key_env": "PD_KEY"},
                {"id": "og", "kind": "opsgenie", "api_key": "written-out"}
              ],
              "routes": {"P1": ["push", "hook", "pd", "og"]}
            }}"#,
        )
        .unwrap();
        let section = site.alerting.unwrap();
        let ids = |left: &[(String, LeftToRunner)]| -> Vec<String> {
            left.iter().map(|(id, _)| id.clone()).collect()
        };
        // No runner publishing: the console sends what it can; the runner what needs its
        // secrets, and Opsgenie, whose API does not answer browsers.
        let (config, left) = section.console_policy(false);
        assert_eq!(
            left,
            vec![
                ("pd".to_owned(), LeftToRunner::Secret("PD_KEY".into())),
                ("og".to_owned(), LeftToRunner::NotFromBrowsers),
            ]
        );
        assert_eq!(config.sent_elsewhere, ["pd", "og"]);
        // A runner publishes: every channel of the file is its, but the browser's notifications.
        let (config, left) = section.console_policy(true);
        assert_eq!(ids(&left), ["pd", "og", "hook"]);
        assert_eq!(left[2].1, LeftToRunner::RunnerPublishes);
        assert_eq!(config.sent_elsewhere, ["pd", "og", "hook"]);
        let channels: Vec<&str> = config.channels.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(channels, ["push"], "notifications stay");
    }

    #[test]
    fn the_published_example_is_valid() {
        let example = include_str!("../../../../status.json");
        let site = SiteConfig::parse(example).unwrap();
        assert!(site.servers.len() >= 2);
    }
}
