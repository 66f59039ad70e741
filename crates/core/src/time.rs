//! The two clocks, as two types that cannot be mixed up.
//!
//! - Wall-clock time, [`Millis`]: milliseconds since the Unix epoch, UTC — when a probe
//!   happened, the days of the bars, maintenance windows, what is stored and published. It
//!   can jump (the user or NTP sets the clock), so it never measures a duration the probe
//!   reports.
//! - Monotonic time, [`Monotonic`]: a reading of a clock that only goes forward
//!   (`performance.now()` in the page, `Instant` natively), from an origin of its own — the
//!   probe's deadlines and latencies. It means nothing as a date.

use crate::monitor::record::Millis;
use chrono::{DateTime, Utc};

/// A monotonic clock's reading, in milliseconds from the clock's own origin.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Monotonic(f64);

impl Monotonic {
    /// The reading `ms` of the driver's monotonic clock.
    pub fn from_ms(ms: f64) -> Monotonic {
        Monotonic(ms)
    }

    pub fn as_ms(self) -> f64 {
        self.0
    }

    /// The reading `ms` milliseconds later.
    pub fn plus_ms(self, ms: u64) -> Monotonic {
        Monotonic(self.0 + ms as f64)
    }

    /// The later of two readings (a timer may fire a little before the deadline it waits for).
    pub fn max(self, other: Monotonic) -> Monotonic {
        Monotonic(self.0.max(other.0))
    }

    /// Whole milliseconds from `earlier` to this reading; 0 if `earlier` is not earlier (or
    /// either reading is not a number).
    pub fn ms_since(self, earlier: Monotonic) -> u64 {
        let duration = self.0 - earlier.0;
        if duration.is_finite() && duration > 0.0 {
            duration.round() as u64
        } else {
            0
        }
    }
}

/// A wall-clock time written for people, in UTC, with a chrono format (`%Y-%m-%d %H:%M UTC`);
/// the bare milliseconds if the time is beyond what chrono can write.
pub fn format_utc(at: Millis, format: &str) -> String {
    DateTime::<Utc>::from_timestamp_millis(at)
        .map(|t| t.format(format).to_string())
        .unwrap_or_else(|| at.to_string())
}

/// `2026-11-21`: the UTC day of `at`.
pub fn utc_day(at: Millis) -> String {
    format_utc(at, "%Y-%m-%d")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotonic_durations_are_whole_milliseconds_and_never_negative() {
        let start = Monotonic::from_ms(1_000.4);
        assert_eq!(start.plus_ms(250).ms_since(start), 250);
        assert_eq!(Monotonic::from_ms(1_200.0).ms_since(start), 200);
        assert_eq!(start.ms_since(Monotonic::from_ms(2_000.0)), 0);
        assert_eq!(Monotonic::from_ms(f64::NAN).ms_since(start), 0);
        assert_eq!(start.max(start.plus_ms(5)), start.plus_ms(5));
        assert_eq!(start.plus_ms(5).max(start), start.plus_ms(5));
    }

    #[test]
    fn wall_clock_times_are_written_in_utc() {
        // 2026-11-21T14:16:05.250Z
        let at = 1_795_270_565_250;
        assert_eq!(utc_day(at), "2026-11-21");
        assert_eq!(format_utc(at, "%Y-%m-%d %H:%M UTC"), "2026-11-21 14:16 UTC");
        assert_eq!(format_utc(i64::MAX, "%Y"), i64::MAX.to_string());
    }
}
