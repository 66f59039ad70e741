//! The on-call rotation's time zone, from the tz database (the core has none: it is given
//! offsets).

use mcp_status_core::alerting::config::AlertingConfig;

/// The rotation's zone (UTC without one); an error for a name the tz database lacks.
pub fn zone_of(config: &AlertingConfig) -> Result<chrono_tz::Tz, String> {
    let name = config.time_zone();
    name.parse()
        .map_err(|_| format!("alerting.on_call.time_zone: unknown time zone `{name}`"))
}

/// The zone's UTC offset at `at`, in minutes.
pub fn offset_minutes(zone: chrono_tz::Tz, at: i64) -> i32 {
    use chrono::{Offset, TimeZone};
    let utc = chrono::DateTime::from_timestamp_millis(at).unwrap_or_default();
    zone.offset_from_utc_datetime(&utc.naive_utc())
        .fix()
        .local_minus_utc()
        / 60
}
