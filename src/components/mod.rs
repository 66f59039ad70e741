//! Leptos components. They read signals and call the core; browser APIs go through `browser`.

pub mod day_bar;
pub mod frame;
pub mod server_row;
