//! JSON read by serde's derived readers, a wrong value named by its path
//! (`latency_ms: invalid type: string "x", expected u64`) through `serde_path_to_error`.

use serde::de::DeserializeOwned;
use std::fmt;

/// Why a JSON text did not read as the type asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Not JSON at all (serde_json's message, with its line and column).
    Syntax(String),
    /// JSON, but not of the type's shape: where (`.` for the top level) and what.
    Data { path: String, message: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Syntax(message) => write!(f, "not JSON ({message})"),
            // A missing field is reported at its parent, which names it itself.
            Error::Data { path, message } if path == "." => f.write_str(message),
            Error::Data { path, message } => write!(f, "`{path}`: {message}"),
        }
    }
}

/// Longer messages are clipped: they can quote a value from the text, as long as the text.
const MAX_MESSAGE_CHARS: usize = 200;

pub fn read<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        error_of(path, error.into_inner())
    })?;
    deserializer.end().map_err(|e| error_of(".".into(), e))?;
    Ok(value)
}

fn error_of(path: String, error: serde_json::Error) -> Error {
    if error.is_data() {
        // The path says where, better than a column does.
        let position = format!(" at line {} column {}", error.line(), error.column());
        let message = error.to_string();
        let message = message.strip_suffix(&position).unwrap_or(&message);
        Error::Data {
            path,
            message: crate::text::clip(message, MAX_MESSAGE_CHARS),
        }
    } else {
        Error::Syntax(crate::text::clip(&error.to_string(), MAX_MESSAGE_CHARS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        inner: Inner,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        ms: u64,
    }

    #[test]
    fn errors_name_the_path_or_say_it_is_not_json() {
        let error = read::<Outer>(r#"{"inner": {"ms": "x"}}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"`inner.ms`: invalid type: string "x", expected u64"#
        );
        let error = read::<Outer>(r#"{"inner": {}}"#).unwrap_err();
        assert_eq!(error.to_string(), "`inner`: missing field `ms`");
        let error = read::<Outer>("{}").unwrap_err();
        assert_eq!(error.to_string(), "missing field `inner`");
        let error = read::<Outer>(r#"{"inner": {"ms": 1}} x"#).unwrap_err();
        assert!(matches!(error, Error::Syntax(_)), "{error}");
        assert!(read::<Outer>("not json")
            .unwrap_err()
            .to_string()
            .starts_with("not JSON ("));
    }
}
