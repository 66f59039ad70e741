//! Text for people: server-supplied text made safe to quote in a one-line message, and
//! numbers with a fixed number of decimals.

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

/// `value` with `places` decimals (at most 6), rounded half away from zero; `NaN` reads 0.
/// Integer arithmetic instead of `format!("{:.2}")`: the page is built for size, and the
/// standard exact float formatting costs about 8 KB of wasm.
pub fn decimal(value: f64, places: u8) -> String {
    let places = u32::from(places.min(6));
    let scale = 10u64.pow(places);
    // `as` saturates: absurd values print as the largest integer, never panic.
    let scaled = (value * scale as f64).round() as i64;
    let sign = if scaled < 0 { "-" } else { "" };
    let magnitude = scaled.unsigned_abs();
    let (whole, fraction) = (magnitude / scale, magnitude % scale);
    match places {
        0 => format!("{sign}{whole}"),
        _ => format!("{sign}{whole}.{fraction:0width$}", width = places as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decimals_read_as_the_standard_formatting_does(value in -1e9f64..1e9, places in 0u8..4) {
            let scale = 10f64.powi(i32::from(places));
            // Exact ties round differently (the standard formatting rounds to even): skip them.
            prop_assume!(((value * scale).fract().abs() - 0.5).abs() > 1e-6);
            let expected = format!("{:.*}", usize::from(places), value);
            let expected = if expected.trim_start_matches(['-', '0', '.']).is_empty() {
                expected.trim_start_matches('-').to_owned()
            } else {
                expected
            };
            prop_assert_eq!(decimal(value, places), expected);
        }
    }

    #[test]
    fn decimals_of_edge_values() {
        assert_eq!(decimal(0.99995 * 100.0, 2), "100.00");
        assert_eq!(decimal(99.994, 2), "99.99");
        assert_eq!(decimal(-0.004, 2), "0.00");
        assert_eq!(decimal(2.5, 0), "3");
        assert_eq!(decimal(f64::NAN, 1), "0.0");
        assert_eq!(decimal(f64::INFINITY, 0), i64::MAX.to_string());
    }

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
