//! A server in `status.json`: what to probe and how, read (`RawServer`, each value with its
//! rule) and then checked against the rest of the site (its group, its platform's timeouts,
//! its maintenance windows).

use super::fields::{Choice, Fraction, Object, OneOf, Text, Time, Whole};
use super::{fail, Group, Live, ServerConfig, SiteError, MAX_CADENCE_S, MAX_TEXT, MIN_CADENCE_S};
use crate::monitor::config::{MaintenanceWindow, MonitorConfig, MAX_MAINTENANCE};
use crate::monitor::record::{MINUTE, SECOND};
use crate::platform::{Platform, MAX_TIMEOUT_S};
use crate::target::Target;
use serde::Deserialize;

const MAX_URL: usize = 2_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServer {
    name: Text<MAX_TEXT>,
    url: Text<MAX_URL>,
    group: Option<Text<MAX_TEXT>>,
    platform: Option<OneOf<Platform>>,
    cadence_s: Option<Whole<MIN_CADENCE_S, MAX_CADENCE_S>>,
    /// The platform's own lower bound is checked after reading (`server_config`).
    timeout_s: Option<Whole<1, MAX_TIMEOUT_S>>,
    slo_target: Option<Fraction>,
    latency_threshold_ms: Option<Whole<1, 600_000>>,
    failures_to_down: Option<Whole<1, 100>>,
    passes_to_up: Option<Whole<1, 100>>,
    flap_quiet_min: Option<Whole<0, 1_440>>,
    maintenance: Option<Vec<Object<RawWindow>>>,
    live: Option<RawLive>,
}

/// `live`: one of its words, or a boolean as before there were words (`true`: always).
pub(super) struct RawLive(Live);

impl Choice for Live {
    const CHOICES: &'static [(&'static str, Live)] = &[
        ("auto", Live::Auto),
        ("always", Live::Always),
        ("never", Live::Never),
    ];
}

impl<'de> Deserialize<'de> for RawLive {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{self, Unexpected, Visitor};
        struct Expect;
        impl Visitor<'_> for Expect {
            type Value = RawLive;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("auto, always or never (or true: always, false: never)")
            }
            fn visit_bool<E: de::Error>(self, live: bool) -> Result<RawLive, E> {
                Ok(RawLive(if live { Live::Always } else { Live::Never }))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<RawLive, E> {
                OneOf::<Live>::deserialize(de::value::StrDeserializer::<E>::new(text))
                    .map(|OneOf(live)| RawLive(live))
                    .map_err(|_| E::invalid_value(Unexpected::Str(text), &self))
            }
        }
        deserializer.deserialize_any(Expect)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWindow {
    start: Time,
    end: Time,
}

impl Choice for Platform {
    const CHOICES: &'static [(&'static str, Platform)] = &[
        ("render", Platform::Render),
        ("railway", Platform::Railway),
        ("fly", Platform::Fly),
        ("vercel", Platform::Vercel),
        ("other", Platform::Other),
    ];
}

/// The server at `path` (`servers[2]`), checked against the site's groups.
pub(super) fn server_config(
    raw: RawServer,
    path: &str,
    groups: &[Group],
) -> Result<ServerConfig, SiteError> {
    let target = match Target::parse(&raw.url.0) {
        Ok(target) => target,
        Err(e) => return fail(format!("{path}.url"), e.to_string()),
    };
    let group = raw.group.map(|Text(group)| group);
    if let Some(group) = &group {
        if !groups.iter().any(|g| &g.name == group) {
            let known: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
            let reason = match known.is_empty() {
                true => "there is no `groups` list to name it in".to_owned(),
                false => format!("not one of the groups ({})", known.join(", ")),
            };
            return fail(format!("{path}.group"), reason);
        }
    }
    let platform = raw.platform.map(|OneOf(platform)| platform);
    let effective = platform.unwrap_or_else(|| Platform::from_host(target.host()));
    let timeouts = effective.timeout_range_s();
    let timeout_s = raw.timeout_s.map(|Whole(s)| s);
    if let Some(s) = timeout_s.filter(|s| !timeouts.contains(s)) {
        return fail(
            format!("{path}.timeout_s"),
            format!(
                "expected a whole number from {} to {} ({}: a cold start takes up to 30 s), \
                 found {s}",
                timeouts.start(),
                timeouts.end(),
                effective.as_str()
            ),
        );
    }
    let maintenance = raw
        .maintenance
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(index, Object(raw))| window(raw, &format!("{path}.maintenance[{index}]")))
        .collect::<Result<_, SiteError>>()?;
    let defaults = MonitorConfig::default();
    let count = |value: Option<Whole<1, 100>>, default| value.map_or(default, |Whole(n)| n);
    let monitor = MonitorConfig {
        failures_to_down: count(raw.failures_to_down, defaults.failures_to_down),
        passes_to_up: count(raw.passes_to_up, defaults.passes_to_up),
        flap_quiet: raw
            .flap_quiet_min
            .map_or(defaults.flap_quiet, |Whole(m)| i64::from(m) * MINUTE),
        cadence: i64::from(raw.cadence_s.map_or(60, |Whole(s)| s)) * SECOND,
        platform,
        slo_target: raw
            .slo_target
            .map_or(defaults.slo_target, |Fraction(target)| target),
        latency_threshold_ms: raw
            .latency_threshold_ms
            .map_or(defaults.latency_threshold_ms, |Whole(ms)| ms),
        maintenance,
        ..defaults
    };
    Ok(ServerConfig {
        name: raw.name.0,
        url: target.to_string(),
        group,
        timeout_ms: timeout_s.map(|s| u64::from(s) * 1_000),
        live: raw.live.map_or(Live::Auto, |RawLive(live)| live),
        monitor,
    })
}

/// The maintenance window at `path`: it ends after it starts, within the 4-hour limit.
fn window(raw: RawWindow, path: &str) -> Result<MaintenanceWindow, SiteError> {
    let (Time(start), Time(end)) = (raw.start, raw.end);
    if end <= start {
        return fail(format!("{path}.end"), "the window ends before it starts");
    }
    if end - start > MAX_MAINTENANCE {
        return fail(
            format!("{path}.end"),
            format!(
                "the window lasts {} minutes, longer than the 4-hour limit: split the work, or \
                 let the alert fire (a deploy that takes this long is worth one)",
                (end - start) / MINUTE
            ),
        );
    }
    Ok(MaintenanceWindow { start, end })
}
