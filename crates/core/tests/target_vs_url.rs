//! `Target` (the `url` crate and our rules on top) against the raw crate (the WHATWG URL
//! standard, as browsers parse): on generated http(s) URLs and references, the same acceptance
//! once our rules are applied to the crate's result (http(s), a host, no credentials, no
//! fragment), and the same serialisation, host, origin and path; then a table of the inputs
//! where we differ from the raw crate on purpose, and one of where we follow the crate although
//! browsers differ. These were the old hand-written parser's cases (it was checked against the
//! crate the same way until the crate replaced it).

use mcp_status_core::{Target, TargetError};
use proptest::prelude::*;
use url::Url;

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-zA-Z][a-zA-Z0-9-]{0,8}",
        // International names: accepted as browsers accept them (IDNA, in the crate).
        1 => "[a-zäöüßÄ€\u{301}\u{200d}-]{1,6}",
        1 => prop_oneof![Just("xn--exmple-cua"), Just("XN--mnchen-3ya"), Just("xn--abc"), Just("xn--")]
            .prop_map(str::to_owned),
    ]
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(label(), 1..4).prop_map(|labels| labels.join(".")),
        1 => (0u8..=255, 0u8..=255, 0u8..=255, 0u8..=255)
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        1 => prop_oneof![
            Just("[::1]".to_owned()),
            Just("[2001:DB8:0:0:0:0:0:1]".to_owned()),
            Just("[fe80::0:1]".to_owned()),
            Just("[::ffff:192.0.2.1]".to_owned()),
        ],
    ]
}

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        // `C:` alone among them, a Windows drive letter to the crate: see
        // `where_we_follow_the_crate_not_browsers`.
        6 => "[a-zA-Z0-9_~!$&'()*+,;=:@-]{0,6}",
        1 => Just(".".to_owned()),
        1 => Just("..".to_owned()),
        1 => Just("%2e".to_owned()),
        1 => "[ \"<>`{}|^ü€]{1,3}",
        1 => "%[0-9A-F]{2}",
    ]
}

fn url() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("http"), Just("https"), Just("HTTPS"), Just("Http")],
        prop_oneof![Just("://"), Just(":////"), Just(":\\\\"), Just(":/")],
        host(),
        prop_oneof![
            Just(String::new()),
            Just(":".to_owned()),
            Just(":80".to_owned()),
            Just(":443".to_owned()),
            (1u32..70000).prop_map(|p| format!(":{p}")),
        ],
        prop::collection::vec(segment(), 0..5),
        prop::option::of("[a-zA-Z0-9=&%' \"<>`ü/?]{0,10}"),
        prop::option::of("[a-z]{0,5}"),
        any::<bool>(),
    )
        .prop_map(
            |(scheme, slashes, host, port, segments, query, fragment, backslash)| {
                let separator = if backslash { "\\" } else { "/" };
                let mut url = format!("{scheme}{slashes}{host}{port}");
                for segment in segments {
                    url.push_str(separator);
                    url.push_str(&segment);
                }
                if let Some(query) = query {
                    url.push('?');
                    url.push_str(&query);
                }
                if let Some(fragment) = fragment {
                    url.push('#');
                    url.push_str(&fragment);
                }
                url
            },
        )
}

fn reference() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("/message?sessionId=1f2e".to_owned()),
        Just("messages".to_owned()),
        Just("../up/x?y=1".to_owned()),
        Just("./same".to_owned()),
        Just("?only=query".to_owned()),
        Just("//other.example:8080/mcp".to_owned()),
        Just("https://Elsewhere.example/a/../b".to_owned()),
        Just("/a b/ü?q=ü v#frag".to_owned()),
        prop::collection::vec(segment(), 1..4).prop_map(|s| s.join("/")),
    ]
}

/// A reference as a server may send it: ASCII tabs and newlines anywhere, C0 controls and
/// spaces around it — all of which browsers drop before parsing.
fn noisy_reference() -> impl Strategy<Value = String> {
    let noise = prop_oneof![Just('\t'), Just('\n'), Just('\r')];
    (
        reference(),
        prop::collection::vec((any::<prop::sample::Index>(), noise), 0..3),
        "[\\x00-\\x20]{0,2}",
        "[\\x00-\\x20]{0,2}",
    )
        .prop_map(|(reference, noise, before, after)| {
            let mut chars: Vec<char> = reference.chars().collect();
            for (at, c) in noise {
                chars.insert(at.index(chars.len() + 1), c);
            }
            format!("{before}{}{after}", chars.into_iter().collect::<String>())
        })
}

/// `reference` as the crate must be given it to resolve it as browsers do: with the slashes
/// before the host of `///host` collapsed (servo/rust-url#1136), as `Target::join` does.
fn as_browsers_read(reference: &str) -> String {
    let cleaned: String = reference
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let host_and_rest = cleaned.trim_start_matches(['/', '\\']);
    if cleaned.len() - host_and_rest.len() > 2 {
        format!("//{host_and_rest}")
    } else {
        cleaned
    }
}

