//! The probe in flight: which steps are done, which one is waiting.

use crate::browser::probe_driver::Progress;
use leptos::prelude::*;
use mcp_status_core::{Step, StepReport, StepStatus};

#[component]
pub fn CheckProgress(url: String, progress: Progress) -> impl IntoView {
    let current = progress.current.map(|(step, page)| step_label(step, page));
    view! {
        <section id="check-result" class="result" data-state="running" aria-busy="true" aria-live="polite">
            <h2 class="headline">
                <span class="spinner" aria-hidden="true"></span>
                "Checking " <span class="url">{url}</span>
            </h2>
            <ol class="steps">
                {progress.finished.into_iter().map(step_row).collect_view()}
                {current.map(|label| view! {
                    <li class="step step-running">
                        <span class="step-name">{label}</span>
                        <span class="step-status">"waiting…"</span>
                    </li>
                })}
            </ol>
        </section>
    }
}

pub fn step_row(step: StepReport) -> impl IntoView {
    let (icon, label) = match step.status {
        StepStatus::Ok => ("✓", "passed"),
        StepStatus::Failed => ("✕", "failed"),
        StepStatus::Fallback => ("↪", "refused, trying another protocol"),
    };
    let class = format!("step step-{}", step.status.as_str());
    let http = step.http_status.map(|status| format!("HTTP {status}"));
    view! {
        <li class=class>
            <span class="step-icon" role="img" aria-label=label>{icon}</span>
            <span class="step-name">{step_label(step.step, step.page)}</span>
            <span class="step-http">{http}</span>
            <span class="step-latency">{format!("{} ms", step.latency_ms)}</span>
            <span class="step-note">{step.note}</span>
        </li>
    }
}

pub fn step_label(step: Step, page: Option<u32>) -> String {
    match page {
        Some(page) if page > 1 => format!("{} (page {page})", step.label()),
        _ => step.label().to_owned(),
    }
}
