//! Browser tests (wasm-bindgen-test in headless Chromium): the app's own code against the real
//! DOM and the real `fetch`.
#![cfg(target_arch = "wasm32")]

use mcp_status_core::report::{ServerInfo, ToolInfo};
use mcp_status_core::{Environment, Layer, Outcome, Probe, ProbeConfig, ProbeReport, Target};
use mcp_status_web::browser::clock::monotonic;
use mcp_status_web::browser::probe_driver::run_probe;
use mcp_status_web::route::Route;
use mcp_status_web::screens::check::CheckVerdict;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh element to mount into, so tests do not see each other's DOM.
fn container() -> web_sys::HtmlElement {
    let element = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&element).unwrap();
    element.unchecked_into()
}

/// A report with nothing in it but its verdict.
fn report_with(outcome: Outcome, layer: Option<Layer>) -> ProbeReport {
    ProbeReport {
        latency_ms: 12,
        timeout_ms: 10_000,
        ..ProbeReport::bare("http://127.0.0.1:1/mcp", outcome, layer)
    }
}

/// The quick check's verdict of `report`, mounted into `parent` for as long as the handle lives.
fn show_verdict(
    parent: &web_sys::HtmlElement,
    report: ProbeReport,
) -> leptos::mount::UnmountHandle<impl leptos::prelude::Mountable> {
    use leptos::prelude::*;
    leptos::mount::mount_to(parent.clone(), move || {
        view! { <CheckVerdict report=Signal::stored(Some(report)) /> }
    })
}

async fn next_tick() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

#[wasm_bindgen_test]
fn routes_round_trip_through_the_fragment() {
    for url in [
        "https://example.com/mcp",
        "http://127.0.0.1:3001/mcp?token=a&b=c#frag",
        "https://exämple.com/ü path/+plus",
    ] {
        for timeout_s in [None, Some(30)] {
            let route = Route::Check {
                url: url.into(),
                timeout_s,
            };
            assert_eq!(Route::from_hash(&route.to_hash()), route, "{url}");
        }
    }
    assert_eq!(Route::from_hash(""), Route::Status);
    assert_eq!(Route::from_hash("#/nowhere"), Route::Status);
    assert_eq!(Route::from_hash("#/check"), Route::QuickCheck);
    assert_eq!(Route::from_hash("#/review"), Route::Review);
    assert_eq!(Route::from_hash("#/server/"), Route::Status);
    for name in ["everything", "a b/c?d#e%f+g", "ünï"] {
        let route = Route::Server(name.into());
        assert_eq!(Route::from_hash(&route.to_hash()), route, "{name}");
    }
    // A path is percent-decoded only: `+` is a space in a query, never in a path.
    for (hash, name) in [
        ("#/server/a+b", "a+b"),
        ("#/server/a%20b", "a b"),
        ("#/server/a%2Bb", "a+b"),
    ] {
        assert_eq!(Route::from_hash(hash), Route::Server(name.into()), "{hash}");
    }
    assert_eq!(
        Route::from_hash("#/check?url=a+b"),
        Route::Check {
            url: "a b".into(),
            timeout_s: None
        }
    );
    assert_eq!(
        Route::from_hash("#/check?url=x&timeout=abc"),
        Route::Check {
            url: "x".into(),
            timeout_s: None
        }
    );
    assert_eq!(
        Route::from_hash("#/check?url=x&timeout=100000"),
        Route::Check {
            url: "x".into(),
            timeout_s: None
        }
    );
    // The bounds of status.json's timeout_s (core::platform), the platform's minimum included.
    for (hash, timeout_s) in [
        ("#/check?url=http://a/mcp&timeout=120", Some(120)),
        ("#/check?url=http://a/mcp&timeout=121", None),
        ("#/check?url=https://a.onrender.com/mcp&timeout=14", None),
        (
            "#/check?timeout=15&url=https://a.onrender.com/mcp",
            Some(15),
        ),
    ] {
        let Route::Check { timeout_s: got, .. } = Route::from_hash(hash) else {
            panic!("{hash} is a check");
        };
        assert_eq!(got, timeout_s, "{hash}");
    }
}

