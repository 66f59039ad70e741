//! Whatever a server sends, the core neither panics nor hangs: property tests over arbitrary
//! bytes, strings and JSON.

mod support;

use mcp_status_core::auth::parse_www_authenticate;
use mcp_status_core::jsonrpc::{
    find_reply, parse_discover_result, parse_initialize_result, parse_tools_page,
};
use mcp_status_core::sse::SseParser;
use mcp_status_core::{Environment, Target};
use proptest::prelude::*;
use serde_json::Value;
use support::*;

/// Arbitrary JSON, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,20}".prop_map(Value::String),
        prop_oneof![Just("tools"), Just("name"), Just("result"), Just("id")]
            .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("jsonrpc".to_owned()),
                    Just("id".to_owned()),
                    Just("result".to_owned()),
                    Just("error".to_owned()),
                    Just("tools".to_owned()),
                    Just("name".to_owned()),
                    Just("inputSchema".to_owned()),
                    Just("nextCursor".to_owned()),
                    Just("protocolVersion".to_owned()),
                    Just("serverInfo".to_owned()),
                    Just("capabilities".to_owned()),
                    Just("version".to_owned()),
                    ".{0,8}",
                ],
                inner,
                0..6,
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sse_parsing_never_panics_and_ignores_chunk_boundaries(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        split in any::<prop::sample::Index>(),
    ) {
        let whole = SseParser::new().push(&bytes);
        let at = split.index(bytes.len() + 1);
        let mut parser = SseParser::new();
        let mut parts = parser.push(&bytes[..at]);
        parts.extend(parser.push(&bytes[at..]));
        prop_assert_eq!(whole, parts);
    }

    #[test]
    fn sse_text_with_line_structure_never_panics(
        text in "(data|event|id|retry|:)?[: ]?[^\r\n]{0,30}(\r\n|\n|\r){0,2}"
    ) {
        let _ = SseParser::new().push(text.as_bytes());
    }

    #[test]
    fn json_rpc_decoding_of_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(value) = serde_json::from_slice::<Value>(&bytes) {
            let _ = find_reply(&value, 1);
            let _ = parse_initialize_result(&value);
            let _ = parse_tools_page(&value);
            let _ = parse_discover_result(&value);
        }
    }

    #[test]
    fn json_rpc_decoding_of_arbitrary_json_never_panics(value in json_value()) {
        let _ = find_reply(&value, 1);
        let _ = parse_initialize_result(&value);
        let _ = parse_tools_page(&value);
        let _ = parse_discover_result(&value);
        let _ = mcp_status_core::fingerprint::fingerprint(std::slice::from_ref(&value));
    }

    #[test]
    fn headers_and_urls_never_panic(text in ".{0,200}") {
        let _ = parse_www_authenticate(401, Some(&text));
        let _ = Target::parse(&text);
    }

    #[test]
    fn the_probe_always_finishes_whatever_the_server_answers(
        status in prop_oneof![Just(200u16), Just(202), Just(400), Just(401), Just(404), Just(500), 100u16..600],
        media in prop_oneof![
            Just("application/json"), Just("text/event-stream"), Just("text/html"), Just(""),
        ],
        body in prop::collection::vec(any::<u8>(), 0..1024),
        chunk in 1usize..64,
        browser in any::<bool>(),
    ) {
        let environment = if browser { Environment::Browser } else { Environment::Native };
        let run = run("http://127.0.0.1:9/mcp", config(environment), |_| {
            let mut headers = vec![("mcp-session-id".to_owned(), "s".to_owned())];
            if !media.is_empty() {
                headers.push(("content-type".to_owned(), media.to_owned()));
            }
            respond(status, headers, body.chunks(chunk).map(<[u8]>::to_vec).collect())
        });
        // A verdict within the budget, and a bounded number of requests.
        prop_assert!(run.report.latency_ms <= run.report.timeout_ms);
        prop_assert!(run.requests.len() <= 8, "{} requests", run.requests.len());
    }
}
