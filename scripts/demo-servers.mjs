// Starts the MCP servers the example status.json monitors, on the ports it names, prints their
// URLs and how to make things happen, and stops them on exit. Used by scripts/run.
//   http://127.0.0.1:3001/mcp          the npm reference server (server-everything)
//   http://127.0.0.1:3002/cold-start   scales to zero after 45 s idle (tests/support/misbehaving-server.mjs)
//   http://127.0.0.1:3002/switchable   works until switched to failing
import { startEverythingServer } from "../tests/support/servers.mjs";
import { startMisbehavingServer } from "../tests/support/misbehaving-server.mjs";

const everything = await startEverythingServer("streamableHttp", 3001);
const demo = await startMisbehavingServer(3002);
console.log(`reference MCP server (npm server-everything): ${everything.url}`);
console.log(`demo server: ${demo.url("/cold-start")} and ${demo.url("/switchable")}`);
console.log(`  make /switchable fail:        ${demo.url("/control/fail")}   (back: /control/recover)`);
console.log(`  make /cold-start sleep now:   ${demo.url("/control/sleep")}  (or hide the tab for a minute)`);
const stop = async () => {
  await Promise.all([everything.stop(), demo.stop()]);
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
setInterval(() => {}, 1 << 30);
