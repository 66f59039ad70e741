//! The flat JSON form of a probe verdict: what `mcp-status check --json` prints and what the
//! page offers to copy. Field names are the project's vocabulary (docs/formats.md).

use crate::report::{AuthChallenge, Layer, Outcome, ProbeReport, StepStatus, Transport};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckSummary {
    pub url: String,
    pub outcome: Outcome,
    pub layer: Option<Layer>,
    pub transport: Option<Transport>,
    pub protocol_version: Option<String>,
    pub server_name: Option<String>,
    pub server_version: Option<String>,
    pub tool_count: Option<usize>,
    pub tools: Vec<String>,
    pub contract_hash: Option<String>,
    pub metadata_hash: Option<String>,
    pub latency_ms: u64,
    pub timeout_ms: u64,
    pub steps: Vec<StepSummary>,
    pub error: Option<String>,
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthChallenge>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepSummary {
    /// `initialize`, `open_stream`, `discover`, `initialized`, `tools_list`, `reachability`,
    /// `auth_metadata` or `close`.
    pub name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    pub ms: u64,
    pub status: StepStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl From<&ProbeReport> for CheckSummary {
    fn from(report: &ProbeReport) -> Self {
        CheckSummary {
            url: report.url.clone(),
            outcome: report.outcome,
            layer: report.layer,
            transport: report.transport,
            protocol_version: report.protocol_version.clone(),
            server_name: report.server.as_ref().map(|s| s.name.clone()),
            server_version: report.server.as_ref().map(|s| s.version.clone()),
            tool_count: report.tool_count(),
            tools: report
                .tools
                .iter()
                .flatten()
                .map(|t| t.name.clone())
                .collect(),
            contract_hash: report.contract_hash.clone(),
            metadata_hash: report.metadata_hash.clone(),
            latency_ms: report.latency_ms,
            timeout_ms: report.timeout_ms,
            steps: report
                .steps
                .iter()
                .map(|s| StepSummary {
                    name: s.step.as_str(),
                    page: s.page,
                    ms: s.latency_ms,
                    status: s.status,
                    http_status: s.http_status,
                    note: s.note.clone(),
                })
                .collect(),
            error: report.error.clone(),
            hint: report.hint.clone(),
            auth: report.auth.clone(),
        }
    }
}
