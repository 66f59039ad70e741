use wasm_bindgen::prelude::*;

fn main() {
    mcp_status_web::start();
}

/// `window.wasmBindings.probe(url, timeoutMs?)`: `mcp_status_web::api::probe`, for scripts.
#[wasm_bindgen]
pub async fn probe(url: String, timeout_ms: Option<u32>) -> Result<JsValue, JsValue> {
    mcp_status_web::api::probe(url, timeout_ms).await
}
