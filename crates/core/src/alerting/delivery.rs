//! One notice on one channel, until it is delivered or given up: attempts with a timeout,
//! retries with backoff, each result recorded for people to see. Sans-IO: the driver asks what
//! is due, sends it, and reports what came back.

use crate::monitor::record::Millis;
use serde::{Deserialize, Serialize};

/// How long one attempt may take before it counts as failed.
pub const TIMEOUT: Millis = 10_000;
/// Waits before the retries: the first attempt goes at once.
pub const BACKOFF: [Millis; 4] = [2_000, 10_000, 60_000, 300_000];

/// What one attempt found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum Outcome {
    /// The receiver answered with this status.
    Answered { status: u16 },
    /// No answer: the connection failed, or the timeout passed.
    Failed { error: String },
    /// The request left, but the receiver's answer is hidden: a browser sends to a receiver
    /// that does not allow the page by CORS as `no-cors`, and sees nothing of the response.
    Unseen,
    /// Shown by the browser (a notification).
    Shown,
}

impl Outcome {
    /// Worth another attempt: no answer, a server error, or "too many requests".
    fn retry(&self) -> bool {
        match self {
            Outcome::Failed { .. } => true,
            Outcome::Answered { status } => *status >= 500 || *status == 429 || *status == 408,
            // Sent once: sending again blind could repeat it.
            Outcome::Unseen | Outcome::Shown => false,
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
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Delivered => "delivered",
            Status::Sent => "sent, result not visible to the browser",
            Status::GaveUp => "failed",
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
            Outcome::Shown => Status::Delivered,
            Outcome::Unseen => Status::Sent,
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
                error: "timed out".into(),
            },
        );
        assert_eq!((flaky.status, flaky.next_at), (Status::Pending, 2_000));
        flaky.record(2_000, Outcome::Answered { status: 200 });
        assert_eq!(flaky.status, Status::Delivered);
    }
}
