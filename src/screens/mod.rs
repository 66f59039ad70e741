//! The status page's screens, one module each: `#[component]`s drawing the core's view models.

pub mod check;
