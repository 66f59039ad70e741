//! The probe history format: one probe per line (NDJSON), described in docs/formats.md. The
//! page's export and import, `mcp-status replay` and the runner's files all use it.

use super::events::{EventRecord, Incident};
use super::record::{format_hash, parse_hash, Millis, ProbeRecord};
use super::rollup::DayRecord;
use crate::report::{Layer, Outcome};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longer lines are refused rather than parsed (a history line is a few hundred bytes).
pub const MAX_LINE_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub server: String,
    pub url: String,
    /// RFC 3339, e.g. `2026-11-21T14:00:00Z`.
    pub at: String,
    pub outcome: Outcome,
    #[serde(default)]
    pub layer: Option<Layer>,
    pub latency_ms: u64,
    #[serde(default)]
    pub contract_hash: Option<String>,
    #[serde(default)]
    pub metadata_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One probe read from a history line.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub server: String,
    pub url: String,
    pub probe: ProbeRecord,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LineError {
    /// 1-based.
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// What a history file held: its probes (sorted by time) and the lines that were skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub entries: Vec<Entry>,
    /// What a page's export carries beside the probes (`Record`): empty in a plain history.
    pub records: Vec<Record>,
    pub skipped: Vec<LineError>,
}

/// The export's version: what a page writes, and the newest it reads.
pub const EXPORT_VERSION: u32 = 2;

/// A line of a page's export that is not a probe: what the page derived from probes it may
/// no longer hold (raw probes are kept 30 days, rollups, incidents and events 400), so that an
/// import elsewhere restores them. Written with `record` first (`record_line`), which is how a
/// reader tells them from probes; `replay` and the engine read only the probes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case", deny_unknown_fields)]
pub enum Record {
    /// The first line: which version wrote the file.
    Export {
        version: u32,
        exported_at: String,
    },
    /// A server's UTC day of hourly tallies.
    Day {
        server: String,
        day: DayRecord,
    },
    Incident {
        server: String,
        incident: Incident,
    },
    Event {
        server: String,
        event: EventRecord,
    },
}

/// A record as its export line (without the line break).
pub fn record_line(record: &Record) -> String {
    serde_json::to_string(record).unwrap_or_default()
}

/// How a record line starts (serde writes the tag first).
const RECORD_START: &str = "{\"record\":";

fn parse_record(line: &str) -> Result<Record, String> {
    if line.len() > MAX_LINE_BYTES {
        return Err(format!(
            "the line is {} bytes long; the limit is {MAX_LINE_BYTES}",
            line.len()
        ));
    }
    let record: Record =
        crate::json::read(line).map_err(|e| format!("not an export record: {e}"))?;
    match record {
        Record::Export { version, .. } if version > EXPORT_VERSION => Err(format!(
            "an export of version {version}: this page reads versions up to {EXPORT_VERSION} \
             (update it)"
        )),
        record => Ok(record),
    }
}

/// How to treat a line that is not a valid probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadLines {
    /// The whole file is refused at the first bad line.
    Refuse,
    /// Bad lines are counted, reported and left out.
    Skip,
}

pub fn parse(text: &str, bad_lines: BadLines) -> Result<History, LineError> {
    parse_bytes(text.as_bytes(), bad_lines)
}

/// `parse` over a file's bytes as they are: a line that is not UTF-8 (a damaged disk, a torn
/// write) is a bad line like any other, not a reason to refuse the lines around it.
pub fn parse_bytes(bytes: &[u8], bad_lines: BadLines) -> Result<History, LineError> {
    read(bytes, bad_lines, &|_| Ok(()))
}

/// The first MCP specification (2024-11-05): no MCP server was probed before it.
pub const MCP_EPOCH: Millis = 1_730_764_800_000;
/// How far ahead of this machine's clock an imported probe may be (another machine's clock).
pub const CLOCK_SKEW: Millis = 5 * 60_000;

/// `parse` for an import into a history that goes on at `now`: a probe dated in the future
/// (its machine's clock was wrong, or the file was made up) would stop that server, whose
/// engine takes no probe older than its newest; one dated before MCP existed is not one.
/// Both are bad lines.
pub fn parse_import(text: &str, bad_lines: BadLines, now: Millis) -> Result<History, LineError> {
    read(text.as_bytes(), bad_lines, &|at| {
        if at > now + CLOCK_SKEW {
            Err(format!(
                "dated {}, after now: the clock of the machine that wrote it, or the file, is wrong",
                format_time(at)
            ))
        } else if at < MCP_EPOCH {
            Err(format!(
                "dated {}, before MCP existed (November 2024)",
                format_time(at)
            ))
        } else {
            Ok(())
        }
    })
}

