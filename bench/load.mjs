// Benchmark: what a visitor waits. The release site (dist/, built with
// `trunk build --release --public-url /mcp-status/`) served as GitHub Pages serves it
// (bench/pages-server.mjs: under /mcp-status/, HTTP/2 over TLS with a throwaway certificate
// Chromium is told to accept as valid, gzip, `Cache-Control: max-age=600`, ETags and 304s),
// loaded in headless Chromium throttled over CDP to Lighthouse's mobile profile (150 ms
// round trip, 1.6 Mbps down, 750 kbps up, 4x CPU slowdown) and to a desktop line (28 ms,
// 5 Mbps both ways, no CPU slowdown). Times run from navigation start (the document's
// `performance.now()` origin) to what the visitor came for, measured in the page by a
// MutationObserver watching only the page's public hooks (docs/formats.md, `data-*`):
//
//   (a) first visit (a fresh browser context: empty cache and storage) of a status page whose
//       runner has published data/summary.json for 20 servers, until the banner and all 20 rows
//       show a state (`[data-banner]` not `no_data`; 20 rows, `[data-server][data-condition]`,
//       none with the condition `no_data` or the `data-state` `unknown`; and each row's state
//       the one the runner published, or the page is broken);
//   (b) the same page again in the same context (a new tab: warm HTTP cache, storage kept);
//   (c) a shared quick-check link, `#/check?url=…` of the npm reference server on 127.0.0.1
//       (also throttled: it stands for a server elsewhere; a proxy adds the round trip to its
//       CORS preflights, which Chromium's emulation does not throttle), first visit, until the
//       verdict shows (`[data-outcome]`, which must be `ok`).
//
// The site is assembled as the Pages build assembles it: the build, status.json, the runner's
// data/, then `mcp-status prerender` writes the published status into index.html (a build
// whose app cannot take a prerendered status over, an older one to compare with, is served
// as built).
//
// The published data is the real runner's: `target/debug/mcp-status probe` three rounds
// against our test server (tests/support/misbehaving-server.mjs; 19 servers answering, one
// failing with HTTP 500). The 20 servers are `"live": false`, so the page shows the runner's
// data and probes none of them itself (checked: a request to any other origin is an error).
// The test server is stopped before the first page load.
//
// Bytes are what each page load transferred until it showed its goal: the sum of CDP's
// `Network.loadingFinished` `encodedDataLength` (gzipped bodies plus response headers).
// Medians of RUNS runs (default 7). Exits non-zero only when the page is broken (an error, a
// wrong state, a wrong verdict, a timeout), never for a missed goal.
//
//   scripts/bench                          (builds the release site first)
//   node bench/load.mjs [--runs N] [--waterfall]    (RUNS=N works too)
//   node bench/load.mjs --smoke            (one run of each: scripts/test)
//   node bench/load.mjs --http1            (plain HTTP/1.1 instead of HTTP/2 over TLS)
//   DIST=/some/copy node bench/load.mjs    (another build of the site)
//   node bench/load.mjs --compare DIR      (also DIR, another build, in the same runs)
//   node bench/load.mjs --no-prerender     (the pages as Trunk built them: no status in the HTML)
//
// The emulated round trip is added to each request, as DevTools and Lighthouse's DevTools
// throttling do; a real first visit also pays for DNS, TCP and TLS (about 3 round trips).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { distDir, freePort, launchBrowser, repoRoot, startEverythingServer } from "../tests/e2e/harness.mjs";
import { startMisbehavingServer } from "../tests/support/misbehaving-server.mjs";
import { forward, selfSignedCertificate, servePages } from "./pages-server.mjs";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const smoke = args.includes("--smoke");
const RUNS = Number(option("--runs") ?? process.env.RUNS ?? (smoke ? 1 : 7));
const WATERFALL = args.includes("--waterfall") || Boolean(process.env.WATERFALL);
// The status is prerendered into the page as the Pages build does (`mcp-status prerender`),
// unless `--no-prerender` (the page as Trunk built it, for before/after figures).
const NO_PRERENDER = args.includes("--no-prerender");
// The build measured, and with --compare DIR a second one measured in the same runs (the
// machine's speed drifts: two builds are compared fairly only side by side).
const DISTS = [path.resolve(process.env.DIST ?? distDir), ...(option("--compare") ? [path.resolve(option("--compare"))] : [])];
// GitHub Pages answers over HTTP/2 (TLS); `--http1` serves plain HTTP/1.1 instead, for
// comparison (measured: the same figures, within the runs' spread).
const HTTP1 = args.includes("--http1");
const SERVERS = 20;
const ROUNDS = 3;
// A page that shows nothing in this time is broken (the mobile first visit takes about 3 s).
const TIMEOUT_MS = 30000;

