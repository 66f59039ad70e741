//! The published history's month files: appended a line at a time, read around bad lines.

use mcp_status_core::monitor::history::{self, line_of, BadLines, Entry};
use mcp_status_core::monitor::record::ProbeRecord;
use mcp_status_core::publish;
use mcp_status_core::site::{ServerConfig, SiteConfig};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

/// Appends the probe's line to its server's month file, in one write. After a torn last line
/// (a run killed mid-write) the new line starts on a line of its own, so that only the torn
/// one is lost.
pub fn append(data: &Path, server: &ServerConfig, record: &ProbeRecord) -> Result<(), String> {
    let month = publish::month_of(record.at);
    let path = data.join(publish::history_path(&server.name, &month));
    super::files::create_parent(&path)?;
    let mut line = format!("{}\n", line_of(&server.name, &server.url, record));
    if !ends_with_newline(&path) {
        line.insert(0, '\n');
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(line.as_bytes()))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Whether the file is missing, empty, or ends with a newline.
fn ends_with_newline(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut file) = File::open(path) else {
        return true;
    };
    if file.seek(SeekFrom::End(-1)).is_err() {
        return true;
    }
    let mut last = [0u8];
    file.read_exact(&mut last)
        .map_or(true, |()| last[0] == b'\n')
}

/// Every configured server's published probes, in time order, and the lines that did not
/// read, each named by file and line (a run killed mid-line leaves a torn one; a damaged disk
/// or a bad merge, others): left out and reported, never a reason to stop the round.
pub fn read(site: &SiteConfig, data: &Path) -> Result<(Vec<Entry>, Vec<String>), String> {
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for server in &site.servers {
        for month in months(data, &server.name) {
            let name = publish::history_path(&server.name, &month);
            let path = data.join(&name);
            let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let parsed = history::parse_bytes(&bytes, BadLines::Skip).map_err(|e| e.to_string())?;
            skipped.extend(
                parsed
                    .skipped
                    .iter()
                    .map(|e| format!("{name} {e}: left out")),
            );
            entries.extend(
                parsed
                    .entries
                    .into_iter()
                    .filter(|e| e.server == server.name),
            );
        }
    }
    entries.sort_by_key(|e| e.probe.at);
    Ok((entries, skipped))
}

/// A server's month files, oldest first.
pub fn months(data: &Path, server: &str) -> Vec<String> {
    let folder = data.join("history").join(publish::file_stem(server));
    let mut months: Vec<String> = fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            Some(name.strip_suffix(".ndjson")?.to_owned())
        })
        .collect();
    months.sort();
    months
}
