//! Status and uptime badges for READMEs: SVG in the flat style people know from shields.io,
//! and shields.io's endpoint JSON (for those who want shields to draw them). The runner
//! writes them beside the published history.

use crate::status::percent;
use serde_json::{json, Value};

/// What a badge says: `label` on grey, `message` on `color`.
#[derive(Debug, Clone, PartialEq)]
pub struct Badge {
    pub label: String,
    pub message: String,
    pub color: Color,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    Good,
    Warning,
    Bad,
    Unknown,
}

impl Color {
    fn hex(self) -> &'static str {
        match self {
            Color::Good => "#2e7d32",
            Color::Warning => "#b26a00",
            Color::Bad => "#c62828",
            Color::Unknown => "#6b7280",
        }
    }

    /// shields.io's name for it.
    fn shields(self) -> &'static str {
        match self {
            Color::Good => "brightgreen",
            Color::Warning => "orange",
            Color::Bad => "red",
            Color::Unknown => "lightgrey",
        }
    }
}

/// The status badge: the server's name, and `up`, `down`, `degraded`… from its state.
pub fn status(server: &str, state: &str) -> Badge {
    let color = match state {
        "up" => Color::Good,
        "down" => Color::Bad,
        "confirming" | "recovering" => Color::Warning,
        _ => Color::Unknown,
    };
    let message = match state {
        "unknown" => "no data",
        "confirming" => "failing",
        other => other,
    };
    Badge {
        label: server.to_owned(),
        message: message.to_owned(),
        color,
    }
}

/// An uptime badge: `label` ("uptime 30d", "SLO 30d") and the ratio, coloured against the
/// SLO target (at or above: good; within a tenth of the error budget's size below: warning).
pub fn uptime(label: &str, ratio: Option<f64>, target: f64) -> Badge {
    let color = match ratio {
        None => Color::Unknown,
        Some(r) if r >= target => Color::Good,
        Some(r) if r >= target - (1.0 - target) => Color::Warning,
        Some(_) => Color::Bad,
    };
    Badge {
        label: label.to_owned(),
        message: percent(ratio).replace(" %", "%"),
        color,
    }
}

/// Approximate width of `text` in Verdana 11 px, as shields measures it: narrow, wide and
/// other characters.
fn width(text: &str) -> u32 {
    let px: u32 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '!' | '|' | '\'' | ' ' | 'I' | 'f' | 't'
            | 'r' => 4,
            'm' | 'w' | 'M' | 'W' | '%' | '@' => 10,
            _ => 7,
        })
        .sum();
    px + 10
}

/// The badge as an SVG document (server text escaped, at most 40 characters a side).
pub fn svg(badge: &Badge) -> String {
    let clip = |text: &str| -> String {
        let mut chars = text.chars();
        let kept: String = chars.by_ref().take(40).collect();
        if chars.next().is_some() {
            format!("{kept}…")
        } else {
            kept
        }
    };
    let (label, message) = (clip(&badge.label), clip(&badge.message));
    let (left, right) = (width(&label), width(&message));
    // Server text (the label, and the message it may quote) is escaped, and stripped of
    // invisible format characters, as everywhere else it is shown.
    let (label, message) = (markup_text(&label), markup_text(&message));
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{label}: {message}">"#,
            r#"<title>{label}: {message}</title>"#,
            r##"<rect width="{left}" height="20" fill="#555"></rect>"##,
            r#"<rect x="{left}" width="{right}" height="20" fill="{color}"></rect>"#,
            r##"<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">"##,
            r#"<text x="{label_x}" y="14">{label}</text><text x="{message_x}" y="14">{message}</text>"#,
            "</g></svg>"
        ),
        total = left + right,
        left = left,
        right = right,
        color = badge.color.hex(),
        label = label,
        message = message,
        label_x = left / 2,
        message_x = left + right / 2,
    )
}

/// `text` as XML text or an attribute value: without format characters, with `& < > " '`
/// escaped.
fn markup_text(text: &str) -> String {
    let mut out = String::new();
    for ch in crate::text::without_format(text.to_owned()).chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// shields.io's endpoint JSON for the badge (`https://img.shields.io/endpoint?url=…`).
pub fn shields(badge: &Badge) -> Value {
    json!({
        "schemaVersion": 1,
        "label": badge.label,
        "message": badge.message,
        "color": badge.color.shields(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_say_the_state_and_the_uptime_with_colours_against_the_target() {
        assert_eq!(status("api", "up").color, Color::Good);
        assert_eq!(status("api", "down").message, "down");
        assert_eq!(status("api", "unknown").message, "no data");
        let good = uptime("uptime 30d", Some(0.9996), 0.999);
        assert_eq!((good.message.as_str(), good.color), ("99.96%", Color::Good));
        assert_eq!(uptime("x", Some(0.9985), 0.999).color, Color::Warning);
        assert_eq!(uptime("x", Some(0.95), 0.999).color, Color::Bad);
        assert_eq!(uptime("x", None, 0.999).message, "—");
    }

    #[test]
    fn the_svg_escapes_server_text_and_sizes_to_it() {
        let svg = svg(&status("<script>&", "down"));
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(svg.contains("&lt;script&gt;&amp;: down"), "{svg}");
        assert!(!svg.contains("<script>"));
        let quoted = super::svg(&status("a\"b'\u{202e}c", "up"));
        assert!(quoted.contains("a&quot;b&#39;c: up"), "{quoted}");
        let short = super::svg(&status("a", "up"));
        let long = super::svg(&status("a much longer server name", "up"));
        let width = |svg: &str| -> u32 {
            let start = svg.find("width=\"").unwrap() + 7;
            svg[start..].split('"').next().unwrap().parse().unwrap()
        };
        assert!(width(&long) > width(&short) + 100);
        assert_eq!(
            shields(&status("api", "up")),
            json!({"schemaVersion": 1, "label": "api", "message": "up", "color": "brightgreen"})
        );
    }
}
