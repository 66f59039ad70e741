//! One module per screen of the status page; `app` shows the one the route names.

pub mod status;
