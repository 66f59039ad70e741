//! What every page shares: the header (the name, the navigation with the current page marked,
//! the theme toggle that `theme.js` handles), the notice when storage needs attention, and the
//! footer. Each function draws the content of one element of the page's frame.

use super::markup::{el, Node};

/// The sections the navigation links to: `(id, href, label)`.
pub const SECTIONS: [(&str, &str, &str); 4] = [
    ("status", "#/", "Status"),
    ("check", "#/check", "Quick check"),
    ("monitors", "#/monitors", "My monitors"),
    ("settings", "#/settings", "Settings"),
];

/// The content of `<header class="site-header">`; `current` is one of the `SECTIONS` ids.
pub fn header(current: &str) -> Vec<Node> {
    let links = SECTIONS.iter().map(|(id, href, label)| {
        let link = el("a").attr("href", *href);
        let link = if *id == current {
            link.attr("aria-current", "page")
        } else {
            link
        };
        link.text(*label).into()
    });
    let brand = el("a")
        .class("brand")
        .attr("href", "#/")
        .child(
            el("span")
                .class("brand-mark")
                .attr("aria-hidden", "true")
                .text("◉"),
        )
        .text("mcp-status");
    let nav = el("nav")
        .attr("aria-label", "Main")
        .children(links)
        // Labelled and handled by theme.js, which sets the theme before the first paint.
        .child(
            el("button")
                .attr("type", "button")
                .class("theme-toggle")
                .attr("data-theme-toggle", "")
                .text("Theme"),
        );
    vec![brand.into(), nav.into()]
}

/// A problem the user should know about (storage unavailable, disk full…), until dismissed
/// (`data-action="dismiss"`).
pub fn notice(text: &str) -> Node {
    el("div")
        .class("notice")
        .attr("role", "alert")
        .child(el("p").text(text))
        .child(
            el("button")
                .attr("type", "button")
                .class("link-button")
                .attr("data-action", "dismiss")
                .text("Dismiss"),
        )
        .into()
}

/// The content of `<footer class="site-footer">`.
pub fn footer() -> Node {
    el("p")
        .text("Checks run in your browser. Servers must allow this page with CORS to be checked from here.")
        .into()
}

#[cfg(test)]
mod tests {
    use super::super::markup::to_html;
    use super::*;

    #[test]
    fn only_the_current_section_is_marked() {
        let html: String = header("check").iter().map(to_html).collect();
        assert!(
            html.contains(r##"<a href="#/check" aria-current="page">Quick check</a>"##),
            "{html}"
        );
        assert_eq!(html.matches("aria-current").count(), 1, "{html}");
    }

    #[test]
    fn a_notice_is_text_and_can_be_dismissed() {
        let html = to_html(&notice("<b>disk</b> full"));
        assert!(html.contains("&lt;b&gt;disk&lt;/b&gt; full"), "{html}");
        assert!(html.contains(r#"data-action="dismiss""#), "{html}");
    }
}
