// The status page, end to end (release site, headless Chromium, the npm reference server and
// our misbehaving server on 127.0.0.1), each test with its own status.json: the published
// servers by group with both uptimes; an outage confirmed only after three failed probes; a
// broken config named by its path; hostile text shown as text; the day bars by keyboard;
// no probing in a hidden tab, one catch-up probe when shown, none for `live: false`; the
// morning review and its acknowledgements, counted in every tab.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { distDir, launchBrowser, serveStatic, startEverythingServer } from "./harness.mjs";
import { startMisbehavingServer } from "../support/misbehaving-server.mjs";

const XSS = `<img src=x onerror="window.__pwned='config'"><script>window.__pwned='config'</script>`;

describe("status page", () => {
  let everything, testServer, browser;
  const sites = [];

  before(async () => {
    everything = await startEverythingServer();
    testServer = await startMisbehavingServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await everything?.stop();
    await testServer?.stop();
    for (const site of sites) await site.close();
  });

  async function open(statusJson, { hash = "#/", init } = {}) {
    const site = await serveStatic(distDir, "/mcp-status/", { statusJson });
    sites.push(site);
    const context = await browser.newContext();
    if (init) await context.addInitScript(init);
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${site.url}${hash}`);
    return { page, context, errors };
  }

  const row = (page, server) => page.locator(`.server[data-server="${server}"]`);

  test("published servers show by group, and an outage is confirmed after three failed probes", async () => {
    const { page, context, errors } = await open({
      title: "Acme MCP",
      groups: [{ name: "Production" }, { name: "Broken on purpose" }],
      servers: [
        { name: "everything", url: everything.url, group: "Production", cadence_s: 15 },
        { name: "failing", url: testServer.url("/status-500"), group: "Broken on purpose", cadence_s: 15 },
      ],
    });
    assert.equal(await page.locator("#status-title").innerText(), "Acme MCP");
    assert.equal(await page.title(), "Acme MCP");
    assert.deepEqual(await page.locator(".group h2").allInnerTexts(), ["Production", "Broken on purpose"]);
    await row(page, "everything").and(page.locator('[data-condition="operational"]')).waitFor({ timeout: 20000 });
    assert.equal(await row(page, "everything").locator(".wall-clock-uptime").innerText(), "100.00 %");
    assert.equal(await row(page, "everything").locator(".slo-uptime").innerText(), "100.00 %");
    assert.match(await row(page, "everything").locator(".latency").innerText(), /^\d+ ms$/);
    assert.match(await row(page, "everything").locator(".next-probe").innerText(), /^(in \d+ s|now)$/);

    // One failed probe changes nothing but the word; the third confirms the outage.
    const failing = row(page, "failing");
    await failing.and(page.locator('[data-state="confirming"]')).waitFor({ timeout: 20000 });
    assert.match(await failing.locator(".state-word").innerText(), /not confirmed yet \(1 in a row\)/);
    assert.equal(await page.locator(".banner").getAttribute("data-banner"), "degraded");
    await failing.and(page.locator('[data-condition="down"]')).waitFor({ timeout: 60000 });
    assert.equal(await failing.locator(".probe-count").innerText(), "3 in 24 h");
    assert.equal(await failing.locator(".state-word").innerText(), "Down");
    assert.equal(await page.locator(".banner").getAttribute("data-banner"), "partial_outage");
    assert.equal(await page.locator(".banner").innerText(), "✕\nPartial outage");
    // Today's bar says what happened, in words.
    const today = failing.locator(".day").last();
    assert.match(await today.getAttribute("aria-label"), /^\d{4}-\d{2}-\d{2}: 0\.00 % wall-clock, 0\.00 % SLO/);
    assert.equal(await today.getAttribute("data-level"), "major");

    // The server's page: the incident with its first error, its probes marked as outage.
    await failing.locator(".server-link").click();
    await page.locator("#detail-title", { hasText: "failing" }).waitFor({ timeout: 5000 });
    const incident = page.locator(".detail .incident");
    await incident.first().waitFor({ timeout: 5000 });
    assert.match(await incident.first().innerText(), /^P1 · http layer · from \d{4}-\d{2}-\d{2} [\d:]+ UTC · ongoing/);
    assert.match(await incident.first().innerText(), /HTTP 500/);
    assert.ok((await page.locator('.probe-log .probe[data-class="outage"]').count()) >= 3);
    assert.equal(await page.locator(".detail tr[data-window='24 h'] .wall-clock-uptime").innerText(), "0.00 %");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a server's page shows its tool list and each change of it as a diff", async () => {
    const drifting = await startMisbehavingServer();
    const { page, context, errors } = await open({
      servers: [{ name: "drifting", url: drifting.url("/drifting"), cadence_s: 15 }],
    });
    const server = row(page, "drifting");
    await server.and(page.locator('[data-condition="operational"]')).waitFor({ timeout: 20000 });
    await fetch(drifting.url("/control/drift"));
    await page.waitForFunction(
      () => document.querySelector('.server[data-server="drifting"] .probe-count')?.textContent.startsWith("2 "),
      null,
      { timeout: 25000 },
    );
    await page.goto(page.url().replace(/#.*$/, "") + "#/server/drifting");
    const change = page.locator(".drift-history .drift");
    await change.first().waitFor({ timeout: 5000 });
    assert.equal(await change.count(), 1);
    const text = await change.innerText();
    assert.match(text, /contract change \(P2\): clients may break/);
    assert.match(text, /\+ tool-004: added/);
    assert.match(text, /description: “Does thing 1\.” → “Does thing 1, revision 1\.”/);
    assert.deepEqual(
      await page.locator(".current-tools .tool-name").allInnerTexts(),
      ["tool-001", "tool-002", "tool-003", "tool-004"],
    );
    assert.match(await page.locator(".latency svg").getAttribute("aria-label"), /p50 between \d+ and \d+ ms/);
    assert.deepEqual(errors, []);
    await context.close();
    await drifting.stop();
  });

  test("a broken status.json is named by its path and reason, and the rest of the page works", async () => {
    const { page, context } = await open({ servers: [{ name: "a", url: everything.url, cadense_s: 60 }] });
    const problem = page.locator(".config-error");
    await problem.waitFor({ timeout: 10000 });
    assert.match(await problem.innerText(), /servers\[0\]\.cadense_s: unknown field \(did you mean `cadence_s`\?\)/);
    assert.equal(await page.locator(".server").count(), 0);
    const syntax = await open("{\n  \"servers\": [,]\n}");
    await syntax.page.locator(".config-error").waitFor({ timeout: 10000 });
    assert.match(await syntax.page.locator(".config-error").innerText(), /line 2, column \d+: not valid JSON/);
    await syntax.context.close();
    await context.close();
  });

  test("text from the config and from servers is shown as text, and nothing in it runs", async () => {
    const { page, context, errors } = await open({
      title: XSS,
      description: XSS,
      links: [{ title: XSS, url: "https://example.com/?q=<script>" }],
      groups: [{ name: XSS, description: XSS }],
      servers: [{ name: XSS, url: testServer.url("/xss"), group: XSS, cadence_s: 15 }],
    });
    await page.locator(".server[data-condition='operational']").waitFor({ timeout: 20000 });
    assert.equal(await page.locator("#status-title").innerText(), XSS);
    assert.equal(await page.locator(".server-link").innerText(), XSS);
    assert.equal(await page.locator(".group h2").innerText(), XSS);
    assert.equal(await page.locator(".status img, .status script").count(), 0);
    // The server's own strings: its tools, as the quick check shows them.
    await page.goto(page.url().replace(/#.*$/, "") + "#/check?url=" + encodeURIComponent(testServer.url("/xss")));
    await page.locator("#check-result[data-outcome='ok']").waitFor({ timeout: 20000 });
    assert.match(await page.locator(".tools").innerText(), /<script>window.__pwned='script'<\/script>/);
    assert.equal(await page.locator("main img, main script").count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("invisible format characters in the config's text are not shown: no reversed row, no look-alike name", async () => {
    const { page, context, errors } = await open({
      title: "Acme\u202E status",
      groups: [{ name: "Pro\u200Bduction" }],
      servers: [{ name: "api\u202Egnp.exe\u200B", url: testServer.url("/ok"), group: "Pro\u200Bduction", live: false }],
    });
    await page.locator(".server-link").waitFor();
    assert.equal(await page.locator("#status-title").innerText(), "Acme status");
    assert.equal(await page.locator(".group h2").innerText(), "Production");
    assert.equal(await page.locator(".server-link").innerText(), "apignp.exe");
    assert.equal(await page.locator(".server").getAttribute("data-server"), "apignp.exe");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the morning review lists each failure, and an acknowledgement clears the count in every tab", async () => {
    const name = `failing ${XSS}`;
    const { page, context, errors } = await open(
      { servers: [{ name, url: testServer.url("/status-500"), cadence_s: 15 }] },
      { hash: "#/review" },
    );
    const count = (tab) => tab.locator('.site-header a[href="#/review"] .count');
    const findings = page.locator('.finding[data-class="failure"]');
    await findings.first().waitFor({ timeout: 20000 });
    assert.equal(await count(page).innerText(), "1");
    assert.equal(
      await page.locator('.site-header a[href="#/review"]').getAttribute("aria-label"),
      "Review: 1 not acknowledged",
    );
    assert.equal(await page.locator(".review-server h2").innerText(), name, "the server's name, as text");
    assert.equal(await page.locator(".review-server h3").innerText(), "Failed probes, not confirmed (1)");
    assert.match(await findings.first().innerText(), /\d\d:\d\d UTC failed at the http layer after \d+ ms: .*HTTP 500/);

    // A second tab of the page (same browser, same storage) counts the same finding.
    const other = await context.newPage();
    await other.goto(page.url().replace(/#.*$/, "#/"));
    await count(other).waitFor({ timeout: 10000 });
    assert.equal(await count(other).innerText(), "1");

    await page.locator('.finding [data-action="ack"]').click();
    await page.locator('.finding[data-acknowledged="true"]').waitFor({ timeout: 5000 });
    assert.equal(await count(page).count(), 0, "nothing left to acknowledge");
    await count(other).waitFor({ state: "detached", timeout: 5000 });
    assert.equal(await page.locator(".review-summary").innerText(), "The one finding of the last 24 hours is acknowledged.");

    // The next failed probe is a new finding, in both tabs.
    await findings.nth(1).waitFor({ timeout: 25000 });
    assert.equal(await count(page).innerText(), "1");
    await other.locator('.site-header a[href="#/review"] .count', { hasText: "1" }).waitFor({ timeout: 5000 });
    // "Acknowledge all" takes what is left.
    await page.locator('[data-action="ack-all"]').click();
    await count(page).waitFor({ state: "detached", timeout: 5000 });
    assert.equal(await page.locator('.finding[data-acknowledged="false"]').count(), 0);
    assert.equal(await page.locator("main img, main script").count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the day bar is one tab stop, walked with the arrow keys, Home and End", async () => {
    const { page, context } = await open({ servers: [{ name: "everything", url: everything.url, cadence_s: 60 }] });
    const days = row(page, "everything").locator(".day");
    await days.first().waitFor({ timeout: 10000 });
    assert.equal(await days.count(), 90);
    assert.equal(await row(page, "everything").locator('.day[tabindex="0"]').count(), 1);
    await days.last().focus();
    const focused = () => page.evaluate(() => [...document.activeElement.parentElement.children].indexOf(document.activeElement));
    await page.keyboard.press("ArrowLeft");
    assert.equal(await focused(), 88);
    await page.keyboard.press("Home");
    assert.equal(await focused(), 0);
    await page.keyboard.press("ArrowRight");
    assert.equal(await focused(), 1);
    await page.keyboard.press("End");
    assert.equal(await focused(), 89);
    assert.equal(await row(page, "everything").locator('.day[tabindex="0"]').count(), 1, "still one tab stop");
    const label = await page.evaluate(() => document.activeElement.getAttribute("aria-label"));
    assert.match(label, /^\d{4}-\d{2}-\d{2}: /);
    await context.close();
  });

  test("a hidden tab does not probe, is caught up with one probe when shown, and `live: false` is never probed", async () => {
    const hits = { live: 0, published: 0 };
    const counter = await startMisbehavingServer();
    const { page, context } = await open(
      {
        servers: [
          { name: "live", url: counter.url("/ok?tag=live"), cadence_s: 15 },
          { name: "published", url: counter.url("/ok?tag=published"), cadence_s: 15, live: false },
        ],
      },
      {
        // The page starts hidden: a background tab.
        init: () => {
          window.__hidden = true;
          Object.defineProperty(Document.prototype, "hidden", { get: () => window.__hidden, configurable: true });
        },
      },
    );
    page.on("request", (r) => {
      const tag = new URL(r.url()).searchParams.get("tag");
      if (tag && r.method() === "POST" && JSON.parse(r.postData() ?? "{}").method === "initialize") hits[tag] += 1;
    });
    await row(page, "live").waitFor({ timeout: 10000 });
    await page.waitForTimeout(20000);
    assert.deepEqual(hits, { live: 0, published: 0 }, "nothing probed while hidden");
    await page.evaluate(() => { window.__hidden = false; });
    await row(page, "live").and(page.locator('[data-condition="operational"]')).waitFor({ timeout: 10000 });
    await page.waitForTimeout(5000);
    assert.deepEqual(hits, { live: 1, published: 0 }, "one catch-up probe, none for the published-only server");
    assert.equal(await row(page, "published").locator(".next-probe").innerText(), "not probed from this page");
    await context.close();
    await counter.stop();
  });
});

describe("status page: the demo's cold start", () => {
  test("a cold start (a timeout, then a slow pass) is left out of SLO uptime, and the page says so", async () => {
    const demo = await startMisbehavingServer();
    const site = await serveStatic(distDir, "/mcp-status/", {
      statusJson: {
        servers: [{ name: "sleepy", url: demo.url("/cold-start?boot_ms=4000"), cadence_s: 15, timeout_s: 2 }],
      },
    });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${site.url}#/`);
      const row = page.locator('.server[data-server="sleepy"]');
      await row.and(page.locator('[data-condition="operational"]')).waitFor({ timeout: 20000 });
      // The platform scales the idle instance to zero: the next probe times out.
      await fetch(demo.url("/control/sleep"));
      await row.and(page.locator('[data-state="confirming"]')).waitFor({ timeout: 25000 });
      // The probe after it wakes a warming instance: slow, but it works.
      const explain = row.locator(".explain");
      await explain.waitFor({ timeout: 25000 });
      assert.match(await explain.innerText(), /^1 cold start excluded from SLO uptime/);
      assert.equal(await row.locator(".slo-uptime").innerText(), "100.00 %");
      assert.notEqual(await row.locator(".wall-clock-uptime").innerText(), "100.00 %");
      assert.equal(await row.getAttribute("data-state"), "up", "a single failure never took it down");
      // On the server's page the cold start and the slow probe after it are marked as such.
      await page.goto(`${site.url}#/server/sleepy`);
      await page.locator('.probe-log .probe[data-class="cold_start"]').waitFor({ timeout: 5000 });
      assert.equal(await page.locator('.probe-log .probe[data-class="cold_start"]').count(), 1);
      assert.equal(await page.locator('.probe-log .probe[data-class="slow_recovery"]').count(), 1);
      assert.equal(await page.locator(".detail .incident").count(), 0, "a cold start is no incident");
    } finally {
      await browser.close();
      await site.close();
      await demo.stop();
    }
  });
});
