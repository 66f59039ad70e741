// Starting MCP servers for tests and for the demo: free ports, 127.0.0.1 only, stopped by
// whoever started them.
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

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

/** Starts a node server script with PORT set (a free one unless given), bound to loopback only. */
async function startNodeServer(script, args, extraEnv = {}, port = 0) {
  port ||= await freePort();
  const command = [process.execPath, "--import", path.join(repoRoot, "tests/support/loopback-only.mjs"), script, ...args];
  return startProcess(command, port, { PORT: String(port), ...extraEnv });
}

/**
 * An MCP server built with the official Python SDK (tests/support/python_server.py), without
 * CORS headers (its default) or with them (`{ cors: true }`).
 */
export async function startPythonServer({ cors = false } = {}) {
  const port = await freePort();
  const python = path.join(repoRoot, ".venv/bin/python");
  const command = [python, path.join(repoRoot, "tests/support/python_server.py"), "--port", String(port)];
  if (cors) command.push("--cors");
  const server = await startProcess(command, port, {});
  return { ...server, url: `http://127.0.0.1:${port}/mcp` };
}

async function startProcess([program, ...args], port, extraEnv) {
  const child = spawn(program, args, {
    env: { ...process.env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
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

/**
 * The npm reference server `@modelcontextprotocol/server-everything`, in `streamableHttp`
 * mode (endpoint /mcp) or in the legacy `sse` mode (endpoint /sse).
 */
export async function startEverythingServer(mode = "streamableHttp", port = 0) {
  const script = path.join(repoRoot, "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
  const server = await startNodeServer(script, [mode], {}, port);
  const endpoint = mode === "sse" ? "/sse" : "/mcp";
  return { ...server, url: `http://127.0.0.1:${server.port}${endpoint}` };
}

