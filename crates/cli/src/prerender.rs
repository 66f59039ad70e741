//! `mcp-status prerender DIR`: writes the status as the runner last published it
//! (`DIR/data/summary.json`, over `DIR/status.json`) into the built site's `index.html` and
//! `404.html`, so that a visitor sees it before the WebAssembly has loaded, and so do link
//! previews, crawlers and browsers without JavaScript. The same components draw it as the
//! page does (`mcp-status-views`), rendered to HTML by Leptos; the app takes over when it
//! has read the same files (it removes `#prerendered`).

use crate::files::read;
use clap::Args;
use leptos::prelude::*;
use mcp_status_core::monitor::record::Millis;
use mcp_status_core::page::SECTIONS;
use mcp_status_core::publish::{self, PublishedServer};
use mcp_status_core::site::SiteConfig;
use mcp_status_core::status::{self, Site};
use mcp_status_views::frame::{SiteFooter, SiteHeader};
use mcp_status_views::status::{Overview, StatusSection};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Where the status goes in the page: between these two markers, right after `<body>`'s
/// opening tag (a second run replaces what the first wrote).
const START: &str = "<!--prerendered-->";
const END: &str = "<!--/prerendered-->";

#[derive(Args)]
pub struct PrerenderArgs {
    /// The built site (Trunk's dist/ with the runner's data/ added).
    dir: PathBuf,
}

pub fn run(args: PrerenderArgs) -> ExitCode {
    match prerender(&args.dir, crate::deliver::now()) {
        Ok(servers) => {
            crate::out::line(&format!(
                "prerendered the status of {servers} servers into index.html and 404.html"
            ));
            ExitCode::SUCCESS
        }
        // The pages stay as built, and say so themselves when they load.
        Err(NotDrawn::NothingToDraw(why)) => {
            eprintln!("mcp-status: not prerendered: {why}");
            ExitCode::SUCCESS
        }
        Err(NotDrawn::Failed(message)) => {
            eprintln!("mcp-status: {message}");
            ExitCode::from(1)
        }
    }
}

/// Why the status was not drawn into the pages.
pub enum NotDrawn {
    /// No status.json, or no readable summary: the pages stay as built.
    NothingToDraw(String),
    /// A page cannot be read or written (nothing was written).
    Failed(String),
}

/// Draws the status into both pages; the number of servers drawn.
pub fn prerender(dir: &Path, now: Millis) -> Result<usize, NotDrawn> {
    let nothing = NotDrawn::NothingToDraw;
    let config = optional(&dir.join("status.json"))?
        .ok_or_else(|| nothing("the site has no status.json".into()))?;
    let site = SiteConfig::parse_for_page(&config)
        .map_err(|error| nothing(format!("status.json: {error}")))?;
    let summary = optional(&dir.join(publish::SUMMARY))?
        .ok_or_else(|| nothing("nothing published yet (no data/summary.json)".into()))?;
    let published = publish::read_summary(&summary).map_err(nothing)?;
    let servers = site.servers.len();
    let status = render(site, &published.servers, now);
    // Both pages read and drawn before either is written: a failure leaves the site whole.
    let mut pages = Vec::new();
    for page in ["index.html", "404.html"] {
        let path = dir.join(page);
        let html = insert(&read(&path).map_err(NotDrawn::Failed)?, &status).ok_or_else(|| {
            NotDrawn::Failed(format!(
                "{}: no <title> and <body> to write into",
                path.display()
            ))
        })?;
        pages.push((path, html));
    }
    for (path, html) in pages {
        std::fs::write(&path, html)
            .map_err(|e| NotDrawn::Failed(format!("{}: {e}", path.display())))?;
    }
    Ok(servers)
}

/// The file's text, `None` if there is no such file.
fn optional(path: &Path) -> Result<Option<String>, NotDrawn> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(NotDrawn::Failed(format!("{}: {error}", path.display()))),
    }
}

/// The page's frame around the status overview, as the app draws it on `#/`.
pub fn render(site: SiteConfig, published: &[PublishedServer], now: Millis) -> String {
    let servers = status::published_views(&site, published, now);
    let maintenance = site
        .servers
        .iter()
        .flat_map(|s| {
            s.monitor
                .maintenance
                .iter()
                .map(|w| (s.name.clone(), w.clone()))
        })
        .collect();
    let title = site.title.clone();
    Owner::new().with(|| {
        provide_context(Overview {
            site: Signal::stored(Site::Loaded(Arc::new(site))),
            servers: Signal::stored(servers),
            maintenance: Signal::stored(maintenance),
            clock: Signal::stored(now),
        });
        let body = view! {
            <div id="prerendered">
                <SiteHeader home="#/" sections=&SECTIONS current="status" />
                <main>
                    <StatusSection hidden=false />
                </main>
                <SiteFooter />
            </div>
        };
        let head = view! { <title>{title}</title> };
        format!("{}\n{}", head.to_html(), body.to_html())
    })
}

/// `html` with `rendered` (the site's title for the head, then the body's status) in place;
/// `None` without a `<title>` and a `<body>`.
fn insert(html: &str, rendered: &str) -> Option<String> {
    let (head, body) = rendered.split_once('\n')?;
    // What a previous run wrote goes first.
    let mut html = match (html.find(START), html.find(END)) {
        (Some(start), Some(end)) if start < end => {
            format!("{}{}", &html[..start], &html[end + END.len()..])
        }
        _ => html.to_owned(),
    };
    let body_at = html.find("<body>")? + "<body>".len();
    html.insert_str(body_at, &format!("{START}{body}{END}"));
    let title = html.find("<title>")?;
    let title_end = html[title..].find("</title>")? + title + "</title>".len();
    html.replace_range(title..title_end, "");
    html.insert_str(title, head);
    Some(html)
}
