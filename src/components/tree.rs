//! How a component shows a tree the core drew: an element the component renders, and an
//! effect that draws the tree again whenever a signal it read changes and patches it in.

use crate::browser::dom;
use leptos::html::Section;
use leptos::prelude::*;
use mcp_status_core::page::markup::Node;

/// Draws `draw()` into `holder` once it is in the page, and again on every change of what
/// `draw` reads; then calls `after` with the holder (to put values into form fields, which a
/// tree only sets the defaults of).
pub fn show(
    holder: NodeRef<Section>,
    draw: impl Fn() -> Node + 'static,
    after: impl Fn(&web_sys::Element) + 'static,
) {
    let shown = StoredValue::new_local(Vec::<Node>::new());
    // The holder is mounted after the effect first runs: its arrival is one more change.
    let mounted = RwSignal::new(false);
    holder.on_load(move |_| mounted.set(true));
    Effect::new(move |_| {
        let tree = draw();
        if !mounted.get() {
            return;
        }
        if let Some(root) = holder.get_untracked() {
            shown.update_value(|shown| dom::render(&root, shown, vec![tree]));
            after(&root);
        }
    });
}
