//! Hosting platforms that scale idle servers to zero (product spec, section 3).

use serde::{Deserialize, Serialize};

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
