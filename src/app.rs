//! The page's frame: header with navigation, a notice when storage needs attention, the page
//! the route names, footer. Every page stays in the document (hidden when not shown), so a
//! check or a form in progress survives a visit elsewhere.
//!
//! Leptos gives the app its reactive state (signals, effects, the owner that holds them, the
//! executor that runs them); the elements are drawn by the core and patched by
//! `browser::dom`, so the frame is a few elements made here.

use crate::browser::dom;
use crate::browser::location::{current_route, on_route_change};
use crate::components::detail_page::detail_page;
use crate::components::monitors::monitors_page;
use crate::components::quick_check::quick_check;
use crate::components::review_page::review_page;
use crate::components::settings::settings_page;
use crate::components::status_page::status_page;
use crate::components::tree;
use crate::live::Live;
use crate::route::Route;
use leptos::prelude::*;
use mcp_status_core::page::shell;
use mcp_status_core::status::Site;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Status,
    Detail,
    Review,
    Check,
    Monitors,
    Settings,
}

fn page_of(route: &Route) -> Page {
    match route {
        Route::Status => Page::Status,
        Route::Review => Page::Review,
        Route::Server(_) => Page::Detail,
        Route::QuickCheck | Route::Check { .. } => Page::Check,
        Route::Monitors | Route::AddMonitor(_) => Page::Monitors,
        Route::Settings => Page::Settings,
    }
}

/// The navigation's id of the section a page belongs to (`page::shell::SECTIONS`).
fn section_of(page: Page) -> &'static str {
    match page {
        Page::Status | Page::Detail => "status",
        Page::Review => "review",
        Page::Check => "check",
        Page::Monitors => "monitors",
        Page::Settings => "settings",
    }
}

/// Builds the status page into `parent` and starts it; it lives as long as the owner.
pub fn mount(parent: &web_sys::Element) -> Owner {
    crate::mount_page(parent, build)
}

pub(crate) fn build(parent: &web_sys::Element) {
    let page = RwSignal::new(page_of(&current_route()));
    on_route_change(move |route| page.set(page_of(&route)));
    let live = Live::new();
    live.start();
    // The site's title names the tab, whatever page is shown.
    Effect::new(move |_| {
        if let Site::Loaded(site) = &*live.site.read() {
            dom::set_title(&site.title);
        }
    });
    // The morning review's findings nobody acknowledged: counted in the navigation.
    let unacknowledged = RwSignal::new(0);

    let header = dom::element("header", &[("class", "site-header")]);
    tree::show_all(&header, move || {
        shell::header(section_of(page.get()), unacknowledged.get())
    });

    let main = dom::element("main", &[]);
    let notice = dom::element("div", &[]);
    tree::show_all(&notice, move || {
        live.notice
            .with(|notice| notice.iter().map(|n| shell::notice(n)).collect())
    });
    dom::on(&notice, "click", move |event| {
        if dom::action_of(event).as_deref() == Some("dismiss") {
            live.notice.set(None);
        }
    });
    let _ = main.append_child(&notice);
    let shown = move || page.get() == Page::Settings;
    let pages = [
        (Page::Status, status_page(live)),
        (Page::Detail, detail_page(live)),
        (Page::Review, review_page(live, unacknowledged)),
        (Page::Check, quick_check()),
        (Page::Monitors, monitors_page(live)),
        (Page::Settings, settings_page(live, shown)),
    ];
    for (this, element) in pages {
        let _ = main.append_child(&element);
        Effect::new(move |_| {
            let _ = element.toggle_attribute_with_force("hidden", page.get() != this);
        });
    }

    let footer = dom::element("footer", &[("class", "site-footer")]);
    dom::render(&footer, &mut Vec::new(), vec![shell::footer()]);
    for part in [header, main, footer] {
        let _ = parent.append_child(&part);
    }
}