#[wasm_bindgen_test]
async fn server_text_is_rendered_as_text_never_as_markup() {
    let hostile = "<img src=x onerror=\"window.__pwned=1\">";
    let report = ProbeReport {
        protocol_version: Some("2025-06-18".into()),
        server: Some(ServerInfo {
            name: hostile.into(),
            version: "<b>1</b>".into(),
            title: None,
        }),
        tools: Some(vec![ToolInfo {
            name: "<script>window.__pwned=2</script>".into(),
            title: Some(hostile.into()),
            description: None,
        }]),
        ..report_with(Outcome::Ok, None)
    };
    let parent = container();
    let _verdict = show_verdict(&parent, report);
    assert!(parent.query_selector("img, script, b").unwrap().is_none());
    let text = parent.text_content().unwrap();
    assert!(text.contains(hostile));
    assert!(text.contains("<script>"));
    let result = parent.query_selector("#check-result").unwrap().unwrap();
    assert_eq!(result.get_attribute("data-outcome").as_deref(), Some("ok"));
    assert_eq!(result.get_attribute("data-layer"), None);
    assert_eq!(
        result.get_attribute("data-tool-count").as_deref(),
        Some("1")
    );
}

#[wasm_bindgen_test]
async fn a_failed_report_carries_outcome_and_layer_attributes() {
    let report = ProbeReport {
        error: Some("tools/list returned JSON-RPC error -32601".into()),
        ..report_with(Outcome::Failed, Some(Layer::Tools))
    };
    let parent = container();
    let _verdict = show_verdict(&parent, report);
    let result = parent.query_selector("#check-result").unwrap().unwrap();
    assert_eq!(
        result.get_attribute("data-outcome").as_deref(),
        Some("failed")
    );
    assert_eq!(result.get_attribute("data-layer").as_deref(), Some("tools"));
    assert!(result
        .text_content()
        .unwrap()
        .contains("Fails at the tools layer"));
}

#[wasm_bindgen_test]
async fn the_fetch_driver_reports_a_closed_port_as_a_transport_failure() {
    // Port 9 (discard) is not listening on the test machine's loopback; the real fetch fails,
    // the no-cors follow-up fails too, and the verdict is "nothing answered".
    let target = Target::parse("http://127.0.0.1:9/mcp").unwrap();
    let config = ProbeConfig {
        environment: Environment::Browser,
        timeout_ms: Some(5_000),
        ..ProbeConfig::default()
    };
    let seen = std::rc::Rc::new(std::cell::Cell::new(0));
    let counter = seen.clone();
    let report = run_probe(Probe::new(target, config, monotonic()), &move |_| {
        counter.set(counter.get() + 1)
    })
    .await;
    assert_eq!(report.outcome, Outcome::Failed, "{report:?}");
    assert_eq!(report.layer, Some(Layer::Transport));
    assert!(seen.get() >= 2, "progress is reported before each request");
}

#[wasm_bindgen_test]
async fn an_invalid_url_in_a_shared_link_shows_an_inline_message_and_checks_nothing() {
    web_sys::window()
        .unwrap()
        .location()
        .set_hash(
            &Route::Check {
                url: "ftp://example.com/mcp".into(),
                timeout_s: None,
            }
            .to_hash(),
        )
        .unwrap();
    let parent = container();
    let _app = mcp_status_web::app::mount(&parent);
    next_tick().await;
    let message = parent.query_selector("#server-url-error").unwrap().unwrap();
    assert!(
        message.text_content().unwrap().contains("ftp:"),
        "{:?}",
        message.text_content()
    );
    assert!(parent.query_selector("#check-result").unwrap().is_none());
    let input: web_sys::HtmlInputElement = parent
        .query_selector("#server-url")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(input.value(), "ftp://example.com/mcp");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
}

#[wasm_bindgen_test]
fn zone_offsets_come_from_the_browser_s_tz_database() {
    use mcp_status_web::browser::zone::offset_minutes;
    let winter = 1_795_219_200_000; // 2026-11-21T00:00:00Z
    let summer = winter - 150 * 86_400_000; // late June
    assert_eq!(offset_minutes("Europe/Berlin", winter), Some(60));
    assert_eq!(offset_minutes("Europe/Berlin", summer), Some(120));
    assert_eq!(offset_minutes("Asia/Kolkata", winter), Some(330));
    assert_eq!(offset_minutes("America/St_Johns", winter), Some(-210));
    assert_eq!(offset_minutes("UTC", winter), Some(0));
    assert_eq!(
        offset_minutes("Mars/Olympus", winter),
        None,
        "unknown: no panic"
    );
}
