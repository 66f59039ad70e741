//! How history is kept in a key-value store (the page's IndexedDB; the glue is in
//! `src/browser/db/`): the decisions, without the I/O.
//!
//! Raw probes are stored an hour at a time: one record per server and hour whose value is that
//! hour's history lines (docs/formats.md), in time order, one line per instant. Whole lines in
//! text keep a stored probe at about 25 bytes after the browser's compression and make a
//! round's write one small string per server; export is the records joined.

use super::config::MonitorConfig;
use super::history::{self, line_of, Entry};
use super::record::{Millis, DAY, HOUR};
use super::rollup::{DayRecord, Tally};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The span of time one raw record holds.
pub const CHUNK: Millis = HOUR;

/// How long things are kept. Rollups outlive raw probes, so the 90-day view and the uptimes
/// stay right after raw probes are pruned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Retention {
    pub raw_days: u32,
    pub rollup_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            raw_days: 30,
            rollup_days: MIN_ROLLUP_DAYS,
        }
    }
}

/// Rollups are kept at least this long (a year and a month: last year's same month).
pub const MIN_ROLLUP_DAYS: u32 = 400;

impl Retention {
    /// The setting as stored (JSON), read field by field: a missing or odd field keeps its
    /// default, and the other field still counts.
    pub fn from_value(value: &serde_json::Value) -> Retention {
        let days = |key: &str, default: u32| {
            value
                .get(key)
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(default)
        };
        let defaults = Retention::default();
        Retention {
            raw_days: days("raw_days", defaults.raw_days),
            rollup_days: days("rollup_days", defaults.rollup_days),
        }
    }

    /// Raw records that start before this are pruned.
    pub fn raw_cutoff(&self, now: Millis) -> Millis {
        chunk_start(now - i64::from(self.raw_days) * DAY)
    }

    /// Day records before this day are pruned.
    pub fn rollup_cutoff_day(&self, now: Millis) -> i64 {
        now.div_euclid(DAY) - i64::from(self.rollup_days.max(MIN_ROLLUP_DAYS))
    }
}

/// The start of the raw record that holds a probe taken at `at`.
pub fn chunk_start(at: Millis) -> Millis {
    at.div_euclid(CHUNK) * CHUNK
}

/// A raw record's lines with their times. Lines that do not read back (a record damaged
/// outside this code) are counted, not kept.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chunk {
    lines: BTreeMap<Millis, String>,
    pub damaged: usize,
}

impl Chunk {
    pub fn parse(text: &str) -> Chunk {
        let mut chunk = Chunk::default();
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            match history::parse_line(line) {
                // The first line of an instant is kept.
                Ok(entry) => {
                    chunk
                        .lines
                        .entry(entry.probe.at)
                        .or_insert_with(|| line.to_owned());
                }
                Err(_) => chunk.damaged += 1,
            }
        }
        chunk
    }

    /// Adds a line unless the chunk already holds a probe at that instant: merging the same
    /// history twice adds nothing. Returns whether it was added.
    pub fn add(&mut self, at: Millis, line: String) -> bool {
        if self.lines.contains_key(&at) {
            return false;
        }
        self.lines.insert(at, line);
        true
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The stored form: lines in time order, each ending in a newline.
    pub fn text(&self) -> String {
        let mut text = String::with_capacity(self.lines.values().map(|l| l.len() + 1).sum());
        for line in self.lines.values() {
            text.push_str(line);
            text.push('\n');
        }
        text
    }
}

/// The probes of raw records, in time order, and how many lines did not read back.
pub fn entries_of<'a>(texts: impl IntoIterator<Item = &'a str>) -> (Vec<Entry>, usize) {
    entries_where(texts, |_| true)
}

