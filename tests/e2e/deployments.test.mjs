// Several deployments on one origin, end to end (the release site copied with relative URLs,
// headless Chromium, two npm reference servers on 127.0.0.1). GitHub Pages serves every site
// of an owner from https://<owner>.github.io, and the browser keeps IndexedDB, localStorage,
// Web Locks and BroadcastChannels per origin: two status pages under /a/ and /b/ of one
// static server keep their own histories and each has its prober, its console using its
// storage; history stored under the old shared names (by a copy at the origin's root) is
// carried over to a sub-path deployment, the theme with it; and the console warns about
// secrets on a github.io host.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { launchBrowser, relativeCopy, serveSites, startEverythingServer } from "./harness.mjs";

/** The names of the origin's databases, and the keys of `store` in each of `names`. */
async function storage(page, names = [], store = "engine") {
  return page.evaluate(async ([names, store]) => {
    const databases = (await indexedDB.databases()).map((d) => d.name).sort();
    const keys = {};
    for (const name of names) {
      const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      keys[name] = await new Promise((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAllKeys();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      db.close();
    }
    return { databases, keys };
  }, [names, store]);
}

/** Remembers which MCP servers the page sends an `initialize` to. */
function probesOf(page) {
  const probed = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && (r.postData() ?? "").includes('"initialize"')) probed.push(r.url());
  });
  return probed;
}

const row = (page, server) => page.locator(`.server[data-server="${server}"]`);
const operational = (page, server) =>
  row(page, server).and(page.locator('[data-condition="operational"]')).waitFor({ timeout: 20000 });

