//! The console's alerting desk at work (`alerting::desk` in the core decides; this moves
//! it): one console tab at a time holds the `DISPATCHER` lock, reads the alerts the prober's
//! engines stored (when the prober says a round was stored), ticks the dispatcher's clock,
//! sends what is due (webhooks with `fetch`, notifications), and keeps the desk in storage so
//! that a reload or another tab carries on where it left off. The other console tabs show the
//! stored desk, and hand acknowledgements to the one that dispatches.
//!
//! `Alerting` is the console's state (`provide_context` in `Console`): the screens read its
//! signals and call its methods from their handlers.

use crate::browser::db::recent::{self, Part};
use crate::browser::db::{maintenance, monitors, settings};
use crate::browser::leader::{self, Leadership};
use crate::browser::{channel, notify, send};
use crate::state::now;
use idb::Database;
use leptos::prelude::*;
use leptos::task::spawn_local;
use mcp_status_core::alerting::config::AlertingConfig;
use mcp_status_core::alerting::delivery::{Failure, Outcome};
use mcp_status_core::alerting::desk::{Desk, Read};
use mcp_status_core::alerting::dispatch::OnCall;
use mcp_status_core::alerting::local::LocalAlerting;
use mcp_status_core::alerting::payload::{message, Links, Outgoing};
use mcp_status_core::monitor::declared::{self, Declared};
use mcp_status_core::monitor::record::Millis;
use mcp_status_core::monitor::store;
use mcp_status_core::site::{LeftToRunner, SiteConfig};
use mcp_status_core::view::desk::{Role, WHO_FIRST};
use mcp_status_core::FetchMode;
use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

/// The dispatcher's clock ticks this often: escalation steps and retries are late by this
/// much in a tab on screen (browsers slow the timers of background tabs, Chrome to once a
/// minute after five minutes hidden: the steps are then up to a minute late).
const TICK_MS: u32 = 2_000;
/// Settings keys.
const DESK: &str = "desk";
const LOCAL: &str = "local_alerting";
const ME: &str = "me";
/// Broadcasts: the desk was saved; this browser's alerting settings changed; a person
/// acknowledged or resolved in a tab that does not dispatch (followed by a JSON array: the
/// action, the alert's key, who).
pub const SAVED: &str = "desk-saved";
pub const SETTINGS_CHANGED: &str = "desk-settings";
const ACTION: &str = "desk-action";
/// What the status page's tabs say (`live`): a round stored, monitors or windows changed.
const ROUND: &str = "round";
const CHANGED: &str = "changed";

