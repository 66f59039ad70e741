// What the end-to-end tests start and stop: a static server for the built site, the reference
// MCP servers, and headless Chromium from Debian. Ports are picked free; everything listens on
// 127.0.0.1 and is stopped by the test that started it.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const distDir = path.join(repoRoot, "dist");

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const contentTypes = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

/** Serves `dir` on 127.0.0.1 like GitHub Pages does: under `prefix`, 404.html for misses. */
export async function serveStatic(dir, prefix = "/") {
  const port = await freePort();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let rel = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : null;
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

async function waitForPort(port, child, timeoutMs = 20000) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`server exited early with ${child.exitCode}`);
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => { socket.destroy(); resolve(true); });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing listened on ${port} within ${timeoutMs} ms`);
}

/** Starts a node server script with PORT set, bound to loopback only. */
async function startNodeServer(script, args, extraEnv = {}) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["--import", path.join(repoRoot, "tests/support/loopback-only.mjs"), script, ...args],
    { env: { ...process.env, PORT: String(port), ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  try {
    await waitForPort(port, child);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${error.message}\n${output}`);
  }
  return {
    port,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}

/** The npm reference server `@modelcontextprotocol/server-everything` (Streamable HTTP). */
export async function startEverythingServer() {
  const script = path.join(repoRoot, "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
  const server = await startNodeServer(script, ["streamableHttp"]);
  return { ...server, url: `http://127.0.0.1:${server.port}/mcp` };
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
