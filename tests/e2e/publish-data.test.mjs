// The runner's publishing (scripts/publish-data.sh), as the scheduled workflow runs it: each
// round commits the data branch and pushes, then sends what it claimed and pushes that record;
// two rounds that overlap (two clones racing to push) both land, every probe line kept; a push
// that fails sends nothing and causes no second page; no secret reaches the branch, the Pages
// artifact or the output. Uses the `mcp-status` binary the native tests build (target/debug),
// our misbehaving server and a webhook receiver on loopback; git only on local folders.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort, repoRoot } from "./harness.mjs";
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

  const round = (dir, env = {}) =>
    run(script, [], { cwd: dir, env: { ...process.env, MCP_STATUS: binary, GIT_AUTHOR_NAME: "test", GIT_AUTHOR_EMAIL: "test@example.com", ...env } });

  /** A round that may fail: its exit code and output. */
  const tryRound = (dir, env = {}) =>
    round(dir, env).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  /** A site repository (bare, in `name`) whose main branch holds `status`. */
  async function site(name, status) {
    const bare = path.join(root, `${name}.git`);
    await git(root, "init", "-q", "--bare", "-b", "main", bare);
    const seed = path.join(root, `${name}-seed`);
    await git(root, "init", "-q", "-b", "main", seed);
    await writeFile(path.join(seed, "status.json"), JSON.stringify(status));
    await git(seed, "add", "status.json");
    await git(seed, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "site");
    await git(seed, "push", "-q", bare, "main");
    const dir = path.join(root, name);
    await git(root, "clone", "-q", bare, dir);
    return { bare, dir };
  }

  /** A webhook receiver on loopback: the bodies it was sent. */
  async function receiver() {
    const bodies = [];
    const port = await freePort();
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        bodies.push(JSON.parse(body || "null"));
        res.writeHead(200).end();
      });
    });
    await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${port}/hook`, bodies, close: () => new Promise((r) => server.close(r)) };
  }

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

  test("a push that fails sends nothing, and a record that fails to land is not sent again", async () => {
    const hook = await receiver();
    try {
      const reject = path.join(root, "reject");
      const status = (endpoint) => ({
        servers: [{ name: "api", url: server.url(endpoint), failures_to_down: 1, passes_to_up: 1 }],
        alerting: { channels: [{ id: "hook", kind: "webhook", url: hook.url }], routes: { P1: ["hook"] } },
      });
      const { bare, dir } = await site("failing-push", status("/status-500"));
      // The remote refuses pushes while the file says so: all of them, or the deliveries' record.
      const hookFile = path.join(bare, "hooks/pre-receive");
      await writeFile(
        hookFile,
        `#!/bin/sh
[ -f "${reject}" ] || exit 0
mode=$(cat "${reject}")
# "once": this push is refused, the next one taken.
[ "$mode" = once ] && rm "${reject}"
while read old new ref; do
  subject=$(git log -1 --format=%s "$new")
  if [ "$mode" = all ] || [ "$mode" = once ] || { [ "$mode" = deliveries ] && [ "\${subject#Deliveries}" != "$subject" ]; }; then
    echo "rejected by the test ($mode)"; exit 1
  fi
