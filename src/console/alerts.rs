//! The alerts (`view::desk::alerts`): open ones to acknowledge or resolve, and the week's
//! closed ones against their acknowledgement targets; and whether this tab sends them.

use super::desk::Alerting;
use super::table::Table;
use super::{current, text_of, Clock, Zones};
use leptos::prelude::*;
use mcp_status_core::alerting::targets::Responders;
use mcp_status_core::view::desk::{self as view, OpenAlert, PastAlert};

#[component]
pub fn Alerts() -> impl IntoView {
    let alerting = expect_context::<Alerting>();
    let Clock(clock) = expect_context();
    let zones = expect_context::<Zones>();
    let alerts = Memo::new(move |_| {
        let (zone, responders) = alerting
            .config
            .with(|c| (c.time_zone().to_owned(), Responders::of(c)));
        let offset = zones.offset(&zone);
        let now = clock.get();
        alerting
            .desk
            .with(|desk| view::alerts(&desk.dispatcher.pages, now, &offset, responders))
    });
    let open = Memo::new(move |_| alerts.with(|a| a.open.clone()));
    let past = Memo::new(move |_| alerts.with(|a| a.past.clone()));
    let role = move || view::role(alerting.role.get(), alerting.probing.get());
    view! {
        <section class="alerts" aria-labelledby="alerts-title">
            <h2 id="alerts-title">"Alerts"</h2>
            <p class="muted" id="desk-role">{role}</p>
            {move || {
                alerting
                    .problem
                    .get()
                    .map(|problem| view! { <p class="problem" role="alert">{problem}</p> })
            }}
            <Show when=move || open.with(Vec::is_empty)>
                <p class="none">"No open alerts."</p>
            </Show>
            {crate::browser::deployment::runner_workflow()
                .map(|href| {
                    view! {
                        <p class="runner-acknowledge">
                            "Alerts the scheduled runner sent (with no browser open) are acknowledged in its workflow, from any phone: "
                            <a href=href>"Actions → Runner → Run workflow"</a>
                            ", acknowledge: all (or a server's name). The next round stops their escalation and tells everyone told."
                        </p>
                    }
                })}
            <For each=move || open.get() key=|alert| alert.key.clone() let:alert>
                <Open alert=current(open, alert, |a| &a.key) />
            </For>
            <Show when=move || past.with(|past| !past.is_empty())>
                <h3>"The week's alerts and their acknowledgement targets"</h3>
                <Table
                    class="past-alerts"
                    headings=&["Alert", "Fired", "Acknowledged", "Target", "Closed"]
                >
                    <For each=move || past.get() key=|alert| alert.id.clone() let:alert>
                        <Past alert=current(past, alert, |a| &a.id) />
                    </For>
                </Table>
            </Show>
        </section>
    }
}

/// An open alert's card; acknowledging and resolving go to the tab that sends the alerts.
#[component]
fn Open(alert: Memo<OpenAlert>) -> impl IntoView {
    let alerting = expect_context::<Alerting>();
    let text = move |part: fn(&OpenAlert) -> &String| text_of(alert, part);
    // The `<For>`'s key: the same for as long as the card is there.
    let key = text(|a| &a.key);
    let act =
        move |what: &'static str| move |_| alert.with_untracked(|a| alerting.request(what, &a.key));
    view! {
        <article class="alert" data-key=key data-severity=move || alert.with(|a| a.severity)>
            <h3>{text(|a| &a.title)}</h3>
            <p class="muted">{text(|a| &a.facts)}</p>
            <p class="ack-status">{text(|a| &a.status)}</p>
            {move || {
                alert
                    .with(|a| a.process_failure.clone())
                    .map(|text| view! { <p class="problem">{text}</p> })
            }}
            <p class="actions">
                <Show when=move || alert.with(|a| a.can_acknowledge)>
                    <button
                        type="button"
                        data-action="acknowledge"
                        data-key=key
                        on:click=act("acknowledge")
                    >
                        "Acknowledge"
                    </button>
                </Show>
                <button type="button" data-action="resolve" data-key=key on:click=act("resolve")>
                    "Resolve"
                </button>
            </p>
        </article>
    }
}

#[component]
fn Past(alert: Memo<PastAlert>) -> impl IntoView {
    let text = move |part: fn(&PastAlert) -> &String| text_of(alert, part);
    view! {
        <tr data-key=text(|a| &a.key)>
            <td>{text(|a| &a.title)}</td>
            <td>{text(|a| &a.fired)}</td>
            <td>{text(|a| &a.acknowledged)}</td>
            <td data-verdict=move || alert.with(|a| a.verdict)>{text(|a| &a.target)}</td>
            <td>{text(|a| &a.closed)}</td>
        </tr>
    }
}
