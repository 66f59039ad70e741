// Our own MCP test server: a correct Streamable HTTP server whose behaviour each test bends
// through the URL, e.g. `/mcp?delay_ms=800` answers every request 800 ms late. It speaks just
// enough MCP (initialize, notifications/initialized, tools/list with pages, DELETE) and sends
// permissive CORS headers unless told otherwise. Later issues add more ways to misbehave.
//
// Query parameters:
//   delay_ms=N     wait N ms before answering each request
//   tools=N        list N tools (default 3)
//   page_size=N    paginate tools/list with N tools a page (default: all on one page)
//   sse=1          answer requests with an SSE stream instead of JSON
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";

const PROTOCOL = "2025-11-25";

function cors(res) {
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader("access-control-allow-methods", "GET, POST, DELETE");
  res.setHeader(
    "access-control-allow-headers",
    "content-type, mcp-session-id, mcp-protocol-version, authorization, last-event-id",
  );
  res.setHeader("access-control-expose-headers", "mcp-session-id, www-authenticate");
}

function tools(count) {
  return Array.from({ length: count }, (_, i) => ({
    name: `tool-${String(i + 1).padStart(3, "0")}`,
    title: `Tool ${i + 1}`,
    inputSchema: { type: "object", properties: {} },
  }));
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

function reply(res, options, message, headers = {}) {
  const body = JSON.stringify(message);
  if (options.sse) {
    res.writeHead(200, { "content-type": "text/event-stream", ...headers });
    res.end(`id: prime\ndata: \n\nevent: message\ndata: ${body}\n\n`);
  } else {
    res.writeHead(200, { "content-type": "application/json", ...headers });
    res.end(body);
  }
}

async function handle(req, res) {
  const url = new URL(req.url, "http://127.0.0.1");
  const options = {
    delayMs: Number(url.searchParams.get("delay_ms") ?? 0),
    tools: Number(url.searchParams.get("tools") ?? 3),
    pageSize: Number(url.searchParams.get("page_size") ?? 0),
    sse: url.searchParams.get("sse") === "1",
  };
  cors(res);
  if (req.method === "OPTIONS") {
    res.writeHead(204).end();
    return;
  }
  if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
  if (req.method === "DELETE") {
    res.writeHead(200).end();
    return;
  }
  if (req.method !== "POST") {
    res.writeHead(405).end();
    return;
  }
  let message;
  try {
    message = JSON.parse(await readBody(req));
  } catch {
    res.writeHead(400, { "content-type": "application/json" });
    res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }));
    return;
  }
  switch (message.method) {
    case "initialize":
      reply(
        res,
        options,
        {
          jsonrpc: "2.0",
          id: message.id,
          result: {
            protocolVersion: PROTOCOL,
            capabilities: { tools: {} },
            serverInfo: { name: "mcp-status-test-server", version: "1.0.0" },
          },
        },
        { "mcp-session-id": randomUUID() },
      );
      return;
    case "notifications/initialized":
      res.writeHead(202).end();
      return;
    case "tools/list": {
      const all = tools(options.tools);
      const size = options.pageSize || all.length || 1;
      const start = Number(message.params?.cursor ?? 0);
      const page = all.slice(start, start + size);
      const next = start + size < all.length ? String(start + size) : undefined;
      reply(res, options, { jsonrpc: "2.0", id: message.id, result: { tools: page, nextCursor: next } });
      return;
    }
    default:
      reply(res, options, { jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } });
  }
}

/** Starts the server on 127.0.0.1 at `port` (0: any free port). */
export async function startMisbehavingServer(port = 0) {
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.destroy(error);
    });
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = server.address().port;
  return {
    port: actual,
    url: (path = "/mcp") => `http://127.0.0.1:${actual}${path}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
