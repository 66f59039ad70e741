//! Who is on call now and next (`view::oncall`), and the handoff checklist to copy as Markdown
//! (`alerting::handoff`), written from what this browser's storage holds.

use super::{desk, Clock, Opened, Zones};
use crate::browser::clipboard;
use crate::browser::db::recent::{self, Part};
use crate::browser::db::{maintenance, rounds};
use leptos::prelude::*;
use mcp_status_core::alerting::handoff::{markdown, Handoff as Checklist};
use mcp_status_core::monitor::events::Incident;
use mcp_status_core::monitor::record::{Millis, DAY};
use mcp_status_core::view::oncall as view;

#[component]
pub fn OnCall(opened: LocalResource<Opened>) -> impl IntoView {
    view! {
        <section class="oncall" aria-labelledby="oncall-title">
            <Suspense fallback=|| {
                view! { <p id="oncall-title">"Reading status.json and this browser's history…"</p> }
            }>
                {move || Suspend::new(async move {
                    let opened = opened.await;
                    let site = opened.site.as_ref().ok();
                    let alerting = site.and_then(|s| s.alerting.as_ref()).map(|a| &a.config);
                    view! {
                        <OnCallNow
                            rotation=alerting.and_then(|a| a.rotation.clone())
                            site_error=opened.site.as_ref().err().cloned()
                            history_error=opened.database.as_ref().err().cloned()
                        />
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The rotation's rule and its shifts now and next, placed with the zone's offsets.
#[component]
fn OnCallNow(
    rotation: Option<mcp_status_core::alerting::oncall::Rotation>,
    /// Why there is no site, or no history, to tell.
    site_error: Option<String>,
    history_error: Option<String>,
) -> impl IntoView {
    let Clock(clock) = expect_context();
    let zones = expect_context::<Zones>();
    let zone = rotation
        .as_ref()
        .map_or("UTC", |r| r.time_zone.as_str())
        .to_owned();
    let problem = {
        let zone = zone.clone();
        Memo::new(move |_| {
            let unknown = (zones.0)(&zone, clock.get()).is_none();
            view::problem(
                site_error.as_deref(),
                history_error.as_deref(),
                unknown.then_some(zone.as_str()),
            )
        })
    };
    let on_call = Memo::new(move |_| {
        let offset = zones.offset(&zone);
        let shifts = rotation
            .as_ref()
            .and_then(|r| r.now_and_next(clock.get(), &offset));
        view::on_call(rotation.as_ref(), shifts)
    });
    view! {
        <h1 id="oncall-title">"On call"</h1>
        {move || problem.get().map(|text| view! { <p class="problem" role="alert">{text}</p> })}
        <p class="lede">{move || on_call.with(|v| v.lede.clone())}</p>
        <Show when=move || on_call.with(|v| !v.shifts.is_empty())>
            <div class="shifts">
                // Two cards, always now and next: what they show changes, they stay.
                {["now", "next"]
                    .map(|id| view! { <Shift on_call id /> })
                    .into_iter()
                    .collect_view()}
            </div>
        </Show>
    }
}

#[component]
fn Shift(on_call: Memo<view::OnCall>, id: &'static str) -> impl IntoView {
    let shift = Memo::new(move |_| on_call.with(|v| v.shifts.iter().find(|s| s.id == id).cloned()));
    let text = move |part: fn(&view::ShiftCard) -> &String| {
        move || shift.with(|s| s.as_ref().map(|s| part(s).clone()))
    };
    view! {
        <section class="shift" data-shift=id>
            <h2>{move || shift.with(|s| s.as_ref().map(|s| s.title))}</h2>
            <dl>
                <dt>"Primary"</dt>
                <dd class="primary">{text(|s| &s.primary)}</dd>
                <dt>"Secondary"</dt>
                <dd class="secondary-person">{text(|s| &s.secondary)}</dd>
                <dt>"Shift"</dt>
                <dd>{text(|s| &s.when)}</dd>
            </dl>
        </section>
    }
}

/// The checklist once written (`text`), to copy as Markdown.
#[component]
pub fn Handoff(text: LocalResource<Option<String>>) -> impl IntoView {
    let text = move || text.get().flatten();
    let copy = move |_| {
        if let Some(text) = text() {
            clipboard::copy_to_clipboard(&text);
        }
    };
    view! {
        <Show when=move || text().is_some()>
            <section class="handoff" aria-labelledby="handoff-title">
                <h2 id="handoff-title">"Handoff checklist"</h2>
                <p class="muted">
                    "For the shift change: paste it into the team's chat or the ticket."
                </p>
                <button type="button" class="secondary" data-action="copy-handoff" on:click=copy>
                    "Copy as Markdown"
                </button>
                <pre id="handoff-text">{text}</pre>
            </section>
        </Show>
    }
}

/// Reads the history and writes the handoff checklist.
pub async fn gather(now: Millis, opened: &Opened) -> String {
    let (site, database) = match (&opened.site, &opened.database) {
        (Ok(site), database) => (site, database.as_ref().ok()),
        (Err(_), _) => return String::new(),
    };
    let alerting = site.alerting.as_ref().map(|a| &a.config);
    let zone = alerting.map_or("UTC", |a| a.time_zone());
    let offset = Zones::BROWSER.offset(zone);
    let shifts = alerting
        .and_then(|a| a.rotation.as_ref())
        .and_then(|r| r.now_and_next(now, &offset));

    let mut health = Vec::new();
    let mut incidents: Vec<(String, Incident)> = Vec::new();
    let mut declared = Vec::new();
    let mut pages = Vec::new();
    if let Some(database) = database {
        declared = maintenance::declared(database).await.unwrap_or_default();
        let loaded = rounds::load(database, now)
            .await
            .map(|(loaded, _)| loaded)
            .unwrap_or_default();
        let engine = |server: &str| {
            let engine = loaded.iter().find(|l| l.server == server);
            (
                engine.map(|l| &l.monitor),
                engine.and_then(|l| l.last.as_ref()),
            )
        };
        health = view::health(site, engine, &declared, now);
        let names: Vec<String> = site.servers.iter().map(|s| s.name.clone()).collect();
        let week = recent::recent(database, &names, now - 7 * DAY, Part::Findings).await;
        for (name, recent) in names.iter().zip(week.unwrap_or_default()) {
            incidents.extend(recent.incidents.into_iter().map(|i| (name.clone(), i)));
        }
        if let Ok(Some(desk)) = desk::kept(database).await {
            pages = desk.dispatcher.pages;
        }
    }
    markdown(&Checklist {
        now,
        shifts: shifts.as_ref().map(|(a, b)| (a, b)),
        health: &health,
        pages: &pages,
        incidents: &incidents,
        maintenance: &view::maintenance(site, &declared),
        access_to_verify: alerting.map_or(&[], |a| &a.access_to_verify),
    })
}
