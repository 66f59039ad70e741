//! One module per screen of the status page: a `#[component]` each, placed by `app.rs`.

pub mod monitors;
pub mod settings;
pub mod status;
