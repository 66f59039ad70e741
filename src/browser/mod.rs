//! Browser glue: everything that touches `window`. Components call these; the core never does.

pub mod channel;
pub mod clipboard;
pub mod clock;
pub mod db;
pub mod deployment;
pub mod files;
pub mod frame;
pub mod leader;
pub mod location;
pub mod notify;
pub mod probe_driver;
pub mod send;
pub mod site_file;
pub mod storage;
pub mod zone;
