//! One notice on one channel, until it is delivered or given up: attempts with a timeout,
//! retries with backoff, each result recorded for people to see. Sans-IO: the driver asks what
//! is due, sends it, and reports what came back.

use crate::monitor::record::Millis;
use serde::{Deserialize, Serialize};

/// How long one attempt may take before it counts as failed.
pub const TIMEOUT: Millis = 10_000;
/// Waits before the retries: the first attempt goes at once.
pub const BACKOFF: [Millis; 4] = [2_000, 10_000, 60_000, 300_000];

/// Why an attempt got no answer, as a person can act on it. Stored and shown; a name from an
/// older version (free text, which could hold a URL) reads as `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    /// The receiver's host name did not resolve.
    Dns,
    /// Nothing accepted the connection at the receiver's address and port.
    Refused,
    /// The TLS handshake failed: certificate, protocol or name mismatch.
    Tls,
    /// No answer within `TIMEOUT`.
    Timeout,
    /// The connection broke (reset, closed) before an answer, or the answer was not HTTP.
    Connection,
    /// A browser refused the request without saying why: no connection, or the receiver does
    /// not allow the page by CORS even for a blind request.
    Network,
    /// The channel was removed from the settings after the notice was queued.
    ChannelGone,
    /// The route names a channel the settings do not have.
    UnknownChannel,
    /// Browser notifications: blocked, not allowed yet, or not supported by this browser.
    NotificationsBlocked,
    NotificationsNotAllowed,
    NotificationsUnsupported,
    /// The browser did not show the notification (an error, or no word within `TIMEOUT`).
    NotShown,
    /// A browser notification, from the runner: only an open page can show one.
    NeedsPage,
    /// Email, or Opsgenie, from a page: only the scheduled runner sends them.
    NeedsRunner,
    /// The P3 digest on a paging tool's channel: a P3 pages nobody.
    NotForPager,
    /// An SMTP server that offers no STARTTLS (which is required: the login and the notices
    /// never go in the clear), or no login mechanism the runner speaks.
    SmtpUnsupported,
    /// An email address the message cannot be built with.
    Address,
    /// Recorded by an older version, whose text is not kept.
    #[serde(other)]
    Unknown,
}

impl Failure {
    /// Trying again cannot help: the channel cannot be sent from here, or its settings are
    /// wrong.
    fn is_lasting(self) -> bool {
        matches!(
            self,
            Failure::NeedsPage
                | Failure::NeedsRunner
                | Failure::NotForPager
                | Failure::SmtpUnsupported
                | Failure::Address
        )
    }

    /// What happened and what to check, in a few words.
    pub fn describe(self) -> String {
        match self {
            Failure::Dns => "DNS: the host name did not resolve (check the URL's host)".into(),
            Failure::Refused => {
                "refused: nothing listens at that address and port (check the URL, the receiver)"
                    .into()
            }
            Failure::Tls => {
                "TLS: the secure connection failed (certificate or protocol; check the receiver)"
                    .into()
            }
            Failure::Timeout => format!("timeout: no answer within {} s", TIMEOUT / 1000),
            Failure::Connection => {
                "connection: it broke before an answer (reset or closed by the receiver)".into()
            }
            Failure::Network => {
                "network: no connection, or the receiver does not allow this page (the browser \
                 does not say which)"
                    .into()
            }
            Failure::ChannelGone => "the channel is gone from the settings".into(),
            Failure::UnknownChannel => "no such channel in the settings".into(),
            Failure::NotificationsBlocked => {
                "notifications are blocked in this browser: allow them for this site".into()
            }
            Failure::NotificationsNotAllowed => {
                "notifications are not allowed yet: turn them on in the console".into()
            }
            Failure::NotificationsUnsupported => {
                "notifications are not supported by this browser".into()
            }
            Failure::NotShown => "the browser did not show the notification".into(),
            Failure::NeedsPage => "a browser notification: only an open page can show it".into(),
            Failure::NeedsRunner => {
                "email and Opsgenie are sent by the scheduled runner, not by a page".into()
            }
            Failure::NotForPager => "a paging tool never gets the P3 digest".into(),
            Failure::SmtpUnsupported => {
                "SMTP: the server offers no STARTTLS, or no login the runner speaks (check \
                 smtp_tls and smtp_port; nothing was sent in the clear)"
                    .into()
            }
            Failure::Address => "an email address the message cannot carry (check from, to)".into(),
            Failure::Unknown => "failed (recorded by an older version)".into(),
        }
    }
}

