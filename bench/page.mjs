// Benchmark: the status page itself (the release build in dist/, headless Chromium).
//
// 1. Overview time: with 20 servers and 91 days of history stored (rollups, and the last day's
//    raw probes at 60 s: seeded through the page's own storage code, `bench_seed_page` in
//    src/bench.rs, on the same origin), the time from
//    the WebAssembly module being ready to all 20 rows showing their 90 day bars with data.
//    Median of 7 loads. Goal: < 300 ms.
// 2. Long tasks: 50 servers with 91 days of history, probed live from the page against our
//    test server on 127.0.0.1 (every server's first probe falls within ~4 s of the start, by
//    the jitter), watched by a PerformanceObserver of `longtask` entries (tasks over 50 ms)
//    for 25 s. Goal: none.
//
//   scripts/bench        (all benchmarks)
//   node bench/page.mjs  (after `trunk build --release`, which scripts/test runs)
//   node bench/page.mjs --smoke   (scripts/test: one load, 5 s of probing; the figures mean
//                                  little, the run proves the benchmark still works)
import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { distDir, launchBrowser, repoRoot, serveStatic } from "../tests/e2e/harness.mjs";
import { startMisbehavingServer } from "../tests/support/misbehaving-server.mjs";
import { buildForBrowser } from "./wasm-in-chromium.mjs";

const SMOKE = process.argv.includes("--smoke");
const LOADS = SMOKE ? 1 : 7;
const WATCH_MS = SMOKE ? 5000 : 25000;
const out = path.join(repoRoot, "target", "bench-page");
const site = path.join(out, "site");

// The page, with the seeding build beside it on the same origin (same IndexedDB).
await buildForBrowser({
  cargoArgs: ["-p", "mcp-status-web", "--bin", "mcp-status-web", "--features", "bench"],
  profile: "web-release",
  artifact: "mcp-status-web",
  out: path.join(out, "seed"),
});
await rm(site, { recursive: true, force: true });
await mkdir(site, { recursive: true });
await cp(distDir, site, { recursive: true });
await cp(path.join(out, "seed"), path.join(site, "seed"), { recursive: true });

const testServer = await startMisbehavingServer();
const browser = await launchBrowser();

/** Marks when the module is ready, and when `rows` rows show data in every day bar. */
const watch = (rows) => {
  const instantiate = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (...args) => {
    const result = await instantiate.apply(WebAssembly, args);
    window.__wasmReady = performance.now();
    return result;
  };
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: "longtask", buffered: true });
  const check = () => {
    const done = document.querySelectorAll(".server .days .day:last-child:not([data-level='no_data'])").length;
    if (done >= rows && window.__rendered === undefined) window.__rendered = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
};

async function seed(context, url, servers) {
  const page = await context.newPage();
  await page.goto(`${url}seed/index.html`);
  // Into the database of the page at `url` (its name carries the page's base path).
  await page.evaluate(async ([n, base]) => {
    const bench = await import("./mcp-status-web.js");
    await bench.default();
    await bench.bench_seed_page(n, base);
  }, [servers, new URL(url).pathname]);
  await page.close();
}

function config(servers, live) {
  return {
    servers: Array.from({ length: servers }, (_, i) => {
      const name = `server-${String(i).padStart(2, "0")}`;
      return live
        ? { name, url: testServer.url(`/ok?n=${i}`), cadence_s: 15 }
        : { name, url: `https://${name}.example.com/mcp`, live: false };
    }),
  };
}

try {
  // 1. The overview with 20 servers × 91 days.
  const twenty = await serveStatic(site, "/mcp-status/", { statusJson: config(20, false) });
  const context = await browser.newContext();
  await seed(context, twenty.url, 20);
  const times = [];
  for (let i = 0; i < LOADS; i++) {
    const page = await context.newPage();
    await page.addInitScript(watch, 20);
    await page.goto(twenty.url);
    await page.waitForFunction(() => window.__rendered !== undefined, null, { timeout: 20000 });
    times.push(await page.evaluate(() => window.__rendered - window.__wasmReady));
    await page.close();
  }
  await context.close();
  await twenty.close();
  times.sort((a, b) => a - b);

  // 2. Long tasks while 50 servers × 91 days are probed live.
  const fifty = await serveStatic(site, "/mcp-status/", { statusJson: config(50, true) });
  const live = await browser.newContext();
  await seed(live, fifty.url, 50);
  const page = await live.newPage();
  await page.addInitScript(watch, 50);
  let probes = 0;
  page.on("request", (r) => {
    if (r.method() === "POST" && (r.postData() ?? "").includes('"initialize"')) probes += 1;
  });
  await page.goto(fifty.url);
  await page.waitForFunction(() => window.__rendered !== undefined, null, { timeout: 20000 });
  await page.waitForTimeout(WATCH_MS);
  // Loading the page (the first drawing of 50 × 90 bars) is not a probe round: only tasks
  // that began after it count.
  const [startup, longTasks] = await page.evaluate(() => [
    window.__longTasks.filter(([start]) => start < window.__rendered).map(([, d]) => d),
    window.__longTasks.filter(([start]) => start >= window.__rendered).map(([, d]) => d),
  ]);
  const probed = await page.locator(".server[data-condition='operational']").count();
  await live.close();
  await fifty.close();

  const median = times[Math.floor(times.length / 2)];
  console.log(`status page, Chromium ${browser.version()}:`);
  console.log(`  overview of 20 servers × 91 days, module ready → all bars drawn: ${median.toFixed(0)} ms median of ${LOADS} (${times.map((t) => t.toFixed(0)).join(", ")} ms)`);
  const longest = (tasks) => (tasks.length ? ` (longest ${Math.max(...tasks).toFixed(0)} ms)` : "");
  console.log(`  50 servers × 91 days probed live for ${WATCH_MS / 1000} s after the first drawing: ${probes} probes, ${probed} servers up, ${longTasks.length} tasks over 50 ms${longest(longTasks)}`);
  console.log(`  (loading that page: ${startup.length} tasks over 50 ms${longest(startup)})`);
  await writeFile(path.join(out, "results.json"), JSON.stringify({ overview_ms: times, long_tasks_ms: longTasks, startup_long_tasks_ms: startup, probes, probed }));
} finally {
  await browser.close();
  await testServer.stop();
}
