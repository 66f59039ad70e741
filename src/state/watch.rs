//! What the page watches (the site's servers, then the user's own monitors, with the
//! maintenance declared in the console) and each server's view (`ServerView`), recomputed only
//! for the servers that changed.

use super::{now, Changed, Live, Watched};
use leptos::prelude::*;
use mcp_status_core::monitor::declared::{self, Declared};
use mcp_status_core::site::{RunnerConfig, ServerConfig};
use mcp_status_core::status::{ServerView, Site, Source};
use std::collections::BTreeMap;

impl Live {
    /// What the page probes: the site's servers (those it may probe live), then the user's
    /// monitors whose names the site does not already use; with the maintenance windows
    /// declared in the console.
    pub(super) fn rewatch(
        &self,
        monitors: BTreeMap<String, mcp_status_core::monitor::store::LocalMonitor>,
        windows: &[Declared],
    ) {
        let site = self.site.get_untracked();
        let engines = self.engines.get_value();
        let mut engines = engines.borrow_mut();
        engines.watched = BTreeMap::new();
        engines.runner = match &site {
            Site::Loaded(site) => site.runner,
            _ => RunnerConfig::default(),
        };
        if let Site::Loaded(site) = &site {
            for server in &site.servers {
                let source = Source::Site {
                    group: server.group.clone(),
                };
                let watched = Watched {
                    config: server.clone(),
                    source,
                };
                engines.watched.insert(server.name.clone(), watched);
            }
        }
        for monitor in monitors.into_values() {
            if engines.watched.contains_key(&monitor.server) {
                continue;
            }
            let watched = Watched {
                config: ServerConfig::of_local(&monitor),
                source: Source::Local,
            };
            engines.watched.insert(monitor.server, watched);
        }
        let mut maintenance = Vec::new();
        for watched in engines.watched.values_mut() {
            let config = &mut watched.config;
            config.monitor = declared::with_declared(&config.monitor, &config.name, windows);
            let name = &config.name;
            maintenance.extend(
                config
                    .monitor
                    .maintenance
                    .iter()
                    .map(|w| (name.clone(), w.clone())),
            );
        }
        self.maintenance.set(maintenance);
    }

    /// One view per server the page knows: the site's servers, the user's monitors, and
    /// servers whose history was imported (shown, not probed).
    pub(super) fn refresh_views(&self) {
        self.refresh(&Changed::All);
    }

    /// Recomputes the views of the servers that `changed` names (a round changes only the
    /// servers it probed: recomputing 50 servers' 90 days after each would hold up the page).
    pub(super) fn refresh(&self, changed: &Changed) {
        let now = now();
        let engines = self.engines.get_value();
        let engines = engines.borrow();
        let previous = self.servers.get_untracked();
        let mut servers: BTreeMap<&str, ServerView> = BTreeMap::new();
        let view_of = |name: &str, fresh: &dyn Fn() -> ServerView| {
            let kept = match changed {
                Changed::All => None,
                Changed::Servers(names) if names.iter().any(|n| n == name) => None,
                Changed::Servers(_) => previous.iter().find(|v| v.server == name).cloned(),
            };
            kept.unwrap_or_else(fresh)
        };
        for (server, (url, engine)) in &engines.engines {
            if engines.watched.contains_key(server) {
                continue;
            }
            let last = engines.last.get(server);
            let published = engines.published.get(server);
            let source = Source::Imported;
            let fresh = || {
                ServerView::of(
                    server,
                    url,
                    source.clone(),
                    Some(engine),
                    last,
                    published,
                    now,
                )
            };
            servers.insert(server, view_of(server, &fresh));
        }
        // What the runner alone probes now: those servers' pages and the review read its
        // month files.
        let mut runner_only = BTreeMap::new();
        for (index, watched) in engines.watched.values().enumerate() {
            let config = &watched.config;
            let here = engines.probes_here(watched, now);
            if !here {
                runner_only.insert(config.name.clone(), engines.runner.rules(&config.monitor));
            }
            let fresh = || {
                ServerView::watched(
                    config,
                    watched.source.clone(),
                    engines.engines.get(&config.name).map(|(_, e)| e),
                    engines.last.get(&config.name),
                    engines.published.get(&config.name),
                    here.then(|| engines.next_probe_at(index, watched)),
                    now,
                )
            };
            servers.insert(&config.name, view_of(&config.name, &fresh));
        }
        self.servers.set(servers.into_values().collect());
        // Set only when it changed: screens read month files again when it does.
        if self
            .runner_only
            .with_untracked(|before| *before != runner_only)
        {
            self.runner_only.set(runner_only);
        }
    }
}
