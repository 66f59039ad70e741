//! How a page shows trees the core drew: an element of the page's frame, and an effect that
//! draws the tree again whenever a signal it read changes and patches it in (`browser::dom`).

use crate::browser::dom;
use leptos::prelude::*;
use mcp_status_core::page::markup::Node;
use std::cell::RefCell;

/// A page's element, `<section class aria-labelledby>`, for `show` to draw into.
pub fn section(class: &str, title_id: &str) -> web_sys::Element {
    dom::element(
        "section",
        &[("class", class), ("aria-labelledby", title_id)],
    )
}

/// Draws `draw()` into `holder`, and again on every change of what `draw` reads; then calls
/// `after` with the holder (to put values into form fields, which a tree only sets the
/// defaults of).
pub fn show(
    holder: &web_sys::Element,
    draw: impl Fn() -> Node + 'static,
    after: impl Fn(&web_sys::Element) + 'static,
) {
    effect(
        holder.clone(),
        Box::new(move || vec![draw()]),
        Box::new(after),
    );
}

/// `show` for a tree of several nodes side by side.
pub fn show_all(holder: &web_sys::Element, draw: impl Fn() -> Vec<Node> + 'static) {
    effect(holder.clone(), Box::new(draw), Box::new(|_| {}));
}

/// The effect itself, for every page alike: the functions come boxed, so the reactive
/// machinery behind `Effect::new` is compiled once, not once per page.
fn effect(
    holder: web_sys::Element,
    draw: Box<dyn Fn() -> Vec<Node>>,
    after: Box<dyn Fn(&web_sys::Element)>,
) {
    let shown = RefCell::new(Vec::new());
    Effect::new(move |_| {
        dom::render(&holder, &mut shown.borrow_mut(), draw());
        after(&holder);
    });
}
