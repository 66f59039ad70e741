//! My monitors (`#/monitors`): the servers the user watches from this browser, to add, edit
//! and remove; `#/monitors?url=…` (the quick check's "Add to my monitors") fills the form in.
//! Their rows are on the status page; their history stays in this browser (see Settings).

use crate::browser::{db::monitors, storage};
use crate::route::{use_route, Route};
use crate::state::{self, Live};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::view::monitors::{
    self as view, Field, Form, FormError, Item, Prober, CADENCES, DEFAULT_CADENCE_S,
};

#[component]
pub fn MyMonitors() -> impl IntoView {
    let live = expect_context::<Live>();
    let route = use_route();
    let items = Memo::new(move |_| live.servers.with(|servers| view::items(servers)));
    let prober = Memo::new(move |_| match live.prober.get() {
        state::Prober::Starting => Prober::Starting,
        state::Prober::ThisTab(_) => Prober::ThisTab,
        state::Prober::OtherTab => Prober::OtherTab,
        state::Prober::Replaced => Prober::Replaced,
    });

    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let cadence = RwSignal::new(DEFAULT_CADENCE_S);
    // The monitor being edited: its name is its history's key, so it cannot change.
    let editing = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<FormError>);
    let fill = move |form: Form| {
        name.set(form.name);
        url.set(form.url);
        cadence.set(form.cadence_s);
    };

    // A link from the quick check fills the form in; any new route leaves the last message
    // behind.
    Effect::new(move |_| {
        if let Route::AddMonitor(address) = route.get() {
            editing.set(None);
            fill(Form::for_url(&address));
        }
        error.set(None);
    });

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let form = Form {
            name: name.get_untracked(),
            url: url.get_untracked(),
            cadence_s: cadence.get_untracked(),
        };
        let checked = live
            .servers
            .with_untracked(|servers| form.check(servers, editing.read_untracked().as_deref()));
        let monitor = match checked {
            Ok(monitor) => monitor,
            Err(e) => return error.set(Some(e)),
        };
        let Some(database) = live.database() else {
            return error.set(Some(FormError::no_storage()));
        };
        error.set(None);
        spawn_local(async move {
            match monitors::save_monitor(&database, &monitor).await {
                Ok(()) => {
                    fill(Form::default());
                    editing.set(None);
                    // Monitors are worth keeping through storage pressure.
                    storage::persist().await;
                    live.changed().await;
                }
                Err(e) => error.set(Some(FormError::storage(e.to_string()))),
            }
        });
    };
    let edit = Callback::new(move |item: Item| {
        editing.set(Some(item.server.clone()));
        error.set(None);
        fill(Form::of(&item));
    });
    let remove = Callback::new(move |server: String| {
        let Some(database) = live.database() else {
            return;
        };
        spawn_local(async move {
            match monitors::remove_monitor(&database, &server).await {
                Ok(()) => live.changed().await,
                Err(e) => live.storage_failed(&e),
            }
        });
    });
    let cancel = move |_| {
        editing.set(None);
        fill(Form::default());
    };

    let invalid = move |field: Field| {
        move || {
            let invalid = error.with(|e| e.as_ref().and_then(|e| e.field) == Some(field));
            if invalid {
                "true"
            } else {
                "false"
            }
        }
    };
    let cadences = CADENCES
        .iter()
        .map(|&(seconds, label)| {
            view! {
                <option value=seconds.to_string() prop:selected=move || cadence.get() == seconds>
                    {label}
                </option>
            }
        })
        .collect_view();

    view! {
        <h1 id="monitors-title">"My monitors"</h1>
        <p class="lede">
            "Servers this browser probes while the page is open, shown on the status page apart from the published ones. Their history stays in this browser; time when no tab was open counts as no data, never as up."
        </p>
        <p class="prober" data-prober=move || prober.get().as_str()>
            {move || prober.get().sentence()}
        </p>
        <ul class="monitor-list">
            <For
                each=move || items.get()
                key=|item| item.server.clone()
                children=move |item: Item| {
                    // The row stays (keyed by name); what it says follows the list.
                    let server = item.server.clone();
                    let item = Memo::new(move |_| {
                        items
                            .with(|all| all.iter().find(|i| i.server == server).cloned())
                            .unwrap_or_else(|| item.clone())
                    });
                    view! { <MonitorRow item=item on_edit=edit on_remove=remove /> }
                }
            />
        </ul>
        <form class="add-monitor" novalidate=true on:submit=on_submit>
            <h2>{move || view::heading(editing.read().as_deref())}</h2>
            <label for="monitor-name">"Name"</label>
            <input
                id="monitor-name"
                name="name"
                autocomplete="off"
                readonly=move || editing.read().is_some()
                aria-invalid=invalid(Field::Name)
                aria-describedby="monitor-error"
                bind:value=name
            />
            <label for="monitor-url">"MCP server URL"</label>
            <input
                id="monitor-url"
                name="url"
                type="url"
                inputmode="url"
                spellcheck="false"
                placeholder="https://example.com/mcp"
                aria-invalid=invalid(Field::Url)
                aria-describedby="monitor-error"
                bind:value=url
            />
            <label for="monitor-cadence">"Probe"</label>
            <select
                id="monitor-cadence"
                on:change:target=move |event| {
                    cadence.set(event.target().value().parse().unwrap_or(DEFAULT_CADENCE_S))
                }
            >
                {cadences}
            </select>
            <p id="monitor-error" class="field-error" role="alert">
                {move || error.get().map(|e| e.message)}
            </p>
            <button type="submit">{move || view::submit_label(editing.read().as_deref())}</button>
            <Show when=move || editing.read().is_some()>
                <button type="button" class="link-button" on:click=cancel>
                    "Cancel"
                </button>
            </Show>
        </form>
    }
}

/// One monitor of the list; servers known only from imported history are not probed here,
/// so there is nothing to edit or remove.
#[component]
fn MonitorRow(
    item: Memo<Item>,
    on_edit: Callback<Item>,
    on_remove: Callback<String>,
) -> impl IntoView {
    // The list's key: it never changes for a row.
    let server = item.read_untracked().server.clone();
    let name = item.read_untracked().name.clone();
    view! {
        <li class="monitor" data-server=server>
            <strong class="monitor-name">{name}</strong>
            <span class="url">{move || item.read().url.clone()}</span>
            <span class="muted">{move || item.read().what.clone()}</span>
            <Show when=move || item.read().cadence_s.is_some()>
                <span class="actions">
                    <button
                        type="button"
                        class="link-button"
                        on:click=move |_| on_edit.run(item.get_untracked())
                    >
                        "Edit"
                    </button>
                    <button
                        type="button"
                        class="link-button"
                        on:click=move |_| on_remove.run(item.read_untracked().server.clone())
                    >
                        "Remove"
                    </button>
                </span>
            </Show>
        </li>
    }
}
