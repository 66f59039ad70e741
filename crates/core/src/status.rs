//! What the status page says about servers: each server's condition in a word, the banner over
//! them all, the colour of a day's bar, when the next probe is due, and the plain sentence that
//! explains why the two uptimes differ. Pure: the page renders what this decides.

use crate::monitor::record::{Millis, ProbeRecord, DAY};
use crate::monitor::rollup::Uptime;
use crate::monitor::state::State;
pub use crate::monitor::window::Window;
use crate::monitor::ServerMonitor;
use crate::publish::PublishedServer;
use crate::report::Outcome;
use crate::site::{ServerConfig, SiteConfig, SiteError};
use std::sync::Arc;

/// Where a server the page shows comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `status.json`, in this group.
    Site { group: Option<String> },
    /// Added by the user in this browser ("my monitors").
    Local,
    /// Known only from imported history: shown, not probed.
    Imported,
}

/// What a server's row shows: all of it computed when the history changes, so rows render
/// from plain data.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerView {
    pub server: String,
    pub url: String,
    pub source: Source,
    /// Seconds between live probes from this page; `None`: not probed here.
    pub cadence_s: Option<u32>,
    pub state: State,
    pub condition: Condition,
    pub last: Option<ProbeRecord>,
    pub last_probe_at: Option<Millis>,
    pub next_probe_at: Option<Millis>,
    /// Both uptimes over each of `Window::ALL`.
    pub windows: [Uptime; 4],
    /// One per UTC day, oldest first, today last.
    pub days: Vec<DayBar>,
}

/// One day's bar, decided when the history changes (labels are the costly part of a row, and
/// the relative times around them change every second).
#[derive(Debug, Clone, PartialEq)]
pub struct DayBar {
    pub level: DayLevel,
    /// What the bar says to screen readers and on hover: `day_label`.
    pub label: String,
}

/// The daily bars: 90 days, today included.
pub const DAYS_SHOWN: usize = 90;

impl ServerView {
    /// What `engine` (if the server has one yet) says about the server at `now`, with the
    /// published history (`publish`, the scheduled runner's) laid over it: each window and
    /// each day from whichever saw more of it (coverage), the state and last probe from
    /// whichever probed last.
    pub fn of(
        server: &str,
        url: &str,
        source: Source,
        engine: Option<&ServerMonitor>,
        last: Option<&ProbeRecord>,
        published: Option<&PublishedServer>,
        now: Millis,
    ) -> ServerView {
        let better = |local: Uptime, published: Option<&Uptime>| match published {
            Some(p) if p.coverage > local.coverage => p.clone(),
            _ => local,
        };
        let uptime = |index: usize, span| {
            let local = engine.map_or_else(
                || Uptime::of(&Default::default(), span),
                |e| e.uptime(now, span),
            );
            better(local, published.map(|p| &p.windows[index]))
        };
        let days: Vec<DayBar> = match engine {
            Some(engine) => engine.days(now, DAYS_SHOWN),
            None => {
                let today = now.div_euclid(DAY);
                (today + 1 - DAYS_SHOWN as i64..=today)
                    .map(|day| (day * DAY, Uptime::of(&Default::default(), DAY)))
                    .collect()
            }
        }
        .into_iter()
        .map(|(start, day)| {
            let shared = published.and_then(|p| p.days.iter().find(|(at, _)| *at == start));
            let day = better(day, shared.map(|(_, u)| u));
            DayBar {
                level: DayLevel::of(&day),
                label: day_label(start, &day),
            }
        })
        .collect();
        let local_at = engine.and_then(ServerMonitor::last_probe_at);
        let newer = published
            .filter(|p| p.last.as_ref().map(|l| l.at) > local_at)
            .map(|p| (p.state, p.last.as_ref()));
        let (state, last, last_probe_at) = match newer {
            Some((state, last)) => (state, last, last.map(|l| l.at)),
            None => (
                engine.map_or(State::Unknown, ServerMonitor::state),
                last,
                local_at,
            ),
        };
        ServerView {
            server: server.to_owned(),
            url: url.to_owned(),
            source,
            cadence_s: None,
            state,
            condition: Condition::of(state, last.map(|l| l.outcome), false),
            last: last.cloned(),
            last_probe_at,
            next_probe_at: None,
            windows: [0, 1, 2, 3].map(|i| uptime(i, Window::ALL[i].span())),
            days,
        }
    }

