// Starts one test server on a free 127.0.0.1 port for a test written in another language,
// prints {"url": ...} on one line, and runs until SIGTERM or until its stdin closes (so a test
// that dies takes its server with it).
//
//   node tests/support/serve.mjs misbehaving
//   node tests/support/serve.mjs everything [streamableHttp|sse]
//   node tests/support/serve.mjs python [cors]
import { startEverythingServer, startPythonServer } from "./servers.mjs";
import { startMisbehavingServer } from "./misbehaving-server.mjs";

const [name, mode] = process.argv.slice(2);
let server;
if (name === "misbehaving") {
  server = await startMisbehavingServer();
  server.url = server.url("");
} else if (name === "everything") {
  server = await startEverythingServer(mode ?? "streamableHttp");
} else if (name === "python") {
  server = await startPythonServer({ cors: mode === "cors" });
} else {
  console.error(`unknown server ${name}`);
  process.exit(2);
}
console.log(JSON.stringify({ url: server.url }));
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
