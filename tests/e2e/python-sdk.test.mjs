// A server built with the official Python SDK, from the page: blocked as the SDK ships it (no
// CORS headers), ok once CORS is configured the way the README tells authors to.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { checkAddress, distDir, launchBrowser, serveStatic } from "./harness.mjs";
import { startPythonServer } from "../support/servers.mjs";

describe("Python SDK server", () => {
  let site, plain, withCors, browser;

  before(async () => {
    site = await serveStatic(distDir, "/mcp-status/");
    [plain, withCors] = await Promise.all([startPythonServer(), startPythonServer({ cors: true })]);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await plain?.stop();
    await withCors?.stop();
    await site?.close();
  });

  async function check(url) {
    const page = await browser.newPage();
    await page.goto(checkAddress(site.url, url));
    const result = page.locator("#check-result[data-outcome]");
    await result.waitFor({ timeout: 20000 });
    const verdict = {
      outcome: await result.getAttribute("data-outcome"),
      tools: await result.getAttribute("data-tool-count"),
      text: await result.innerText(),
    };
    await page.close();
    return verdict;
  }

  test("without CORS it is blocked, and the page says which headers to add", async () => {
    const verdict = await check(plain.url);
    assert.equal(verdict.outcome, "blocked", verdict.text);
    assert.match(verdict.text, /Access-Control-Allow-Origin/);
  });

  test("with CORS configured it is ok", async () => {
    const verdict = await check(withCors.url);
    assert.equal(verdict.outcome, "ok", verdict.text);
    assert.equal(verdict.tools, "3");
  });
});