    /// The view of a server the page watches (one of `status.json`'s, or a monitor of the
    /// user's): [`ServerView::of`], with the page's cadence and its next probe when this page
    /// probes it (`next_probe_at`; `None`: it does not), and its condition under its
    /// maintenance windows.
    pub fn watched(
        config: &ServerConfig,
        source: Source,
        engine: Option<&ServerMonitor>,
        last: Option<&ProbeRecord>,
        published: Option<&PublishedServer>,
        next_probe_at: Option<Millis>,
        now: Millis,
    ) -> ServerView {
        let mut view = ServerView::of(
            &config.name,
            &config.url,
            source,
            engine,
            last,
            published,
            now,
        );
        if let Some(next) = next_probe_at {
            view.cadence_s = Some((config.monitor.cadence / 1_000) as u32);
            view.next_probe_at = Some(next);
        }
        view.condition = Condition::of(
            view.state,
            view.last.as_ref().map(|l| l.outcome),
            config.monitor.in_maintenance(now),
        );
        view
    }

    /// A server nothing is known about yet.
    pub fn empty(server: &str, url: &str, source: Source, now: Millis) -> ServerView {
        ServerView::of(server, url, source, None, None, None, now)
    }

    pub fn window(&self, window: Window) -> &Uptime {
        &self.windows[Window::ALL.iter().position(|w| *w == window).unwrap_or(0)]
    }
}

/// What a first visit shows before this browser has probed or stored anything: the site's
/// servers from the runner's published summary alone. The prerendered status
/// (`mcp-status prerender`) is drawn from these.
pub fn published_views(
    site: &SiteConfig,
    published: &[PublishedServer],
    now: Millis,
) -> Vec<ServerView> {
    let mut views: Vec<ServerView> = site
        .servers
        .iter()
        .map(|config| {
            let source = Source::Site {
                group: config.group.clone(),
            };
            let summary = published.iter().find(|p| p.server == config.name);
            ServerView::watched(config, source, None, None, summary, None, now)
        })
        .collect();
    // In the order of the app's views (by name), which the overview's groups keep.
    views.sort_by(|a, b| a.server.cmp(&b.server));
    views
}

/// `status.json` as the page found it.
#[derive(Debug, Clone, PartialEq)]
pub enum Site {
    Loading,
    /// There is none: the page shows the user's own monitors only.
    Missing,
    Broken(SiteError),
    Loaded(Arc<SiteConfig>),
}

/// One server's condition, as the page shows it (icon and word, never colour alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// No probe with data yet (or none in a long while).
    NoData,
    Operational,
    /// Up, but slow, failing unconfirmed (hysteresis), or recovering.
    Degraded,
    /// Down, confirmed by consecutive failures.
    Down,
    /// Inside a declared maintenance window: whatever probes find, alerting waits.
    Maintenance,
}

impl Condition {
    /// `state` from the engine, the last probe's outcome, whether a maintenance window is on.
    pub fn of(state: State, last: Option<Outcome>, in_maintenance: bool) -> Condition {
        if in_maintenance {
            return Condition::Maintenance;
        }
        match state {
            State::Unknown => Condition::NoData,
            State::Down => Condition::Down,
            State::Confirming { .. } | State::Recovering { .. } => Condition::Degraded,
            State::Up if last == Some(Outcome::Degraded) => Condition::Degraded,
            State::Up => Condition::Operational,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Condition::NoData => "no_data",
            Condition::Operational => "operational",
            Condition::Degraded => "degraded",
            Condition::Down => "down",
            Condition::Maintenance => "maintenance",
        }
    }
}

/// The overall banner over every server the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Banner {
    /// Nothing measured yet.
    NoData,
    Operational,
    Degraded,
    /// Some servers are down.
    PartialOutage,
    /// Every server with data is down (and there is more than one, or the only one is).
    MajorOutage,
    /// Nothing is down, and a maintenance window is on.
    Maintenance,
}

impl Banner {
    pub fn of(conditions: impl IntoIterator<Item = Condition>) -> Banner {
        let (mut known, mut down, mut degraded, mut maintenance) = (0, 0, 0, 0);
        for condition in conditions {
            match condition {
                Condition::NoData => continue,
                Condition::Down => down += 1,
                Condition::Degraded => degraded += 1,
                Condition::Maintenance => maintenance += 1,
                Condition::Operational => {}
            }
            known += 1;
        }
        match () {
            _ if known == 0 => Banner::NoData,
            _ if down > 0 && down == known => Banner::MajorOutage,
            _ if down > 0 => Banner::PartialOutage,
            _ if maintenance > 0 => Banner::Maintenance,
            _ if degraded > 0 => Banner::Degraded,
            _ => Banner::Operational,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Banner::NoData => "no_data",
            Banner::Operational => "operational",
            Banner::Degraded => "degraded",
            Banner::PartialOutage => "partial_outage",
            Banner::MajorOutage => "major_outage",
            Banner::Maintenance => "maintenance",
        }
    }

