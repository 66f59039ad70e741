//! Hosting platforms that scale idle servers to zero (product spec, section 3).

use crate::target::Target;
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Render,
    Railway,
    Fly,
    Vercel,
    /// Not a known scale-to-zero platform.
    Other,
}

/// Probe timeout on serverless hosts: a cold start can take ~30 s (never below 15 s, spec §3).
pub const SERVERLESS_TIMEOUT_MS: u64 = 30_000;
/// Probe timeout elsewhere.
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
/// A cold start takes up to ~30 s; a shorter timeout on a serverless host turns every cold
/// start into a failure (spec section 3).
pub const MIN_SERVERLESS_TIMEOUT_S: u32 = 15;
/// A probe holds its connections and memory this long at most; a server that needs longer
/// than two minutes to list its tools is down to anyone who uses it.
pub const MAX_TIMEOUT_S: u32 = 120;

impl Platform {
    /// Picks the platform from the host's suffix.
    pub fn from_host(host: &str) -> Platform {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let is = |suffix: &str| host == suffix || host.ends_with(&format!(".{suffix}"));
        if is("onrender.com") || is("render.com") {
            Platform::Render
        } else if is("railway.app") {
            Platform::Railway
        } else if is("fly.dev") {
            Platform::Fly
        } else if is("vercel.app") {
            Platform::Vercel
        } else {
            Platform::Other
        }
    }

    /// The platform a config names: `render`, `railway`, `fly`, `vercel` or `other`.
    pub fn from_name(name: &str) -> Option<Platform> {
        [
            Platform::Render,
            Platform::Railway,
            Platform::Fly,
            Platform::Vercel,
            Platform::Other,
        ]
        .into_iter()
        .find(|p| p.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Render => "render",
            Platform::Railway => "railway",
            Platform::Fly => "fly",
            Platform::Vercel => "vercel",
            Platform::Other => "other",
        }
    }

    pub fn is_serverless(self) -> bool {
        self != Platform::Other
    }

    /// The default probe timeout for servers hosted here.
    pub fn default_timeout_ms(self) -> u64 {
        if self.is_serverless() {
            SERVERLESS_TIMEOUT_MS
        } else {
            DEFAULT_TIMEOUT_MS
        }
    }

    /// The probe timeouts, in whole seconds, that may be set for a server here: status.json's
    /// `timeout_s`, a share link's `&timeout=` and `mcp-status check --timeout` alike.
    pub fn timeout_range_s(self) -> RangeInclusive<u32> {
        let min = if self.is_serverless() {
            MIN_SERVERLESS_TIMEOUT_S
        } else {
            1
        };
        min..=MAX_TIMEOUT_S
    }

    /// The platform of the server at `url`; `Other` for text that is not a URL (which is
    /// refused on its own account).
    pub fn of_url(url: &str) -> Platform {
        Target::parse(url).map_or(Platform::Other, |target| Platform::from_host(target.host()))
    }

    /// A timeout asked for as text (a share link's `&timeout=`, the command line's
    /// `--timeout`) for a server here: whole seconds within [`Platform::timeout_range_s`], else
    /// `None`.
    pub fn parse_timeout_s(self, text: &str) -> Option<u32> {
        text.parse()
            .ok()
            .filter(|seconds| self.timeout_range_s().contains(seconds))
    }

    /// How long the platform lets a server sit idle before scaling it to zero (spec §3);
    /// the first probe after such a gap may meet a cold start. Vercel's function lifetime is
    /// not published; 5 minutes is a conservative guess.
    pub fn idle_timeout_ms(self) -> Option<i64> {
        const MINUTE: i64 = 60_000;
        match self {
            Platform::Render => Some(15 * MINUTE),
            Platform::Railway => Some(10 * MINUTE),
            Platform::Fly => Some(5 * MINUTE),
            Platform::Vercel => Some(5 * MINUTE),
            Platform::Other => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_platforms_by_suffix_only() {
        assert_eq!(Platform::from_host("my-mcp.onrender.com"), Platform::Render);
        assert_eq!(Platform::from_host("API.Railway.App."), Platform::Railway);
        assert_eq!(Platform::from_host("x.fly.dev"), Platform::Fly);
        assert_eq!(Platform::from_host("x.vercel.app"), Platform::Vercel);
        assert_eq!(Platform::from_host("notfly.dev"), Platform::Other);
        assert_eq!(Platform::from_host("fly.dev.example.com"), Platform::Other);
    }

    #[test]
    fn timeouts_asked_for_are_bounded_like_the_config() {
        let local = Platform::of_url("http://127.0.0.1:3000/mcp");
        assert_eq!(local, Platform::Other);
        assert_eq!(local.parse_timeout_s("1"), Some(1));
        assert_eq!(local.parse_timeout_s("120"), Some(120));
        for refused in ["0", "121", "600", "100000", "-5", "2.5", "abc", ""] {
            assert_eq!(local.parse_timeout_s(refused), None, "{refused}");
        }
        // A cold start needs 15 s at least.
        let render = Platform::of_url("https://my-mcp.onrender.com/mcp");
        assert_eq!(render, Platform::Render);
        assert_eq!(render.parse_timeout_s("14"), None);
        assert_eq!(render.parse_timeout_s("15"), Some(15));
        assert_eq!(
            render.timeout_range_s(),
            MIN_SERVERLESS_TIMEOUT_S..=MAX_TIMEOUT_S
        );
        assert_eq!(Platform::of_url("not a url"), Platform::Other);
    }

    #[test]
    fn serverless_hosts_get_the_long_timeout() {
        assert_eq!(
            Platform::from_host("a.onrender.com").default_timeout_ms(),
            30_000
        );
        assert_eq!(
            Platform::from_host("127.0.0.1").default_timeout_ms(),
            10_000
        );
    }
}
