// Benchmark: the monitoring engine as wasm in headless Chromium against the same code natively
// (crates/bench: one workload, one million probes). The wasm is built like the page's: the
// `web-release` profile, wasm-bindgen, then wasm-opt -Oz with the page's flags.
// Prints both results and the ratio native/wasm.
//
//   scripts/bench
//   node bench/engine-wasm.mjs
import path from "node:path";
import { repoRoot } from "../tests/e2e/harness.mjs";
import { buildForBrowser, callInChromium, run } from "./wasm-in-chromium.mjs";

const PROFILE = process.env.WASM_PROFILE ?? "web-release";
const out = path.join(repoRoot, "target", "bench-wasm", PROFILE);
const artifact = "mcp_status_bench";

await buildForBrowser({ cargoArgs: ["-p", "mcp-status-bench", "--lib"], profile: PROFILE, artifact, out });
const native = JSON.parse(run("cargo", ["run", "-q", "--release", "-p", "mcp-status-bench", "--", "--json"]));
const { result, chromium } = await callInChromium({ out, artifact, exported: "engine_bench" });
const wasm = JSON.parse(result);
const million = (rate) => `${(rate / 1e6).toFixed(1)} M probes/s`;
console.log(`engine, ${native.probes} probes (${native.servers} servers, ${native.days} days at 60 s), median of 7 runs:`);
console.log(`  native:             ${million(native.engine_probes_per_s)}`);
console.log(`  wasm (Chromium ${chromium}, ${PROFILE}): ${million(wasm.engine_probes_per_s)}`);
console.log(`  native / wasm:      ${(native.engine_probes_per_s / wasm.engine_probes_per_s).toFixed(2)}x`);
console.log("90-day bars and 24 h/7 d/30 d/90 d uptimes of 50 servers, median of 21:");
console.log(`  native: ${native.render_ms.toFixed(2)} ms   wasm: ${wasm.render_ms.toFixed(2)} ms`);