enum Line {
    Probe(Entry),
    Record(Record),
}

fn read(
    bytes: &[u8],
    bad_lines: BadLines,
    dated: &dyn Fn(Millis) -> Result<(), String>,
) -> Result<History, LineError> {
    let mut history = History::default();
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.trim_ascii().is_empty() {
            continue;
        }
        let parsed = std::str::from_utf8(line)
            .map_err(|_| "the line is not valid UTF-8".to_owned())
            .and_then(|text| match text.starts_with(RECORD_START) {
                true => parse_record(text).map(Line::Record),
                false => parse_line(text)
                    .and_then(|entry| dated(entry.probe.at).map(|()| Line::Probe(entry))),
            });
        match parsed {
            Ok(Line::Probe(entry)) => history.entries.push(entry),
            Ok(Line::Record(record)) => history.records.push(record),
            Err(reason) => {
                let error = LineError {
                    line: index + 1,
                    reason,
                };
                match bad_lines {
                    BadLines::Refuse => return Err(error),
                    BadLines::Skip => history.skipped.push(error),
                }
            }
        }
    }
    // Stable: probes of the same instant keep their file order.
    history.entries.sort_by_key(|entry| entry.probe.at);
    Ok(history)
}

pub fn parse_line(line: &str) -> Result<Entry, String> {
    if line.len() > MAX_LINE_BYTES {
        return Err(format!(
            "the line is {} bytes long; the limit is {MAX_LINE_BYTES}",
            line.len()
        ));
    }
    // serde_json's derived reader takes a struct from an array too (its fields by position):
    // a history line is an object, as docs/formats.md says.
    if !line.trim_start().starts_with('{') {
        return Err(match crate::json::read::<IgnoredAny>(line) {
            Err(e) => format!("not a probe: {e}"),
            Ok(_) => "not a probe: a line must be a JSON object".to_owned(),
        });
    }
    let raw: HistoryLine = crate::json::read(line).map_err(|e| format!("not a probe: {e}"))?;
    if raw.server.trim().is_empty() || raw.server.len() > 200 {
        return Err("`server` must be a name of 1 to 200 characters".into());
    }
    let at = parse_time(&raw.at)?;
    let latency_ms =
        u32::try_from(raw.latency_ms).map_err(|_| "`latency_ms` is too large".to_owned())?;
    let layer = match (raw.outcome, raw.layer) {
        (Outcome::Failed, None) => return Err("a failed probe needs a `layer`".into()),
        (Outcome::Failed, layer) => layer,
        (_, _) => None,
    };
    let hash = |field: &str, value: &Option<String>| -> Result<Option<u64>, String> {
        match value {
            None => Ok(None),
            Some(hex) => parse_hash(hex)
                .map(Some)
                .ok_or_else(|| format!("`{field}` must be 1 to 16 hexadecimal digits")),
        }
    };
    let contract_hash = hash("contract_hash", &raw.contract_hash)?;
    let metadata_hash = hash("metadata_hash", &raw.metadata_hash)?;
    Ok(Entry {
        server: raw.server,
        url: raw.url,
        probe: ProbeRecord {
            at,
            outcome: raw.outcome,
            layer,
            latency_ms,
            contract_hash,
            metadata_hash,
            error: raw.error.map(|e| crate::text::clip(&e, 500)),
        },
    })
}

pub fn parse_time(text: &str) -> Result<Millis, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .map_err(|e| {
            format!(
                "`at` is not an RFC 3339 time ({e}): {}",
                crate::text::clip(text, 40)
            )
        })
}

pub fn format_time(at: Millis) -> String {
    DateTime::<Utc>::from_timestamp_millis(at)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_else(|| at.to_string())
}

/// `2026-11-21 14:16 UTC`: a time for people, to the minute.
pub fn format_minute(at: Millis) -> String {
    crate::time::format_utc(at, "%Y-%m-%d %H:%M UTC")
}

