//! The runner's month files read back by a page (docs/formats.md, "Published history"): a
//! server the page does not probe itself (`live` never, or auto under a fresh summary) has no history in the browser, so
//! its page and the morning review read the runner's. This module decides which files a
//! screen needs, what an answer for one means, and what they hold: their probes replayed
//! through the monitoring engine (`monitor::replay`, the runner's own replay), as the same
//! `Recent` and hourly tallies that storage and the engines give for the page's own probes,
//! so that one set of rules classifies both.

use crate::monitor::config::MonitorConfig;
use crate::monitor::history::{self, BadLines, Entry};
use crate::monitor::record::{Millis, DAY};
use crate::monitor::replay::replay;
use crate::monitor::rollup::Uptime;
use crate::monitor::store::Recent;
use crate::publish::history_path;
use chrono::{DateTime, Datelike};

/// The runner's data folder, relative to the page (`publish::SUMMARY` is in it).
pub const DATA: &str = "data/";

/// How much history before the time a screen shows is replayed with it: the longest window
/// an alert looks back over (the slow burn's 3 days), so that what the engine says about the
/// first hours shown is what the runner said. An incident that began before it is shown from
/// the first probe read.
pub const LEAD: Millis = 3 * DAY;

/// The months (`YYYY-MM`, UTC) from the one of `from` to the one of `to`, oldest first; none
/// when the first is after the last, or either time is out of the calendar's range.
pub fn months(from: Millis, to: Millis) -> Vec<String> {
    let month = |at| DateTime::from_timestamp_millis(at).map(|t| (t.year(), t.month()));
    let (Some(mut at), Some(last)) = (month(from), month(to)) else {
        return Vec::new();
    };
    let mut months = Vec::new();
    while at <= last {
        months.push(format!("{:04}-{:02}", at.0, at.1));
        at = match at.1 {
            12 => (at.0 + 1, 1),
            m => (at.0, m + 1),
        };
    }
    months
}

/// The month files of `server` that a screen showing `[from, to]` reads, with the lead-in
/// (`LEAD`), relative to the page, oldest first.
pub fn files(server: &str, from: Millis, to: Millis) -> Vec<String> {
    months(from - LEAD, to)
        .iter()
        .map(|month| format!("{DATA}{}", history_path(server, month)))
        .collect()
}

/// Whether an answer to the request of a JSON or NDJSON file beside the page (`status.json`,
/// `summary.json`, a month file) holds the file: `Ok(false)` when nothing is there (404, or a
/// 200 with an HTML page: a development server's answer for any address it does not know,
/// `trunk serve`'s included), an error for any other status.
pub fn is_published(status: u16, content_type: Option<&str>) -> Result<bool, String> {
    let html = content_type.is_some_and(|t| t.trim_start().starts_with("text/html"));
    match status {
        404 => Ok(false),
        200 => Ok(!html),
        status => Err(format!("the server answered HTTP {status}")),
    }
}

/// A month file as it was read: its address (relative to the page) and its lines, those
/// that do not read left out and named.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MonthFile {
    pub path: String,
    pub lines: history::History,
}

impl MonthFile {
    /// Reads the file's bytes as the runner does: a line that does not read (torn, not UTF-8,
    /// not a probe) is left out, the others are kept.
    pub fn read(path: &str, bytes: &[u8]) -> MonthFile {
        // With `Skip`, a bad line is recorded rather than returned: this never fails.
        let lines = history::parse_bytes(bytes, BadLines::Skip).unwrap_or_default();
        MonthFile {
            path: path.to_owned(),
            lines,
        }
    }

    /// What the page says about the lines left out, if any: the first, named by file and
    /// line as the runner names it, and how many more.
    pub fn damage(&self) -> Option<String> {
        let first = self.lines.skipped.first()?;
        let more = match self.lines.skipped.len() - 1 {
            0 => String::new(),
            1 => " (and 1 more line)".to_owned(),
            n => format!(" (and {n} more lines)"),
        };
        Some(format!(
            "The published history is damaged: {} {first}: left out{more}",
            self.path.strip_prefix(DATA).unwrap_or(&self.path)
        ))
    }
}

/// A server's recent past from its month files: what its page and the review show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Past {
    /// The last 24 hours before `now`, hour by hour (`ServerMonitor::hours`).
    pub hours: Vec<(Millis, Uptime)>,
    /// Probes, cold starts, drift and alerts since `from`; every incident of the files.
    pub recent: Recent,
}

