//! Turning what went wrong into a verdict a person can act on: the outcome, the layer, one
//! sentence on what happened and, where we know it, how the server's author fixes it.

use super::config::Environment;
use crate::report::{Layer, Outcome, Step};
use crate::text::{body_snippet, clip};

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub outcome: Outcome,
    pub layer: Option<Layer>,
    pub error: String,
    pub hint: Option<String>,
}

impl Failure {
    pub fn failed(layer: Layer, error: impl Into<String>, hint: Option<String>) -> Failure {
        Failure {
            outcome: Outcome::Failed,
            layer: Some(layer),
            error: capitalise(&error.into()),
            hint,
        }
    }
}

/// The layer a failure inside a step belongs to.
pub fn step_layer(step: Step) -> Layer {
    match step {
        Step::Initialize | Step::OpenStream | Step::Discover | Step::Initialized => {
            Layer::Initialize
        }
        Step::ToolsList => Layer::Tools,
        Step::Reachability | Step::NoCorsCheck => Layer::Transport,
        Step::AuthMetadata | Step::Close => Layer::Http,
    }
}

/// A response with a status that is neither success nor a request for credentials.
pub struct StatusContext<'a> {
    pub step: Step,
    pub status: u16,
    pub body: &'a [u8],
    /// The page (or client) holds a session id from initialize.
    pub session_known: bool,
    pub environment: Environment,
}

pub fn refused(context: &StatusContext) -> Failure {
    let StatusContext { step, status, .. } = *context;
    let said = match server_said(context.body) {
        said if said.is_empty() => String::new(),
        said => format!(" The server said: “{said}”"),
    };
    let lost_session = context.environment == Environment::Browser
        && step != Step::Initialize
        && !context.session_known
        && matches!(status, 400 | 404);
    if lost_session {
        return Failure {
            outcome: Outcome::Blocked,
            layer: None,
            error: format!(
                "Initialize worked, but {} was refused (HTTP {status}) — most likely because the browser could not read the Mcp-Session-Id header.{said}",
                step.label()
            ),
            hint: Some(cors_hint(CorsFix::ExposeSessionId)),
        };
    }
    let label = step.label();
    match (step, status) {
        (_, 500..=599) => Failure::failed(Layer::Http, format!("{label} failed with HTTP {status}.{said}"), None),
        (Step::Initialize, 300..=399) => Failure::failed(
            Layer::Http,
            format!("The server redirected initialize (HTTP {status}) and the redirect was not followed."),
            Some("Use the final URL of the endpoint.".into()),
        ),
        (Step::Initialize, 400 | 404 | 405) => Failure::failed(
            Layer::Http,
            format!("The server refused the initialize POST with HTTP {status}.{said}"),
            Some("Check the URL. A legacy HTTP+SSE (2024-11-05) server has an SSE endpoint, often ending in /sse; this check speaks Streamable HTTP.".into()),
        ),
        (Step::Initialize, 406 | 415) => Failure::failed(
            Layer::Http,
            format!("The server rejected the request's Accept or Content-Type header (HTTP {status}).{said}"),
            Some("Streamable HTTP servers must accept `Accept: application/json, text/event-stream` and `Content-Type: application/json`.".into()),
        ),
        (Step::Initialize, 421) => Failure::failed(
            Layer::Http,
            format!("The server rejected the Host header (HTTP 421).{said}"),
            Some("DNS-rebinding protection allows only listed hosts; add this host name to the server's allowed hosts.".into()),
        ),
        (Step::Initialize, _) => Failure::failed(
            Layer::Http,
            format!("The server answered initialize with HTTP {status}.{said}"),
            None,
        ),
        (_, 404) if context.session_known => Failure::failed(
            step_layer(step),
            format!("The server no longer knows the session at {label} (HTTP 404).{said}"),
            Some("Sessions must survive between requests: with several instances, share session state or make routing sticky.".into()),
        ),
        _ => Failure::failed(step_layer(step), format!("{label} was refused with HTTP {status}.{said}"), None),
    }
}

/// A network error, and the no-cors follow-up showed that the host did answer.
pub fn blocked(step: Step, message: &str) -> Failure {
    let (error, fix) = if step == Step::Initialize {
        (
            format!("The server answered, but the browser blocked the response: its CORS headers do not allow this page ({message})."),
            CorsFix::AllowOrigin,
        )
    } else {
        (
            format!(
                "Initialize worked, but the browser blocked {} ({message}): the CORS preflight most likely refused the Mcp-Session-Id or MCP-Protocol-Version header.",
                step.label()
            ),
            CorsFix::AllowHeaders,
        )
    };
    Failure {
        outcome: Outcome::Blocked,
        layer: None,
        error,
        hint: Some(cors_hint(fix)),
    }
}

/// The browser could not follow the server's redirects, yet they end somewhere: the redirect
/// or its target lacks CORS headers.
pub fn blocked_redirect(step: Step) -> Failure {
    Failure {
        outcome: Outcome::Blocked,
        layer: None,
        error: format!(
            "The server redirects {}, and the browser may not follow: the redirect or its target has no CORS headers for this page.",
            step.label()
        ),
        hint: Some(format!(
            "Check the final URL directly (often the same path with a trailing slash), or send CORS headers on the redirect too.\n{}",
            cors_hint(CorsFix::AllowOrigin)
        )),
    }
}

