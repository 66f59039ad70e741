//! Alert delivery and on-call (spec sections 6 to 8): the monitoring engine decides that
//! something is worth an alert; this decides whom to tell, when, on which channel, and what
//! happens when nobody answers. Used by the page and the runner alike, with the clock and the
//! network left to them.
//!
//! - [`config`]: channels, routing per severity, the escalation policy, team-size presets.
//! - [`dispatch`]: the state machine from alerts, acknowledgements and time to notices.
//! - [`payload`]: each notice as a webhook, Slack, Discord, ntfy, PagerDuty or Opsgenie
//!   request, or an email; [`digest`]: the P3s of a business morning, in one message.
//! - [`delivery`]: attempts, timeouts, retries with backoff, recorded results.
//! - [`desk`]: a page's dispatcher and deliveries, kept between visits; [`local`]: a
//!   browser's own channels and routing, over the published policy.
//! - [`replay`]: what a policy would have sent over a history.
//! - [`oncall`]: the weekly rotation; [`handoff`]: the shift-change checklist.
//! - [`targets`]: acknowledgement targets against what happened.

pub mod config;
pub mod delivery;
pub mod desk;
pub mod digest;
pub mod dispatch;
pub mod handoff;
pub mod local;
pub mod oncall;
pub mod payload;
pub mod replay;
pub mod targets;

#[cfg(test)]
mod tests;
