// What the end-to-end tests start and stop: a static server for the built site, the reference
// MCP servers (tests/support/servers.mjs) and headless Chromium from Debian. Ports are picked
// free; everything listens on 127.0.0.1 and is stopped by the test that started it.
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { cp, mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import os from "node:os";
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
  return serveSites([{ dir, prefix, statusJson, data }]);
}

/**
 * Several sites on one origin, as GitHub Pages serves an owner's sites: each of `sites`
 * (`{ dir, prefix, statusJson, data }`) as `serveStatic` serves one, a request going to the
 * site with the longest prefix it starts with. `url` is the first site's address, `urls` all.
 */
export async function serveSites(sites) {
  const port = await freePort();
  const longestFirst = [...sites].sort((a, b) => b.prefix.length - a.prefix.length);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const site = longestFirst.find((s) => url.pathname.startsWith(s.prefix));
    const { dir, prefix, statusJson, data } = site ?? sites[0];
    let rel = site ? url.pathname.slice(prefix.length) : null;
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
    url: `http://127.0.0.1:${port}${sites[0].prefix}`,
    urls: sites.map((s) => `http://127.0.0.1:${port}${s.prefix}`),
    port,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * A copy of the built site (`dir`, built for `publicUrl`, the console in its console/) with
 * relative URLs, as Trunk builds it with Trunk.toml's `public_url = "./"`: the same files then
 * serve under any path. The start-up scripts' integrity hashes are computed again. Returns
 * the copy's folder (in the system's temporary folder: the caller removes it).
 */
export async function relativeCopy(dir = distDir, publicUrl = "/mcp-status/") {
  const copy = await mkdtemp(path.join(os.tmpdir(), "mcp-status-relative-"));
  await cp(dir, copy, { recursive: true });
  for (const folder of ["", "console/"]) {
    const at = path.join(copy, folder);
    const files = await readdir(at).catch(() => []);
    const from = `${publicUrl}${folder}`;
    const html = files.filter((f) => f.endsWith(".html"));
    for (const start of files.filter((f) => /^start-.*\.js$/.test(f))) {
      const before = await readFile(path.join(at, start));
      const after = Buffer.from(before.toString().replaceAll(from, "./"));
      await writeFile(path.join(at, start), after);
      for (const page of html) {
        const text = await readFile(path.join(at, page), "utf8");
        await writeFile(path.join(at, page), text.replace(integrity(before), integrity(after)));
      }
    }
    for (const page of html) {
      const text = await readFile(path.join(at, page), "utf8");
      await writeFile(path.join(at, page), text.replaceAll(from, "./"));
    }
  }
  return copy;
}

const integrity = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;

/** The page's address that checks `serverUrl` (the `#/check?url=…&timeout=…` route). */
export function checkAddress(siteUrl, serverUrl, timeoutS) {
  const query = new URLSearchParams({ url: serverUrl });
  if (timeoutS) query.set("timeout", String(timeoutS));
  return `${siteUrl}#/check?${query}`;
}

/** Headless Chromium from Debian; `args` are added to its command line. */
export async function launchBrowser(args = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      ...args,
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