/// The canonical history line of a probe: what the page stores and exports.
pub fn line_of(server: &str, url: &str, probe: &ProbeRecord) -> String {
    let line = HistoryLine {
        server: server.to_owned(),
        url: url.to_owned(),
        at: format_time(probe.at),
        outcome: probe.outcome,
        layer: probe.layer,
        latency_ms: u64::from(probe.latency_ms),
        contract_hash: probe.contract_hash.map(format_hash),
        metadata_hash: probe.metadata_hash.map(format_hash),
        error: probe.error.clone(),
    };
    serde_json::to_string(&line).expect("a history line serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"server":"a","url":"https://a.example/mcp","at":"2026-11-21T14:00:00Z","outcome":"ok","layer":null,"latency_ms":312,"contract_hash":"0e49d69cb711bbf7","metadata_hash":"c04e54236c53ca0c"}"#;

    #[test]
    fn reads_a_line_and_writes_it_back() {
        let entry = parse_line(GOOD).unwrap();
        assert_eq!(entry.probe.at, 1_795_269_600_000);
        assert_eq!(entry.probe.latency_ms, 312);
        assert_eq!(format_time(entry.probe.at), "2026-11-21T14:00:00.000Z");
    }

    #[test]
    fn bad_lines_are_named_by_number() {
        let text = format!("{GOOD}\n\n{{\"server\":\"a\"}}\n{GOOD}\nnot json\n");
        let error = parse(&text, BadLines::Refuse).unwrap_err();
        assert_eq!(error.line, 3);
        let history = parse(&text, BadLines::Skip).unwrap();
        assert_eq!(history.entries.len(), 2);
        let lines: Vec<_> = history.skipped.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 5]);
    }

    #[test]
    fn an_export_s_records_are_read_beside_its_probes_and_a_newer_version_is_named() {
        let day = DayRecord {
            day: 20_413,
            hours: Vec::new(),
        };
        let records = [
            Record::Export {
                version: EXPORT_VERSION,
                exported_at: "2026-11-21T15:00:00.000Z".into(),
            },
            Record::Day {
                server: "api".into(),
                day: day.clone(),
            },
        ];
        let text: String = records
            .iter()
            .map(|r| record_line(r) + "\n")
            .collect::<String>()
            + GOOD
            + "\n";
        assert!(text.starts_with("{\"record\":\"export\""), "{text}");
        let history = parse(&text, BadLines::Refuse).unwrap();
        assert_eq!(history.entries.len(), 1, "replay reads the probes");
        assert_eq!(history.records, records);
        let newer = text.replace("\"version\":2", "\"version\":3");
        assert_eq!(
            parse(&newer, BadLines::Refuse).unwrap_err().to_string(),
            "line 1: an export of version 3: this page reads versions up to 2 (update it)"
        );
        let odd = "{\"record\":\"day\",\"server\":\"api\"}";
        let error = parse(odd, BadLines::Refuse).unwrap_err().to_string();
        assert!(
            error.starts_with("line 1: not an export record:"),
            "{error}"
        );
    }

    #[test]
    fn an_import_refuses_probes_from_the_future_and_from_before_mcp() {
        let now = 1_795_269_600_000 + 60_000; // a minute after GOOD
        let future = GOOD.replace("2026-11-21T14:00:00Z", "2099-01-01T00:00:00Z");
        let past = GOOD.replace("2026-11-21T14:00:00Z", "1970-01-01T00:00:00Z");
        let skewed = GOOD.replace("2026-11-21T14:00:00Z", "2026-11-21T14:04:00Z");
        let text = format!("{GOOD}\n{future}\n{past}\n{skewed}\n");
        let error = parse_import(&text, BadLines::Refuse, now).unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 2: dated 2099-01-01T00:00:00.000Z, after now: the clock of the machine that \
             wrote it, or the file, is wrong"
        );
        let history = parse_import(&text, BadLines::Skip, now).unwrap();
        assert_eq!(
            history.entries.len(),
            2,
            "a clock a few minutes ahead is taken"
        );
        assert_eq!(
            history.skipped[1].to_string(),
            "line 3: dated 1970-01-01T00:00:00.000Z, before MCP existed (November 2024)"
        );
        // Replaying a file is not importing it: every date is read.
        assert_eq!(parse(&text, BadLines::Skip).unwrap().entries.len(), 4);
    }

    #[test]
    fn a_line_that_is_not_utf8_or_torn_is_skipped_and_named() {
        let mut bytes = format!("{GOOD}\r\n").into_bytes();
        bytes.extend_from_slice(b"{\"server\":\"a\xff\xfe\"}\n");
        bytes.extend_from_slice(format!("{GOOD}\n").as_bytes());
        // A run killed mid-write leaves half a line at the end.
        bytes.extend_from_slice(&GOOD.as_bytes()[..GOOD.len() / 2]);
        let history = parse_bytes(&bytes, BadLines::Skip).unwrap();
        assert_eq!(history.entries.len(), 2);
        let skipped: Vec<_> = history.skipped.iter().map(|e| e.line).collect();
        assert_eq!(skipped, [2, 4]);
        assert_eq!(history.skipped[0].reason, "the line is not valid UTF-8");
        assert_eq!(
            parse_bytes(&bytes, BadLines::Refuse).unwrap_err().line,
            2,
            "refused at the first bad line"
        );
    }

    #[test]
    fn refuses_what_does_not_make_sense() {
        for (line, needle) in [
            (
                GOOD.replace("2026-11-21T14:00:00Z", "yesterday"),
                "RFC 3339",
            ),
            (
                GOOD.replace(
                    r#""outcome":"ok","layer":null"#,
                    r#""outcome":"failed","layer":null"#,
                ),
                "layer",
            ),
            (
                GOOD.replace(r#""latency_ms":312"#, r#""latency_ms":99999999999"#),
                "too large",
            ),
            (GOOD.replace("0e49d69cb711bbf7", "<script>"), "hexadecimal"),
            (
                GOOD.replace("0e49d69cb711bbf7", "0e49d69cb711bbf7ff"),
                "hexadecimal",
            ),
            // A sign is not a hex digit, whatever Rust's integer parse says.
            (GOOD.replace("0e49d69cb711bbf7", "+abc"), "hexadecimal"),
            (GOOD.replace(r#""server":"a""#, r#""server":"""#), "server"),
            (
                GOOD.replace(r#""outcome":"ok""#, r#""outcome":"great""#),
                "not a probe",
            ),
        ] {
            let error = parse_line(&line).unwrap_err();
            assert!(error.contains(needle), "{error}");
        }
    }

    #[test]
    fn a_line_of_the_wrong_shape_is_named_by_its_field() {
        for (line, message) in [
            (
                GOOD.replace(r#""latency_ms":312"#, r#""latency_ms":"x""#),
                r#"not a probe: `latency_ms`: invalid type: string "x", expected u64"#,
            ),
            (
                GOOD.replace(r#""latency_ms":312"#, r#""latency_ms":-1"#),
                "not a probe: `latency_ms`: invalid value: integer `-1`, expected u64",
            ),
            (
                GOOD.replace(r#""server":"a""#, r#""server":7"#),
                "not a probe: `server`: invalid type: integer `7`, expected a string",
            ),
            (
                GOOD.replace(r#""outcome":"ok""#, r#""outcome":"great""#),
                "not a probe: `outcome`: unknown variant `great`, expected one of `ok`, \
                 `degraded`, `auth_required`, `blocked`, `failed`",
            ),
            (
                GOOD.replace(r#""layer":null"#, r#""layer":"dns""#),
                "not a probe: `layer`: unknown variant `dns`, expected one of `transport`, \
                 `http`, `initialize`, `tools`",
            ),
            (
                r#"{"server":"a"}"#.to_owned(),
                "not a probe: missing field `url`",
            ),
            (
                r#"["a","u","2026-11-21T14:00:00Z","ok",null,1,null,null,null]"#.to_owned(),
                "not a probe: a line must be a JSON object",
            ),
        ] {
            assert_eq!(parse_line(&line).unwrap_err(), message);
        }
        assert!(parse_line("not json")
            .unwrap_err()
            .starts_with("not a probe: not JSON ("));
        // Fields it does not know are left alone, as they always were.
        let extra = GOOD.replace(r#"{"server""#, r#"{"note":{"by":"ana"},"server""#);
        assert_eq!(parse_line(&extra), parse_line(GOOD));
    }

    #[test]
    fn a_probe_report_becomes_a_line_that_reads_back() {
        use crate::report::ProbeReport;
        let report = ProbeReport {
            error: Some("tools/list returned JSON-RPC error -32603: boom".into()),
            latency_ms: 120,
            timeout_ms: 10_000,
            ..ProbeReport::bare("https://a.example/mcp", Outcome::Failed, Some(Layer::Tools))
        };
        let at = 1_795_269_600_123;
        let probe = ProbeRecord::of_report(at, &report);
        let entry = parse_line(&line_of("a", &report.url, &probe)).unwrap();
        assert_eq!(
            (entry.server.as_str(), entry.url.as_str()),
            ("a", "https://a.example/mcp")
        );
        assert_eq!(entry.probe.at, at);
        assert_eq!(
            (entry.probe.outcome, entry.probe.layer),
            (Outcome::Failed, Some(Layer::Tools))
        );
        assert_eq!(entry.probe.latency_ms, 120);
        assert_eq!(entry.probe.error, report.error);
    }

    #[test]
    fn probes_come_out_in_time_order() {
        let later = GOOD.replace("14:00:00", "15:00:00");
        let history = parse(&format!("{later}\n{GOOD}"), BadLines::Refuse).unwrap();
        assert!(history.entries[0].probe.at < history.entries[1].probe.at);
    }
}
