//! Hands an email (`Outgoing::Email`) to its SMTP server with lettre: encrypted from before
//! the login (STARTTLS required, or TLS from the first byte), certificates checked against
//! the system's store (`SSL_CERT_FILE` names another), within the core's timeout. Nothing
//! here decides whether to retry: the SMTP reply goes back as it came (`Outcome::Mailed`).
//!
//! A failed attempt is recorded as its kind, never as the library's text, which can hold the
//! server's reply, the addresses or the login.

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use mcp_status_core::alerting::config::SmtpTls;
use mcp_status_core::alerting::delivery::{Failure, Outcome, TIMEOUT};
use mcp_status_core::alerting::payload::Mail;
use std::error::Error;
use std::time::Duration;

/// One attempt.
pub async fn send(mail: &Mail) -> Outcome {
    let failed = |error| Outcome::Failed { error };
    let Ok(message) = message(mail) else {
        return failed(Failure::Address);
    };
    // Resolved here first, so that a name that does not resolve is told from the rest.
    let host = (mail.smtp.host.as_str(), mail.smtp.port);
    let resolved = tokio::net::lookup_host(host).await;
    if !resolved.is_ok_and(|mut addresses| addresses.next().is_some()) {
        return failed(Failure::Dns);
    }
    let Ok(tls) = TlsParameters::new(mail.smtp.host.clone()) else {
        return failed(Failure::Tls);
    };
    let mut transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&mail.smtp.host)
        .port(mail.smtp.port)
        .tls(match mail.smtp.tls {
            SmtpTls::StartTls => Tls::Required(tls),
            SmtpTls::Implicit => Tls::Wrapper(tls),
        })
        .timeout(Some(Duration::from_millis(TIMEOUT as u64)));
    if let Some(login) = &mail.login {
        let credentials = Credentials::new(login.username.clone(), login.password.clone());
        transport = transport.credentials(credentials);
    }
    let transport = transport.build();
    let sending = transport.send(message);
    // The whole exchange, not only each read, is bounded.
    match tokio::time::timeout(Duration::from_millis(TIMEOUT as u64), sending).await {
        Ok(Ok(response)) => Outcome::Mailed {
            code: response.code().into(),
        },
        Ok(Err(error)) => match error.status() {
            Some(code) => Outcome::Mailed { code: code.into() },
            None => failed(failure(&error)),
        },
        Err(_) => failed(Failure::Timeout),
    }
}

/// The message, plain text in UTF-8. The core checked the addresses when it read the
/// config; lettre checks them again.
fn message(mail: &Mail) -> Result<Message, Box<dyn Error>> {
    let mut builder = Message::builder()
        .from(mail.from.parse()?)
        .subject(&mail.subject)
        .header(ContentType::TEXT_PLAIN);
    for to in &mail.to {
        builder = builder.to(to.parse()?);
    }
    Ok(builder.body(mail.text.clone())?)
}

/// The kind of a failure without an SMTP reply.
fn failure(error: &lettre::transport::smtp::Error) -> Failure {
    if error.is_timeout() {
        return Failure::Timeout;
    }
    if error.is_tls() {
        return Failure::Tls;
    }
    // lettre's "client" errors: no STARTTLS offered (required here), or no login mechanism
    // it speaks.
    if error.is_client() {
        return Failure::SmtpUnsupported;
    }
    let mut cause = error.source();
    while let Some(current) = cause {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return Failure::Refused,
                std::io::ErrorKind::TimedOut => return Failure::Timeout,
                // rustls reports a failed handshake as invalid data on the connection.
                std::io::ErrorKind::InvalidData => return Failure::Tls,
                _ => {}
            }
        }
        cause = current.source();
    }
    Failure::Connection
}