/// The probes of raw records that did not pass plainly (all but `ok`), in time order: what the
/// morning review looks at, a few lines among a day's thousands. The others are skipped
/// unparsed. Stored lines are written by `history::line_of` alone (an import writes its lines
/// again): a flat object whose strings escape every `"`, so `"outcome":"ok"` can only be the
/// outcome field.
pub fn not_ok_of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<Entry> {
    entries_where(texts, |line| !line.contains(r#""outcome":"ok""#)).0
}

fn entries_where<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    keep: fn(&str) -> bool,
) -> (Vec<Entry>, usize) {
    let mut entries = Vec::new();
    let mut damaged = 0;
    for text in texts {
        for line in text
            .lines()
            .filter(|line| !line.trim().is_empty() && keep(line))
        {
            match history::parse_line(line) {
                Ok(entry) => entries.push(entry),
                Err(_) => damaged += 1,
            }
        }
    }
    entries.sort_by_key(|entry| entry.probe.at);
    (entries, damaged)
}

/// What storage holds about a server's recent past: what its page and the morning review show
/// beside the engine's tallies.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recent {
    /// Raw probes since the time asked for, oldest first.
    pub probes: Vec<super::record::ProbeRecord>,
    pub incidents: Vec<super::events::Incident>,
    pub cold_starts: Vec<super::events::ColdStart>,
    pub drift: Vec<super::events::Drift>,
    /// Alerts fired or resolved since the time asked for.
    pub alerts: Vec<super::events::Alert>,
    /// Every tool list kept (one per fingerprint change), oldest first.
    pub snapshots: Vec<(Millis, Vec<serde_json::Value>)>,
}

/// A list of names as JSON text (the morning review's acknowledged findings, the servers a
/// round stored as the prober tells the other tabs), written and read through a `Value`: the
/// page has its code already, and no derived one for `Vec<String>`.
pub fn names_json(names: &[String]) -> String {
    serde_json::Value::Array(
        names
            .iter()
            .cloned()
            .map(serde_json::Value::String)
            .collect(),
    )
    .to_string()
}

