// Benchmark: our full probe (the page's quick check) against the official TypeScript SDK
// client (connect + listTools), side by side in the same headless Chromium, against the local
// npm reference server. Reports medians, the ratio ours/theirs, and HTTP requests per probe
// (CORS preflights included) counted by a proxy in front of the server.
//
//   scripts/bench            (builds the release site first)
//   node bench/probe.mjs [runs]
//   node bench/probe.mjs --smoke         (scripts/test: one warm-up run and one run)
//   TIMELINE=1 node bench/probe.mjs 10   (also prints each run's requests as the proxy saw them)
import { build } from "esbuild";
import { createServer } from "node:http";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { distDir, launchBrowser, repoRoot, serveStatic } from "../tests/e2e/harness.mjs";
import { freePort, startEverythingServer } from "../tests/support/servers.mjs";
import { forward } from "./pages-server.mjs";

const SMOKE = process.argv.includes("--smoke");
const RUNS = SMOKE ? 1 : Number(process.argv[2] ?? 50);
const WARMUP = SMOKE ? 1 : 5;

/** Forwards everything to `port`, counting requests by method. */
async function countingProxy(port) {
  const counts = {};
  const timeline = [];
  const proxyPort = await freePort();
  const server = createServer((req, res) => {
    counts[req.method] = (counts[req.method] ?? 0) + 1;
    const at = performance.now();
    timeline.push(`${req.method}>${(at - (timeline.t0 ??= at)).toFixed(1)}`);
    res.on("finish", () => timeline.push(`${req.method}<${(performance.now() - timeline.t0).toFixed(1)}`));
    forward(req, res, port);
  });
  await new Promise((resolve) => server.listen(proxyPort, "127.0.0.1", resolve));
  return {
    url: (run) => `http://127.0.0.1:${proxyPort}/mcp?run=${run}`,
    timeline: () => { const t = timeline.join(" "); timeline.length = 0; delete timeline.t0; return t; },
    take: () => {
      const taken = { ...counts };
      for (const key of Object.keys(counts)) delete counts[key];
      return taken;
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);

const benchDir = await mkdtemp(path.join(os.tmpdir(), "mcp-status-bench-"));
await build({
  entryPoints: [path.join(repoRoot, "bench/sdk-client.mjs")],
  bundle: true,
  format: "esm",
  platform: "browser",
  outfile: path.join(benchDir, "sdk.js"),
  logLevel: "error",
});
await writeFile(path.join(benchDir, "index.html"), `<!doctype html><script type="module" src="sdk.js"></script>`);
await writeFile(path.join(benchDir, "404.html"), "not found");

const everything = await startEverythingServer();
const proxy = await countingProxy(everything.port);
const site = await serveStatic(distDir, "/mcp-status/");
const sdkSite = await serveStatic(benchDir, "/bench/");
const browser = await launchBrowser();
try {
  const ours = await browser.newPage();
  // The quick check's own view: on the status overview its field is there but hidden.
  await ours.goto(`${site.url}#/check`);
  await ours.waitForSelector("#server-url");
  const theirs = await browser.newPage();
  await theirs.goto(sdkSite.url);
  await theirs.waitForFunction(() => typeof window.sdkProbe === "function");

  const runOurs = (url) =>
    ours.evaluate(
      (url) =>
        new Promise((resolve) => {
          const started = performance.now();
          const observer = new MutationObserver(() => {
            const result = document.querySelector("#check-result[data-outcome]");
            if (result && result.querySelector(".url")?.textContent === url) {
              observer.disconnect();
              resolve({ ms: performance.now() - started, outcome: result.dataset.outcome, tools: Number(result.dataset.toolCount) });
            }
          });
          observer.observe(document.body, { subtree: true, childList: true, attributes: true });
          location.hash = `#/check?url=${encodeURIComponent(url)}`;
        }),
      url,
    );
  const runTheirs = (url) => theirs.evaluate((url) => window.sdkProbe(url), url);
  // Our probe without the page around it: the exported JS function (src/api.rs).
  const runEngine = (url) =>
    ours.evaluate(async (url) => {
      const started = performance.now();
      const summary = await window.wasmBindings.probe(url);
      return { ms: performance.now() - started, outcome: summary.outcome };
    }, url);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  const results = { ours: [], theirs: [], engine: [], oursRequests: [], theirsRequests: [], engineRequests: [] };
  const runners = { ours: runOurs, theirs: runTheirs, engine: runEngine };
  for (let run = 0; run < WARMUP + RUNS; run++) {
    // Rotate who goes first, so nobody always gets the warmer server.
    const order = ["ours", "theirs", "engine"];
    for (let i = 0; i < run % 3; i++) order.push(order.shift());
    for (const who of order) {
      const url = proxy.url(`${who}-${run}`);
      proxy.take();
      const result = await runners[who](url);
      await settle();
      const requests = proxy.take();
      if (process.env.TIMELINE) console.log(who.padEnd(7), result.ms.toFixed(1).padStart(6), proxy.timeline());
      else proxy.timeline();
      if (who !== "theirs" && result.outcome !== "ok") throw new Error(`our probe said ${result.outcome}`);
      if (run < WARMUP) continue;
      results[who].push(result.ms);
      results[`${who}Requests`].push(requests);
    }
  }
  const oursMedian = median(results.ours);
  const theirsMedian = median(results.theirs);
  const engineMedian = median(results.engine);
  const lastOurs = results.oursRequests.at(-1);
  const lastTheirs = results.theirsRequests.at(-1);
  const summary = {
    machine: `${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    runs: RUNS,
    ours_median_ms: Number(oursMedian.toFixed(1)),
    sdk_median_ms: Number(theirsMedian.toFixed(1)),
    ratio: Number((oursMedian / theirsMedian).toFixed(2)),
    engine_median_ms: Number(engineMedian.toFixed(1)),
    engine_ratio: Number((engineMedian / theirsMedian).toFixed(2)),
    ours_requests: { total: median(results.oursRequests.map(total)), by_method: lastOurs },
    sdk_requests: { total: median(results.theirsRequests.map(total)), by_method: lastTheirs },
  };
  console.log(JSON.stringify(summary, null, 2));
  console.log(`
| | median wall time | HTTP requests per probe (preflights included) |
|---|---|---|
| mcp-status probe (wasm, \`wasmBindings.probe\`) to verdict | ${summary.engine_median_ms} ms (${summary.engine_ratio}× SDK) | ${median(results.engineRequests.map(total))} |
| mcp-status quick check page, address change to verdict on screen | ${summary.ours_median_ms} ms (${summary.ratio}× SDK) | ${summary.ours_requests.total} (${JSON.stringify(lastOurs)}) |
| TypeScript SDK client (connect + listTools) | ${summary.sdk_median_ms} ms | ${summary.sdk_requests.total} (${JSON.stringify(lastTheirs)}) |
`);
} finally {
  await browser.close();
  await sdkSite.close();
  await site.close();
  await proxy.close();
  await everything.stop();
  await rm(benchDir, { recursive: true, force: true });
}
