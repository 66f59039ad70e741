//! What a round publishes besides the history: `summary.json` and the badges.

use super::files::replace;
use super::history::months;
use mcp_status_core::badge;
use mcp_status_core::monitor::history::Entry;
use mcp_status_core::monitor::record::Millis;
use mcp_status_core::monitor::replay::Replayed;
use mcp_status_core::publish::{self, Published};
use mcp_status_core::site::SiteConfig;
use mcp_status_core::status::Window;
use std::collections::BTreeMap;
use std::path::Path;

/// Writes `summary.json` and every server's badges from the replayed engines.
pub fn write(
    site: &SiteConfig,
    data: &Path,
    replayed: &BTreeMap<String, Replayed>,
    entries: &[Entry],
    now: Millis,
) -> Result<(), String> {
    let published: Vec<Published> = site
        .servers
        .iter()
        .filter_map(|server| {
            let r = replayed.get(&server.name)?;
            let last = entries.iter().rev().find(|e| e.server == server.name);
            Some(Published {
                server: &server.name,
                url: &server.url,
                monitor: &r.monitor,
                last: last.map(|e| &e.probe),
                months: months(data, &server.name),
            })
        })
        .collect();
    let summary = publish::summary(&published, now);
    replace(&data.join("summary.json"), &summary.to_string())?;
    for server in &published {
        write_badges(data, server, now)?;
    }
    Ok(())
}

/// A server's badges: its status, and wall-clock and SLO uptime over 30 days, as SVG and as
/// shields.io endpoint JSON, in `badges/<server>/`.
fn write_badges(data: &Path, server: &Published, now: Millis) -> Result<(), String> {
    let folder = data.join("badges").join(publish::file_stem(server.server));
    let month = server.monitor.uptime(now, Window::Month.span());
    let target = server.monitor.config().slo_target;
    let badges = [
        (
            "status",
            badge::status(server.server, server.monitor.state().as_str()),
        ),
        (
            "uptime",
            badge::uptime("uptime 30d", month.wall_clock_uptime, target),
        ),
        (
            "slo",
            badge::uptime("SLO uptime 30d", month.slo_uptime, target),
        ),
    ];
    for (name, badge) in badges {
        replace(&folder.join(format!("{name}.svg")), &badge::svg(&badge))?;
        replace(
            &folder.join(format!("{name}.json")),
            &badge::shields(&badge).to_string(),
        )?;
    }
    Ok(())
}
