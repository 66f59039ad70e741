//! Reading `status.json` into its derived raw structs (`serde_path_to_error`, as `json.rs`
//! does), with every mistake named by its place (`servers[2].cadence_s`) and said in the
//! product's words: serde's standard messages (`invalid type: …, expected …`, `unknown field
//! …`, `missing field …`) become `expected …, found …`, `unknown field (did you mean
//! `cadence_s`?)`, `required`.

use super::SiteError;
use crate::text::is_format;
use serde::de::DeserializeOwned;
use serde_path_to_error::{Path, Segment};

/// The document as `T`: JSON, and of `T`'s shape.
pub(super) fn read<T: DeserializeOwned>(text: &str) -> Result<T, SiteError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().clone();
        let error = error.into_inner();
        match error.is_data() {
            true => data_error(path_of(&path), &message_of(&error)),
            false => syntax_error(&error),
        }
    })?;
    deserializer.end().map_err(|e| syntax_error(&e))?;
    Ok(value)
}

fn syntax_error(error: &serde_json::Error) -> SiteError {
    SiteError {
        path: format!("line {}, column {}", error.line(), error.column()),
        reason: format!("not valid JSON ({})", message_of(error)),
    }
}

/// serde_json's message without its own " at line X column Y" (the path says where).
fn message_of(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&position) {
        Some(message) => message.to_owned(),
        None => message,
    }
}

/// serde's message about the value at `here`, in the product's words.
fn data_error(here: String, message: &str) -> SiteError {
    let field = |name: &str| match here.is_empty() {
        true => spelled_out(name),
        false => format!("{here}.{}", spelled_out(name)),
    };
    let fail = |path: String, reason: String| SiteError { path, reason };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        // serde_path_to_error already put the unknown key at the end of the path.
        return fail(here, unknown_field(rest));
    }
    if let Some(name) = quoted_name(message, "missing field `") {
        return fail(field(name), "required".to_owned());
    }
    if let Some(name) = quoted_name(message, "duplicate field `") {
        return fail(field(name), "given twice (a field appears once)".to_owned());
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        // The expectation is ours or serde's and never holds ", expected ": the last one
        // splits, whatever a quoted value holds.
        let parts = message
            .strip_prefix(prefix)
            .and_then(|rest| rest.rsplit_once(", expected "));
        if let Some((unexpected, expected)) = parts {
            return fail(
                here,
                format!("expected {}, found {}", wanted(expected), found(unexpected)),
            );
        }
    }
    fail(here, crate::text::clip(message, MAX_REASON_CHARS))
}

/// Longer reasons are clipped: a message can quote a value from the text, as long as the text.
const MAX_REASON_CHARS: usize = 200;
/// The longest key a path shows whole: a hostile document's keys can be any length.
const MAX_KEY_CHARS: usize = 100;
/// The longest quoted value a reason shows whole.
const MAX_FOUND_CHARS: usize = 40;

/// The name in a message that starts `prefix` and ends with the name's closing backtick.
fn quoted_name<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    message.strip_prefix(prefix)?.strip_suffix('`')
}

/// "unknown field `key`, expected one of `a`, `b`" (or "expected `a`", or "there are no
/// fields"), after its prefix: the closest known field, or the list of them.
fn unknown_field(rest: &str) -> String {
    // The key may hold anything; the list of known fields never holds ", expected ".
    let (key, known) = match rest.rsplit_once("`, expected ") {
        Some((key, list)) => (key, list.split('`').skip(1).step_by(2).collect()),
        None => (rest.split('`').next().unwrap_or(rest), Vec::new()),
    };
    match closest(key, &known) {
        Some(near) => format!("unknown field (did you mean `{near}`?)"),
        None if known.is_empty() => "unknown field (this object has no fields)".to_owned(),
        None => format!("unknown field (known fields: {})", known.join(", ")),
    }
}

