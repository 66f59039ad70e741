// History in the browser, end to end (release site, headless Chromium, the npm reference
// server on 127.0.0.1): what a monitor probes survives a reload; with two tabs one probes and
// both show it, and closing it hands over; a newer page taking the database over makes a tab
// step aside and let the prober's lock go; imports are all-or-nothing; export → delete →
// import gives the same numbers; a full disk is survived and said; a new monitor extends the
// history imported for its server.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { distDir, launchBrowser, serveStatic, startEverythingServer } from "./harness.mjs";

const CADENCE_S = 15;

/** A history file: `count` probes a minute apart ending now, failing for `failing` of them. */
function history(server, url, count, { failing = [] } = {}) {
  const now = Date.now();
  const lines = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(now - (count - i) * 60_000).toISOString();
    const failed = failing.includes(i);
    lines.push(JSON.stringify({
      server, url, at,
      outcome: failed ? "failed" : "ok",
      layer: failed ? "transport" : null,
      latency_ms: 100 + (i % 13),
      contract_hash: failed ? null : "0e49d69cb711bbf7",
      metadata_hash: failed ? null : "c04e54236c53ca0c",
      ...(failed ? { error: "connection refused" } : {}),
    }));
  }
  return lines.join("\n") + "\n";
}

async function addMonitor(page, name, url) {
  await page.fill("#monitor-name", name);
  await page.fill("#monitor-url", url);
  await page.selectOption("#monitor-cadence", String(CADENCE_S));
  await page.click(".add-monitor button[type=submit]");
}

// The monitor's row on the status page (mounted, if hidden, while another page is shown).
const row = (page, server) => page.locator(`.server[data-server="${server}"]`);

async function probeCount(page, server) {
  const text = await row(page, server).locator(".probe-count").innerText();
  return Number(text.match(/^(\d+)/)[1]);
}

