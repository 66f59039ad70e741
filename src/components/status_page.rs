//! The status page: the site's title and links, one banner over every published server, the
//! servers by group, then the user's own monitors, apart. Everything it shows comes from
//! `Live`; the rules (conditions, banner, day colours) are the core's.

use crate::components::server_row::server_row;
use crate::live::{now, Live, ServerView, Site, Source};
use leptos::prelude::*;
use mcp_status_core::site::{Group, SiteConfig};
use mcp_status_core::status::{Banner, Window};
use std::sync::Arc;

#[component]
pub fn StatusPage(live: Live) -> impl IntoView {
    let window = RwSignal::new(Window::Day);
    let clock = RwSignal::new(now());
    let ticker = gloo_timers::callback::Interval::new(1_000, move || clock.set(now()));
    // The page lives as long as the app: so does its clock.
    ticker.forget();

    let config = move || match live.site.get() {
        Site::Loaded(site) => Some(site),
        _ => None,
    };
    Effect::new(move |_| {
        if let (Some(site), Some(document)) = (config(), web_sys::window().and_then(|w| w.document())) {
            document.set_title(&site.title);
        }
    });

    let banner = move || {
        let published = live.site.with(|site| matches!(site, Site::Loaded(_)));
        let banner = live.servers.with(|servers| {
            Banner::of(
                servers
                    .iter()
                    .filter(|s| !published || matches!(s.source, Source::Site { .. }))
                    .map(|s| s.condition),
            )
        });
        view! {
            <div class="banner" role="status" data-banner=banner.as_str()>
                <span class="banner-icon" aria-hidden="true">{banner_icon(banner)}</span>
                <strong>{banner.headline()}</strong>
            </div>
        }
    };

    let groups = move || {
        let site = config();
        let chosen = window.get();
        let servers = live.servers.get();
        let (published, mine): (Vec<ServerView>, Vec<ServerView>) = servers
            .into_iter()
            .partition(|s| matches!(s.source, Source::Site { .. }));
        let mut sections = Vec::new();
        if let Some(site) = &site {
            for (heading, members) in by_group(site, published) {
                sections.push(group_section(heading, members, chosen, clock));
            }
        }
        let mine_heading = Group {
            name: "My monitors".to_owned(),
            description: Some(
                "Servers you added in this browser. Only you see them; their history stays here."
                    .to_owned(),
            ),
        };
        if !mine.is_empty() || site.is_none() {
            sections.push(group_section(Some(mine_heading), mine, chosen, clock));
        }
        sections
    };

    view! {
        <section class="status" aria-labelledby="status-title">
            {move || intro(live.site.get())}
            {banner}
            <div class="window-picker" role="group" aria-label="Uptime window">
                {Window::ALL
                    .map(|w| {
                        view! {
                            <button
                                type="button"
                                aria-pressed=move || (window.get() == w).to_string()
                                on:click=move |_| window.set(w)
                            >
                                {w.label()}
                            </button>
                        }
                    })}
            </div>
            {groups}
            <p class="status-links">
                <a href="#/monitors">"Add or remove my monitors"</a>
                " · "
                <a href="#/check">"Check any MCP server"</a>
            </p>
        </section>
    }
}

/// Title, logo, description and links; or what is wrong with `status.json`.
fn intro(site: Site) -> impl IntoView {
    let (title, description, logo, links, problem) = match site {
        Site::Loaded(site) => {
            let SiteConfig {
                title,
                description,
                logo,
                links,
                ..
            } = Arc::unwrap_or_clone(site);
            (title, description, logo, links, None)
        }
        Site::Broken(error) => (
            "Status".to_owned(),
            None,
            None,
            Vec::new(),
            Some(error.to_string()),
        ),
        Site::Missing => (
            "My MCP servers".to_owned(),
            Some(
                "This page has no status.json, so it shows the servers you add in this browser. \
                 To publish a status page, put a status.json next to index.html."
                    .to_owned(),
            ),
            None,
            Vec::new(),
            None,
        ),
        Site::Loading => ("Status".to_owned(), None, None, Vec::new(), None),
    };
    view! {
        <header class="intro">
            {logo.map(|src| view! { <img class="logo" src=src alt="" /> })}
            <h1 id="status-title">{title}</h1>
            <p class="lede">{description}</p>
            <ul class="links">
                {links
                    .into_iter()
                    .map(|link| view! { <li><a href=link.url>{link.title}</a></li> })
                    .collect_view()}
            </ul>
            {problem
                .map(|problem| {
                    view! {
                        <div class="config-error" role="alert">
                            <strong>"status.json has a mistake, so no servers are shown from it:"</strong>
                            <code>{problem}</code>
                        </div>
                    }
                })}
        </header>
    }
}

/// The site's servers by group, in the config's order: those without a group first, under no
/// heading.
fn by_group(site: &SiteConfig, servers: Vec<ServerView>) -> Vec<(Option<Group>, Vec<ServerView>)> {
    let group_of = |view: &ServerView| match &view.source {
        Source::Site { group } => group.clone(),
        _ => None,
    };
    let order = |view: &ServerView| site.servers.iter().position(|s| s.name == view.server);
    let mut servers = servers;
    mcp_status_core::sorted::sort_by_key(&mut servers, order);
    let mut sections = vec![(None, Vec::new())];
    sections.extend(site.groups.iter().map(|g| (Some(g.clone()), Vec::new())));
    for view in servers {
        let group = group_of(&view);
        let index = site
            .groups
            .iter()
            .position(|g| Some(&g.name) == group.as_ref())
            .map_or(0, |i| i + 1);
        sections[index].1.push(view);
    }
    sections.retain(|(_, members)| !members.is_empty());
    sections
}

fn group_section(
    heading: Option<Group>,
    members: Vec<ServerView>,
    window: Window,
    clock: RwSignal<i64>,
) -> impl IntoView {
    let (name, description) = heading.map_or((None, None), |g| (Some(g.name), g.description));
    let empty = members.is_empty().then(|| view! { <p class="muted">"None yet."</p> });
    view! {
        <section class="group">
            {name.map(|name| view! { <h2>{name}</h2> })}
            <p class="group-description">{description}</p>
            <ul class="servers">
                {members.into_iter().map(|s| server_row(s, window, clock)).collect_view()}
            </ul>
            {empty}
        </section>
    }
}

fn banner_icon(banner: Banner) -> &'static str {
    match banner {
        Banner::Operational => "✓",
        Banner::Degraded => "◐",
        Banner::PartialOutage | Banner::MajorOutage => "✕",
        Banner::Maintenance => "⚒",
        Banner::NoData => "…",
    }
}
