//! The probe's verdict for each kind of server behaviour, driven through the sans-IO interface.

mod support;

use mcp_status_core::report::Transport;
use mcp_status_core::time::Monotonic;
use mcp_status_core::{
    Environment, FetchMode, Layer, Method, Outcome, ProbeConfig, Step, StepStatus,
};
use support::*;

const URL: &str = "http://127.0.0.1:9/mcp";

/// A well-behaved JSON server: session id, two pages of tools, DELETE allowed.
fn good_json_server(request: &mcp_status_core::HttpRequest) -> Answer {
    let session = [("mcp-session-id", "sess-1")];
    match method_of(request).as_str() {
        "initialize" => json(200, &session, &init_result("2025-06-18", true)),
        "notifications/initialized" => status(202, &[]),
        "tools/list" => match cursor_of(request).as_deref() {
            None => json(
                200,
                &[],
                &tools_result(id_of(request), &["echo", "add"], Some("p2")),
            ),
            Some("p2") => json(200, &[], &tools_result(id_of(request), &["sleep"], None)),
            Some(other) => panic!("unexpected cursor {other}"),
        },
        "DELETE" => status(200, &[]),
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn a_json_server_passes_with_all_pages_and_the_session_closed() {
    let run = run(URL, config(Environment::Native), good_json_server);
    let report = &run.report;
    assert_eq!(report.outcome, Outcome::Ok, "{report:?}");
    assert_eq!(report.layer, None);
    let names: Vec<_> = report
        .tools
        .as_ref()
        .unwrap()
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(names, ["echo", "add", "sleep"]);
    assert_eq!(report.protocol_version.as_deref(), Some("2025-06-18"));
    assert_eq!(report.server.as_ref().unwrap().version, "1.2.3");
    let methods: Vec<_> = run.requests.iter().map(method_of).collect();
    assert_eq!(
        methods,
        [
            "initialize",
            "notifications/initialized",
            "tools/list",
            "tools/list",
            "DELETE"
        ]
    );
    // The first request carries no session; every later one carries session and version.
    assert_eq!(run.requests[0].header("mcp-session-id"), None);
    assert_eq!(
        run.requests[0].header("accept"),
        Some("application/json, text/event-stream")
    );
    for later in &run.requests[1..] {
        assert_eq!(later.header("mcp-session-id"), Some("sess-1"));
        assert_eq!(later.header("mcp-protocol-version"), Some("2025-06-18"));
    }
    assert_eq!(run.requests[4].method, Method::Delete);
    let steps: Vec<_> = report.steps.iter().map(|s| (s.step, s.page)).collect();
    assert_eq!(
        steps,
        [
            (Step::Initialize, None),
            (Step::Initialized, None),
            (Step::ToolsList, Some(1)),
            (Step::ToolsList, Some(2)),
            (Step::Close, None)
        ]
    );
    // Latency is measured up to the last tools/list page; closing is not part of it.
    let verdict_steps: u64 = report.steps[..4].iter().map(|s| s.latency_ms).sum();
    assert_eq!(report.latency_ms, verdict_steps);
}

#[test]
fn a_2025_03_26_server_gets_no_protocol_version_header() {
    let run = run(
        URL,
        config(Environment::Native),
        |request| match method_of(request).as_str() {
            "initialize" => json(200, &[], &init_result("2025-03-26", true)),
            "notifications/initialized" => status(202, &[]),
            "tools/list" => json(200, &[], &tools_result(id_of(request), &["a"], None)),
            other => panic!("unexpected {other}"),
        },
    );
    assert_eq!(run.report.outcome, Outcome::Ok);
    assert!(run
        .requests
        .iter()
        .all(|r| r.header("mcp-protocol-version").is_none()));
    // No session was opened, so none is closed.
    assert_eq!(run.requests.len(), 3);
}

#[test]
fn an_sse_server_with_priming_events_and_server_messages_first_passes() {
    let session = [("mcp-session-id", "abc")];
    let run = run(URL, config(Environment::Native), |request| {
        match method_of(request).as_str() {
        "initialize" => sse(
            &session,
            &[
                "id: prime-1\ndata: ",
                ": keep-alive comment",
                "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{}}",
                "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"roots/list\"}",
                &format!("event: message\nid: e1\ndata: {}", init_result("2025-11-25", true)),
            ],
        ),
        "notifications/initialized" => status(202, &[]),
        "tools/list" => sse(&[], &[&format!("data: {}", tools_result(id_of(request), &["x", "y"], None))]),
        "DELETE" => status(405, &[]),
        other => panic!("unexpected {other}"),
    }
    });
    assert_eq!(run.report.outcome, Outcome::Ok, "{:?}", run.report);
    assert_eq!(run.report.tool_count(), Some(2));
    assert_eq!(run.report.protocol_version.as_deref(), Some("2025-11-25"));
    // 405 to DELETE is fine.
    let close = run.report.steps.last().unwrap();
    assert_eq!((close.step, close.http_status), (Step::Close, Some(405)));
}

#[test]
fn an_sse_stream_that_stays_open_after_the_response_is_not_read_further() {
    let run = run(
        URL,
        config(Environment::Native),
        |request| match method_of(request).as_str() {
            "initialize" => {
                let first = format!("data: {}\n\n", init_result("2025-06-18", false));
                let endless = std::iter::once(first.into_bytes())
                    .chain(std::iter::repeat(b": ping\n\n".to_vec()));
                Answer::Respond {
                    after_ms: 5.0,
                    status: 200,
                    headers: vec![("content-type".into(), "text/event-stream".into())],
                    body: Body::Chunks(Box::new(endless)),
                    gap_ms: 1.0,
                    end: End::Hang,
                }
            }
            "notifications/initialized" => status(202, &[]),
            other => panic!("unexpected {other}"),
        },
    );
    assert_eq!(run.report.outcome, Outcome::Ok);
    assert_eq!(run.chunks_read, 1);
    // No tools capability: nothing to list, and that is not a failure.
    assert_eq!(run.report.tool_count(), Some(0));
}

#[test]
fn a_cursor_returned_twice_stops_the_listing() {
    let run = run(
        URL,
        config(Environment::Native),
        |request| match method_of(request).as_str() {
            "initialize" => json(200, &[], &init_result("2025-06-18", true)),
            "notifications/initialized" => status(202, &[]),
            "tools/list" => json(
                200,
                &[],
                &tools_result(id_of(request), &["a"], Some("same")),
            ),
            other => panic!("unexpected {other}"),
        },
    );
    assert_eq!(run.report.outcome, Outcome::Failed);
    assert_eq!(run.report.layer, Some(Layer::Tools));
    assert!(run.report.error.as_ref().unwrap().contains("twice"));
    assert_eq!(run.requests.len(), 4);
}

#[test]
fn ever_new_cursors_are_cut_off_at_the_page_cap() {
    let config = ProbeConfig {
        max_tool_pages: 5,
        ..config(Environment::Native)
    };
    let run = run(URL, config, |request| match method_of(request).as_str() {
        "initialize" => json(200, &[], &init_result("2025-06-18", true)),
        "notifications/initialized" => status(202, &[]),
        "tools/list" => {
            let id = id_of(request);
            json(200, &[], &tools_result(id, &["a"], Some(&format!("c{id}"))))
        }
        other => panic!("unexpected {other}"),
    });
    assert_eq!(run.report.layer, Some(Layer::Tools));
    assert_eq!(
        run.requests
            .iter()
            .filter(|r| method_of(r) == "tools/list")
            .count(),
        5
    );
}

/// A server whose tool list never ends: every page `count` tools of `description_bytes`, and
/// a new cursor.
fn endless_tools(
    count: usize,
    description_bytes: usize,
) -> impl FnMut(&mcp_status_core::HttpRequest) -> Answer {
    move |request| match method_of(request).as_str() {
        "initialize" => json(
            200,
            &[("mcp-session-id", "s")],
            &init_result("2025-06-18", true),
        ),
        "notifications/initialized" => status(202, &[]),
        "tools/list" => {
            let id = id_of(request);
            let page = padded_tools_result(id, count, description_bytes, Some(&format!("c{id}")));
            json_in_chunks(&[], &page, 64 * 1024)
        }
        "DELETE" => status(204, &[]),
        other => panic!("unexpected {other}"),
    }
}

fn tools_list_requests(run: &Run) -> usize {
    run.requests
        .iter()
        .filter(|r| method_of(r) == "tools/list")
        .count()
}

#[test]
fn a_list_past_the_tool_cap_fails_at_tools_and_keeps_nothing() {
    // 300 tools a page: 1,800 after six pages, 2,100 with the seventh.
    let run = run(URL, config(Environment::Native), endless_tools(300, 0));
    let report = &run.report;
    assert_eq!(report.outcome, Outcome::Failed);
    assert_eq!(report.layer, Some(Layer::Tools));
    let error = report.error.as_deref().unwrap();
    assert!(error.contains("tool list too large"), "{error}");
    assert!(error.contains("2100 tools by page 7"), "{error}");
    assert!(error.contains("the limit is 2000"), "{error}");
    assert!(report.hint.as_deref().unwrap().contains("nextCursor"));
    assert_eq!(tools_list_requests(&run), 7);
    // An incomplete list is not reported: no tools, no fingerprints.
    assert_eq!(
        (report.tools.as_ref(), report.tool_list.as_ref()),
        (None, None)
    );
    assert_eq!(
        (&report.contract_hash, &report.metadata_hash),
        (&None, &None)
    );
    let last_page = report.steps.iter().rfind(|s| s.step == Step::ToolsList);
    assert_eq!(
        last_page.map(|s| (s.page, s.status)),
        Some((Some(7), StepStatus::Failed))
    );
    assert_eq!(method_of(run.requests.last().unwrap()), "DELETE");
}

#[test]
fn a_list_past_the_byte_cap_fails_at_tools_and_reading_stops() {
    // About 1 MiB a page: 7.4 MiB after seven pages, over the 8 MiB of a whole probe in the
    // eighth, with 2,048 tools at most (under the tool cap).
    let run = run(URL, config(Environment::Native), endless_tools(256, 4096));
    let report = &run.report;
    assert_eq!(report.layer, Some(Layer::Tools), "{report:?}");
    let error = report.error.as_deref().unwrap();
    assert!(error.contains("tool list too large"), "{error}");
    assert!(error.contains("by page 8"), "{error}");
    assert!(
        error.contains("the limit for a whole check is 8 MiB"),
        "{error}"
    );
    assert_eq!(tools_list_requests(&run), 8);
    assert_eq!(report.tools, None);
    assert_eq!(report.contract_hash, None);
    // 64 KiB chunks: reading stopped at the cap (128 of them), not at the end of the page.
    assert!(run.chunks_read <= 128 + 8 + 3, "{} chunks", run.chunks_read);
    assert_eq!(method_of(run.requests.last().unwrap()), "DELETE");
}

#[test]
fn the_byte_cap_elsewhere_is_the_too_big_failure_of_that_layer() {
    let config = ProbeConfig {
        max_total_bytes: 1024,
        ..config(Environment::Native)
    };
    let padded = format!(
        r#"{{"jsonrpc":"2.0","id":1,"result":{{"protocolVersion":"2025-06-18","capabilities":{{}},"serverInfo":{{"name":"{}","version":"1"}}}}}}"#,
        "n".repeat(4096)
    );
    let run = run(URL, config, |_| json_in_chunks(&[], &padded, 256));
    assert_eq!(run.report.layer, Some(Layer::Initialize));
    let error = run.report.error.unwrap();
    assert!(error.contains("larger than the 1 KiB limit"), "{error}");
    assert_eq!(run.chunks_read, 5);
}

#[test]
fn a_legacy_stream_flooded_with_tools_meets_the_same_caps() {
    // The stream carries every answer: its per-response cap counts each answer, and the
    // probe's total is what stops the flood.
    let config = ProbeConfig {
        max_body_bytes: 16 * 1024,
        max_total_bytes: 64 * 1024,
        ..config(Environment::Native)
    };
    let feed = Feed::default();
    let run = run(URL, config, |request| {
        match (request.method, request.url.as_str()) {
            (Method::Post, URL) => status(404, &[]),
            (Method::Get, URL) => {
                push_event(&feed, "endpoint", "/message?sessionId=abc");
                open_stream(&feed)
            }
            (Method::Post, _) => {
                match method_of(request).as_str() {
                    "initialize" => push_event(
                        &feed,
                        "message",
                        &init_result_for(id_of(request), "2024-11-05", true),
                    ),
                    "tools/list" => {
                        let id = id_of(request);
                        let page = padded_tools_result(id, 10, 1000, Some(&format!("c{id}")));
                        push_event(&feed, "message", &page);
                    }
                    _ => {}
                }
                respond(202, vec![], vec![b"Accepted".to_vec()])
            }
            other => panic!("unexpected {other:?}"),
        }
    });
    assert_eq!(run.report.layer, Some(Layer::Tools), "{:?}", run.report);
    let error = run.report.error.as_deref().unwrap();
    assert!(error.contains("tool list too large"), "{error}");
    assert!(error.contains("64 KiB"), "{error}");
    assert!(tools_list_requests(&run) > 2);
}

#[test]
fn oversized_auth_metadata_is_noted_and_the_outcome_stays_auth_required() {
    let config = ProbeConfig {
        max_body_bytes: 1024,
        ..config(Environment::Native)
    };
    let metadata = format!(r#"{{"authorization_servers":["{}"]}}"#, "a".repeat(4096));
    let run = run(URL, config, |request| match request.method {
        Method::Post => status(
            401,
            &[(
                "www-authenticate",
                r#"Bearer resource_metadata="http://127.0.0.1:9/prm""#,
            )],
        ),
        _ => json_in_chunks(&[], &metadata, 512),
    });
    assert_eq!(
        run.report.outcome,
        Outcome::AuthRequired,
        "{:?}",
        run.report
    );
    let auth = run.report.auth.unwrap();
    assert!(auth.metadata_error.unwrap().contains("1 KiB"));
}

#[test]
fn a_401_is_auth_required_with_the_protected_resource_metadata_read() {
    let metadata_url = "http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp";
    let run = run(URL, config(Environment::Browser), |request| {
        match request.method {
            Method::Post => status(
                401,
                &[(
                    "www-authenticate",
                    r#"Bearer resource_metadata="http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp", scope="mcp""#,
                )],
            ),
            _ => {
                assert_eq!(request.url, metadata_url);
                json(
                    200,
                    &[],
                    r#"{"resource":"http://127.0.0.1:9/mcp","authorization_servers":["https://auth.example"],"scopes_supported":["mcp","admin"]}"#,
                )
            }
        }
    });
    assert_eq!(run.report.outcome, Outcome::AuthRequired);
    assert_eq!(run.report.layer, None);
    let auth = run.report.auth.as_ref().unwrap();
    assert_eq!(auth.resource_metadata.as_deref(), Some(metadata_url));
    assert_eq!(auth.scope.as_deref(), Some("mcp"));
    assert_eq!(auth.authorization_servers, ["https://auth.example"]);
    assert_eq!(auth.scopes_supported, ["mcp", "admin"]);
    assert_eq!(auth.metadata_error, None);
    assert_eq!(run.requests.len(), 2);
}

#[test]
fn a_bare_401_looks_for_metadata_at_the_well_known_places() {
    let run = run(URL, config(Environment::Native), |request| {
        match request.url.as_str() {
            URL => status(401, &[]),
            "http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp" => status(404, &[]),
            "http://127.0.0.1:9/.well-known/oauth-protected-resource" => json(
                200,
                &[],
                r#"{"authorization_servers":["https://as.example"]}"#,
            ),
            other => panic!("unexpected {other}"),
        }
    });
    assert_eq!(run.report.outcome, Outcome::AuthRequired);
    let auth = run.report.auth.unwrap();
    assert_eq!(auth.authorization_servers, ["https://as.example"]);
    assert_eq!(
        auth.metadata_url.as_deref(),
        Some("http://127.0.0.1:9/.well-known/oauth-protected-resource")
    );
    assert_eq!(run.requests.len(), 3);
}

#[test]
fn unreadable_auth_metadata_is_noted_and_the_outcome_stays_auth_required() {
    let run = run(URL, config(Environment::Browser), |request| {
        match request.method {
            Method::Post => status(
                403,
                &[(
                    "www-authenticate",
                    r#"Bearer error="insufficient_scope", resource_metadata="https://other.example/prm""#,
                )],
            ),
            _ => Answer::NetworkError("Failed to fetch"),
        }
    });
    assert_eq!(run.report.outcome, Outcome::AuthRequired);
    let auth = run.report.auth.unwrap();
    assert_eq!(auth.error.as_deref(), Some("insufficient_scope"));
    assert!(auth.metadata_error.unwrap().contains("Failed to fetch"));
}

#[test]
fn in_a_browser_a_network_error_from_a_live_host_is_blocked() {
    let run = run(URL, config(Environment::Browser), |request| {
        match request.mode {
            FetchMode::Cors => Answer::NetworkError("TypeError: Failed to fetch"),
            FetchMode::NoCors | FetchMode::CorsManualRedirect => status(0, &[]),
        }
    });
    assert_eq!(run.report.outcome, Outcome::Blocked, "{:?}", run.report);
    assert_eq!(run.report.layer, None);
    assert!(run
        .report
        .hint
        .as_ref()
        .unwrap()
        .contains("Access-Control-Allow-Origin"));
    assert_eq!(run.requests[1].mode, FetchMode::CorsManualRedirect);
    assert_eq!(run.requests[1].method, Method::Get);
}

#[test]
fn in_a_browser_a_dead_host_is_a_transport_failure() {
    let run = run(URL, config(Environment::Browser), |_| {
        Answer::NetworkError("Failed to fetch")
    });
    assert_eq!(run.report.outcome, Outcome::Failed);
    assert_eq!(run.report.layer, Some(Layer::Transport));
    // initialize, the CORS GET, the no-cors GET.
    assert_eq!(run.requests.len(), 3);
}

#[test]
fn natively_a_network_error_is_transport_without_a_reachability_check() {
    let run = run(URL, config(Environment::Native), |_| {
        Answer::NetworkError("connection refused")
    });
    assert_eq!(run.report.layer, Some(Layer::Transport));
    assert!(run
        .report
        .error
        .as_ref()
        .unwrap()
        .contains("connection refused"));
    assert_eq!(run.requests.len(), 1);
}

#[test]
fn in_a_browser_a_blocked_second_request_names_the_preflight() {
    let run = run(URL, config(Environment::Browser), |request| {
        match (request.mode, method_of(request).as_str()) {
            (FetchMode::Cors, "initialize") => json(
                200,
                &[("mcp-session-id", "s")],
                &init_result("2025-06-18", true),
            ),
            (FetchMode::NoCors | FetchMode::CorsManualRedirect, _) => status(0, &[]),
            (_, "DELETE") => Answer::NetworkError("Failed to fetch"),
            _ => Answer::NetworkError("Failed to fetch"),
        }
    });
    assert_eq!(run.report.outcome, Outcome::Blocked);
    let error = run.report.error.as_ref().unwrap();
    assert!(error.contains("notifications/initialized"), "{error}");
    assert!(run
        .report
        .hint
        .as_ref()
        .unwrap()
        .contains("Access-Control-Allow-Headers"));
}

#[test]
fn in_a_browser_an_unexposed_session_id_is_blocked() {
    // The server set a session id, but without Access-Control-Expose-Headers the page never
    // saw it, so the next request is refused for lack of one.
    let run = run(
        URL,
        config(Environment::Browser),
        |request| match method_of(request).as_str() {
            "initialize" => json(200, &[], &init_result("2025-06-18", true)),
            _ => json(
                400,
                &[],
                r#"{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: No valid session ID provided"},"id":null}"#,
            ),
        },
    );
    assert_eq!(run.report.outcome, Outcome::Blocked);
    assert!(run.report.hint.as_ref().unwrap().contains("Expose-Headers"));
    assert!(run
        .report
        .error
        .as_ref()
        .unwrap()
        .contains("No valid session ID"));
}

#[test]
fn http_failures_are_the_http_layer() {
    for (answer, needle) in [
        (json(502, &[], "<html>Bad Gateway</html>"), "502"),
        (
            respond(
                200,
                vec![("content-type".into(), "text/html".into())],
                vec![b"<html>".to_vec()],
            ),
            "HTML page",
        ),
        (status(405, &[]), "405"),
        (status(421, &[]), "Host"),
        (Answer::TooManyRedirects, "redirects"),
    ] {
        let mut answer = Some(answer);
        // The legacy fallback's GET finds no event stream either.
        let run = run(URL, config(Environment::Native), |request| {
            match request.method {
                Method::Get => status(405, &[]),
                _ => answer.take().unwrap(),
            }
        });
        assert_eq!(run.report.outcome, Outcome::Failed);
        assert_eq!(run.report.layer, Some(Layer::Http), "{needle}");
        assert!(
            run.report.error.as_ref().unwrap().contains(needle),
            "{:?}",
            run.report.error
        );
    }
}

#[test]
fn initialize_failures_are_the_initialize_layer() {
    for (body, needle) in [
        (r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"boom"}}"#.to_owned(), "boom"),
        ("{not json".to_owned(), "not valid JSON"),
        (r#"{"jsonrpc":"2.0","id":7,"result":{}}"#.to_owned(), "id 7"),
        (init_result("1999-01-01", true), "1999-01-01"),
        (r#"{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{}}}"#.to_owned(), "serverInfo"),
        ("".to_owned(), "empty body"),
    ] {
        let mut once = Some(json(200, &[], &body));
        let run = run(URL, config(Environment::Native), |_| once.take().unwrap());
        assert_eq!(run.report.layer, Some(Layer::Initialize), "{needle}");
        assert!(run.report.error.as_ref().unwrap().contains(needle), "{:?}", run.report.error);
    }
}

#[test]
fn tools_list_failures_are_the_tools_layer_and_the_session_is_still_closed() {
    let run = run(
        URL,
        config(Environment::Native),
        |request| match method_of(request).as_str() {
            "initialize" => json(
                200,
                &[("mcp-session-id", "s")],
                &init_result("2025-06-18", true),
            ),
            "notifications/initialized" => status(202, &[]),
            "tools/list" => json(
                200,
                &[],
                r#"{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"Method not found"}}"#,
            ),
            "DELETE" => status(204, &[]),
            other => panic!("unexpected {other}"),
        },
    );
    assert_eq!(run.report.layer, Some(Layer::Tools));
    assert!(run.report.error.as_ref().unwrap().contains("-32601"));
    assert_eq!(method_of(run.requests.last().unwrap()), "DELETE");
}

#[test]
fn timeouts_fail_at_the_layer_where_they_happen() {
    // Nothing answers at all.
    let run1 = run(URL, config(Environment::Native), |_| Answer::Hang);
    assert_eq!(run1.report.layer, Some(Layer::Transport));
    assert!(run1
        .report
        .error
        .as_ref()
        .unwrap()
        .contains("Timed out after 10000 ms"));
    // Headers arrive, the body never ends.
    let run2 = run(URL, config(Environment::Native), |_| Answer::Respond {
        after_ms: 5.0,
        status: 200,
        headers: vec![("content-type".into(), "text/event-stream".into())],
        body: Body::Chunks(Box::new(std::iter::repeat(b": drip\n".to_vec()))),
        gap_ms: 50.0,
        end: End::Hang,
    });
    assert_eq!(run2.report.layer, Some(Layer::Initialize));
    assert!(run2.report.latency_ms >= 10_000);
    // tools/list hangs: the cold-start signature.
    let run3 = run(
        URL,
        config(Environment::Native),
        |request| match method_of(request).as_str() {
            "initialize" => json(200, &[], &init_result("2025-06-18", true)),
            "notifications/initialized" => status(202, &[]),
            _ => Answer::Hang,
        },
    );
    assert_eq!(run3.report.layer, Some(Layer::Tools));
}

#[test]
fn serverless_hosts_get_thirty_seconds_and_config_overrides() {
    let run1 = run(
        "https://x.onrender.com/mcp",
        config(Environment::Native),
        |_| Answer::Hang,
    );
    assert_eq!(run1.report.timeout_ms, 30_000);
    let config = ProbeConfig {
        timeout_ms: Some(1234),
        ..config(Environment::Native)
    };
    let run2 = run("https://x.onrender.com/mcp", config, |_| Answer::Hang);
    assert_eq!(run2.report.latency_ms, 1234);
}

#[test]
fn an_oversized_body_fails_and_reading_stops() {
    let config = ProbeConfig {
        max_body_bytes: 64 * 1024,
        ..config(Environment::Native)
    };
    let run = run(URL, config, |_| Answer::Respond {
        after_ms: 1.0,
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: Body::Chunks(Box::new(std::iter::repeat(vec![b' '; 16 * 1024]))),
        gap_ms: 0.1,
        end: End::Close,
    });
    assert_eq!(run.report.outcome, Outcome::Failed);
    assert!(run.report.error.as_ref().unwrap().contains("64 KiB"));
    assert_eq!(run.chunks_read, 5);
}

#[test]
fn a_stream_that_ends_early_or_breaks_fails_clearly() {
    let mut once = Some(sse(&[], &["data: {\"jsonrpc\":\"2.0\",\"method\":\"x\"}"]));
    let ended = run(URL, config(Environment::Native), |_| once.take().unwrap());
    assert!(ended
        .report
        .error
        .as_ref()
        .unwrap()
        .contains("ended before"));
    let broken = run(URL, config(Environment::Native), |_| Answer::Respond {
        after_ms: 1.0,
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: Body::Chunks(Box::new(std::iter::once(b"{\"jsonrpc\"".to_vec()))),
        gap_ms: 1.0,
        end: End::Reset,
    });
    assert_eq!(broken.report.layer, Some(Layer::Initialize));
    assert!(broken
        .report
        .error
        .as_ref()
        .unwrap()
        .contains("connection reset"));
}

#[test]
fn a_slow_pass_is_degraded() {
    let config = ProbeConfig {
        degraded_after_ms: 500,
        ..config(Environment::Native)
    };
    let run = run(URL, config, |request| match method_of(request).as_str() {
        "initialize" => with_delay(json(200, &[], &init_result("2025-06-18", true)), 400.0),
        "notifications/initialized" => status(202, &[]),
        "tools/list" => with_delay(
            json(200, &[], &tools_result(id_of(request), &["a"], None)),
            400.0,
        ),
        other => panic!("unexpected {other}"),
    });
    assert_eq!(run.report.outcome, Outcome::Degraded);
    assert!(run.report.latency_ms > 800);
    assert_eq!(run.report.layer, None);
}

#[test]
fn server_text_in_errors_is_flattened_and_clipped() {
    let long = format!("line1\nline2\u{1b}[31m{}", "x".repeat(5000));
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":1,"error":{{"code":1,"message":"{}"}}}}"#,
        long.replace('\n', "\\n").replace('\u{1b}', "\\u001b")
    );
    let mut once = Some(json(200, &[], &body));
    let run = run(URL, config(Environment::Native), |_| once.take().unwrap());
    let error = run.report.error.unwrap();
    assert!(!error.contains('\n') && !error.contains('\u{1b}'));
    assert!(error.chars().count() < 400);
}

/// The npm reference server's legacy mode: POST /sse is 404, GET /sse opens the stream.
fn legacy_server<'a>(
    feed: &'a Feed,
    endpoint: &'static str,
) -> impl FnMut(&mcp_status_core::HttpRequest) -> Answer + 'a {
    move |request| match (request.method, request.url.as_str()) {
        (Method::Post, URL) => status(404, &[]),
        (Method::Get, URL) => {
            push_event(feed, "endpoint", endpoint);
            open_stream(feed)
        }
        (Method::Post, _) => {
            let id = request.body.as_deref().and_then(|_| {
                serde_json::from_str::<serde_json::Value>(request.body.as_deref().unwrap()).unwrap()
                    ["id"]
                    .as_u64()
            });
            match (method_of(request).as_str(), id) {
                ("initialize", Some(id)) => {
                    push_event(feed, "message", &init_result_for(id, "2024-11-05", true))
                }
                ("tools/list", Some(id)) => {
                    push_event(feed, "message", &tools_result(id, &["echo", "add"], None))
                }
                _ => {}
            }
            respond(202, vec![], vec![b"Accepted".to_vec()])
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_legacy_http_sse_server_is_found_by_the_fallback_and_passes() {
    let feed = Feed::default();
    let run = run(
        URL,
        config(Environment::Browser),
        legacy_server(&feed, "/message?sessionId=abc"),
    );
    let report = &run.report;
    assert_eq!(report.outcome, Outcome::Ok, "{report:?}");
    assert_eq!(report.transport, Some(Transport::HttpSse));
    assert_eq!(report.protocol_version.as_deref(), Some("2024-11-05"));
    assert_eq!(report.tool_count(), Some(2));
    let steps: Vec<_> = report.steps.iter().map(|s| (s.step, s.status)).collect();
    assert_eq!(
        steps,
        [
            (Step::Initialize, StepStatus::Fallback),
            (Step::OpenStream, StepStatus::Ok),
            (Step::Initialize, StepStatus::Ok),
            (Step::Initialized, StepStatus::Ok),
            (Step::ToolsList, StepStatus::Ok),
        ]
    );
    for posted in &run.requests[2..] {
        assert_eq!(posted.url, "http://127.0.0.1:9/message?sessionId=abc");
    }
    // The verdict's latency starts at the first request, fallback included.
    assert!(report.latency_ms >= report.steps.iter().map(|s| s.latency_ms).max().unwrap());
}

#[test]
fn a_legacy_endpoint_on_another_origin_is_refused() {
    let feed = Feed::default();
    let run = run(
        URL,
        config(Environment::Native),
        legacy_server(&feed, "https://evil.example/message"),
    );
    assert_eq!(run.report.layer, Some(Layer::Initialize));
    assert!(run
        .report
        .error
        .unwrap()
        .contains("not on the server's origin"));
    assert_eq!(run.requests.len(), 2);
}

#[test]
fn a_legacy_endpoint_is_resolved_as_browsers_resolve_it() {
    // Browsers drop a tab anywhere in a URL: `/\t/evil.example/…` names another host.
    let feed = Feed::default();
    let refused = run(
        URL,
        config(Environment::Native),
        legacy_server(&feed, "/\t/evil.example/message"),
    );
    assert_eq!(refused.report.layer, Some(Layer::Initialize));
    assert!(refused
        .report
        .error
        .unwrap()
        .contains("not on the server's origin"));
    assert_eq!(refused.requests.len(), 2);
    // Lines of data are joined by a newline, which browsers drop too.
    let feed = Feed::default();
    let joined = run(
        URL,
        config(Environment::Native),
        legacy_server(&feed, "/mes\ndata: sage?sessionId=abc"),
    );
    assert_eq!(joined.report.outcome, Outcome::Ok, "{:?}", joined.report);
    assert_eq!(
        joined.requests[2].url,
        "http://127.0.0.1:9/message?sessionId=abc"
    );
}

#[test]
fn a_legacy_stream_that_closes_midway_fails_the_step_it_was_answering() {
    let run = run(URL, config(Environment::Native), |request| {
        match request.method {
            Method::Post if request.url == URL => status(405, &[]),
            Method::Get => respond(
                200,
                vec![("content-type".into(), "text/event-stream".into())],
                vec![b"event: endpoint\ndata: /messages\n\n".to_vec()],
            ),
            _ => status(202, &[]),
        }
    });
    assert_eq!(run.report.outcome, Outcome::Failed);
    assert_eq!(run.report.layer, Some(Layer::Initialize));
    assert!(run.report.error.unwrap().contains("event stream ended"));
}

/// A stateless 2026-07-28 server: initialize is refused with a modern error.
fn modern_server(request: &mcp_status_core::HttpRequest) -> Answer {
    let body: serde_json::Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
    let id = body["id"].as_u64().unwrap();
    if request.header("mcp-protocol-version") != Some("2026-07-28") {
        return json(
            400,
            &[],
            &format!(
                r#"{{"jsonrpc":"2.0","id":{id},"error":{{"code":-32020,"message":"Missing MCP-Protocol-Version header"}}}}"#
            ),
        );
    }
    assert_eq!(request.header("mcp-method"), body["method"].as_str());
    assert_eq!(
        body["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"],
        "2026-07-28"
    );
    match body["method"].as_str().unwrap() {
        "server/discover" => json(
            200,
            &[],
            &format!(
                r#"{{"jsonrpc":"2.0","id":{id},"result":{{"resultType":"complete","supportedVersions":["2026-07-28"],"capabilities":{{"tools":{{}}}},"_meta":{{"io.modelcontextprotocol/serverInfo":{{"name":"modern","version":"3.0.0"}}}}}}}}"#
            ),
        ),
        "tools/list" => json(200, &[], &tools_result(id, &["weather"], None)),
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn a_stateless_2026_server_is_recognised_and_probed_with_discover() {
    let run = run(URL, config(Environment::Native), modern_server);
    let report = &run.report;
    assert_eq!(report.outcome, Outcome::Ok, "{report:?}");
    assert_eq!(report.protocol_version.as_deref(), Some("2026-07-28"));
    assert_eq!(report.transport, Some(Transport::StreamableHttp));
    assert_eq!(report.server.as_ref().unwrap().name, "modern");
    assert_eq!(report.tool_count(), Some(1));
    let methods: Vec<_> = run.requests.iter().map(method_of).collect();
    // No initialized notification and no DELETE: there is no session.
    assert_eq!(methods, ["initialize", "server/discover", "tools/list"]);
    assert_eq!(report.steps[0].status, StepStatus::Fallback);
}

#[test]
fn an_unsupported_version_error_in_a_200_also_means_a_modern_server() {
    let mut first = true;
    let run = run(URL, config(Environment::Native), |request| {
        if std::mem::take(&mut first) {
            return json(
                200,
                &[],
                r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32022,"message":"Unsupported protocol version","data":{"supported":["2026-07-28"],"requested":"2025-11-25"}}}"#,
            );
        }
        modern_server(request)
    });
    assert_eq!(run.report.outcome, Outcome::Ok);
    assert_eq!(run.report.protocol_version.as_deref(), Some("2026-07-28"));
}

#[test]
fn reports_carry_tool_list_fingerprints() {
    let first = run(URL, config(Environment::Native), good_json_server);
    let contract = first.report.contract_hash.clone().unwrap();
    assert_eq!(contract.len(), 16);
    assert!(first.report.metadata_hash.is_some());
    let again = run(URL, config(Environment::Native), good_json_server);
    assert_eq!(again.report.contract_hash, Some(contract));
    let failed = run(URL, config(Environment::Native), |_| Answer::Hang);
    assert_eq!(failed.report.contract_hash, None);
}

#[test]
fn in_a_browser_endless_redirects_are_an_http_failure() {
    let run = run(URL, config(Environment::Browser), |request| {
        match request.mode {
            FetchMode::Cors | FetchMode::NoCors => Answer::NetworkError("Failed to fetch"),
            FetchMode::CorsManualRedirect => Answer::OpaqueRedirect,
        }
    });
    assert_eq!(run.report.outcome, Outcome::Failed);
    assert_eq!(run.report.layer, Some(Layer::Http));
    assert!(run.report.error.unwrap().contains("redirects"));
    let modes: Vec<_> = run.requests.iter().map(|r| r.mode).collect();
    assert_eq!(
        modes,
        [
            FetchMode::Cors,
            FetchMode::CorsManualRedirect,
            FetchMode::NoCors
        ]
    );
}

#[test]
fn in_a_browser_redirects_that_end_somewhere_without_cors_are_blocked() {
    let run = run(URL, config(Environment::Browser), |request| {
        match request.mode {
            FetchMode::Cors => Answer::NetworkError("Failed to fetch"),
            FetchMode::CorsManualRedirect => Answer::OpaqueRedirect,
            FetchMode::NoCors => status(0, &[]),
        }
    });
    assert_eq!(run.report.outcome, Outcome::Blocked);
    assert!(run.report.hint.unwrap().contains("trailing slash"));
}

#[test]
fn in_a_browser_a_host_without_any_cors_is_found_by_the_no_cors_check() {
    let run = run(URL, config(Environment::Browser), |request| {
        match request.mode {
            FetchMode::Cors | FetchMode::CorsManualRedirect => {
                Answer::NetworkError("Failed to fetch")
            }
            FetchMode::NoCors => status(0, &[]),
        }
    });
    assert_eq!(run.report.outcome, Outcome::Blocked);
    assert_eq!(run.requests.len(), 3);
}

#[test]
fn the_verdict_is_ready_before_the_session_is_closed() {
    let mut probe = mcp_status_core::Probe::new(
        mcp_status_core::Target::parse(URL).unwrap(),
        config(Environment::Native),
        Monotonic::from_ms(0.0),
    );
    let mut now = Monotonic::from_ms(0.0);
    let mut decided_before_close = false;
    while let Some(transmit) = probe.poll_transmit(now) {
        let request = transmit.request.clone();
        if request.method == Method::Delete {
            decided_before_close = probe.is_decided() && probe.report().is_some();
            assert_eq!(probe.report().unwrap().outcome, Outcome::Ok);
        }
        let Answer::Respond {
            status,
            headers,
            body: Body::Chunks(chunks),
            ..
        } = good_json_server(&request)
        else {
            panic!("scripted answers");
        };
        now = now.plus_ms(1);
        probe.handle_response(
            transmit.exchange,
            mcp_status_core::ResponseHead::new(status, headers),
            now,
        );
        for chunk in chunks {
            probe.handle_body(transmit.exchange, &chunk, now);
        }
        probe.handle_body_end(transmit.exchange, now);
    }
    assert!(decided_before_close);
    assert!(probe.is_done());
    assert_eq!(
        probe.report().unwrap().steps.last().unwrap().step,
        Step::Close
    );
}
