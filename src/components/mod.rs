//! Leptos components. They read signals and call the core; browser APIs go through `browser`.

pub mod day_bar;
pub mod detail_page;
pub mod frame;
pub mod review_page;
pub mod server_row;
pub mod tree;