/// What a wrong value was, from serde's description of it (`serde::de::Unexpected`).
fn found(unexpected: &str) -> String {
    if let Some(quoted) = unexpected.strip_prefix("string ") {
        // Debug-quoted by serde: format characters are written out (`\u{202e}`), never left
        // to act on the page, and the author sees why a value that reads right is wrong.
        return match quoted.char_indices().nth(MAX_FOUND_CHARS) {
            Some((cut, _)) => format!("{}…\"", &quoted[..cut]),
            None => quoted.to_owned(),
        };
    }
    for kind in ["integer `", "floating point `", "boolean `"] {
        if let Some(value) = unexpected.strip_prefix(kind) {
            return value.trim_end_matches('`').to_owned();
        }
    }
    match unexpected {
        "unit value" | "null" => "nothing",
        "sequence" => "a list",
        "map" => "an object",
        other => other,
    }
    .to_owned()
}

/// What was expected, in the words this file's authors use (serde's own for lists and flags).
fn wanted(expected: &str) -> &str {
    match expected {
        "a sequence" => "a list",
        "a boolean" => "true or false",
        other => other,
    }
}

/// A path as errors show it: `servers[2].maintenance[0].end`, empty for the document.
fn path_of(path: &Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&spelled_out(key));
            }
            _ => out.push('?'),
        }
    }
    out
}

/// A key as a path shows it: its format characters (`text::is_format`) written out
/// (`ti\u{202e}tle`), never left to act on the page, and the author sees why a field that
/// reads `title` is unknown; a hostile length clipped.
fn spelled_out(key: &str) -> String {
    let mut out = String::new();
    for ch in key.chars() {
        // Counted as shown, an escape by its length.
        if out.chars().count() >= MAX_KEY_CHARS {
            out.push('…');
            break;
        }
        match is_format(ch) {
            true => out.extend(ch.escape_unicode()),
            false => out.push(ch),
        }
    }
    out
}

/// The known field a typo most likely meant: at most two edits away.
pub(super) fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    // Longer keys are no typo of a field name, and would cost their length squared.
    if key.chars().nth(MAX_KEY_CHARS).is_some() {
        return None;
    }
    known
        .iter()
        .map(|k| (edits(key, k), *k))
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Levenshtein distance, one row at a time.
pub(super) fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_hints_only_when_close() {
        let known = ["title", "servers", "alerting"];
        assert_eq!(closest("titel", &known), Some("title"));
        assert_eq!(closest("banana", &known), None);
        assert_eq!(closest(&"t".repeat(10_000), &known), None);
        assert_eq!(edits("kitten", "sitting"), 3);
    }

    #[test]
    fn serdes_messages_read_in_the_products_words() {
        let reason = |message: &str| data_error(String::new(), message).reason;
        assert_eq!(
            reason("invalid type: string \"a, expected b\", expected a sequence"),
            "expected a list, found \"a, expected b\""
        );
        assert_eq!(
            reason("invalid type: map, expected an object"),
            "expected an object, found an object"
        );
        assert_eq!(
            reason("invalid value: integer `5`, expected a whole number from 15 to 120"),
            "expected a whole number from 15 to 120, found 5"
        );
        assert_eq!(
            reason("invalid type: floating point `1.5`, expected a boolean"),
            "expected true or false, found 1.5"
        );
        assert_eq!(
            reason("invalid type: unit value, expected an object"),
            "expected an object, found nothing"
        );
        assert_eq!(
            reason("unknown field `titel`, expected one of `title`, `servers`"),
            "unknown field (did you mean `title`?)"
        );
        assert_eq!(
            reason("unknown field `zzz`, expected `start`"),
            "unknown field (known fields: start)"
        );
        assert_eq!(
            reason("unknown field `tit`, expected `le`, expected one of `title`"),
            "unknown field (known fields: title)"
        );
        assert_eq!(
            reason("unknown field `x`, there are no fields"),
            "unknown field (this object has no fields)"
        );
        assert_eq!(
            data_error(String::new(), "missing field `name`").path,
            "name"
        );
        let missing = data_error("servers[0]".to_owned(), "missing field `name`");
        assert_eq!(missing.to_string(), "servers[0].name: required");
        assert_eq!(
            reason("recursion limit exceeded"),
            "recursion limit exceeded"
        );
        let long = format!("invalid type: string {:?}, expected x", "y".repeat(500));
        assert_eq!(
            reason(&long),
            format!("expected x, found \"{}…\"", "y".repeat(39))
        );
    }
}
