//! The status page's overview: the site's title and links (or what is wrong with
//! `status.json`), one banner over the published servers, the uptime window picker, the
//! servers by group, then the user's own monitors, apart.

use super::markup::{div, el, Element, Node};
use crate::monitor::config::MaintenanceWindow;
use crate::monitor::history::format_minute;
use crate::monitor::record::Millis;
use crate::site::{Group, SiteConfig};
use crate::status::{self, percent, Banner, Condition, ServerView, Site, Source, Window};
use crate::text::decimal;

/// What the overview is drawn from.
pub struct Overview<'a> {
    pub site: &'a Site,
    pub servers: &'a [ServerView],
    /// Every server's maintenance windows (published and declared in the console).
    pub maintenance: &'a [(String, MaintenanceWindow)],
    pub window: Window,
    pub now: Millis,
}

pub fn overview(page: &Overview) -> Node {
    let site = match page.site {
        Site::Loaded(site) => Some(&**site),
        _ => None,
    };
    let (published, mine): (Vec<&ServerView>, Vec<&ServerView>) = page
        .servers
        .iter()
        .partition(|s| matches!(s.source, Source::Site { .. }));
    // The banner speaks for the published servers; without any, for the user's own.
    let banner = Banner::of(
        match site {
            Some(_) => &published,
            None => &mine,
        }
        .iter()
        .map(|s| s.condition),
    );
    let mut root = el("div").child(intro(page.site)).child(
        div("banner")
            .attr("role", "status")
            .attr("data-banner", banner.as_str())
            .child(icon(banner_icon(banner)))
            .child(el("strong").text(banner.headline())),
    );
    if let Some(list) = maintenance(page.maintenance, page.now) {
        root = root.child(list);
    }
    root = root.child(window_picker(page.window));
    if let Some(site) = site {
        for (group, members) in by_group(site, published) {
            root = root.child(group_section(group, &members, page));
        }
    }
    if !mine.is_empty() || site.is_none() {
        let heading = Group {
            name: "My monitors".to_owned(),
            description: Some(
                "Servers you added in this browser. Only you see them; their history stays here."
                    .to_owned(),
            ),
        };
        root = root.child(group_section(Some(&heading), &mine, page));
    }
    root.child(
        el("p")
            .class("status-links")
            .child(
                el("a")
                    .attr("href", "#/monitors")
                    .text("Add or remove my monitors"),
            )
            .text(" · ")
            .child(el("a").attr("href", "#/check").text("Check any MCP server")),
    )
    .into()
}

/// The maintenance under way and the next ones scheduled (at most five), under the banner.
fn maintenance(windows: &[(String, MaintenanceWindow)], now: Millis) -> Option<Element> {
    let mut coming: Vec<&(String, MaintenanceWindow)> =
        windows.iter().filter(|(_, w)| w.end > now).collect();
    if coming.is_empty() {
        return None;
    }
    coming.sort_by_key(|(_, w)| w.start);
    let mut list = el("ul")
        .class("maintenance")
        .attr("aria-label", "Maintenance");
    for (server, window) in coming.into_iter().take(5) {
        let when = if window.contains(now) {
            format!("in maintenance until {}", format_minute(window.end))
        } else {
            format!(
                "maintenance scheduled from {} to {}",
                format_minute(window.start),
                format_minute(window.end)
            )
        };
        let item = el("li").child(el("strong").text(server.clone()));
        list = list.child(item.text(format!(": {when}")));
    }
    Some(list)
}

/// Title, logo, description and links; or what is wrong with `status.json`.
fn intro(site: &Site) -> Node {
    let header = el("header").class("intro");
    match site {
        Site::Loaded(site) => {
            let links = site.links.iter().map(|link| {
                el("li")
                    .child(
                        el("a")
                            .attr("href", link.url.clone())
                            .text(link.title.clone()),
                    )
                    .into()
            });
            let mut header = header;
            if let Some(logo) = &site.logo {
                header = header.child(
                    el("img")
                        .class("logo")
                        .attr("src", logo.clone())
                        .attr("alt", ""),
                );
            }
            header
                .child(title(&site.title))
                .child(
                    el("p")
                        .class("lede")
                        .text(site.description.clone().unwrap_or_default()),
                )
                .child(el("ul").class("links").children(links))
                .into()
        }
        Site::Broken(error) => header
            .child(title("Status"))
            .child(
                div("config-error")
                    .attr("role", "alert")
                    .child(
                        el("strong")
                            .text("status.json has a mistake, so no servers are shown from it:"),
                    )
                    .child(el("code").text(error.to_string())),
            )
            .into(),
        Site::Missing => header
            .child(title("My MCP servers"))
            .child(el("p").class("lede").text(
                "This page has no status.json, so it shows the servers you add in this browser. \
                 To publish a status page, put a status.json next to index.html.",
            ))
            .into(),
        Site::Loading => header.child(title("Status")).into(),
    }
}

