// Our own MCP test server. Each path is one behaviour, good or bad, and
// tests/support/scenarios.json says which verdict each must get, natively and in a browser.
//
//   /<scenario>            the MCP endpoint of that scenario (see SCENARIOS below)
//   /<scenario>?delay_ms=N answer every request N ms late
//   /<scenario>?tools=N&page_size=M   list N tools, M a page
//   /served                what the endless tool lists have served so far, as JSON
//
// It speaks just enough MCP: initialize, notifications/initialized, tools/list with cursors,
// DELETE; the legacy HTTP+SSE transport on /legacy; the stateless 2026-07-28 revision on
// /modern. CORS is permissive unless a scenario is about CORS.
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";

const PROTOCOL = "2025-11-25";
const XSS = `<img src=x onerror="window.__pwned='server'"><script>window.__pwned='script'</script>`;

const FULL_CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, DELETE",
  "access-control-allow-headers":
    "content-type, mcp-session-id, mcp-protocol-version, mcp-method, mcp-name, authorization, last-event-id",
  "access-control-expose-headers": "mcp-session-id, www-authenticate",
};

/** CORS headers for a scenario: some scenarios leave some out on purpose. */
function corsFor(scenario) {
  switch (scenario) {
    case "no-cors":
      return {};
    case "no-expose": {
      const { ["access-control-expose-headers"]: _, ...rest } = FULL_CORS;
      return rest;
    }
    case "no-allow-headers":
      // The mistake of many hand-written CORS setups: origin allowed, headers not.
      return {
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "GET, POST, DELETE",
        "access-control-allow-headers": "content-type",
        "access-control-expose-headers": "mcp-session-id",
      };
    default:
      return FULL_CORS;
  }
}

function toolList(count, scenario) {
  // `/drifting`: each `/control/drift` adds a tool and rewords the first (schema drift).
  const drift = scenario === "drifting" ? demo.drift : 0;
  return Array.from({ length: count + drift }, (_, i) => ({
    name: scenario === "xss" ? `${XSS}-${i}` : `tool-${String(i + 1).padStart(3, "0")}`,
    title: scenario === "xss" ? XSS : `Tool ${i + 1}`,
    description:
      scenario === "xss" ? `javascript:alert(1) ${XSS}` : i === 0 && drift ? `Does thing 1, revision ${drift}.` : `Does thing ${i + 1}.`,
    inputSchema: { type: "object", properties: {} },
  }));
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(res, status, message, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(message));
}

function sendSse(res, events, headers = {}) {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...headers });
  for (const event of events) res.write(event);
  res.end();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sessions the stateful scenarios know, so a missing or unknown id is refused like real servers do. */
const sessions = new Set();

/**
 * The demo endpoints (scripts/run): `/cold-start` behaves like a free-tier instance that scales
 * to zero after `idle_s` seconds without a request (default 45): the first request after that
 * waits for a boot of `boot_ms` (default 8000, longer than the demo's 5 s probe timeout), and
 * the first answer after a boot is slow (1.5 s) while the instance warms up. `/switchable`
 * works until switched to failing. Both are switched with plain GETs, so a newcomer can click:
 * `/control/sleep` scales `/cold-start` to zero now, `/control/fail` and `/control/recover`;
 * `/control/drift` changes the tool list of `/drifting`.
 */
const demo = { lastRequestAt: null, bootedAt: 0, warming: false, failing: false, drift: 0 };

async function coldStart(url) {
  const now = Date.now();
  const idleMs = Number(url.searchParams.get("idle_s") ?? 45) * 1000;
  // The instance is up when the server starts, as after a deploy.
  const idle = demo.lastRequestAt !== null && now - demo.lastRequestAt >= idleMs;
  demo.lastRequestAt = now;
  if (idle) {
    // Scaled to zero: this request starts a new instance and waits for it.
    demo.bootedAt = now;
    demo.warming = true;
    await sleep(Number(url.searchParams.get("boot_ms") ?? 8000));
    return;
  }
  if (demo.warming && now - demo.bootedAt > 1000) {
    demo.warming = false;
    await sleep(1500);
  }
}

function control(res, action) {
  if (action === "sleep") demo.lastRequestAt = 0;
  if (action === "wake") demo.lastRequestAt = null;
  if (action === "drift") demo.drift += 1;
  if (action === "fail") demo.failing = true;
  if (action === "recover") demo.failing = false;
  res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "access-control-allow-origin": "*" });
  res.end(`${action}: /switchable is ${demo.failing ? "failing" : "working"}; /cold-start ${demo.lastRequestAt === 0 ? "will cold-start on its next request" : "is up"}\n`);
}

