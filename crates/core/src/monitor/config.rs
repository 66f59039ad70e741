//! The rules' numbers, per server. Every default comes from the product spec.

use super::record::{Millis, HOUR, MINUTE};
use crate::platform::Platform;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Maintenance windows longer than this are refused: a deploy that takes longer is itself
/// worth an alert (product spec, section 7).
pub const MAX_MAINTENANCE: Millis = 4 * HOUR;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceWindow {
    pub start: Millis,
    pub end: Millis,
}

impl MaintenanceWindow {
    pub fn contains(&self, at: Millis) -> bool {
        self.start <= at && at < self.end
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitorConfig {
    /// Consecutive failures that take UP to DOWN.
    pub failures_to_down: u32,
    /// Consecutive passes that take DOWN to UP.
    pub passes_to_up: u32,
    /// A new downtime alert needs this long healthy since the last recovery.
    pub flap_quiet: Millis,
    /// How often the server is probed; a probe's result holds for `validity_factor` cadences.
    pub cadence: Millis,
    pub validity_factor: u32,
    /// `None`: detected from the host name.
    pub platform: Option<Platform>,
    pub slo_target: f64,
    /// A passing probe slower than this is degraded; p95 above it is a P3 event.
    pub latency_threshold_ms: u32,
    /// Burn-rate alerts need at least this many probes in each of their windows (a short
    /// window: no more than it holds at the cadence).
    pub min_burn_samples: u32,
    pub maintenance: Vec<MaintenanceWindow>,
}

impl Default for MonitorConfig {
    fn default() -> Self {
        MonitorConfig {
            failures_to_down: 3,
            passes_to_up: 2,
            flap_quiet: 10 * MINUTE,
            cadence: MINUTE,
            validity_factor: 2,
            platform: None,
            slo_target: 0.995,
            latency_threshold_ms: 3_000,
            min_burn_samples: 5,
            maintenance: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConfigError {
    MaintenanceTooLong { start: Millis, minutes: i64 },
    MaintenanceBackwards { start: Millis },
    SloTarget(f64),
    Zero(&'static str),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MaintenanceTooLong { minutes, .. } => write!(
                f,
                "a maintenance window of {minutes} minutes is longer than the 4-hour limit; split the work or let the alert fire"
            ),
            ConfigError::MaintenanceBackwards { .. } => {
                write!(f, "a maintenance window ends before it starts")
            }
            ConfigError::SloTarget(target) => {
                // Not `{target}`: the standard float formatting would come into the page (15 KB
                // of wasm) for this one message.
                let shown = crate::text::decimal(*target, 6);
                let shown = shown.trim_end_matches('0').trim_end_matches('.');
                write!(
                    f,
                    "the SLO target {shown} is not between 0 and 1 (e.g. 0.995 for 99.5%)"
                )
            }
            ConfigError::Zero(what) => write!(f, "{what} must be at least 1"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl MonitorConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        for window in &self.maintenance {
            if window.end <= window.start {
                return Err(ConfigError::MaintenanceBackwards {
                    start: window.start,
                });
            }
            if window.end - window.start > MAX_MAINTENANCE {
                return Err(ConfigError::MaintenanceTooLong {
                    start: window.start,
                    minutes: (window.end - window.start) / MINUTE,
                });
            }
        }
        if !(self.slo_target > 0.0 && self.slo_target < 1.0) {
            return Err(ConfigError::SloTarget(self.slo_target));
        }
        for (value, name) in [
            (self.failures_to_down, "failures_to_down"),
            (self.passes_to_up, "passes_to_up"),
            (self.validity_factor, "validity_factor"),
        ] {
            if value == 0 {
                return Err(ConfigError::Zero(name));
            }
        }
        if self.cadence <= 0 {
            return Err(ConfigError::Zero("cadence"));
        }
        Ok(())
    }

    pub fn in_maintenance(&self, at: Millis) -> bool {
        self.maintenance.iter().any(|w| w.contains(at))
    }

    /// How long a probe's result stands before the time counts as no data.
    pub fn validity(&self) -> Millis {
        self.cadence * Millis::from(self.validity_factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_slo_target_is_named_as_written() {
        for (target, shown) in [(99.5, "99.5"), (1.0, "1"), (0.0, "0"), (-0.25, "-0.25")] {
            let config = MonitorConfig {
                slo_target: target,
                ..MonitorConfig::default()
            };
            let message = config.validate().unwrap_err().to_string();
            assert!(
                message.starts_with(&format!("the SLO target {shown} is not between 0 and 1")),
                "{message}"
            );
        }
    }
}
