//! The status page's addresses: its sections, and the hash routes that name a server or fill a
//! form in (the page parses them in `src/route.rs`; alerts link to them).

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The sections the navigation links to: `(id, href, label)`. The on-call console is a page of
/// its own beside this one (`console/`).
pub const SECTIONS: [(&str, &str, &str); 6] = [
    ("status", "#/", "Status"),
    ("review", "#/review", "Review"),
    ("check", "#/check", "Quick check"),
    ("monitors", "#/monitors", "My monitors"),
    ("settings", "#/settings", "Settings"),
    ("oncall", "console/", "On call"),
];

/// The address of a server's page (`Route::Server` in the page).
pub fn server_href(name: &str) -> String {
    format!("#/server/{}", encode_segment(name))
}

/// The address of My monitors with the form filled in for `url` (`Route::AddMonitor`).
pub fn add_monitor_href(url: &str) -> String {
    format!("#/monitors?url={}", encode_segment(url))
}

/// Bytes a route segment keeps as they are: `A-Z a-z 0-9 - . _ ~` (RFC 3986's unreserved).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A server name as one segment of a `#/server/…` route: every other byte percent-encoded.
pub fn encode_segment(name: &str) -> String {
    utf8_percent_encode(name, SEGMENT).to_string()
}

/// A segment of a route's path (`#/server/…`) as its name: each `%XX` becomes its byte and
/// every other character stays as it is. `+` too: only a query (form-urlencoded, as in
/// `#/check?url=…`) reads `+` as a space, so `#/server/a+b` is the server "a+b". A `%` that
/// is not followed by two hex digits is kept; bytes that are not UTF-8 become U+FFFD, as
/// browsers decode them.
pub fn decode_segment(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
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
