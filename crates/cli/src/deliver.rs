//! Sends notices with the native clients (HTTP here, email in `mail`): each delivery attempted
//! with the core's timeout and retried on the core's schedule (`alerting::delivery`) until it
//! is delivered or given up. Nothing here decides whether to retry.
//!
//! A failed attempt is recorded as its kind (`Failure`: DNS, refused, TLS, timeout…), never
//! as the HTTP library's text: that text names the URL, and a webhook's URL is its secret.

use mcp_status_core::alerting::delivery::{Delivery, Failure, Outcome, TIMEOUT};
use mcp_status_core::alerting::payload::Outgoing;
use mcp_status_core::HttpRequest;
use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The client for alert deliveries: host names resolved by `Lookup`, so that a DNS failure
/// can be told from the others by its type.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(concat!("mcp-status/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Arc::new(Lookup))
        .build()
        .expect("a client with static settings builds")
}

/// The system's resolver (as reqwest's default), its failures marked as `DnsFailed`.
struct Lookup;

#[derive(Debug)]
struct DnsFailed;

impl std::fmt::Display for DnsFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the host name did not resolve")
    }
}

impl Error for DnsFailed {}

impl reqwest::dns::Resolve for Lookup {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            match tokio::net::lookup_host((host.as_str(), 0)).await {
                Ok(addresses) => {
                    let addresses: Vec<SocketAddr> = addresses.collect();
                    if addresses.is_empty() {
                        return Err(Box::new(DnsFailed) as Box<dyn Error + Send + Sync>);
                    }
                    Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
                }
                Err(_) => Err(Box::new(DnsFailed) as Box<dyn Error + Send + Sync>),
            }
        })
    }
}

/// The kind of a failed attempt, from the error's causes.
fn failure(error: &reqwest::Error) -> Failure {
    if error.is_timeout() {
        return Failure::Timeout;
    }
    let mut cause: Option<&(dyn Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if current.is::<DnsFailed>() {
            return Failure::Dns;
        }
        // An I/O error may wrap another (rustls' inside hyper's): look at each one's kind.
        let mut io = current.downcast_ref::<std::io::Error>();
        while let Some(inner) = io {
            match inner.kind() {
                std::io::ErrorKind::ConnectionRefused => return Failure::Refused,
                std::io::ErrorKind::TimedOut => return Failure::Timeout,
                // rustls reports a failed handshake as invalid data on the connection.
                std::io::ErrorKind::InvalidData if error.is_connect() => return Failure::Tls,
                _ => {}
            }
            io = inner
                .get_ref()
                .and_then(|e| e.downcast_ref::<std::io::Error>());
        }
        cause = current.source();
    }
    Failure::Connection
}

/// Wall-clock milliseconds: when attempts happen.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// One attempt at delivering `outgoing`.
pub async fn attempt(client: &reqwest::Client, outgoing: &Outgoing) -> Outcome {
    match outgoing {
        Outgoing::Http(request) => post(client, request).await,
        Outgoing::Email(mail) => crate::mail::send(mail).await,
        // Only an open page can show one.
        Outgoing::Browser { .. } => Outcome::Failed {
            error: Failure::NeedsPage,
        },
    }
}

/// One HTTP request.
async fn post(client: &reqwest::Client, request: &HttpRequest) -> Outcome {
    let builder = crate::driver::build(client, request);
    match builder
        .timeout(Duration::from_millis(TIMEOUT as u64))
        .send()
        .await
    {
        Ok(response) => Outcome::Answered {
            status: response.status().as_u16(),
        },
        Err(error) => Outcome::Failed {
            error: failure(&error),
        },
    }
}

/// How long deliveries may go on: attempts start before `until` (wall-clock ms); a retry due
/// later is left pending, for the caller to report or hand on.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    pub until: i64,
}

/// Delivers each `(delivery, outgoing)` concurrently, within `bound`. Each delivery is sent to
/// `progress` after every attempt, as it happens; the deliveries are returned at the end.
pub async fn deliver_all(
    client: &reqwest::Client,
    items: Vec<(Delivery, Outgoing)>,
    bound: Bound,
    progress: &mut dyn FnMut(&Delivery),
) -> Vec<Delivery> {
    let (tell, mut told) = tokio::sync::mpsc::unbounded_channel::<Delivery>();
    let tasks: Vec<_> = items
        .into_iter()
        .map(|(delivery, outgoing)| {
            let client = client.clone();
            let tell = tell.clone();
            tokio::spawn(async move { deliver(&client, delivery, &outgoing, bound, &tell).await })
        })
        .collect();
    drop(tell);
    // Ends when every task has finished (and dropped its sender).
    while let Some(delivery) = told.recv().await {
        progress(&delivery);
    }
    let mut done = Vec::new();
    for task in tasks {
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
    bound: Bound,
    tell: &tokio::sync::mpsc::UnboundedSender<Delivery>,
) -> Delivery {
    while delivery.is_due(delivery.next_at) && delivery.next_at < bound.until {
        let wait = delivery.next_at - now();
        if wait > 0 {
            tokio::time::sleep(Duration::from_millis(wait as u64)).await;
        }
        let outcome = attempt(client, outgoing).await;
        delivery.record(now(), outcome);
        let _ = tell.send(delivery.clone());
    }
    delivery
}
