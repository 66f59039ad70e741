//! Where a deployment of the page lives on its origin, and what that means for its storage.
//!
//! Browsers keep IndexedDB, localStorage, Web Locks and BroadcastChannels per origin, and
//! GitHub Pages serves every site of an owner from one origin
//! (`https://<owner>.github.io/<repo>/`): two status pages there would share one history and
//! one prober, and only one of them would probe. So each deployment's names carry its base
//! path, the folder its pages are served from. At the origin's root (a custom domain) the names
//! stay the ones the page has always used: nothing has to move there.
//!
//! The names keep deployments from mixing their data, not from reading each other's: any page
//! of an origin can open any of them. Only an origin of its own keeps secrets from other sites
//! ([`shares_origin`]).

/// The folder the on-call console is built into, under the status page's (`scripts/test`).
pub const CONSOLE_DIR: &str = "console/";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    /// Starts and ends with `/`; `/` at the origin's root.
    base: String,
}

impl Deployment {
    /// A deployment at the origin's root.
    pub fn root() -> Deployment {
        Deployment { base: "/".into() }
    }

    /// The deployment one of its files belongs to, from that file's path: its folder (`/repo/`
    /// for `/repo/start-1a2b.js`, `/repo/index.html` or `/repo/`). The console's files are in
    /// the status page's folder's `console/` (`console`: the path is one of the console's):
    /// that part is left off, so that both pages share one history, one prober and one
    /// channel. Runs of `/` count as one (`/repo//` is `/repo/`).
    pub fn of_path(path: &str, console: bool) -> Deployment {
        let mut base = String::with_capacity(path.len() + 1);
        base.push('/');
        for c in path.chars() {
            if !(c == '/' && base.ends_with('/')) {
                base.push(c);
            }
        }
        // The folder: everything up to the last `/` (there is one: `base` starts with it).
        let folder = base.rfind('/').map_or(1, |at| at + 1);
        base.truncate(folder);
        if console && base.ends_with(&format!("/{CONSOLE_DIR}")) {
            base.truncate(base.len() - CONSOLE_DIR.len());
        }
        Deployment { base }
    }

    /// The deployment whose base path is `base` (its folder, as [`Deployment::of_path`] reads
    /// a folder).
    pub fn at(base: &str) -> Deployment {
        let folder = if base.ends_with('/') {
            base.to_owned()
        } else {
            format!("{base}/")
        };
        Deployment::of_path(&folder, false)
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn is_root(&self) -> bool {
        self.base == "/"
    }

    /// `name` in this deployment: `name` itself at the origin's root (the names every
    /// deployment used before, so a site on its own domain keeps its history where it is),
    /// `name@/repo/` under a path.
    pub fn name(&self, name: &str) -> String {
        if self.is_root() {
            name.to_owned()
        } else {
            format!("{name}@{}", self.base)
        }
    }
}

/// Static hosts that serve an owner's sites under one host name: `<owner>.github.io/<repo>/`
/// on GitHub Pages, and the same on GitLab Pages and Codeberg Pages.
const SHARED_HOSTS: [&str; 3] = [".github.io", ".gitlab.io", ".codeberg.page"];

/// Whether other sites are served from the origin of a page at `host` (its host name), and
/// so can read what the browser keeps for it: these hosts serve an owner's user site at the
/// root of `<owner>.github.io` and every project site under it, so the root is shared as much
/// as a sub-path is. A custom domain is an origin of its own.
pub fn shares_origin(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    SHARED_HOSTS.iter().any(|suffix| {
        host.len() > suffix.len()
            && host
                .get(host.len() - suffix.len()..)
                .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
    })
}

/// The Runner workflow (`.github/workflows/runner.yml`) of the repository a GitHub Pages
/// deployment at `host` is published from — `https://<owner>.github.io/<repo>/` is
/// github.com/<owner>/<repo>, the root of `<owner>.github.io` the repository of that name —
/// where the runner's alerts are acknowledged ("Run workflow"); `None` elsewhere (a custom
/// domain names no repository).
pub fn runner_workflow(host: &str, deployment: &Deployment) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let owner = host.strip_suffix(".github.io")?;
    let repository = match deployment.base.trim_matches('/').split('/').next() {
        Some("") | None => host.as_str(),
        Some(first) => first,
    };
    runner_workflow_of("https://github.com", owner, repository)
}

