//! The page shell: header with navigation, a notice when storage needs attention, the page the
//! route names, footer. Every page stays mounted (hidden when not shown), so a check or a form
//! in progress survives a visit elsewhere.

use crate::browser::location::{current_route, on_route_change};
use crate::components::detail_page::DetailPage;
use crate::components::monitors::MonitorsPage;
use crate::components::quick_check::QuickCheck;
use crate::components::settings::SettingsPage;
use crate::components::status_page::StatusPage;
use crate::live::Live;
use crate::route::Route;
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Status,
    Detail,
    Check,
    Monitors,
    Settings,
}

fn page_of(route: &Route) -> Page {
    match route {
        Route::Status | Route::Review => Page::Status,
        Route::Server(_) => Page::Detail,
        Route::QuickCheck | Route::Check { .. } => Page::Check,
        Route::Monitors | Route::AddMonitor(_) => Page::Monitors,
        Route::Settings => Page::Settings,
    }
}

#[component]
pub fn App() -> impl IntoView {
    let page = RwSignal::new(page_of(&current_route()));
    on_route_change(move |route| page.set(page_of(&route)));
    let live = Live::new();
    live.start();
    // One closure type for each attribute, whatever the page: one copy of its code.
    let current = move |p: Page| move || (page.get() == p).then_some("page");
    let hidden = move |p: Page| move || page.get() != p;

    view! {
        <header class="site-header">
            <a class="brand" href="#/">
                <span class="brand-mark" aria-hidden="true">"◉"</span>
                "mcp-status"
            </a>
            <nav aria-label="Main">
                <a href="#/" aria-current=move || (page.get() == Page::Status || page.get() == Page::Detail).then_some("page")>"Status"</a>
                <a href="#/check" aria-current=current(Page::Check)>"Quick check"</a>
                <a href="#/monitors" aria-current=current(Page::Monitors)>"My monitors"</a>
                <a href="#/settings" aria-current=current(Page::Settings)>"Settings"</a>
                // Labelled and handled by theme.js, which sets the theme before the first paint.
                <button type="button" class="theme-toggle" data-theme-toggle="">"Theme"</button>
            </nav>
        </header>
        <main>
            {move || {
                live.notice
                    .get()
                    .map(|notice| {
                        view! {
                            <div class="notice" role="alert">
                                <p>{notice}</p>
                                <button type="button" class="link-button" on:click=move |_| live.notice.set(None)>
                                    "Dismiss"
                                </button>
                            </div>
                        }
                    })
            }}
            <div hidden=hidden(Page::Status)>
                <StatusPage live />
            </div>
            <div hidden=hidden(Page::Detail)>
                <DetailPage live />
            </div>
            <div hidden=hidden(Page::Check)>
                <QuickCheck />
            </div>
            <div hidden=hidden(Page::Monitors)>
                <MonitorsPage live />
            </div>
            <div hidden=hidden(Page::Settings)>
                <SettingsPage live shown=Signal::derive(move || page.get() == Page::Settings) />
            </div>
        </main>
        <footer class="site-footer">
            <p>"Checks run in your browser. Servers must allow this page with CORS to be checked from here."</p>
        </footer>
    }
}
