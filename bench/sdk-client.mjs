// The comparison client for bench/probe.mjs: the official TypeScript SDK in the browser,
// doing what a client does to learn a server's tools (connect + listTools).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

window.sdkProbe = async (url) => {
  const client = new Client({ name: "mcp-status-bench", version: "0" });
  const started = performance.now();
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const { tools } = await client.listTools();
  const ms = performance.now() - started;
  await client.close();
  return { ms, tools: tools.length };
};
