// The runner's publishing (scripts/publish-data.sh), as the scheduled workflow runs it: each
// round commits the data branch and pushes; two rounds that overlap (two clones racing to
// push) both land, every probe line kept. Uses the `mcp-status` binary the native tests
// build (target/debug) and our misbehaving server on loopback; git only on local folders.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "./harness.mjs";
import { startMisbehavingServer } from "../support/misbehaving-server.mjs";

const run = promisify(execFile);
const binary = path.join(repoRoot, "target/debug/mcp-status");
const script = path.join(repoRoot, "scripts/publish-data.sh");
const git = (cwd, ...args) => run("git", args, { cwd });

describe("publishing the runner's data", () => {
  let server, root;

  before(async () => {
    assert.ok(existsSync(binary), `${binary}: built by the native tests (cargo test)`);
    server = await startMisbehavingServer();
    root = await mkdtemp(path.join(os.tmpdir(), "mcp-status-publish-"));
  });

  after(async () => {
    await server?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** A clone of the shared repository, ready to run a round. */
  async function clone(name) {
    const dir = path.join(root, name);
    await git(root, "clone", "-q", path.join(root, "remote.git"), dir);
    return dir;
  }

  const round = (dir) =>
    run(script, [], { cwd: dir, env: { ...process.env, MCP_STATUS: binary, GIT_AUTHOR_NAME: "test", GIT_AUTHOR_EMAIL: "test@example.com" } });

  async function published(name) {
    const dir = await clone(name);
    await git(dir, "checkout", "-q", "mcp-status-data");
    const folder = path.join(dir, "data/history/api");
    const [file] = (await import("node:fs")).readdirSync(folder);
    const lines = (await readFile(path.join(folder, file), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    const { stdout } = await git(dir, "rev-list", "--count", "HEAD");
    return { lines, commits: Number(stdout.trim()), dir };
  }

  test("each round lands on the data branch, and overlapping rounds lose nothing", async () => {
    // The site's repository: status.json on main.
    await git(root, "init", "-q", "--bare", "-b", "main", "remote.git");
    const seed = path.join(root, "seed");
    await git(root, "init", "-q", "-b", "main", seed);
    await writeFile(path.join(seed, "status.json"), JSON.stringify({ servers: [{ name: "api", url: server.url("/ok") }] }));
    await git(seed, "add", "status.json");
    await git(seed, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "site");
    await git(seed, "push", "-q", path.join(root, "remote.git"), "main");

    // The first round creates the branch.
    await round(await clone("first"));
    let data = await published("check1");
    assert.equal(data.lines.length, 1);
    assert.equal(data.commits, 1);
    assert.equal(data.lines[0].outcome, "ok");
    assert.ok(existsSync(path.join(data.dir, "data/summary.json")));
    assert.ok(existsSync(path.join(data.dir, "data/badges/api/status.svg")));

    // Two rounds at once, from two clones: one pushes first, the other rebases and pushes.
    const [a, b] = await Promise.all([clone("a"), clone("b")]);
    // The second starts 20 ms later, so that the two probes' times differ (a round takes
    // far longer: both still start from the same branch head).
    const later = new Promise((resolve) => setTimeout(resolve, 20)).then(() => round(b));
    const results = await Promise.allSettled([round(a), later]);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "fulfilled"], JSON.stringify(results.map((r) => r.reason?.stderr)));
    // Both started from the same branch head (each probes before it pushes): one was behind.
    const rebased = results.filter((r) => /rebasing onto it/.test(r.value.stderr));
    assert.equal(rebased.length, 1, JSON.stringify(results.map((r) => r.value.stderr)));
    data = await published("check2");
    assert.equal(data.lines.length, 3, "every round's line is there");
    assert.equal(new Set(data.lines.map((l) => l.at)).size, 3);
    assert.equal(data.commits, 3);
    const summary = JSON.parse(await readFile(path.join(data.dir, "data/summary.json"), "utf8"));
    assert.equal(summary.servers[0].state, "up");
  });
});