/** Legacy HTTP+SSE streams by session id. */
const legacyStreams = new Map();

function initializeResult(id, scenario) {
  const serverInfo =
    scenario === "xss"
      ? { name: XSS, version: `<b>1</b>${XSS}`, title: XSS }
      : { name: "mcp-status-test-server", version: "1.0.0" };
  return {
    jsonrpc: "2.0",
    id,
    result: {
      protocolVersion: scenario === "bad-version" ? "1999-01-01" : PROTOCOL,
      capabilities: { tools: {} },
      serverInfo,
      ...(scenario === "xss" ? { instructions: XSS } : {}),
    },
  };
}

function toolsResult(message, options, scenario) {
  const all = toolList(options.tools, scenario);
  if (scenario === "cursor-loop") {
    return { jsonrpc: "2.0", id: message.id, result: { tools: all.slice(0, 1), nextCursor: "again" } };
  }
  const size = options.pageSize || all.length || 1;
  const start = Number(message.params?.cursor ?? 0) || 0;
  const next = start + size < all.length ? String(start + size) : undefined;
  return { jsonrpc: "2.0", id: message.id, result: { tools: all.slice(start, start + size), nextCursor: next } };
}

/**
 * Tool lists that never end, every page with a new cursor: `/tools-flood` pages about 1 MiB of
 * tools (the probe's cap on the bytes of a whole check), `/tools-many` 500 small tools (its cap
 * on tools). `served` counts what each wrote, so a test can tell when the client stopped.
 */
const served = {};

function endlessToolsPage(res, message, scenario, cors) {
  const page = Number(message.params?.cursor ?? 0) || 0;
  const flood = scenario === "tools-flood";
  const tools = Array.from({ length: flood ? 256 : 500 }, (_, i) => ({
    name: `tool-${page}-${i}`,
    description: flood ? "x".repeat(4096) : `Does thing ${i}.`,
    inputSchema: { type: "object", properties: {} },
  }));
  const body = JSON.stringify({ jsonrpc: "2.0", id: message.id, result: { tools, nextCursor: String(page + 1) } });
  const count = (served[scenario] ??= { pages: 0, bytes: 0 });
  count.pages += 1;
  count.bytes += Buffer.byteLength(body);
  res.on("error", () => {});
  res.writeHead(200, { ...cors, "content-type": "application/json" });
  res.end(body);
}

/** The stateful Streamable HTTP server most scenarios bend. */
async function streamable(req, res, scenario, options, cors) {
  if (req.method === "DELETE") {
    sessions.delete(req.headers["mcp-session-id"]);
    res.writeHead(scenario === "no-delete" ? 405 : 200, cors).end();
    return;
  }
  if (req.method !== "POST") {
    res.writeHead(405, { ...cors, allow: "POST, DELETE" }).end();
    return;
  }
  let message;
  try {
    message = JSON.parse(await readBody(req));
  } catch {
    sendJson(res, 400, { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }, cors);
    return;
  }
  if (message.method !== "initialize") {
    const session = req.headers["mcp-session-id"];
    if (!session) {
      sendJson(res, 400, { jsonrpc: "2.0", id: null, error: { code: -32000, message: "Bad Request: No valid session ID provided" } }, cors);
      return;
    }
    const forgotten = scenario === "session-lost" && message.method === "tools/list";
    if (!sessions.has(session) || forgotten) {
      sendJson(res, 404, { jsonrpc: "2.0", id: null, error: { code: -32001, message: "Session not found" } }, cors);
      return;
    }
  }
  switch (message.method) {
    case "initialize":
      return initialize(req, res, message, scenario, cors);
    case "notifications/initialized":
      if (scenario === "notification-500") {
        res.writeHead(500, { ...cors, "content-type": "text/plain" }).end("Internal Server Error");
        return;
      }
      res.writeHead(202, cors).end();
      return;
    case "tools/list":
      if (scenario === "tools-error") {
        sendJson(res, 200, { jsonrpc: "2.0", id: message.id, error: { code: -32603, message: "Internal error: database unavailable" } }, cors);
        return;
      }
      if (scenario === "tools-malformed") {
        sendJson(res, 200, { jsonrpc: "2.0", id: message.id, result: { tools: "echo, add" } }, cors);
        return;
      }
      if (scenario === "tools-hang") return; // never answered: the cold-start signature
      if (scenario === "tools-flood" || scenario === "tools-many") return endlessToolsPage(res, message, scenario, cors);
      sendJson(res, 200, toolsResult(message, options, scenario), cors);
      return;
    default:
      sendJson(res, 200, { jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } }, cors);
  }
}

