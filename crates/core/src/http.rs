//! The HTTP vocabulary between the sans-IO probe and whoever moves the bytes.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// How a browser must send the request. Native clients send every request the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FetchMode {
    Cors,
    /// `mode: "no-cors"`: the response is opaque, but whether it arrived at all tells a host
    /// that answered (and was blocked by CORS) from one that did not answer.
    NoCors,
    /// `redirect: "manual"`: a redirect comes back as an opaque-redirect response instead of
    /// being followed (browsers allow this only in cors mode).
    CorsManualRedirect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub mode: FetchMode,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// Status line and headers of a response, as far as the transport lets us see them (a browser
/// hides headers the server did not expose; an opaque no-cors response has status 0).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResponseHead {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// A browser's answer to a `CorsManualRedirect` request that was a redirect.
    pub opaque_redirect: bool,
}

impl ResponseHead {
    pub fn new(status: u16, headers: Vec<(String, String)>) -> Self {
        ResponseHead {
            status,
            headers,
            opaque_redirect: false,
        }
    }

    pub fn opaque_redirect() -> Self {
        ResponseHead {
            opaque_redirect: true,
            ..ResponseHead::default()
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The media type without parameters, lower-cased (`text/event-stream`).
    pub fn media_type(&self) -> Option<String> {
        let value = self.header("content-type")?;
        let media = value.split(';').next().unwrap_or_default().trim();
        (!media.is_empty()).then(|| media.to_ascii_lowercase())
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// Why no response arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The request failed without a response. In a browser this is all a page ever learns
    /// (`TypeError: Failed to fetch`), whether the host is down or CORS blocked the answer.
    Network(String),
    /// The response started but its body could not be read to the end.
    Body(String),
    /// Redirects went on too long (a loop); native clients can tell, browsers cannot.
    TooManyRedirects(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_case_insensitive_and_media_type_drops_parameters() {
        let head = ResponseHead::new(
            200,
            vec![(
                "Content-Type".into(),
                "Text/Event-Stream; charset=utf-8".into(),
            )],
        );
        assert_eq!(
            head.header("content-type"),
            Some("Text/Event-Stream; charset=utf-8")
        );
        assert_eq!(head.media_type().as_deref(), Some("text/event-stream"));
        assert_eq!(ResponseHead::new(202, vec![]).media_type(), None);
    }
}
