//! `status.json`: what the page monitors and how. This reads the part the monitoring engine
//! needs; the page's own settings (title, groups, links…) join it with the status page.

use crate::monitor::config::{ConfigError, MaintenanceWindow, MonitorConfig};
use crate::monitor::history::parse_time;
use crate::monitor::record::{MINUTE, SECOND};
use crate::platform::Platform;
use serde::Deserialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    #[serde(default)]
    pub title: Option<String>,
    pub servers: Vec<ServerConfig>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    pub name: String,
    pub url: String,
    #[serde(default)]
    pub platform: Option<Platform>,
    #[serde(default = "defaults::cadence_s")]
    pub cadence_s: u32,
    #[serde(default)]
    pub timeout_s: Option<u32>,
    #[serde(default = "defaults::slo_target")]
    pub slo_target: f64,
    #[serde(default = "defaults::latency_threshold_ms")]
    pub latency_threshold_ms: u32,
    #[serde(default = "defaults::failures_to_down")]
    pub failures_to_down: u32,
    #[serde(default = "defaults::passes_to_up")]
    pub passes_to_up: u32,
    #[serde(default = "defaults::flap_quiet_min")]
    pub flap_quiet_min: u32,
    #[serde(default)]
    pub maintenance: Vec<WindowConfig>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowConfig {
    /// RFC 3339.
    pub start: String,
    pub end: String,
}

mod defaults {
    pub fn cadence_s() -> u32 {
        60
    }
    pub fn slo_target() -> f64 {
        0.995
    }
    pub fn latency_threshold_ms() -> u32 {
        3_000
    }
    pub fn failures_to_down() -> u32 {
        3
    }
    pub fn passes_to_up() -> u32 {
        2
    }
    pub fn flap_quiet_min() -> u32 {
        10
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SiteError {
    /// Where: `servers[2].maintenance[0]`, or the line and column of a syntax error.
    pub path: String,
    pub reason: String,
}

impl fmt::Display for SiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

impl std::error::Error for SiteError {}

impl SiteConfig {
    pub fn parse(text: &str) -> Result<SiteConfig, SiteError> {
        let site: SiteConfig = serde_json::from_slice(text.as_bytes()).map_err(|e| SiteError {
            path: format!("line {}, column {}", e.line(), e.column()),
            reason: e.to_string(),
        })?;
        for (index, server) in site.servers.iter().enumerate() {
            server
                .monitor_config()
                .map_err(|(field, reason)| SiteError {
                    path: format!("servers[{index}]{field}"),
                    reason,
                })?;
        }
        Ok(site)
    }

    pub fn server(&self, name: &str) -> Option<&ServerConfig> {
        self.servers.iter().find(|s| s.name == name)
    }
}

impl ServerConfig {
    /// The engine's configuration; on error, the field (`.maintenance[0]`) and the reason.
    pub fn monitor_config(&self) -> Result<MonitorConfig, (String, String)> {
        let mut maintenance = Vec::new();
        for (index, window) in self.maintenance.iter().enumerate() {
            let field = |name: &str| format!(".maintenance[{index}].{name}");
            let start = parse_time(&window.start).map_err(|e| (field("start"), e))?;
            let end = parse_time(&window.end).map_err(|e| (field("end"), e))?;
            maintenance.push(MaintenanceWindow { start, end });
        }
        let config = MonitorConfig {
            failures_to_down: self.failures_to_down,
            passes_to_up: self.passes_to_up,
            flap_quiet: i64::from(self.flap_quiet_min) * MINUTE,
            cadence: i64::from(self.cadence_s) * SECOND,
            platform: self.platform,
            slo_target: self.slo_target,
            latency_threshold_ms: self.latency_threshold_ms,
            maintenance,
            ..MonitorConfig::default()
        };
        config.validate().map_err(|error| {
            let field = match &error {
                ConfigError::MaintenanceTooLong { .. }
                | ConfigError::MaintenanceBackwards { .. } => ".maintenance",
                ConfigError::SloTarget(_) => ".slo_target",
                ConfigError::Zero(_) => "",
            };
            (field.to_owned(), error.to_string())
        })?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_servers_with_defaults() {
        let site = SiteConfig::parse(
            r#"{"servers":[{"name":"a","url":"https://a.onrender.com/mcp","platform":"render"}]}"#,
        )
        .unwrap();
        let config = site.servers[0].monitor_config().unwrap();
        assert_eq!(config.cadence, MINUTE);
        assert_eq!(config.platform, Some(Platform::Render));
    }

    #[test]
    fn errors_name_the_place() {
        let long = r#"{"servers":[{"name":"a","url":"u"},{"name":"b","url":"u","maintenance":[{"start":"2026-11-21T10:00:00Z","end":"2026-11-21T15:00:00Z"}]}]}"#;
        let error = SiteConfig::parse(long).unwrap_err();
        assert_eq!(error.path, "servers[1].maintenance");
        assert!(error.reason.contains("4-hour"));
        let typo =
            SiteConfig::parse(r#"{"servers":[{"name":"a","url":"u","cadense_s":5}]}"#).unwrap_err();
        assert!(typo.reason.contains("cadense_s"), "{typo}");
        let syntax = SiteConfig::parse("{\n  \"servers\": [,]\n}").unwrap_err();
        assert!(syntax.path.starts_with("line 2"), "{syntax}");
    }
}
