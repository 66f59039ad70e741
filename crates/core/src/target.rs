//! What a user typed, turned into an endpoint we are willing to probe — or a message saying why not.
//!
//! The `url` crate parses (the WHATWG URL standard, as browsers do); this module adds the
//! product's rules on top: only http(s), a host, no credentials, no fragment, a length limit,
//! messages a user can act on, and the few places where the crate and browsers disagree.

use std::borrow::Cow;
use std::fmt;
use url::{ParseError, Position, Url};

/// Longer URLs are almost certainly pasted by mistake (a whole document, a data URL).
pub const MAX_URL_LEN: usize = 2048;

/// A validated MCP endpoint: absolute http(s) URL with a host, no credentials, no fragment,
/// serialised as browsers serialise it.
#[derive(Clone, PartialEq, Eq)]
pub struct Target {
    url: Url,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetError {
    Empty,
    TooLong { len: usize },
    MissingScheme { suggestion: String },
    UnsupportedScheme { scheme: String },
    Unparsable { reason: String },
    MissingHost,
    HasCredentials,
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetError::Empty => write!(f, "Enter the URL of an MCP server, e.g. https://example.com/mcp"),
            TargetError::TooLong { len } => {
                write!(f, "This URL is {len} characters long; the limit is {MAX_URL_LEN}.")
            }
            TargetError::MissingScheme { suggestion } => {
                write!(f, "Start the URL with https:// or http:// — did you mean {suggestion}?")
            }
            TargetError::UnsupportedScheme { scheme } => write!(
                f,
                "“{scheme}:” URLs cannot be checked: MCP servers are reached over http:// or https://."
            ),
            TargetError::Unparsable { reason } => write!(f, "This is not a valid URL ({reason})."),
            TargetError::MissingHost => write!(f, "The URL has no host name."),
            TargetError::HasCredentials => write!(
                f,
                "Remove the user name and password from the URL: browsers refuse to send them this way."
            ),
        }
    }
}

impl std::error::Error for TargetError {}

impl Target {
    pub fn parse(input: &str) -> Result<Target, TargetError> {
        // As browsers do: tabs and newlines anywhere are dropped, controls and spaces around
        // are trimmed — and, unlike browsers, Unicode spaces and DEL around too, which a paste
        // brings along (the url crate would read `\u{a0}https://…` as a relative reference).
        let cleaned: String;
        let input = if input.contains(['\t', '\n', '\r']) {
            cleaned = input.replace(['\t', '\n', '\r'], "");
            cleaned.as_str()
        } else {
            input
        };
        let input = input.trim_matches(|c: char| c.is_whitespace() || c.is_ascii_control());
        Target::parse_clean(input)
    }

