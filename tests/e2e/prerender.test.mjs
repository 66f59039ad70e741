// The status before the WebAssembly (`mcp-status prerender`), end to end: the release site
// copied as the Pages build assembles it (dist/, status.json, the runner's data/ from three
// real rounds against our test server), then prerendered. Without JavaScript the page shows
// the status; with it, the app takes over and shows the same banner, rows, uptimes, coverage,
// bars and public hooks (docs/formats.md) for the same summary, then removes the prerendered
// copy; a link to another screen never shows it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { distDir, launchBrowser, repoRoot, serveStatic } from "./harness.mjs";
import { startMisbehavingServer } from "../support/misbehaving-server.mjs";

const run = promisify(execFile);
const binary = path.join(repoRoot, "target/debug/mcp-status");

/** What the status overview shows, read through its public hooks and text. */
function overview() {
  const text = (el) => el?.textContent.replace(/\s+/g, " ").trim() ?? null;
  const banner = document.querySelector("[data-banner]");
  return {
    title: document.title,
    heading: text(document.querySelector("#status-title")),
    banner: [banner?.dataset.banner, text(banner)],
    groups: [...document.querySelectorAll("section.status section.group")].map((group) => ({
      name: text(group.querySelector("h2")),
      rows: [...group.querySelectorAll("li[data-server]")].map((row) => ({
        server: row.dataset.server,
        condition: row.dataset.condition,
        state: row.dataset.state,
        head: text(row.querySelector(".server-head")),
        // All but the last probe's relative time, which moves on by the second.
        facts: [...row.querySelectorAll(".facts > div")]
          .map((fact) => [text(fact.querySelector("dt")), text(fact.querySelector("dd"))])
          .filter(([term]) => term !== "Last probe"),
        days: [...row.querySelectorAll(".day")].map((day) => `${day.dataset.level} ${day.getAttribute("aria-label")}`),
      })),
    })),
  };
}

describe("the prerendered status", () => {
  let browser, root, site, statusJson;
  let probed = 0;

  before(async () => {
    assert.ok(existsSync(binary), `${binary}: built by the native tests (cargo test)`);
    root = await mkdtemp(path.join(os.tmpdir(), "mcp-status-prerender-"));
    await cp(distDir, root, { recursive: true });
    const testServer = await startMisbehavingServer();
    statusJson = {
      title: "Acme <b>MCP</b>",
      groups: [{ name: "Production" }],
      servers: [
        { name: "api <img src=x onerror=alert(1)>", url: testServer.url("/ok?n=1"), group: "Production", live: false },
        { name: "billing", url: testServer.url("/status-500"), group: "Production", live: false },
        { name: "search", url: testServer.url("/ok?n=2"), live: false },
      ],
    };
    const config = path.join(root, "status.json");
    await writeFile(config, JSON.stringify(statusJson));
    try {
      for (let round = 0; round < 3; round += 1) {
        await run(binary, ["probe", "--config", config, "--data", path.join(root, "data")]);
      }
    } finally {
      await testServer.stop();
    }
    await run(binary, ["prerender", root]);
    site = await serveStatic(root, "/mcp-status/", { statusJson, data: path.join(root, "data") });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test("shows without JavaScript and equals what the app then shows", async () => {
    const plain = await browser.newContext({ javaScriptEnabled: false });
    const page = await plain.newPage();
    await page.goto(site.url);
    const prerendered = await page.evaluate(overview);
    await plain.close();
    assert.equal(prerendered.title, "Acme <b>MCP</b>");
    assert.equal(prerendered.heading, "Acme <b>MCP</b>");
    assert.deepEqual(prerendered.banner, ["partial_outage", "✕Partial outage"]);
    assert.deepEqual(
      prerendered.groups.map((g) => [g.name, g.rows.map((r) => `${r.server}: ${r.condition}/${r.state}`)]),
      [
        [null, ["search: operational/up"]],
        ["Production", ["api <img src=x onerror=alert(1)>: operational/up", "billing: down/down"]],
      ],
    );
    for (const row of prerendered.groups.flatMap((g) => g.rows)) {
      assert.equal(row.days.length, 90);
      assert.deepEqual(
        row.facts.map(([term]) => term),
        ["Wall-clock uptime", "SLO uptime", "Coverage", "Latency", "Probes", "Next probe"],
      );
    }

    const context = await browser.newContext();
    const app = await context.newPage();
    const errors = [];
    app.on("pageerror", (e) => errors.push(String(e)));
    await app.goto(site.url);
    // The app takes over once it has read status.json and the summary.
    await app.waitForFunction(() => !document.getElementById("prerendered"), null, { timeout: 20000 });
    assert.deepEqual(await app.evaluate(overview), prerendered);
    // Server text stayed text all along: nothing was injected.
    assert.equal(await app.locator("main img[src=x]").count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("stands whole when the WebAssembly never arrives", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The WebAssembly never arrives: the prerendered status is all there is, and it is whole.
    await page.route("**/*.wasm", (route) => route.abort());
    await page.goto(site.url);
    await page.locator("#prerendered li[data-server]").first().waitFor();
    assert.equal(await page.locator("#prerendered li[data-server]").count(), 3);
    assert.ok(await page.locator("#prerendered [data-banner]").isVisible());
    await context.close();
  });

  test("a link to another screen does not show it", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route("**/*.wasm", (route) => route.abort());
    await page.goto(`${site.url}#/check?url=${encodeURIComponent("https://example.com/mcp")}`);
    await page.locator("#prerendered").waitFor({ state: "attached" });
    assert.equal(await page.locator("#prerendered").isVisible(), false);
    await context.close();
  });
});
