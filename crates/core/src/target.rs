//! What a user typed, turned into an endpoint we are willing to probe — or a message saying why not.

use std::fmt;
use url::Url;

/// Longer URLs are almost certainly pasted by mistake (a whole document, a data URL).
pub const MAX_URL_LEN: usize = 2048;

/// A validated MCP endpoint: absolute http(s) URL with a host, no credentials, no fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
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
        let input = input.trim();
        if input.is_empty() {
            return Err(TargetError::Empty);
        }
        if input.len() > MAX_URL_LEN {
            return Err(TargetError::TooLong { len: input.len() });
        }
        if authority_of(input).is_some_and(|host| !host.is_ascii()) {
            // The workspace builds url without Unicode tables (see Cargo.toml); asking it to
            // map a non-ASCII host name would only fail, so say what to do instead.
            return Err(TargetError::Unparsable {
                reason: "write an international domain name in its xn-- (punycode) form".into(),
            });
        }
        let mut url = match Url::parse(input) {
            Ok(url) => url,
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                return Err(match Url::parse(&format!("https://{input}")) {
                    Ok(guess) if guess.host_str().is_some_and(|h| !h.is_empty()) => {
                        TargetError::MissingScheme {
                            suggestion: guess.to_string(),
                        }
                    }
                    _ => TargetError::Unparsable {
                        reason: "it needs a scheme and a host, like https://example.com/mcp".into(),
                    },
                });
            }
            Err(url::ParseError::EmptyHost) => return Err(TargetError::MissingHost),
            Err(err) => {
                return Err(TargetError::Unparsable {
                    reason: err.to_string(),
                })
            }
        };
        match url.scheme() {
            "http" | "https" => {}
            // `localhost:3000/mcp` reads as scheme "localhost": it is a host and port.
            _ if url.path().starts_with(|c: char| c.is_ascii_digit()) && !input.contains("//") => {
                let scheme = if url.scheme() == "localhost" {
                    "http"
                } else {
                    "https"
                };
                return Err(TargetError::MissingScheme {
                    suggestion: format!("{scheme}://{input}"),
                });
            }
            other => {
                return Err(TargetError::UnsupportedScheme {
                    scheme: other.to_owned(),
                })
            }
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(TargetError::MissingHost);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(TargetError::HasCredentials);
        }
        // The fragment is never sent to the server; dropping it keeps share links canonical.
        url.set_fragment(None);
        Ok(Target { url })
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    pub fn host(&self) -> &str {
        self.url.host_str().unwrap_or_default()
    }
}

/// Where url would look for the host name of `input` if it is (or is guessed to be) an http(s)
/// URL: after the scheme and slashes, up to the path, query or fragment.
fn authority_of(input: &str) -> Option<&str> {
    let rest = match input.split_once(':') {
        Some((scheme, rest))
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            rest
        }
        Some((scheme, _))
            if scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            return None; // another scheme: refused later for what it is
        }
        _ => input, // no scheme: we will guess https://
    };
    let rest = rest.trim_start_matches(['/', '\\']);
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    Some(&rest[..end])
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.url.as_str())
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
    fn international_domain_names_are_asked_for_in_punycode() {
        // The workspace pins url's IDNA backend to the table-free one (see Cargo.toml).
        match Target::parse("https://exämple.com/mcp") {
            Err(TargetError::Unparsable { reason }) => assert!(reason.contains("xn--")),
            other => panic!("unexpected {other:?}"),
        }
        assert!(Target::parse("https://xn--exmple-cua.com/mcp").is_ok());
        // Mixed case around non-ASCII once reached a debug assertion inside url's IDNA adapter.
        assert!(Target::parse("http://A¡").is_err());
        // Non-ASCII in the path is fine: it is percent-encoded.
        assert_eq!(
            Target::parse("https://example.com/ü").unwrap().as_str(),
            "https://example.com/%C3%BC"
        );
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
