//! The history benchmark (`bench/history.mjs`, built only with `--features bench`): batched
//! write throughput, bytes of storage per probe, and the time to load the 90-day view of 20
//! servers from rollups, all through the page's own storage code in a real browser. And the
//! seed of the page benchmark (`bench/page.mjs`): history for the real page to show.

use crate::browser::clock::monotonic;
use crate::browser::db::rounds::{self, ServerWrite};
use crate::browser::db::{self, DbError};
use crate::browser::storage;
use mcp_status_core::monitor::config::MonitorConfig;
use mcp_status_core::monitor::history::line_of;
use mcp_status_core::monitor::record::{Millis, ProbeRecord, DAY, MINUTE};
use mcp_status_core::monitor::ServerMonitor;
use mcp_status_core::{Layer, Outcome};
use serde::Serialize;
use wasm_bindgen::prelude::*;

const SERVERS: usize = 20;
const PROBES: usize = 100_000;
/// Probes per transaction when writing: 20 servers × 50 probes.
const BATCH: usize = 1_000;
const LOAD_RUNS: usize = 7;

#[derive(Serialize)]
struct Results {
    probes: usize,
    write_probes_per_s: f64,
    bytes_per_probe: Option<f64>,
    servers: usize,
    days: i64,
    load_ms_median: f64,
}

/// Runs the benchmark in a fresh database and returns its results as JSON.
#[wasm_bindgen]
pub async fn bench_history() -> Result<String, JsValue> {
    run().await.map_err(|e| JsValue::from_str(&e.to_string()))
}

async fn run() -> Result<String, DbError> {
    let now = js_sys::Date::now() as Millis;
    let name = "mcp-status-bench";
    db::delete(name).await?;
    let database = db::open(name).await?;
    settle().await;
    let before = storage::estimate().await.map(|(used, _)| used);

    // Raw probes: 5,000 per server a minute apart, mostly ok, some failures.
    let per_server = PROBES / SERVERS;
    let start = now - per_server as Millis * MINUTE;
    let mut writes: Vec<Vec<ServerWrite>> = Vec::new();
    for batch_start in (0..per_server).step_by(BATCH / SERVERS) {
        let batch = (0..SERVERS)
            .map(|s| {
                let server = format!("server-{s:02}");
                let url = format!("https://server-{s:02}.example.com/mcp");
                let lines = (batch_start..batch_start + BATCH / SERVERS)
                    .map(|i| {
                        let probe = probe(start + i as Millis * MINUTE, i + s);
                        (probe.at, line_of(&server, &url, &probe))
                    })
                    .collect();
                ServerWrite {
                    server,
                    lines,
                    ..ServerWrite::default()
                }
            })
            .collect();
        writes.push(batch);
    }
    let started = monotonic();
    let mut written = 0;
    for batch in &writes {
        written += rounds::write(&database, batch).await?;
    }
    let write_s = (monotonic().as_ms() - started.as_ms()) / 1000.0;
    database.close();
    settle().await;
    let after = storage::estimate().await.map(|(used, _)| used);
    let bytes_per_probe = before
        .zip(after)
        .map(|(before, after)| (after - before) / written as f64);

    // The 90-day view: 91 days of rollups and an engine per server, as probing leaves them.
    let database = db::open(name).await?;
    seed(&database, SERVERS, now).await?;
    let mut times = Vec::new();
    for _ in 0..LOAD_RUNS {
        let started = monotonic();
        let (loaded, _) = rounds::load(&database, now).await?;
        for server in &loaded {
            let _ = server.monitor.days(now, 90);
            for span in [DAY, 7 * DAY, 30 * DAY, 90 * DAY] {
                let _ = server.monitor.uptime(now, span);
            }
        }
        times.push(monotonic().as_ms() - started.as_ms());
    }
    times.sort_by(f64::total_cmp);
    database.close();
    db::delete(name).await?;
    let results = Results {
        probes: written,
        write_probes_per_s: written as f64 / write_s,
        bytes_per_probe,
        servers: SERVERS,
        days: 90,
        load_ms_median: times[times.len() / 2],
    };
    Ok(serde_json::to_string(&results).expect("numbers serialise"))
}

/// 91 days of rollups and an engine for `servers` servers (`server-00`…), a probe every five
/// minutes, as probing leaves them.
async fn seed(database: &idb::Database, servers: usize, now: Millis) -> Result<(), DbError> {
    for s in 0..servers {
        let server = format!("server-{s:02}");
        let url = format!("https://server-{s:02}.example.com/mcp");
        let mut monitor = ServerMonitor::new(MonitorConfig::default(), "example.com")
            .map_err(|e| DbError::Failed(e.to_string()))?;
        let mut at = now - 91 * DAY;
        let mut i = 0;
        // Raw probes of the last day at the default cadence, as a page that probed keeps them
        // (the server pages and the morning review read them); rollups only before.
        let mut lines = Vec::new();
        while at < now {
            let probe = probe(at, i + s);
            monitor.ingest(&probe);
            let raw = at >= now - DAY;
            if raw {
                lines.push((at, line_of(&server, &url, &probe)));
            }
            at += if raw { MINUTE } else { 5 * MINUTE };
            i += 1;
        }
        let write = ServerWrite {
            lines,
            ..ServerWrite::of_monitor(&server, &url, &monitor)
        };
        rounds::write(database, &[write]).await?;
    }
    Ok(())
}

/// Fills the database of the page served at `base` (its base path: the seeding page is in
/// a folder of its own) with 91 days of history of `servers` servers, for the page benchmark
/// (`bench/page.mjs`), which then opens the page on the same origin.
#[wasm_bindgen]
pub async fn bench_seed_page(servers: usize, base: &str) -> Result<(), JsValue> {
    let now = js_sys::Date::now() as Millis;
    let name = mcp_status_core::deployment::Deployment::at(base).name(db::NAME);
    let database = db::open(&name)
        .await
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    let seeded = seed(&database, servers, now).await;
    database.close();
    seeded.map_err(|e| JsValue::from_str(&e.to_string()))
}

fn probe(at: Millis, i: usize) -> ProbeRecord {
    let failed = i.is_multiple_of(97);
    ProbeRecord {
        at,
        outcome: if failed { Outcome::Failed } else { Outcome::Ok },
        layer: failed.then_some(Layer::Transport),
        latency_ms: 80 + (i % 400) as u32,
        contract_hash: (!failed).then_some(0x0e49_d69c_b711_bbf7),
        metadata_hash: (!failed).then_some(0xc04e_5423_6c53_ca0c),
        error: failed.then(|| "Connection refused: nothing listens at that address.".to_owned()),
    }
}

/// Storage estimates lag writes a little: give the browser a moment.
async fn settle() {
    gloo_timers::future::TimeoutFuture::new(2_000).await;
}
