//! Sends notices' requests with the native client: each delivery attempted with the core's
//! timeout and retried on the core's schedule (`alerting::delivery`) until it is delivered or
//! given up. Nothing here decides whether to retry.

use mcp_status_core::alerting::delivery::{Delivery, Outcome, TIMEOUT};
use mcp_status_core::alerting::payload::Outgoing;
use mcp_status_core::{HttpRequest, Method};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Wall-clock milliseconds: when attempts happen.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// One attempt.
pub async fn attempt(client: &reqwest::Client, request: &HttpRequest) -> Outcome {
    let method = match request.method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Delete => reqwest::Method::DELETE,
    };
    let mut builder = client
        .request(method, &request.url)
        .timeout(Duration::from_millis(TIMEOUT as u64));
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    match builder.send().await {
        Ok(response) => Outcome::Answered {
            status: response.status().as_u16(),
        },
        Err(error) if error.is_timeout() => Outcome::Failed {
            error: format!("no answer within {} s", TIMEOUT / 1000),
        },
        Err(error) => Outcome::Failed {
            error: error.to_string(),
        },
    }
}

/// Delivers each `(delivery, outgoing)` to the end, concurrently; returns the deliveries
/// with their attempts.
pub async fn deliver_all(
    client: &reqwest::Client,
    items: Vec<(Delivery, Outgoing)>,
) -> Vec<Delivery> {
    let tasks = items.into_iter().map(|(delivery, outgoing)| {
        let client = client.clone();
        tokio::spawn(async move { deliver(&client, delivery, &outgoing).await })
    });
    let mut done = Vec::new();
    for task in tasks.collect::<Vec<_>>() {
        if let Ok(delivery) = task.await {
            done.push(delivery);
        }
    }
    done
}

async fn deliver(
    client: &reqwest::Client,
    mut delivery: Delivery,
    outgoing: &Outgoing,
) -> Delivery {
    let Outgoing::Http(request) = outgoing else {
        // A browser notification: only an open page can show one.
        delivery.record(
            now(),
            Outcome::Failed {
                error: "a browser notification: only an open page can show it".into(),
            },
        );
        return delivery;
    };
    while delivery.is_due(delivery.next_at) {
        let wait = delivery.next_at - now();
        if wait > 0 {
            tokio::time::sleep(Duration::from_millis(wait as u64)).await;
        }
        let outcome = attempt(client, request).await;
        delivery.record(now(), outcome);
    }
    delivery
}
