//! What the browser says about the page's storage: how much is used, whether it is persistent.

use wasm_bindgen_futures::JsFuture;

/// `(bytes used, bytes allowed)` from `navigator.storage.estimate()`.
pub async fn estimate() -> Option<(f64, f64)> {
    let manager = web_sys::window()?.navigator().storage();
    let estimate: web_sys::StorageEstimate =
        JsFuture::from(manager.estimate().ok()?).await.ok()?.into();
    Some((estimate.get_usage()?, estimate.get_quota()?))
}

/// Asks that the browser keep the page's data under storage pressure; returns whether it will.
pub async fn persist() -> bool {
    answer(web_sys::StorageManager::persist).await
}

/// Whether the browser already keeps the page's data under storage pressure.
pub async fn persisted() -> bool {
    answer(web_sys::StorageManager::persisted).await
}

/// A `navigator.storage` question whose promise resolves to a boolean; `false` when unasked.
async fn answer(
    ask: fn(&web_sys::StorageManager) -> Result<js_sys::Promise, wasm_bindgen::JsValue>,
) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(promise) = ask(&window.navigator().storage()) else {
        return false;
    };
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(|granted| granted.as_bool())
        .unwrap_or(false)
}
