// Renders the pages as a visitor sees them, for people to look at: the status page, a
// server's detail (down, and up), the morning review, the on-call console, the quick check (a
// passing and a failing server) and the settings, at phone and desktop widths, in
// both themes, into screenshots/ (PNG). Uses the release build in dist/ (scripts/test or
// `trunk build --release` makes it), the npm reference server and our demo server on loopback.
//
//   node scripts/screenshots.mjs            # after a release build
//   THEMES=dark SCREENS=phone node scripts/screenshots.mjs   # some of them
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { distDir, launchBrowser, repoRoot, serveStatic, startEverythingServer } from "../tests/e2e/harness.mjs";
import { startMisbehavingServer } from "../tests/support/misbehaving-server.mjs";

const out = path.join(repoRoot, "screenshots");
await mkdir(out, { recursive: true });
const everything = await startEverythingServer();
const demo = await startMisbehavingServer();
const statusJson = {
  title: "Acme MCP status",
  description: "Live status of Acme's MCP servers, probed from your browser.",
  links: [{ title: "Documentation", url: "https://example.com/docs" }, { title: "Support", url: "https://example.com/support" }],
  groups: [{ name: "Production", description: "What customers use." }, { name: "Staging" }],
  servers: [
    { name: "search", url: everything.url, group: "Production", cadence_s: 15 },
    { name: "billing", url: demo.url("/status-500"), group: "Production", cadence_s: 15 },
    { name: "sandbox", url: demo.url("/cold-start"), group: "Staging", cadence_s: 15, timeout_s: 5 },
  ],
  alerting: {
    on_call: {
      people: [{ name: "Ana Lima" }, { name: "Ben Okafor" }, { name: "Cy Dubois" }],
      manager: { name: "Dee Park" },
      first_day: "2026-11-02",
      handoff_time: "09:00",
      time_zone: "Europe/Berlin",
    },
    access_to_verify: ["PagerDuty login", "the hosting dashboard"],
  },
};
const site = await serveStatic(distDir, "/mcp-status/", { statusJson });
const browser = await launchBrowser();
const pages = [
  ["status", "#/", 40000],
  ["detail-down", "#/server/billing", 2500],
  ["detail", "#/server/search", 2500],
  ["review", "#/review", 2000],
  ["oncall", "console/", 2500],
  ["check-ok", `#/check?url=${encodeURIComponent(everything.url)}`, 3000],
  ["check-failed", `#/check?url=${encodeURIComponent(demo.url("/rpc-error"))}`, 3000],
  ["settings", "#/settings", 1500],
];
const screens = [
  ["desktop", { width: 1280, height: 900 }],
  ["phone", { width: 360, height: 780 }],
];
try {
  const themes = (process.env.THEMES ?? "light,dark").split(",");
  const wanted = (process.env.SCREENS ?? "desktop,phone").split(",");
  for (const theme of themes) {
    for (const [screen, viewport] of screens.filter(([name]) => wanted.includes(name))) {
      const context = await browser.newContext({ viewport, colorScheme: theme, permissions: ["notifications"] });
      const page = await context.newPage();
      // The console stays open beside the status page from the start: it takes the alerts
      // of the outage the status page's prober confirms.
      const console_ = await context.newPage();
      await console_.goto(`${site.url}console/`);
      await console_.locator("#me").fill("Ana Lima");
      await console_.locator("form.me button").click();
      // A deploy scheduled in two hours: the status page lists it under the banner.
      const inTwoHours = await console_.evaluate(() => {
        const at = new Date(Date.now() + 2 * 3600 * 1000 - new Date().getTimezoneOffset() * 60000);
        return at.toISOString().slice(0, 16);
      });
      await console_.locator("#window-server").selectOption("search");
      await console_.locator("#window-start").fill(inTwoHours);
      await console_.locator("#window-reason").fill("Deploy v2.3");
      await console_.locator("form.window-form button").click();
      for (const [name, hash, settle] of pages) {
        const shown = name === "oncall" ? console_ : page;
        if (shown === page) await page.goto(`${site.url}${hash}`);
        await page.waitForTimeout(settle);
        const file = path.join(out, `${name}-${screen}-${theme}.png`);
        await shown.screenshot({ path: file, fullPage: true });
        console.log(file);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  await site.close();
  await everything.stop();
  await demo.stop();
}
