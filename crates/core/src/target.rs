//! What a user typed, turned into an endpoint we are willing to probe — or a message saying why not.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use std::fmt;

/// Longer URLs are almost certainly pasted by mistake (a whole document, a data URL).
pub const MAX_URL_LEN: usize = 2048;

/// A validated MCP endpoint: absolute http(s) URL with a host, no credentials, no fragment,
/// serialised as browsers serialise it. Parsed here rather than with the `url` crate: the
/// page needs a small part of it, and every kilobyte counts against the page's budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    serialized: String,
    /// Byte range of the host in `serialized`.
    host: (usize, usize),
    origin_len: usize,
    path_len: usize,
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
        // are trimmed (and Unicode spaces too, which a paste brings along).
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
        if authority_of(input).is_some_and(|host| !host.is_ascii()) {
            // International names would need Unicode tables (IDNA) in the page: ask for the
            // form every resolver understands instead.
            return Err(TargetError::Unparsable {
                reason: "write an international domain name in its xn-- (punycode) form".into(),
            });
        }
        let Some((scheme, rest)) = split_scheme(input) else {
            return Err(missing_scheme(input));
        };
        let scheme = scheme.to_ascii_lowercase();
        let secure = match scheme.as_str() {
            "http" => false,
            "https" => true,
            // `localhost:3000/mcp` reads as scheme "localhost": it is a host and port.
            _ if rest.starts_with(|c: char| c.is_ascii_digit()) && !input.contains("//") => {
                let guess = if scheme == "localhost" {
                    "http"
                } else {
                    "https"
                };
                return Err(TargetError::MissingScheme {
                    suggestion: format!("{guess}://{input}"),
                });
            }
            _ => return Err(TargetError::UnsupportedScheme { scheme }),
        };
        // As browsers do for http(s): any run of slashes or backslashes before the host.
        let rest = rest.trim_start_matches(['/', '\\']);
        let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        // `user:pass@` is refused; an empty one (`@`, `:@`) names no one and is dropped.
        let authority = match authority.rsplit_once('@') {
            Some(("" | ":", host)) => host,
            Some(_) => return Err(TargetError::HasCredentials),
            None => authority,
        };
        let (host, port) = host_and_port(authority, secure)?;
        let (path, query) = path_and_query(tail);
        Ok(Target::from_parts(
            secure,
            &host,
            port,
            &path,
            query.as_deref(),
        ))
    }

    fn from_parts(
        secure: bool,
        host: &str,
        port: Option<u16>,
        path: &str,
        query: Option<&str>,
    ) -> Target {
        let mut serialized = String::with_capacity(host.len() + path.len() + 16);
        serialized.push_str(if secure { "https://" } else { "http://" });
        serialized.push_str(host);
        if let Some(port) = port {
            serialized.push(':');
            serialized.push_str(&port.to_string());
        }
        let origin_len = serialized.len();
        serialized.push_str(path);
        if let Some(query) = query {
            serialized.push('?');
            serialized.push_str(query);
        }
        let scheme_len = if secure { 8 } else { 7 };
        Target {
            serialized,
            host: (scheme_len, scheme_len + host.len()),
            origin_len,
            path_len: path.len(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.serialized
    }

    /// The host name or address (IPv6 in brackets), lowercase.
    pub fn host(&self) -> &str {
        &self.serialized[self.host.0..self.host.1]
    }

    /// `scheme://host[:port]`, the port only when it is not the scheme's default.
    pub fn origin(&self) -> &str {
        &self.serialized[..self.origin_len]
    }

    /// The path, always starting with `/`.
    pub fn path(&self) -> &str {
        &self.serialized[self.origin_len..self.origin_len + self.path_len]
    }

    /// Resolves a reference (an absolute URL, `//host/…`, `/path`, `?query` or a relative
    /// path) against this target, as RFC 3986 section 5.2 says.
    ///
    /// First, as browsers do with any URL (the WHATWG URL standard's basic URL parser): C0
    /// controls and spaces around it are trimmed, then every ASCII tab and newline is dropped,
    /// wherever it is. Dropped, not kept: `/\t/evil.example/x` is `//evil.example/x`, another
    /// host, and `ht\ttp://…` an absolute URL. Nothing else is trimmed: a Unicode space or a
    /// DEL around a reference is part of its path, percent-encoded.
    pub fn join(&self, reference: &str) -> Result<Target, TargetError> {
        let reference = reference.trim_matches(|c: char| c <= ' ');
        if reference.contains(['\t', '\n', '\r']) {
            return self.join_clean(&reference.replace(['\t', '\n', '\r'], ""));
        }
        self.join_clean(reference)
    }

    /// `join` for a reference browsers would parse as it is (see there).
    fn join_clean(&self, reference: &str) -> Result<Target, TargetError> {
        let secure = self.serialized.starts_with("https:");
        let scheme = if secure { "https" } else { "http" };
        let two_slashes = |text: &str| {
            text.len() >= 2
                && text.as_bytes()[..2]
                    .iter()
                    .all(|b| matches!(b, b'/' | b'\\'))
        };
        if let Some((other, rest)) = split_scheme(reference) {
            // `http:c` against an http base is relative; another scheme is a new URL.
            if !other.eq_ignore_ascii_case(scheme) || two_slashes(rest) {
                return Target::parse_clean(reference);
            }
            // Not `join`: what follows the colon is not trimmed again (`http: d` is `/b/%20d`).
            return self.join_clean(rest);
        }
        let reference = reference.split('#').next().unwrap_or_default();
        if two_slashes(reference) {
            return Target::parse_clean(&format!("{scheme}:{reference}"));
        }
        let (path, query) = if reference.is_empty() {
            (self.path().to_owned(), self.query().map(str::to_owned))
        } else if let Some(query) = reference.strip_prefix('?') {
            (self.path().to_owned(), Some(query.to_owned()))
        } else if reference.starts_with(['/', '\\']) {
            let (path, query) = reference.split_once('?').unwrap_or((reference, ""));
            (
                path.to_owned(),
                Some(query.to_owned()).filter(|_| reference.contains('?')),
            )
        } else {
            let directory = &self.path()[..=self.path().rfind('/').unwrap_or(0)];
            let (path, query) = reference.split_once('?').unwrap_or((reference, ""));
            (
                format!("{directory}{path}"),
                Some(query.to_owned()).filter(|_| reference.contains('?')),
            )
        };
        let mut tail = path;
        if let Some(query) = query {
            tail.push('?');
            tail.push_str(&query);
        }
        Target::parse_clean(&format!("{}{tail}", self.origin()))
    }

    fn query(&self) -> Option<&str> {
        self.serialized[self.origin_len + self.path_len..].strip_prefix('?')
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

/// Characters a host name may not contain once percent-decoded (the WHATWG URL standard's
/// forbidden host code points, `%` included).
const FORBIDDEN_IN_HOST: &str = " \t\n\r#%/:<>?@[\\]^|";

fn host_and_port(authority: &str, secure: bool) -> Result<(String, Option<u16>), TargetError> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (address, after) = rest
            .split_once(']')
            .ok_or_else(|| unparsable("an IPv6 address is missing its closing ]"))?;
        let address: std::net::Ipv6Addr = address
            .parse()
            .map_err(|_| unparsable("invalid IPv6 address"))?;
        let port = match after {
            "" => None,
            _ => Some(
                after
                    .strip_prefix(':')
                    .ok_or_else(|| unparsable("invalid port number"))?,
            ),
        };
        (format!("[{}]", ipv6_text(address)), port)
    } else {
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if host.is_empty() {
            return Err(TargetError::MissingHost);
        }
        // Browsers read `%4A` in a host name as `J`.
        let host = percent_decode(host).ok_or_else(|| {
            unparsable("write an international domain name in its xn-- (punycode) form")
        })?;
        let host = host.as_str();
        if host
            .chars()
            .any(|c| c.is_ascii_control() || FORBIDDEN_IN_HOST.contains(c))
        {
            return Err(unparsable("invalid domain character"));
        }
        if ends_in_a_number(host) {
            let address = ipv4(host).ok_or_else(|| unparsable("invalid IPv4 address"))?;
            return Ok((address.to_string(), parse_port(port, secure)?));
        }
        let is_a_label = |label: &str| {
            label
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
        };
        if host
            .split('.')
            .any(|label| is_a_label(label) && !punycode_decodes(&label[4..]))
        {
            return Err(unparsable("invalid international domain name (xn-- label)"));
        }
        (host.to_ascii_lowercase(), port)
    };
    Ok((host, parse_port(port, secure)?))
}

/// The port, `None` when absent, empty or the scheme's default.
fn parse_port(port: Option<&str>, secure: bool) -> Result<Option<u16>, TargetError> {
    match port.filter(|port| !port.is_empty()) {
        None => Ok(None),
        Some(digits) if digits.bytes().all(|b| b.is_ascii_digit()) => {
            let port: u16 = digits
                .parse()
                .map_err(|_| unparsable("invalid port number"))?;
            let default = if secure { 443 } else { 80 };
            Ok((port != default).then_some(port))
        }
        Some(_) => Err(unparsable("invalid port number")),
    }
}

/// The URL standard's test: a host whose last label is a number is an IPv4 address
/// (`127.1`, `0x7f.0.0.1` and `2130706433` all name 127.0.0.1).
fn ends_in_a_number(host: &str) -> bool {
    let host = host
        .strip_suffix('.')
        .filter(|h| !h.is_empty())
        .unwrap_or(host);
    let last = host.rsplit('.').next().unwrap_or_default();
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || last
            .strip_prefix("0x")
            .or_else(|| last.strip_prefix("0X"))
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The URL standard's IPv4 parser: one to four parts, decimal, octal (`0…`) or hex (`0x…`),
/// the last filling the remaining bytes.
fn ipv4(host: &str) -> Option<std::net::Ipv4Addr> {
    let host = host
        .strip_suffix('.')
        .filter(|h| !h.is_empty())
        .unwrap_or(host);
    let parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let mut numbers = Vec::with_capacity(parts.len());
    for part in &parts {
        let (digits, radix) =
            if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
                (hex, 16)
            } else if part.len() > 1 && part.starts_with('0') {
                (&part[1..], 8)
            } else {
                (*part, 10)
            };
        if part.is_empty() {
            return None;
        }
        // Digits only: `from_str_radix` would also take a sign.
        if !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        let value = if digits.is_empty() {
            0
        } else {
            u64::from_str_radix(digits, radix).ok()?
        };
        numbers.push(value);
    }
    let (last, rest) = numbers.split_last()?;
    if rest.iter().any(|&n| n > 255) || *last >= 256u64.pow(5 - numbers.len() as u32) {
        return None;
    }
    let mut address = *last;
    for (i, &n) in rest.iter().enumerate() {
        address += n << (8 * (3 - i));
    }
    Some(std::net::Ipv4Addr::from(u32::try_from(address).ok()?))
}

/// An IPv6 address as the URL standard writes it: hex groups, the first longest run of two or
/// more zero groups as `::`, never the dotted IPv4 tail Rust's `Display` uses for mapped ones.
fn ipv6_text(address: std::net::Ipv6Addr) -> String {
    let groups = address.segments();
    let mut best = (0, 0); // (start, length) of the longest run of zeros
    let mut run = (0, 0);
    for (i, &group) in groups.iter().enumerate() {
        if group == 0 {
            run = if run.1 == 0 {
                (i, 1)
            } else {
                (run.0, run.1 + 1)
            };
            if run.1 > best.1 {
                best = run;
            }
        } else {
            run = (0, 0);
        }
    }
    let hex = |groups: &[u16]| {
        groups
            .iter()
            .map(|g| format!("{g:x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    if best.1 < 2 {
        return hex(&groups);
    }
    format!(
        "{}::{}",
        hex(&groups[..best.0]),
        hex(&groups[best.0 + best.1..])
    )
}

/// Whether an A-label's tail is valid Punycode (RFC 3492) naming non-ASCII text without
/// controls or spaces. Browsers check more (IDNA's tables); this catches what is not a name.
fn punycode_decodes(encoded: &str) -> bool {
    const BASE: u32 = 36;
    let (basic, deltas) = match encoded.rfind('-') {
        Some(i) => (&encoded[..i], &encoded[i + 1..]),
        None => ("", encoded),
    };
    if deltas.is_empty() || !basic.is_ascii() {
        return false;
    }
    let digit = |c: u8| match c {
        b'a'..=b'z' => Some(u32::from(c - b'a')),
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 26),
        _ => None,
    };
    let adapt = |mut delta: u32, points: u32, first: bool| {
        delta /= if first { 700 } else { 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - 1) * 26) / 2 {
            delta /= BASE - 1;
            k += BASE;
        }
        k + (BASE * delta) / (delta + 38)
    };
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let mut length = basic.len() as u32;
    let mut bytes = deltas.bytes().peekable();
    while bytes.peek().is_some() {
        let (old_i, mut w, mut k) = (i, 1u32, BASE);
        loop {
            let Some(d) = bytes.next().and_then(digit) else {
                return false;
            };
            let Some(next) = d.checked_mul(w).and_then(|dw| i.checked_add(dw)) else {
                return false;
            };
            i = next;
            let t = k.saturating_sub(bias).clamp(1, 26);
            if d < t {
                break;
            }
            let Some(next) = w.checked_mul(BASE - t) else {
                return false;
            };
            w = next;
            k += BASE;
        }
        length += 1;
        bias = adapt(i - old_i, length, old_i == 0);
        let Some(next) = n.checked_add(i / length) else {
            return false;
        };
        n = next;
        i %= length;
        // Controls and spaces are never allowed in a name (IDNA's full rules need tables).
        if !char::from_u32(n).is_some_and(|c| !c.is_control() && !c.is_whitespace()) {
            return false;
        }
        i += 1;
    }
    true
}

/// `%XX` sequences decoded; `None` when the result is not ASCII (an international name).
fn percent_decode(text: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()?;
    decoded.is_ascii().then(|| decoded.into_owned())
}

fn unparsable(reason: &str) -> TargetError {
    TargetError::Unparsable {
        reason: reason.to_owned(),
    }
}

/// The path (dot segments resolved, backslashes as slashes) and query, percent-encoded the way
/// browsers encode them; the fragment is dropped.
fn path_and_query(tail: &str) -> (String, Option<String>) {
    let tail = tail.split('#').next().unwrap_or_default();
    let (raw_path, query) = match tail.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (tail, None),
    };
    let mut segments: Vec<String> = Vec::new();
    let parts: Vec<&str> = raw_path.split(['/', '\\']).skip(1).collect();
    for (index, part) in parts.iter().enumerate() {
        let last = index + 1 == parts.len();
        match part.to_ascii_lowercase().as_str() {
            "." | "%2e" => {
                if last {
                    segments.push(String::new());
                }
            }
            ".." | ".%2e" | "%2e." | "%2e%2e" => {
                segments.pop();
                if last {
                    segments.push(String::new());
                }
            }
            _ => segments.push(encode(part, PATH_ESCAPES)),
        }
    }
    let path = if segments.is_empty() {
        "/".to_owned()
    } else {
        segments.iter().fold(String::new(), |mut path, segment| {
            path.push('/');
            path.push_str(segment);
            path
        })
    };
    (path, query.map(|query| encode(query, QUERY_ESCAPES)))
}

/// What a path and a query percent-encode (besides non-ASCII, which is always encoded): the
/// WHATWG URL standard's path and special-query sets for http(s).
const PATH_ESCAPES: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');
const QUERY_ESCAPES: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'\'');

fn encode(text: &str, escapes: &'static AsciiSet) -> String {
    utf8_percent_encode(text, escapes).to_string()
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
        f.write_str(&self.serialized)
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
    fn international_domain_names_are_asked_for_in_punycode() {
        match Target::parse("https://exämple.com/mcp") {
            Err(TargetError::Unparsable { reason }) => assert!(reason.contains("xn--")),
            other => panic!("unexpected {other:?}"),
        }
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