fn title(text: &str) -> Element {
    el("h1").attr("id", "status-title").text(text)
}

fn window_picker(chosen: Window) -> Element {
    let buttons = Window::ALL.iter().map(|w| {
        el("button")
            .attr("type", "button")
            .attr("data-action", "window")
            .attr("data-value", w.label())
            .attr("aria-pressed", if *w == chosen { "true" } else { "false" })
            .text(w.label())
            .into()
    });
    div("window-picker")
        .attr("role", "group")
        .attr("aria-label", "Uptime window")
        .children(buttons)
}

/// The site's servers by group, in the config's order: those without a group first, under no
/// heading.
fn by_group<'a>(
    site: &'a SiteConfig,
    servers: Vec<&'a ServerView>,
) -> Vec<(Option<&'a Group>, Vec<&'a ServerView>)> {
    let mut servers = servers;
    servers.sort_by_key(|view| site.servers.iter().position(|s| s.name == view.server));
    let mut sections: Vec<(Option<&Group>, Vec<&ServerView>)> = vec![(None, Vec::new())];
    sections.extend(site.groups.iter().map(|g| (Some(g), Vec::new())));
    for view in servers {
        let index = match &view.source {
            Source::Site { group: Some(group) } => site
                .groups
                .iter()
                .position(|g| &g.name == group)
                .map_or(0, |i| i + 1),
            _ => 0,
        };
        sections[index].1.push(view);
    }
    sections.retain(|(_, members)| !members.is_empty());
    sections
}

fn group_section(group: Option<&Group>, members: &[&ServerView], page: &Overview) -> Node {
    let mut section = el("section").class("group");
    if let Some(group) = group {
        section = section.child(el("h2").text(group.name.clone()));
        if let Some(description) = &group.description {
            section = section.child(el("p").class("group-description").text(description.clone()));
        }
    }
    if members.is_empty() {
        section = section.child(el("p").class("muted").text("None yet."));
    }
    let rows = members.iter().map(|s| server_row(s, page.window, page.now));
    section
        .child(el("ul").class("servers").children(rows))
        .into()
}

/// One server: condition in an icon and a word, both uptimes of the window, coverage, latency,
/// last and next probe, why the uptimes differ, and the 90-day bar.
pub fn server_row(view: &ServerView, window: Window, now: Millis) -> Node {
    let (mark, word) = condition_label(view);
    let uptime = view.window(window);
    let latency = view
        .last
        .as_ref()
        .map_or("—".to_owned(), |l| format!("{} ms", l.latency_ms));
    let last = view
        .last_probe_at
        .map_or("not yet".to_owned(), |at| status::ago(now - at));
    let next = match view.next_probe_at {
        Some(at) => status::within(at - now),
        None => "not probed from this page".to_owned(),
    };
    let href = crate::page::server_href(&view.server);

    let mut row = el("li")
        .class("server")
        .attr("data-server", view.server.clone())
        .attr("data-condition", view.condition.as_str())
        .attr("data-state", view.state.as_str())
        .child(
            div("server-head")
                .child(icon(mark))
                .child(
                    el("a")
                        .class("server-link")
                        .attr("href", href)
                        .text(view.server.clone()),
                )
                .child(el("span").class("state-word").text(word)),
        )
        .child(
            el("dl")
                .class("facts")
                .child(fact(
                    "Wall-clock uptime",
                    "wall-clock-uptime",
                    percent(uptime.wall_clock_uptime),
                ))
                .child(fact("SLO uptime", "slo-uptime", percent(uptime.slo_uptime)))
                .child(fact("Coverage", "coverage", coverage(uptime.coverage)))
                .child(fact("Latency", "latency", latency))
                .child(fact(
                    "Probes",
                    "probe-count",
                    format!("{} in {}", uptime.probes, window.label()),
                ))
                .child(fact("Last probe", "last-probe", last))
                .child(fact("Next probe", "next-probe", next)),
        );
    if let Some(explanation) = status::explain(uptime) {
        row = row.child(el("p").class("explain").text(explanation));
    }
    row.child(view.bars.clone())
        .child(
            div("days-axis")
                .attr("aria-hidden", "true")
                .child(el("span").text("90 days ago"))
                .child(el("span").text("today")),
        )
        .into()
}

