// Benchmark: the monitoring engine as wasm in headless Chromium against the same code natively
// (crates/bench: one workload, one million probes). The wasm is built like the page's: the
// `web-release` profile (opt-level z), wasm-bindgen, then wasm-opt -Oz with the page's flags.
// Prints both results and the ratio native/wasm.
//
//   scripts/bench
//   node bench/engine-wasm.mjs
import { execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { launchBrowser, repoRoot, serveStatic } from "../tests/e2e/harness.mjs";

const PROFILE = process.env.WASM_PROFILE ?? "web-release";
const out = path.join(repoRoot, "target", "bench-wasm", PROFILE);

function run(command, args) {
  return execFileSync(command, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] }).toString();
}

/** The page's wasm-opt flags, read from index.html so the two cannot drift apart. */
async function pageWasmOptFeatures() {
  const html = await readFile(path.join(repoRoot, "index.html"), "utf8");
  return html.match(/data-wasm-opt-params="([^"]*)"/)?.[1].split(/\s+/).filter(Boolean) ?? [];
}

async function buildWasm() {
  run("cargo", ["build", "-q", "-p", "mcp-status-bench", "--lib", "--target", "wasm32-unknown-unknown", "--profile", PROFILE]);
  await mkdir(out, { recursive: true });
  const built = path.join(repoRoot, "target", "wasm32-unknown-unknown", PROFILE, "mcp_status_bench.wasm");
  run("wasm-bindgen", ["--target", "web", "--no-typescript", "--out-dir", out, built]);
  const wasm = path.join(out, "mcp_status_bench_bg.wasm");
  run("wasm-opt", ["-Oz", ...(await pageWasmOptFeatures()), "-o", wasm, wasm]);
  await writeFile(path.join(out, "index.html"), "<!DOCTYPE html><title>engine bench</title>");
}

async function wasmResults() {
  const site = await serveStatic(out);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(site.url);
    const json = await page.evaluate(async () => {
      const bench = await import("./mcp_status_bench.js");
      await bench.default();
      return bench.engine_bench();
    });
    return { results: JSON.parse(json), chromium: browser.version() };
  } finally {
    await browser.close();
    await site.close();
  }
}

await buildWasm();
const native = JSON.parse(run("cargo", ["run", "-q", "--release", "-p", "mcp-status-bench", "--", "--json"]));
const { results: wasm, chromium } = await wasmResults();
const million = (rate) => `${(rate / 1e6).toFixed(1)} M probes/s`;
console.log(`engine, ${native.probes} probes (${native.servers} servers, ${native.days} days at 60 s), median of 7 runs:`);
console.log(`  native:             ${million(native.engine_probes_per_s)}`);
console.log(`  wasm (Chromium ${chromium}, ${PROFILE}): ${million(wasm.engine_probes_per_s)}`);
console.log(`  native / wasm:      ${(native.engine_probes_per_s / wasm.engine_probes_per_s).toFixed(2)}x`);
console.log("90-day bars and 24 h/7 d/30 d/90 d uptimes of 50 servers, median of 21:");
console.log(`  native: ${native.render_ms.toFixed(2)} ms   wasm: ${wasm.render_ms.toFixed(2)} ms`);
