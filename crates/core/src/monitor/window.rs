//! The windows both uptimes are given over: on the page, in the published summary, in
//! `replay --json`.

use super::record::{Millis, DAY, HOUR};

/// The windows the page offers for both uptimes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Day,
    Week,
    Month,
    Quarter,
}

impl Window {
    pub const ALL: [Window; 4] = [Window::Day, Window::Week, Window::Month, Window::Quarter];

    pub fn span(self) -> Millis {
        match self {
            Window::Day => 24 * HOUR,
            Window::Week => 7 * DAY,
            Window::Month => 30 * DAY,
            Window::Quarter => 90 * DAY,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Window::Day => "24 h",
            Window::Week => "7 d",
            Window::Month => "30 d",
            Window::Quarter => "90 d",
        }
    }
}
