// Shared by the browser tests: Debian's Chromium through playwright-core (which
// never downloads a browser of its own), a static file server on loopback,
// and a watchdog so that no run can hang.
import { chromium } from "playwright-core";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

export const CHROMIUM = process.env.BRIEFING_CHROMIUM || "/usr/bin/chromium";

/** Flags for this machine: no sandbox (root), no GPU, no network but loopback. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * A fresh browser. Playwright starts it with a new temporary profile
 * (--user-data-dir) of its own and removes it on close.
 */
export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Serves `dir` on 127.0.0.1 under the URL path `prefix` (such as "/briefing/",
 * as GitHub Pages serves a project site). Folders serve their index.html; a
 * path outside `prefix` or the folder is a 404.
 */
export async function serveStatic(dir, prefix = "/") {
  const root = fs.realpathSync(dir);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(prefix)) return notFound(res);
    rel = rel.slice(prefix.length);
    let file = path.resolve(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) return notFound(res);
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) return notFound(res);
    res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function notFound(res) {
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end("not found");
}

/** Ends the process with a failure if the run takes longer than `seconds`. */
export function watchdog(seconds, what) {
  const timer = setTimeout(() => {
    console.error(`${what}: still running after ${seconds} s; giving up`);
    process.exit(1);
  }, seconds * 1000);
  timer.unref();
}

/** `--name value` pairs from the command line. */
export function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, "")] = argv[i + 1];
  return out;
}
