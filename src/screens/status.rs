//! The status overview (`#/`): the site's title and links (or what is wrong with
//! `status.json`), one banner over the published servers, the maintenance under way and
//! coming, the uptime window picker, the servers by group, then the user's own monitors.
//! What it says is the core's (`view::overview`); rows are keyed by server, so a row keeps its
//! elements (focus, hover) across rounds.

use crate::components::server_row::ServerRow;
use crate::state::{now, Live};
use leptos::prelude::*;
use mcp_status_core::status::{Site, Window};
use mcp_status_core::view::overview::{self, Group};

/// The relative times ("12 s ago", "in 40 s") move on this often.
const CLOCK: std::time::Duration = std::time::Duration::from_secs(1);

#[component]
pub fn StatusScreen() -> impl IntoView {
    let live = expect_context::<Live>();
    let window = RwSignal::new(Window::Day);
    let clock = RwSignal::new(now());
    if let Ok(ticker) = set_interval_with_handle(move || clock.set(now()), CLOCK) {
        on_cleanup(move || ticker.clear());
    }
    // New windows move the clock on: one declared "now" in the console must read "under way"
    // at once, not "scheduled" until the next tick.
    Effect::new(move |_| {
        live.maintenance.track();
        clock.set(now());
    });

    let banner = Memo::new(move |_| {
        live.site
            .with(|site| live.servers.with(|servers| overview::banner(site, servers)))
    });
    let maintenance = Memo::new(move |_| {
        live.maintenance
            .with(|windows| overview::maintenance(windows, clock.get()))
    });
    let groups = Memo::new(move |_| {
        live.site
            .with(|site| live.servers.with(|servers| overview::groups(site, servers)))
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
                        clock=clock.into()
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
    let live = expect_context::<Live>();
    let title = |text: String| view! { <h1 id="status-title">{text}</h1> };
    move || {
        let intro = match &*live.site.read() {
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
fn GroupSection(
    group: Group,
    groups: Memo<Vec<Group>>,
    window: Signal<Window>,
    clock: Signal<mcp_status_core::monitor::record::Millis>,
) -> impl IntoView {
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
                    <ServerRow server=name window=window clock=clock />
                </For>
            </ul>
        </section>
    }
}
