//! Reading a `WWW-Authenticate` header (RFC 9110 §11.6.1) far enough to tell people what a
//! guarded MCP server asks for.

use crate::report::AuthChallenge;

/// Parses the header and keeps the Bearer challenge (or the first one) and its parameters.
/// Never fails: a header we cannot read just yields fewer fields.
pub fn parse_www_authenticate(status: u16, header: Option<&str>) -> AuthChallenge {
    let mut challenge = AuthChallenge {
        http_status: status,
        ..AuthChallenge::default()
    };
    let Some(header) = header else {
        return challenge;
    };
    let challenges = split_challenges(header);
    let chosen = challenges
        .iter()
        .find(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .or(challenges.first());
    if let Some((scheme, params)) = chosen {
        challenge.scheme = Some(scheme.clone());
        for (key, value) in params {
            match key.to_ascii_lowercase().as_str() {
                "resource_metadata" => challenge.resource_metadata = Some(value.clone()),
                "scope" => challenge.scope = Some(value.clone()),
                "error" => challenge.error = Some(value.clone()),
                _ => {}
            }
        }
    }
    challenge
}

type Challenge = (String, Vec<(String, String)>);

fn split_challenges(header: &str) -> Vec<Challenge> {
    let mut out: Vec<Challenge> = Vec::new();
    let mut rest = header.trim();
    while !rest.is_empty() {
        rest = rest.trim_start_matches([',', ' ', '\t']);
        if rest.is_empty() {
            break;
        }
        let token_end = rest.find([' ', '\t', ',', '=']).unwrap_or(rest.len());
        let token = &rest[..token_end];
        let after = rest[token_end..].trim_start_matches([' ', '\t']);
        if let Some(value_part) = after.strip_prefix('=') {
            // `key=value` belongs to the current challenge.
            let (value, remaining) = read_value(value_part.trim_start());
            if let Some((_, params)) = out.last_mut() {
                params.push((token.to_owned(), value));
            }
            rest = remaining;
        } else {
            out.push((token.to_owned(), Vec::new()));
            rest = after;
        }
    }
    out
}

/// Reads a token or quoted string; returns it and the input after it.
fn read_value(input: &str) -> (String, &str) {
    if let Some(quoted) = input.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((index, ch)) = chars.next() {
            match ch {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        value.push(escaped);
                    }
                }
                '"' => return (value, &quoted[index + 1..]),
                _ => value.push(ch),
            }
        }
        (value, "") // unterminated: take what there is
    } else {
        let end = input.find([',', ' ', '\t']).unwrap_or(input.len());
        (input[..end].to_owned(), &input[end..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mcp_bearer_challenge() {
        let c = parse_www_authenticate(
            401,
            Some(
                r#"Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", scope="files:read files:write""#,
            ),
        );
        assert_eq!(c.scheme.as_deref(), Some("Bearer"));
        assert_eq!(
            c.resource_metadata.as_deref(),
            Some("https://mcp.example.com/.well-known/oauth-protected-resource")
        );
        assert_eq!(c.scope.as_deref(), Some("files:read files:write"));
    }

    #[test]
    fn picks_bearer_among_several_challenges_and_reads_tokens() {
        let c = parse_www_authenticate(
            403,
            Some(r#"Basic realm="x", Bearer error=insufficient_scope, scope="a\"b""#),
        );
        assert_eq!(c.scheme.as_deref(), Some("Bearer"));
        assert_eq!(c.error.as_deref(), Some("insufficient_scope"));
        assert_eq!(c.scope.as_deref(), Some("a\"b"));
    }

    #[test]
    fn tolerates_missing_and_malformed_headers() {
        assert_eq!(parse_www_authenticate(401, None).scheme, None);
        for junk in [
            "",
            "=",
            "\"",
            "Bearer resource_metadata=\"unterminated",
            ",,,",
            "Bearer =x",
        ] {
            let c = parse_www_authenticate(401, Some(junk));
            assert_eq!(c.http_status, 401, "{junk}");
        }
    }
}
