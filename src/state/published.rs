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
            // Unchanged since the last read (no round published since): the views stand.
            let fresh = fetched.ok().flatten().filter(|text| *text != summary);
            if let Some(text) = fresh {
                match publish::read_summary(&text) {
                    Ok(servers) => {
                        let engines = self.engines.get_value();
                        engines.borrow_mut().published =
                            servers.into_iter().map(|s| (s.server.clone(), s)).collect();
                        self.refresh_views();
                        self.published_rounds.update(|n| *n += 1);
                    }
                    Err(error) => self.notice.set(Some(format!(
                        "The published history cannot be read: {error}."
                    ))),
                }
                summary = text;
            }
            self.settled.set(true);
            gloo_timers::future::TimeoutFuture::new(PUBLISHED_MS).await;
        }
    }
}
