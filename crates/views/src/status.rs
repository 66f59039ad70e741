//! The status overview (`#/`): the site's title and links (or what is wrong with
//! `status.json`), one banner over the published servers, the maintenance under way and
//! coming, the uptime window picker, the servers by group, then the user's own monitors.
//! What it says is the core's (`view::overview`); rows are keyed by server, so a row keeps its
//! elements (focus, hover) across rounds.

use crate::server_row::ServerRow;
use leptos::prelude::*;
use mcp_status_core::monitor::config::MaintenanceWindow;
use mcp_status_core::monitor::record::Millis;
use mcp_status_core::status::{ServerView, Site, Window};
use mcp_status_core::view::overview::{self, Group};

/// What the overview shows, as signals (provided as context): the page fills them from its
/// live state, the prerenderer from the runner's summary.
#[derive(Clone, Copy)]
pub struct Overview {
    pub site: Signal<Site>,
    pub servers: Signal<Vec<ServerView>>,
    /// Every watched server's maintenance windows.
    pub maintenance: Signal<Vec<(String, MaintenanceWindow)>>,
    /// The wall clock the relative times ("12 s ago") are read against.
    pub clock: Signal<Millis>,
}

/// The overview's section of the page, hidden while another screen is shown.
#[component]
pub fn StatusSection(#[prop(into)] hidden: Signal<bool>) -> impl IntoView {
    view! {
        <section class="status" aria-labelledby="status-title" hidden=hidden>
            <StatusScreen />
        </section>
    }
}

#[component]
pub fn StatusScreen() -> impl IntoView {
    let shown = expect_context::<Overview>();
    let window = RwSignal::new(Window::Day);
    let banner = Memo::new(move |_| {
        shown.site.with(|site| {
            shown
                .servers
                .with(|servers| overview::banner(site, servers))
        })
    });
    let maintenance = Memo::new(move |_| {
        shown
            .maintenance
            .with(|windows| overview::maintenance(windows, shown.clock.get()))
    });
    let groups = Memo::new(move |_| {
        shown.site.with(|site| {
            shown
                .servers
                .with(|servers| overview::groups(site, servers))
        })
    });

    view! {
            <div>
                <Intro />
                <div class="banner" role="status" data-banner=move || banner.get().as_str()>
                    <span class="icon" aria-hidden="true">
                        {move || overview::banner_icon(banner.get())}
                    </span>
                    <strong>{move || banner.get().headline()}</strong>
                </div>
                <Show when=move || maintenance.with(|m| !m.is_empty())>
                    <ul class="maintenance" aria-label="Maintenance">
                        <For
                            each=move || maintenance.get()
                            key=|line| (line.server.clone(), line.when.clone())
                            let:line
                        >
                            <li>
                                <strong>{line.server}</strong>
                                {format!(": {}", line.when)}
                            </li>
                        </For>
                    </ul>
                </Show>
                <WindowPicker window=window />
                <For each=move || groups.get() key=|group| group.key.clone() let:group>
                    <GroupSection
                        group=group
                        groups=groups
                        window=window.into()
                    />
                </For>
                <p class="status-links">
                    <a href="#/monitors">"Add or remove my monitors"</a>
                    " · "
                    <a href="#/check">"Check any MCP server"</a>
                </p>
            </div>
    }
}

/// Title, logo, description and links; or what is wrong with `status.json`. Links and the
/// logo were checked when the config was read (http(s) or relative only).
#[component]
fn Intro() -> impl IntoView {
    let shown = expect_context::<Overview>();
    let title = |text: String| view! { <h1 id="status-title">{text}</h1> };
    move || {
        let intro = match &*shown.site.read() {
            Site::Loaded(site) => {
                let links = site
                    .links
                    .iter()
                    .map(|link| view! { <li><a href=link.url.clone()>{link.title.clone()}</a></li> })
                    .collect_view();
                view! {
                    {site.logo.clone().map(|logo| view! { <img class="logo" src=logo alt="" /> })}
                    {title(site.title.clone())}
                    <p class="lede">{site.description.clone().unwrap_or_default()}</p>
                    <ul class="links">{links}</ul>
                }
                .into_any()
            }
            Site::Broken(error) => view! {
                {title("Status".to_owned())}
                <div class="config-error" role="alert">
                    <strong>"status.json has a mistake, so no servers are shown from it:"</strong>
                    <code>{error.to_string()}</code>
                </div>
            }
            .into_any(),
            Site::Missing => view! {
                {title("My MCP servers".to_owned())}
                <p class="lede">
                    "This page has no status.json, so it shows the servers you add in this browser. To publish a status page, put a status.json next to index.html."
                </p>
            }
            .into_any(),
            Site::Loading => title("Status".to_owned()).into_any(),
        };
        view! { <header class="intro">{intro}</header> }
    }
}

#[component]
fn WindowPicker(window: RwSignal<Window>) -> impl IntoView {
    let buttons = Window::ALL
        .into_iter()
        .map(|w| {
            view! {
                <button
                    type="button"
                    aria-pressed=move || if window.get() == w { "true" } else { "false" }
                    on:click=move |_| window.set(w)
                >
                    {w.label()}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="window-picker" role="group" aria-label="Uptime window">
            {buttons}
        </div>
    }
}

/// A group's heading and rows. The group is `groups`' entry of the same key: the keyed list
/// above keeps this section while its members change, so they are read from there.
#[component]
fn GroupSection(group: Group, groups: Memo<Vec<Group>>, window: Signal<Window>) -> impl IntoView {
    let key = group.key.clone();
    let members = Memo::new(move |_| {
        groups.with(|groups| {
            groups
                .iter()
                .find(|g| g.key == key)
                .map(|g| g.servers.clone())
                .unwrap_or_default()
        })
    });
    view! {
        <section class="group">
            {group.name.map(|name| view! { <h2>{name}</h2> })}
            {group
                .description
                .map(|text| view! { <p class="group-description">{text}</p> })}
            <Show when=move || members.with(Vec::is_empty)>
                <p class="muted">"None yet."</p>
            </Show>
            <ul class="servers">
                <For each=move || members.get() key=|name| name.clone() let:name>
                    <ServerRow server=name window=window />
                </For>
            </ul>
        </section>
    }
}
