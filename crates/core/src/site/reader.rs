//! Walking a hand-written JSON document with the path of every value, so that a mistake is
//! named by its place (`servers[2].cadence_s`) and a reason a person can act on; unknown
//! fields get a "did you mean" when a known one is close.

use super::SiteError;
use crate::text::{is_format, without_format};
use serde_json::{Map, Value};

/// A value and where it is in the document.
pub(super) struct Node<'a> {
    pub(super) value: &'a Value,
    pub(super) path: String,
}

impl<'a> Node<'a> {
    pub(super) fn root(value: &'a Value) -> Node<'a> {
        Node {
            value,
            path: String::new(),
        }
    }

    pub(super) fn fail<T>(&self, reason: &str) -> Result<T, SiteError> {
        Err(SiteError {
            path: self.path.clone(),
            reason: format!("{reason}, found {}", found(self.value)),
        })
    }

    /// The node's member `key` (which may be missing: `Value::Null`).
    pub(super) fn at(&self, key: &str) -> Node<'a> {
        let path = match self.path.is_empty() {
            true => key.to_owned(),
            false => format!("{}.{key}", self.path),
        };
        Node {
            value: self.value.get(key).unwrap_or(&Value::Null),
            path,
        }
    }

    pub(super) fn index(&self, index: usize) -> Node<'a> {
        Node {
            value: self.value.get(index).unwrap_or(&Value::Null),
            path: format!("{}[{index}]", self.path),
        }
    }

    /// The node as an object with no fields but `known`.
    pub(super) fn object(&self, known: &[&str]) -> Result<Object<'a>, SiteError> {
        let Some(map) = self.value.as_object() else {
            return self.fail("expected an object");
        };
        if let Some(key) = map.keys().find(|key| !known.contains(&key.as_str())) {
            let here = Node {
                value: &map[key],
                path: spelled_out(&self.at(key).path),
            };
            let hint = match closest(key, known) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("known fields: {}", known.join(", ")),
            };
            return Err(SiteError {
                path: here.path,
                reason: format!("unknown field ({hint})"),
            });
        }
        Ok(Object {
            map,
            node: Node {
                value: self.value,
                path: self.path.clone(),
            },
        })
    }
}

/// An object's fields, each read with its path.
pub(super) struct Object<'a> {
    map: &'a Map<String, Value>,
    node: Node<'a>,
}

impl<'a> Object<'a> {
    /// A present field; `null` counts as absent.
    pub(super) fn field(&self, key: &str) -> Option<Node<'a>> {
        self.map
            .get(key)
            .filter(|value| !value.is_null())
            .map(|_| self.node.at(key))
    }

    /// The node of field `key`, present or not: where an error about it points.
    pub(super) fn node_at(&self, key: &str) -> Node<'a> {
        self.node.at(key)
    }

    pub(super) fn field_error<T>(&self, key: &str, reason: String) -> Result<T, SiteError> {
        Err(SiteError {
            path: self.node.at(key).path,
            reason,
        })
    }

    /// A non-empty string of at most `max_chars` characters, trimmed and without format
    /// characters (`text::is_format`): every text the config gives (names, titles,
    /// descriptions, URLs) is shown somewhere, and a right-to-left override in a server's name
    /// must not turn the rest of its row around, nor a zero-width space make two names that
    /// look alike differ. What the page shows and what names are compared by is the same.
    pub(super) fn text(&self, key: &str, max_chars: usize) -> Result<Option<String>, SiteError> {
        let Some(field) = self.field(key) else {
            return Ok(None);
        };
        let visible = field
            .value
            .as_str()
            .map(|text| without_format(text.to_owned()));
        match visible.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() && text.chars().count() <= max_chars => {
                Ok(Some(text.to_owned()))
            }
            Some(text) if !text.is_empty() => {
                field.fail(&format!("at most {max_chars} characters"))
            }
            _ => field.fail("expected a non-empty string"),
        }
    }

    pub(super) fn required_text(&self, key: &str, max_chars: usize) -> Result<String, SiteError> {
        match self.text(key, max_chars)? {
            Some(text) => Ok(text),
            None => self.field_error(key, "required".to_owned()),
        }
    }

    /// A URL the page links to or loads: http(s), or relative to the page. Never a
    /// `javascript:` or `data:` URL, whatever the config says.
    pub(super) fn link(&self, key: &str) -> Result<Option<String>, SiteError> {
        let Some(text) = self.text(key, 2_000)? else {
            return Ok(None);
        };
        if safe_url(&text) {
            Ok(Some(text))
        } else {
            self.field_error(
                key,
                "an http(s) URL or a path relative to the page".to_owned(),
            )
        }
    }

    pub(super) fn whole(&self, key: &str, min: u32, max: u32) -> Result<Option<u32>, SiteError> {
        let Some(field) = self.field(key) else {
            return Ok(None);
        };
        match field.value.as_u64() {
            Some(n) if n >= u64::from(min) && n <= u64::from(max) => Ok(Some(n as u32)),
            _ => field.fail(&format!("a whole number from {min} to {max}")),
        }
    }

    pub(super) fn flag(&self, key: &str) -> Result<Option<bool>, SiteError> {
        let Some(field) = self.field(key) else {
            return Ok(None);
        };
        match field.value.as_bool() {
            Some(flag) => Ok(Some(flag)),
            None => field.fail("true or false"),
        }
    }

    /// A list's items (none when the field is absent).
    pub(super) fn list(&self, key: &str) -> Result<Vec<Node<'a>>, SiteError> {
        let Some(field) = self.field(key) else {
            return Ok(Vec::new());
        };
        match field.value.as_array() {
            Some(items) => Ok((0..items.len()).map(|i| field.index(i)).collect()),
            None => field.fail("expected a list"),
        }
    }
}