/// Coverage in whole percent; a little data is "< 1 %", never a misleading "0 %".
pub fn coverage(share: f64) -> String {
    match share {
        s if s > 0.0 && s < 0.005 => "< 1 %".to_owned(),
        s => format!("{} %", decimal(s * 100.0, 0)),
    }
}

/// A server's 90-day bar: one tab stop, each day labelled (`status::DayBar`).
pub fn day_bars(server: &str, days: &[status::DayBar]) -> Element {
    let count = days.len();
    let bars = days.iter().enumerate().map(|(index, day)| {
        el("span")
            .class("day")
            .attr("role", "img")
            .attr("data-level", day.level.as_str())
            .attr("tabindex", if index + 1 == count { "0" } else { "-1" })
            .attr("aria-label", day.label.clone())
            .into()
    });
    div("days")
        .attr("role", "group")
        .attr(
            "aria-label",
            format!("{server}: the last 90 days, one bar a day (arrow keys move between days)"),
        )
        .children(bars)
}

fn fact(term: &'static str, class: &'static str, value: String) -> Node {
    el("div")
        .child(el("dt").text(term))
        .child(el("dd").class(class).text(value))
        .into()
}

fn icon(mark: &'static str) -> Element {
    el("span")
        .class("icon")
        .attr("aria-hidden", "true")
        .text(mark)
}

/// The condition's mark and word; never colour alone.
pub fn condition_label(view: &ServerView) -> (&'static str, String) {
    use crate::monitor::state::State;
    match (view.condition, view.state) {
        (Condition::Maintenance, _) => ("⚒", "Maintenance".to_owned()),
        (_, State::Confirming { failures }) => (
            "◐",
            format!("Failing, not confirmed yet ({failures} in a row)"),
        ),
        (_, State::Recovering { passes }) => ("◑", format!("Recovering ({passes} in a row)")),
        (Condition::NoData, _) => ("…", "No data yet".to_owned()),
        (Condition::Operational, _) => ("✓", "Operational".to_owned()),
        (Condition::Degraded, _) => ("◐", "Degraded: slow".to_owned()),
        (Condition::Down, _) => ("✕", "Down".to_owned()),
    }
}

fn banner_icon(banner: Banner) -> &'static str {
    match banner {
        Banner::Operational => "✓",
        Banner::Degraded => "◐",
        Banner::PartialOutage | Banner::MajorOutage => "✕",
        Banner::Maintenance => "⚒",
        Banner::NoData => "…",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::record::HOUR;
    use crate::page::markup::to_html;

    #[test]
    fn maintenance_under_way_and_scheduled_shows_under_the_banner_and_past_windows_do_not() {
        let now = 1_795_219_200_000; // 2026-11-21T00:00:00Z
        let window = |start: Millis, hours: Millis| MaintenanceWindow {
            start,
            end: start + hours * HOUR,
        };
        let windows = [
            ("web".to_owned(), window(now + 2 * HOUR, 1)),
            ("api <b>".to_owned(), window(now - HOUR, 2)),
            ("old".to_owned(), window(now - 3 * HOUR, 1)),
        ];
        let html = to_html(&maintenance(&windows, now).unwrap().into());
        assert_eq!(
            html,
            "<ul class=\"maintenance\" aria-label=\"Maintenance\">\
             <li><strong>api &lt;b&gt;</strong>: in maintenance until 2026-11-21 01:00 UTC</li>\
             <li><strong>web</strong>: maintenance scheduled from 2026-11-21 02:00 UTC to 2026-11-21 03:00 UTC</li></ul>"
        );
        assert!(maintenance(&windows[2..], now).is_none());
    }
}
