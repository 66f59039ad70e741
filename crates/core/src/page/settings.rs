//! Settings: what the history takes in this browser, export and import, how long raw probes
//! are kept, and deleting it all. The page handles the forms and the two buttons
//! (`data-action="export"`, `data-action="wipe"`).

use super::markup::{el, Node};
use crate::monitor::store::MIN_ROLLUP_DAYS;
use crate::text::decimal;

pub struct SettingsView<'a> {
    /// `(bytes used, bytes allowed)`, when the browser says.
    pub usage: Option<(f64, f64)>,
    pub persisted: Option<bool>,
    pub raw_days: u32,
    /// The last import's outcome: `(ok, message)`.
    pub import_result: Option<(bool, &'a str)>,
    /// Imports finished so far, so a script can tell a new result from the last one.
    pub imports: u32,
    pub busy: bool,
}

pub fn settings(view: &SettingsView) -> Node {
    let usage = match view.usage {
        Some((used, quota)) => format!("{} of {} allowed", bytes(used), bytes(quota)),
        None => "unknown".to_owned(),
    };
    let persisted = match view.persisted {
        Some(true) => "yes (persistent storage granted)",
        Some(false) => "not guaranteed (the browser may clear it when space runs low)",
        None => "…",
    };
    let mut import_button = el("button").attr("type", "submit");
    if view.busy {
        import_button = import_button.attr("disabled", "");
    }
    let mut result = el("p")
        .class("import-result")
        .attr("role", "status")
        .attr("data-imports", view.imports.to_string());
    if let Some((ok, message)) = view.import_result {
        result = result
            .attr("data-ok", if ok { "true" } else { "false" })
            .text(message);
    }
    el("div")
        .child(el("h1").attr("id", "settings-title").text("Settings"))
        .child(el("h2").text("History in this browser"))
        .child(
            el("dl")
                .class("facts")
                .child(el("dt").text("Storage used"))
                .child(el("dd").class("storage-used").text(usage))
                .child(el("dt").text("Kept under storage pressure"))
                .child(el("dd").text(persisted)),
        )
        .child(
            el("p")
                .child(
                    el("button")
                        .attr("type", "button")
                        .class("export")
                        .attr("data-action", "export")
                        .text("Export history"),
                )
                .text(" One probe per line (NDJSON), the format ")
                .child(el("code").text("mcp-status replay"))
                .text(" reads."),
        )
        .child(
            el("form")
                .class("import")
                .child(
                    el("label")
                        .attr("for", "import-file")
                        .text("Import a history file"),
                )
                .child(
                    el("input")
                        .attr("id", "import-file")
                        .attr("type", "file")
                        .attr("accept", ".ndjson,.jsonl,.json,.txt,application/x-ndjson"),
                )
                .child(
                    el("label")
                        .class("checkbox")
                        .child(el("input").attr("id", "skip-bad").attr("type", "checkbox"))
                        .text(" Skip bad lines"),
                )
                .child(import_button.text("Import"))
                .child(result),
        )
        .child(
            el("form")
                .class("retention")
                .child(
                    el("label")
                        .attr("for", "raw-days")
                        .text("Keep raw probes for (days)"),
                )
                .child(
                    el("input")
                        .attr("id", "raw-days")
                        .attr("type", "number")
                        .attr("min", "1")
                        .attr("max", MIN_ROLLUP_DAYS.to_string())
                        .attr("value", view.raw_days.to_string()),
                )
                .child(el("button").attr("type", "submit").text("Save"))
                .child(el("p").class("muted").text(format!(
                    "Hourly and daily rollups are kept {MIN_ROLLUP_DAYS} days, so uptimes and \
                     the daily bars outlive raw probes."
                ))),
        )
        .child(
            el("p").child(
                el("button")
                    .attr("type", "button")
                    .class("danger wipe")
                    .attr("data-action", "wipe")
                    .text("Delete all history"),
            ),
        )
        .into()
}

/// A byte count for people: `12 KB`, `3.4 MB`.
pub fn bytes(n: f64) -> String {
    match n {
        n if n >= 1e9 => format!("{} GB", decimal(n / 1e9, 1)),
        n if n >= 1e6 => format!("{} MB", decimal(n / 1e6, 1)),
        n if n >= 1e3 => format!("{} KB", decimal(n / 1e3, 0)),
        n => format!("{} B", decimal(n, 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_and_the_last_import_are_shown() {
        let tree = settings(&SettingsView {
            usage: Some((12_345.0, 2.5e9)),
            persisted: Some(false),
            raw_days: 30,
            import_result: Some((false, "line 7: bad")),
            imports: 2,
            busy: true,
        });
        let used = tree.find_all("storage-used")[0];
        assert_eq!(
            Node::from(used.clone()).text_content(),
            "12 KB of 2.5 GB allowed"
        );
        let result = tree.find_all("import-result")[0];
        assert_eq!(result.get("data-ok"), Some("false"));
        assert_eq!(result.get("data-imports"), Some("2"));
        assert!(super::super::markup::to_html(&tree).contains("disabled"));
    }
}
