//! The page's routes live in the URL fragment (`#/check?url=...`), so a static host such as
//! GitHub Pages serves every route from one `index.html`, under any sub-path, and a shared link
//! or a reload lands on the same view.

use url::form_urlencoded;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The quick check with nothing checked yet.
    Home,
    /// The quick check of `url` (exactly as typed: validation happens on the page).
    Check { url: String },
}

impl Route {
    /// Parses `location.hash` (with or without the leading `#`). Unknown routes are `Home`.
    pub fn from_hash(hash: &str) -> Route {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        match path.trim_end_matches('/') {
            "/check" | "check" => form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == "url")
                .map(|(_, url)| Route::Check {
                    url: url.into_owned(),
                })
                .unwrap_or(Route::Home),
            _ => Route::Home,
        }
    }

    pub fn to_hash(&self) -> String {
        match self {
            Route::Home => "#/".to_owned(),
            Route::Check { url } => {
                let query: String = form_urlencoded::Serializer::new(String::new())
                    .append_pair("url", url)
                    .finish();
                format!("#/check?{query}")
            }
        }
    }
}