/// What one attempt found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum Outcome {
    /// The receiver answered with this status.
    Answered { status: u16 },
    /// No answer: the connection failed, or the timeout passed. Only the kind of failure is
    /// kept, never a library's error text: that text names the URL, and a webhook's URL is
    /// its secret (the runner's desk is committed to a branch).
    Failed { error: Failure },
    /// The request left, but the receiver's answer is hidden: a browser sends to a receiver
    /// that does not allow the page by CORS as `no-cors`, and sees nothing of the response.
    Unseen,
    /// Shown by the browser (a notification).
    Shown,
    /// An SMTP server's reply to the message: 2xx accepted, 4xx try again later, 5xx refused
    /// (535: the login).
    Mailed { code: u16 },
    /// Claimed by a runner round that was to send it once its round was published, and whose
    /// record of the attempt never landed (`Desk::settle_stale_claims`): it may have been
    /// sent. Not sent again — a second page for one alert is worse than a log line that says
    /// the answer is unknown.
    Unrecorded,
}

impl Outcome {
    /// What came back, in a few words.
    pub fn describe(&self) -> String {
        match self {
            Outcome::Answered { status } => format!("HTTP {status}"),
            Outcome::Failed { error } => error.describe(),
            Outcome::Unseen => "sent as no-cors".to_owned(),
            Outcome::Unrecorded => "answer not recorded".to_owned(),
            Outcome::Shown => "shown".to_owned(),
            Outcome::Mailed { code: 535 } => {
                "SMTP 535: the server refused the login (check the username and password)".into()
            }
            Outcome::Mailed { code } if (200..300).contains(code) => {
                format!("SMTP {code}: accepted")
            }
            Outcome::Mailed { code } => format!("SMTP {code}"),
        }
    }

