//! What mcp-status draws the same in the browser and natively: the status overview and the
//! frame around every page, as Leptos components over the core's view models.
//!
//! The page (`src/`) mounts them live; `mcp-status prerender` renders them to HTML from the
//! runner's summary, so the status shows before the WASM has loaded. Nothing here calls a
//! browser API while rendering: what they show comes in through [`status::Overview`] and props.
//!
//! - [`frame`]: the header with the navigation, the notice, the footer.
//! - [`status`]: the status overview (`#/`): intro, banner, maintenance, groups of rows.
//! - [`server_row`], [`day_bar`]: a server's row and its 90-day bar.

pub mod day_bar;
pub mod frame;
pub mod server_row;
pub mod status;