    pub fn headline(self) -> &'static str {
        match self {
            Banner::NoData => "No data yet",
            Banner::Operational => "All systems operational",
            Banner::Degraded => "Degraded performance",
            Banner::PartialOutage => "Partial outage",
            Banner::MajorOutage => "Major outage",
            Banner::Maintenance => "Maintenance in progress",
        }
    }
}

/// The colour class of one day's bar, by the share of the measured time that was real
/// downtime (SLO downtime: a cold start is not an outage, and the bar should not say it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayLevel {
    NoData,
    Up,
    /// Up to 1 % down.
    Minor,
    /// Up to 10 % down.
    Partial,
    Major,
}

impl DayLevel {
    pub fn of(day: &Uptime) -> DayLevel {
        match day.slo_uptime {
            None => DayLevel::NoData,
            Some(up) if up >= 1.0 => DayLevel::Up,
            Some(up) if up >= 0.99 => DayLevel::Minor,
            Some(up) if up >= 0.90 => DayLevel::Partial,
            Some(_) => DayLevel::Major,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DayLevel::NoData => "no_data",
            DayLevel::Up => "up",
            DayLevel::Minor => "minor",
            DayLevel::Partial => "partial",
            DayLevel::Major => "major",
        }
    }
}

/// Why SLO uptime is above wall-clock uptime, in a sentence; `None` when they agree.
pub fn explain(window: &Uptime) -> Option<String> {
    let (Some(wall), Some(slo)) = (window.wall_clock_uptime, window.slo_uptime) else {
        return None;
    };
    if slo <= wall {
        return None;
    }
    Some(match window.cold_starts {
        0 => "Downtime during maintenance is excluded from SLO uptime.".to_owned(),
        1 => {
            "1 cold start excluded from SLO uptime: the server was waking up, not down.".to_owned()
        }
        n => {
            format!("{n} cold starts excluded from SLO uptime: the server was waking up, not down.")
        }
    })
}

/// When a server's next live probe is due. The cadence is a floor: never sooner than a
/// cadence after the last probe. A server not probed since this page opened (or never) waits
/// for its own `jitter` after the page opened, so that visitors' pages do not all probe at the
/// second they load (spec section 9).
pub fn next_probe_at(
    last: Option<Millis>,
    cadence: Millis,
    opened: Millis,
    jitter: Millis,
) -> Millis {
    let after_last = last.map_or(Millis::MIN, |last| last.saturating_add(cadence));
    after_last.max(opened.saturating_add(jitter))
}

/// A jitter in `[0, min(cadence / 4, 5 s))` from a seed: the page seeds it with a random
/// number per visit and the server's position. Enough to spread a page's first probes (and
/// many visitors' pages) apart; short enough that a visitor sees live data in seconds.
pub fn jitter(seed: u64, cadence: Millis) -> Millis {
    // SplitMix64: a well-mixed value from any seed, in a few instructions.
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    let range = (cadence / 4).clamp(1, 5_000) as u64;
    (z % range) as Millis
}

/// "12 s ago", "5 min ago", "3 h ago", "2 d ago".
pub fn ago(elapsed: Millis) -> String {
    format!("{} ago", duration(elapsed))
}

/// "in 12 s"; "now" when due.
pub fn within(remaining: Millis) -> String {
    if remaining < 1_000 {
        "now".to_owned()
    } else {
        format!("in {}", duration(remaining))
    }
}

/// A span in its largest whole unit: "45 s", "12 min", "3 h", "2 d".
pub fn duration(ms: Millis) -> String {
    let s = (ms / 1_000).max(0);
    match s {
        0..=59 => format!("{s} s"),
        60..=3_599 => format!("{} min", s / 60),
        3_600..=86_399 => format!("{} h", s / 3_600),
        _ => format!("{} d", s / 86_400),
    }
}

/// `99.95 %`, or a dash when nothing was measured.
pub fn percent(ratio: Option<f64>) -> String {
    ratio.map_or("—".to_owned(), |r| {
        format!("{} %", crate::text::decimal(r * 100.0, 2))
    })
}

