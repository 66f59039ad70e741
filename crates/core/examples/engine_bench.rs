//! Benchmark: 90 days of probes at 60 s for several servers (about a million, mixed outcomes)
//! through the whole monitoring engine, on one core. The probes are generated before the clock
//! starts; only the engine is timed. Also times reading the 90-day numbers of 50 servers.
//!
//!   cargo run --release -p mcp-status-core --example engine_bench

use mcp_status_core::monitor::config::MonitorConfig;
use mcp_status_core::monitor::record::{ProbeRecord, DAY, MINUTE};
use mcp_status_core::monitor::ServerMonitor;
use mcp_status_core::report::{Layer, Outcome};
use std::hint::black_box;
use std::time::Instant;

const SERVERS: usize = 10;
const START: i64 = 1_787_443_200_000; // 2026-08-23
const DAYS: i64 = 90;

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

fn probes(seed: u64) -> Vec<ProbeRecord> {
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity((DAYS * DAY / MINUTE) as usize);
    let mut at = START;
    let mut outage = 0;
    while at < START + DAYS * DAY {
        let roll = rng.next() % 10_000;
        if outage == 0 && roll < 5 {
            outage = 2 + (rng.next() % 30) as i32; // an outage of 2 to 31 minutes
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
        // Now and then the page was closed: a gap of no data.
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

fn main() {
    let streams: Vec<Vec<ProbeRecord>> =
        (0..SERVERS as u64).map(|s| probes(s * 7919 + 1)).collect();
    let total: usize = streams.iter().map(Vec::len).sum();
    let hosts = [
        "a.onrender.com",
        "b.fly.dev",
        "mcp.example.com",
        "c.railway.app",
    ];
    let mut rates = Vec::new();
    for _ in 0..7 {
        let mut monitors: Vec<ServerMonitor> = (0..SERVERS)
            .map(|i| ServerMonitor::new(MonitorConfig::default(), hosts[i % hosts.len()]).unwrap())
            .collect();
        let started = Instant::now();
        for (monitor, stream) in monitors.iter_mut().zip(&streams) {
            for probe in stream {
                black_box(monitor.ingest(probe));
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        rates.push(total as f64 / seconds);
        black_box(&monitors);
    }
    println!("engine: {total} probes, {SERVERS} servers, {DAYS} days at 60 s");
    println!(
        "  median of 7 runs: {:.1} million probes/s on one core",
        median(rates) / 1e6
    );

    // Reading the status page's numbers of 50 servers from rollups.
    let mut monitors = Vec::new();
    for i in 0..50 {
        let mut monitor =
            ServerMonitor::new(MonitorConfig::default(), hosts[i % hosts.len()]).unwrap();
        for probe in &streams[i % SERVERS] {
            monitor.ingest(probe);
        }
        monitors.push(monitor);
    }
    let now = START + DAYS * DAY;
    let mut times = Vec::new();
    for _ in 0..21 {
        let started = Instant::now();
        for monitor in &monitors {
            black_box(monitor.days(now, 90));
            for span in [DAY, 7 * DAY, 30 * DAY, 90 * DAY] {
                black_box(monitor.uptime(now, span));
            }
        }
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "90-day bars and 24 h/7 d/30 d/90 d uptimes of 50 servers: median {:.2} ms",
        median(times)
    );
}