/// The names in `text`; none if it is not a JSON array, and only its strings.
pub fn names_of_json(text: &str) -> Vec<String> {
    let value: Option<serde_json::Value> = serde_json::from_slice(text.as_bytes()).ok();
    let names = value.as_ref().and_then(serde_json::Value::as_array);
    names
        .map(|names| {
            names
                .iter()
                .filter_map(|name| name.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A server the user added in the page (beside the ones `status.json` publishes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalMonitor {
    /// Its name: the key of its history.
    pub server: String,
    pub url: String,
    /// Seconds between probes.
    pub cadence_s: u32,
}

impl LocalMonitor {
    pub fn config(&self) -> MonitorConfig {
        MonitorConfig {
            cadence: Millis::from(self.cadence_s.max(1)) * 1_000,
            ..MonitorConfig::default()
        }
    }
}

/// A day rebuilt from raw probes, merged into the stored one. Hours the raw probes cover come
/// from the rebuild (as do hours the store has nothing for); the others stay as stored: raw
/// probes are pruned long before rollups, and a rebuild must not forget what only rollups
/// still know.
pub fn merge_rebuilt_day(
    stored: Option<DayRecord>,
    rebuilt: DayRecord,
    covered: &BTreeSet<Millis>,
) -> DayRecord {
    let first_hour = rebuilt.day * DAY;
    let mut hours: BTreeMap<u8, Tally> = stored
        .into_iter()
        .flat_map(|day| day.hours)
        .filter(|(hour, _)| !covered.contains(&(first_hour + Millis::from(*hour) * HOUR)))
        .collect();
    for (hour, tally) in rebuilt.hours {
        hours.entry(hour).or_insert(tally);
    }
    DayRecord {
        day: rebuilt.day,
        hours: hours.into_iter().collect(),
    }
}

/// Runs of consecutive hours, as `[start, end)` spans, from the starts of raw records.
pub fn spans(hour_starts: &BTreeSet<Millis>) -> Vec<(Millis, Millis)> {
    let mut spans: Vec<(Millis, Millis)> = Vec::new();
    for &start in hour_starts {
        match spans.last_mut() {
            Some(span) if span.1 == start => span.1 = start + CHUNK,
            _ => spans.push((start, start + CHUNK)),
        }
    }
    spans
}

/// A history file's probes as canonical lines, per server, in time order.
pub fn lines_by_server(entries: &[Entry]) -> BTreeMap<String, Vec<(Millis, String)>> {
    let mut servers: BTreeMap<String, Vec<(Millis, String)>> = BTreeMap::new();
    for entry in entries {
        let lines = match servers.get_mut(&entry.server) {
            Some(lines) => lines,
            None => servers.entry(entry.server.clone()).or_default(),
        };
        lines.push((
            entry.probe.at,
            line_of(&entry.server, &entry.url, &entry.probe),
        ));
    }
    for lines in servers.values_mut() {
        lines.sort_by_key(|(at, _)| *at);
    }
    servers
}

/// Lines grouped by the raw record that holds them: `(record start, lines)`, oldest first.
pub fn by_chunk(lines: &[(Millis, String)]) -> BTreeMap<Millis, Vec<&(Millis, String)>> {
    let mut chunks: BTreeMap<Millis, Vec<&(Millis, String)>> = BTreeMap::new();
    for line in lines {
        chunks.entry(chunk_start(line.0)).or_default().push(line);
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_setting_reads_back() {
        let retention = Retention {
            raw_days: 7,
            rollup_days: 500,
        };
        let value = serde_json::to_value(retention).unwrap();
        assert_eq!(Retention::from_value(&value), retention);
        let odd = serde_json::json!({"raw_days": "many"});
        assert_eq!(Retention::from_value(&odd), Retention::default());
    }
    use crate::monitor::history::{parse, BadLines};
    use crate::monitor::record::ProbeRecord;
    use crate::report::{Layer, Outcome};

    fn probe(at: Millis, outcome: Outcome) -> ProbeRecord {
        ProbeRecord {
            at,
            outcome,
            layer: (outcome == Outcome::Failed).then_some(Layer::Http),
            latency_ms: 120,
            contract_hash: Some(0x0e49_d69c_b711_bbf7),
            metadata_hash: Some(7),
            error: (outcome == Outcome::Failed).then(|| "HTTP 502 \"Bad Gateway\"".into()),
        }
    }

    const T: Millis = 1_795_269_600_000; // 2026-11-21T14:00:00Z

    #[test]
    fn a_stored_line_reads_back_as_the_same_probe() {
        for outcome in [Outcome::Ok, Outcome::Failed, Outcome::Blocked] {
            let p = probe(T + 1_234, outcome);
            let line = line_of("a \"quoted\" name", "https://a.example/mcp", &p);
            let entry = history::parse_line(&line).unwrap();
            assert_eq!(entry.probe, p);
            assert_eq!(entry.server, "a \"quoted\" name");
        }
    }

    #[test]
    fn merging_is_idempotent_and_keeps_time_order() {
        let text = |ats: &[Millis]| {
            ats.iter()
                .map(|&at| line_of("a", "https://a.example/mcp", &probe(at, Outcome::Ok)) + "\n")
                .collect::<String>()
        };
        let mut chunk = Chunk::parse(&text(&[T + 120_000, T]));
        assert_eq!(chunk.len(), 2);
        let late = line_of(
            "a",
            "https://a.example/mcp",
            &probe(T + 60_000, Outcome::Ok),
        );
        assert!(chunk.add(T + 60_000, late.clone()));
        assert!(!chunk.add(T + 60_000, late), "same instant twice");
        assert_eq!(chunk.text(), text(&[T, T + 60_000, T + 120_000]));
        // Reading its own text back changes nothing.
        assert_eq!(Chunk::parse(&chunk.text()), chunk);
    }

    #[test]
    fn damaged_lines_are_counted_not_kept() {
        let good = line_of("a", "https://a.example/mcp", &probe(T, Outcome::Ok));
        let chunk = Chunk::parse(&format!("{good}\n{{\"half\":\n\n"));
        assert_eq!((chunk.len(), chunk.damaged), (1, 1));
    }

    #[test]
    fn a_history_file_becomes_lines_per_server_then_records_per_hour() {
        let lines: String = [("a", T + 3_600_000), ("b", T), ("a", T + 60_000), ("a", T)]
            .iter()
            .map(|&(server, at)| {
                line_of(server, "https://x.example/mcp", &probe(at, Outcome::Ok)) + "\n"
            })
            .collect();
        let history = parse(&lines, BadLines::Refuse).unwrap();
        let servers = lines_by_server(&history.entries);
        assert_eq!(servers.keys().collect::<Vec<_>>(), ["a", "b"]);
        let chunks = by_chunk(&servers["a"]);
        let shape: Vec<_> = chunks.iter().map(|(start, l)| (*start, l.len())).collect();
        assert_eq!(shape, [(T, 2), (T + 3_600_000, 1)]);
        assert!(chunks[&T][0].0 < chunks[&T][1].0);
        // Stored records read back as the same probes.
        let texts: Vec<String> = chunks
            .values()
            .map(|l| l.iter().map(|(_, line)| format!("{line}\n")).collect())
            .collect();
        let (entries, damaged) = entries_of(texts.iter().map(String::as_str));
        assert_eq!(damaged, 0);
        let ats: Vec<_> = entries.iter().map(|e| e.probe.at).collect();
        assert_eq!(ats, [T, T + 60_000, T + 3_600_000]);
    }

    #[test]
    fn names_read_back_and_anything_else_reads_as_none() {
        let names = vec!["a \"b\"".to_owned(), "ü\n|x".to_owned()];
        assert_eq!(names_of_json(&names_json(&names)), names);
        assert_eq!(names_of_json(r#"["a", 1, null, "b"]"#), ["a", "b"]);
        assert!(names_of_json("{}").is_empty());
        assert!(names_of_json("not json").is_empty());
    }

    #[test]
    fn the_review_reads_every_probe_but_the_plain_passes() {
        let mut tricky = probe(T + 4, Outcome::Failed);
        // Server text that spells the skipped outcome is escaped: it cannot hide a failure.
        tricky.error = Some(r#"{"outcome":"ok"}"#.into());
        let probes = [
            probe(T, Outcome::Ok),
            probe(T + 1, Outcome::Degraded),
            probe(T + 2, Outcome::Blocked),
            probe(T + 3, Outcome::Failed),
            tricky,
            probe(T + 5, Outcome::AuthRequired),
        ];
        let text: String = probes
            .iter()
            .rev()
            .map(|p| line_of("\"outcome\":\"ok\"", "https://a.example/mcp", p) + "\n")
            .collect();
        let found: Vec<ProbeRecord> = not_ok_of([text.as_str()])
            .into_iter()
            .map(|e| e.probe)
            .collect();
        assert_eq!(found, probes[1..], "all but the pass, in time order");
    }

    #[test]
    fn a_rebuild_replaces_only_the_hours_raw_probes_cover() {
        let tally = |up_ms| Tally {
            up_ms,
            ..Tally::default()
        };
        let day = 20_000;
        let hour = |h: i64| day * DAY + h * HOUR;
        // Stored: hours 1, 2 and 3. Raw probes remain for hours 2 and 3 only (hour 1's were
        // pruned); the rebuild saw hours 2 and 3, and a spill-over into hour 4.
        let stored = DayRecord {
            day,
            hours: vec![(1, tally(1)), (2, tally(2)), (3, tally(3))],
        };
        let rebuilt = DayRecord {
            day,
            hours: vec![(2, tally(20)), (3, tally(30)), (4, tally(40))],
        };
        let covered: BTreeSet<Millis> = [hour(2), hour(3)].into_iter().collect();
        let merged = merge_rebuilt_day(Some(stored), rebuilt, &covered);
        let ups: Vec<_> = merged.hours.iter().map(|(h, t)| (*h, t.up_ms)).collect();
        assert_eq!(ups, [(1, 1), (2, 20), (3, 30), (4, 40)]);
        assert_eq!(spans(&covered), [(hour(2), hour(4))]);
        let apart: BTreeSet<Millis> = [hour(1), hour(3), hour(4)].into_iter().collect();
        assert_eq!(spans(&apart), [(hour(1), hour(2)), (hour(3), hour(5))]);
    }

    #[test]
    fn retention_cuts_raw_probes_before_rollups() {
        let r = Retention::default();
        let now = T + 30 * 60_000;
        assert_eq!(r.raw_cutoff(now), T - 30 * DAY);
        assert_eq!(r.rollup_cutoff_day(now), now / DAY - 400);
        // Asking for fewer rollup days than the minimum keeps the minimum.
        let short = Retention {
            raw_days: 7,
            rollup_days: 30,
        };
        assert_eq!(short.rollup_cutoff_day(now), now / DAY - 400);
    }
}
