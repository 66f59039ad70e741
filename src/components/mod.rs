//! Leptos components. They read signals and call the core; browser APIs go through `browser`.

pub mod detail_page;
pub mod frame;
pub mod monitors;
pub mod review_page;
pub mod settings;
pub mod status_page;
pub mod tree;
