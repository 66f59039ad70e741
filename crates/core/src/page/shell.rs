//! What every page shares: the header (the name, the navigation with the current page marked,
//! the theme toggle that `theme.js` handles), the notice when storage needs attention, and the
//! footer. Each function draws the content of one element of the page's frame.

use super::markup::{el, Node};

/// The sections the navigation links to: `(id, href, label)`. The on-call console is a page of
/// its own beside this one (`console/`).
pub const SECTIONS: [(&str, &str, &str); 6] = [
    ("status", "#/", "Status"),
    ("review", "#/review", "Review"),
    ("check", "#/check", "Quick check"),
    ("monitors", "#/monitors", "My monitors"),
    ("settings", "#/settings", "Settings"),
    ("oncall", "console/", "On call"),
];

/// The content of `<header class="site-header">`; `current` is one of the `SECTIONS` ids, and
/// `unacknowledged` the morning review's findings nobody acknowledged yet (shown when any).
pub fn header(current: &str, unacknowledged: usize) -> Vec<Node> {
    let links = SECTIONS.iter().map(|(id, href, label)| {
        let mut link = el("a").attr("href", *href);
        if *id == current {
            link = link.attr("aria-current", "page");
        }
        if *id == "review" && unacknowledged > 0 {
            return link
                .attr(
                    "aria-label",
                    format!("{label}: {unacknowledged} not acknowledged"),
                )
                .text(*label)
                .child(
                    el("span")
                        .class("count")
                        .attr("aria-hidden", "true")
                        .text(unacknowledged.to_string()),
                )
                .into();
        }
        link.text(*label).into()
    });
    frame("#/", links.collect())
}

/// The name (linking `home`), the navigation's `links`, the theme toggle.
fn frame(home: &str, links: Vec<Node>) -> Vec<Node> {
    let brand = el("a")
        .class("brand")
        .attr("href", home)
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
        let html: String = header("check", 0).iter().map(to_html).collect();
        assert!(
            html.contains(r##"<a href="#/check" aria-current="page">Quick check</a>"##),
            "{html}"
        );
        assert_eq!(html.matches("aria-current").count(), 1, "{html}");
        assert!(
            html.contains(r##"<a href="#/review">Review</a>"##),
            "{html}"
        );
    }

    #[test]
    fn the_review_link_counts_what_nobody_acknowledged() {
        let html: String = header("status", 3).iter().map(to_html).collect();
        assert!(
            html.contains(r##"<a href="#/review" aria-label="Review: 3 not acknowledged">Review<span class="count" aria-hidden="true">3</span></a>"##),
            "{html}"
        );
    }

    #[test]
    fn a_notice_is_text_and_can_be_dismissed() {
        let html = to_html(&notice("<b>disk</b> full"));
        assert!(html.contains("&lt;b&gt;disk&lt;/b&gt; full"), "{html}");
        assert!(html.contains(r#"data-action="dismiss""#), "{html}");
    }
}
