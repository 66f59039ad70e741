//! The page's frame: header with navigation, a notice when storage needs attention, the screen
//! the route names, footer. Every screen stays in the document (hidden when not shown), so a
//! check or a form in progress survives a visit elsewhere.
//!
//! The app's state is provided here once (`provide_context`): the route (`route::provide`),
//! the live monitoring state (`state::Live`), the morning review's count.

use crate::components::frame::{Notice, SiteFooter, SiteHeader};
use crate::components::monitors::monitors_page;
use crate::components::quick_check::quick_check;
use crate::components::settings::settings_page;
use crate::components::status_page::status_page;
use crate::route::{self, Route};
use crate::screens::{review::ReviewScreen, server::ServerScreen};
use crate::state::Live;
use leptos::html;
use leptos::prelude::*;
use mcp_status_core::page::shell::SECTIONS;
use mcp_status_core::status::Site;

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

    /// The navigation's id of the section a screen belongs to (`page::shell::SECTIONS`).
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

/// The morning review's findings nobody acknowledged: counted in the navigation.
#[derive(Clone, Copy)]
pub struct Unacknowledged(pub RwSignal<usize>);

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
    live.start();
    let unacknowledged = RwSignal::new(0);
    provide_context(Unacknowledged(unacknowledged));
    // The site's title names the tab, whatever screen is shown.
    Effect::new(move |_| {
        if let Site::Loaded(site) = &*live.site.read() {
            document().set_title(&site.title);
        }
    });

    // Screens still drawn by the core (`components::tree`): made here, put into <main>.
    let shown = move || screen.get() == Screen::Settings;
    let drawn = [
        (Screen::Status, status_page(live)),
        (Screen::Check, quick_check()),
        (Screen::Monitors, monitors_page(live)),
        (Screen::Settings, settings_page(live, shown)),
    ];
    for (this, element) in &drawn {
        let (this, element) = (*this, element.clone());
        Effect::new(move |_| {
            let _ = element.toggle_attribute_with_force("hidden", screen.get() != this);
        });
    }
    let main = NodeRef::<html::Main>::new();
    main.on_load(move |main| {
        for (_, element) in drawn {
            let _ = main.append_child(&element);
        }
    });

    view! {
        <SiteHeader
            home="#/"
            sections=&SECTIONS
            current=Signal::derive(move || screen.get().section())
            unacknowledged=unacknowledged
        />
        <main node_ref=main>
            <Notice notice=live.notice />
            <ServerScreen hidden=Signal::derive(move || screen.get() != Screen::Server) />
            <ReviewScreen hidden=Signal::derive(move || screen.get() != Screen::Review) />
        </main>
        <SiteFooter />
    }
}