    /// Parses `input` as it is: what browsers drop before parsing (and what `parse` drops
    /// from typed text besides) is already gone. A reference a server names keeps its Unicode
    /// spaces and DEL characters, which browsers percent-encode rather than trim.
    fn parse_clean(input: &str) -> Result<Target, TargetError> {
        if input.is_empty() {
            return Err(TargetError::Empty);
        }
        if input.len() > MAX_URL_LEN {
            return Err(TargetError::TooLong { len: input.len() });
        }
        // The scheme is judged before the crate parses: `ftp://` has an empty host to the
        // crate, but what the user needs to hear is that only http(s) can be checked.
        let Some((scheme, rest)) = split_scheme(input) else {
            return Err(missing_scheme(input));
        };
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            // `localhost:3000/mcp` reads as scheme "localhost": it is a host and port.
            if rest.starts_with(|c: char| c.is_ascii_digit()) && !input.contains("//") {
                let guess = if scheme == "localhost" {
                    "http"
                } else {
                    "https"
                };
                return Err(TargetError::MissingScheme {
                    suggestion: format!("{guess}://{input}"),
                });
            }
            return Err(TargetError::UnsupportedScheme { scheme });
        }
        Target::from_url(Url::parse(input).map_err(|error| refusal(error, input))?)
    }

    /// The product's rules on what the crate parsed.
    fn from_url(mut url: Url) -> Result<Target, TargetError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(TargetError::UnsupportedScheme {
                scheme: url.scheme().to_owned(),
            });
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(TargetError::MissingHost);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(TargetError::HasCredentials);
        }
        url.set_fragment(None);
        Ok(Target { url })
    }

    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// The host name (ASCII, `xn--` for international names) or address (IPv6 in brackets),
    /// lowercase.
    pub fn host(&self) -> &str {
        // Never empty: `from_url` refuses a URL without one.
        self.url.host_str().unwrap_or_default()
    }

    /// `scheme://host[:port]`, the port only when it is not the scheme's default.
    pub fn origin(&self) -> &str {
        // No credentials (refused), so everything before the path is the origin.
        &self.url[..Position::BeforePath]
    }

    /// The path, always starting with `/`.
    pub fn path(&self) -> &str {
        self.url.path()
    }

    /// Resolves a reference (an absolute URL, `//host/…`, `/path`, `?query` or a relative
    /// path) against this target, as browsers do (the WHATWG URL standard).
    ///
    /// First, as browsers do with any URL: C0 controls and spaces around it are trimmed, then
    /// every ASCII tab and newline is dropped, wherever it is. Dropped, not kept:
    /// `/\t/evil.example/x` is `//evil.example/x`, another host, and `ht\ttp://…` an absolute
    /// URL. Nothing else is trimmed: a Unicode space or a DEL around a reference is part of its
    /// path, percent-encoded.
    pub fn join(&self, reference: &str) -> Result<Target, TargetError> {
        let reference = reference.trim_matches(|c: char| c <= ' ');
        let mut reference = Cow::Borrowed(reference);
        if reference.contains(['\t', '\n', '\r']) {
            reference = Cow::Owned(reference.replace(['\t', '\n', '\r'], ""));
        }
        // Browsers skip every slash and backslash before the host of `///host/…`; the url
        // crate takes two and then finds an empty host (servo/rust-url#1136, not merged).
        let after_slashes = reference.trim_start_matches(['/', '\\']);
        if reference.len() - after_slashes.len() > 2 {
            reference = Cow::Owned(format!("//{after_slashes}"));
        }
        // Another scheme is a new URL, judged as one (with the messages `parse` gives).
        if let Some((scheme, _)) = split_scheme(&reference) {
            if !scheme.eq_ignore_ascii_case(self.url.scheme()) {
                return Target::parse_clean(&reference);
            }
        }
        let url = self
            .url
            .join(&reference)
            .map_err(|error| refusal(error, &reference))?;
        let target = Target::from_url(url)?;
        if target.as_str().len() > MAX_URL_LEN {
            return Err(TargetError::TooLong {
                len: target.as_str().len(),
            });
        }
        Ok(target)
    }
}

/// `scheme` and what follows its colon, when `input` starts with a scheme.
fn split_scheme(input: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = input.split_once(':')?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then_some((scheme, rest))
}

/// No scheme: suggest https:// when the rest would make a target.
fn missing_scheme(input: &str) -> TargetError {
    match Target::parse(&format!("https://{input}")) {
        Ok(guess) => TargetError::MissingScheme {
            suggestion: guess.to_string(),
        },
        Err(_) => TargetError::Unparsable {
            reason: "it needs a scheme and a host, like https://example.com/mcp".into(),
        },
    }
}

