//! mcp-status core: everything that decides, nothing that does I/O.
//!
//! - [`target`]: what the user typed, validated into a probe target.
//! - [`probe`]: the sans-IO probe state machine (requests out, responses in, a verdict).
//! - [`sse`], [`jsonrpc`], [`auth`]: the wire formats the probe reads.
//! - [`report`]: the verdict vocabulary shared by the page, the CLI and the docs.
//! - [`fingerprint`]: contract and metadata hashes of a tool list, and tool-list diffs.
//! - [`platform`]: scale-to-zero hosting platforms and their timeouts.
//! - [`site`]: `status.json`, read and checked, errors named by their path.
//! - [`status`]: what the status page says: conditions, the banner, day colours, next probes.
//! - [`page`]: the status page's views as trees of elements and text, rendered by the page.
//! - [`deployment`]: where a deployment lives on its origin: the names of its storage, and
//!   whether other sites share that storage.
//! - [`alerting`]: alert delivery and on-call: routing, escalation, payloads, rotations.
//! - [`monitor`]: the monitoring engine: hysteresis, cold starts, drift, incidents, alerts,
//!   uptimes and SLO burn, from a stream of probes.
//! - [`publish`]: what the scheduled runner publishes (month files, `summary.json`);
//!   [`published`]: its month files read back by a page and replayed through the engine.
//!
//! This crate must build for wasm32 and native alike: no web, runtime or clock dependencies.
//! Time comes in from the caller as milliseconds.

pub mod alerting;
pub mod auth;
pub mod badge;
pub mod deployment;
pub mod fingerprint;
pub mod http;
pub mod json;
pub mod jsonrpc;
pub mod monitor;
pub mod page;
pub mod platform;
pub mod probe;
pub mod publish;
pub mod published;
pub mod report;
pub mod site;
pub mod sse;
pub mod status;
pub mod summary;
pub mod target;
pub mod text;
pub mod time;
pub mod view;

pub use http::{FetchMode, HttpRequest, Method, ResponseHead, TransportError};
pub use probe::{Environment, ExchangeId, Probe, ProbeConfig, Transmit};
pub use report::{Layer, Outcome, ProbeReport, Step, StepReport, StepStatus};
pub use target::{Target, TargetError};
