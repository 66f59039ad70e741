// What the end-to-end tests start and stop: a static server for the built site, the reference
// MCP servers (tests/support/servers.mjs) and headless Chromium from Debian. Ports are picked
// free; everything listens on 127.0.0.1 and is stopped by the test that started it.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { freePort } from "../support/servers.mjs";

export { freePort, startEverythingServer } from "../support/servers.mjs";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const distDir = path.join(repoRoot, "dist");

const contentTypes = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

/**
 * Serves `dir` on 127.0.0.1 like GitHub Pages does: under `prefix`, 404.html for misses.
 * `statusJson` is the `status.json` served beside the page (text, or an object made JSON);
 * by default there is none (404), so a test never probes the example config's servers.
 * `data` is a folder served at `data/` (the runner's published history); none by default.
 */
export async function serveStatic(dir, prefix = "/", { statusJson, data } = {}) {
  const port = await freePort();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let rel = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : null;
    // `data`: a folder served at data/, as the runner's published history is.
    if (data && rel?.startsWith("data/")) {
      const file = path.join(data, decodeURIComponent(rel.slice("data/".length)));
      try {
        if (!file.startsWith(data) || !(await stat(file)).isFile()) throw new Error("miss");
        res.writeHead(200, { "content-type": contentTypes[path.extname(file)] ?? "application/x-ndjson" });
        return res.end(await readFile(file));
      } catch {
        res.writeHead(404, { "content-type": "text/plain" });
        return res.end("not published");
      }
    }
    if (rel === "status.json") {
      if (statusJson === undefined) {
        res.writeHead(404, { "content-type": "text/plain" });
        return res.end("no status.json");
      }
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(typeof statusJson === "string" ? statusJson : JSON.stringify(statusJson));
    }
    if (rel === "" || rel?.endsWith("/")) rel = `${rel}index.html`;
    const file = rel === null ? null : path.join(dir, rel);
    try {
      if (!file || !file.startsWith(dir) || !(await stat(file)).isFile()) throw new Error("miss");
      res.writeHead(200, { "content-type": contentTypes[path.extname(file)] ?? "application/octet-stream" });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404, { "content-type": "text/html; charset=utf-8" });
      res.end(await readFile(path.join(dir, "404.html")).catch(() => "not found"));
    }
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** The page's address that checks `serverUrl` (the `#/check?url=…&timeout=…` route). */
export function checkAddress(siteUrl, serverUrl, timeoutS) {
  const query = new URLSearchParams({ url: serverUrl });
  if (timeoutS) query.set("timeout", String(timeoutS));
  return `${siteUrl}#/check?${query}`;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
