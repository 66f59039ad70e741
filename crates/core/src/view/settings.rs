//! Settings: what the history takes in this browser, export and import (the NDJSON format of
//! docs/formats.md), how long raw probes are kept, and deleting it all.

use crate::monitor::history::LineError;
use crate::monitor::record::Millis;
use crate::monitor::store::{Retention, MIN_ROLLUP_DAYS};
use crate::text::{decimal, without_format};
use std::fmt::Display;

/// What the browser says about the page's storage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Storage {
    /// `(bytes used, bytes allowed)`, when the browser says.
    pub estimate: Option<(f64, f64)>,
    /// Whether the browser keeps the history under storage pressure.
    pub persisted: bool,
}

/// Said for a figure not measured yet.
pub const NOT_MEASURED: &str = "…";

impl Storage {
    /// `12 KB of 2.5 GB allowed`.
    pub fn used(&self) -> String {
        match self.estimate {
            Some((used, quota)) => format!("{} of {} allowed", bytes(used), bytes(quota)),
            None => "unknown".to_owned(),
        }
    }

    /// "Kept under storage pressure": whether, and what that means.
    pub fn kept(&self) -> &'static str {
        if self.persisted {
            "yes (persistent storage granted)"
        } else {
            "not guaranteed (the browser may clear it when space runs low)"
        }
    }
}

/// A byte count for people: `12 KB`, `3.4 MB`.
pub fn bytes(n: f64) -> String {
    match n {
        n if n >= 1e9 => format!("{} GB", decimal(n / 1e9, 1)),
        n if n >= 1e6 => format!("{} MB", decimal(n / 1e6, 1)),
        n if n >= 1e3 => format!("{} KB", decimal(n / 1e3, 0)),
        n => format!("{} B", decimal(n, 0)),
    }
}

/// The exported file's name, dated (UTC) at `now`.
pub fn export_name(now: Millis) -> String {
    format!("mcp-status-history-{}.ndjson", crate::time::utc_day(now))
}

/// Asked (the browser's own dialog) before everything is deleted.
pub const WIPE_QUESTION: &str = "Delete all history kept in this browser?";

/// The most days raw probes can be kept: rollups outlive them.
pub const MAX_RAW_DAYS: u32 = MIN_ROLLUP_DAYS;

/// The retention to store for what the days field holds: not a number keeps the default,
/// and days are kept within what rollups outlive.
pub fn retention(raw_days: &str) -> Retention {
    let days = raw_days
        .trim()
        .parse()
        .unwrap_or(Retention::default().raw_days);
    Retention {
        raw_days: days.clamp(1, MAX_RAW_DAYS),
        ..Retention::default()
    }
}

/// Said under the retention field.
pub fn retention_note() -> String {
    format!(
        "Hourly and daily rollups are kept {MIN_ROLLUP_DAYS} days, so uptimes and the daily \
         bars outlive raw probes."
    )
}

/// The last import's outcome, as the page says it (`data-ok` and the sentence). The sentence
/// quotes the file (its servers' names, its bad lines) and the browser: it is said without
/// format characters (`text::without_format`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportResult {
    pub ok: bool,
    pub message: String,
}

impl ImportResult {
    pub fn no_file() -> ImportResult {
        ImportResult::refused("Choose a history file first.".to_owned())
    }

    /// The file could not be read at all (the browser says why).
    pub fn unreadable(reason: String) -> ImportResult {
        ImportResult::refused(reason)
    }

    /// A bad line, and bad lines were not to be skipped: nothing was written.
    pub fn bad_line(error: &LineError) -> ImportResult {
        ImportResult::refused(format!(
            "Nothing was imported: {error}. Fix the line, or tick “Skip bad lines”."
        ))
    }

    /// Storage refused the import (all or nothing: nothing was written).
    pub fn not_stored(error: impl Display) -> ImportResult {
        ImportResult::refused(format!("Nothing was imported: {error}."))
    }

    pub fn imported(
        added: usize,
        duplicates: usize,
        servers: &[String],
        skipped: &[LineError],
    ) -> ImportResult {
        let mut message = format!(
            "Imported {added} new probes ({duplicates} were already here) for {}.",
            servers.join(", ")
        );
        if !skipped.is_empty() {
            let lines: Vec<String> = skipped.iter().map(LineError::to_string).collect();
            message.push_str(&format!(
                " Skipped {} bad lines: {}.",
                lines.len(),
                lines.join("; ")
            ));
        }
        ImportResult {
            ok: true,
            message: without_format(message),
        }
    }

