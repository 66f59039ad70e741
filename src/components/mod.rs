//! Leptos components. They read signals and call the core; browser APIs go through `browser`.

pub mod frame;
pub mod monitors;
pub mod quick_check;
pub mod settings;
pub mod status_page;
pub mod tree;