/// `server`'s probes in `files` (lines of other servers left out, as the runner leaves them
/// out) replayed in time order through one engine with the server's `config`, read at `now`:
/// its recent past since `from`. An empty past when nothing was published, or the config
/// is refused by the engine.
pub fn past(
    server: &str,
    config: &MonitorConfig,
    files: &[MonthFile],
    from: Millis,
    now: Millis,
) -> Past {
    let mut entries: Vec<&Entry> = files
        .iter()
        .flat_map(|file| &file.lines.entries)
        .filter(|entry| entry.server == server)
        .collect();
    // Stable: probes of the same instant keep their file order, as `history::parse` does.
    entries.sort_by_key(|entry| entry.probe.at);
    let replayed = replay(entries.iter().copied(), |_| Ok(config.clone()));
    let Some(replayed) = replayed.ok().and_then(|mut all| all.remove(server)) else {
        return Past::default();
    };
    let monitor = replayed.monitor;
    let since = |at: &Millis| *at >= from;
    Past {
        hours: monitor.hours(now, 24),
        recent: Recent {
            probes: entries
                .iter()
                .map(|entry| entry.probe.clone())
                .filter(|probe| since(&probe.at))
                .collect(),
            incidents: monitor.incidents.clone(),
            cold_starts: monitor
                .cold_starts
                .iter()
                .filter(|c| since(&c.at))
                .cloned()
                .collect(),
            drift: monitor
                .drift
                .iter()
                .filter(|d| since(&d.at))
                .cloned()
                .collect(),
            alerts: monitor
                .alerts
                .iter()
                .filter(|a| since(&a.at))
                .cloned()
                .collect(),
            snapshots: Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::history::line_of;
    use crate::monitor::record::{ProbeRecord, MINUTE};
    use crate::monitor::review::{classify, findings, Class, ProbeClass};
    use crate::report::{Layer, Outcome};
    use crate::view::server::History;

    /// 2026-11-21T00:00:00Z.
    const T0: Millis = 1_795_219_200_000;

    fn probe(at: Millis, outcome: Outcome, latency_ms: u32) -> ProbeRecord {
        let failed = outcome == Outcome::Failed;
        ProbeRecord {
            at,
            outcome,
            layer: failed.then_some(Layer::Http),
            latency_ms,
            contract_hash: None,
            metadata_hash: None,
            error: failed.then(|| "HTTP 502".to_owned()),
        }
    }

    fn file(path: &str, probes: &[ProbeRecord]) -> MonthFile {
        let text: String = probes
            .iter()
            .map(|p| line_of("api", "https://api.example/mcp", p) + "\n")
            .collect();
        MonthFile::read(path, text.as_bytes())
    }

    #[test]
    fn months_run_from_the_first_to_the_last_across_a_year() {
        assert_eq!(months(T0, T0), ["2026-11"]);
        let december_31 = T0 + 40 * DAY;
        assert_eq!(
            months(T0 - 30 * DAY, december_31 + DAY),
            ["2026-10", "2026-11", "2026-12", "2027-01"]
        );
        assert_eq!(months(T0, T0 - 1), ["2026-11"], "the same month");
        assert!(
            months(T0, T0 - 21 * DAY).is_empty(),
            "October after November"
        );
        assert!(months(T0 + 40 * DAY, T0).is_empty());
        assert!(months(i64::MIN, T0).is_empty());
    }

    #[test]
    fn a_screen_reads_the_months_of_its_day_and_of_the_lead_in() {
        let at = |day: i64, hour: i64| T0 + (day - 21) * DAY + hour * 3_600_000;
        let day_before = |now| files("api", now - DAY, now);
        let (november, december) = (
            "data/history/api/2026-11.ndjson",
            "data/history/api/2026-12.ndjson",
        );
        // Mid-month: one file.
        assert_eq!(day_before(at(21, 12)), [november]);
        // The morning after the month turned: last night is in the month before.
        assert_eq!(day_before(at(31, 6)), [november, december]);
        // The day shown is this month's, the lead-in is not.
        assert_eq!(day_before(at(33, 0)), [november, december]);
        assert_eq!(day_before(at(35, 0)), [december]);
        // A name that is not a file name: the folder the runner writes.
        assert_eq!(
            files("my api", at(21, 0) - DAY, at(21, 0)),
            ["data/history/my-api-ddbe76bd/2026-11.ndjson"]
        );
    }

    #[test]
    fn what_an_answer_means() {
        assert_eq!(is_published(200, Some("application/x-ndjson")), Ok(true));
        assert_eq!(is_published(200, None), Ok(true));
        assert_eq!(is_published(404, Some("text/html")), Ok(false));
        // `trunk serve` answers index.html for any address it does not know.
        assert_eq!(
            is_published(200, Some("text/html; charset=utf-8")),
            Ok(false)
        );
        assert_eq!(
            is_published(500, Some("text/plain")),
            Err("the server answered HTTP 500".to_owned())
        );
    }

    /// Probes at `T0 + minute`: passes, a lone failure at 10, an outage from 20 to 24, passes.
    fn day() -> Vec<ProbeRecord> {
        use Outcome::{Failed, Ok};
        (0..40)
            .map(|m| {
                let failed = m == 10 || (20..25).contains(&m);
                let outcome = if failed { Failed } else { Ok };
                probe(T0 + m * MINUTE, outcome, 40 + m as u32)
            })
            .collect()
    }

    #[test]
    fn month_files_become_what_the_pages_own_probes_become() {
        let probes = day();
        let now = T0 + 41 * MINUTE;
        // Split over two files, the later one first: order comes from the probes' times.
        let files = [
            file("data/history/api/2026-11.ndjson", &probes[15..]),
            file("data/history/api/2026-10.ndjson", &probes[..15]),
        ];
        let past = past("api", &MonitorConfig::default(), &files, now - DAY, now);

        // The page's own path: the same probes into an engine, as the prober feeds it.
        let mut engine =
            crate::monitor::ServerMonitor::new(MonitorConfig::default(), "api.example").unwrap();
        for probe in &probes {
            engine.ingest(probe);
        }
        assert_eq!(past.recent.probes, probes);
        assert_eq!(past.recent.incidents, engine.incidents);
        assert_eq!(past.recent.cold_starts, engine.cold_starts);
        assert_eq!(past.hours, engine.hours(now, 24));
        assert_eq!(past.recent.incidents.len(), 1);

        // The server page's timeline and the review classify them as they classify the
        // page's own.
        let classes = classify(
            &past.recent.probes,
            &past.recent.incidents,
            &past.recent.cold_starts,
            now,
        );
        assert_eq!(classes[10], ProbeClass::Failure);
        assert_eq!(classes[20..25], [ProbeClass::Outage; 5]);
        let history = History::of(&past.hours, &past.recent, now);
        assert_eq!(history.probes.len(), 40);
        assert_eq!(history.probes[22].class_name(), "outage");
        assert_eq!(history.incidents.len(), 1);
        assert!(!history.incidents[0].open);
        assert!(!history.latency.empty);
        let found = findings("api", &past.recent, now);
        let mine = Recent {
            probes: probes.clone(),
            incidents: engine.incidents.clone(),
            cold_starts: engine.cold_starts.clone(),
            drift: engine.drift.clone(),
            alerts: engine.alerts.clone(),
            snapshots: Vec::new(),
        };
        assert_eq!(found, findings("api", &mine, now));
        let first: Vec<(Class, Millis)> = found.iter().take(2).map(|f| (f.class(), f.at)).collect();
        assert_eq!(
            first,
            [
                (Class::Outage, T0 + 20 * MINUTE),
                (Class::Failure, T0 + 10 * MINUTE)
            ]
        );
    }

    #[test]
    fn the_lead_in_judges_the_first_hours_but_is_not_shown() {
        let probes = day();
        // The day shown starts in the middle of the outage: its probes before are the
        // lead-in's.
        let (from, now) = (T0 + 22 * MINUTE, T0 + 41 * MINUTE);
        let files = [file("data/history/api/2026-11.ndjson", &probes)];
        let past = past("api", &MonitorConfig::default(), &files, from, now);
        assert_eq!(past.recent.probes, probes[22..]);
        let incident = &past.recent.incidents[0];
        assert_eq!(incident.start, T0 + 20 * MINUTE, "begun in the lead-in");
        let classes = classify(&past.recent.probes, &past.recent.incidents, &[], now);
        assert_eq!(classes[..3], [ProbeClass::Outage; 3]);
    }

    #[test]
    fn other_servers_lines_and_damaged_lines_are_left_out_and_named() {
        let probes = day();
        let mut text = String::new();
        for (n, probe) in probes.iter().enumerate() {
            let server = if n == 3 { "billing" } else { "api" };
            text.push_str(&line_of(server, "https://api.example/mcp", probe));
            text.push('\n');
            if n == 5 {
                text.push_str("{\"server\":\"api\",\"url\":\"u\",\"at\":\"yesterday\"}\n");
            }
        }
        // A torn last line, and one that is not UTF-8.
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(b"\xff\xfe\n{\"server\":\"api\",\"ur");
        let read = MonthFile::read("data/history/api/2026-11.ndjson", &bytes);
        assert_eq!(read.lines.entries.len(), 40);
        assert_eq!(read.lines.skipped.len(), 3);
        assert_eq!(
            read.damage().as_deref(),
            Some(
                "The published history is damaged: history/api/2026-11.ndjson line 7: \
                 not a probe: missing field `outcome`: left out (and 2 more lines)"
            )
        );
        let now = T0 + 41 * MINUTE;
        let past = past("api", &MonitorConfig::default(), &[read], now - DAY, now);
        assert_eq!(past.recent.probes.len(), 39, "billing's line is not api's");
        assert!(past.recent.probes.iter().all(|p| p.at != T0 + 3 * MINUTE));

        let whole = file("data/history/api/2026-11.ndjson", &probes);
        assert_eq!(whole.damage(), None);
    }

    #[test]
    fn nothing_published_is_an_empty_past() {
        let now = T0;
        assert_eq!(
            past("api", &MonitorConfig::default(), &[], now - DAY, now),
            Past::default()
        );
        let empty = MonthFile::read("data/history/api/2026-11.ndjson", b"");
        assert_eq!(empty.damage(), None);
        let refused = MonitorConfig {
            cadence: 0,
            ..MonitorConfig::default()
        };
        let files = [file("data/history/api/2026-11.ndjson", &day())];
        assert_eq!(
            past("api", &refused, &files, now - DAY, now),
            Past::default()
        );
    }
}
