//! One probe as the monitor sees it: compact, cheap to copy, enough for every rule.

use crate::report::{Layer, Outcome};
use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeRecord {
    pub at: Millis,
    pub outcome: Outcome,
    pub layer: Option<Layer>,
    pub latency_ms: u32,
    /// Tool-list fingerprints (16 hex digits), when the probe listed the tools.
    pub contract_hash: Option<String>,
    pub metadata_hash: Option<String>,
    /// What went wrong, for incidents' "first error".
    pub error: Option<String>,
}

/// How a probe counts for availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// The server answered as designed: ok, degraded, auth_required.
    Up,
    Down,
    /// Blocked by the browser: says nothing about the server.
    NoData,
}

impl ProbeRecord {
    pub fn health(&self) -> Health {
        match self.outcome {
            Outcome::Ok | Outcome::Degraded | Outcome::AuthRequired => Health::Up,
            Outcome::Failed => Health::Down,
            Outcome::Blocked => Health::NoData,
        }
    }

    /// Passed all the way to the tool list (the probes whose latency is comparable).
    pub fn passed(&self) -> bool {
        matches!(self.outcome, Outcome::Ok | Outcome::Degraded)
    }
}