const PROFILES = {
  mobile: {
    label: "mobile (150 ms, 1.6/0.75 Mbps, 4x CPU)",
    network: { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 },
    cpu: 4,
    // Lighthouse's mobile screen (Moto G Power).
    context: { viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true },
  },
  desktop: {
    label: "desktop (28 ms, 5 Mbps)",
    network: { offline: false, latency: 28, downloadThroughput: 5e6 / 8, uploadThroughput: 5e6 / 8 },
    cpu: 1,
    context: { viewport: { width: 1350, height: 940 } },
  },
};
const GOALS = { first: { mobile: 2500, desktop: 1000 }, repeat: { mobile: 1000 }, check: { mobile: 3000 } };
const CASES = {
  first: "(a) first visit: banner and 20 rows",
  repeat: "(b) repeat visit, warm cache",
  check: "(c) quick-check link: verdict",
};

const run = promisify(execFile);
const binary = path.join(repoRoot, "target/debug/mcp-status");

/** The runner's published data for 20 servers of our test server, `"live": false`. */
async function publishedData(root) {
  // Built (or found up to date) every time: a binary older than the code may lack `prerender`.
  await run("cargo", ["build", "-q", "-p", "mcp-status"], { cwd: repoRoot });
  const testServer = await startMisbehavingServer();
  const statusJson = {
    servers: Array.from({ length: SERVERS }, (_, i) => ({
      name: `server-${String(i + 1).padStart(2, "0")}`,
      url: testServer.url(i === 7 ? "/status-500" : `/ok?n=${i}`),
      live: false,
    })),
  };
  const config = path.join(root, "status.json");
  const data = path.join(root, "data");
  await writeFile(config, JSON.stringify(statusJson));
  try {
    // Asynchronously: the test server runs in this process.
    for (let round = 0; round < ROUNDS; round += 1) await run(binary, ["probe", "--config", config, "--data", data]);
  } finally {
    await testServer.stop();
  }
  const summary = JSON.parse(await readFile(path.join(data, "summary.json"), "utf8"));
  const states = Object.fromEntries(summary.servers.map((s) => [s.server, s.state]));
  if (Object.keys(states).length !== SERVERS) throw new Error(`the runner published ${Object.keys(states).length} servers`);
  return { statusJson, data, states };
}

/**
 * Whether `dist` is measured prerendered: unless `--no-prerender`, a build whose app takes
 * over a prerendered status (its stylesheet knows `#prerendered`; older builds do not).
 */
async function prerenders(dist) {
  if (NO_PRERENDER) return false;
  const styles = (await readdir(dist)).filter((f) => f.endsWith(".css"));
  for (const file of styles) if ((await readFile(path.join(dist, file), "utf8")).includes("#prerendered")) return true;
  return false;
}

/** `dist` as the Pages build assembles it in `site`: status.json, data/, then prerendered. */
async function prerendered(dist, site, statusJson, data) {
  await cp(dist, site, { recursive: true });
  await writeFile(path.join(site, "status.json"), JSON.stringify(statusJson));
  await cp(data, path.join(site, "data"), { recursive: true });
  await run(binary, ["prerender", site]);
  return site;
}

/**
 * A proxy on 127.0.0.1 in front of `port` that answers CORS preflights (OPTIONS) `delay.ms`
 * late. Chromium's network emulation lets preflights through unthrottled (they take a few ms
 * while every other request takes the emulated round trip), yet on a real line each costs a
 * round trip: the quick check waits for two of them before its verdict.
 */
