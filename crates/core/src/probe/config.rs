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
    /// Body bytes read over the whole probe, every exchange together. The per-response cap
    /// alone would let a server page 100 × 4 MiB of tools into memory: a crashed tab (a wasm
    /// panic aborts) or a killed runner. 8 MiB is twice the largest response, so a maximal
    /// answer still fits beside the rest, and far above real tool lists (tens of KiB; a few
    /// hundred KiB for the largest); the page probes up to ten servers at once, so this also
    /// bounds a round.
    pub max_total_bytes: usize,
    /// Tools a list may hold over all its pages. Real servers list tens of tools, the largest
    /// a few hundred, and clients put far fewer in a model's context; 2,000 is past any real
    /// list, and at about 4 KiB a tool (with its schemas) it is the byte cap's size. Small
    /// tools are held as parsed values several times their size in text: this keeps a list
    /// of tiny tools from growing where the byte cap alone would let it.
    pub max_tools: usize,
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
            max_total_bytes: 8 * 1024 * 1024,
            max_tools: 2_000,
            aux_timeout_ms: 5_000,
            environment: Environment::Native,
            client_name: "mcp-status".to_owned(),
            client_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}
