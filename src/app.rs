//! The page shell: header, the current view, footer.

use crate::components::quick_check::QuickCheck;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="#/">
                <span class="brand-mark" aria-hidden="true">"◉"</span>
                "mcp-status"
            </a>
        </header>
        <main>
            <QuickCheck />
        </main>
        <footer class="site-footer">
            <p>"Checks run in your browser. Servers must allow this page with CORS to be checked from here."</p>
        </footer>
    }
}
