//! The page's frame: header with navigation, a notice when storage needs attention, the screen
//! the route names, footer. Every screen stays in the document (hidden when not shown), so a
//! check or a form in progress survives a visit elsewhere.
//!
//! The app's state is provided here once (`provide_context`): the route (`route::provide`),
//! the live monitoring state (`state::Live`) and the status overview's view of it
//! (`mcp_status_views::status::Overview`), the morning review's count.

use crate::route::{self, Route};
use crate::screens::check::QuickCheck;
use crate::screens::monitors::MyMonitors;
use crate::screens::settings::Settings;
use crate::screens::{review::ReviewScreen, server::ServerScreen};
use crate::state::{Live, Unacknowledged};
use leptos::prelude::*;
use mcp_status_core::page::SECTIONS;
use mcp_status_core::status::Site;
use mcp_status_views::frame::{Notice, SiteFooter, SiteHeader};
use mcp_status_views::status::StatusSection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Status,
    Server,
    Review,
    Check,
    Monitors,
    Settings,
}

impl Screen {
    pub fn of(route: &Route) -> Screen {
        match route {
            Route::Status => Screen::Status,
            Route::Review => Screen::Review,
            Route::Server(_) => Screen::Server,
            Route::QuickCheck | Route::Check { .. } => Screen::Check,
            Route::Monitors | Route::AddMonitor(_) => Screen::Monitors,
            Route::Settings => Screen::Settings,
        }
    }

    /// The navigation's id of the section a screen belongs to (`page::SECTIONS`).
    fn section(self) -> &'static str {
        match self {
            Screen::Status | Screen::Server => "status",
            Screen::Review => "review",
            Screen::Check => "check",
            Screen::Monitors => "monitors",
            Screen::Settings => "settings",
        }
    }
}

/// Mounts the status page into `parent` and starts it; it lives as long as the handle.
pub fn mount(parent: &web_sys::HtmlElement) -> leptos::mount::UnmountHandle<impl Mountable> {
    leptos::mount::mount_to(parent.clone(), App)
}

#[component]
pub fn App() -> impl IntoView {
    let route = route::provide();
    let screen = Memo::new(move |_| Screen::of(&route.get()));
    let live = Live::new();
    provide_context(live);
    provide_context(live.overview());
    live.start();
    let unacknowledged = RwSignal::new(0);
    provide_context(Unacknowledged(unacknowledged));
    // The site's title names the tab, whatever screen is shown.
    Effect::new(move |_| {
        if let Site::Loaded(site) = &*live.site.read() {
            document().set_title(&site.title);
        }
    });

    // The status `mcp-status prerender` wrote into the page stays until the app shows its own:
    // at once on another screen, else once the site and the summary are read (the stylesheet
    // hides the app while it is there: `#prerendered ~ *`).
    Effect::new(move |_| {
        if screen.get() != Screen::Status || live.settled.get() {
            if let Some(prerendered) = document().get_element_by_id("prerendered") {
                prerendered.remove();
            }
        }
    });

    view! {
        <SiteHeader
            home="#/"
            sections=&SECTIONS
            current=Signal::derive(move || screen.get().section())
            unacknowledged=unacknowledged
        />
        <main>
            <Notice notice=live.notice />
            <StatusSection hidden=Signal::derive(move || screen.get() != Screen::Status) />
            <ServerScreen hidden=Signal::derive(move || screen.get() != Screen::Server) />
            <ReviewScreen hidden=Signal::derive(move || screen.get() != Screen::Review) />
            <section
                class="quick-check"
                aria-labelledby="quick-check-title"
                hidden=move || screen.get() != Screen::Check
            >
                <QuickCheck />
            </section>
            <section class="monitors" aria-labelledby="monitors-title" hidden=move || screen.get() != Screen::Monitors>
                <MyMonitors />
            </section>
            <section class="settings" aria-labelledby="settings-title" hidden=move || screen.get() != Screen::Settings>
                <Settings />
            </section>
        </main>
        <SiteFooter />
    }
}
