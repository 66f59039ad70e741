//! Files the commands read, with the path in every error.

use mcp_status_core::site::SiteConfig;
use std::path::Path;

pub fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// `status.json`, read and checked; an error names the file, then the place in it.
pub fn site_config(path: &Path) -> Result<SiteConfig, String> {
    SiteConfig::parse(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))
}
