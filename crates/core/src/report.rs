//! What a finished probe found. The names here (`outcome`, `layer`, `latency_ms`...) are the
//! names used in the page's `data-*` attributes, in JSON and in the docs.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    /// Passed, but slower than the latency threshold.
    Degraded,
    /// 401/403: the server is up and guarded. Never downtime.
    AuthRequired,
    /// Browser only: the host answered but CORS kept the answer from the page. No data.
    Blocked,
    Failed,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Ok,
        Outcome::Degraded,
        Outcome::AuthRequired,
        Outcome::Blocked,
        Outcome::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Degraded => "degraded",
            Outcome::AuthRequired => "auth_required",
            Outcome::Blocked => "blocked",
            Outcome::Failed => "failed",
        }
    }
}

/// Where a failed probe stopped, bottom-up (product spec, section 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Transport,
    Http,
    Initialize,
    Tools,
}

impl Layer {
    pub const ALL: [Layer; 4] = [
        Layer::Transport,
        Layer::Http,
        Layer::Initialize,
        Layer::Tools,
    ];

    /// The layer `as_str` names.
    pub fn from_name(name: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|l| l.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Transport => "transport",
            Layer::Http => "http",
            Layer::Initialize => "initialize",
            Layer::Tools => "tools",
        }
    }
}

/// One exchange of the probe, in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Initialize,
    /// Legacy HTTP+SSE: the GET that opens the event stream and names the POST endpoint.
    OpenStream,
    /// 2026-07-28: `server/discover` instead of initialize.
    Discover,
    /// The `notifications/initialized` notification.
    Initialized,
    ToolsList,
    /// After a network error: a plain GET that shows a redirect instead of following it
    /// (browser only).
    Reachability,
    /// `mode: "no-cors"` GET: an opaque answer proves the host is there (browser only).
    NoCorsCheck,
    /// Reading the OAuth protected-resource metadata a 401 points to.
    AuthMetadata,
    /// Closing the session with DELETE.
    Close,
}

impl Step {
    /// The label shown to people: the JSON-RPC method where there is one.
    pub fn label(self) -> &'static str {
        match self {
            Step::Initialize => "initialize",
            Step::OpenStream => "open SSE stream (GET)",
            Step::Discover => "server/discover",
            Step::Initialized => "notifications/initialized",
            Step::ToolsList => "tools/list",
            Step::Reachability => "reachability check",
            Step::NoCorsCheck => "no-cors reachability check",
            Step::AuthMetadata => "protected resource metadata",
            Step::Close => "close session (DELETE)",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Initialize => "initialize",
            Step::OpenStream => "open_stream",
            Step::Discover => "discover",
            Step::Initialized => "initialized",
            Step::ToolsList => "tools_list",
            Step::Reachability => "reachability",
            Step::NoCorsCheck => "no_cors_check",
            Step::AuthMetadata => "auth_metadata",
            Step::Close => "close",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Ok,
    Failed,
    /// Refused in a way that tells which protocol to try next (legacy or stateless server).
    Fallback,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Ok => "ok",
            StepStatus::Failed => "failed",
            StepStatus::Fallback => "fallback",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepReport {
    pub step: Step,
    /// 1-based page number for `tools/list`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    pub status: StepStatus,
    /// HTTP status, when a response arrived (0 for an opaque no-cors response).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    pub latency_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerInfo {
    pub name: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolInfo {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// What a 401/403 asked for (RFC 9728 / MCP authorization).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct AuthChallenge {
    pub http_status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_metadata: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Where the protected-resource metadata was read (or tried).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_url: Option<String>,
    /// From the metadata: the authorization servers that issue tokens for this server.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authorization_servers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes_supported: Vec<String>,
    /// Why the metadata could not be read, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    StreamableHttp,
    /// The deprecated HTTP+SSE transport of 2024-11-05.
    HttpSse,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::StreamableHttp => "streamable_http",
            Transport::HttpSse => "http_sse",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Transport::StreamableHttp => "Streamable HTTP",
            Transport::HttpSse => "HTTP+SSE (legacy)",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeReport {
    pub url: String,
    pub outcome: Outcome,
    /// Set exactly when `outcome` is `failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<Layer>,
    /// What went wrong, in one sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What the server's author can do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// From the first request to the end of the last `tools/list` page (closing excluded).
    pub latency_ms: u64,
    pub timeout_ms: u64,
    pub steps: Vec<StepReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport: Option<Transport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerInfo>,
    /// `None` when the probe did not read the whole list: it failed before its end, or the
    /// list passed the probe's caps (`ProbeConfig::max_tools`, `max_total_bytes`), which also
    /// bound what this holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<ToolInfo>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthChallenge>,
    /// Fingerprint of the tool list's contract (names, schemas): changes break clients. Only
    /// of a whole list (`None` with `tools`): a fingerprint of part of one would read as drift.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_hash: Option<String>,
    /// Fingerprint of the tool list's metadata (titles, descriptions, annotations, icons).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_hash: Option<String>,
    /// The tool list as the server sent it, every page: what a snapshot keeps when the
    /// fingerprint changes, so that schema drift can be shown as a diff. Not in the JSON
    /// summary (`tools` names the tools).
    #[serde(skip)]
    pub tool_list: Option<Vec<serde_json::Value>>,
}

impl ProbeReport {
    /// A report with its outcome and nothing else learnt: no steps, no findings. For a probe
    /// that could not start, and for tests that fill in what they need.
    pub fn bare(url: &str, outcome: Outcome, layer: Option<Layer>) -> ProbeReport {
        ProbeReport {
            url: url.to_owned(),
            outcome,
            layer,
            error: None,
            hint: None,
            latency_ms: 0,
            timeout_ms: 0,
            steps: Vec::new(),
            transport: None,
            protocol_version: None,
            server: None,
            tools: None,
            auth: None,
            contract_hash: None,
            metadata_hash: None,
            tool_list: None,
        }
    }

    pub fn tool_count(&self) -> Option<usize> {
        self.tools.as_ref().map(Vec::len)
    }
}
