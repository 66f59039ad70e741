//! What each screen shows, as plain data ("view models"): computed here from the monitoring
//! state, tested natively, drawn by the web app's components (`src/screens/`). No HTML here:
//! the components decide the elements, this decides every word, number and `data-*` value.

pub mod check;
pub mod desk;
pub mod monitors;
pub mod oncall;
pub mod overview;
pub mod review;
pub mod server;
pub mod settings;
