//! The probe for scripts: `window.wasmBindings.probe(url, timeoutMs?)` resolves to the same
//! JSON object as `mcp-status check --json` (core::summary) as soon as the verdict is known;
//! closing the session finishes in the background. For automation and benchmarks; the page
//! itself does not use it. The status page's binary exports it (`src/main.rs`): an export
//! from this library would be in every page's wasm, the console's too.

use crate::browser::clock::monotonic;
use crate::browser::probe_driver::run_probe;
use mcp_status_core::summary::CheckSummary;
use mcp_status_core::{Environment, Probe, ProbeConfig, Target};
use wasm_bindgen::JsValue;

pub async fn probe(url: String, timeout_ms: Option<u32>) -> Result<JsValue, JsValue> {
    let target = Target::parse(&url).map_err(|error| JsValue::from_str(&error.to_string()))?;
    let config = ProbeConfig {
        environment: Environment::Browser,
        timeout_ms: timeout_ms.map(u64::from),
        ..ProbeConfig::default()
    };
    let (sender, verdict) = futures::channel::oneshot::channel();
    let sender = std::cell::Cell::new(Some(sender));
    wasm_bindgen_futures::spawn_local(async move {
        let report = run_probe(Probe::new(target, config, monotonic()), &|progress| {
            if let Some(verdict) = progress.verdict {
                if let Some(sender) = sender.take() {
                    let _ = sender.send(verdict);
                }
            }
        })
        .await;
        if let Some(sender) = sender.take() {
            let _ = sender.send(report);
        }
    });
    let report = verdict
        .await
        .map_err(|_| JsValue::from_str("the probe stopped without a verdict"))?;
    let json = serde_json::to_string(&CheckSummary::from(&report))
        .map_err(|error| JsValue::from_str(&error.to_string()))?;
    js_sys::JSON::parse(&json)
}
