//! Our probe-target parsing against the `url` crate's (the WHATWG URL standard, as browsers
//! parse): for the URLs both accept, the same serialisation, host, origin and path; for the
//! references a legacy server names, the same resolution.

use mcp_status_core::Target;
use proptest::prelude::*;
use url::Url;

/// Not `xn--` labels: whether their Unicode is allowed needs IDNA's tables, which the page
/// does without (we check they are Punycode at all: unit tests in target.rs).
fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9-]{0,8}".prop_filter("an A-label", |l| {
        !l.to_ascii_lowercase().starts_with("xn--")
    })
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
        // Not `C:` alone: the url crate keeps such a segment as a Windows drive letter when
        // resolving `..`, where browsers (and Node's WHATWG URL) do not.
        6 => "[a-zA-Z0-9_~!$&'()*+,;=:@-]{0,6}".prop_filter("a drive letter", |s| {
            !(s.len() == 2 && s.ends_with(':') && s.starts_with(|c: char| c.is_ascii_alphabetic()))
        }),
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
        match (ours.join(&reference), probe_target(theirs.join(&reference))) {
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
