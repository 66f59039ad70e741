//! My monitors: the servers the user watches from this browser (their rows are on the
//! overview), which tab probes them, and the form that adds or edits one. Names are shown
//! without format characters (`text::without_format`), and a new monitor is named without
//! them: a right-to-left override must not turn a row around, nor a zero-width space make two
//! names look alike.

use crate::monitor::store::LocalMonitor;
use crate::status::{ServerView, Source};
use crate::target::Target;
use crate::text::without_format;

/// Cadences offered, in seconds, with their words.
pub const CADENCES: [(u32, &str); 5] = [
    (15, "every 15 s"),
    (30, "every 30 s"),
    (60, "every minute"),
    (300, "every 5 minutes"),
    (900, "every 15 minutes"),
];

/// The cadence a new monitor starts with.
pub const DEFAULT_CADENCE_S: u32 = 60;

/// A monitor's name is its history's key and is shown in every row: kept short.
pub const MAX_NAME_CHARS: usize = 200;

/// Which tab probes the user's monitors (one tab of the page does, the others show its
/// results).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prober {
    /// Storage is not open yet, or not available.
    Starting,
    ThisTab,
    OtherTab,
    /// A newer version of the page took the database over in another tab.
    Replaced,
}

impl Prober {
    /// `data-prober`.
    pub fn as_str(self) -> &'static str {
        match self {
            Prober::Starting => "starting",
            Prober::ThisTab => "this-tab",
            Prober::OtherTab => "other-tab",
            Prober::Replaced => "replaced",
        }
    }

    pub fn sentence(self) -> &'static str {
        match self {
            Prober::Starting => "Opening this browser's history…",
            Prober::ThisTab => "This tab probes your monitors.",
            Prober::OtherTab => {
                "Another tab of this page probes your monitors; this one shows its results."
            }
            Prober::Replaced => {
                "A newer version of this page opened in another tab: reload this one to go on."
            }
        }
    }
}

/// One line of the list: a monitor, or a server known only from imported history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The key of the list and of the server's history, as it is: never shown.
    pub server: String,
    /// The name as shown (without format characters).
    pub name: String,
    pub url: String,
    /// Seconds between probes; `None`: imported history, not probed here (so it can be neither
    /// edited nor removed).
    pub cadence_s: Option<u32>,
    /// How often it is probed, in words.
    pub what: String,
}

/// The user's monitors and the servers known from imported history, in the order the page
/// keeps them; the site's servers are not the user's to change.
pub fn items(servers: &[ServerView]) -> Vec<Item> {
    servers
        .iter()
        .filter(|view| !matches!(view.source, Source::Site { .. }))
        .map(|view| Item {
            server: view.server.clone(),
            name: without_format(view.server.clone()),
            url: without_format(view.url.clone()),
            cadence_s: view.cadence_s,
            what: match view.cadence_s {
                Some(cadence) => format!("every {cadence} s"),
                None => "imported history, not probed here".to_owned(),
            },
        })
        .collect()
}

/// The form's heading: adding, or editing the monitor named.
pub fn heading(editing: Option<&str>) -> String {
    match editing {
        Some(server) => without_format(format!("Edit “{server}”")),
        None => "Add a monitor".to_owned(),
    }
}

pub fn submit_label(editing: Option<&str>) -> &'static str {
    match editing {
        Some(_) => "Save",
        None => "Add monitor",
    }
}

/// What the form holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub name: String,
    pub url: String,
    pub cadence_s: u32,
}

impl Default for Form {
    fn default() -> Form {
        Form {
            name: String::new(),
            url: String::new(),
            cadence_s: DEFAULT_CADENCE_S,
        }
    }
}

/// The field a message is about (`aria-invalid`); `None` in a [`FormError`]: the form as a
/// whole (storage).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Url,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    pub field: Option<Field>,
    pub message: String,
}

impl FormError {
    /// A problem with no one field (storage refused, or is missing).
    pub fn storage(message: impl Into<String>) -> FormError {
        FormError {
            field: None,
            message: without_format(message.into()),
        }
    }

    /// No storage to keep the monitor in.
    pub fn no_storage() -> FormError {
        FormError::storage("History cannot be kept in this browser.")
    }

    /// `message` may quote what was typed.
    fn of(field: Field, message: String) -> FormError {
        FormError {
            field: Some(field),
            message: without_format(message),
        }
    }
}

