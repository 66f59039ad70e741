//! The delivery log (`view::desk::deliveries`): every notice on every channel, newest first,
//! and what became of it.

use super::desk::Alerting;
use super::table::Table;
use super::{current, text_of};
use leptos::prelude::*;
use mcp_status_core::view::desk::{self as view, DeliveryRow};

#[component]
pub fn Deliveries() -> impl IntoView {
    let alerting = expect_context::<Alerting>();
    let rows = Memo::new(move |_| {
        alerting
            .desk
            .with(|desk| view::deliveries(&desk.deliveries))
    });
    view! {
        <section class="deliveries" aria-labelledby="deliveries-title">
            <h2 id="deliveries-title">"Deliveries"</h2>
            <p class="muted">
                "Every notice on every channel, newest first. A webhook that does not allow this page by CORS is sent blind: \
                 the browser cannot see its answer, and says so."
            </p>
            <Show
                when=move || rows.with(|rows| !rows.is_empty())
                fallback=|| view! { <p class="none">"Nothing sent yet."</p> }
            >
                <Table
                    class="delivery-log"
                    headings=&["When", "Server", "Notice", "Channel", "Result"]
                >
                    <For each=move || rows.get() key=|row| row.id.clone() let:row>
                        <Delivery row=current(rows, row, |r| &r.id) />
                    </For>
                </Table>
            </Show>
        </section>
    }
}

#[component]
fn Delivery(row: Memo<DeliveryRow>) -> impl IntoView {
    let text = move |part: fn(&DeliveryRow) -> &String| text_of(row, part);
    view! {
        <tr
            data-channel=text(|r| &r.channel)
            data-notice=text(|r| &r.notice)
            data-status=move || row.with(|r| r.status)
        >
            <td>{text(|r| &r.when)}</td>
            <td>{text(|r| &r.server)}</td>
            <td>{text(|r| &r.notice_words)}</td>
            <td>{text(|r| &r.channel)}</td>
            <td class="delivery-result">{text(|r| &r.result)}</td>
        </tr>
    }
}
