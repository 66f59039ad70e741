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

/// A segment of a route's path (`#/server/…`) as its name: each `%XX` becomes its byte and
/// every other character stays as it is. `+` too: only a query (form-urlencoded, as in
/// `#/check?url=…`) reads `+` as a space, so `#/server/a+b` is the server "a+b". A `%` that
/// is not followed by two hex digits is kept; bytes that are not UTF-8 become U+FFFD, as
/// browsers decode them.
pub fn decode_segment(segment: &str) -> String {
    // Hex digits only (`from_str_radix` would also take a sign: `%+1`).
    let hex = |byte: Option<&u8>| byte.and_then(|&b| char::from(b).to_digit(16));
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match (byte, hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
            (b'%', Some(high), Some(low)) => {
                // Two hex digits: at most 255.
                out.push(u8::try_from(high * 16 + low).unwrap_or(u8::MAX));
                i += 3;
            }
            _ => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{decode_segment, encode_segment};

    #[test]
    fn segments_keep_only_unreserved_bytes() {
        assert_eq!(encode_segment("a b/c?ü+~"), "a%20b%2Fc%3F%C3%BC%2B~");
    }

    #[test]
    fn segments_are_percent_decoded_and_a_plus_stays_a_plus() {
        for (segment, name) in [
            ("a+b", "a+b"),
            ("a%2Bb", "a+b"),
            ("a%20b", "a b"),
            ("%C3%bc", "ü"),
            ("ünï", "ünï"),
            // Not an escape: kept as it is.
            ("100%", "100%"),
            ("%4", "%4"),
            ("%zz%", "%zz%"),
            ("%+1", "%+1"),
            // Not UTF-8: replaced, as browsers decode it.
            ("%FF", "\u{fffd}"),
            ("", ""),
        ] {
            assert_eq!(decode_segment(segment), name, "{segment}");
        }
        for name in ["everything", "a b/c?d#e%f+g", "ünï", "+", "%2B"] {
            assert_eq!(decode_segment(&encode_segment(name)), name);
        }
    }
}
