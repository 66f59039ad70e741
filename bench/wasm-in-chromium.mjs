// What the wasm benchmarks share: build a crate for the browser the way the page is built
// (a cargo profile, wasm-bindgen, the page's wasm-opt run), then call one of
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
 * them for the same cargo output and the same scripts/finish-site.py.
 */
export async function buildForBrowser({ cargoArgs, profile, artifact, out }) {
  run("cargo", ["build", "-q", ...cargoArgs, "--target", "wasm32-unknown-unknown", "--profile", profile]);
  await mkdir(out, { recursive: true });
  const built = path.join(repoRoot, "target", "wasm32-unknown-unknown", profile, `${artifact}.wasm`);
  const wasm = path.join(out, `${artifact}_bg.wasm`);
  const stamp = path.join(out, "built-from.sha256");
  // The cargo output and the optimiser's settings.
  const source = createHash("sha256")
    .update(await readFile(built))
    .update(await readFile(path.join(repoRoot, "scripts/finish-site.py")))
    .digest("hex");
  if (existsSync(wasm) && (await readFile(stamp, "utf8").catch(() => "")) === source) return;
  run("wasm-bindgen", ["--target", "web", "--no-typescript", "--out-dir", out, built]);
  // The page's own wasm-opt run (scripts/finish-site.py), so the two cannot drift apart.
  run("python3", ["scripts/finish-site.py", "--optimise", wasm]);
  await writeFile(path.join(out, "index.html"), "<!DOCTYPE html><title>benchmark</title>");
  await writeFile(stamp, source);
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