async function importFile(page, text, { skipBad = false } = {}) {
  await page.goto(page.url().replace(/#.*$/, "") + "#/settings");
  await page.setInputFiles("#import-file", { name: "history.ndjson", mimeType: "application/x-ndjson", buffer: Buffer.from(text) });
  if (skipBad) await page.check(".import input[type=checkbox]");
  const done = Number(await page.locator(".import-result").getAttribute("data-imports"));
  await page.click(".import button[type=submit]");
  const result = page.locator(`.import-result[data-imports="${done + 1}"]`);
  await result.waitFor({ state: "attached", timeout: 20000 });
  return { ok: (await result.getAttribute("data-ok")) === "true", message: await result.innerText() };
}

async function exportFile(page) {
  await page.goto(page.url().replace(/#.*$/, "") + "#/settings");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("button.export")]);
  const text = await readFile(await download.path(), "utf8");
  // The first line says the export's version and when it was made; the rest is compared.
  const [header, ...rest] = text.split("\n");
  assert.match(header, /^\{"record":"export","version":2,"exported_at":"/);
  return rest.join("\n");
}

// The probes of an export: its other lines are records (rollups, incidents, events).
const probeLines = (text) =>
  text.split("\n").filter((l) => l && !l.startsWith('{"record":')).map((l) => JSON.parse(l));

async function rowNumbers(page, server) {
  const r = row(page, server);
  return {
    wall: await r.locator(".wall-clock-uptime").innerText(),
    slo: await r.locator(".slo-uptime").innerText(),
    coverage: await r.locator(".coverage").innerText(),
    probes: await r.locator(".probe-count").innerText(),
  };
}

describe("history in the browser", () => {
  let site, everything, browser;

  before(async () => {
    site = await serveStatic(distDir, "/mcp-status/");
    everything = await startEverythingServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await everything?.stop();
    await site?.close();
  });

  test("a monitor's probes are stored and read back after a reload", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${site.url}#/monitors`);
    await addMonitor(page, "everything", everything.url);
    await row(page, "everything").and(page.locator('[data-state="up"]')).waitFor({ state: "attached", timeout: 20000 });
    assert.equal(await page.locator(".prober").getAttribute("data-prober"), "this-tab");
    const before = await probeCount(page, "everything");
    assert.ok(before >= 1);

    await page.reload();
    // Read from storage at once, before the next probe is due.
    await row(page, "everything").and(page.locator('[data-state="up"]')).waitFor({ state: "attached", timeout: 3000 });
    assert.ok((await probeCount(page, "everything")) >= before);
    const exported = await exportFile(page);
    const lines = probeLines(exported);
    assert.ok(lines.length >= before);
    assert.ok(lines.every((l) => l.server === "everything" && l.url === everything.url && l.outcome === "ok"));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("two tabs: one probes and both show it; closing it hands over within a cadence", async () => {
    const context = await browser.newContext();
    const first = await context.newPage();
    await first.goto(`${site.url}#/monitors`);
    await addMonitor(first, "shared", everything.url);
    await row(first, "shared").and(first.locator('[data-state="up"]')).waitFor({ state: "attached", timeout: 20000 });

    const second = await context.newPage();
    await second.goto(`${site.url}#/monitors`);
    await row(second, "shared").waitFor({ state: "attached", timeout: 5000 });
    assert.equal(await first.locator(".prober").getAttribute("data-prober"), "this-tab");
    assert.equal(await second.locator(".prober").getAttribute("data-prober"), "other-tab");

    // The first tab's next round shows up in the second, which does not probe.
    const seen = await probeCount(second, "shared");
    await second.waitForFunction(
      ([server, n]) => {
        const text = document.querySelector(`.server[data-server="${server}"] .probe-count`)?.textContent ?? "";
        return Number(text.match(/^(\d+)/)?.[1] ?? 0) > n;
      },
      ["shared", seen],
      { timeout: (CADENCE_S + 10) * 1000 },
    );

    const closedAt = Date.now();
    await first.close();
    await second.locator('.prober[data-prober="this-tab"]').waitFor({ state: "attached", timeout: 5000 });
    const handedOver = await probeCount(second, "shared");
    await second.waitForFunction(
      ([server, n]) => {
        const text = document.querySelector(`.server[data-server="${server}"] .probe-count`)?.textContent ?? "";
        return Number(text.match(/^(\d+)/)?.[1] ?? 0) > n;
      },
      ["shared", handedOver],
      { timeout: (CADENCE_S + 10) * 1000 },
    );
    assert.ok(Date.now() - closedAt < (CADENCE_S + 10) * 1000, "the next probe came within a cadence");

    // Never two probers: every stored probe has its own instant, a cadence apart.
    const ats = probeLines(await exportFile(second)).map((l) => Date.parse(l.at));
    assert.equal(new Set(ats).size, ats.length);
    for (let i = 1; i < ats.length; i++) {
      assert.ok(ats[i] - ats[i - 1] >= CADENCE_S * 1000 - 1500, `probes ${i - 1} and ${i} are ${ats[i] - ats[i - 1]} ms apart`);
    }
    await context.close();
  });

  test("a newer version of the page taking the database over: this tab steps aside and lets the prober's lock go", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.url}#/monitors`);
    await addMonitor(page, "replaced", everything.url);
    await page.locator('.prober[data-prober="this-tab"]').waitFor({ state: "attached", timeout: 20000 });
    const lock = await page.evaluate(async () => (await navigator.locks.query()).held.map((l) => l.name).find((n) => n.includes("prober")));
    assert.ok(lock, "this tab holds the prober's lock");

    // What a newer page does first: open the database at a higher version. This tab's
    // connection must step aside (not block the upgrade) and its lock must go.
    const upgraded = await page.evaluate(async () => {
      const names = (await indexedDB.databases()).map((d) => d.name).filter((n) => n.startsWith("mcp-status"));
      const name = names.find((n) => n.includes("@")) ?? names[0];
      return new Promise((resolve) => {
        const request = indexedDB.open(name, 3);
        request.onblocked = () => resolve("blocked");
        request.onerror = () => resolve(`error: ${request.error}`);
        request.onsuccess = () => {
          request.result.close();
          resolve("upgraded");
        };
      });
    });
    assert.equal(upgraded, "upgraded");
    await page.locator('.prober[data-prober="replaced"]').waitFor({ state: "attached", timeout: 5000 });
    assert.match(await page.locator(".notice").innerText(), /updated in another tab: reload this one/);
    const free = await page.evaluate(async (name) => {
      for (let i = 0; i < 50; i++) {
        if (await navigator.locks.request(name, { ifAvailable: true }, (held) => held !== null)) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    }, lock);
    assert.ok(free, "the prober's lock is free for the next tab");
    await context.close();
  });

  test("a file with a bad line imports nothing, and names the line; skipping imports the rest", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.url}#/settings`);
    const good = history("imported", "https://imported.example/mcp", 30).split("\n");
    good.splice(2, 0, '{"server": "imported", "at": "yesterday"}');
    const text = good.join("\n");

    const refused = await importFile(page, text);
    assert.equal(refused.ok, false);
    assert.match(refused.message, /Nothing was imported: line 3: /);
    await page.goto(`${site.url}#/monitors`);
    assert.equal(await page.locator(".monitor").count(), 0);

    const skipped = await importFile(page, text, { skipBad: true });
    assert.equal(skipped.ok, true, skipped.message);
    assert.match(skipped.message, /Imported 30 new probes/);
    assert.match(skipped.message, /Skipped 1 bad lines: line 3: /);
    const again = await importFile(page, text, { skipBad: true });
    assert.match(again.message, /Imported 0 new probes \(30 were already here\)/);
    await page.goto(`${site.url}#/monitors`);
    await row(page, "imported").waitFor({ state: "attached", timeout: 5000 });
    await context.close();
  });

  test("export, delete all, import: the same uptimes", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.url}#/settings`);
    const text = history("demo", "https://demo.onrender.com/mcp", 600, { failing: [100, 101, 102, 103, 400] });
    assert.equal((await importFile(page, text)).ok, true);
    await page.goto(`${site.url}#/monitors`);
    await row(page, "demo").waitFor({ state: "attached", timeout: 5000 });
    const before = await rowNumbers(page, "demo");
    assert.notEqual(before.wall, "100.00 %", "the outage costs wall-clock uptime");

    const exported = await exportFile(page);
    page.once("dialog", (dialog) => dialog.accept());
    await page.click("button.wipe");
    await page.goto(`${site.url}#/monitors`);
    await page.locator(".monitor").waitFor({ state: "detached", timeout: 5000 });

    assert.equal((await importFile(page, exported)).ok, true);
    await page.goto(`${site.url}#/monitors`);
    await row(page, "demo").waitFor({ state: "attached", timeout: 5000 });
    assert.deepEqual(await rowNumbers(page, "demo"), before);
    await context.close();
  });

  test("a full disk: raw probes make room, nothing is half-written, the page says so and keeps working", async () => {
    const context = await browser.newContext();
    // A full disk, injected: the next `put`s throw QuotaExceededError, as Chromium's do when
    // the quota is reached (its DevTools quota override does not reach IndexedDB reliably).
    await context.addInitScript(() => {
      window.quotaFailures = 0;
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        if (window.quotaFailures > 0) {
          window.quotaFailures -= 1;
          throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
        }
        return put.apply(this, args);
      };
    });
    const page = await context.newPage();
    await page.goto(`${site.url}#/settings`);
    // Three-day-old history: the oldest raw probes, the first to go.
    const old = history("old", "https://old.example/mcp", 3 * 24 * 60).split("\n").slice(0, 24 * 60).join("\n") + "\n";
    assert.equal((await importFile(page, old)).ok, true);
    await page.goto(`${site.url}#/monitors`);
    await addMonitor(page, "full", everything.url);
    await row(page, "full").and(page.locator('[data-state="up"]')).waitFor({ state: "attached", timeout: 20000 });

    // A probe round meets the full disk: the oldest day of raw probes goes, the round is stored.
    const count = await probeCount(page, "full");
    await page.evaluate(() => { window.quotaFailures = 1; });
    const notice = page.locator(".notice");
    await notice.waitFor({ timeout: (CADENCE_S + 10) * 1000 });
    assert.match(await notice.innerText(), /Storage was full: raw probes before .* were deleted/);
    await page.waitForFunction(([n]) => {
      const text = document.querySelector('.server[data-server="full"] .probe-count')?.textContent ?? "";
      return Number(text.match(/^(\d+)/)?.[1] ?? 0) > n;
    }, [count], { timeout: 5000 });
    const kept = probeLines(await exportFile(page));
    assert.ok(kept.filter((l) => l.server === "old").length < 24 * 60, "old raw probes were pruned");
    assert.ok(kept.some((l) => l.server === "full"));

    // An import that meets the full disk writes nothing and says why.
    const before = await exportFile(page);
    await page.evaluate(() => { window.quotaFailures = 1; });
    const refused = await importFile(page, history("more", "https://more.example/mcp", 100));
    assert.equal(refused.ok, false);
    assert.match(refused.message, /Nothing was imported: the browser's storage quota for this page is full/);
    assert.equal(await exportFile(page), before, "nothing half-imported");

    // Still a working page.
    await page.goto(`${site.url}#/check`);
    await page.fill("#server-url", everything.url);
    await page.click(".check-form button[type=submit]");
    await page.locator('#check-result[data-outcome="ok"]').waitFor({ state: "attached", timeout: 20000 });
    await context.close();
  });

  test("a monitor added for a server with imported history extends it", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.url}#/monitors`);
    const imported = await importFile(page, history("mine", everything.url, 30));
    assert.equal(imported.ok, true, imported.message);
    await page.goto(`${site.url}#/monitors`);
    assert.equal(await probeCount(page, "mine"), 30);

    await addMonitor(page, "mine", everything.url);
    // The first probe of its own counts on top of the thirty imported ones, in the same day.
    await page.waitForFunction(() => {
      const text = document.querySelector('.server[data-server="mine"] .probe-count')?.textContent ?? "";
      return Number(text.match(/^(\d+)/)?.[1] ?? 0) >= 31;
    }, null, { timeout: 20000 });
    await page.reload();
    await row(page, "mine").waitFor({ state: "attached", timeout: 5000 });
    assert.ok((await probeCount(page, "mine")) >= 31, "the stored day kept the imported probes");
    await context.close();
  });
});
