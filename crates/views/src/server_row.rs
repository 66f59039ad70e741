//! One server's row on the status overview: its condition in a mark and a word, both uptimes
//! of the chosen window, coverage, latency, last and next probe, why the uptimes differ, and
//! the 90-day bar. What it says is the core's (`view::overview::row`).

use crate::day_bar::DayBars;
use crate::status::Overview;
use leptos::prelude::*;
use mcp_status_core::status::Window;
use mcp_status_core::view::overview;

#[component]
pub fn ServerRow(server: String, window: Signal<Window>) -> impl IntoView {
    let shown = expect_context::<Overview>();
    let name = server.clone();
    let view = Memo::new(move |_| {
        shown
            .servers
            .with(|servers| servers.iter().find(|s| s.server == name).cloned())
    });
    let row = Memo::new(move |_| {
        view.with(|view| {
            view.as_ref()
                .map(|view| overview::row(view, window.get(), shown.clock.get()))
        })
    });
    let days = Memo::new(move |_| view.with(|view| view.as_ref().map(|v| v.days.clone())));
    let field = move |get: fn(&overview::Row) -> String| {
        move || row.with(|row| row.as_ref().map(get).unwrap_or_default())
    };
    let facts = move || {
        row.with(|row| {
            row.iter()
                .flat_map(|row| &row.facts)
                .map(|fact| {
                    view! {
                        <div>
                            <dt>{fact.term}</dt>
                            <dd class=fact.class>{fact.value.clone()}</dd>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    let explanation = move || {
        row.with(|row| row.as_ref().and_then(|r| r.explanation.clone()))
            .map(|text| view! { <p class="explain">{text}</p> })
    };
    view! {
        <li
            class="server"
            data-server=server.clone()
            data-condition=field(|r| r.condition.to_owned())
            data-state=field(|r| r.state.to_owned())
        >
            <div class="server-head">
                <span class="icon" aria-hidden="true">
                    {field(|r| r.mark.to_owned())}
                </span>
                <a class="server-link" href=mcp_status_core::page::server_href(&server)>
                    {field(|r| r.server.clone())}
                </a>
                <span class="state-word">{field(|r| r.word.clone())}</span>
            </div>
            <dl class="facts">{facts}</dl>
            {explanation}
            <DayBars server=server.clone() days=Signal::derive(move || days.get().unwrap_or_default()) />
        </li>
    }
}