done
`,
      );
      await chmod(hookFile, 0o755);
      const fired = () => hook.bodies.filter((b) => b.event === "fired").length;
      const recovered = () => hook.bodies.filter((b) => b.event === "recovered").length;
      const env = { PUSH_ATTEMPTS: "2" };

      // The push fails: the round is not published, and nothing is sent.
      await writeFile(reject, "all");
      let r = await tryRound(dir, env);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /rejected by the test \(all\)/, "the push's error is shown");
      assert.match(r.stderr, /not published: no alert was sent/);
      assert.equal(hook.bodies.length, 0);

      // The next round's push fails once, is tried again and lands; then the alert is sent:
      // once.
      await writeFile(reject, "once");
      r = await tryRound(dir, env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /rejected by the test \(once\)/);
      assert.match(r.stderr, /attempt 1 of 2/);
      assert.equal(fired(), 1, JSON.stringify(hook.bodies));
      r = await tryRound(dir, env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(fired(), 1, "not sent again");
      // Acknowledged through the Runner workflow's input (its env): the next round takes it,
      // publishes it, and everyone told hears who.
      r = await tryRound(dir, { ...env, ACKNOWLEDGE: "api", ACKNOWLEDGED_BY: "ana" });
      assert.equal(r.code, 0, r.stderr);
      const acknowledged = hook.bodies.filter((b) => b.event === "acknowledged");
      assert.equal(acknowledged.length, 1, JSON.stringify(hook.bodies));
      assert.equal(acknowledged[0].acknowledged.by, "ana");

      // The server recovers; the round is published and sends the recovery, but its record
      // of that is refused.
      await writeFile(path.join(dir, "status.json"), JSON.stringify(status("/ok")));
      await writeFile(reject, "deliveries");
      r = await tryRound(dir, env);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /rejected by the test \(deliveries\)/);
      assert.match(r.stderr, /their record is not published/);
      assert.equal(recovered(), 1);
      // The next round starts from the published claim: it does not send the recovery again.
      await rm(reject);
      r = await tryRound(dir, env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(recovered(), 1, JSON.stringify(hook.bodies));
      assert.equal(fired(), 1);
    } finally {
      await hook.close();
    }
  });

  test("no secret reaches the data branch, the Pages artifact or the output", async () => {
    const markers = ["S3CRET-HOOK-5e1a", "S3CRET-SLACK-c07d", "S3CRET-PD-91f0"];
    const closed = await freePort();
    const { dir } = await site("secrets", {
      servers: [{ name: "api", url: `http://127.0.0.1:${closed}/mcp`, failures_to_down: 1 }],
      alerting: {
        channels: [
          { id: "hook", kind: "webhook", url_env: "HOOK_URL" },
          { id: "chat", kind: "slack", url_env: "SLACK_URL" },
          { id: "pd", kind: "pagerduty", routing_key_env: "PD_KEY", url: `http://127.0.0.1:${closed}/v2/enqueue` },
        ],
        routes: { P1: ["hook", "chat", "pd"] },
      },
    });
    const env = {
      HOOK_URL: `http://127.0.0.1:${closed}/hook/${markers[0]}`,
      SLACK_URL: `https://${markers[1].toLowerCase()}.invalid/services/T0/B0`,
      PD_KEY: markers[2],
    };
    let output = "";
    for (let i = 0; i < 2; i++) {
      const r = await tryRound(dir, env);
      assert.equal(r.code, 0, r.stderr);
      output += r.stdout + r.stderr;
    }
    assert.match(output, /alert fired api\|downtime\|1 → chat: /, output);
    const found = (text) => markers.filter((m) => text.toLowerCase().includes(m.toLowerCase()));
    assert.deepEqual(found(output), [], output);

    // Every version of every file on the data branch.
    await git(dir, "fetch", "-q", "origin", "mcp-status-data");
    const { stdout: revs } = await git(dir, "rev-list", "FETCH_HEAD");
    for (const rev of revs.trim().split("\n")) {
      const { stdout: files } = await git(dir, "ls-tree", "-r", "--name-only", rev);
      for (const file of files.trim().split("\n")) {
        const { stdout: text } = await git(dir, "show", `${rev}:${file}`);
        assert.deepEqual(found(text), [], `${rev}:${file}`);
      }
    }
    // The desk is on the branch, with the failures' kinds, but not in the Pages artifact.
    const { stdout: desk } = await git(dir, "show", "FETCH_HEAD:runner/alerting.json");
    const kinds = JSON.parse(desk).deliveries.flatMap((d) => d.delivery.attempts.map((a) => `${d.delivery.channel}:${a.outcome.error}`));
    assert.ok(kinds.includes("chat:dns") && kinds.includes("hook:refused") && kinds.includes("pd:refused"), kinds.join(" "));

    // The Pages artifact, as pages.yml makes it.
    const artifact = path.join(root, "artifact");
    await mkdir(artifact);
    await run("sh", ["-c", `git archive FETCH_HEAD data | tar -x -C "${artifact}"`], { cwd: dir });
    const published = [];
    const walk = async (folder) => {
      for (const name of await readdir(folder)) {
        const file = path.join(folder, name);
        if ((await stat(file)).isDirectory()) await walk(file);
        else published.push(file);
      }
    };
    await walk(artifact);
    assert.ok(published.some((f) => f.endsWith("summary.json")));
    assert.ok(!existsSync(path.join(artifact, "runner")) && !existsSync(path.join(artifact, "data/runner")));
    for (const file of published) assert.deepEqual(found(await readFile(file, "utf8")), [], file);
  });
});
