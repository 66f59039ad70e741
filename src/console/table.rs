//! The console's tables: each scrolls sideways on a narrow screen rather than the page.

use leptos::prelude::*;

/// `<table class>` with its caption, column headings and rows (`children`: the `<tr>`s).
#[component]
pub fn Table(
    class: &'static str,
    headings: &'static [&'static str],
    #[prop(optional)] caption: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let headings = headings
        .iter()
        .map(|heading| view! { <th>{*heading}</th> })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class=class>
                {caption.map(|caption| view! { <caption>{caption}</caption> })}
                <thead>
                    <tr>{headings}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