/// Nothing answered at all.
pub fn unreachable(host: &str, step: Step, message: &str) -> Failure {
    Failure::failed(
        Layer::Transport,
        format!(
            "Nothing answered at {host} during {} ({message}).",
            step.label()
        ),
        Some("Check that the server is running and that the host name and port are right.".into()),
    )
}

pub fn timed_out(step: Step, got_head: bool, timeout_ms: u64) -> Failure {
    // Not even a status line to the very first request: nothing answered.
    let layer = if step == Step::Initialize && !got_head {
        Layer::Transport
    } else {
        step_layer(step)
    };
    let waiting_for = if got_head {
        "the response body"
    } else {
        "a response"
    };
    Failure::failed(
        layer,
        format!("Timed out after {timeout_ms} ms waiting for {waiting_for} to {}.", step.label()),
        Some("Serverless hosts can take up to 30 s to wake an idle server; if this repeats, it is an outage.".into()),
    )
}

pub fn too_big(step: Step, limit: usize) -> Failure {
    Failure::failed(
        step_layer(step),
        format!(
            "The response to {} is {}; stopped reading.",
            step.label(),
            too_big_note(limit)
        ),
        None,
    )
}

pub fn too_big_note(limit: usize) -> String {
    format!("larger than the {} limit", human_bytes(limit))
}

/// Which cap a tool list passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListCap {
    /// `seen` tools over the pages so far, this one included.
    Tools { seen: usize, limit: usize },
    /// `received` body bytes over the whole probe when reading stopped.
    Bytes { received: usize, limit: usize },
}

/// The tool list passed one of the probe's caps at `page`: what was read is dropped, and
/// nothing more is read.
pub fn tool_list_too_large(page: u32, cap: ListCap) -> Failure {
    let figures = match cap {
        ListCap::Tools { seen, limit } => {
            format!("{seen} tools by page {page}; the limit is {limit}")
        }
        ListCap::Bytes { received, limit } => format!(
            "{received} bytes received by page {page}; the limit for a whole check is {}",
            human_bytes(limit)
        ),
    };
    Failure::failed(
        Layer::Tools,
        format!("Stopped reading tools/list: tool list too large ({figures})."),
        Some("Clients put every tool into the model's context, and use far fewer than this: serve fewer tools, or split them over several servers. If the list never ends, check the pagination: each nextCursor must lead to the next page, and the last page has none.".into()),
    )
}

pub fn redirect_loop(step: Step, message: &str) -> Failure {
    Failure::failed(
        Layer::Http,
        format!(
            "The server's redirects at {} never end ({message}).",
            step.label()
        ),
        Some(
            "Point the check at the final URL, and make sure it does not redirect to itself."
                .into(),
        ),
    )
}

/// A success status with content that is neither JSON nor an event stream.
pub fn not_mcp(step: Step, media: &str) -> Failure {
    let what = if media == "text/html" {
        "an HTML page".to_owned()
    } else {
        format!("“{}” content", clip(media, 60))
    };
    Failure::failed(
        Layer::Http,
        format!(
            "The server answered {} with {what}, not MCP (JSON or an SSE stream).",
            step.label()
        ),
        Some("Check the URL: MCP endpoints usually end in a path like /mcp.".into()),
    )
}

pub fn auth_required(step: Step, status: u16) -> Failure {
    Failure {
        outcome: Outcome::AuthRequired,
        layer: None,
        error: format!(
            "The server is up and requires authentication (HTTP {status} at {}).",
            step.label()
        ),
        hint: None,
    }
}

/// Which CORS header the server is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorsFix {
    AllowOrigin,
    AllowHeaders,
    ExposeSessionId,
}

/// How to fix CORS, as a snippet the server's author can copy.
pub fn cors_hint(fix: CorsFix) -> String {
    let lead = match fix {
        CorsFix::ExposeSessionId => "The server must expose the session header to the page:",
        CorsFix::AllowHeaders => "The server must allow the MCP headers in its CORS preflight answer:",
        CorsFix::AllowOrigin => "The server must send CORS headers on every response, errors and 401s included, and answer the OPTIONS preflight:",
    };
    format!(
        "{lead}\nAccess-Control-Allow-Origin: *\nAccess-Control-Allow-Methods: GET, POST, DELETE\nAccess-Control-Allow-Headers: Content-Type, Mcp-Session-Id, MCP-Protocol-Version, Authorization, Last-Event-ID\nAccess-Control-Expose-Headers: Mcp-Session-Id, WWW-Authenticate"
    )
}

/// What the server wrote in an error body: a JSON-RPC error message if there is one.
fn server_said(body: &[u8]) -> String {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        if let Some(message) = value
            .get("error")
            .and_then(|e| e.get("message").or(Some(e)))
            .and_then(serde_json::Value::as_str)
        {
            return clip(message, 200);
        }
    }
    body_snippet(body, 200)
}

/// Our sentences start with ASCII; ASCII-only keeps Unicode's case tables out of the page.
pub fn capitalise(text: &str) -> String {
    let mut text = text.to_owned();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}

fn human_bytes(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_bytes(4 * 1024 * 1024), "4 MiB");
        assert_eq!(human_bytes(64 * 1024), "64 KiB");
        assert_eq!(human_bytes(1000), "1000 bytes");
    }

    #[test]
    fn error_bodies_are_quoted_by_their_json_rpc_message() {
        let json = br#"{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: no session"},"id":null}"#;
        assert_eq!(server_said(json), "Bad Request: no session");
        assert_eq!(server_said(b"<h1>502</h1>\n"), "<h1>502</h1>");
    }
}
