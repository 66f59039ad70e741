//! Renders the core's markup trees (`mcp_status_core::page::markup`) into the DOM, and on each
//! new tree patches only what changed: text, attributes, added or removed children. Focus,
//! hover and what scripts changed in place (a roving `tabindex`) survive a re-render.
//!
//! Text becomes text nodes, never markup; URL attributes that are not http(s) or relative are
//! left out, whatever the tree says.

use mcp_status_core::page::markup::{is_url_attribute, safe_url, Node};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

const SVG: &str = "http://www.w3.org/2000/svg";

/// Makes `tree` the content of `root`, given the tree rendered there last (`shown`, updated).
pub fn render(root: &web_sys::Element, shown: &mut Vec<Node>, tree: Vec<Node>) {
    patch_children(root, shown, &tree, false);
    *shown = tree;
}

fn patch_children(parent: &web_sys::Element, old: &[Node], new: &[Node], svg: bool) {
    let mut current = parent.first_child();
    for (index, node) in new.iter().enumerate() {
        if let (Some(before), Some(dom)) = (old.get(index), current.clone()) {
            current = dom.next_sibling();
            patch_node(parent, &dom, before, node, svg);
            continue;
        }
        // Past the children rendered last time: what else is in the DOM is not ours (the
        // framework leaves a marker in an empty element), and goes before ours come.
        remove_from(parent, current.take());
        if let Some(created) = create(node, svg) {
            let _ = parent.append_child(&created);
        }
    }
    remove_from(parent, current);
}

/// Removes `first` and every sibling after it.
fn remove_from(parent: &web_sys::Element, first: Option<web_sys::Node>) {
    let mut current = first;
    while let Some(extra) = current {
        current = extra.next_sibling();
        let _ = parent.remove_child(&extra);
    }
}

fn patch_node(parent: &web_sys::Element, dom: &web_sys::Node, old: &Node, new: &Node, svg: bool) {
    if old == new {
        return;
    }
    match (old, new) {
        (Node::Text(_), Node::Text(text)) => dom.set_node_value(Some(text)),
        // Drawn once and shared: nothing in it can have changed.
        (Node::Element(before), Node::Element(after)) if before.same(after) => {}
        (Node::Element(before), Node::Element(after)) if before.tag == after.tag => {
            let element: &web_sys::Element = dom.unchecked_ref();
            for (name, _) in &before.attrs {
                if after.get(name).is_none() {
                    let _ = element.remove_attribute(name);
                }
            }
            for (name, value) in &after.attrs {
                if before.get(name) != Some(value.as_str()) {
                    set_attribute(element, name, value);
                }
            }
            // Once clicked, a checkbox follows its `checked` property, not the attribute: the
            // tree's word is put there too (a preset, another tab, a row that moved up).
            if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
                input.set_checked(after.get("checked").is_some());
            }
            let svg = svg || after.tag == "svg";
            patch_children(element, &before.children, &after.children, svg);
        }
        _ => {
            if let Some(created) = create(new, svg) {
                let _ = parent.replace_child(&created, dom);
            }
        }
    }
}

fn create(node: &Node, svg: bool) -> Option<web_sys::Node> {
    let document = web_sys::window()?.document()?;
    match node {
        Node::Text(text) => Some(document.create_text_node(text).into()),
        Node::Element(element) => {
            let (tag, attrs, children) = (&element.tag, &element.attrs, &element.children);
            let svg = svg || *tag == "svg";
            let element = if svg {
                document.create_element_ns(Some(SVG), tag)
            } else {
                document.create_element(tag)
            }
            .ok()?;
            for (name, value) in attrs {
                set_attribute(&element, name, value);
            }
            for child in children {
                if let Some(child) = create(child, svg) {
                    let _ = element.append_child(&child);
                }
            }
            Some(element.into())
        }
    }
}

fn set_attribute(element: &web_sys::Element, name: &str, value: &str) {
    if is_url_attribute(name) && !safe_url(value) {
        let _ = element.remove_attribute(name);
        return;
    }
    let _ = element.set_attribute(name, value);
}

/// The element the event happened in, or its nearest ancestor, matching `selector`: how the
/// rendered trees' controls are handled, by one listener on their container.
pub fn closest(event: &web_sys::Event, selector: &str) -> Option<web_sys::Element> {
    event
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest(selector)
        .ok()?
}

/// The `data-action` of the control the event happened in.
pub fn action_of(event: &web_sys::Event) -> Option<String> {
    closest(event, "[data-action]")?.get_attribute("data-action")
}

/// The value of the input, select or textarea with `id` inside `root`; empty if none.
pub fn input_value(root: &web_sys::Element, id: &str) -> String {
    find(root, id)
        .and_then(|e| js_sys::Reflect::get(&e, &"value".into()).ok())
        .and_then(|value| value.as_string())
        .unwrap_or_default()
}

pub fn set_input_value(root: &web_sys::Element, id: &str, value: &str) {
    if let Some(input) = find(root, id).and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.set_value(value);
    }
}

fn find(root: &web_sys::Element, id: &str) -> Option<web_sys::Element> {
    root.query_selector(&format!("#{id}")).ok()?
}

/// Whether the checkbox with `id` inside `root` is ticked.
pub fn is_checked(root: &web_sys::Element, id: &str) -> bool {
    find(root, id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|input| input.checked())
}

/// A new, empty `<tag>` with `attrs`: the frame the trees are drawn into.
pub fn element(tag: &str, attrs: &[(&str, &str)]) -> web_sys::Element {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .unwrap_or_else(|| unreachable!("the page runs in a window"));
    let element = document
        .create_element(tag)
        .unwrap_or_else(|_| unreachable!("a valid tag name"));
    for (name, value) in attrs {
        let _ = element.set_attribute(name, value);
    }
    element
}

/// Calls `handler` on every `name` event inside `target`, for as long as the page lives. The
/// handler comes boxed: one copy of the glue for every listener.
pub fn on(target: &web_sys::Element, name: &str, handler: impl Fn(&web_sys::Event) + 'static) {
    listen(target, name, Box::new(handler));
}

fn listen(target: &web_sys::Element, name: &str, handler: Box<dyn Fn(&web_sys::Event)>) {
    let callback =
        Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| handler(&event));
    let _ = target.add_event_listener_with_callback(name, callback.as_ref().unchecked_ref());
    callback.forget();
}

/// The document's title: what the tab and the history show.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}
