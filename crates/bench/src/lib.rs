//! The monitoring engine benchmark: 90 days of probes at 60 s for several servers (about a
//! million, mixed outcomes, gaps) through the whole engine, on one core; then reading the
//! status page's numbers of 50 servers from rollups. The same code runs natively
//! (`src/main.rs`) and as wasm in headless Chromium (`bench/engine-wasm.mjs`); only the clock
//! is passed in. The probes are generated before the clock starts: only the engine is timed.

use mcp_status_core::monitor::config::MonitorConfig;
use mcp_status_core::monitor::record::{ProbeRecord, DAY, MINUTE};
use mcp_status_core::monitor::ServerMonitor;
use mcp_status_core::report::{Layer, Outcome};
use serde::Serialize;
use std::hint::black_box;

const SERVERS: usize = 10;
const START: i64 = 1_787_443_200_000; // 2026-08-23
const DAYS: i64 = 90;
const ENGINE_RUNS: usize = 7;
const RENDER_RUNS: usize = 21;
const RENDERED_SERVERS: usize = 50;
const HOSTS: [&str; 4] = [
    "a.onrender.com",
    "b.fly.dev",
    "mcp.example.com",
    "c.railway.app",
];

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub probes: usize,
    pub servers: usize,
    pub days: i64,
    /// Median over the runs, in probes per second.
    pub engine_probes_per_s: f64,
    /// Median time to read the 90-day bars and the 24 h/7 d/30 d/90 d uptimes of 50 servers.
    pub render_ms: f64,
}

/// Runs the benchmark with `now_ms`, a monotonic clock in milliseconds.
pub fn run(now_ms: impl Fn() -> f64) -> Results {
    let streams: Vec<Vec<ProbeRecord>> =
        (0..SERVERS as u64).map(|s| probes(s * 7919 + 1)).collect();
    let total: usize = streams.iter().map(Vec::len).sum();
    let mut rates = Vec::new();
    for _ in 0..ENGINE_RUNS {
        let mut monitors = monitors(SERVERS);
        let started = now_ms();
        for (monitor, stream) in monitors.iter_mut().zip(&streams) {
            for probe in stream {
                black_box(monitor.ingest(probe));
            }
        }
        rates.push(total as f64 / ((now_ms() - started) / 1000.0));
        black_box(&monitors);
    }

    let mut monitors = monitors(RENDERED_SERVERS);
    for (i, monitor) in monitors.iter_mut().enumerate() {
        for probe in &streams[i % SERVERS] {
            monitor.ingest(probe);
        }
    }
    let now = START + DAYS * DAY;
    let mut times = Vec::new();
    for _ in 0..RENDER_RUNS {
        let started = now_ms();
        for monitor in &monitors {
            black_box(monitor.days(now, 90));
            for span in [DAY, 7 * DAY, 30 * DAY, 90 * DAY] {
                black_box(monitor.uptime(now, span));
            }
        }
        times.push(now_ms() - started);
    }
    Results {
        probes: total,
        servers: SERVERS,
        days: DAYS,
        engine_probes_per_s: median(rates),
        render_ms: median(times),
    }
}

fn monitors(count: usize) -> Vec<ServerMonitor> {
    (0..count)
        .map(|i| {
            ServerMonitor::new(MonitorConfig::default(), HOSTS[i % HOSTS.len()])
                .expect("the default config is valid")
        })
        .collect()
}

/// xorshift: reproducible "random" outcomes without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// One server's 90 days: outages of 2 to 31 minutes, lone failures, degraded and blocked
/// probes, a contract change half-way, and now and then three hours nobody probed.
fn probes(seed: u64) -> Vec<ProbeRecord> {
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity((DAYS * DAY / MINUTE) as usize);
    let mut at = START;
    let mut outage = 0;
    while at < START + DAYS * DAY {
        let roll = rng.next() % 10_000;
        if outage == 0 && roll < 5 {
            outage = 2 + (rng.next() % 30) as i32;
        }
        let (outcome, layer) = if outage > 0 {
            outage -= 1;
            (
                Outcome::Failed,
                Some([Layer::Transport, Layer::Http, Layer::Tools][(roll % 3) as usize]),
            )
        } else if roll < 60 {
            (Outcome::Failed, Some(Layer::Tools))
        } else if roll < 120 {
            (Outcome::Degraded, None)
        } else if roll < 140 {
            (Outcome::Blocked, None)
        } else {
            (Outcome::Ok, None)
        };
        let passed = matches!(outcome, Outcome::Ok | Outcome::Degraded);
        out.push(ProbeRecord {
            at,
            outcome,
            layer,
            latency_ms: 80 + (rng.next() % 400) as u32,
            contract_hash: passed.then_some(if at > START + 45 * DAY { 2 } else { 1 }),
            metadata_hash: passed.then_some(7),
            error: (outcome == Outcome::Failed).then(|| "connection refused".to_owned()),
        });
        at += if roll.is_multiple_of(997) {
            3 * 60 * MINUTE
        } else {
            MINUTE
        };
    }
    out
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use wasm_bindgen::prelude::wasm_bindgen;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        fn performance_now() -> f64;
    }

    /// The results as JSON, for bench/engine-wasm.mjs.
    #[wasm_bindgen]
    pub fn engine_bench() -> String {
        serde_json::to_string(&super::run(performance_now)).expect("plain numbers serialise")
    }
}