/// The desk kept in storage, if any.
pub async fn kept(database: &Database) -> Result<Option<Desk>, String> {
    let text = settings::setting(database, DESK)
        .await
        .map_err(|e| e.to_string())?;
    text.map(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
        .transpose()
}

/// Stores `value` as JSON under the settings key `key`; made now, written when awaited.
fn save(
    database: &Rc<Database>,
    key: &'static str,
    value: &impl serde::Serialize,
) -> impl std::future::Future<Output = Result<(), String>> {
    let text = serde_json::to_string(value).map_err(|e| e.to_string());
    let database = database.clone();
    async move {
        settings::save_setting(&database, key, &text?)
            .await
            .map_err(|e| e.to_string())
    }
}

/// `status.json`'s policy as this page can run it, worked out once: the channels left to
/// the runner (`AlertingSite::console_policy`: those that need its secrets, and all of them
/// when it publishes) are `sent_elsewhere`, and listed with why.
#[derive(Clone, PartialEq)]
struct Published {
    config: AlertingConfig,
    runner_only: Vec<(String, LeftToRunner)>,
}

/// The console's alerting state, as signals for its views.
#[derive(Clone, Copy)]
pub struct Alerting {
    /// The policy this browser runs: `status.json`'s (its channels that need no secret from
    /// the runner's environment), with this browser's channels and routing over it.
    pub config: Memo<AlertingConfig>,
    pub desk: RwSignal<Desk>,
    pub local: RwSignal<LocalAlerting>,
    pub declared: RwSignal<Vec<Declared>>,
    /// Who acknowledges in this browser (a name from the rotation, or any).
    pub me: RwSignal<String>,
    pub role: RwSignal<Role>,
    /// Whether a status page probes in this browser (`None`: not known yet): without one,
    /// nothing can fire.
    pub probing: RwSignal<Option<bool>>,
    /// `granted`, `denied`, `default` or `unsupported` (`browser::notify`).
    pub permission: RwSignal<&'static str>,
    /// What went wrong last, for the person at the console.
    pub problem: RwSignal<Option<String>>,
    site: RwSignal<Option<Arc<SiteConfig>>>,
    published: RwSignal<Option<Published>>,
    database: StoredValue<Option<Rc<Database>>, LocalStorage>,
    /// A round was stored since the alerts were last read.
    unread: StoredValue<Rc<Cell<bool>>, LocalStorage>,
}

impl Alerting {
    /// The state, before anything is read (`start`); the notifications' permission is read
    /// once the settings are mounted (`settings::AlertingSettings`).
    pub fn new() -> Alerting {
        let local = RwSignal::new(LocalAlerting::default());
        let published = RwSignal::new(None::<Published>);
        Alerting {
            config: Memo::new(move |_| {
                published.with(|published| {
                    local.with(|local| local.over(published.as_ref().map(|p| &p.config)))
                })
            }),
            desk: RwSignal::new(Desk::default()),
            local,
            declared: RwSignal::new(Vec::new()),
            me: RwSignal::new(String::new()),
            role: RwSignal::new(Role::Starting),
            probing: RwSignal::new(None),
            permission: RwSignal::new("default"),
            problem: RwSignal::new(None),
            site: RwSignal::new(None),
            published,
            database: StoredValue::new_local(None),
            unread: StoredValue::new_local(Rc::new(Cell::new(true))),
        }
    }

    /// Channels `status.json` names that the runner sends, not this console: (id, why).
    pub fn runner_only(&self) -> Vec<(String, LeftToRunner)> {
        self.published
            .with(|p| p.as_ref().map(|p| p.runner_only.clone()))
            .unwrap_or_default()
    }

    /// The site's servers, by name.
    pub fn servers(&self) -> Vec<String> {
        self.site.with(|site| {
            site.iter()
                .flat_map(|s| s.servers.iter().map(|s| s.name.clone()))
                .collect()
        })
    }

    /// Whether this tab sends the alerts.
    pub fn is_dispatching(&self) -> bool {
        matches!(self.role.get_untracked(), Role::Dispatching { .. })
    }

    /// Reads what is kept, and takes part in choosing the tab that dispatches.
    pub async fn start(self, site: Option<Arc<SiteConfig>>, database: Option<Rc<Database>>) {
        let runner_publishes = match &site {
            Some(site) => runner_publishes(site).await,
            None => false,
        };
        let published = site.as_ref().and_then(|s| s.alerting.as_ref()).map(|a| {
            let (config, runner_only) = a.console_policy(runner_publishes);
            Published {
                config,
                runner_only,
            }
        });
        self.published.set(published);
        self.site.set(site);
        let Some(database) = database else {
            self.role.set(Role::Off);
            return;
        };
        self.database.set_value(Some(database.clone()));
        self.read_settings(&database).await;
        self.read_desk(&database).await;
        channel::listen(move |message| self.heard(message));
        self.role.set(Role::OtherTab);
        leader::when_leader(leader::DISPATCHER, move |how| {
            let by_lease = how == Leadership::Lease;
            self.role.set(Role::Dispatching { by_lease });
            spawn_local(async move {
                // Carry on from the last tab's desk: it may have saved since this one read.
                if let Some(database) = self.database.get_value() {
                    self.read_desk(&database).await;
                }
                self.dispatch_forever().await;
            });
        });
    }

    fn heard(self, message: String) {
        let database = self.database.get_value();
        let Some(database) = database else { return };
        let dispatching = self.is_dispatching();
        if message.starts_with(ROUND) {
            self.unread.get_value().set(true);
        } else if message == SAVED && !dispatching {
            spawn_local(async move {
                // Only while another tab dispatches: this one may have taken over meanwhile,
                // and its desk is then the one that counts.
                if let Ok(Some(desk)) = kept(&database).await {
                    if !self.is_dispatching() {
                        self.desk.set(desk);
                    }
                }
            });
        } else if message == SETTINGS_CHANGED || message == CHANGED {
            spawn_local(async move { self.read_settings(&database).await });
        } else if let Some(action) = message.strip_prefix(ACTION) {
            if dispatching {
                if let [what, key, by] = &store::names_of_json(action)[..] {
                    self.act(what, key, by);
                }
            }
        }
    }

    async fn read_settings(&self, database: &Database) {
        match settings::setting(database, LOCAL).await {
            Ok(Some(text)) => match serde_json::from_str::<LocalAlerting>(&text) {
                Ok(local) => self.local.set(local),
                Err(error) => self.problem.set(Some(format!(
                    "This browser's alerting settings cannot be read ({error}): the published ones apply."
                ))),
            },
            Ok(None) => {}
            Err(error) => self.problem.set(Some(error.to_string())),
        }
        if let Ok(windows) = maintenance::declared(database).await {
            self.declared.set(windows);
        }
        if let Ok(Some(me)) = settings::setting(database, ME).await {
            self.me.set(me);
        }
    }

    async fn read_desk(&self, database: &Database) {
        match kept(database).await {
            Ok(Some(desk)) => self.desk.set(desk),
            Ok(None) => {}
            Err(error) => self.problem.set(Some(format!(
                "The alerts kept in this browser cannot be read ({error}): starting afresh."
            ))),
        }
    }

    async fn save_desk(&self) {
        let Some(database) = self.database.get_value() else {
            return;
        };
        let saved = self.desk.with_untracked(|desk| save(&database, DESK, desk));
        match saved.await {
            Ok(()) => channel::post(SAVED),
            Err(error) => self
                .problem
                .set(Some(format!("The alerts could not be kept: {error}."))),
        }
    }

    /// A person's acknowledgement or resolution (`what`): done here when this tab
    /// dispatches, handed to the tab that does otherwise.
    pub fn request(self, what: &str, key: &str) {
        let by = self.me.get_untracked();
        if by.trim().is_empty() {
            self.problem.set(Some(WHO_FIRST.into()));
            return;
        }
        if self.is_dispatching() {
            self.act(what, key, by.trim());
        } else {
            let message = store::names_json(&[what.to_owned(), key.to_owned(), by]);
            channel::post(&format!("{ACTION}{message}"));
        }
    }

    fn act(self, what: &str, key: &str, by: &str) {
        let config = self.config.get_untracked();
        let now = now();
        self.desk.update(|desk| {
            let _ = match what {
                "acknowledge" => desk.acknowledge(&config, key, by, now),
                "resolve" => desk.resolve(&config, key, by, now),
                _ => false,
            };
        });
        spawn_local(async move { self.save_desk().await });
    }

    /// Saves this browser's alerting settings after `change`, and tells the other tabs.
    pub fn change_settings(self, change: impl FnOnce(&mut LocalAlerting)) {
        self.local.update(change);
        let Some(database) = self.database.get_value() else {
            return;
        };
        let saved = self
            .local
            .with_untracked(|local| save(&database, LOCAL, local));
        spawn_local(async move {
            match saved.await {
                Ok(()) => channel::post(SETTINGS_CHANGED),
                Err(e) => self.problem.set(Some(format!("Not saved: {e}."))),
            }
        });
    }

    /// Saves the maintenance windows after `change`; the status pages and their prober read
    /// them again (`CHANGED`).
    pub fn change_windows(self, change: impl FnOnce(&mut Vec<Declared>)) {
        self.declared.update(|windows| {
            change(windows);
            declared::prune(windows, now());
        });
        let Some(database) = self.database.get_value() else {
            return;
        };
        let windows = self.declared.get_untracked();
        spawn_local(async move {
            match maintenance::save_declared(&database, &windows).await {
                Ok(()) => channel::post(CHANGED),
                Err(e) => self.problem.set(Some(format!("Not saved: {e}."))),
            }
        });
    }

    /// Who acknowledges in this browser, in every console tab of it.
    pub fn set_me(self, name: String) {
        self.me.set(name.trim().to_owned());
        if let Some(database) = self.database.get_value() {
            spawn_local(async move {
                match settings::save_setting(&database, ME, name.trim()).await {
                    Ok(()) => channel::post(SETTINGS_CHANGED),
                    Err(e) => self.problem.set(Some(format!("Not saved: {e}."))),
                }
            });
        }
    }

    pub fn ask_permission(self) {
        spawn_local(async move { self.permission.set(notify::ask().await) });
    }

    async fn dispatch_forever(self) {
        loop {
            self.cycle().await;
            gloo_timers::future::TimeoutFuture::new(TICK_MS).await;
        }
    }

    /// One turn: new alerts, the clock, what is due.
    async fn cycle(&self) {
        let Some(database) = self.database.get_value() else {
            return;
        };
        let config = self.config.get_untracked();
        let zone = config.time_zone().to_owned();
        let offset = super::Zones::BROWSER.offset(&zone);
        let before = self.desk.get_untracked();
        if self.unread.get_value().replace(false) {
            let reads = self.read_alerts(&database, before.read_from(now())).await;
            let now = now();
            let on_call = OnCall::of(&config, now, &offset);
            self.desk
                .update(|desk| desk.take(&config, reads, now, on_call));
        }
        let now = now();
        let paused = self.paused(now);
        let on_call = OnCall::of(&config, now, &offset);
        self.desk
            .update(|desk| desk.tick(&config, now, &|server| paused(server), on_call, &offset));
        self.deliver(&config).await;
        if self.desk.with_untracked(|desk| !desk.same_as(&before)) {
            self.save_desk().await;
        }
    }

    /// The alerts stored since `from` for every server this browser knows.
    async fn read_alerts(&self, database: &Database, from: Millis) -> Vec<Read> {
        let mut names = untrack(|| self.servers());
        if let Ok(monitors) = monitors::local_monitors(database).await {
            for name in monitors.keys() {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        let recent = match recent::recent(database, &names, from, Part::Findings).await {
            Ok(recent) => recent,
            Err(error) => {
                self.problem
                    .set(Some(format!("Alerts could not be read: {error}.")));
                // Read again next turn.
                self.unread.get_value().set(true);
                return Vec::new();
            }
        };
        let mut reads = Vec::new();
        for (name, recent) in names.iter().zip(recent) {
            for alert in recent.alerts {
                reads.push(Read::of(name, alert, &recent.incidents, &recent.probes));
            }
        }
        reads
    }

    /// Whether a server is in maintenance at `now`: published windows and declared ones.
    fn paused(&self, now: Millis) -> impl Fn(&str) -> bool {
        let site = self.site.get_untracked();
        let windows = self.declared.get_untracked();
        move |server: &str| {
            let published = site
                .as_ref()
                .and_then(|s| s.server(server))
                .is_some_and(|s| s.monitor.in_maintenance(now));
            published
                || windows
                    .iter()
                    .any(|w| w.applies_to(server) && w.window.contains(now))
        }
    }

    /// Sends every delivery that is due, all at once, and records what came back.
    async fn deliver(&self, config: &AlertingConfig) {
        let now = now();
        let links = self.links();
        let due: Vec<(usize, Option<Outgoing>)> = self.desk.with_untracked(|desk| {
            desk.due(now)
                .into_iter()
                .filter_map(|index| {
                    let sending = &desk.deliveries[index];
                    let channel = config.channel(&sending.delivery.channel)?;
                    let mut outgoing = message(sending.message.as_ref()?, channel, &links);
                    if let Some(Outgoing::Http(request)) = &mut outgoing {
                        if desk.blind.contains(&channel.id) {
                            request.mode = FetchMode::NoCors;
                        }
                    }
                    Some((index, outgoing))
                })
                .collect()
        });
        if due.is_empty() {
            return;
        }
        let attempts = due.into_iter().map(|(index, outgoing)| async move {
            let failed = |error| Outcome::Failed { error };
            let outcome = match outgoing {
                Some(Outgoing::Http(request)) => send::send(&request).await,
                Some(Outgoing::Browser { title, body, tag }) => {
                    notify::show(&title, &body, &tag).await
                }
                // The console leaves email to the runner (`LeftToRunner::NotFromBrowsers`).
                Some(Outgoing::Email(_)) => failed(Failure::NeedsRunner),
                None => failed(Failure::NotForPager),
            };
            (index, outcome)
        });
        let outcomes: Vec<(usize, Outcome)> = futures::future::join_all(attempts).await;
        let now = crate::state::now();
        self.desk.update(|desk| {
            for (index, outcome) in outcomes {
                desk.record(index, now, outcome);
            }
        });
    }

    /// Notices link to the status page: where `status.json` says it is published, or beside
    /// this console.
    fn links(&self) -> Links {
        let site = self.site.get_untracked();
        let published = site
            .as_ref()
            .and_then(|s| s.alerting.as_ref())
            .and_then(|a| a.status_page_url.clone());
        let here = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .and_then(|href| Some(format!("{}/", href.rsplit_once("/console/")?.0)));
        Links {
            status_page: published.or(here),
            // This console's alerts are acknowledged in it.
            acknowledge: None,
        }
    }
}

/// Whether a scheduled runner publishes for this site: its summary, beside the status page,
/// is fresh (`RunnerConfig::is_fresh`). Then status.json's channels are the runner's to send.
async fn runner_publishes(site: &SiteConfig) -> bool {
    let path = format!("../{}", mcp_status_core::publish::SUMMARY);
    let Ok(Some(text)) = crate::browser::site_file::fetch_text(&path).await else {
        return false;
    };
    mcp_status_core::publish::read_summary(&text)
        .is_ok_and(|summary| site.runner.is_fresh(summary.generated_at, now()))
}
