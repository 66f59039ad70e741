//! Text for people: server-supplied text made safe to quote in a one-line message, and
//! numbers with a fixed number of decimals.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Replaces control characters with spaces, drops format characters ([`is_format`]), collapses
/// runs of whitespace and cuts the text to `max_chars` characters (with an ellipsis). The result
/// is still untrusted data: callers render it as text, never as markup.
pub fn clip(input: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut last_space = false;
    for ch in input.chars() {
        // Dropped, not spaced: a zero-width space or a soft hyphen sits inside a word.
        if is_format(ch) {
            continue;
        }
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

/// A format character: invisible, yet it steers the text around it. A right-to-left override
/// makes `invoice\u{202E}txt.exe` read `invoiceexe.txt`; zero-width spaces and joiners, word
/// joiners, soft hyphens and tag characters hide inside a name so that two names that look
/// alike are not, or split a word a filter looks for. Server text loses them wherever a person
/// reads it; the price is that emoji joined by U+200D show as their parts, and Persian words
/// lose the non-joiner (U+200C) between letters.
pub fn is_format(ch: char) -> bool {
    // Nothing below the soft hyphen is Cf: plain text skips the table lookup.
    ch >= '\u{AD}' && ch.general_category() == GeneralCategory::Format
}

/// `text` without format characters ([`is_format`]), and unchanged (not copied) when it has
/// none: the page passes every text node through it.
pub fn without_format(text: String) -> String {
    if text.chars().any(is_format) {
        text.chars().filter(|&ch| !is_format(ch)).collect()
    } else {
        text
    }
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
    fn clip_drops_format_characters() {
        let cases = [
            // A right-to-left override: "exe.txt" would read "txt.exe".
            ("invoice\u{202E}txt.exe", "invoicetxt.exe"),
            ("a\u{2066}b\u{2069}c\u{200E}d\u{200F}e\u{061C}f", "abcdef"),
            ("every\u{200B}one", "everyone"),
            (
                "zero\u{200C}width\u{200D}joiners\u{2060}",
                "zerowidthjoiners",
            ),
            ("\u{FEFF}bom", "bom"),
            ("soft\u{AD}hyphen", "softhyphen"),
            ("tag\u{E0001}\u{E0061}\u{E007F}s", "tags"),
            ("a \u{200B} b", "a b"),
            ("\u{200B}\u{200B}", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(clip(input, 100), expected, "{input:?}");
        }
        // They take no room either.
        assert_eq!(clip("\u{200B}\u{200B}\u{200B}abc", 3), "abc");
        assert_eq!(without_format("a\u{202E}b".into()), "ab");
        assert_eq!(
            without_format("plain, ü and 👩\u{200D}🚀".into()),
            "plain, ü and 👩🚀"
        );
    }

    proptest! {
        #[test]
        fn clipped_text_has_no_control_or_format_character(
            input in prop::collection::vec(
                prop_oneof![
                    any::<char>(),
                    prop::sample::select(vec!['\u{202E}', '\u{2067}', '\u{200B}', '\u{200D}', '\u{AD}', '\u{E0041}', '\n', ' ']),
                ],
                0..60,
            ),
            max in 1usize..40,
        ) {
            let input: String = input.into_iter().collect();
            let out = clip(&input, max);
            prop_assert!(!out.chars().any(|ch| is_format(ch) || ch.is_control()), "{out:?}");
            prop_assert!(out.chars().count() <= max + 1);
        }
    }

    #[test]
    fn snippet_tolerates_binary() {
        assert_eq!(
            body_snippet(b"<html>\xff</html>", 100),
            "<html>\u{fffd}</html>"
        );
    }
}
