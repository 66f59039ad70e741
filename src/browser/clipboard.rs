//! Copying text for the user (share links, JSON).

pub fn copy_to_clipboard(text: &str) {
    if let Some(window) = web_sys::window() {
        // The promise is not awaited: a refused copy (no permission) changes nothing on the page.
        let _ = window.navigator().clipboard().write_text(text);
    }
}