async function preflightDelayingProxy(port, delay) {
  const proxyPort = await freePort();
  const server = createServer((req, res) => {
    const send = () => forward(req, res, port);
    if (req.method === "OPTIONS") setTimeout(send, delay.ms);
    else send();
  });
  await new Promise((resolve) => server.listen(proxyPort, "127.0.0.1", resolve));
  return {
    url: (path) => `http://127.0.0.1:${proxyPort}${path}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

/** In the page, before its scripts: marks (ms since navigation start) of what it shows. */
const watch = (rows) => {
  const marks = (window.__load = {});
  const now = () => performance.now();
  const instantiate = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (...args) => {
    marks.wasmStart ??= now();
    const result = await instantiate.apply(WebAssembly, args);
    marks.wasmReady ??= now();
    return result;
  };
  const check = () => {
    const banner = document.querySelector("[data-banner]");
    const all = document.querySelectorAll("[data-server][data-condition]");
    if (all.length >= rows) marks.rows ??= now();
    if (
      marks.overview === undefined &&
      banner &&
      banner.dataset.banner !== "no_data" &&
      all.length >= rows &&
      [...all].every((row) => row.dataset.condition !== "no_data" && row.dataset.state !== "unknown")
    ) {
      marks.overview = now();
      marks.banner = banner.dataset.banner;
      marks.states = Object.fromEntries([...all].map((row) => [row.dataset.server, row.dataset.state]));
    }
    const result = document.querySelector("[data-outcome]");
    if (result && marks.verdict === undefined) {
      marks.verdict = now();
      marks.outcome = result.dataset.outcome;
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
};

/**
 * Opens a new tab in `context`, throttles it to `profile`, goes to `url` and waits for the
 * mark `until`. Returns the time, the page's marks, and what went over the network.
 */
async function load(context, profile, url, until) {
  const page = await context.newPage();
  const errors = [];
  let failed;
  const crashed = new Promise((_, reject) => (failed = reject));
  crashed.catch(() => {});
  page.on("pageerror", (e) => {
    errors.push(String(e));
    failed(new Error("stopped waiting: the page threw"));
  });
  const cdp = await context.newCDPSession(page);
  const requests = new Map();
  const t0 = { at: null };
  cdp.on("Network.requestWillBeSent", (e) => {
    t0.at ??= e.timestamp;
    requests.set(e.requestId, { url: e.request.url, method: e.request.method, start: e.timestamp });
  });
  cdp.on("Network.responseReceived", (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { status: e.response.status, protocol: e.response.protocol, cached: e.response.fromDiskCache || e.response.fromMemoryCache });
  });
  cdp.on("Network.requestServedFromCache", (e) => {
    const r = requests.get(e.requestId);
    if (r) r.cached = true;
  });
  cdp.on("Network.loadingFinished", (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { end: e.timestamp, bytes: e.encodedDataLength });
  });
  cdp.on("Network.loadingFailed", (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { end: e.timestamp, failed: e.errorText, bytes: 0 });
  });
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", PROFILES[profile].network);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: PROFILES[profile].cpu });
  try {
    await page.goto(url, { waitUntil: "commit" });
    // A function, not a string: the page's CSP forbids eval.
    await Promise.race([
      crashed,
      page.waitForFunction((key) => window.__load?.[key] !== undefined, until, { timeout: TIMEOUT_MS, polling: 50 }),
    ]);
    const { marks, fcp, html, resources } = await page.evaluate(() => ({
      marks: window.__load,
      fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
      html: performance.getEntriesByType("navigation")[0]?.responseEnd,
      resources: performance.getEntriesByType("resource").map((e) => ({
        name: e.name,
        start: e.startTime,
        end: e.responseEnd,
      })),
    }));
    const finished = [...requests.values()].filter((r) => r.end !== undefined);
    return {
      ms: marks[until],
      marks,
      fcp,
      html,
      resources,
      errors,
      requests: [...requests.values()].map((r) => ({
        ...r,
        start: (r.start - t0.at) * 1000,
        end: r.end === undefined ? undefined : (r.end - t0.at) * 1000,
      })),
      bytes: finished.reduce((sum, r) => sum + (r.bytes ?? 0), 0),
      count: finished.length,
    };
  } catch (error) {
    errors.push(`${until}: ${error.message.split("\n")[0]}`);
    return { errors };
  } finally {
    await page.close();
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
const short = (url) => url.replace(/^https?:\/\/127\.0\.0\.1:\d+/, "").replace(/-[0-9a-f]{16}/, "-…");

/**
 * The machine's speed just now: a fixed sort in node, in ms (lower is faster). The VM's speed
 * drifts with its host's load, by a quarter within an hour here: figures are comparable only
 * at a similar gauge, or measured together (`--compare`).
 */
function gauge() {
  let seed = 1;
  const values = Float64Array.from({ length: 1_000_000 }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647));
  const started = performance.now();
  for (let i = 0; i < 3; i += 1) Float64Array.from(values).sort();
  return performance.now() - started;
}

const root = await mkdtemp(path.join(os.tmpdir(), "mcp-status-load-"));
const problems = [];
const sites = [];
let browser, everything, proxy;
try {
  for (const dist of DISTS) {
    if (!existsSync(path.join(dist, "index.html"))) throw new Error(`${dist}: no release build (trunk build --release --public-url /mcp-status/)`);
  }
  const gauges = [gauge()];
  const { statusJson, data, states } = await publishedData(root);
  const tls = HTTP1 ? undefined : await selfSignedCertificate(root);
  for (const [index, dist] of DISTS.entries()) {
    const results = {};
    for (const profile of Object.keys(PROFILES)) for (const key of Object.keys(CASES)) results[`${profile}.${key}`] = [];
    const served = (await prerenders(dist)) ? await prerendered(dist, path.join(root, `site-${index}`), statusJson, data) : dist;
    sites.push({ dist, server: await servePages(served, "/mcp-status/", { statusJson, data, tls }), results });
  }
  everything = await startEverythingServer();
  const preflight = { ms: 0 };
  proxy = await preflightDelayingProxy(everything.port, preflight);
  const serverUrl = proxy.url(new URL(everything.url).pathname);
  // The certificate counts as valid (not merely ignored): Chromium caches as for a real site.
  browser = await launchBrowser(tls ? [`--ignore-certificate-errors-spki-list=${tls.spki}`] : []);

  /** Records `result` of `key` on `profile` for `site`, with what makes it broken. */
  const record = (site, profile, key, result, allowed) => {
    const where = `${DISTS.length > 1 ? `${site.dist}: ` : ""}${profile} ${key}`;
    for (const e of result.errors) problems.push(`${where}: ${e}`);
    for (const r of result.requests ?? []) {
      if (!allowed.some((origin) => r.url.startsWith(origin)) && !r.url.startsWith("data:")) {
        problems.push(`${where}: the page asked ${r.url} (the servers are "live": false)`);
      }
    }
    if (key === "check" && result.marks && result.marks.outcome !== "ok") {
      problems.push(`${where}: the verdict is ${result.marks.outcome}, not ok`);
    }
    if (key !== "check" && result.marks?.states) {
      for (const [server, state] of Object.entries(states)) {
        if (result.marks.states[server] !== state) {
          problems.push(`${where}: ${server} shows ${result.marks.states[server]}, the runner published ${state}`);
        }
      }
    }
    if (result.ms !== undefined) site.results[`${profile}.${key}`].push(result);
  };

  // A broken page stops the runs at once (the figures of the runs so far are still shown).
  // With --compare, each run measures both builds, taking turns at going first.
  runs: for (let i = 0; i < RUNS; i += 1) {
    for (const site of i % 2 ? [...sites].reverse() : sites) {
      const { url, origin } = site.server;
      const checkUrl = `${url}#/check?${new URLSearchParams({ url: serverUrl })}`;
      for (const [profile, { context: options }] of Object.entries(PROFILES)) {
        const context = await browser.newContext(options);
        await context.addInitScript(watch, SERVERS);
        record(site, profile, "first", await load(context, profile, url, "overview"), [origin]);
        if (!problems.length) record(site, profile, "repeat", await load(context, profile, url, "overview"), [origin]);
        await context.close();
        if (problems.length) break runs;
        const fresh = await browser.newContext(options);
        await fresh.addInitScript(watch, SERVERS);
        preflight.ms = PROFILES[profile].network.latency;
        record(site, profile, "check", await load(fresh, profile, checkUrl, "verdict"), [origin, new URL(serverUrl).origin]);
        await fresh.close();
        if (problems.length) break runs;
      }
    }
    process.stdout.write(`run ${i + 1}/${RUNS} done\n`);
  }
  gauges.push(gauge());
  for (const site of sites) report(site, gauges);
} catch (error) {
  problems.push(error.stack ?? String(error));
} finally {
  await browser?.close();
  for (const site of sites) await site.server.close();
  await proxy?.close();
  await everything?.stop();
  await rm(root, { recursive: true, force: true });
}

