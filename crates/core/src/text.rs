//! Server-supplied text, made safe to quote in a one-line message.

/// Replaces control characters with spaces, collapses runs of whitespace and cuts the text to
/// `max_chars` characters (with an ellipsis). The result is still untrusted data: callers render
/// it as text, never as markup.
pub fn clip(input: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut last_space = false;
    for ch in input.chars() {
        let ch = if ch.is_control() || ch.is_whitespace() {
            ' '
        } else {
            ch
        };
        if ch == ' ' && (last_space || count == 0) {
            continue;
        }
        if count == max_chars {
            let trimmed = out.trim_end().len();
            out.truncate(trimmed);
            out.push('…');
            return out;
        }
        last_space = ch == ' ';
        out.push(ch);
        count += 1;
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// The start of a response body as readable text, for error messages.
pub fn body_snippet(body: &[u8], max_chars: usize) -> String {
    clip(&String::from_utf8_lossy(body), max_chars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_and_flattens() {
        assert_eq!(clip("  a\n\n b\tc\u{7} ", 100), "a b c");
        assert_eq!(clip("abcdef", 3), "abc…");
        assert_eq!(clip("ab", 2), "ab");
        assert_eq!(clip("héllo wörld", 5), "héllo…");
    }

    #[test]
    fn snippet_tolerates_binary() {
        assert_eq!(
            body_snippet(b"<html>\xff</html>", 100),
            "<html>\u{fffd}</html>"
        );
    }
}
