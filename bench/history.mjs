// Benchmark: the page's history storage in headless Chromium, through its own code
// (src/bench.rs, built with `--features bench` like the page: web-release, wasm-bindgen,
// wasm-opt -Oz). Batched write throughput, bytes of storage per probe over 100,000 probes
// (navigator.storage.estimate), and loading the 90-day view of 20 servers from rollups.
//
//   scripts/bench
//   node bench/history.mjs
import path from "node:path";
import { repoRoot } from "../tests/e2e/harness.mjs";
import { buildForBrowser, callInChromium } from "./wasm-in-chromium.mjs";

const out = path.join(repoRoot, "target", "bench-history");
const artifact = "mcp-status-web";

await buildForBrowser({
  cargoArgs: ["-p", "mcp-status-web", "--bin", "mcp-status-web", "--features", "bench"],
  profile: "web-release",
  artifact,
  out,
});
const { result, chromium } = await callInChromium({ out, artifact, exported: "bench_history" });
const r = JSON.parse(result);
console.log(`history storage, Chromium ${chromium}:`);
console.log(`  batched writes:    ${Math.round(r.write_probes_per_s).toLocaleString("en")} probes/s (${r.probes.toLocaleString("en")} probes, 1,000 per transaction)`);
console.log(`  storage per probe: ${r.bytes_per_probe === null ? "unknown" : `${r.bytes_per_probe.toFixed(1)} bytes`} (navigator.storage.estimate)`);
console.log(`  90-day view of ${r.servers} servers from rollups: ${r.load_ms_median.toFixed(1)} ms (median of 7 loads)`);
