// Alerting in the browser, end to end: a confirmed outage found by the status page's prober
// becomes a P1 in the on-call console, which shows a notification (permission granted) and
// posts to a webhook that allows the page by CORS and to a chat webhook that does not (sent
// blind, said so); acknowledging and resolving are sent to everyone told; a maintenance window
// declared in the console shows on the status page.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createServer } from "node:http";
import { distDir, freePort, launchBrowser, serveStatic } from "./harness.mjs";
import { startMisbehavingServer } from "../support/misbehaving-server.mjs";

/** A webhook receiver on 127.0.0.1 that keeps what it is sent; `cors` says whether it lets
 * pages read its answers (a preflight is answered either way, as most chat webhooks do not). */
async function startReceiver({ cors }) {
  const port = await freePort();
  const received = [];
  const server = createServer((req, res) => {
    const headers = cors
      ? {
          "access-control-allow-origin": "*",
          "access-control-allow-headers": "content-type",
          "access-control-allow-methods": "POST",
        }
      : {};
    if (req.method === "OPTIONS") {
      res.writeHead(204, headers);
      return res.end();
    }
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ path: req.url, contentType: req.headers["content-type"], body: JSON.parse(body) });
      // `/flaky` fails its first request of each notice.
      const tries = received.filter((r) => r.path === req.url && r.body.event === received.at(-1).body.event);
      const status = req.url === "/flaky" && tries.length === 1 ? 503 : 200;
      res.writeHead(status, { ...headers, "content-type": "text/plain" });
      res.end(status === 200 ? "ok" : "try again");
    });
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Waits until `check()` is truthy (polling), or fails saying `what`. */
async function until(what, check, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A status page tab (its prober) and a console tab in one browser context; `hidden`: the
 * status page is a background tab. */
async function openBoth(browser, site, contextOptions = {}, { hidden = false } = {}) {
  const context = await browser.newContext(contextOptions);
  const errors = [];
  const statusPage = await context.newPage();
  statusPage.on("pageerror", (e) => errors.push(String(e)));
  if (hidden) {
    await statusPage.addInitScript(() => {
      Object.defineProperty(Document.prototype, "hidden", { get: () => true, configurable: true });
    });
  }
  await statusPage.goto(site.url);
  const console_ = await context.newPage();
  console_.on("pageerror", (e) => errors.push(String(e)));
  await console_.goto(`${site.url}console/`);
  await console_.locator("#desk-role", { hasText: "This tab sends the alerts" }).waitFor({ timeout: 10000 });
  return { context, errors, statusPage, console_ };
}

describe("alerting in the console", () => {
  let browser, testServer, hook, chat;
  const sites = [];

  before(async () => {
    browser = await launchBrowser();
    testServer = await startMisbehavingServer();
    hook = await startReceiver({ cors: true });
    chat = await startReceiver({ cors: false });
  });

  after(async () => {
    await browser?.close();
    await testServer?.stop();
    await hook?.stop();
    await chat?.stop();
    for (const site of sites) await site.close();
  });

  test("a confirmed outage is notified and posted, and acknowledging and resolving are told", async () => {
    const site = await serveStatic(distDir, "/mcp-status/", {
      statusJson: {
        servers: [{ name: "api", url: testServer.url("/status-500"), cadence_s: 15 }],
        alerting: {
          channels: [
            { id: "hook", kind: "webhook", url: hook.url("/hook") },
            { id: "chat", kind: "slack", url: chat.url("/slack") },
            { id: "flaky", kind: "webhook", url: hook.url("/flaky") },
          ],
          routes: { P1: ["push", "hook", "chat", "flaky"] },
          on_call: {
            people: [{ name: "Ana" }, { name: "Ben" }],
            first_day: "2026-11-02",
            handoff_time: "09:00",
            time_zone: "UTC",
          },
        },
      },
    });
    sites.push(site);
    // The status page is a background tab: it probes all the same, because this browser runs
    // the console (a visitor's background tab would not).
    const { context, errors, console_ } = await openBoth(
      browser,
      site,
      { permissions: ["notifications"] },
      { hidden: true },
    );
    assert.equal(await console_.locator(".permission").getAttribute("data-permission"), "granted");
    await console_.locator(".alerts .none", { hasText: "No open alerts." }).waitFor();

    // The third failed probe (15 s apart) confirms the outage: one P1.
    const alert = console_.locator('.alert[data-severity="P1"]');
    await alert.waitFor({ timeout: 60000 });
    assert.match(await alert.locator("h3").innerText(), /^P1 · api: down at the http layer$/);
    assert.match(await alert.innerText(), /first error: .*HTTP 500/);
    assert.match(await alert.innerText(), /Not acknowledged, 0 escalation steps taken\. Target: by \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);

    // The webhook that allows the page: its answer seen. The chat one: sent blind, said so.
    const fired = await until("the webhook's fired notice", () =>
      hook.received.find((r) => r.path === "/hook" && r.body.event === "fired"),
    );
    assert.equal(fired.contentType, "application/json");
    assert.equal(fired.body.server, "api");
    assert.equal(fired.body.severity, "P1");
    assert.equal(fired.body.layer, "http");
    assert.ok(fired.body.evidence.length >= 3, "the failed probes that confirmed it");
    assert.match(fired.body.links.server_page, /\/mcp-status\/#\/server\/api$/);
    await until("the chat webhook's post", () => chat.received.length > 0);
    assert.match(chat.received[0].body.text, /api/);
    const log = (channel) => console_.locator(`.delivery-log tr[data-channel="${channel}"][data-notice="fired"]`);
    await log("chat").locator(".delivery-result", { hasText: "sent, result not visible to the browser" }).waitFor({ timeout: 15000 });
    assert.equal(await log("hook").locator(".delivery-result").innerText(), "delivered (HTTP 200)");
    assert.equal(await log("push").locator(".delivery-result").innerText(), "delivered (shown)");
    // A 503 is tried again 2 s later, and the log says so.
    await log("flaky").locator(".delivery-result", { hasText: "delivered (HTTP 200), 2 attempts" }).waitFor({ timeout: 10000 });

    // The chat webhook got the JSON blind, as text (browsers allow no other type without CORS).
    assert.match(chat.received[0].contentType, /^text\/plain/);

    // Acknowledging needs a name; then everyone told hears who. From a second console tab,
    // which does not send: it hands the acknowledgement to the one that does.
    const second = await context.newPage();
    second.on("pageerror", (e) => errors.push(String(e)));
    await second.goto(`${site.url}console/`);
    await second.locator("#desk-role", { hasText: "Another console tab sends the alerts" }).waitFor({ timeout: 10000 });
    const alertThere = second.locator('.alert[data-severity="P1"]');
    await alertThere.locator('[data-action="acknowledge"]').click();
    assert.match(await second.locator(".alerts .problem").innerText(), /Say who you are first/);
    await second.locator("#me").fill("Ana");
    await second.locator("form.me button").click();
    await alertThere.locator('[data-action="acknowledge"]').click();
    await alertThere.locator(".ack-status", { hasText: "Acknowledged by Ana" }).waitFor({ timeout: 5000 });
    await alert.locator(".ack-status", { hasText: "Acknowledged by Ana" }).waitFor({ timeout: 5000 });
    const acknowledged = await until("the acknowledgement", () =>
      hook.received.find((r) => r.path === "/hook" && r.body.event === "acknowledged"),
    );
    assert.equal(acknowledged.body.acknowledged.by, "Ana");
    await until("the chat's acknowledgement", () => chat.received.some((r) => /acknowledged/i.test(r.body.text)));
    await second.close();

    await alert.locator('[data-action="resolve"]').click();
    await console_.locator(".alerts .none").waitFor({ timeout: 5000 });
    await until("the resolution", () => hook.received.find((r) => r.body.event === "resolved"));
    const past = console_.locator(".past-alerts tbody tr");
    assert.match(await past.innerText(), /Acknowledged by Ana .* met|Acknowledged by Ana[^]*met/);
    assert.match(await past.innerText(), /\(by Ana\)/);
    assert.equal(hook.received.filter((r) => r.path === "/hook" && r.body.event === "fired").length, 1, "fired once");

    // Kept: a reload shows the same alerts and log, and sends nothing again.
    await console_.reload();
    await console_.locator(".past-alerts tbody tr").waitFor({ timeout: 10000 });
    assert.ok((await console_.locator(".delivery-log tbody tr").count()) >= 12);
    await console_.waitForTimeout(3000);
    assert.equal(hook.received.filter((r) => r.path === "/hook" && r.body.event === "fired").length, 1);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("maintenance declared in the console shows on the status page and mutes alerting", async () => {
    const site = await serveStatic(distDir, "/mcp-status/", {
      statusJson: { servers: [{ name: "api", url: testServer.url("/status-500"), cadence_s: 15 }] },
    });
    sites.push(site);
    const { context, errors, statusPage, console_ } = await openBoth(browser, site);

    // Longer than 4 hours is refused: by the form (the core says why when a form lets it by).
    await console_.locator("#window-server").selectOption("api");
    await console_.locator("#window-minutes").fill("300");
    await console_.locator("form.window-form button").click();
    assert.equal(await console_.locator("#window-minutes").evaluate((input) => input.validity.rangeOverflow), true);
    assert.equal(await console_.locator(".declared-windows li").count(), 0);

    await console_.locator("#window-minutes").fill("30");
    await console_.locator("#window-reason").fill("Deploy <b>v2</b>");
    await console_.locator("form.window-form button").click();
    await console_.locator(".declared-windows li", { hasText: "api: under way until" }).waitFor({ timeout: 5000 });
    assert.match(await console_.locator(".declared-windows li").innerText(), /— Deploy <b>v2<\/b>/);
    // For the runner, which reads status.json: the window as that file's entry, to paste.
    assert.equal(await console_.locator(".for-runner-server").innerText(), "api");
    const entry = await console_.locator(".for-runner-json").innerText();
    const windows = JSON.parse(`{${entry}}`).maintenance;
    assert.equal(windows.length, 1, entry);
    assert.equal(Date.parse(windows[0].end) - Date.parse(windows[0].start), 30 * 60_000);

    // The status page reads it at once: the banner, the list under it, the server's row.
    const banner = statusPage.locator(".banner");
    await statusPage.locator('.banner[data-banner="maintenance"]').waitFor({ timeout: 10000 });
    assert.match(await banner.innerText(), /Maintenance in progress/);
    assert.match(await statusPage.locator("ul.maintenance").innerText(), /^api: in maintenance until \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    assert.equal(await statusPage.locator('.server[data-condition="maintenance"]').count(), 1);

    // Three failed probes later: no alert, because alerting waits.
    await statusPage.waitForTimeout(36000);
    assert.equal(await console_.locator(".alert").count(), 0, await console_.locator(".alerts").innerText());

    // Ended from the console: the status page goes back to what probes say, and alerting
    // resumes by itself: the outage still under way fires at the next probe.
    await console_.locator('[data-action="end-window"]').click();
    await statusPage.locator('.banner[data-banner$="outage"]').waitFor({ timeout: 20000 });
    await statusPage.locator("ul.maintenance").waitFor({ state: "detached", timeout: 5000 });
    await console_.locator('.alert[data-severity="P1"]').waitFor({ timeout: 25000 });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("with a runner publishing, status.json's channels are the runner's to send, not the console's", async () => {
    const statusJson = {
      servers: [],
      alerting: { channels: [{ id: "hook", kind: "webhook", url: "https://hooks.example/x" }], routes: { P1: ["push", "hook"] } },
    };
    const routing = async (data) => {
      const site = await serveStatic(distDir, "/mcp-status/", { statusJson, data });
      sites.push(site);
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${site.url}console/`);
      await page.locator(".routing tbody tr").first().waitFor({ timeout: 10000 });
      await page.locator("#desk-role", { hasText: "This tab sends the alerts" }).waitFor({ timeout: 10000 });
      const leftToRunner = await page.locator(".routing .runner-only").allInnerTexts();
      const all = await page.locator(".routing tbody th").allInnerTexts();
      await context.close();
      return { leftToRunner, all };
    };
    // No runner: this console sends the file's webhook itself.
    const alone = await routing(undefined);
    assert.deepEqual(alone.leftToRunner, []);
    assert.ok(alone.all.some((id) => id.startsWith("hook")), JSON.stringify(alone));
    // A runner published a moment ago: the webhook is its alone (one sender a channel).
    const data = await mkdtemp(path.join(os.tmpdir(), "mcp-status-runner-publishes-"));
    try {
      await writeFile(path.join(data, "summary.json"), JSON.stringify({ version: 1, generated_at: new Date().toISOString(), servers: [] }));
      const { leftToRunner, all } = await routing(data);
      assert.equal(leftToRunner.length, 1, JSON.stringify(leftToRunner));
      assert.match(leftToRunner[0], /^hook\s+Sent by the scheduled runner/);
      assert.equal(all.filter((id) => id.startsWith("hook")).length, 1, "listed once, as the runner's");
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });

  test("this browser's channels, routing and presets are kept, and checked", async () => {
    const site = await serveStatic(distDir, "/mcp-status/", {
      statusJson: {
        servers: [],
        alerting: { channels: [{ id: "pd", kind: "pagerduty", routing_key_env: "PD_KEY" }] },
      },
    });
    sites.push(site);
    const context = await browser.newContext();
    const errors = [];
    const page = await context.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${site.url}console/`);
    await page.locator("#desk-role", { hasText: "This tab sends the alerts" }).waitFor({ timeout: 10000 });
    // Notifications are asked for by a button, never at load.
    assert.equal(await page.locator(".permission").getAttribute("data-permission"), "default");
    await page.locator('[data-action="notifications"]').waitFor();
    // The published PagerDuty channel needs the runner's secret: said, not routable here.
    assert.match(await page.locator(".routing .runner-only").innerText(), /runner only: .*\$PD_KEY/);
    // No status page open here: nothing is probed, and the console says so.
    await page.locator("#desk-role", { hasText: "No status page is open" }).waitFor({ timeout: 10000 });

    // A channel from the form: a bad URL is refused with the reason, a good one is added.
    await page.locator("#channel-id").fill("ops");
    await page.locator("#channel-kind").selectOption("discord");
    await page.locator("#channel-url").fill("ftp://example.com/hook");
    await page.locator("form.channel-form button").click();
    assert.match(await page.locator("form.channel-form .field-error").innerText(), /“ftp:” URLs cannot be checked/);
    await page.locator("#channel-url").fill("https://discord.example/api/webhooks/1/secret");
    await page.locator("form.channel-form button").click();
    const ops = page.locator('.routing tr[data-channel="ops"]');
    await ops.waitFor({ timeout: 5000 });
    assert.match(await ops.innerText(), /Discord/);

    // The preset for two people routes P2 and P3 to the team's chat (the new channel).
    await page.locator('[data-action="preset"][data-value="two"]').click();
    const box = (channel, severity) => page.locator(`input[data-channel="${channel}"][data-severity="${severity}"]`);
    await page.locator('input[data-channel="ops"][data-severity="1"]:checked').waitFor({ timeout: 5000 });
    assert.equal(await box("ops", 2).isChecked(), true);
    assert.equal(await box("ops", 0).isChecked(), false);
    assert.equal(await box("push", 0).isChecked(), true);
    assert.match(await page.locator(".policy").innerText(), /After 15 min without an acknowledgement: the secondary on call\./);
    // One box by hand: P1 to the chat too.
    await box("ops", 0).click();
    await page.locator('input[data-channel="ops"][data-severity="0"]:checked').waitFor({ timeout: 5000 });

    // Kept in this browser: a reload (and another tab) shows the same.
    await page.reload();
    await page.locator('input[data-channel="ops"][data-severity="0"]:checked').waitFor({ timeout: 10000 });
    assert.equal(await box("ops", 1).isChecked(), true);
    // Removed: gone from the routing too.
    await page.locator('[data-action="remove-channel"][data-channel="ops"]').click();
    await ops.waitFor({ state: "detached", timeout: 5000 });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
