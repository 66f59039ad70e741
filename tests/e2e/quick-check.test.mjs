// The quick check, end to end: the release build in headless Chromium against the real npm
// reference server, both on 127.0.0.1.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { checkAddress, distDir, launchBrowser, repoRoot, serveStatic, startEverythingServer } from "./harness.mjs";
import { listToolsWithSdk } from "./mcp-client.mjs";
import { startMisbehavingServer } from "../support/misbehaving-server.mjs";

const artifacts = path.join(repoRoot, "tests/e2e/artifacts");

describe("quick check", () => {
  let site, everything, browser;

  before(async () => {
    await mkdir(artifacts, { recursive: true });
    // Served under a sub-path, as GitHub Pages serves a project site.
    site = await serveStatic(distDir, "/mcp-status/");
    everything = await startEverythingServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await everything?.stop();
    await site?.close();
  });

  let expectedToolCount;

  test("a pasted reference-server URL is ok, with the tool count the server reports", async () => {
    const expected = await listToolsWithSdk(everything.url);
    expectedToolCount = expected.tools.length;
    assert.ok(expected.tools.length > 0, "the reference server lists tools");

    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${site.url}#/check`);
    await page.fill("#server-url", everything.url);
    await page.click(".check-form button[type=submit]");

    const result = page.locator("#check-result[data-outcome]");
    await result.waitFor({ timeout: 20000 });
    assert.equal(await result.getAttribute("data-outcome"), "ok", await result.innerText());
    assert.equal(await result.getAttribute("data-layer"), null);
    assert.equal(Number(await result.getAttribute("data-tool-count")), expected.tools.length);
    const shown = await page.locator(".tools .tool-name").allInnerTexts();
    assert.deepEqual(shown, expected.tools.map((t) => t.name));
    assert.match(await page.locator(".server-name").innerText(), new RegExp(expected.server.name));
    assert.match(await page.locator(".protocol-version").innerText(), /^\d{4}-\d{2}-\d{2}/);
    // The verdict shows first; the session is closed right after.
    await page.locator("#check-result .step-name", { hasText: "close session (DELETE)" }).waitFor({ timeout: 5000 });
    const steps = await page.locator("#check-result .steps .step-name").allInnerTexts();
    assert.deepEqual(steps, ["initialize", "notifications/initialized", "tools/list", "close session (DELETE)"]);

    // The address now names the checked server, so the result can be shared.
    const shared = page.url();
    assert.match(shared, /#\/check\?url=/);
    assert.equal(new URL(shared).hash, `#/check?url=${encodeURIComponent(everything.url).replace(/%20/g, "+")}`);
    await page.screenshot({ path: path.join(artifacts, "quick-check-ok.png"), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("opening a shared link (or reloading) runs the check again", async () => {
    const page = await browser.newPage();
    await page.goto(checkAddress(site.url, everything.url));
    const result = page.locator("#check-result[data-outcome]");
    await result.waitFor({ timeout: 20000 });
    assert.equal(await result.getAttribute("data-outcome"), "ok");
    assert.equal(await page.inputValue("#server-url"), everything.url);
    await page.reload();
    await page.locator("#check-result[data-outcome='ok']").waitFor({ timeout: 20000 });
    await page.close();
  });

  test("a deep link under the Pages sub-path lands on the app through 404.html", async () => {
    const page = await browser.newPage();
    const response = await page.goto(checkAddress(`${site.url}some/old/link`, everything.url));
    assert.equal(response.status(), 404, "GitHub Pages answers unknown paths with 404.html");
    await page.locator("#check-result[data-outcome='ok']").waitFor({ timeout: 20000 });
    await page.close();
  });

  test("scripts get the same summary as mcp-status check --json from wasmBindings.probe", async () => {
    const page = await browser.newPage();
    await page.goto(`${site.url}#/check`);
    await page.waitForFunction(() => typeof window.wasmBindings?.probe === "function");
    const summary = await page.evaluate((url) => window.wasmBindings.probe(url), everything.url);
    assert.equal(summary.outcome, "ok");
    assert.equal(summary.layer, null);
    assert.equal(summary.transport, "streamable_http");
    assert.equal(summary.tool_count, expectedToolCount);
    assert.match(summary.contract_hash, /^[0-9a-f]{16}$/);
    assert.deepEqual(summary.steps.slice(0, 3).map((s) => s.name), ["initialize", "initialized", "tools_list"]);
    const refused = await page.evaluate(() => window.wasmBindings.probe("ftp://example.com").catch((e) => String(e)));
    assert.match(refused, /ftp:/);
    await page.close();
  });

  test("an invalid URL gets an inline message and sends nothing", async () => {
    const page = await browser.newPage();
    const requests = [];
    await page.goto(`${site.url}#/check`);
    // The page's own start (status.json) is over before the check is tried.
    await page.waitForLoadState("networkidle");
    page.on("request", (r) => requests.push(r.url()));
    for (const input of ["ftp://example.com/mcp", "not a url", "example.com/mcp"]) {
      await page.fill("#server-url", input);
      await page.click(".check-form button[type=submit]");
      const message = page.locator("#server-url-error");
      await assert.doesNotReject(message.getByText(/./).waitFor({ timeout: 5000 }));
      assert.ok((await message.innerText()).length > 10, input);
      assert.equal(await page.getAttribute("#server-url", "aria-invalid"), "true");
      assert.equal(await page.locator("#check-result").count(), 0);
    }
    assert.deepEqual(requests, []);
    await page.close();
  });

  test("the reference server in legacy HTTP+SSE mode is found by the fallback and passes", async () => {
    const legacy = await startEverythingServer("sse");
    try {
      const page = await browser.newPage();
      await page.goto(checkAddress(site.url, legacy.url));
      const result = page.locator("#check-result[data-outcome]");
      await result.waitFor({ timeout: 20000 });
      assert.equal(await result.getAttribute("data-outcome"), "ok", await result.innerText());
      assert.equal(await page.getAttribute(".protocol-version", "data-transport"), "http_sse");
      assert.equal(Number(await result.getAttribute("data-tool-count")), expectedToolCount);
      await page.close();
    } finally {
      await legacy.stop();
    }
  });

  test("a port where nothing listens fails at the transport layer", async () => {
    const { freePort } = await import("./harness.mjs");
    const port = await freePort();
    const page = await browser.newPage();
    await page.goto(`${site.url}#/check`);
    await page.fill("#server-url", `http://127.0.0.1:${port}/mcp`);
    await page.click(".check-form button[type=submit]");
    const result = page.locator("#check-result[data-outcome]");
    await result.waitFor({ timeout: 20000 });
    assert.equal(await result.getAttribute("data-outcome"), "failed");
    assert.equal(await result.getAttribute("data-layer"), "transport");
    await page.close();
  });
});

describe("quick check progress and layout", () => {
  let site, testServer, browser;

  before(async () => {
    site = await serveStatic(distDir, "/mcp-status/");
    testServer = await startMisbehavingServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await testServer?.stop();
    await site?.close();
  });

  test("the step in flight is shown while the check runs, and every page is listed", async () => {
    const page = await browser.newPage();
    await page.goto(`${site.url}#/check`);
    await page.fill("#server-url", testServer.url("/ok?delay_ms=400&tools=7&page_size=3"));
    await page.click(".check-form button[type=submit]");
    const running = page.locator("#check-result[data-state='running'] .step-running .step-name");
    await running.getByText("initialize", { exact: true }).waitFor({ timeout: 5000 });
    await running.getByText("tools/list").waitFor({ timeout: 5000 });
    assert.equal(await page.locator(".check-form button[type=submit]").isDisabled(), true);
    const result = page.locator("#check-result[data-outcome]");
    await result.waitFor({ timeout: 20000 });
    assert.equal(await result.getAttribute("data-outcome"), "ok");
    assert.equal(await result.getAttribute("data-tool-count"), "7");
    const steps = await page.locator("#check-result .steps .step-name").allInnerTexts();
    assert.deepEqual(steps.filter((s) => s.startsWith("tools/list")), [
      "tools/list",
      "tools/list (page 2)",
      "tools/list (page 3)",
    ]);
    await page.close();
  });

  test("a check started while another runs wins, however long the earlier one takes", async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    const slow = testServer.url("/ok?delay_ms=1500&tools=3");
    const fast = testServer.url("/ok?tools=5");
    await page.goto(checkAddress(site.url, slow));
    await page.locator("#check-result[data-state='running']").waitFor({ timeout: 5000 });
    // The form is disabled while a check runs; a link, an edited address or back/forward is not.
    await page.evaluate((url) => (location.hash = `#/check?url=${encodeURIComponent(url)}`), fast);
    const result = page.locator("#check-result[data-outcome]");
    await result.locator(".url", { hasText: fast }).waitFor({ timeout: 10000 });
    assert.equal(await result.getAttribute("data-tool-count"), "5");
    // Long enough for the slow check to have ended, had it not been stopped.
    await page.waitForTimeout(6000);
    assert.equal(await page.locator("#check-result .url").innerText(), fast);
    assert.equal(await result.getAttribute("data-tool-count"), "5");
    assert.equal(await page.inputValue("#server-url"), fast);
    assert.deepEqual(errors, []);
    await page.close();
  });

  for (const [name, viewport, colorScheme] of [
    ["phone-dark", { width: 390, height: 844 }, "dark"],
    ["desktop-light", { width: 1280, height: 800 }, "light"],
  ]) {
    test(`the result fits a ${name} screen without sideways scrolling`, async () => {
      const context = await browser.newContext({ viewport, colorScheme });
      const page = await context.newPage();
      await page.goto(checkAddress(site.url, testServer.url("/ok?tools=12")));
      await page.locator("#check-result[data-outcome='ok']").waitFor({ timeout: 20000 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the ${viewport.width}px screen`);
      await page.screenshot({ path: path.join(artifacts, `quick-check-${name}.png`), fullPage: true });
      await context.close();
    });
  }
});
