// Every behaviour of our misbehaving test server, checked by the page in headless Chromium:
// the verdict in tests/support/scenarios.json (`browser` where it differs from `native`).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { checkAddress, distDir, launchBrowser, repoRoot, serveStatic } from "./harness.mjs";
import { startMisbehavingServer } from "../support/misbehaving-server.mjs";

const table = JSON.parse(await readFile(path.join(repoRoot, "tests/support/scenarios.json"), "utf8"));

describe("misbehaving servers in the browser", () => {
  let site, server, browser;

  before(async () => {
    site = await serveStatic(distDir, "/mcp-status/");
    server = await startMisbehavingServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await site?.close();
  });

  for (const scenario of table.scenarios) {
    const expected = { ...scenario.native, ...(scenario.browser ?? {}) };
    test(`${scenario.path} → ${expected.outcome}${expected.layer ? `/${expected.layer}` : ""}`, async () => {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(checkAddress(site.url, server.url(scenario.path), scenario.timeout_s));
      const result = page.locator("#check-result[data-outcome]");
      await result.waitFor({ timeout: 30000 });
      const text = await result.innerText();
      assert.equal(await result.getAttribute("data-outcome"), expected.outcome, text);
      assert.equal(await result.getAttribute("data-layer"), expected.layer ?? null, text);
      if (expected.tool_count !== undefined) {
        assert.equal(Number(await result.getAttribute("data-tool-count")), expected.tool_count);
      }
      if (expected.transport) {
        assert.equal(await page.getAttribute(".protocol-version", "data-transport"), expected.transport);
      }
      if (expected.protocol_version) {
        assert.match(await page.locator(".protocol-version").innerText(), new RegExp(`^${expected.protocol_version}`));
      }
      // Whatever the server sent, nothing it wrote runs or becomes markup.
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      assert.equal(await result.locator("img, script, b").count(), 0);
      if (expected.outcome === "blocked") {
        assert.match(await result.locator(".hint").innerText(), /Access-Control-/);
      }
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});