    /// The probes are stored but what derives from them is not rebuilt yet: said, and when
    /// it will be.
    pub fn unfinished(self, error: impl Display) -> ImportResult {
        ImportResult {
            ok: true,
            message: without_format(format!(
                "{} Their uptimes, bars and incidents are not rebuilt yet ({error}): that is \
                 finished when this page next opens.",
                self.message
            )),
        }
    }

    fn refused(message: String) -> ImportResult {
        ImportResult {
            ok: false,
            message: without_format(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_is_said_in_bytes_for_people() {
        let storage = Storage {
            estimate: Some((12_345.0, 2.5e9)),
            persisted: false,
        };
        assert_eq!(storage.used(), "12 KB of 2.5 GB allowed");
        assert!(storage.kept().starts_with("not guaranteed"));
        let unknown = Storage {
            estimate: None,
            persisted: true,
        };
        assert_eq!(unknown.used(), "unknown");
        assert_eq!(unknown.kept(), "yes (persistent storage granted)");
        assert_eq!(bytes(999.0), "999 B");
        assert_eq!(bytes(3_400_000.0), "3.4 MB");
    }

    #[test]
    fn the_export_is_named_by_its_utc_day() {
        // 2026-11-21T00:00:00Z less a millisecond.
        assert_eq!(
            export_name(1_795_219_199_999),
            "mcp-status-history-2026-11-20.ndjson"
        );
    }

    #[test]
    fn retention_keeps_raw_days_within_what_rollups_outlive() {
        assert_eq!(retention("7").raw_days, 7);
        assert_eq!(retention(" 7 ").raw_days, 7);
        assert_eq!(retention("0").raw_days, 1);
        assert_eq!(retention("100000").raw_days, MAX_RAW_DAYS);
        assert_eq!(retention("").raw_days, Retention::default().raw_days);
        assert_eq!(retention("-3").raw_days, Retention::default().raw_days);
        assert_eq!(retention("7").rollup_days, MIN_ROLLUP_DAYS);
        assert!(retention_note().contains("kept 400 days"));
    }

    #[test]
    fn what_an_import_quotes_is_said_without_format_characters() {
        use crate::view::check::tests::assert_no_format;
        let laced = |text: &str| format!("\u{202E}{text}\u{200B}");
        let skipped = [LineError {
            line: 3,
            reason: laced("unknown server \"x\""),
        }];
        let results = [
            ImportResult::imported(5, 2, &[laced("api <b>"), laced("web")], &skipped),
            ImportResult::bad_line(&skipped[0]),
            ImportResult::not_stored(laced("the disk is full")),
            ImportResult::unreadable(laced("NotReadableError")),
        ];
        assert_no_format(&format!("{results:?}"));
        assert_eq!(
            results[0].message,
            "Imported 5 new probes (2 were already here) for api <b>, web. Skipped 1 bad lines: line 3: unknown server \"x\"."
        );
        assert_eq!(results[3].message, "NotReadableError");
    }

    #[test]
    fn an_import_whose_rebuild_failed_says_the_probes_are_in_and_the_rest_follows() {
        let result =
            ImportResult::imported(5, 0, &["a".into()], &[]).unfinished("the disk is full");
        assert!(result.ok, "the probes are stored");
        assert_eq!(
            result.message,
            "Imported 5 new probes (0 were already here) for a. Their uptimes, bars and \
             incidents are not rebuilt yet (the disk is full): that is finished when this page \
             next opens."
        );
    }

    #[test]
    fn an_import_says_what_it_added_and_which_lines_it_skipped() {
        let skipped = [LineError {
            line: 3,
            reason: "bad time".into(),
        }];
        let result = ImportResult::imported(5, 2, &["a".into(), "b".into()], &skipped);
        assert!(result.ok);
        assert_eq!(
            result.message,
            "Imported 5 new probes (2 were already here) for a, b. Skipped 1 bad lines: line 3: bad time."
        );
        let refused = ImportResult::bad_line(&skipped[0]);
        assert!(!refused.ok);
        assert_eq!(
            refused.message,
            "Nothing was imported: line 3: bad time. Fix the line, or tick “Skip bad lines”."
        );
        assert_eq!(
            ImportResult::not_stored("the disk is full").message,
            "Nothing was imported: the disk is full."
        );
        assert!(!ImportResult::no_file().ok);
    }
}
