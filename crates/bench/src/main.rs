//! The engine benchmark natively, on one core:
//!
//!   cargo run --release -p mcp-status-bench [-- --json]

use std::time::Instant;

fn main() {
    let epoch = Instant::now();
    let results = mcp_status_bench::run(|| epoch.elapsed().as_secs_f64() * 1000.0);
    if std::env::args().any(|arg| arg == "--json") {
        println!(
            "{}",
            serde_json::to_string(&results).expect("plain numbers serialise")
        );
        return;
    }
    println!(
        "engine: {} probes, {} servers, {} days at 60 s",
        results.probes, results.servers, results.days
    );
    println!(
        "  median of 7 runs: {:.1} million probes/s on one core",
        results.engine_probes_per_s / 1e6
    );
    println!(
        "90-day bars and 24 h/7 d/30 d/90 d uptimes of 50 servers: median {:.2} ms",
        results.render_ms
    );
}