/// What url gives that a probe can use: an http(s) URL with a host and no credentials (which
/// we refuse on purpose: browsers will not send them this way).
fn probe_target(url: Result<Url, url::ParseError>) -> Option<Url> {
    url.ok().filter(|u| {
        matches!(u.scheme(), "http" | "https")
            && u.host_str().is_some()
            && u.username().is_empty()
            && u.password().is_none()
    })
}

fn same(ours: &Target, theirs: &Url) -> Result<(), TestCaseError> {
    prop_assert_eq!(ours.as_str(), theirs.as_str());
    prop_assert_eq!(ours.host(), theirs.host_str().unwrap_or_default());
    prop_assert_eq!(ours.origin(), theirs.origin().ascii_serialization());
    prop_assert_eq!(ours.path(), theirs.path());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn targets_serialise_as_browsers_do(input in url()) {
        match (Target::parse(&input), probe_target(Url::parse(&input))) {
            (Ok(ours), Some(mut theirs)) => {
                theirs.set_fragment(None);
                same(&ours, &theirs)?;
            }
            (Err(_), None) => {}
            (Ok(ours), None) => prop_assert!(false, "{input}: we accept {ours}, url does not"),
            (Err(ours), Some(theirs)) => prop_assert!(false, "{input}: url accepts {theirs}, we refuse: {ours}"),
        }
    }

    #[test]
    fn references_resolve_as_browsers_resolve(base in url(), reference in noisy_reference()) {
        let (Ok(ours), Ok(theirs)) = (Target::parse(&base), Url::parse(&base)) else {
            return Ok(());
        };
        match (ours.join(&reference), probe_target(theirs.join(&as_browsers_read(&reference)))) {
            (Ok(ours), Some(mut theirs)) => {
                theirs.set_fragment(None);
                same(&ours, &theirs)?;
            }
            (Err(_), None) => {}
            (ours, theirs) => prop_assert!(false, "{base} + {reference}: {ours:?} vs {theirs:?}"),
        }
    }
}

