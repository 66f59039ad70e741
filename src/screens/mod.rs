//! The status page's screens, one module each: `#[component]`s drawing the core's view models,
//! placed by `app.rs`.

pub mod check;
pub mod monitors;
pub mod review;
pub mod server;
pub mod settings;
