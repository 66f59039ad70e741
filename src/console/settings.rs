//! This browser's alerting settings (`view::desk`): who you are, notifications, team-size
//! presets, who hears what (routing), the escalation policy, and channels added here. Kept in
//! this browser only, over what `status.json` publishes (`Alerting::change_settings`).

use super::current;
use super::desk::Alerting;
use super::table::Table;
use crate::browser::{deployment, notify};
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use mcp_status_core::alerting::local::channel_of;
use mcp_status_core::view::desk::{
    self as view, ChannelRow, Origin, CHANNEL_KINDS, PRESETS, SEVERITIES,
};

#[component]
pub fn AlertingSettings() -> impl IntoView {
    let alerting = expect_context::<Alerting>();
    // Where this page is served from: its host, when other sites share its origin (and can
    // read the channels kept here).
    let shared_origin = RwSignal::new(None::<String>);
    // What this browser allows, read once mounted.
    Effect::new(move || {
        alerting.permission.set(notify::permission());
        shared_origin.set(deployment::shared_origin());
    });
    view! {
        <section class="alerting-settings" aria-labelledby="alerting-settings-title">
            <h2 id="alerting-settings-title">"Alerting settings"</h2>
            <p class="muted">
                "Kept in this browser only: channels added here (their URLs are secrets) and the routing chosen here, over what status.json publishes."
            </p>
            <WhoYouAre />
            <Notifications />
            <Presets />
            <Routing />
            <Policy />
            <AddChannel shared_origin />
        </section>
    }
}

/// The name acknowledgements carry in this browser; one of the rotation's, or any.
#[component]
fn WhoYouAre() -> impl IntoView {
    let alerting = expect_context::<Alerting>();
    let people = Memo::new(move |_| alerting.config.with(view::people));
    let field = NodeRef::<html::Input>::new();
    let save = move |event: SubmitEvent| {
        event.prevent_default();
        if let Some(field) = field.get() {
            alerting.set_me(field.value());
        }
    };
    view! {
        <form class="me" on:submit=save>
            <p class="field">
                <label for="me">"You are (acknowledgements carry this name)"</label>
                <input
                    id="me"
                    list="people"
                    maxlength="60"
                    prop:value=move || alerting.me.get()
                    node_ref=field
                />
            </p>
            <datalist id="people">
                <For each=move || people.get() key=|name| name.clone() let:name>
                    <option value=name />
                </For>
            </datalist>
            <button type="submit" class="secondary">
                "Save"
            </button>
        </form>
    }
}

/// Whether this browser shows notifications; asked for by a button, never at load.
#[component]
fn Notifications() -> impl IntoView {
    let alerting = expect_context::<Alerting>();
    let state = move || view::permission(alerting.permission.get());
    view! {
        <p class="permission" data-permission=move || alerting.permission.get()>
            {move || state().0}
            <Show when=move || state().1>
                " "
                <button
                    type="button"
                    data-action="notifications"
                    on:click=move |_| alerting.ask_permission()
                >
                    "Turn on notifications"
                </button>
            </Show>
        </p>
    }
}

#[component]
fn Presets() -> impl IntoView {
    let alerting = expect_context::<Alerting>();
    let presets = PRESETS.map(|(value, label, size)| {
        let apply = move |_| {
            let config = alerting.config.get_untracked();
            alerting.change_settings(|local| local.apply_preset(&config, size));
        };
        view! {
            <button type="button" class="secondary" data-action="preset" data-value=value on:click=apply>
                {label}
            </button>
        }
    });
    view! { <p class="presets">"Presets (spec section 8): " {presets.into_iter().collect_view()}</p> }
}

/// Who hears what: each channel's severities, with the published channels only the runner
/// can send to.
#[component]
fn Routing() -> impl IntoView {
    let alerting = expect_context::<Alerting>();
    let rows = Memo::new(move |_| {
        alerting
            .config
            .with(|config| alerting.local.with(|local| view::channels(config, local)))
    });
    let runner_only = Memo::new(move |_| alerting.runner_only());
    view! {
        <Table
            class="routing"
            caption="Who hears what: each severity's channels"
            headings=&["Channel", "Kind", "P1", "P2", "P3", ""]
        >
            <For each=move || rows.get() key=|row| row.id.clone() let:row>
                <Channel row=current(rows, row, |r| &r.id) />
            </For>
            <For
                each=move || runner_only.get()
                key=|(id, _)| id.clone()
                children=|(id, why)| {
                    view! {
                        <tr class="runner-only">
                            <th scope="row">{id.clone()}</th>
                            <td colspan="5" class="muted">
                                {view::left_to_runner(&why)}
                            </td>
                        </tr>
                    }
                }
            />
        </Table>
    }
}

