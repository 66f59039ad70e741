//! Writing the runner's files whole.

use std::fs;
use std::path::Path;

/// Writes `text` to `path` whole: aside first, then renamed over it, so that a reader (or a
/// run killed halfway) never sees half a file.
pub fn replace(path: &Path, text: &str) -> Result<(), String> {
    create_parent(path)?;
    let aside = path.with_extension("tmp");
    fs::write(&aside, text)
        .and_then(|()| fs::rename(&aside, path))
        .map_err(|e| format!("{}: {e}", path.display()))
}

pub fn create_parent(path: &Path) -> Result<(), String> {
    match path.parent() {
        Some(folder) => {
            fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))
        }
        None => Ok(()),
    }
}
