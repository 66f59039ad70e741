//! "My monitors": the servers the user watches from this browser, to add, edit and remove.
//! Their status rows are on the overview. The page handles the form and the buttons
//! (`data-action="edit"` / `"remove"` with `data-server`).

use super::markup::{el, Node};
use crate::status::ServerView;

/// Cadences offered, in seconds.
pub const CADENCES: [(u32, &str); 5] = [
    (15, "every 15 s"),
    (30, "every 30 s"),
    (60, "every minute"),
    (300, "every 5 minutes"),
    (900, "every 15 minutes"),
];

pub struct MonitorsView<'a> {
    /// Which tab probes: `(data-prober, sentence)`.
    pub prober: (&'static str, &'static str),
    /// The user's monitors and servers known from imported history.
    pub monitors: &'a [&'a ServerView],
    /// The monitor being edited (its name is its history's key and cannot change).
    pub editing: Option<&'a str>,
    pub error: Option<&'a str>,
}

pub fn monitors(view: &MonitorsView) -> Node {
    let items = view.monitors.iter().map(|monitor| {
        let (what, probed) = match monitor.cadence_s {
            Some(cadence) => (format!("every {cadence} s"), true),
            None => ("imported history, not probed here".to_owned(), false),
        };
        let button = |action: &'static str, label: &'static str| {
            el("button")
                .attr("type", "button")
                .class("link-button")
                .attr("data-action", action)
                .attr("data-server", monitor.server.clone())
                .text(label)
        };
        let mut item = el("li")
            .class("monitor")
            .attr("data-server", monitor.server.clone())
            .child(
                el("strong")
                    .class("monitor-name")
                    .text(monitor.server.clone()),
            )
            .child(el("span").class("url").text(monitor.url.clone()))
            .child(el("span").class("muted").text(what));
        if probed {
            item = item.child(
                el("span")
                    .class("actions")
                    .child(button("edit", "Edit"))
                    .child(button("remove", "Remove")),
            );
        }
        item.into()
    });
    let options = CADENCES.iter().map(|(seconds, label)| {
        el("option")
            .attr("value", seconds.to_string())
            .text(*label)
            .into()
    });
    let mut name = el("input")
        .attr("id", "monitor-name")
        .attr("name", "name")
        .attr("autocomplete", "off");
    if view.editing.is_some() {
        name = name.attr("readonly", "");
    }
    let heading = match view.editing {
        Some(server) => format!("Edit “{server}”"),
        None => "Add a monitor".to_owned(),
    };
    let mut form = el("form")
        .class("add-monitor")
        .attr("novalidate", "")
        .child(el("h2").text(heading))
        .child(el("label").attr("for", "monitor-name").text("Name"))
        .child(name)
        .child(
            el("label")
                .attr("for", "monitor-url")
                .text("MCP server URL"),
        )
        .child(
            el("input")
                .attr("id", "monitor-url")
                .attr("name", "url")
                .attr("type", "url")
                .attr("inputmode", "url")
                .attr("spellcheck", "false")
                .attr("placeholder", "https://example.com/mcp"),
        )
        .child(el("label").attr("for", "monitor-cadence").text("Probe"))
        .child(el("select").attr("id", "monitor-cadence").children(options))
        .child(
            el("p")
                .class("field-error")
                .attr("role", "alert")
                .text(view.error.unwrap_or_default()),
        )
        .child(
            el("button")
                .attr("type", "submit")
                .text(match view.editing {
                    Some(_) => "Save",
                    None => "Add monitor",
                }),
        );
    if view.editing.is_some() {
        form = form.child(
            el("button")
                .attr("type", "button")
                .class("link-button")
                .attr("data-action", "cancel")
                .text("Cancel"),
        );
    }
    el("div")
        .child(el("h1").attr("id", "monitors-title").text("My monitors"))
        .child(el("p").class("lede").text(
            "Servers this browser probes while the page is open, shown on the status page apart \
             from the published ones. Their history stays in this browser; time when no tab was \
             open counts as no data, never as up.",
        ))
        .child(
            el("p")
                .class("prober")
                .attr("data-prober", view.prober.0)
                .text(view.prober.1),
        )
        .child(el("ul").class("monitor-list").children(items))
        .child(form)
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Source;

    fn server(name: &str, cadence_s: Option<u32>) -> ServerView {
        let mut view = ServerView::empty(name, "https://a.example/mcp", Source::Local, 0);
        view.cadence_s = cadence_s;
        view
    }

    #[test]
    fn probed_monitors_can_be_edited_and_removed_imported_ones_cannot() {
        let (probed, imported) = (server("a", Some(60)), server("b", None));
        let tree = monitors(&MonitorsView {
            prober: ("this-tab", "This tab probes your monitors."),
            monitors: &[&probed, &imported],
            editing: Some("a"),
            error: None,
        });
        let items = tree.find_all("monitor");
        assert_eq!(items.len(), 2);
        let actions = |item: &super::super::markup::Element| {
            Node::from(item.clone()).find_all("actions").len()
        };
        assert_eq!(actions(items[0]), 1);
        assert_eq!(actions(items[1]), 0);
        assert!(tree.text_content().contains("Edit “a”"));
        assert!(super::super::markup::to_html(&tree).contains("readonly"));
    }
}
