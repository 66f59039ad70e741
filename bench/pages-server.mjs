// A static server on 127.0.0.1 that answers like GitHub Pages does, for bench/load.mjs: the
// site under a sub-path (`/mcp-status/`), 404.html for misses (so deep links land on the app),
// text, js, wasm, css, json and svg gzipped (`content-encoding: gzip` when the browser accepts
// it), `Cache-Control: max-age=600`, and an ETag on every file, answering a matching
// `If-None-Match` with 304 Not Modified. (tests/e2e/harness.mjs's serveStatic serves the same
// files plainly: no compression, no caching headers; the load benchmark needs both, since a
// visitor's wait depends on them.)
//
// `statusJson` (an object or text) is served as the site's status.json instead of the file;
// `data` is a folder served at data/ (the runner's published history).
import { execFile } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { createServer, request as httpRequest } from "node:http";
import { createSecureServer } from "node:http2";
import { readFile, stat } from "node:fs/promises";
import { promisify } from "node:util";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { freePort } from "../tests/support/servers.mjs";

const contentTypes = {
  ".html": "text/html; charset=utf-8",
  ".js": "application/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".ndjson": "application/octet-stream",
};
const GZIPPED = new Set([".html", ".js", ".wasm", ".css", ".json", ".svg"]);

/**
 * A self-signed certificate for 127.0.0.1 (openssl), made in `dir`: `{ key, cert, spki }`,
 * `spki` being what Chromium's `--ignore-certificate-errors-spki-list` takes. With that flag
 * Chromium treats the certificate as valid, so it caches as it would for GitHub Pages (with
 * certificate errors merely ignored it would cache nothing).
 */
export async function selfSignedCertificate(dir) {
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  await promisify(execFile)("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1",
  ]);
  const pem = await readFile(cert);
  const der = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return { key: await readFile(key), cert: pem, spki: createHash("sha256").update(der).digest("base64") };
}

/**
 * Serves `dir` under `prefix`. With `tls` (`selfSignedCertificate`'s), over HTTPS and HTTP/2
 * as GitHub Pages does (HTTP/1.1 only for a client without it); otherwise plain HTTP/1.1.
 */
export async function servePages(dir, prefix = "/mcp-status/", { statusJson, data, tls } = {}) {
  const port = await freePort();
  // Bodies (plain and gzipped) and ETags, computed once per file version.
  const prepared = new Map();
  const prepare = async (file, ext, bytes) => {
    const key = bytes ? `inline:${file}` : file;
    let info;
    if (!bytes) {
      info = await stat(file);
      if (!info.isFile()) return null;
    }
    const version = bytes ? bytes.length : `${info.mtimeMs}:${info.size}`;
    const known = prepared.get(key);
    if (known && known.version === version) return known;
    const plain = bytes ?? (await readFile(file));
    const entry = {
      version,
      plain,
      gzip: GZIPPED.has(ext) ? gzipSync(plain, { level: 6 }) : null,
      etag: `"${createHash("sha1").update(plain).digest("hex").slice(0, 16)}"`,
      type: contentTypes[ext] ?? "application/octet-stream",
    };
    prepared.set(key, entry);
    return entry;
  };
  const statusBytes =
    statusJson === undefined ? null : Buffer.from(typeof statusJson === "string" ? statusJson : JSON.stringify(statusJson));

  const handle = async (req, res) => {
    try {
      const url = new URL(req.url, "http://127.0.0.1");
      let rel = url.pathname.startsWith(prefix) ? decodeURIComponent(url.pathname.slice(prefix.length)) : null;
      if (rel !== null && (rel === "" || rel.endsWith("/"))) rel = `${rel}index.html`;
      let entry = null;
      if (rel === "status.json" && statusBytes) {
        entry = await prepare("status.json", ".json", statusBytes);
      } else if (rel !== null && data && rel.startsWith("data/")) {
        const file = path.join(data, rel.slice("data/".length));
        if (file.startsWith(data)) entry = await prepare(file, path.extname(file)).catch(() => null);
      } else if (rel !== null) {
        const file = path.join(dir, rel);
        if (file.startsWith(dir)) entry = await prepare(file, path.extname(file)).catch(() => null);
      }
      let status = 200;
      if (!entry) {
        status = 404;
        entry = await prepare(path.join(dir, "404.html"), ".html").catch(() => null);
        if (!entry) {
          res.writeHead(404, { "content-type": "text/plain" });
          return res.end("not found");
        }
      }
      const headers = {
        "content-type": entry.type,
        "cache-control": "max-age=600",
        etag: entry.gzip ? `W/${entry.etag}` : entry.etag,
        vary: "Accept-Encoding",
      };
      const candidates = (req.headers["if-none-match"] ?? "").split(",").map((t) => t.trim().replace(/^W\//, ""));
      if (status === 200 && candidates.includes(entry.etag)) {
        res.writeHead(304, headers);
        return res.end();
      }
      const gzip = entry.gzip && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
      const body = gzip ? entry.gzip : entry.plain;
      if (gzip) headers["content-encoding"] = "gzip";
      headers["content-length"] = body.length;
      res.writeHead(status, headers);
      res.end(req.method === "HEAD" ? undefined : body);
    } catch (error) {
      res.destroy(error);
    }
  };
  const server = tls ? createSecureServer({ key: tls.key, cert: tls.cert, allowHTTP1: true }, handle) : createServer(handle);
  const sockets = new Set();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const origin = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
  return {
    url: `${origin}${prefix}`,
    origin,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  };
}

/** Forwards one request to `port` on 127.0.0.1 and pipes the answer back: the benchmarks'
 * proxies (counting requests, delaying preflights) are this plus what they watch. */
export function forward(req, res, port) {
  const upstream = httpRequest(
    { host: "127.0.0.1", port, path: req.url, method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => res.destroy());
  req.pipe(upstream);
}
