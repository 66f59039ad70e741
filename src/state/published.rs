//! The scheduled runner's published history (`data/summary.json`), followed while the page
//! is open and laid over this browser's own.

use super::{Live, PUBLISHED_MS};
use crate::browser::site_file;
use leptos::prelude::*;
use mcp_status_core::publish;

impl Live {
    /// Reads the runner's published summary now and then again every `PUBLISHED_MS` (it
    /// publishes a round every few minutes); the views show it over this browser's history.
    pub(super) async fn follow_published(self) {
        // None published (yet), or unreachable: this browser's history alone.
        let mut summary = String::new();
        loop {
            let fetched = site_file::fetch_text(publish::SUMMARY).await;
            // From the first answer on (a summary or none), `auto` servers are probed here or
            // not by what it says (`Engines::probes_here`).
            let first = {
                let engines = self.engines.get_value();
                let mut engines = engines.borrow_mut();
                !std::mem::replace(&mut engines.published_read, true)
            };
            // Unchanged since the last read (no round published since): the views stand.
            let fresh = fetched.ok().flatten().filter(|text| *text != summary);
            let read = match fresh.as_deref().map(publish::read_summary) {
                Some(Ok(read)) => {
                    let engines = self.engines.get_value();
                    let mut engines = engines.borrow_mut();
                    engines.published = read
                        .servers
                        .into_iter()
                        .map(|s| (s.server.clone(), s))
                        .collect();
                    engines.published_at = read.generated_at;
                    true
                }
                Some(Err(error)) => {
                    self.notice.set(Some(format!(
                        "The published history cannot be read: {error}."
                    )));
                    false
                }
                None => false,
            };
            if read || first {
                self.refresh_views();
            }
            if read {
                self.published_rounds.update(|n| *n += 1);
            }
            if let Some(text) = fresh {
                summary = text;
            }
            self.settled.set(true);
            gloo_timers::future::TimeoutFuture::new(PUBLISHED_MS).await;
        }
    }
}
