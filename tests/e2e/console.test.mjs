// The on-call console (console/, its own page and wasm beside the status page), end to end:
// who is on call now and next in the rotation's time zone, the handoff checklist and its
// "Copy as Markdown", the way there from the status page, and a rotation it cannot place.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { distDir, launchBrowser, serveStatic } from "./harness.mjs";

const NOW = new Date("2026-11-21T12:00:00Z"); // a Saturday

const rotation = (timeZone) => ({
  people: [{ name: "Ana" }, { name: "Ben" }, { name: "Cy" }],
  manager: { name: "Dee" },
  first_day: "2026-11-02",
  handoff_time: "09:00",
  time_zone: timeZone,
});

describe("on-call console", () => {
  let browser;
  const sites = [];

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    for (const site of sites) await site.close();
  });

  async function open(statusJson, path = "console/") {
    const site = await serveStatic(distDir, "/mcp-status/", { statusJson });
    sites.push(site);
    const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
    const page = await context.newPage();
    await page.clock.setFixedTime(NOW);
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${site.url}${path}`);
    return { page, context, errors, site };
  }

  test("shows who is on call now and next, and the handoff checklist to copy", async () => {
    const { page, context, errors } = await open({
      servers: [{ name: "api", url: "http://127.0.0.1:9/mcp", live: false }],
      alerting: {
        on_call: rotation("Europe/Berlin"),
        access_to_verify: ["PagerDuty login"],
      },
    });
    await page.locator("#oncall-title", { hasText: "On call" }).waitFor({ timeout: 10000 });
    assert.equal(await page.title(), "On call · mcp-status");
    assert.equal(
      await page.locator(".lede").innerText(),
      "A weekly rotation of 3 people; the shift changes Mondays at 09:00 Europe/Berlin.",
    );
    // Week 3 of the rotation (from Monday 2026-11-16, 09:00 in Berlin = 08:00 UTC).
    const now = page.locator("[data-shift=now]");
    assert.equal(await now.locator(".primary").innerText(), "Cy");
    assert.equal(await now.locator(".secondary-person").innerText(), "Ana");
    assert.match(await now.innerText(), /2026-11-16 08:00 UTC to 2026-11-23 08:00 UTC/);
    assert.equal(await page.locator("[data-shift=next] .primary").innerText(), "Ana");

    const handoff = await page.locator("#handoff-text").innerText();
    assert.match(handoff, /^# On-call handoff, 2026-11-21 12:00 UTC\n\nFrom Cy to Ana; the next shift runs until 2026-11-30 08:00 UTC\./);
    assert.match(handoff, /## Current health\n\n- api: No data yet\n/);
    assert.match(handoff, /## Access to verify\n\n- \[ \] PagerDuty login\n/);

    await page.locator('[data-action="copy-handoff"]').click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), handoff + "\n".repeat(handoff.endsWith("\n") ? 0 : 1));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("is one link away from the status page, and says what it cannot do", async () => {
    const { page, context, errors, site } = await open(
      { servers: [], alerting: { on_call: rotation("Mars/Olympus") } },
      "",
    );
    await page.locator('.site-header a[href="console/"]', { hasText: "On call" }).click();
    await page.waitForURL(/\/mcp-status\/console\/$/);
    const problem = page.locator(".problem");
    await problem.waitFor({ timeout: 10000 });
    assert.equal(
      await problem.innerText(),
      "This browser does not know the time zone `Mars/Olympus`: shifts are placed in UTC.",
    );
    // Placed in UTC all the same: 09:00 UTC handoffs.
    assert.match(await page.locator("[data-shift=now]").innerText(), /2026-11-16 09:00 UTC/);
    // And back: the status page's sections, one level up.
    assert.equal(await page.locator('.site-header a[href="../#/review"]').innerText(), "Review");
    // Two HTML files, one security policy.
    const policy = (html) => html.match(/<meta[^>]*Content-Security-Policy[^>]*>/)[0].match(/content="([^"]+)"/)[1];
    const [statusHtml, consoleHtml] = await Promise.all(
      [`${site.url}`, `${site.url}console/`].map((u) => fetch(u).then((r) => r.text())),
    );
    assert.equal(policy(consoleHtml), policy(statusHtml));
    await context.close();

    const bare = await open({ servers: [] });
    await bare.page.locator(".lede", { hasText: "No on-call rotation" }).waitFor({ timeout: 10000 });
    assert.deepEqual([...errors, ...bare.errors], []);
    await bare.context.close();
  });
});