/// The Runner workflow's page of `owner`/`repository` on the GitHub at `server` (an https
/// origin: github.com, or a GitHub Enterprise host, as Actions names it in
/// `GITHUB_SERVER_URL`); `None` for names GitHub would not give.
pub fn runner_workflow_of(server: &str, owner: &str, repository: &str) -> Option<String> {
    let name = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    let origin = server.strip_prefix("https://").is_some_and(|host| {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.:".contains(c))
    });
    (origin && name(owner) && !owner.contains('.') && name(repository))
        .then(|| format!("{server}/{owner}/{repository}/actions/workflows/runner.yml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(path: &str, console: bool) -> String {
        Deployment::of_path(path, console).base().to_owned()
    }

    #[test]
    fn the_status_page_s_folder_is_its_base_path() {
        for (path, expected) in [
            ("/", "/"),
            ("", "/"),
            ("/index.html", "/"),
            ("/start-1a2b.js", "/"),
            ("/repo/", "/repo/"),
            ("/repo/index.html", "/repo/"),
            ("/repo//index.html", "/repo/"),
            ("//repo/", "/repo/"),
            ("repo/x.js", "/repo/"),
            ("/a/b/c/", "/a/b/c/"),
            ("/my%20repo/", "/my%20repo/"),
            // The status page of a repository called `console` is not at the root.
            ("/console/", "/console/"),
            ("/repo/console/", "/repo/console/"),
        ] {
            assert_eq!(base(path, false), expected, "{path}");
        }
    }

    #[test]
    fn the_console_shares_the_status_page_s_base_path() {
        for (path, expected) in [
            ("/console/", "/"),
            ("/console/index.html", "/"),
            ("/console/start-1a2b.js", "/"),
            ("/repo/console/", "/repo/"),
            ("/repo/console/console-9f.js", "/repo/"),
            ("/repo/console//", "/repo/"),
            ("/console/console/", "/console/"),
            // Not in a `console/` folder (a copy served elsewhere): its own folder.
            ("/repo/", "/repo/"),
            ("/repo/consoles/", "/repo/consoles/"),
            ("/repo/my-console/", "/repo/my-console/"),
        ] {
            assert_eq!(base(path, true), expected, "{path}");
        }
    }

    #[test]
    fn a_404_deep_link_is_read_from_the_page_s_files_not_its_address() {
        // GitHub Pages answers `/repo/some/old/link` with 404.html, whose files are loaded
        // from where the build put them: the folder of any of them is the base.
        assert_eq!(base("/repo/mcp-status-web-1a2b_bg.wasm", false), "/repo/");
        // The address alone would be another folder.
        assert_eq!(base("/repo/some/old/link", false), "/repo/some/old/");
    }

    #[test]
    fn names_are_unchanged_at_the_root_and_carry_the_path_elsewhere() {
        let root = Deployment::of_path("/index.html", false);
        assert!(root.is_root());
        assert_eq!(root, Deployment::root());
        assert_eq!(root.name("mcp-status"), "mcp-status");
        assert_eq!(root.name("mcp-status-prober"), "mcp-status-prober");
        let repo = Deployment::of_path("/repo/index.html", false);
        assert!(!repo.is_root());
        assert_eq!(repo.name("mcp-status"), "mcp-status@/repo/");
        assert_eq!(repo.name("mcp-status-theme"), "mcp-status-theme@/repo/");
        let console = Deployment::of_path("/repo/console/", true);
        assert_eq!(
            console.name("mcp-status-dispatcher"),
            "mcp-status-dispatcher@/repo/"
        );
        assert_ne!(
            Deployment::of_path("/a/", false).name("mcp-status"),
            Deployment::of_path("/b/", false).name("mcp-status")
        );
    }

    #[test]
    fn a_base_path_is_read_as_a_folder() {
        assert_eq!(
            Deployment::at("/mcp-status/"),
            Deployment::at("/mcp-status")
        );
        assert_eq!(Deployment::at("mcp-status").base(), "/mcp-status/");
        assert_eq!(Deployment::at(""), Deployment::root());
        assert_eq!(Deployment::at("/"), Deployment::root());
    }

    proptest::proptest! {
        #[test]
        fn any_path_gives_a_folder_and_a_plain_name_only_at_the_root(path in "\\PC*", console: bool, host in "\\PC*") {
            let deployment = Deployment::of_path(&path, console);
            let base = deployment.base();
            proptest::prop_assert!(base.starts_with('/') && base.ends_with('/'), "{base}");
            proptest::prop_assert!(!base.contains("//"), "{base}");
            proptest::prop_assert_eq!(Deployment::at(base), deployment.clone());
            let name = deployment.name("mcp-status");
            proptest::prop_assert_eq!(name == "mcp-status", deployment.is_root());
            let _ = shares_origin(&host);
        }
    }

    #[test]
    fn pages_hosts_share_their_origin_custom_domains_do_not() {
        for host in [
            "acme.github.io",
            "ACME.GitHub.IO",
            "acme.github.io.",
            "a.b.github.io",
            "acme.gitlab.io",
            "acme.codeberg.page",
        ] {
            assert!(shares_origin(host), "{host}");
        }
        for host in [
            "status.acme.example",
            "github.io",
            ".github.io",
            "acmegithub.io",
            "acme.github.io.example",
            "gitlab.io",
            "codeberg.page.example",
            "127.0.0.1",
            "",
            "é.github.i",
        ] {
            assert!(!shares_origin(host), "{host}");
        }
    }

    #[test]
    fn the_runner_workflow_of_a_github_pages_site_is_its_repositorys() {
        let at = |host: &str, base: &str| runner_workflow(host, &Deployment::at(base));
        assert_eq!(
            at("acme.github.io", "/status/").as_deref(),
            Some("https://github.com/acme/status/actions/workflows/runner.yml")
        );
        assert_eq!(
            at("Acme.GitHub.io.", "/status/deep/").as_deref(),
            Some("https://github.com/acme/status/actions/workflows/runner.yml")
        );
        assert_eq!(
            at("acme.github.io", "/").as_deref(),
            Some("https://github.com/acme/acme.github.io/actions/workflows/runner.yml")
        );
        assert_eq!(
            at("status.acme.example", "/status/"),
            None,
            "a custom domain"
        );
        assert_eq!(at("a.b.github.io", "/status/"), None);
        assert_eq!(at("acme.gitlab.io", "/status/"), None);
        assert_eq!(at("acme.github.io", "/st%22atus/"), None);
        // As GitHub Actions names the repository of a run, Enterprise hosts included.
        assert_eq!(
            runner_workflow_of("https://git.acme.example", "ops", "status").as_deref(),
            Some("https://git.acme.example/ops/status/actions/workflows/runner.yml")
        );
        assert_eq!(
            runner_workflow_of("http://github.com", "acme", "status"),
            None
        );
        assert_eq!(
            runner_workflow_of("https://github.com/x?", "acme", "status"),
            None
        );
        assert_eq!(
            runner_workflow_of("https://github.com", "acme", "st/atus"),
            None
        );
    }
}