impl Form {
    /// `#/monitors?url=…` (the quick check's "Add to my monitors"): the URL as given, named
    /// after its host when it parses.
    pub fn for_url(address: &str) -> Form {
        Form {
            name: Target::parse(address)
                .map(|target| target.host().to_owned())
                .unwrap_or_default(),
            url: address.to_owned(),
            cadence_s: DEFAULT_CADENCE_S,
        }
    }

    /// A monitor of the list, to edit.
    pub fn of(item: &Item) -> Form {
        Form {
            name: item.server.clone(),
            url: item.url.clone(),
            cadence_s: item.cadence_s.unwrap_or(DEFAULT_CADENCE_S),
        }
    }

    /// The monitor to store, or what is wrong with the form. `servers`: what the page shows
    /// (a name the site or another monitor uses is taken, format characters aside); `editing`:
    /// the monitor being edited, whose own name is of course allowed. A new monitor's name
    /// loses its format characters; an edited one keeps its name (its history's key) as it is.
    pub fn check(
        &self,
        servers: &[ServerView],
        editing: Option<&str>,
    ) -> Result<LocalMonitor, FormError> {
        let target =
            Target::parse(&self.url).map_err(|e| FormError::of(Field::Url, e.to_string()))?;
        let typed = self.name.trim();
        let server = match editing {
            Some(name) if name == typed => typed.to_owned(),
            _ => without_format(typed.to_owned()).trim().to_owned(),
        };
        if server.is_empty() || server.chars().count() > MAX_NAME_CHARS {
            return Err(FormError::of(
                Field::Name,
                format!("Give the monitor a name (up to {MAX_NAME_CHARS} characters)."),
            ));
        }
        // A server known only from imported history can be monitored: its history goes on.
        let taken = servers
            .iter()
            .any(|s| s.source != Source::Imported && without_format(s.server.clone()) == server);
        if taken && editing != Some(server.as_str()) {
            return Err(FormError::of(
                Field::Name,
                format!("There is already a server named “{server}” on this page."),
            ));
        }
        Ok(LocalMonitor {
            server,
            url: target.to_string(),
            cadence_s: self.cadence_s,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(name: &str, source: Source, cadence_s: Option<u32>) -> ServerView {
        let mut view = ServerView::empty(name, "https://a.example/mcp", source, 0);
        view.cadence_s = cadence_s;
        view
    }

    #[test]
    fn the_list_is_the_user_s_monitors_and_imported_servers_not_the_site_s() {
        let servers = [
            server("site", Source::Site { group: None }, Some(60)),
            server("a", Source::Local, Some(30)),
            server("b", Source::Imported, None),
        ];
        let items = items(&servers);
        let shown: Vec<(&str, Option<u32>, &str)> = items
            .iter()
            .map(|i| (i.server.as_str(), i.cadence_s, i.what.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("a", Some(30), "every 30 s"),
                ("b", None, "imported history, not probed here"),
            ]
        );
        assert_eq!(Form::of(&items[0]).cadence_s, 30);
        assert_eq!(Form::of(&items[1]).cadence_s, DEFAULT_CADENCE_S);
    }

    #[test]
    fn the_heading_and_button_say_whether_a_monitor_is_edited() {
        assert_eq!(heading(None), "Add a monitor");
        assert_eq!(heading(Some("a <b>")), "Edit “a <b>”");
        assert_eq!(submit_label(None), "Add monitor");
        assert_eq!(submit_label(Some("a")), "Save");
    }

    #[test]
    fn a_link_from_the_quick_check_names_the_monitor_after_its_host() {
        let form = Form::for_url("https://api.example.com:8443/mcp");
        assert_eq!(form.name, "api.example.com");
        assert_eq!(form.url, "https://api.example.com:8443/mcp");
        assert_eq!(form.cadence_s, DEFAULT_CADENCE_S);
        // Not a URL: kept as given for the user to fix, with no name made up.
        let form = Form::for_url("ftp://x");
        assert_eq!((form.name.as_str(), form.url.as_str()), ("", "ftp://x"));
    }

    #[test]
    fn the_url_is_checked_first_then_the_name() {
        let form = |name: &str, url: &str| Form {
            name: name.to_owned(),
            url: url.to_owned(),
            cadence_s: 15,
        };
        let error = form("", "ftp://x").check(&[], None).unwrap_err();
        assert_eq!(error.field, Some(Field::Url));
        assert!(error.message.contains("“ftp:”"), "{error:?}");
        let error = form("  ", "https://x.example/mcp")
            .check(&[], None)
            .unwrap_err();
        assert_eq!(error.field, Some(Field::Name));
        assert_eq!(
            error.message,
            "Give the monitor a name (up to 200 characters)."
        );
        assert!(form(&"n".repeat(201), "https://x.example/mcp")
            .check(&[], None)
            .is_err());
        assert_eq!(
            form(" mine ", "https://x.example/mcp").check(&[], None),
            Ok(LocalMonitor {
                server: "mine".into(),
                url: "https://x.example/mcp".into(),
                cadence_s: 15,
            })
        );
    }

    #[test]
    fn a_name_in_use_is_refused_unless_it_is_the_monitor_edited_or_only_imported() {
        let servers = [
            server("site", Source::Site { group: None }, Some(60)),
            server("mine", Source::Local, Some(60)),
            server("old", Source::Imported, None),
        ];
        let form = |name: &str| Form {
            name: name.to_owned(),
            url: "https://x.example/mcp".to_owned(),
            cadence_s: 60,
        };
        let error = form("site").check(&servers, None).unwrap_err();
        assert_eq!(
            error,
            FormError {
                field: Some(Field::Name),
                message: "There is already a server named “site” on this page.".into(),
            }
        );
        assert!(form("mine").check(&servers, None).is_err());
        assert!(form("mine").check(&servers, Some("mine")).is_ok());
        assert!(form("site").check(&servers, Some("mine")).is_err());
        assert!(form("old").check(&servers, None).is_ok());
    }

    #[test]
    fn names_are_shown_and_given_without_format_characters() {
        use crate::view::check::tests::assert_no_format;
        let laced = |text: &str| format!("\u{202E}{text}\u{200B}");
        let mut imported = server(&laced("old <b>"), Source::Imported, None);
        imported.url = laced("https://old.example/mcp");
        let servers = [
            server("site", Source::Site { group: None }, Some(60)),
            server(&laced("mine"), Source::Local, Some(30)),
            imported,
        ];
        let mut items = items(&servers);
        let shown: Vec<(&str, &str)> = items
            .iter()
            .map(|i| (i.name.as_str(), i.url.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("mine", "https://a.example/mcp"),
                ("old <b>", "https://old.example/mcp")
            ]
        );
        // The key stays the history's, as it is.
        assert_eq!(items[0].server, servers[1].server);
        items.iter_mut().for_each(|i| i.server.clear());
        assert_no_format(&format!("{items:?}"));
        let heading = heading(Some(&servers[1].server));
        assert_eq!(heading, "Edit “mine”");

        let form = |name: &str, url: &str| Form {
            name: name.to_owned(),
            url: url.to_owned(),
            cadence_s: 60,
        };
        // A new monitor is named as it is shown; a name that differs only by what cannot be
        // seen is taken.
        let added = form(&laced(" new "), "https://x.example/mcp").check(&servers, None);
        assert_eq!(added.map(|m| m.server).as_deref(), Ok("new"));
        let error = form(&laced("site"), "https://x.example/mcp")
            .check(&servers, None)
            .unwrap_err();
        assert_eq!(
            error.message,
            "There is already a server named “site” on this page."
        );
        let error = form("\u{200B}\u{202E}", "https://x.example/mcp")
            .check(&servers, None)
            .unwrap_err();
        assert_eq!(error.field, Some(Field::Name));
        // An edited monitor keeps its name: its history's key.
        let edited = form(&servers[1].server, "https://x.example/mcp")
            .check(&servers, Some(&servers[1].server))
            .unwrap();
        assert_eq!(edited.server, servers[1].server);
        // What the form says back quotes what was typed: without them too.
        let error = form("x", &laced("ftp://x")).check(&[], None).unwrap_err();
        assert_eq!(error.field, Some(Field::Url));
        assert_no_format(&format!("{error:?}"));
        let error = FormError::storage(laced("QuotaExceededError"));
        assert_eq!(error.message, "QuotaExceededError");
    }

    #[test]
    fn the_prober_is_named_for_scripts_and_said_for_people() {
        assert_eq!(Prober::ThisTab.as_str(), "this-tab");
        assert_eq!(Prober::OtherTab.as_str(), "other-tab");
        assert_eq!(Prober::Starting.as_str(), "starting");
        assert_eq!(Prober::Replaced.as_str(), "replaced");
        assert_eq!(Prober::ThisTab.sentence(), "This tab probes your monitors.");
    }
}
