//! What every page shares: the header (the name, the navigation with the current section
//! marked, the theme toggle that `theme.js` handles), the notice when storage needs attention,
//! and the footer. The status page and the on-call console both use them.

use leptos::prelude::*;

/// A link of the navigation: `(id, href, label)` (`page::SECTIONS`).
pub type Section = (&'static str, &'static str, &'static str);

/// `<header class="site-header">`: the name (linking `home`), the navigation's `sections` with
/// `current` marked, the theme toggle. `unacknowledged`: the morning review's findings nobody
/// acknowledged yet, counted on the review's link when there are any.
#[component]
pub fn SiteHeader(
    home: &'static str,
    sections: &'static [Section],
    #[prop(into)] current: Signal<&'static str>,
    #[prop(optional, into)] unacknowledged: Signal<usize>,
) -> impl IntoView {
    let links = sections
        .iter()
        .map(|&(id, href, label)| {
            let count = move || Some(unacknowledged.get()).filter(|n| id == "review" && *n > 0);
            view! {
                <a
                    href=href
                    aria-current=move || (current.get() == id).then_some("page")
                    aria-label=move || count().map(|n| format!("{label}: {n} not acknowledged"))
                >
                    {label}
                    {move || count().map(|n| view! { <span class="count" aria-hidden="true">{n}</span> })}
                </a>
            }
        })
        .collect_view();
    view! {
        <header class="site-header">
            <a class="brand" href=home>
                <span class="brand-mark" aria-hidden="true">"◉"</span>
                "mcp-status"
            </a>
            <nav aria-label="Main">
                {links}
                // Labelled and handled by theme.js, which sets the theme before the first paint.
                <button type="button" class="theme-toggle" data-theme-toggle="">"Theme"</button>
            </nav>
        </header>
    }
}

/// A problem the user should know about (storage unavailable, disk full…), until dismissed.
#[component]
pub fn Notice(notice: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        // A notice may quote a server's or a file's text.
        notice.get().map(mcp_status_core::text::without_format).map(|text| {
            view! {
                <div class="notice" role="alert">
                    <p>{text}</p>
                    <button type="button" class="link-button" on:click=move |_| notice.set(None)>
                        "Dismiss"
                    </button>
                </div>
            }
        })
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>
                "Checks run in your browser. Servers must allow this page with CORS to be checked from here."
            </p>
        </footer>
    }
}