/// An endpoint reference as a server may send it: with ASCII tabs and newlines anywhere
/// (browsers drop them before parsing) and C0 controls and spaces around (browsers trim them).
#[test]
fn tabs_newlines_and_controls_in_references_resolve_as_browsers_resolve_them() {
    let base = "http://a.example/b/c?q";
    let ours = Target::parse(base).unwrap();
    let theirs = Url::parse(base).unwrap();
    let mut wrong = Vec::new();
    for reference in [
        "/mes\nsage?x=1",
        "\t//evil.example/x",
        "http://ho\tst/x",
        "/\t/evil.example/x",
        "/\n/evil.example/x",
        "\\\r\n\\evil.example/x",
        "ht\ttp://evil.example/x",
        "h\nttps://evil.example/x",
        "http\r:d",
        "http:\t//evil.example/x",
        "?\tr=1\n",
        "\x01 \x1f/x y\x02 ",
        "\x7f/x",
        "/x\x7f",
        "\u{a0}//evil.example/x",
        "\u{3000}/x\u{3000}",
        "http://evil.example/x\u{a0}",
        "http: d",
        "/x\t#frag\nment",
        "..\t/\t..\t/up",
    ] {
        let mut expected = probe_target(theirs.join(reference));
        if let Some(url) = expected.as_mut() {
            url.set_fragment(None);
        }
        let resolved = ours.join(reference);
        if resolved.as_ref().ok().map(Target::as_str) != expected.as_ref().map(Url::as_str) {
            wrong.push(format!(
                "{reference:?}: {resolved:?}, browsers {expected:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// An input, what `Target` makes of it, and what the raw crate does.
type Difference<'a> = (
    &'a str,
    Result<&'a str, TargetError>,
    Result<&'a str, url::ParseError>,
);

/// Where `Target` and the raw crate differ on purpose.
#[test]
fn where_we_differ_from_the_crate_on_purpose() {
    let long = format!("https://example.com/{}", "a".repeat(2048));
    let parsed: &[Difference] = &[
        // Typed text: Unicode spaces and DEL around a paste are trimmed, not a relative URL.
        (
            "\u{a0}https://example.com/mcp\u{3000}",
            Ok("https://example.com/mcp"),
            Err(url::ParseError::RelativeUrlWithoutBase),
        ),
        (
            "\x7fhttps://example.com/mcp",
            Ok("https://example.com/mcp"),
            Err(url::ParseError::RelativeUrlWithoutBase),
        ),
        // A probe has no use for a fragment: dropped.
        (
            "https://example.com/mcp#tools",
            Ok("https://example.com/mcp"),
            Ok("https://example.com/mcp#tools"),
        ),
        // Browsers refuse to send credentials in a URL.
        (
            "https://user:pw@example.com/mcp",
            Err(TargetError::HasCredentials),
            Ok("https://user:pw@example.com/mcp"),
        ),
        // Only http(s): other schemes are named in the message, even where the crate finds no
        // host (ftp is special to it).
        (
            "ws://x/mcp",
            Err(TargetError::UnsupportedScheme {
                scheme: "ws".into(),
            }),
            Ok("ws://x/mcp"),
        ),
        (
            "ftp://",
            Err(TargetError::UnsupportedScheme {
                scheme: "ftp".into(),
            }),
            Err(url::ParseError::EmptyHost),
        ),
        // A host and port without a scheme gets a suggestion, not a "localhost:" URL.
        (
            "localhost:3000/mcp",
            Err(TargetError::MissingScheme {
                suggestion: "http://localhost:3000/mcp".into(),
            }),
            Ok("localhost:3000/mcp"),
        ),
        (
            "example.com/mcp",
            Err(TargetError::MissingScheme {
                suggestion: "https://example.com/mcp".into(),
            }),
            Err(url::ParseError::RelativeUrlWithoutBase),
        ),
        // Longer is a paste by mistake.
        (
            &long,
            Err(TargetError::TooLong { len: long.len() }),
            Ok(&long),
        ),
    ];
    let mut wrong = Vec::new();
    for (input, ours, theirs) in parsed {
        let got = Target::parse(input);
        if got.as_ref().map(Target::as_str) != ours.as_ref().map(|s| *s) {
            wrong.push(format!("ours {input:?}: {got:?}, expected {ours:?}"));
        }
        let crate_says = Url::parse(input);
        if crate_says.as_ref().map(Url::as_str).map_err(|e| *e) != *theirs {
            wrong.push(format!(
                "crate {input:?}: {crate_says:?}, expected {theirs:?}"
            ));
        }
    }

    let base = "http://a.example/b/c?q";
    let joined: &[Difference] = &[
        // Browsers skip every slash before the host (servo/rust-url#1136, not merged).
        (
            "///evil.example/x",
            Ok("http://evil.example/x"),
            Err(url::ParseError::EmptyHost),
        ),
        (
            "////evil.example/x",
            Ok("http://evil.example/x"),
            Err(url::ParseError::EmptyHost),
        ),
        (
            "/\t//evil.example/x",
            Ok("http://evil.example/x"),
            Err(url::ParseError::EmptyHost),
        ),
        // An endpoint on another scheme is judged as a URL typed in.
        (
            "ftp://a.example/x",
            Err(TargetError::UnsupportedScheme {
                scheme: "ftp".into(),
            }),
            Ok("ftp://a.example/x"),
        ),
        (
            "/x#frag",
            Ok("http://a.example/x"),
            Ok("http://a.example/x#frag"),
        ),
    ];
    let ours_base = Target::parse(base).unwrap();
    let their_base = Url::parse(base).unwrap();
    for (reference, ours, theirs) in joined {
        let got = ours_base.join(reference);
        if got.as_ref().map(Target::as_str) != ours.as_ref().map(|s| *s) {
            wrong.push(format!(
                "ours {base} + {reference:?}: {got:?}, expected {ours:?}"
            ));
        }
        let crate_says = their_base.join(reference);
        if crate_says.as_ref().map(Url::as_str).map_err(|e| *e) != *theirs {
            wrong.push(format!(
                "crate {base} + {reference:?}: {crate_says:?}, expected {theirs:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Where we follow the crate although browsers differ: a `C:` or `C|` segment, which the crate
/// takes for a Windows drive letter in any URL, is not removed by a `..` after it (browsers only
/// keep it in file: URLs; servo/rust-url#1130, fix not merged). Working around it would mean
/// finding the path in the raw text, the parser we dropped; no endpoint path has such a segment,
/// and the result stays on the same origin. When the crate is fixed this test says so: take
/// browsers' results below and move the cases to `references_resolve_as_browsers_resolve_them`.
#[test]
fn where_we_follow_the_crate_not_browsers() {
    for (input, ours, browsers) in [
        (
            "http://h.example/C:/..",
            "http://h.example/C:/",
            "http://h.example/",
        ),
        (
            "http://h.example/a/c|/../../x",
            "http://h.example/a/c|/x",
            "http://h.example/x",
        ),
    ] {
        assert_eq!(
            Target::parse(input).unwrap().as_str(),
            ours,
            "{input} (browsers: {browsers})"
        );
    }
    let base = Target::parse("http://h.example/a/C:/b").unwrap();
    assert_eq!(
        base.join("../..").unwrap().as_str(),
        "http://h.example/a/C:/"
    );
}