    /// Worth another attempt: no answer, a server error, or "too many requests".
    fn retry(&self) -> bool {
        match self {
            Outcome::Failed { error } => !error.is_lasting(),
            Outcome::Answered { status } => *status >= 500 || *status == 429 || *status == 408,
            Outcome::Mailed { code } => (400..500).contains(code),
            // Sent once: sending again blind could repeat it.
            Outcome::Unseen | Outcome::Shown | Outcome::Unrecorded => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub at: Millis,
    pub outcome: Outcome,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Due at `Delivery::next_at`.
    Pending,
    Delivered,
    /// Sent, result unknown (`Outcome::Unseen`).
    Sent,
    /// Refused (a 4xx) or out of retries.
    GaveUp,
    /// Perhaps sent, its answer unknown (`Outcome::Unrecorded`).
    Unrecorded,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Delivered => "delivered",
            Status::Sent => "sent, result not visible to the browser",
            Status::GaveUp => "failed",
            Status::Unrecorded => "perhaps sent: the round that sent it could not record it",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The alert's key and the notice kind, for people to read.
    pub key: String,
    pub notice: String,
    pub channel: String,
    pub created_at: Millis,
    pub next_at: Millis,
    pub status: Status,
    pub attempts: Vec<Attempt>,
}

impl Delivery {
    pub fn new(key: &str, notice: &str, channel: &str, now: Millis) -> Delivery {
        Delivery {
            key: key.to_owned(),
            notice: notice.to_owned(),
            channel: channel.to_owned(),
            created_at: now,
            next_at: now,
            status: Status::Pending,
            attempts: Vec::new(),
        }
    }

    pub fn is_due(&self, now: Millis) -> bool {
        self.status == Status::Pending && self.next_at <= now
    }

    /// Records an attempt's outcome and decides what comes next.
    pub fn record(&mut self, now: Millis, outcome: Outcome) {
        let retry = outcome.retry();
        self.status = match &outcome {
            Outcome::Answered { status } if (200..300).contains(status) => Status::Delivered,
            Outcome::Mailed { code } if (200..300).contains(code) => Status::Delivered,
            Outcome::Shown => Status::Delivered,
            Outcome::Unseen => Status::Sent,
            Outcome::Unrecorded => Status::Unrecorded,
            _ => Status::GaveUp,
        };
        self.attempts.push(Attempt { at: now, outcome });
        let retries = self.attempts.len() - 1;
        if retry {
            if let Some(wait) = BACKOFF.get(retries) {
                self.status = Status::Pending;
                self.next_at = now + wait;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_retried_with_growing_waits_then_given_up() {
        let mut delivery = Delivery::new("api|downtime|1", "fired", "hook", 1_000);
        assert!(delivery.is_due(1_000));
        let mut waits = Vec::new();
        while delivery.status == Status::Pending {
            assert!(!delivery.is_due(delivery.next_at - 1));
            let now = delivery.next_at;
            delivery.record(now, Outcome::Answered { status: 503 });
            waits.push(delivery.next_at - now);
        }
        assert_eq!(
            delivery.attempts.len(),
            5,
            "the first attempt and four retries"
        );
        assert_eq!(waits[..4], BACKOFF);
        assert_eq!(delivery.status, Status::GaveUp);
    }

    #[test]
    fn success_refusal_and_blind_sends_end_the_delivery() {
        let cases = [
            (Outcome::Answered { status: 202 }, Status::Delivered),
            (Outcome::Answered { status: 400 }, Status::GaveUp),
            (Outcome::Unseen, Status::Sent),
            (Outcome::Shown, Status::Delivered),
            (Outcome::Mailed { code: 250 }, Status::Delivered),
            (Outcome::Mailed { code: 550 }, Status::GaveUp),
            (Outcome::Mailed { code: 535 }, Status::GaveUp),
        ];
        for (outcome, status) in cases {
            let mut delivery = Delivery::new("k", "fired", "c", 0);
            delivery.record(0, outcome);
            assert_eq!(delivery.status, status);
        }
        let mut flaky = Delivery::new("k", "fired", "c", 0);
        flaky.record(
            0,
            Outcome::Failed {
                error: Failure::Timeout,
            },
        );
        assert_eq!((flaky.status, flaky.next_at), (Status::Pending, 2_000));
        flaky.record(2_000, Outcome::Answered { status: 200 });
        assert_eq!(flaky.status, Status::Delivered);
        // A server without STARTTLS does not grow one: given up at once.
        let mut clear = Delivery::new("k", "fired", "mail", 0);
        let error = Failure::SmtpUnsupported;
        clear.record(0, Outcome::Failed { error });
        assert_eq!(clear.status, Status::GaveUp);
        // An SMTP server's "try again later" (greylisting, a full queue) is retried.
        let mut greylisted = Delivery::new("k", "digest", "mail", 0);
        greylisted.record(0, Outcome::Mailed { code: 451 });
        assert_eq!(
            (greylisted.status, greylisted.next_at),
            (Status::Pending, 2_000)
        );
    }

    #[test]
    fn failures_are_stored_as_kinds_and_old_free_text_is_dropped() {
        let outcome = Outcome::Failed {
            error: Failure::Dns,
        };
        let text = serde_json::to_string(&outcome).unwrap();
        assert_eq!(text, r#"{"result":"failed","error":"dns"}"#);
        assert_eq!(serde_json::from_str::<Outcome>(&text).unwrap(), outcome);
        // An older version kept the HTTP library's text, which names the secret URL.
        let old = r#"{"result":"failed","error":"error sending request for url (https://hooks.slack.com/services/T0/B0/SECRET)"}"#;
        let read: Outcome = serde_json::from_str(old).unwrap();
        assert_eq!(
            read,
            Outcome::Failed {
                error: Failure::Unknown
            }
        );
        assert!(!serde_json::to_string(&read).unwrap().contains("SECRET"));
    }
}
