//! The JSON-RPC messages of a probe: building requests, finding our response among the server's
//! messages, and validating the results we rely on.

use crate::report::{ServerInfo, ToolInfo};
use crate::text::clip;
use serde_json::{json, Map, Value};

/// Newest first: the version we ask for, then the ones we accept in answer.
pub const SUPPORTED_PROTOCOL_VERSIONS: &[&str] =
    &["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];
pub const LATEST_PROTOCOL_VERSION: &str = SUPPORTED_PROTOCOL_VERSIONS[0];

/// The stateless revision: no initialize, no session; every request carries `_meta`.
pub const MODERN_PROTOCOL_VERSION: &str = "2026-07-28";

/// From this revision on, clients send `MCP-Protocol-Version` on every request after initialize.
const PROTOCOL_HEADER_SINCE: &str = "2025-06-18";

pub fn needs_protocol_header(version: &str) -> bool {
    // ISO dates compare correctly as strings.
    version >= PROTOCOL_HEADER_SINCE
}

pub fn initialize_params(client_name: &str, client_version: &str) -> Map<String, Value> {
    let params = json!({
        "protocolVersion": LATEST_PROTOCOL_VERSION,
        "capabilities": {},
        "clientInfo": { "name": client_name, "version": client_version },
    });
    match params {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

pub fn initialize_request(id: u64, client_name: &str, client_version: &str) -> String {
    request(
        Some(id),
        "initialize",
        initialize_params(client_name, client_version),
    )
}

/// A request, or a notification when `id` is `None`.
pub fn request(id: Option<u64>, method: &str, params: Map<String, Value>) -> String {
    let mut message = json!({ "jsonrpc": "2.0", "method": method });
    if let Some(id) = id {
        message["id"] = json!(id);
    }
    if !params.is_empty() || id.is_some() {
        message["params"] = Value::Object(params);
    }
    message.to_string()
}

/// A request in the stateless (2026-07-28) style: protocol version, client identity and
/// capabilities travel in `params._meta` of every request.
pub fn modern_request(
    id: u64,
    method: &str,
    mut params: Map<String, Value>,
    client_name: &str,
    client_version: &str,
) -> String {
    params.insert(
        "_meta".to_owned(),
        json!({
            "io.modelcontextprotocol/protocolVersion": MODERN_PROTOCOL_VERSION,
            "io.modelcontextprotocol/clientInfo": { "name": client_name, "version": client_version },
            "io.modelcontextprotocol/clientCapabilities": {},
        }),
    );
    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string()
}

/// A JSON-RPC error from the range 2026-07-28 reserves for the protocol (-32020 to -32099,
/// e.g. header mismatch or unsupported version): proof that the server speaks a modern revision.
pub fn is_modern_error(message: &Value) -> bool {
    message
        .get("error")
        .and_then(|e| e.get("code"))
        .and_then(Value::as_i64)
        .is_some_and(|code| (-32099..=-32020).contains(&code))
}

/// The server's answer to one of our requests.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Result(Value),
    Error { code: i64, message: String },
}

/// Looks for the response to request `id` in one parsed message (or batch). Server requests and
/// notifications, and responses to other ids, are not ours: `None`.
pub fn find_reply(message: &Value, id: u64) -> Option<Reply> {
    match message {
        Value::Array(items) => items.iter().find_map(|item| find_reply(item, id)),
        Value::Object(object) => {
            if object.get("id").and_then(Value::as_u64) != Some(id) || object.contains_key("method")
            {
                return None;
            }
            if let Some(error) = object.get("error") {
                let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
                let message = error
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("(no message)");
                return Some(Reply::Error {
                    code,
                    message: clip(message, 300),
                });
            }
            object.get("result").cloned().map(Reply::Result)
        }
        _ => None,
    }
}

/// True when the message answers *some* request (has an id and a result or error) — used to
/// report a response that carries the wrong id.
pub fn is_response(message: &Value) -> bool {
    match message {
        Value::Array(items) => items.iter().any(is_response),
        Value::Object(object) => {
            !object.contains_key("method")
                && (object.contains_key("result") || object.contains_key("error"))
        }
        _ => false,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct InitializeResult {
    pub protocol_version: String,
    pub server: ServerInfo,
    /// The server declared the `tools` capability.
    pub has_tools: bool,
}

pub fn parse_initialize_result(result: &Value) -> Result<InitializeResult, String> {
    let object = result
        .as_object()
        .ok_or("the initialize result is not a JSON object")?;
    let protocol_version = object
        .get("protocolVersion")
        .and_then(Value::as_str)
        .ok_or("the initialize result has no protocolVersion")?;
    if !SUPPORTED_PROTOCOL_VERSIONS.contains(&protocol_version) {
        return Err(format!(
            "the server chose protocol version “{}”, which this checker does not speak ({})",
            clip(protocol_version, 40),
            SUPPORTED_PROTOCOL_VERSIONS.join(", ")
        ));
    }
    let capabilities = object
        .get("capabilities")
        .and_then(Value::as_object)
        .ok_or("the initialize result has no capabilities object")?;
    let info = object
        .get("serverInfo")
        .and_then(Value::as_object)
        .ok_or("the initialize result has no serverInfo")?;
    let name = string_field(info, "name").ok_or("serverInfo has no name")?;
    let version = string_field(info, "version").ok_or("serverInfo has no version")?;
    Ok(InitializeResult {
        protocol_version: protocol_version.to_owned(),
        server: ServerInfo {
            name,
            version,
            title: string_field(info, "title"),
        },
        has_tools: capabilities.contains_key("tools"),
    })
}

/// Reads a 2026-07-28 `server/discover` result into the same shape as an initialize result.
pub fn parse_discover_result(result: &Value) -> Result<InitializeResult, String> {
    let object = result
        .as_object()
        .ok_or("the server/discover result is not a JSON object")?;
    let versions: Vec<&str> = object
        .get("supportedVersions")
        .and_then(Value::as_array)
        .ok_or("the server/discover result has no supportedVersions")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if !versions.contains(&MODERN_PROTOCOL_VERSION) {
        return Err(format!(
            "the server supports {}, not {MODERN_PROTOCOL_VERSION}",
            clip(&versions.join(", "), 80)
        ));
    }
    let capabilities = object
        .get("capabilities")
        .and_then(Value::as_object)
        .ok_or("the server/discover result has no capabilities object")?;
    let info = object
        .get("_meta")
        .and_then(|m| m.get("io.modelcontextprotocol/serverInfo"))
        .and_then(Value::as_object);
    let server = ServerInfo {
        name: info
            .and_then(|i| string_field(i, "name"))
            .unwrap_or_else(|| "(not reported)".to_owned()),
        version: info
            .and_then(|i| string_field(i, "version"))
            .unwrap_or_default(),
        title: info.and_then(|i| string_field(i, "title")),
    };
    Ok(InitializeResult {
        protocol_version: MODERN_PROTOCOL_VERSION.to_owned(),
        server,
        has_tools: capabilities.contains_key("tools"),
    })
}

#[derive(Debug, Clone, PartialEq)]
pub struct ToolsPage {
    pub tools: Vec<ToolInfo>,
    /// The tools as sent, for fingerprints.
    pub raw: Vec<Value>,
    pub next_cursor: Option<String>,
}

pub fn parse_tools_page(result: &Value) -> Result<ToolsPage, String> {
    let object = result
        .as_object()
        .ok_or("the tools/list result is not a JSON object")?;
    let raw = object
        .get("tools")
        .and_then(Value::as_array)
        .ok_or("the tools/list result has no tools array")?;
    let tools = raw
        .iter()
        .enumerate()
        .map(|(index, tool)| parse_tool(index, tool))
        .collect::<Result<Vec<_>, _>>()?;
    let next_cursor = match object.get("nextCursor") {
        None | Some(Value::Null) => None,
        Some(Value::String(cursor)) => Some(cursor.clone()),
        Some(_) => return Err("nextCursor is not a string".into()),
    };
    Ok(ToolsPage {
        tools,
        raw: raw.clone(),
        next_cursor,
    })
}

fn parse_tool(index: usize, tool: &Value) -> Result<ToolInfo, String> {
    let object = tool
        .as_object()
        .ok_or_else(|| format!("tool #{} is not a JSON object", index + 1))?;
    let name =
        string_field(object, "name").ok_or_else(|| format!("tool #{} has no name", index + 1))?;
    if !object.get("inputSchema").is_some_and(Value::is_object) {
        return Err(format!(
            "tool “{}” has no inputSchema object",
            clip(&name, 60)
        ));
    }
    let title = string_field(object, "title").or_else(|| {
        object
            .get("annotations")
            .and_then(|a| a.get("title"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    Ok(ToolInfo {
        name,
        title,
        description: string_field(object, "description"),
    })
}

fn string_field(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_requests_the_spec_expects() {
        let params = initialize_params("mcp-status", "0.1.0");
        let init: Value = serde_json::from_str(&request(Some(1), "initialize", params)).unwrap();
        assert_eq!(init["method"], "initialize");
        assert_eq!(init["params"]["protocolVersion"], LATEST_PROTOCOL_VERSION);
        assert_eq!(init["params"]["clientInfo"]["name"], "mcp-status");
        let note: Value =
            serde_json::from_str(&request(None, "notifications/initialized", Map::new())).unwrap();
        assert!(note.get("id").is_none());
        let cursor = Map::from_iter([("cursor".to_owned(), json!("c2"))]);
        let page: Value = serde_json::from_str(&request(Some(3), "tools/list", cursor)).unwrap();
        assert_eq!(page["params"]["cursor"], "c2");
    }

    #[test]
    fn finds_reply_by_id_and_ignores_server_messages() {
        let request_from_server = json!({"jsonrpc":"2.0","id":1,"method":"roots/list"});
        assert_eq!(find_reply(&request_from_server, 1), None);
        let other = json!({"jsonrpc":"2.0","id":2,"result":{}});
        assert_eq!(find_reply(&other, 1), None);
        assert!(is_response(&other));
        let batch = json!([{"jsonrpc":"2.0","method":"notifications/message"}, {"jsonrpc":"2.0","id":1,"result":{"a":1}}]);
        assert_eq!(find_reply(&batch, 1), Some(Reply::Result(json!({"a":1}))));
        let error = json!({"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"bad"}});
        assert_eq!(
            find_reply(&error, 1),
            Some(Reply::Error {
                code: -32602,
                message: "bad".into()
            })
        );
    }

    #[test]
    fn validates_initialize_results() {
        let good = json!({"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"s","version":"1"}});
        let parsed = parse_initialize_result(&good).unwrap();
        assert!(parsed.has_tools);
        assert_eq!(parsed.server.name, "s");
        let unsupported = json!({"protocolVersion":"1999-01-01","capabilities":{},"serverInfo":{"name":"s","version":"1"}});
        assert!(parse_initialize_result(&unsupported)
            .unwrap_err()
            .contains("1999-01-01"));
        let no_info = json!({"protocolVersion":"2025-06-18","capabilities":{}});
        assert!(parse_initialize_result(&no_info)
            .unwrap_err()
            .contains("serverInfo"));
        assert!(parse_initialize_result(&json!([1])).is_err());
    }

    #[test]
    fn validates_tool_pages() {
        let page = json!({"tools":[{"name":"echo","inputSchema":{"type":"object"},"annotations":{"title":"Echo"}}],"nextCursor":"n"});
        let parsed = parse_tools_page(&page).unwrap();
        assert_eq!(parsed.tools[0].title.as_deref(), Some("Echo"));
        assert_eq!(parsed.next_cursor.as_deref(), Some("n"));
        assert!(parse_tools_page(&json!({"tools":[{"name":"x"}]}))
            .unwrap_err()
            .contains("inputSchema"));
        assert!(parse_tools_page(&json!({"tools":[{"inputSchema":{}}]}))
            .unwrap_err()
            .contains("#1"));
        assert!(parse_tools_page(&json!({"tools":[], "nextCursor": 5})).is_err());
        assert!(parse_tools_page(&json!({})).is_err());
    }

    #[test]
    fn modern_requests_carry_meta_and_modern_errors_are_recognised() {
        let request: Value =
            serde_json::from_str(&modern_request(4, "server/discover", Map::new(), "c", "1"))
                .unwrap();
        assert_eq!(
            request["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"],
            MODERN_PROTOCOL_VERSION
        );
        assert!(is_modern_error(
            &json!({"error":{"code":-32020,"message":"Header mismatch"}})
        ));
        assert!(is_modern_error(
            &json!({"error":{"code":-32022,"message":"x"}})
        ));
        assert!(!is_modern_error(
            &json!({"error":{"code":-32000,"message":"Bad Request: Server not initialized"}})
        ));
        assert!(!is_modern_error(&json!("text")));
    }

    #[test]
    fn reads_discover_results() {
        let result = json!({"resultType":"complete","supportedVersions":["2026-07-28"],"capabilities":{"tools":{}},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"s","version":"2"}}});
        let parsed = parse_discover_result(&result).unwrap();
        assert_eq!((parsed.server.name.as_str(), parsed.has_tools), ("s", true));
        let old = json!({"supportedVersions":["2025-11-25"],"capabilities":{}});
        assert!(parse_discover_result(&old)
            .unwrap_err()
            .contains("2025-11-25"));
    }

    #[test]
    fn protocol_header_from_2025_06_18() {
        assert!(!needs_protocol_header("2025-03-26"));
        assert!(needs_protocol_header("2025-06-18"));
        assert!(needs_protocol_header("2025-11-25"));
    }
}
