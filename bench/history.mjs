// Benchmark: the page's history storage in headless Chromium, through its own code
// (src/bench.rs, built with `--features bench` like the page: web-release, wasm-bindgen,
// wasm-opt -Oz). Batched write throughput, bytes of storage per probe over 100,000 probes
// (navigator.storage.estimate), and loading the 90-day view of 20 servers from rollups.
//
//   scripts/bench
//   node bench/history.mjs
import { execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { launchBrowser, repoRoot, serveStatic } from "../tests/e2e/harness.mjs";

const out = path.join(repoRoot, "target", "bench-history");

function run(command, args) {
  return execFileSync(command, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] }).toString();
}

async function build() {
  run("cargo", ["build", "-q", "-p", "mcp-status-web", "--bin", "mcp-status-web", "--features", "bench", "--target", "wasm32-unknown-unknown", "--profile", "web-release"]);
  await mkdir(out, { recursive: true });
  const built = path.join(repoRoot, "target", "wasm32-unknown-unknown", "web-release", "mcp-status-web.wasm");
  run("wasm-bindgen", ["--target", "web", "--no-typescript", "--out-dir", out, built]);
  const html = await readFile(path.join(repoRoot, "index.html"), "utf8");
  const features = html.match(/data-wasm-opt-params="([^"]*)"/)?.[1].split(/\s+/).filter(Boolean) ?? [];
  const wasm = path.join(out, "mcp-status-web_bg.wasm");
  run("wasm-opt", ["-Oz", ...features, "-o", wasm, wasm]);
  await writeFile(path.join(out, "index.html"), "<!DOCTYPE html><title>history bench</title>");
}

await build();
const site = await serveStatic(out);
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(site.url);
  const json = await page.evaluate(async () => {
    const bench = await import("./mcp-status-web.js");
    await bench.default();
    return bench.bench_history();
  });
  const r = JSON.parse(json);
  console.log(`history storage, Chromium ${browser.version()}:`);
  console.log(`  batched writes:    ${Math.round(r.write_probes_per_s).toLocaleString("en")} probes/s (${r.probes.toLocaleString("en")} probes, 1,000 per transaction)`);
  console.log(`  storage per probe: ${r.bytes_per_probe === null ? "unknown" : `${r.bytes_per_probe.toFixed(1)} bytes`} (navigator.storage.estimate)`);
  console.log(`  90-day view of ${r.servers} servers from rollups: ${r.load_ms_median.toFixed(1)} ms (median of 7 loads)`);
} finally {
  await browser.close();
  await site.close();
}
