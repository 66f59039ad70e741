//! Files the commands read, with the path in every error.

use mcp_status_core::site::SiteConfig;
use std::path::Path;

pub fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// `status.json`, read and checked; an error names the file, then the place in it. The
/// rotation's time zone is checked here too (the core has no zone database), so that a round
/// is refused before anything is probed or written.
pub fn site_config(path: &Path) -> Result<SiteConfig, String> {
    let site = SiteConfig::parse(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Some(section) = &site.alerting {
        crate::zone::zone_of(&section.config).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(site)
}
