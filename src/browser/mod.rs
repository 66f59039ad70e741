//! Browser glue: everything that touches `window`. Components call these; the core never does.

pub mod clipboard;
pub mod clock;
pub mod db;
pub mod frame;
pub mod location;
pub mod probe_driver;
pub mod storage;
