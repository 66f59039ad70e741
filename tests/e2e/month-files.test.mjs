// The runner's month files on a `live: false` server's page and in the morning review, end to
// end: a day of probes every 5 minutes (a lone failure 10 hours ago, an outage of four failures
// 2 hours ago), written to the month files the runner writes (two of them when the day spans
// a month's turn), then `mcp-status rebuild` (the binary the native tests build) publishes
// their summary; the page fetches the files when the server's page or the review is shown
// and shows what the runner saw, classified by the same engine, without probing the server.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { distDir, launchBrowser, repoRoot, serveStatic } from "./harness.mjs";

const run = promisify(execFile);
const binary = path.join(repoRoot, "target/debug/mcp-status");
const MINUTE = 60_000;
// Nothing listens there: a probe from the page would show as a request to it.
const API_URL = "http://127.0.0.1:9/mcp";

/** A day and a bit of 5-minute probes up to `now`, as the runner writes them. */
function probes(now) {
  const lines = [];
  for (let ago = 26 * 60; ago >= 5; ago -= 5) {
    const lone = ago === 600;
    const outage = ago >= 105 && ago <= 120;
    const failed = lone || outage;
    lines.push({
      server: "api",
      url: API_URL,
      at: new Date(now - ago * MINUTE).toISOString(),
      outcome: failed ? "failed" : "ok",
      layer: failed ? "http" : null,
      latency_ms: failed ? 31 : 120,
      contract_hash: null,
      metadata_hash: null,
      ...(failed ? { error: "HTTP 502 Bad Gateway" } : {}),
    });
  }
  return lines;
}

describe("a live: false server's published month files", () => {
  let browser, root;

  before(async () => {
    assert.ok(existsSync(binary), `${binary}: built by the native tests (cargo test)`);
    browser = await launchBrowser();
    root = await mkdtemp(path.join(os.tmpdir(), "mcp-status-months-"));
  });

  after(async () => {
    await browser?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test("the server's page and the review show the runner's probes and incidents", async () => {
    const statusJson = {
      servers: [
        { name: "api", url: API_URL, live: false, cadence_s: 300 },
        // Nothing published for it: its page says so, and nothing complains.
        { name: "quiet", url: "http://127.0.0.1:9/quiet", live: false },
      ],
    };
    const config = path.join(root, "status.json");
    await writeFile(config, JSON.stringify(statusJson));
    const data = path.join(root, "data");
    await mkdir(path.join(data, "history/api"), { recursive: true });
    const now = Date.now();
    const months = new Set();
    for (const line of probes(now)) {
      const month = line.at.slice(0, 7);
      months.add(month);
      await appendFile(path.join(data, `history/api/${month}.ndjson`), `${JSON.stringify(line)}\n`);
    }
    // A run killed mid-write leaves a torn last line: left out, and named.
    const current = new Date(now).toISOString().slice(0, 7);
    await appendFile(path.join(data, `history/api/${current}.ndjson`), '{"server":"api","url":"http');
    await run(binary, ["rebuild", "--config", config, "--data", data]);

    const site = await serveStatic(distDir, "/mcp-status/", { statusJson, data });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    const requested = [];
    page.on("request", (r) => requested.push(r.url()));
    try {
      await page.goto(`${site.url}#/server/api`);
      const detail = page.locator("section.detail");
      // The runner's probes, classified as the page classifies its own.
      await detail.locator('.probe-log .probe[data-class="outage"]').first().waitFor({ timeout: 15000 });
      assert.equal(await detail.locator('.probe-log .probe[data-class="outage"]').count(), 4);
      assert.equal(await detail.locator(".strip rect.outage").count(), 4);
      assert.equal(await detail.locator(".strip rect.failure").count(), 1, "the lone failure of 10 hours ago");
      const shown = await detail.locator(".strip rect").count();
      assert.ok(shown >= 287 && shown <= 289, `a day of 5-minute probes, not the lead-in: ${shown}`);
      assert.match(await detail.locator(".probe-log .probe").first().innerText(), /ok\s*120 ms/);
      assert.match(
        await detail.locator('.probe-log .probe[data-class="outage"]').first().innerText(),
        /failed at http\s*31 ms\s*outage\s*HTTP 502 Bad Gateway/,
      );
      // The incident the engine found in them, over: the summary's state agrees.
      const incident = detail.locator(".incident");
      assert.equal(await incident.count(), 1);
      assert.equal(await incident.getAttribute("data-open"), "false");
      assert.match(await incident.innerText(), /P1 · http layer · from .* · 20 min/);
      assert.equal(await detail.locator(".detail-head").getAttribute("data-condition"), "operational");
      // The latency chart from the replayed hours (each percentile the top of its bucket).
      assert.match(await detail.locator(".latency svg").getAttribute("aria-label"), /p50 between \d+ and \d+ ms/);
      // The torn line, named.
      const notice = page.locator(".notice");
      await notice.waitFor({ timeout: 5000 });
      assert.match(
        await notice.innerText(),
        new RegExp(`The published history is damaged: history/api/${current}\\.ndjson line \\d+: .*: left out`),
      );
      for (const month of months) {
        assert.ok(
          requested.some((url) => url.endsWith(`/mcp-status/data/history/api/${month}.ndjson`)),
          `fetched ${month}: ${requested.join(" ")}`,
        );
      }
      await notice.locator("button").click();

      // A server nothing was published for: an empty page, no notice.
      await page.goto(`${site.url}#/server/quiet`);
      await detail.locator(".timeline", { hasText: "No probes in the last 24 hours." }).waitFor({ timeout: 5000 });
      assert.equal(await detail.locator(".probe-log .probe").count(), 0);
      assert.ok(requested.some((url) => url.endsWith(`/data/history/quiet/${current}.ndjson`)));

      // The morning review lists what only the runner saw.
      await page.goto(`${site.url}#/review`);
      const api = page.locator('.review-server[data-server="api"]');
      await api.locator('.finding[data-class="outage"]').waitFor({ timeout: 15000 });
      assert.equal(await api.locator('.finding[data-class="outage"]').count(), 1);
      assert.match(
        await api.locator('.finding[data-class="outage"]').innerText(),
        /P1 at the http layer, lasted 20 min: HTTP 502 Bad Gateway/,
      );
      assert.equal(await api.locator('.finding[data-class="failure"]').count(), 1);
      assert.match(
        await api.locator('.finding[data-class="failure"]').innerText(),
        /failed at the http layer after 31 ms: HTTP 502 Bad Gateway/,
      );
      assert.equal(await page.locator('.review-server[data-server="quiet"]').count(), 0);
      // Acknowledged like the page's own findings.
      await api.locator('.finding[data-class="failure"] button[data-action="ack"]').click();
      await api.locator('.finding[data-class="failure"][data-acknowledged="true"]').waitFor({ timeout: 5000 });

      assert.deepEqual(
        requested.filter((url) => url.startsWith("http://127.0.0.1:9/")),
        [],
        "the page probes neither server",
      );
      // Unless the visitor asks: "check it now" is the quick check of the server's URL.
      await page.goto(`${site.url}#/server/api`);
      await detail.locator(".check-now a").click();
      await page.locator("[data-outcome]").waitFor({ timeout: 20000 });
      assert.match(decodeURIComponent(page.url()), /#\/check\?url=http:\/\/127\.0\.0\.1:9\/mcp/);
      assert.ok(requested.some((url) => url.startsWith("http://127.0.0.1:9/")), "asked, it probes");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await site.close();
    }
  });
});