/// An unknown field's path as the error shows it: its format characters (`text::is_format`)
/// written out (`ti\u{202e}tle`), never left to act on the page, and the author sees why a
/// field that reads `title` is unknown.
fn spelled_out(path: &str) -> String {
    path.chars()
        .map(|ch| match is_format(ch) {
            true => ch.escape_unicode().to_string(),
            false => ch.to_string(),
        })
        .collect()
}

/// What a wrong value was, shortly, for the error message.
fn found(value: &Value) -> String {
    match value {
        Value::Null => "nothing".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(_) => "a number".to_owned(),
        Value::String(s) => format!("\"{}\"", crate::text::clip(s, 40)),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// The known field a typo most likely meant: at most two edits away.
pub(super) fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
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

/// Whether `url` may go into `href` or `src`: http(s), or relative to the page (a path or a
/// `#/route`). Never `javascript:`, `data:` or any other scheme.
fn safe_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            lower[..colon].contains(['/', '?', '#'])
                || lower.starts_with("https://")
                || lower.starts_with("http://")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::safe_url;
    use crate::site::SiteConfig;
    use crate::text::is_format;

    /// Debug escapes format characters (`\u{202e}`): none may be left in what was read.
    fn assert_no_format(debug: &str) {
        assert!(
            !debug.contains("\\u{202e}") && !debug.contains("\\u{200b}"),
            "{debug}"
        );
    }

    #[test]
    fn text_is_read_without_format_characters() {
        let json = serde_json::json!({
            "title": "Acme\u{202E}txt.exe\u{200B}",
            "description": "Our\u{200B} servers\u{202E}",
            "links": [{"title": "\u{202E}Docs", "url": "https://acme.example/\u{200B}docs"}],
            "groups": [{"name": "Prod\u{200B}uction\u{202E}", "description": "what\u{202E} users hit"}],
            "servers": [
                {"name": "\u{202E}search\u{200B}", "url": "https://search.acme.example/mcp",
                 "group": "Production"},
                {"name": "files", "url": "https://files.acme.example/mcp",
                 "group": "Pro\u{200B}duction", "platform": "fly\u{200B}"},
            ],
        });
        let site = SiteConfig::parse(&json.to_string()).expect("the site parses");
        assert_eq!(site.title, "Acmetxt.exe");
        assert_eq!(site.description.as_deref(), Some("Our servers"));
        assert_eq!(site.links[0].title, "Docs");
        assert_eq!(site.links[0].url, "https://acme.example/docs");
        assert_eq!(site.groups[0].name, "Production");
        assert_eq!(
            site.groups[0].description.as_deref(),
            Some("what users hit")
        );
        assert_eq!(site.servers[0].name, "search");
        // Names are compared as they are shown: the group matches without its invisible part.
        assert_eq!(site.servers[0].group.as_deref(), Some("Production"));
        assert_eq!(site.servers[1].group.as_deref(), Some("Production"));
        assert_no_format(&format!("{site:?}"));
    }

    #[test]
    fn invisible_characters_neither_make_a_name_nor_tell_two_apart() {
        let error = |json: serde_json::Value| SiteConfig::parse(&json.to_string()).unwrap_err();
        let nothing = error(serde_json::json!({
            "servers": [{"name": "\u{200B}\u{202E} ", "url": "http://a/"}],
        }));
        assert_eq!(nothing.path, "servers[0].name");
        assert!(nothing.reason.contains("non-empty"), "{nothing}");
        let twice = error(serde_json::json!({
            "servers": [
                {"name": "api", "url": "http://a/"},
                {"name": "a\u{200B}pi", "url": "http://b/"},
            ],
        }));
        assert_eq!(twice.path, "servers[1].name");
        assert!(twice.reason.contains("already has this name"), "{twice}");
        // The limit counts what is seen.
        let long = format!("{}{}", "n".repeat(200), "\u{200B}".repeat(50));
        let site = serde_json::json!({"servers": [{"name": long, "url": "http://a/"}]});
        assert!(SiteConfig::parse(&site.to_string()).is_ok());
        // An unknown field's name is quoted in the error: they are written out there.
        let unknown = error(serde_json::json!({"servers": [{"ti\u{202E}tle": "x"}]}));
        assert_eq!(unknown.path, "servers[0].ti\\u{202e}tle");
        assert!(!unknown.to_string().chars().any(is_format), "{unknown}");
    }

    #[test]
    fn urls_are_safe_only_when_http_or_relative() {
        for ok in [
            "https://a.example/",
            "HTTP://a",
            "#/x",
            "logo.svg",
            "./a:b",
            "/p?q=a:b",
        ] {
            assert!(safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:x",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert!(!safe_url(bad), "{bad}");
        }
    }
}
