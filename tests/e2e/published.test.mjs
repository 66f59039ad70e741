// The runner's published history on the status page, end to end: `mcp-status probe` (the
// binary the native tests build) probes the npm reference server and a failing one of ours
// three times into a data folder, which is served at data/ beside the release site; the page
// shows both servers from it, with the runner's state and uptimes, without probing them
// itself (`live: false`).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { distDir, launchBrowser, repoRoot, serveStatic, startEverythingServer } from "./harness.mjs";
import { startMisbehavingServer } from "../support/misbehaving-server.mjs";

const run = promisify(execFile);
const binary = path.join(repoRoot, "target/debug/mcp-status");

describe("published history on the status page", () => {
  let browser, everything, testServer, root;

  before(async () => {
    assert.ok(existsSync(binary), `${binary}: built by the native tests (cargo test)`);
    browser = await launchBrowser();
    everything = await startEverythingServer();
    testServer = await startMisbehavingServer();
    root = await mkdtemp(path.join(os.tmpdir(), "mcp-status-published-"));
  });

  after(async () => {
    await browser?.close();
    await everything?.stop();
    await testServer?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test("servers the page does not probe show the runner's state and uptimes", async () => {
    const statusJson = {
      servers: [
        { name: "search", url: everything.url, live: false },
        { name: "billing", url: testServer.url("/status-500"), live: false },
      ],
    };
    const config = path.join(root, "status.json");
    await writeFile(config, JSON.stringify(statusJson));
    const data = path.join(root, "data");
    for (let round = 0; round < 3; round += 1) {
      await run(binary, ["probe", "--config", config, "--data", data]);
    }
    const site = await serveStatic(distDir, "/mcp-status/", { statusJson, data });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    const probedHere = [];
    page.on("request", (r) => {
      if (r.url().startsWith(everything.url) || r.url().startsWith(testServer.url("/"))) probedHere.push(r.url());
    });
    try {
      await page.goto(site.url);
      const row = (name) => page.locator(".server", { has: page.locator(".server-head a", { hasText: name }) });
      await row("billing").and(page.locator('[data-condition="down"]')).waitFor({ timeout: 15000 });
      await row("search").and(page.locator('[data-condition="operational"]')).waitFor({ timeout: 5000 });
      // The runner's numbers: three passes, three failures, all of today.
      assert.match(await row("search").innerText(), /Wall-clock uptime\n100\.00 %/);
      assert.match(await row("billing").innerText(), /Wall-clock uptime\n0\.00 %/);
      assert.match(await row("billing").innerText(), /Probes\n3 in 24 h/);
      assert.equal(await page.locator(".banner").getAttribute("data-banner"), "partial_outage");
      assert.equal(await row("billing").locator(".next-probe").innerText(), "not probed from this page");
      // Today's bar from the published day.
      assert.match(await row("billing").locator(".day").last().getAttribute("aria-label"), /0\.00 %/);
      await page.waitForTimeout(2000);
      assert.deepEqual(probedHere, [], "the page itself probes neither");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await site.close();
    }
  });

  test("a development server's HTML answer means nothing published, silently", async () => {
    // `trunk serve` answers every unknown address with the page: 200, text/html.
    const site = await serveStatic(distDir, "/mcp-status/", {
      statusJson: { servers: [{ name: "search", url: everything.url, live: false }] },
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    const asPage = (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: "<!DOCTYPE html><html></html>" });
    await page.route("**/data/summary.json", asPage);
    try {
      await page.goto(site.url);
      await page.locator('[data-server="search"]').waitFor();
      // The summary was read (the prerendered status would go now), and nothing is said.
      await page.waitForTimeout(1500);
      assert.equal(await page.locator(".notice").count(), 0, await page.locator("main").innerText());
      // The same for status.json: a page without one, showing the user's own monitors.
      await page.route("**/status.json", asPage);
      await page.reload();
      await page.locator(".intro .lede", { hasText: "This page has no status.json" }).waitFor({ timeout: 10000 });
      assert.equal(await page.locator(".notice, .config-error").count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await site.close();
    }
  });

  test("one probe per cadence however many visit: a fresh summary is shown, not probed again", async () => {
    // `live` left at its default, "auto"; the runner has just published two rounds.
    const probed = testServer.url("/ok?n=41");
    const statusJson = { servers: [{ name: "api", url: probed, cadence_s: 15 }] };
    const dir = await mkdtemp(path.join(root, "auto-"));
    const config = path.join(dir, "status.json");
    await writeFile(config, JSON.stringify(statusJson));
    const data = path.join(dir, "data");
    for (let round = 0; round < 2; round += 1) await run(binary, ["probe", "--config", config, "--data", data]);
    const visit = async (site, { visitors, tabs = 1, wait }) => {
      const contexts = await Promise.all(Array.from({ length: visitors }, () => browser.newContext()));
      const byTab = [];
      try {
        for (const context of contexts) {
          for (let tab = 0; tab < tabs; tab += 1) {
            const page = await context.newPage();
            const seen = { probes: 0 };
            byTab.push(seen);
            page.on("request", (r) => {
              if (r.url().startsWith(probed)) seen.probes += 1;
            });
            await page.goto(site.url);
            await page.locator('[data-server="api"][data-condition="operational"]').waitFor({ timeout: 15000 });
          }
        }
        await wait(byTab);
      } finally {
        await Promise.all(contexts.map((c) => c.close()));
      }
      return byTab.map((t) => t.probes);
    };

    const fresh = await serveStatic(distDir, "/mcp-status/", { statusJson, data });
    try {
      // Past the first probe's jitter (at most 5 s) and a cadence.
      const probes = await visit(fresh, { visitors: 3, wait: () => new Promise((r) => setTimeout(r, 16000)) });
      assert.deepEqual(probes, [0, 0, 0], "three visitors of a fresh summary probe nothing");
    } finally {
      await fresh.close();
    }

    // The same summary, an hour old: the runner has stopped. Each visitor's browser probes,
    // one tab of it.
    const summaryPath = path.join(data, "summary.json");
    const summary = JSON.parse(await readFile(summaryPath, "utf8"));
    summary.generated_at = new Date(Date.now() - 3600_000).toISOString();
    await writeFile(summaryPath, JSON.stringify(summary));
    const stale = await serveStatic(distDir, "/mcp-status/", { statusJson, data });
    try {
      const probes = await visit(stale, {
        visitors: 1,
        tabs: 2,
        wait: async (byTab) => {
          const until = Date.now() + 15000;
          while (byTab.every((t) => t.probes === 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
          await new Promise((r) => setTimeout(r, 1000));
        },
      });
      assert.equal(probes.filter((n) => n > 0).length, 1, `one tab probes: ${probes}`);
    } finally {
      await stale.close();
    }
  });
});
