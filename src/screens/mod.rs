//! One module per screen of the status page: a `#[component]` drawing what the core's view
//! model (`mcp_status_core::view`) says, with the app's state from context.

pub mod review;
pub mod server;
