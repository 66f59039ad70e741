//! The status page's read-only views as pure functions from data to a [`markup::Node`] tree:
//! tested natively, rendered in the page by `src/browser/dom.rs`, and writable as HTML.

pub mod check;
pub mod desk;
pub mod detail;
pub mod markup;
pub mod monitors;
pub mod oncall;
pub mod overview;
pub mod review;
pub mod settings;
pub mod shell;

/// The address of a server's page (`Route::Server` in the page).
pub fn server_href(name: &str) -> String {
    format!("#/server/{}", encode_segment(name))
}

/// The address of My monitors with the form filled in for `url` (`Route::AddMonitor`).
pub fn add_monitor_href(url: &str) -> String {
    format!("#/monitors?url={}", encode_segment(url))
}

/// A server name as one segment of a `#/server/…` route: every byte but `A-Z a-z 0-9 - . _ ~`
/// percent-encoded.
pub fn encode_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(byte >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(byte & 15)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn segments_keep_only_unreserved_bytes() {
        assert_eq!(super::encode_segment("a b/c?ü+~"), "a%20b%2Fc%3F%C3%BC%2B~");
    }
}
