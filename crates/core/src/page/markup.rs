//! A small tree of elements and text: what the status page's read-only views are built as.
//!
//! Views are pure functions from data to a [`Node`] tree, tested natively; the page renders a
//! tree into the DOM with one function that patches what changed (`src/browser/dom.rs`), and
//! [`to_html`] writes the same tree as escaped HTML. Why not the UI framework's own view
//! macros for these views: every distinct element tree there is its own generic code, and the
//! page must stay under 250 KB; one renderer for every tree costs a few kilobytes in all.
//!
//! Text is always text: [`Node::Text`] becomes a text node (or escaped HTML), never markup,
//! and [`Element::text`] drops Unicode's invisible format characters from it.
//! Attribute names are fixed by the code that builds the tree; URL attributes (`href`, `src`)
//! are dropped unless they are http(s) or relative ([`safe_url`]).

use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// An element behind a shared pointer: views build trees by chains of calls that take and
/// return it, and a pointer is all each call moves (the page is built for size: every moved
/// word is code); a subtree drawn once can be put in every later tree for the price of a
/// pointer, and the renderer skips it without comparing (`Element::same`).
#[derive(Debug, Clone)]
pub struct Element(Arc<Parts>);

impl PartialEq for Element {
    fn eq(&self, other: &Element) -> bool {
        self.same(other) || self.0 == other.0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parts {
    pub tag: &'static str,
    pub attrs: Vec<(&'static str, String)>,
    pub children: Vec<Node>,
}

impl Element {
    /// The very same subtree (not only an equal one).
    pub fn same(&self, other: &Element) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The parts, to change while the element is being built (no one else holds it yet).
    fn parts(&mut self) -> &mut Parts {
        Arc::make_mut(&mut self.0)
    }
}

impl std::ops::Deref for Element {
    type Target = Parts;
    fn deref(&self) -> &Parts {
        &self.0
    }
}

/// An element with no attributes and no children.
#[inline(never)]
pub fn el(tag: &'static str) -> Element {
    Element(Arc::new(Parts {
        tag,
        attrs: Vec::new(),
        children: Vec::new(),
    }))
}

/// An element with a class, the usual start.
pub fn div(class: &'static str) -> Element {
    el("div").class(class)
}

impl Element {
    #[inline(never)]
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Element {
        self.parts().attrs.push((name, value.into()));
        self
    }

    #[inline(never)]
    pub fn class(self, class: &'static str) -> Element {
        self.attr("class", class)
    }

    #[inline(never)]
    pub fn child(mut self, child: impl Into<Node>) -> Element {
        self.parts().children.push(child.into());
        self
    }

    /// A child text node, without format characters (`text::without_format`). Server and
    /// config text (names, errors, tool lists) reaches every view through here: one place
    /// where no view can forget it, so that a right-to-left override in a server's name cannot
    /// turn the rest of its row around, nor a zero-width space make two names look alike.
    #[inline(never)]
    pub fn text(self, text: impl Into<String>) -> Element {
        self.child(Node::Text(crate::text::without_format(text.into())))
    }

    pub fn children(mut self, children: impl IntoIterator<Item = Node>) -> Element {
        self.parts().children.extend(children);
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl From<Element> for Node {
    fn from(element: Element) -> Node {
        Node::Element(element)
    }
}

impl Node {
    pub fn as_element(&self) -> Option<&Element> {
        match self {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        }
    }

    /// All the text inside, in document order.
    pub fn text_content(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        match self {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => e.children.iter().for_each(|c| c.collect_text(out)),
        }
    }

    /// Every element in the tree (this one included) whose `class` attribute holds `class`.
    pub fn find_all<'a>(&'a self, class: &str) -> Vec<&'a Element> {
        let mut found = Vec::new();
        self.walk(&mut |e| {
            if e.get("class")
                .is_some_and(|c| c.split(' ').any(|c| c == class))
            {
                found.push(e);
            }
        });
        found
    }

    pub fn walk<'a>(&'a self, visit: &mut impl FnMut(&'a Element)) {
        if let Node::Element(e) = self {
            visit(e);
            e.children.iter().for_each(|c| c.walk(visit));
        }
    }
}

/// Whether `url` may go into `href` or `src`: http(s), or relative to the page (a path or a
/// `#/route`). Never `javascript:`, `data:` or any other scheme.
pub fn safe_url(url: &str) -> bool {
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

/// Whether an attribute carries a URL the browser would follow or load.
pub fn is_url_attribute(name: &str) -> bool {
    matches!(
        name,
        "href" | "src" | "action" | "formaction" | "xlink:href"
    )
}

/// The tree as HTML, every text and attribute value escaped.
pub fn to_html(node: &Node) -> String {
    let mut out = String::new();
    write_html(node, &mut out);
    out
}

fn write_html(node: &Node, out: &mut String) {
    match node {
        Node::Text(t) => escape(t, out),
        Node::Element(e) => {
            out.push('<');
            out.push_str(e.tag);
            for (name, value) in &e.attrs {
                if is_url_attribute(name) && !safe_url(value) {
                    continue;
                }
                out.push(' ');
                out.push_str(name);
                out.push_str("=\"");
                escape(value, out);
                out.push('"');
            }
            out.push('>');
            e.children.iter().for_each(|c| write_html(c, out));
            out.push_str("</");
            out.push_str(e.tag);
            out.push('>');
        }
    }
}

fn escape(text: &str, out: &mut String) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_hostile_urls_are_dropped() {
        let tree: Node = el("p")
            .class("x")
            .attr("title", "\"><script>")
            .text("<img src=x onerror=alert(1)>")
            .child(el("a").attr("href", "javascript:alert(1)").text("a"))
            .child(el("a").attr("href", "#/server/a").text("b"))
            .into();
        assert_eq!(
            to_html(&tree),
            "<p class=\"x\" title=\"&quot;&gt;&lt;script&gt;\">&lt;img src=x onerror=alert(1)&gt;\
             <a>a</a><a href=\"#/server/a\">b</a></p>"
        );
    }

    #[test]
    fn text_nodes_lose_format_characters() {
        let tree: Node = el("p")
            .text("api\u{202E}lmth.exe")
            .child(el("code").text("every\u{200B}one\u{2066}"))
            .text("plain")
            .into();
        assert_eq!(tree.text_content(), "apilmth.exeeveryoneplain");
        assert_eq!(
            to_html(&tree),
            "<p>apilmth.exe<code>everyone</code>plain</p>"
        );
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

    #[test]
    fn trees_can_be_searched() {
        let tree: Node = div("a")
            .child(el("span").class("b c").text("one"))
            .child(div("c").text("two"))
            .into();
        assert_eq!(tree.find_all("c").len(), 2);
        assert_eq!(tree.text_content(), "onetwo");
    }
}