/// What a day's bar says, to a screen reader and on hover: the date, both uptimes, coverage
/// and incidents.
pub fn day_label(start: Millis, day: &Uptime) -> String {
    let date = crate::time::utc_day(start);
    if day.slo_uptime.is_none() {
        return format!("{date}: no data");
    }
    let incidents = match day.incidents {
        1 => "1 incident".to_owned(),
        n => format!("{n} incidents"),
    };
    format!(
        "{date}: {} wall-clock, {} SLO, {} % coverage, {incidents}",
        percent(day.wall_clock_uptime),
        percent(day.slo_uptime),
        crate::text::decimal(day.coverage * 100.0, 0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::record::HOUR;
    use Condition::*;

    #[test]
    fn published_history_fills_what_this_browser_did_not_see() {
        use crate::monitor::config::MonitorConfig;
        let now = 1_795_219_200_000 + 12 * HOUR;
        let mut engine = ServerMonitor::new(MonitorConfig::default(), "api.example").unwrap();
        let probe = |at: Millis, outcome: Outcome| ProbeRecord {
            at,
            outcome,
            layer: None,
            latency_ms: 20,
            contract_hash: None,
            metadata_hash: None,
            error: None,
        };
        // This browser saw one passing probe, an hour ago.
        let mine = probe(now - HOUR, Outcome::Ok);
        engine.ingest(&mine);
        let shared = |coverage: f64, wall: f64| Uptime {
            wall_clock_uptime: Some(wall),
            slo_uptime: Some(wall),
            coverage,
            p50_ms: None,
            p95_ms: None,
            probes: 100,
            failures: 0,
            cold_starts: 0,
            incidents: 1,
        };
        let published = PublishedServer {
            server: "api".into(),
            state: State::Down,
            last: Some(ProbeRecord {
                layer: Some(crate::report::Layer::Http),
                ..probe(now - 60_000, Outcome::Failed)
            }),
            windows: [
                shared(1.0, 0.9),
                shared(0.0, 0.5),
                shared(1.0, 0.99),
                shared(1.0, 0.99),
            ],
            days: vec![(now - now.rem_euclid(DAY) - DAY, shared(1.0, 0.75))],
        };
        let view = ServerView::of(
            "api",
            "https://api.example/mcp",
            Source::Imported,
            Some(&engine),
            Some(&mine),
            Some(&published),
            now,
        );
        // The runner saw the whole day: its numbers; it saw nothing of the week: this browser's.
        assert_eq!(view.windows[0].wall_clock_uptime, Some(0.9));
        assert_eq!(view.windows[1].wall_clock_uptime, Some(1.0));
        // Its probe is the newer: its state and last probe.
        assert_eq!((view.state, view.condition), (State::Down, Down));
        assert_eq!(view.last_probe_at, Some(now - 60_000));
        // Yesterday, seen only by the runner, shows its day.
        let yesterday = &view.days[DAYS_SHOWN - 2];
        assert!(yesterday.label.contains("75.00 %"), "{}", yesterday.label);
        // Without published history: this browser's alone.
        let alone = ServerView::of(
            "api",
            "https://api.example/mcp",
            Source::Imported,
            Some(&engine),
            Some(&mine),
            None,
            now,
        );
        assert_eq!(
            (alone.state, alone.last_probe_at),
            (State::Up, Some(now - HOUR))
        );
    }

    #[test]
    fn conditions_follow_the_engine_and_the_last_probe() {
        assert_eq!(Condition::of(State::Unknown, None, false), NoData);
        assert_eq!(
            Condition::of(State::Up, Some(Outcome::Ok), false),
            Operational
        );
        assert_eq!(
            Condition::of(State::Up, Some(Outcome::Degraded), false),
            Degraded
        );
        // One failure does not make a server down (spec section 2).
        let confirming = State::Confirming { failures: 1 };
        assert_eq!(
            Condition::of(confirming, Some(Outcome::Failed), false),
            Degraded
        );
        assert_eq!(
            Condition::of(State::Down, Some(Outcome::Failed), false),
            Down
        );
        assert_eq!(
            Condition::of(State::Down, Some(Outcome::Failed), true),
            Maintenance
        );
    }

    #[test]
    fn the_banner_is_the_worst_news_that_is_true() {
        assert_eq!(Banner::of([]), Banner::NoData);
        assert_eq!(Banner::of([NoData, NoData]), Banner::NoData);
        assert_eq!(Banner::of([Operational, NoData]), Banner::Operational);
        assert_eq!(Banner::of([Operational, Degraded]), Banner::Degraded);
        assert_eq!(Banner::of([Maintenance, Degraded]), Banner::Maintenance);
        assert_eq!(
            Banner::of([Operational, Down, Maintenance]),
            Banner::PartialOutage
        );
        assert_eq!(Banner::of([Down, Down, NoData]), Banner::MajorOutage);
        assert_eq!(Banner::of([Down]), Banner::MajorOutage);
    }

    fn day(slo: Option<f64>, wall: Option<f64>, cold_starts: u32) -> Uptime {
        Uptime {
            wall_clock_uptime: wall,
            slo_uptime: slo,
            coverage: 1.0,
            p50_ms: None,
            p95_ms: None,
            probes: 10,
            failures: 0,
            cold_starts,
            incidents: 0,
        }
    }

    #[test]
    fn day_levels_follow_real_downtime_not_cold_starts() {
        assert_eq!(DayLevel::of(&day(None, None, 0)), DayLevel::NoData);
        assert_eq!(DayLevel::of(&day(Some(1.0), Some(0.94), 5)), DayLevel::Up);
        assert_eq!(
            DayLevel::of(&day(Some(0.995), Some(0.995), 0)),
            DayLevel::Minor
        );
        assert_eq!(
            DayLevel::of(&day(Some(0.95), Some(0.95), 0)),
            DayLevel::Partial
        );
        assert_eq!(DayLevel::of(&day(Some(0.5), Some(0.5), 0)), DayLevel::Major);
    }

    #[test]
    fn the_gap_between_uptimes_is_explained() {
        assert_eq!(explain(&day(Some(0.99), Some(0.99), 0)), None);
        assert_eq!(explain(&day(None, None, 0)), None);
        let three = explain(&day(Some(1.0), Some(0.97), 3)).unwrap();
        assert!(
            three.starts_with("3 cold starts excluded from SLO uptime"),
            "{three}"
        );
        let one = explain(&day(Some(1.0), Some(0.99), 1)).unwrap();
        assert!(one.starts_with("1 cold start excluded"), "{one}");
        let maintenance = explain(&day(Some(1.0), Some(0.99), 0)).unwrap();
        assert!(maintenance.contains("maintenance"), "{maintenance}");
    }

    #[test]
    fn probes_never_come_faster_than_the_cadence() {
        let cadence = 60_000;
        // Probed 10 s ago: due 50 s from now, whatever the jitter.
        assert_eq!(
            next_probe_at(Some(990_000), cadence, 1_000_000, 3_000),
            1_050_000
        );
        // Probed long ago, before the page opened: the jitter spreads the first probe.
        assert_eq!(next_probe_at(Some(0), cadence, 1_000_000, 3_000), 1_003_000);
        assert_eq!(next_probe_at(None, cadence, 1_000_000, 0), 1_000_000);
    }

    #[test]
    fn times_and_labels_read_plainly() {
        assert_eq!(ago(12_400), "12 s ago");
        assert_eq!(ago(-5), "0 s ago");
        assert_eq!(ago(5 * 60_000), "5 min ago");
        assert_eq!(ago(3 * HOUR), "3 h ago");
        assert_eq!(ago(2 * DAY), "2 d ago");
        assert_eq!(within(400), "now");
        assert_eq!(within(18_000), "in 18 s");
        assert_eq!(percent(Some(0.99951)), "99.95 %");
        assert_eq!(percent(None), "—");
        // 2026-11-21
        let start = 1_795_219_200_000;
        let mut d = day(Some(1.0), Some(0.97), 3);
        d.incidents = 1;
        d.coverage = 0.874;
        assert_eq!(
            day_label(start, &d),
            "2026-11-21: 97.00 % wall-clock, 100.00 % SLO, 87 % coverage, 1 incident"
        );
        assert_eq!(day_label(start, &day(None, None, 0)), "2026-11-21: no data");
    }

    #[test]
    fn jitter_stays_within_a_quarter_cadence_and_five_seconds() {
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..1_000 {
            let j = jitter(seed, 60_000);
            assert!((0..5_000).contains(&j));
            seen.insert(j / 500);
            assert!(jitter(seed, 4_000) < 1_000);
        }
        // Spread over the range, not bunched.
        assert_eq!(seen.len(), 10);
    }
}