async function initialize(req, res, message, scenario, cors) {
  const session = randomUUID();
  const headers = { ...cors, "mcp-session-id": session };
  switch (scenario) {
    case "status-500":
      res.writeHead(500, { ...cors, "content-type": "text/html" }).end("<h1>500 Internal Server Error</h1>");
      return;
    case "html":
      res.writeHead(200, { ...cors, "content-type": "text/html" }).end("<!doctype html><title>Welcome</title><h1>My app</h1>");
      return;
    case "garbage":
      res.writeHead(200, { ...cors, "content-type": "application/json" }).end("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{oops");
      return;
    case "empty":
      res.writeHead(200, { ...cors, "content-type": "application/json" }).end();
      return;
    case "rpc-error":
      sendJson(res, 200, { jsonrpc: "2.0", id: message.id, error: { code: -32603, message: "Internal error: config missing" } }, cors);
      return;
    case "wrong-id":
      sendJson(res, 200, { ...initializeResult(message.id, scenario), id: 999 }, headers);
      return;
    case "missing-fields":
      sendJson(res, 200, { jsonrpc: "2.0", id: message.id, result: { protocolVersion: PROTOCOL, capabilities: {} } }, headers);
      return;
    case "hang":
      return; // headers never come
    case "drip":
      // Headers, then a byte now and then, forever.
      res.writeHead(200, { ...cors, "content-type": "text/event-stream" });
      res.write(": ");
      {
        const timer = setInterval(() => res.write(":"), 100);
        res.on("close", () => clearInterval(timer));
      }
      return;
    case "huge": {
      // A 50 MB answer: the probe must stop reading at its cap, not freeze.
      res.writeHead(200, { ...cors, "content-type": "application/json" });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 50 && !res.destroyed) {
          sent += 1;
          if (!res.write(chunk)) return res.once("drain", pump);
        }
        res.end();
      };
      res.on("error", () => {});
      pump();
      return;
    }
    case "reset":
      res.writeHead(200, { ...cors, "content-type": "application/json" });
      res.write("{\"jsonrpc\":\"2.0\",");
      setTimeout(() => res.destroy(), 50);
      return;
    case "sse":
    case "endless": {
      sessions.add(session);
      const events = [
        "id: prime-1\ndata: \n\n",
        ": keep-alive\n\n",
        `event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "hello" } })}\n\n`,
        `event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", id: "srv-1", method: "roots/list" })}\n\n`,
        `event: message\nid: e-2\ndata: ${JSON.stringify(initializeResult(message.id, scenario))}\n\n`,
      ];
      if (scenario === "sse") return sendSse(res, events, headers);
      // The answer comes, and the stream stays open with keep-alives.
      res.writeHead(200, { ...headers, "content-type": "text/event-stream" });
      for (const event of events) res.write(event);
      const timer = setInterval(() => res.write(": ping\n\n"), 200);
      res.on("close", () => clearInterval(timer));
      return;
    }
    default:
      sessions.add(session);
      sendJson(res, 200, initializeResult(message.id, scenario), headers);
  }
}

/** 401s: with a pointer to the protected-resource metadata, or bare. */
function auth(req, res, scenario, cors) {
  const host = `http://${req.headers.host}`;
  const challenge =
    scenario === "auth"
      ? { "www-authenticate": `Bearer resource_metadata="${host}/.well-known/oauth-protected-resource/auth", scope="tools:read"` }
      : {};
  sendJson(res, 401, { error: "unauthorized" }, { ...cors, ...challenge });
}

function protectedResourceMetadata(req, res, cors) {
  const host = `http://${req.headers.host}`;
  sendJson(
    res,
    200,
    {
      resource: `${host}/auth`,
      authorization_servers: ["https://auth.example.com"],
      scopes_supported: ["tools:read", "tools:write"],
      bearer_methods_supported: ["header"],
    },
    cors,
  );
}

