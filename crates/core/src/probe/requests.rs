//! The HTTP requests of each protocol era. The state machine decides *which* request comes
//! next; this module knows *how* each one looks on the wire.

use crate::http::{FetchMode, HttpRequest, Method};
use crate::jsonrpc::{self, MODERN_PROTOCOL_VERSION};
use serde_json::{Map, Value};

/// Which generation of the protocol the server turned out to speak.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Era {
    /// Streamable HTTP with an initialize handshake (2025-03-26 to 2025-11-25). Also where every
    /// probe starts.
    Streamable,
    /// The deprecated HTTP+SSE transport (2024-11-05): requests are POSTed to the endpoint the
    /// event stream named, answers arrive on the stream.
    Legacy { endpoint: String },
    /// Stateless Streamable HTTP (2026-07-28): no initialize, no session, `_meta` on every request.
    Modern,
}

/// What the server told us to carry on every later request.
#[derive(Debug, Clone, Default)]
pub(super) struct Session {
    pub id: Option<String>,
    /// The negotiated version, when it requires the `MCP-Protocol-Version` header.
    pub protocol_header: Option<String>,
}

pub(super) struct Client<'a> {
    pub name: &'a str,
    pub version: &'a str,
}

const ACCEPT_BOTH: &str = "application/json, text/event-stream";

pub(super) fn post(url: &str, body: String, extra: Vec<(String, String)>) -> HttpRequest {
    let mut headers = vec![
        ("content-type".to_owned(), "application/json".to_owned()),
        ("accept".to_owned(), ACCEPT_BOTH.to_owned()),
    ];
    headers.extend(extra);
    HttpRequest {
        method: Method::Post,
        url: url.to_owned(),
        headers,
        body: Some(body),
        mode: FetchMode::Cors,
    }
}

pub(super) fn session_headers(session: &Session) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    if let Some(id) = &session.id {
        headers.push(("mcp-session-id".to_owned(), id.clone()));
    }
    if let Some(version) = &session.protocol_header {
        headers.push(("mcp-protocol-version".to_owned(), version.clone()));
    }
    headers
}

/// A JSON-RPC request (or notification when `id` is `None`) in the server's era.
pub(super) fn rpc(
    era: &Era,
    target: &str,
    session: &Session,
    client: &Client,
    id: Option<u64>,
    method: &str,
    params: Map<String, Value>,
) -> HttpRequest {
    match era {
        Era::Modern => {
            let body = jsonrpc::modern_request(
                id.unwrap_or_default(),
                method,
                params,
                client.name,
                client.version,
            );
            let headers = vec![
                (
                    "mcp-protocol-version".to_owned(),
                    MODERN_PROTOCOL_VERSION.to_owned(),
                ),
                ("mcp-method".to_owned(), method.to_owned()),
            ];
            post(target, body, headers)
        }
        Era::Streamable | Era::Legacy { .. } => {
            let body = jsonrpc::request(id, method, params);
            let url = match era {
                Era::Legacy { endpoint } => endpoint.as_str(),
                _ => target,
            };
            post(url, body, session_headers(session))
        }
    }
}

/// The GET that opens a legacy event stream.
pub(super) fn open_stream(target: &str) -> HttpRequest {
    HttpRequest {
        method: Method::Get,
        url: target.to_owned(),
        headers: vec![("accept".to_owned(), "text/event-stream".to_owned())],
        body: None,
        mode: FetchMode::Cors,
    }
}

pub(super) fn get(url: &str, mode: FetchMode) -> HttpRequest {
    HttpRequest {
        method: Method::Get,
        url: url.to_owned(),
        headers: Vec::new(),
        body: None,
        mode,
    }
}

pub(super) fn close(target: &str, session: &Session) -> HttpRequest {
    HttpRequest {
        method: Method::Delete,
        url: target.to_owned(),
        headers: session_headers(session),
        body: None,
        mode: FetchMode::Cors,
    }
}
