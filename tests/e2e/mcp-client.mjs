// An independent opinion: what the official TypeScript SDK client sees on a server. The tests
// compare the page's findings with it instead of with numbers written into the test.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

export async function listToolsWithSdk(url) {
  const client = new Client({ name: "mcp-status-e2e-oracle", version: "0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const tools = [];
  let cursor;
  do {
    const page = await client.listTools(cursor ? { cursor } : {});
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  const server = client.getServerVersion();
  await client.close();
  return { tools, server };
}
