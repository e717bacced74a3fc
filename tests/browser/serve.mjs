// `briefing serve` end to end, in Chromium: search works on the served site;
// an article page open in the browser reloads by itself when the article is
// edited; a broken edit (front matter left open) shows the error overlay over
// the last good page; fixing it removes the overlay and the page shows the fix.
//
//   node serve.mjs --briefing PATH_TO_BINARY --project COPY_OF_A_PROJECT
//
// The project folder is edited, so pass a copy.
import { launch, watchdog, args } from "./lib.mjs";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const { briefing, project } = args();
if (!briefing || !project) {
  console.error("usage: node serve.mjs --briefing BIN --project DIR");
  process.exit(2);
}
watchdog(120, "serve.mjs");

// The article to edit: the first one, and the page it becomes.
const articles = path.join(project, "content", "articles");
const name = fs.readdirSync(articles).filter((f) => f.endsWith(".txt") || f.endsWith(".md")).sort()[0];
const file = path.join(articles, name);
const original = fs.readFileSync(file, "utf8");
if (!original.startsWith("+++\n")) throw new Error(`${name} has no front matter to break`);
const slug = name.replace(/\.(txt|md)$/, "").replace(/^\d{4}-\d{2}-\d{2}-/, "");
const frontMatterSlug = /^slug\s*=\s*"([^"]+)"/m.exec(original.split("+++")[1]);
const pageUrl = `articles/${frontMatterSlug ? frontMatterSlug[1] : slug}/index.html`;

const server = spawn(briefing, ["serve", "--root", project, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
let stderr = "";
server.stderr.on("data", (d) => (stderr += d));
const stop = () => {
  if (server.exitCode === null) server.kill("SIGTERM");
};
process.on("exit", stop);

const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok" : "FAILED"}: ${what}`);
  if (!ok) failures.push(what);
};

const base = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    const m = /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
    if (m) resolve(m[1]);
  });
  server.on("exit", (code) => reject(new Error(`briefing serve exited with ${code}: ${stderr}`)));
});
console.log(`briefing serve: ${base}`);

const browser = await launch();
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const text = () => page.textContent("main");
  const connected = () => page.waitForRequest((r) => r.url().endsWith("/__briefing/events"), { timeout: 10000 });

  let hello = connected();
  await page.goto(base + pageUrl);
  await hello;
  check((await page.title()).length > 0, `opened ${pageUrl}`);

  // 0. Search works on the served site too.
  const searchPage = await browser.newPage();
  await searchPage.goto(base + "search/index.html?q=IPOI");
  await searchPage.waitForSelector("#search-results > li", { timeout: 10000 });
  const first = await searchPage.getAttribute("#search-results > li h2 a", "href");
  check(first?.endsWith("/topics/ipoi/index.html"), `search for IPOI under briefing serve finds ${first} first`);
  await searchPage.close();

  // 1. An edit reloads the page with the change.
  const marker1 = `Browser test marker ${Date.now()}.`;
  hello = connected();
  fs.writeFileSync(file, `${original.trimEnd()}\n\n${marker1}\n`);
  await page.waitForFunction((m) => document.querySelector("main")?.textContent.includes(m), marker1, { timeout: 20000 });
  await hello;
  const navigation = await page.evaluate(() => performance.getEntriesByType("navigation")[0]?.type);
  check((await text()).includes(marker1) && navigation === "reload", `an edit reloaded the page by itself (navigation: ${navigation})`);

  // 2. A broken edit: the overlay shows, the last good page stays.
  fs.writeFileSync(file, `+++\ntitle = "Broken on purpose"\n${original.replace(/^\+\+\+\n/, "").replace(/\+\+\+\n/, "")}`);
  const overlay = await page.waitForSelector("#briefing-error", { timeout: 20000 });
  const overlayText = await overlay.textContent();
  check(/front matter|\+\+\+/i.test(overlayText) && overlayText.includes(name), `a broken edit shows the error overlay naming ${name}: "${overlayText.split("\n").slice(2, 3).join(" ").slice(0, 120)}"`);
  check((await text()).includes(marker1), "the last good page stays under the overlay");
  const status = (await fetch(base + pageUrl)).status;
  check(status === 200, `the server still serves the last good page (HTTP ${status})`);

  // 3. The fix: the overlay goes, the page shows the fixed article.
  const marker2 = `Browser test fixed ${Date.now()}.`;
  fs.writeFileSync(file, `${original.trimEnd()}\n\n${marker2}\n`);
  await page.waitForFunction((m) => document.querySelector("main")?.textContent.includes(m), marker2, { timeout: 20000 });
  check((await page.$("#briefing-error")) === null, "the fix removed the overlay");
  check(!(await text()).includes(marker1) && (await text()).includes(marker2), "the page recovered with the fixed text");
  check(errors.length === 0, `no script errors (${errors.length})`);
} finally {
  await browser.close();
  stop();
  fs.writeFileSync(file, original);
}
console.log(`serve: ${failures.length ? `${failures.length} check(s) failed` : "all checks passed"}`);
process.exit(failures.length ? 1 : 0);