describe("deployments sharing an origin", () => {
  let browser, alpha, beta, copy;
  const closing = [];

  before(async () => {
    copy = await relativeCopy();
    [alpha, beta] = await Promise.all([startEverythingServer(), startEverythingServer()]);
    browser = await launchBrowser();
  });

  after(async () => {
    for (const close of closing) await close();
    await browser?.close();
    await alpha?.stop();
    await beta?.stop();
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  async function serve(sites) {
    const served = await serveSites(sites.map((site) => ({ dir: copy, ...site })));
    closing.push(served.close);
    return served;
  }

  test("two status pages under /a/ and /b/ keep their own histories and probe at once, each with its console", async () => {
    const served = await serve([
      { prefix: "/a/", statusJson: { servers: [{ name: "alpha", url: alpha.url, cadence_s: 15 }] } },
      { prefix: "/b/", statusJson: { servers: [{ name: "beta", url: beta.url, cadence_s: 15 }] } },
    ]);
    const [a, b] = served.urls;
    const context = await browser.newContext();
    closing.push(() => context.close());
    const pageA = await context.newPage();
    const pageB = await context.newPage();
    const errors = [];
    for (const page of [pageA, pageB]) page.on("pageerror", (e) => errors.push(String(e)));
    const [probedA, probedB] = [probesOf(pageA), probesOf(pageB)];
    await Promise.all([pageA.goto(a), pageB.goto(b)]);

    // Two probers: both servers are probed while both pages are open, each by its own page.
    await Promise.all([operational(pageA, "alpha"), operational(pageB, "beta")]);
    assert.ok(probedA.length >= 1 && probedA.every((url) => url === alpha.url), `${probedA}`);
    assert.ok(probedB.length >= 1 && probedB.every((url) => url === beta.url), `${probedB}`);
    const locks = await pageA.evaluate(async () => (await navigator.locks.query()).held.map((l) => l.name).sort());
    assert.deepEqual(locks, ["mcp-status-prober@/a/", "mcp-status-prober@/b/"]);

    // Two histories, and no database under the old shared name (none was there to carry).
    const names = ["mcp-status@/a/", "mcp-status@/b/"];
    const stored = await storage(pageA, names);
    assert.deepEqual(stored.databases, names);
    assert.deepEqual(stored.keys, { "mcp-status@/a/": ["alpha"], "mcp-status@/b/": ["beta"] });
    // What each page shows after a reload: its own server, and nothing of the other's.
    await pageA.reload();
    await operational(pageA, "alpha");
    assert.deepEqual(await pageA.locator(".server").evaluateAll((rows) => rows.map((r) => r.dataset.server)), ["alpha"]);

    // The console at /a/console/ is /a/'s: it dispatches under /a/'s name, in /a/'s database.
    const console_ = await context.newPage();
    console_.on("pageerror", (e) => errors.push(String(e)));
    await console_.goto(`${a}console/`);
    await console_.locator("#desk-role", { hasText: "This tab sends the alerts" }).waitFor({ timeout: 20000 });
    const held = await console_.evaluate(async () => (await navigator.locks.query()).held.map((l) => l.name).sort());
    assert.deepEqual(held, ["mcp-status-dispatcher@/a/", "mcp-status-prober@/a/", "mcp-status-prober@/b/"]);
    assert.deepEqual((await storage(console_)).databases, names);
    // Not a host other sites share: no warning before the channel form.
    assert.equal(await console_.locator("#shared-origin").count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("history kept under the old shared name is carried over to a sub-path deployment, and the theme", async () => {
    const served = await serve([
      { prefix: "/", statusJson: { servers: [{ name: "alpha", url: alpha.url, cadence_s: 15 }] } },
      // An hour's cadence: /a/ does not probe alpha again during the test, what it shows was carried.
      { prefix: "/a/", statusJson: { servers: [{ name: "alpha", url: alpha.url, cadence_s: 3600 }] } },
    ]);
    const [root, a] = served.urls;
    const context = await browser.newContext({ colorScheme: "light" });
    closing.push(() => context.close());

    // The page as it was before: at the origin's root, under the old names.
    const before = await context.newPage();
    await before.goto(root);
    await operational(before, "alpha");
    await before.click("[data-theme-toggle]");
    assert.equal(await before.evaluate(() => localStorage.getItem("mcp-status-theme")), "dark");
    const lastProbe = await row(before, "alpha").locator(".probe-count").innerText();
    await before.close();

    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    const probed = probesOf(page);
    await page.goto(a);
    assert.equal(await page.locator("html").getAttribute("data-theme"), "dark");
    await operational(page, "alpha");
    assert.equal(await row(page, "alpha").locator(".probe-count").innerText(), lastProbe);
    assert.deepEqual(probed, [], "nothing probed: the history shown was carried over");
    const stored = await storage(page, ["mcp-status@/a/"]);
    // The old database is kept (other deployments may carry it over yet, a root site uses it).
    assert.deepEqual(stored.databases, ["mcp-status", "mcp-status@/a/"]);
    assert.deepEqual(stored.keys["mcp-status@/a/"], ["alpha"]);
    assert.deepEqual(
      await page.evaluate(() => [localStorage.getItem("mcp-status-theme@/a/"), localStorage.getItem("mcp-status-theme")]),
      ["dark", "dark"],
    );
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the console warns before a secret is entered on a github.io host, and links to the runner's acknowledgement", async () => {
    const served = await serve([{ prefix: "/a/", statusJson: { servers: [] } }]);
    // acme.github.io resolves to the static server: the page's host is a GitHub Pages one.
    const mapped = await launchBrowser([`--host-resolver-rules=MAP acme.github.io 127.0.0.1`]);
    closing.push(() => mapped.close());
    const page = await mapped.newPage();
    await page.goto(`http://acme.github.io:${served.port}/a/console/`);
    const warning = page.locator("form.channel-form #shared-origin");
    await warning.waitFor({ timeout: 20000 });
    const text = await warning.innerText();
    assert.match(text, /acme\.github\.io is shared by every site its owner publishes there/);
    assert.match(text, /custom domain/);
    assert.match(text, /Actions secrets/);
    assert.equal(await page.locator("#channel-url").getAttribute("aria-describedby"), "shared-origin");
    // Where the runner's alerts are acknowledged: the repository's Runner workflow.
    const runner = page.locator(".runner-acknowledge a");
    assert.equal(await runner.getAttribute("href"), "https://github.com/acme/a/actions/workflows/runner.yml");
    await mapped.close();
  });
});