#[component]
fn Channel(row: Memo<ChannelRow>) -> impl IntoView {
    let alerting = expect_context::<Alerting>();
    // The `<For>`'s key: the same for as long as the line is there.
    let id = row.with_untracked(|r| r.id.clone());
    let routes = SEVERITIES
        .iter()
        .enumerate()
        .map(|(index, severity)| {
            let toggle = move |_| {
                let config = alerting.config.get_untracked();
                row.with_untracked(|r| {
                    alerting.change_settings(|local| local.toggle_route(&config, index, &r.id))
                });
            };
            view! {
                <td>
                    <input
                        type="checkbox"
                        data-action="route"
                        data-channel=id.clone()
                        data-severity=index.to_string()
                        aria-label=format!("{} for {severity}", row.with_untracked(|r| r.name.clone()))
                        prop:checked=move || row.with(|r| r.routed[index])
                        on:change=toggle
                    />
                </td>
            }
        })
        .collect_view();
    let remove = move |_| {
        row.with_untracked(|r| alerting.change_settings(|local| local.remove_channel(&r.id)));
    };
    let origin = move || match row.with(|r| r.origin) {
        Origin::Local => view! {
            <button
                type="button"
                class="secondary"
                data-action="remove-channel"
                data-channel=move || row.with(|r| r.id.clone())
                on:click=remove
            >
                "Remove"
            </button>
        }
        .into_any(),
        Origin::ThisPage => view! { <span class="muted">"this page"</span> }.into_any(),
        Origin::Published => view! { <span class="muted">"status.json"</span> }.into_any(),
    };
    view! {
        <tr data-channel=id.clone()>
            <th scope="row">{row.with_untracked(|r| r.name.clone())}</th>
            <td>
                {move || row.with(|r| r.kind)}
                <span class="muted url">{move || row.with(|r| r.place.clone())}</span>
            </td>
            {routes}
            <td>{origin}</td>
        </tr>
    }
}

/// The escalation policy, in words.
#[component]
fn Policy() -> impl IntoView {
    let alerting = expect_context::<Alerting>();
    let policy = Memo::new(move |_| alerting.config.with(view::policy));
    view! {
        <div class="policy">
            <p>{move || policy.with(|p| p.lede.clone())}</p>
            // Steps have no identity but their place: drawn again when the policy changes.
            {move || {
                policy
                    .with(|p| (!p.steps.is_empty()).then(|| p.steps.clone()))
                    .map(|steps| {
                        view! {
                            <ol class="escalation">
                                {steps
                                    .into_iter()
                                    .map(|step| view! { <li>{step}</li> })
                                    .collect_view()}
                            </ol>
                        }
                    })
            }}
            {move || policy.with(|p| p.reminder.clone()).map(|text| view! { <p>{text}</p> })}
        </div>
    }
}

/// A channel of this browser's. On an origin other sites share (`shared_origin`), the form
/// says first where a secret entered here can be read.
#[component]
fn AddChannel(shared_origin: RwSignal<Option<String>>) -> impl IntoView {
    let alerting = expect_context::<Alerting>();
    let id = RwSignal::new(String::new());
    let kind = RwSignal::new(CHANNEL_KINDS[0].0.to_owned());
    let url = RwSignal::new(String::new());
    let extra = RwSignal::new(String::new());
    let error = RwSignal::new(String::new());
    let add = move |event: SubmitEvent| {
        event.prevent_default();
        let channel = channel_of(
            &id.get_untracked(),
            &kind.get_untracked(),
            &url.get_untracked(),
            &extra.get_untracked(),
        );
        match channel {
            Ok(channel) => {
                error.set(String::new());
                alerting.change_settings(|local| {
                    local.channels.retain(|c| c.id != channel.id);
                    local.channels.push(channel);
                });
                for field in [id, url, extra] {
                    field.set(String::new());
                }
            }
            Err(problem) => error.set(problem),
        }
    };
    // The secrets' fields point screen readers at the warning too.
    let described = move || shared_origin.with(|host| host.is_some().then_some("shared-origin"));
    let kinds = CHANNEL_KINDS.map(|(value, label)| view! { <option value=value>{label}</option> });
    view! {
        <form class="channel-form" on:submit=add>
            <h3>"Add a channel in this browser"</h3>
            {move || {
                shared_origin
                    .get()
                    .map(|host| {
                        view! {
                            <p class="problem shared-origin" id="shared-origin">
                                {view::shared_origin_warning(&host)}
                            </p>
                        }
                    })
            }}
            <p class="field">
                <label for="channel-id">"Id"</label>
                <input id="channel-id" maxlength="40" required bind:value=id />
            </p>
            <p class="field">
                <label for="channel-kind">"Kind"</label>
                <select id="channel-kind" bind:value=kind>
                    {kinds.into_iter().collect_view()}
                </select>
            </p>
            <p class="field">
                <label for="channel-url">"URL"</label>
                <input id="channel-url" type="url" required aria-describedby=described bind:value=url />
            </p>
            <p class="field">
                <label for="channel-extra">"ntfy topic or PagerDuty routing key"</label>
                <input id="channel-extra" maxlength="200" aria-describedby=described bind:value=extra />
            </p>
            <p class="field-error" role="alert">{error}</p>
            <button type="submit">"Add channel"</button>
        </form>
    }
}
