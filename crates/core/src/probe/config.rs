//! How a probe is run: budgets, limits and where it runs.

/// Where the bytes are moved; decides whether a network error may be CORS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Browser,
    Native,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProbeConfig {
    /// Budget from the first request to the last `tools/list` page. `None`: the platform's
    /// default (30 s on scale-to-zero hosts, 10 s elsewhere).
    pub timeout_ms: Option<u64>,
    /// A passing probe slower than this is `degraded`.
    pub degraded_after_ms: u64,
    /// Largest response body read; a bigger one fails the probe instead of eating memory.
    pub max_body_bytes: usize,
    /// A server that keeps returning cursors is cut off after this many pages.
    pub max_tool_pages: u32,
    /// Budget of each step that does not decide the verdict (closing, the reachability check).
    pub aux_timeout_ms: u64,
    pub environment: Environment,
    pub client_name: String,
    pub client_version: String,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig {
            timeout_ms: None,
            degraded_after_ms: 3_000,
            max_body_bytes: 4 * 1024 * 1024,
            max_tool_pages: 100,
            aux_timeout_ms: 5_000,
            environment: Environment::Native,
            client_name: "mcp-status".to_owned(),
            client_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}