/** The deprecated HTTP+SSE transport: GET opens the stream, POSTs are answered on it. */
async function legacy(req, res, url, cors) {
  if (url.pathname === "/legacy" && req.method === "GET") {
    const session = randomUUID();
    res.writeHead(200, { ...cors, "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(`event: endpoint\ndata: /legacy/message?sessionId=${session}\n\n`);
    legacyStreams.set(session, res);
    res.on("close", () => legacyStreams.delete(session));
    return;
  }
  if (url.pathname === "/legacy/message" && req.method === "POST") {
    const stream = legacyStreams.get(url.searchParams.get("sessionId"));
    if (!stream) {
      res.writeHead(404, cors).end("Unknown session");
      return;
    }
    const message = JSON.parse(await readBody(req));
    res.writeHead(202, cors).end("Accepted");
    let reply;
    if (message.method === "initialize") {
      reply = initializeResult(message.id, "legacy");
      reply.result.protocolVersion = "2024-11-05";
    }
    if (message.method === "tools/list") reply = toolsResult(message, { tools: 4, pageSize: 0 }, "legacy");
    if (reply) stream.write(`event: message\ndata: ${JSON.stringify(reply)}\n\n`);
    return;
  }
  // POST /legacy: a legacy server has no Streamable HTTP endpoint here.
  res.writeHead(404, cors).end("Cannot POST /legacy");
}

/** A stateless 2026-07-28 server: no initialize, `_meta` and MCP headers on every request. */
async function modern(req, res, cors) {
  if (req.method !== "POST") {
    res.writeHead(405, cors).end();
    return;
  }
  const message = JSON.parse(await readBody(req));
  const version = req.headers["mcp-protocol-version"];
  if (version !== "2026-07-28" || req.headers["mcp-method"] !== message.method) {
    sendJson(res, 400, {
      jsonrpc: "2.0",
      id: message.id ?? null,
      error: { code: -32020, message: "Header mismatch: MCP-Protocol-Version and Mcp-Method are required (this server supports 2026-07-28)" },
    }, cors);
    return;
  }
  if (message.method === "server/discover") {
    sendJson(res, 200, {
      jsonrpc: "2.0",
      id: message.id,
      result: {
        resultType: "complete",
        supportedVersions: ["2026-07-28"],
        capabilities: { tools: {} },
        _meta: { "io.modelcontextprotocol/serverInfo": { name: "mcp-status-modern-test-server", version: "2.0.0" } },
      },
    }, cors);
    return;
  }
  if (message.method === "tools/list") {
    const reply = toolsResult(message, { tools: 5, pageSize: 0 }, "modern");
    reply.result.resultType = "complete";
    sendJson(res, 200, reply, cors);
    return;
  }
  sendJson(res, 404, { jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } }, cors);
}

async function handle(req, res) {
  const url = new URL(req.url, "http://127.0.0.1");
  const scenario = url.pathname.split("/")[1] || "ok";
  const options = {
    delayMs: Number(url.searchParams.get("delay_ms") ?? 0),
    tools: Number(url.searchParams.get("tools") ?? 3),
    pageSize: Number(url.searchParams.get("page_size") ?? 0),
  };
  const cors = corsFor(scenario);
  if (req.method === "OPTIONS") {
    // A preflight: answered with whatever this scenario allows.
    res.writeHead(204, cors).end();
    return;
  }
  if (options.delayMs) await sleep(options.delayMs);
  if (scenario === "control") return control(res, url.pathname.split("/")[2] ?? "");
  if (scenario === "served") return sendJson(res, 200, served, cors);
  // Only the request that opens a probe (initialize) wakes or slows the demo instance.
  if (scenario === "cold-start" && req.method === "POST" && !req.headers["mcp-session-id"]) await coldStart(url);
  if (scenario === "switchable" && demo.failing) {
    res.writeHead(503, { ...cors, "content-type": "text/plain" }).end("Service Unavailable (switched to failing: /control/recover)");
    return;
  }
  if (url.pathname.startsWith("/.well-known/oauth-protected-resource")) {
    return protectedResourceMetadata(req, res, cors);
  }
  if (scenario === "redirect-loop") {
    res.writeHead(307, { ...cors, location: url.pathname + url.search }).end();
    return;
  }
  if (scenario === "auth" || scenario === "auth-bare") return auth(req, res, scenario, cors);
  if (scenario === "legacy") return legacy(req, res, url, cors);
  if (scenario === "modern") return modern(req, res, cors);
  return streamable(req, res, scenario, options, cors);
}

/** Starts the server on 127.0.0.1 at `port` (0: any free port). */
export async function startMisbehavingServer(port = 0) {
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => res.destroy(error));
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = server.address().port;
  return {
    port: actual,
    url: (path = "/ok") => `http://127.0.0.1:${actual}${path}`,
    stop: () =>
      new Promise((resolve) => {
        for (const stream of legacyStreams.values()) stream.destroy();
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
