// What the wasm benchmarks share: build a crate for the browser the way the page is built
// (a cargo profile, wasm-bindgen, wasm-opt with index.html's settings), then call one of
// its exports in headless Chromium and return what it returns.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { launchBrowser, repoRoot, serveStatic } from "../tests/e2e/harness.mjs";

export function run(command, args) {
  return execFileSync(command, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] }).toString();
}

/**
 * Builds `cargoArgs` (a package and target kind) for wasm32 with `profile`, binds and
 * optimises `artifact` (the .wasm cargo writes, without extension) into `out`. Binding and
 * optimising (wasm-opt takes some 15 s for the page) are skipped when `out` already holds
 * them for the same cargo output and the same wasm-opt settings.
 */
export async function buildForBrowser({ cargoArgs, profile, artifact, out }) {
  run("cargo", ["build", "-q", ...cargoArgs, "--target", "wasm32-unknown-unknown", "--profile", profile]);
  await mkdir(out, { recursive: true });
  const built = path.join(repoRoot, "target", "wasm32-unknown-unknown", profile, `${artifact}.wasm`);
  const wasm = path.join(out, `${artifact}_bg.wasm`);
  const stamp = path.join(out, "built-from.sha256");
  const optimiser = await pageWasmOpt();
  // The cargo output and the optimiser's settings.
  const source = createHash("sha256").update(await readFile(built)).update(optimiser.join(" ")).digest("hex");
  if (existsSync(wasm) && (await readFile(stamp, "utf8").catch(() => "")) === source) return;
  run("wasm-bindgen", ["--target", "web", "--no-typescript", "--out-dir", out, built]);
  run("wasm-opt", [...optimiser, wasm, "-o", wasm]);
  await writeFile(path.join(out, "index.html"), "<!DOCTYPE html><title>benchmark</title>");
  await writeFile(stamp, source);
}

/**
 * The wasm-opt arguments Trunk uses for the page (index.html's `data-wasm-opt` level and
 * `data-wasm-opt-params`), read from there so that the benchmarks and the page cannot drift.
 */
async function pageWasmOpt() {
  const html = await readFile(path.join(repoRoot, "index.html"), "utf8");
  const level = html.match(/data-wasm-opt="(\w+)"/);
  const params = html.match(/data-wasm-opt-params="([^"]*)"/);
  if (!level || !params) throw new Error("index.html has no data-wasm-opt / data-wasm-opt-params");
  return [`-O${level[1]}`, ...params[1].split(/\s+/).filter(Boolean)];
}

/** Serves `out`, loads `artifact`'s module in headless Chromium and awaits `exported()`. */
export async function callInChromium({ out, artifact, exported }) {
  const site = await serveStatic(out);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(site.url);
    const result = await page.evaluate(async ([module, name]) => {
      const bench = await import(`./${module}.js`);
      await bench.default();
      return bench[name]();
    }, [artifact, exported]);
    return { result, chromium: browser.version() };
  } finally {
    await browser.close();
    await site.close();
  }
}
