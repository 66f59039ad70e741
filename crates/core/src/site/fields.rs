//! The kinds of value `status.json` is made of, each read by serde with the product's rule for
//! it: a wrong one fails where it is, so the error names its path (`servers[2].cadence_s`) and
//! says what was expected in words a person acts on (`expected a whole number from 15 to
//! 86400`). Rules that relate two values (duplicate names, a group that must exist, a timeout
//! that depends on the platform) are checked after reading, in `mod.rs` and `alerting.rs`.

use crate::monitor::history::parse_time;
use crate::monitor::record::Millis;
use crate::text::without_format;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Unexpected, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A non-empty text of at most `MAX` characters, trimmed and without format characters
/// (`text::is_format`): every text the config gives (names, titles, descriptions, URLs) is
/// shown somewhere, and a right-to-left override in a server's name must not turn the rest of
/// its row around, nor a zero-width space make two names that look alike differ. What the page
/// shows and what names are compared by is the same.
#[derive(Debug)]
pub(super) struct Text<const MAX: usize>(pub String);

impl<'de, const MAX: usize> Deserialize<'de> for Text<MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Expect<const MAX: usize>;
        impl<const MAX: usize> Visitor<'_> for Expect<MAX> {
            type Value = Text<MAX>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a non-empty string of at most {MAX} characters")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<MAX>, E> {
                let visible = without_format(text.to_owned());
                let visible = visible.trim();
                // The limit counts what is seen.
                if visible.is_empty() || visible.chars().nth(MAX).is_some() {
                    return Err(E::invalid_value(Unexpected::Str(text), &self));
                }
                Ok(Text(visible.to_owned()))
            }
        }
        deserializer.deserialize_str(Expect::<MAX>)
    }
}

/// A whole number from `MIN` to `MAX`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Whole<const MIN: u32, const MAX: u32>(pub u32);

impl<'de, const MIN: u32, const MAX: u32> Deserialize<'de> for Whole<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Expect<const MIN: u32, const MAX: u32>;
        impl<const MIN: u32, const MAX: u32> Visitor<'_> for Expect<MIN, MAX> {
            type Value = Whole<MIN, MAX>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a whole number from {MIN} to {MAX}")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
                match u32::try_from(n) {
                    Ok(n) if (MIN..=MAX).contains(&n) => Ok(Whole(n)),
                    _ => Err(E::invalid_value(Unexpected::Unsigned(n), &self)),
                }
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::invalid_value(Unexpected::Signed(n), &self)),
                }
            }
        }
        deserializer.deserialize_u64(Expect::<MIN, MAX>)
    }
}

/// A fraction strictly between 0 and 1: an SLO target.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fraction(pub f64);

impl<'de> Deserialize<'de> for Fraction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Expect;
        impl Visitor<'_> for Expect {
            type Value = Fraction;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a fraction between 0 and 1, e.g. 0.995 for 99.5 %")
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> Result<Fraction, E> {
                match x > 0.0 && x < 1.0 {
                    true => Ok(Fraction(x)),
                    false => Err(E::invalid_value(Unexpected::Float(x), &self)),
                }
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Fraction, E> {
                Err(E::invalid_value(Unexpected::Unsigned(n), &self))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Fraction, E> {
                Err(E::invalid_value(Unexpected::Signed(n), &self))
            }
        }
        deserializer.deserialize_f64(Expect)
    }
}

/// A URL the page links to or loads: http(s), or relative to the page. Never a
/// `javascript:` or `data:` URL, whatever the config says.
#[derive(Debug)]
pub(super) struct SafeLink(pub String);

impl<'de> Deserialize<'de> for SafeLink {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Text(url) = Text::<2_000>::deserialize(deserializer)?;
        match safe_url(&url) {
            true => Ok(SafeLink(url)),
            false => Err(de::Error::invalid_value(
                Unexpected::Str(&url),
                &"an http(s) URL or a path relative to the page",
            )),
        }
    }
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

/// An RFC 3339 time (`2026-11-21T14:00:00Z`), in milliseconds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Time(pub Millis);

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Text(text) = Text::<100>::deserialize(deserializer)?;
        parse_time(&text).map(Time).map_err(|_| {
            de::Error::invalid_value(
                Unexpected::Str(&text),
                &"an RFC 3339 time, e.g. 2026-11-21T14:00:00Z",
            )
        })
    }
}

/// A closed set of words (a platform, a channel's kind): each word and what it means.
pub(super) trait Choice: Copy + 'static {
    const CHOICES: &'static [(&'static str, Self)];
}

/// One of `T`'s words, read as text is (trimmed, without format characters).
#[derive(Debug, Clone, Copy)]
pub(super) struct OneOf<T>(pub T);

impl<'de, T: Choice> Deserialize<'de> for OneOf<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Expect<T>(PhantomData<T>);
        impl<T: Choice> Visitor<'_> for Expect<T> {
            type Value = OneOf<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("one of ")?;
                for (index, (word, _)) in T::CHOICES.iter().enumerate() {
                    let separator = if index == 0 { "" } else { ", " };
                    write!(f, "{separator}{word}")?;
                }
                Ok(())
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<OneOf<T>, E> {
                let visible = without_format(text.to_owned());
                T::CHOICES
                    .iter()
                    .find(|(word, _)| *word == visible.trim())
                    .map(|&(_, choice)| OneOf(choice))
                    .ok_or_else(|| E::invalid_value(Unexpected::Str(text), &self))
            }
        }
        deserializer.deserialize_str(Expect(PhantomData))
    }
}

/// A JSON object read as `T`. serde's derived structs take an array too (the fields by
/// position); a config is edited by hand and a list where an object belongs is a mistake.
#[derive(Debug)]
pub(super) struct Object<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Expect<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Expect<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
            }
        }
        deserializer
            .deserialize_map(Expect(PhantomData))
            .map(Object)
    }
}

#[cfg(test)]
mod tests {
    use super::safe_url;

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