/// The crate's error for an http(s) URL `input`, in a user's words.
fn refusal(error: ParseError, input: &str) -> TargetError {
    let reason = match error {
        ParseError::EmptyHost => return TargetError::MissingHost,
        ParseError::RelativeUrlWithoutBase => return missing_scheme(input),
        ParseError::InvalidPort => "invalid port number",
        ParseError::InvalidIpv4Address => "invalid IPv4 address",
        ParseError::InvalidIpv6Address if !input.contains(']') => {
            "an IPv6 address is missing its closing ]"
        }
        ParseError::InvalidIpv6Address => "invalid IPv6 address",
        ParseError::InvalidDomainCharacter => "invalid domain character",
        ParseError::IdnaError if input.to_ascii_lowercase().contains("xn--") => {
            "invalid international domain name (xn-- label)"
        }
        // An ASCII name fails IDNA only for a character no host may contain (`a<b`, a space).
        ParseError::IdnaError if input.is_ascii() => "invalid domain character",
        ParseError::IdnaError => "invalid international domain name",
        other => {
            return TargetError::Unparsable {
                reason: other.to_string(),
            }
        }
    };
    TargetError::Unparsable {
        reason: reason.to_owned(),
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The URL alone: the crate's `Debug` lists every part, which says less in a test failure.
impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Target").field(&self.as_str()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_http_and_https_and_drops_fragment() {
        let target = Target::parse("  https://example.com/mcp#frag ").unwrap();
        assert_eq!(target.as_str(), "https://example.com/mcp");
        assert_eq!(target.host(), "example.com");
        assert!(Target::parse("http://127.0.0.1:3001/mcp").is_ok());
        assert!(Target::parse("http://[::1]:8080/mcp").is_ok());
        // Addresses and default ports as browsers write them.
        for (input, expected) in [
            ("http://127.1:3001/mcp", "http://127.0.0.1:3001/mcp"),
            ("http://0x7f.0.0.1/", "http://127.0.0.1/"),
            ("http://2130706433/", "http://127.0.0.1/"),
            ("HTTPS://Example.COM:443", "https://example.com/"),
            (
                "http://[::ffff:192.0.2.1]:80/a/./b/../c",
                "http://[::ffff:c000:201]/a/c",
            ),
        ] {
            assert_eq!(Target::parse(input).unwrap().as_str(), expected, "{input}");
        }
        assert!(Target::parse("http://256.0.0.1/").is_err());
        assert!(Target::parse("http://+1.0.0.1/").is_err());
        assert_eq!(
            Target::parse("\thttps://exa\nmple.com/m\tcp\n")
                .unwrap()
                .as_str(),
            "https://example.com/mcp"
        );
    }

    #[test]
    fn references_resolve_as_browsers_resolve_them() {
        let base = Target::parse("http://a.example/b/c?q").unwrap();
        for (reference, expected) in [
            ("http:d", "http://a.example/b/d"),
            ("http:/d", "http://a.example/d"),
            ("http://other.example/x", "http://other.example/x"),
            ("/\\evil.example/x", "http://evil.example/x"),
            ("\\/evil.example/x", "http://evil.example/x"),
            ("https:d", "https://d/"),
            ("../e?f=g", "http://a.example/e?f=g"),
            ("?r", "http://a.example/b/c?r"),
            ("", "http://a.example/b/c?q"),
        ] {
            assert_eq!(
                base.join(reference).unwrap().as_str(),
                expected,
                "{reference}"
            );
        }
    }

    #[test]
    fn rejects_empty_and_whitespace() {
        assert_eq!(Target::parse("   "), Err(TargetError::Empty));
    }

    #[test]
    fn suggests_a_scheme_when_missing() {
        match Target::parse("example.com/mcp") {
            Err(TargetError::MissingScheme { suggestion }) => {
                assert_eq!(suggestion, "https://example.com/mcp")
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_host_and_port_without_scheme_gets_a_suggestion() {
        match Target::parse("localhost:3000/mcp") {
            Err(TargetError::MissingScheme { suggestion }) => {
                assert_eq!(suggestion, "http://localhost:3000/mcp")
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn rejects_other_schemes() {
        for input in [
            "ftp://example.com/",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "ws://x/mcp",
        ] {
            assert!(
                matches!(
                    Target::parse(input),
                    Err(TargetError::UnsupportedScheme { .. })
                ),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_garbage_and_credentials_and_long_input() {
        assert!(Target::parse("http://").is_err());
        assert!(Target::parse("https://exa mple.com/").is_err());
        assert!(Target::parse("::::").is_err());
        assert_eq!(
            Target::parse("https://user:pw@example.com/mcp"),
            Err(TargetError::HasCredentials)
        );
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert!(matches!(
            Target::parse(&long),
            Err(TargetError::TooLong { .. })
        ));
    }

    #[test]
    fn international_domain_names_are_accepted_as_browsers_accept_them() {
        // Decided on purpose when the url crate came in (it has the IDNA tables): Unicode host
        // names were asked for in their xn-- form before, now they are taken as browsers take
        // them, and probed under their ASCII (xn--) form.
        for (input, expected) in [
            ("https://exämple.com/mcp", "https://xn--exmple-cua.com/mcp"),
            ("https://MÜNCHEN.de/mcp", "https://xn--mnchen-3ya.de/mcp"),
            (
                "https://ex%C3%A4mple.com/mcp",
                "https://xn--exmple-cua.com/mcp",
            ),
            ("http://A¡", "http://xn--a-6ba/"),
        ] {
            let target = Target::parse(input).unwrap();
            assert_eq!(target.as_str(), expected, "{input}");
        }
        assert_eq!(
            Target::parse("https://bücher.example/mcp").unwrap().host(),
            "xn--bcher-kva.example"
        );
        assert!(Target::parse("https://xn--exmple-cua.com/mcp").is_ok());
        assert!(Target::parse("https://XN--mnchen-3ya.de/mcp").is_ok());
        assert!(Target::parse("https://mcp.xn--bcher-kva.example/mcp").is_ok());
        // Not Punycode at all: browsers refuse these, so do we (with a reason).
        for garbage in [
            "http://xn--",
            "http://xn--abc",
            "http://xn--a-!/",
            "http://xn--99999999999a",
        ] {
            match Target::parse(garbage) {
                Err(TargetError::Unparsable { reason }) => {
                    assert!(reason.contains("xn--"), "{garbage}")
                }
                other => panic!("{garbage}: {other:?}"),
            }
        }
        // What IDNA refuses in a Unicode name (a label that is all a combining mark).
        match Target::parse("https://\u{301}.example/") {
            Err(TargetError::Unparsable { reason }) => {
                assert_eq!(reason, "invalid international domain name")
            }
            other => panic!("{other:?}"),
        }
        // Non-ASCII in the path is fine: it is percent-encoded.
        assert_eq!(
            Target::parse("https://example.com/ü").unwrap().as_str(),
            "https://example.com/%C3%BC"
        );
    }

    /// Browsers skip every slash before the host of a scheme-relative reference; the url crate
    /// finds an empty host after two (servo/rust-url#1136). An endpoint named so is resolved
    /// as browsers resolve it (and then refused by the probe for leaving the server's origin).
    #[test]
    fn three_slashes_name_a_host_as_browsers_read_them() {
        let base = Target::parse("http://a.example/b/c?q").unwrap();
        for reference in [
            "///evil.example/x",
            "////evil.example/x",
            "/\\/evil.example/x",
            "/\t//evil.example/x",
            " \\//evil.example/x",
        ] {
            assert_eq!(
                base.join(reference).unwrap().as_str(),
                "http://evil.example/x",
                "{reference:?}"
            );
        }
        assert_eq!(base.join("///"), Err(TargetError::MissingHost));
    }

    #[test]
    fn messages_name_what_is_wrong() {
        for (input, expected) in [
            (
                "ftp://",
                TargetError::UnsupportedScheme {
                    scheme: "ftp".into(),
                },
            ),
            ("http://", TargetError::MissingHost),
            ("http://:80/", TargetError::MissingHost),
            ("https://u@x.com", TargetError::HasCredentials),
            ("https://:pw@x.com", TargetError::HasCredentials),
            ("http://x:99999/", unparsable("invalid port number")),
            ("http://x:8a/", unparsable("invalid port number")),
            ("http://1.2.3.4.5/", unparsable("invalid IPv4 address")),
            (
                "http://[::1/x",
                unparsable("an IPv6 address is missing its closing ]"),
            ),
            ("http://[::g]/", unparsable("invalid IPv6 address")),
            ("http://a<b/", unparsable("invalid domain character")),
            (
                "https://exa mple.com/",
                unparsable("invalid domain character"),
            ),
        ] {
            assert_eq!(Target::parse(input), Err(expected), "{input}");
        }
        // An empty user name and password name no one: dropped, as browsers drop them.
        assert_eq!(
            Target::parse("http://:@a.example/").unwrap().as_str(),
            "http://a.example/"
        );
    }

    fn unparsable(reason: &str) -> TargetError {
        TargetError::Unparsable {
            reason: reason.to_owned(),
        }
    }

    #[test]
    fn every_error_has_a_readable_message() {
        for input in [
            "",
            "example.com",
            "ftp://x",
            "http://",
            "https://u@x.com",
            "::::",
        ] {
            let message = Target::parse(input).unwrap_err().to_string();
            assert!(message.len() > 10, "{input}: {message}");
        }
    }
}
