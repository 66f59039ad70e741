// Starts the MCP servers the demo page points at, prints their URLs, and stops them on exit.
// Used by scripts/run; runs until interrupted.
import { startEverythingServer } from "../tests/support/servers.mjs";

const everything = await startEverythingServer();
console.log(`reference MCP server (npm server-everything): ${everything.url}`);
const stop = async () => {
  await everything.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
setInterval(() => {}, 1 << 30);
