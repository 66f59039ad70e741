//! The runner's month files, for the servers the page does not probe (`live` never, or auto under a fresh summary): their
//! pages and the morning review show the runner's probes and incidents, replayed through the
//! same engine as the page's own (`core::published`).

use super::Live;
use crate::browser::site_file;
use futures::future::join_all;
use leptos::prelude::*;
use mcp_status_core::monitor::config::MonitorConfig;
use mcp_status_core::monitor::record::Millis;
use mcp_status_core::published::{self, MonthFile, Past};

impl Live {
    /// `server`'s recent past since `from`, read at `now`, from the month files that span
    /// it (fetched together). A file not published is nothing to show; one that cannot be
    /// fetched, or whose lines do not all read (those are left out), is named in the notice.
    pub async fn published_past(
        self,
        server: String,
        config: MonitorConfig,
        from: Millis,
        now: Millis,
    ) -> Past {
        let paths = published::files(&server, from, now);
        let answers = join_all(paths.iter().map(|path| site_file::fetch_month_file(path))).await;
        let mut files = Vec::with_capacity(paths.len());
        for (path, answer) in paths.iter().zip(answers) {
            match answer {
                Ok(Some(bytes)) => {
                    let file = MonthFile::read(path, &bytes);
                    if let Some(damage) = file.damage() {
                        self.notice.set(Some(format!("{damage}.")));
                    }
                    files.push(file);
                }
                Ok(None) => {}
                Err(error) => self.notice.set(Some(format!(
                    "The published history {path} cannot be read: {error}."
                ))),
            }
        }
        published::past(&server, &config, &files, from, now)
    }
}