/** Prints `site`'s table, where its time went, its waterfalls (--waterfall) and a JSON line. */
function report({ dist, results }, gauges) {
  const stat = (list, pick) => {
    const values = list.map(pick).filter((v) => v !== undefined);
    return values.length ? { median: median(values), min: Math.min(...values), max: Math.max(...values) } : null;
  };
  const cell = (s) => (s ? `${seconds(s.median)} (${(s.min / 1000).toFixed(2)}–${(s.max / 1000).toFixed(2)})` : "—");
  const goal = (key, profile) => (GOALS[key][profile] ? `≤ ${(GOALS[key][profile] / 1000).toFixed(1)} s` : "");
  const met = (key, profile, s) => (s && GOALS[key][profile] ? (s.median <= GOALS[key][profile] ? " ✓" : " ✗") : "");
  const machine = `${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`;
  console.log(`\nload of the release site ${dist}, Chromium ${browser.version()}, ${machine}`);
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}; CPU gauge ${gauges.map((g) => g.toFixed(0)).join(" → ")} ms (a fixed sort in node, before → after)`);
  console.log(`medians of ${RUNS} run(s) (range); bytes: transferred until shown (gzipped bodies + headers)\n`);
  console.log(`| | ${PROFILES.mobile.label} | goal | ${PROFILES.desktop.label} | goal | bytes mobile / desktop |`);
  console.log("|---|---|---|---|---|---|");
  const json = {
    bench: "load",
    dist,
    chromium: browser.version(),
    runs: RUNS,
    machine,
    loadavg: os.loadavg(),
    gauge_ms: gauges.map((g) => Math.round(g)),
    protocol: HTTP1 ? "http/1.1" : "h2",
  };
  for (const [key, label] of Object.entries(CASES)) {
    const m = stat(results[`mobile.${key}`], (r) => r.ms);
    const d = stat(results[`desktop.${key}`], (r) => r.ms);
    const bytes = (profile) => {
      const s = stat(results[`${profile}.${key}`], (r) => r.bytes);
      const n = stat(results[`${profile}.${key}`], (r) => r.count);
      return s ? `${kb(s.median)} in ${n.median}` : "—";
    };
    console.log(`| ${label} | ${cell(m)}${met(key, "mobile", m)} | ${goal(key, "mobile")} | ${cell(d)}${met(key, "desktop", d)} | ${goal(key, "desktop")} | ${bytes("mobile")} / ${bytes("desktop")} requests |`);
    for (const profile of Object.keys(PROFILES)) {
      const list = results[`${profile}.${key}`];
      json[`${profile}_${key}`] = {
        ms: list.map((r) => Math.round(r.ms)),
        median_ms: list.length ? Math.round(median(list.map((r) => r.ms))) : null,
        goal_ms: GOALS[key][profile] ?? null,
        bytes: list.length ? Math.round(median(list.map((r) => r.bytes))) : null,
        requests: list.length ? median(list.map((r) => r.count)) : null,
      };
    }
  }

  // Where the time goes (medians, ms since navigation start).
  const resource = (r, suffix) => r.resources.find((e) => e.name.split("?")[0].endsWith(suffix));
  console.log("\nwhere the time goes, medians in ms since navigation start (html: its response end; rows: 20 rows drawn, no state yet; fcp: first contentful paint):");
  for (const profile of Object.keys(PROFILES)) {
    for (const key of Object.keys(CASES)) {
      const list = results[`${profile}.${key}`];
      if (!list.length) continue;
      const at = (pick) => {
        const s = stat(list, pick);
        return s ? Math.round(s.median) : null;
      };
      const steps = {
        html: at((r) => r.html),
        wasm_requested: at((r) => resource(r, "_bg.wasm")?.start),
        wasm_fetched: at((r) => resource(r, "_bg.wasm")?.end),
        wasm_ready: at((r) => r.marks.wasmReady),
        status_json: [at((r) => resource(r, "/status.json")?.start), at((r) => resource(r, "/status.json")?.end)],
        rows: at((r) => r.marks.rows),
        summary_json: [at((r) => resource(r, "/summary.json")?.start), at((r) => resource(r, "/summary.json")?.end)],
        fcp: at((r) => r.fcp),
        [key === "check" ? "verdict" : "states"]: at((r) => r.ms),
      };
      json[`${profile}_${key}`].steps_ms = steps;
      const text = Object.entries(steps).map(([name, v]) => `${name} ${Array.isArray(v) ? v.map((x) => x ?? "—").join("→") : v ?? "—"}`);
      console.log(`  ${profile.padEnd(7)} ${key.padEnd(6)} ${text.join(" · ")}`);
    }
  }
  if (WATERFALL) {
    for (const [name, list] of Object.entries(results)) {
      const last = list.at(-1);
      if (!last) continue;
      console.log(`\nwaterfall, ${name}, last run (ms since the first request; bytes transferred):`);
      for (const r of last.requests.sort((a, b) => a.start - b.start)) {
        const how = r.failed ? `failed: ${r.failed}` : `${r.status ?? "?"} ${r.protocol ?? ""}${r.cached ? " (cache)" : ""}`;
        console.log(`  ${String(Math.round(r.start)).padStart(6)} → ${String(r.end === undefined ? "…" : Math.round(r.end)).padStart(6)}  ${String(r.bytes ?? "").padStart(7)} B  ${how}  ${r.method} ${short(r.url)}`);
      }
    }
  }
  json.problems = problems;
  console.log(`\n${JSON.stringify(json)}`);
}
if (problems.length) {
  console.error(`\nthe page is broken:\n  ${problems.join("\n  ")}`);
  process.exitCode = 1;
}
