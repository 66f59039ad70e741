//! One probe as the monitor sees it: compact, cheap to copy, enough for every rule.

use crate::report::{Layer, Outcome, ProbeReport};
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
    /// Tool-list fingerprints (the 16 hex digits of the report, as a number), when the probe
    /// listed the tools. Numbers, not strings: a probe is copied without allocating.
    pub contract_hash: Option<u64>,
    pub metadata_hash: Option<u64>,
    /// What went wrong, for incidents' "first error".
    pub error: Option<String>,
}

/// How a probe counts for availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// The server answered as designed: ok, degraded, auth_required.
    Up,
    Down,
    /// Blocked by the browser: says nothing about the server.
    NoData,
}

impl Health {
    pub fn of(outcome: Outcome) -> Health {
        match outcome {
            Outcome::Ok | Outcome::Degraded | Outcome::AuthRequired => Health::Up,
            Outcome::Failed => Health::Down,
            Outcome::Blocked => Health::NoData,
        }
    }
}

impl ProbeRecord {
    /// What the monitor keeps of a probe that started at `at`.
    pub fn of_report(at: Millis, report: &ProbeReport) -> ProbeRecord {
        ProbeRecord {
            at,
            outcome: report.outcome,
            layer: report.layer,
            latency_ms: u32::try_from(report.latency_ms).unwrap_or(u32::MAX),
            contract_hash: report.contract_hash.as_deref().and_then(parse_hash),
            metadata_hash: report.metadata_hash.as_deref().and_then(parse_hash),
            error: report.error.clone(),
        }
    }

    pub fn health(&self) -> Health {
        Health::of(self.outcome)
    }

    /// Passed all the way to the tool list (the probes whose latency is comparable).
    pub fn passed(&self) -> bool {
        matches!(self.outcome, Outcome::Ok | Outcome::Degraded)
    }
}

/// The 16 hex digits of a fingerprint as a number; `None` for anything else.
pub fn parse_hash(hex: &str) -> Option<u64> {
    // Digits only: `from_str_radix` would also take a leading `+` (`+abc`).
    if hex.is_empty() || hex.len() > 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(hex, 16).ok()
}

pub fn format_hash(hash: u64) -> String {
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::{format_hash, parse_hash};

    #[test]
    fn a_hash_is_one_to_sixteen_hex_digits_and_nothing_else() {
        assert_eq!(parse_hash("0e49d69cb711bbf7"), Some(0x0e49_d69c_b711_bbf7));
        assert_eq!(parse_hash("ABC"), Some(0xabc));
        assert_eq!(parse_hash(&format_hash(u64::MAX)), Some(u64::MAX));
        // Rust's integer parse takes a leading `+`: a hash does not.
        for text in [
            "+abc",
            "+",
            "-1",
            " abc",
            "abc ",
            "0x1f",
            "",
            "0e49d69cb711bbf7f",
        ] {
            assert_eq!(parse_hash(text), None, "{text:?}");
        }
    }
}
