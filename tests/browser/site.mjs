// A built briefing in Chromium: serves it on loopback under /briefing/ (as a
// GitHub Pages project site), follows every link from the index, and checks
// that no page logs a console error or fails a request; that every fragment
// link finds its anchor; that searching "IPOI" finds the IPOI topic first,
// served and opened from file:// (the index loads as script files); that
// pages read with JavaScript off; and that axe-core finds no violation on
// each kind of page, light and dark; that the skip link and focus outline
// work from the keyboard; that no page scrolls sideways from 320 to 1920 px.
// Saves screenshots of each kind of page at 390 and 1280 px, light and dark,
// and in print.
//
//   node site.mjs --site PUBLIC_DIR --screenshots OUT_DIR
import { launch, serveStatic, watchdog, args } from "./lib.mjs";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const { site, screenshots } = args();
if (!site || !screenshots) {
  console.error("usage: node site.mjs --site PUBLIC_DIR --screenshots OUT_DIR");
  process.exit(2);
}
watchdog(170, "site.mjs");

const problems = [];
const problem = (text) => {
  problems.push(text);
  console.log(`PROBLEM: ${text}`);
};
let consoleErrors = 0;
let failedRequests = 0;

/** Every console error, page error and failed request of `page` is a problem. */
function watch(page) {
  page.on("console", (msg) => {
    if (msg.type() === "error") {
      consoleErrors++;
      problem(`console error on ${page.url()}: ${msg.text()}`);
    }
  });
  page.on("pageerror", (error) => {
    consoleErrors++;
    problem(`uncaught error on ${page.url()}: ${error.message}`);
  });
  page.on("requestfailed", (req) => {
    failedRequests++;
    problem(`request failed on ${page.url()}: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) {
      failedRequests++;
      problem(`HTTP ${res.status()} on ${page.url()}: ${res.url()}`);
    }
  });
  return page;
}

const server = await serveStatic(site, "/briefing/");
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const origin = new URL(server.url).origin;
const rel = (url) => url.slice(server.url.length);

try {
  // 1. Follow every link from the index.
  const page = watch(await context.newPage());
  const start = server.url + "index.html";
  const queue = [start];
  const seen = new Set(queue);
  const anchors = new Map(); // page URL → ids on it
  const fragments = []; // [from, to#id]
  const files = new Set(); // linked files that are not pages (feed, …)
  const external = new Set();
  let linksFollowed = 0;
  while (queue.length) {
    const url = queue.shift();
    const response = await page.goto(url, { waitUntil: "load" });
    if (!response || response.status() !== 200) {
      problem(`${rel(url)}: HTTP ${response?.status()}`);
      continue;
    }
    const found = await page.evaluate(() => ({
      links: [...document.querySelectorAll("a")]
        .map((a) => a.getAttribute("href") ?? a.getAttribute("xlink:href"))
        .filter((h) => h !== null)
        .map((h) => new URL(h, document.baseURI).href),
      ids: [...document.querySelectorAll("[id]")].map((e) => e.id),
    }));
    anchors.set(url, new Set(found.ids));
    for (const href of found.links) {
      linksFollowed++;
      const target = new URL(href);
      if (target.origin !== origin) {
        external.add(href);
        continue;
      }
      if (target.hash) fragments.push([url, target.href]);
      target.hash = "";
      const bare = target.href;
      if (!bare.startsWith(server.url)) {
        problem(`${rel(url)} links outside the site's folder: ${href}`);
      } else if (bare.endsWith(".html")) {
        if (!seen.has(bare)) {
          seen.add(bare);
          queue.push(bare);
        }
      } else {
        files.add(bare);
      }
    }
  }
  for (const file of files) {
    const res = await context.request.get(file);
    if (res.status() !== 200) problem(`linked file ${rel(file)}: HTTP ${res.status()}`);
  }
  for (const [from, to] of fragments) {
    const [bare, id] = [to.slice(0, to.indexOf("#")), decodeURIComponent(to.slice(to.indexOf("#") + 1))];
    const ids = anchors.get(bare);
    if (ids && !ids.has(id)) problem(`${rel(from)} links to a missing anchor: ${rel(to)}`);
  }
  const pages = [...seen];
  console.log(
    `crawled ${pages.length} pages from the index: ${linksFollowed} links read, ${fragments.length} fragment links checked, ` +
      `${files.size} other linked files fetched, ${external.size} external links not fetched (no network)`,
  );

  // 2. Search from the box in the header, as a reader would.
  await page.goto(start);
  await page.fill("#site-search-query", "IPOI");
  await Promise.all([page.waitForURL(/search\/index\.html\?q=IPOI/), page.press("#site-search-query", "Enter")]);
  await page.waitForSelector("#search-results > li");
  const results = await page.$$eval("#search-results > li", (items) =>
    items.map((li) => ({
      title: li.querySelector("h2 a").textContent,
      href: li.querySelector("h2 a").href,
      kind: li.querySelector(".meta").textContent,
      places: [...li.querySelectorAll("ul a")].map((a) => a.href),
    })),
  );
  console.log(`search "IPOI": ${await page.textContent("#search-status")}`);
  results.forEach((r, i) => console.log(`  ${i + 1}. ${r.title} [${r.kind}] ${rel(r.href)}${r.places.length ? ` (passages: ${r.places.map((p) => p.slice(p.indexOf("#"))).join(" ")})` : ""}`));
  if (!results.length || !results[0].href.endsWith("/briefing/topics/ipoi/index.html")) {
    problem(`searching "IPOI" does not find the IPOI topic first: ${results[0]?.href}`);
  }
  // A result that points into an article lands on the passage.
  const place = results.flatMap((r) => r.places)[0];
  if (!place) {
    problem(`no search result links to a passage`);
  } else {
    await page.goto(place);
    const id = decodeURIComponent(new URL(place).hash.slice(1));
    if (!(await page.evaluate((id) => !!document.getElementById(id), id))) problem(`search result ${rel(place)}: no such passage`);
  }
  await page.close();

  // 3. From file://: search finds the IPOI topic first; the rest reads.
  const filePage = watch(await context.newPage());
  const siteDir = fs.realpathSync(site);
  await filePage.goto(`file://${siteDir}/search/index.html?q=IPOI`);
  await filePage.waitForFunction(() => !/JavaScript|Searching/.test(document.getElementById("search-status").textContent));
  const fileStatus = await filePage.textContent("#search-status");
  const fileFirst = await filePage.$eval("#search-results > li h2 a", (a) => a.href).catch(() => null);
  if (!/results? for “IPOI”/.test(fileStatus) || !fileFirst?.endsWith("/topics/ipoi/index.html")) {
    problem(`file:// search for "IPOI" says "${fileStatus}" and finds ${fileFirst} first`);
  }
  for (const p of ["index.html", "topics/ipoi/index.html", "glossary/index.html", "print/index.html"]) {
    await filePage.goto(`file://${siteDir}/${p}`);
    const styled = await filePage.evaluate(() => getComputedStyle(document.querySelector("main")).maxWidth !== "none");
    if (!styled) problem(`file://…/${p}: the stylesheet did not apply`);
  }
  console.log(`file://: search "IPOI": ${fileStatus}, first ${fileFirst?.slice(fileFirst.indexOf("/topics/"))}; index, topic, glossary and print pages styled`);
  await filePage.close();

  // 4. JavaScript off: every page reads whole.
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const plain = watch(await noScript.newPage());
  await plain.goto(server.url + "topics/ipoi/index.html");
  const passages = await plain.locator(".passage").count();
  if (passages === 0) problem(`with JavaScript off the IPOI topic shows no passage`);
  await plain.goto(server.url + "search/index.html?q=IPOI");
  const plainStatus = await plain.textContent("#search-status");
  if (!/needs JavaScript|with JavaScript/.test(plainStatus)) problem(`search page with JavaScript off says: ${plainStatus}`);
  console.log(`JavaScript off: IPOI topic shows ${passages} passages; search page says "${plainStatus.slice(0, 50)}…"`);
  await noScript.close();

  // 5. axe-core on each kind of page, light and dark.
  const article = pages.find((u) => /\/articles\/[^/]+\/index\.html$/.test(u) && !/\/articles\/page\//.test(u));
  const kinds = [
    ["index", "index.html"],
    ["topic", "topics/ipoi/index.html"],
    ["article", rel(article)],
    ["glossary", "glossary/index.html"],
    ["timeline", "timeline/index.html"],
    ["search", "search/index.html?q=IPOI"],
    ["print", "print/index.html"],
    ["sources", "articles/index.html"],
    ["topics", "topics/index.html"],
  ];
  const open = async (p, url) => {
    await p.goto(server.url + url);
    if (url.startsWith("search/")) await p.waitForSelector("#search-results > li");
  };
  const axePage = watch(await context.newPage());
  const counts = [];
  for (const scheme of ["light", "dark"]) {
    await axePage.emulateMedia({ colorScheme: scheme });
    for (const [kind, url] of kinds) {
      await open(axePage, url);
      await axePage.addScriptTag({ path: AXE });
      const result = await axePage.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      counts.push(`${kind}/${scheme} ${result.violations.length}`);
      for (const v of result.violations) {
        problem(
          `axe ${kind} (${scheme}): ${v.id} [${v.impact}] ${v.help}: ` +
            v.nodes.map((n) => `${n.target.join(" ")} ${n.failureSummary?.replace(/\s+/g, " ")}`).join("; "),
        );
      }
    }
  }
  console.log(`axe violations (page/theme count): ${counts.join(", ")}`);
  await axePage.close();

  // 6. Keyboard: the first Tab shows the skip link, focused with a visible
  // outline, and following it moves focus into <main>.
  const keys = watch(await context.newPage());
  await keys.goto(start);
  await keys.keyboard.press("Tab");
  const skip = await keys.evaluate(() => {
    const el = document.activeElement;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return { skip: el.classList.contains("skip-link"), visible: box.top >= 0 && box.bottom <= innerHeight, outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 };
  });
  await keys.keyboard.press("Enter");
  const inMain = await keys.evaluate(() => document.activeElement?.id === "main" || !!document.activeElement?.closest("main"));
  if (!skip.skip || !skip.visible || !skip.outline || !inMain) problem(`keyboard: skip link ${JSON.stringify(skip)}, focus in main after it: ${inMain}`);
  console.log(`keyboard: first Tab focuses the visible skip link with an outline; Enter moves focus to <main>: ${skip.skip && skip.visible && skip.outline && inMain}`);
  await keys.close();

  // 7. Nothing wider than the window from 320 to 1920 px.
  const fit = watch(await context.newPage());
  for (const width of [320, 1920]) {
    await fit.setViewportSize({ width, height: 800 });
    for (const [kind, url] of kinds) {
      await open(fit, url);
      const wide = await fit.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      if (wide > 0) problem(`${kind} at ${width} px scrolls sideways by ${wide} px`);
    }
  }
  console.log(`widths: no page kind scrolls sideways at 320 or 1920 px`);
  await fit.close();

  // 8. Screenshots for a person to look at.
  fs.mkdirSync(screenshots, { recursive: true });
  const shot = watch(await context.newPage());
  let taken = 0;
  for (const width of [390, 1280]) {
    await shot.setViewportSize({ width, height: 900 });
    for (const scheme of ["light", "dark"]) {
      await shot.emulateMedia({ colorScheme: scheme, media: "screen" });
      for (const [kind, url] of kinds) {
        await open(shot, url);
        await shot.screenshot({ path: path.join(screenshots, `${kind}-${width}-${scheme}.png`), fullPage: true });
        taken++;
      }
    }
  }
  // Paper: an A4 page is about 794 CSS pixels wide.
  await shot.setViewportSize({ width: 794, height: 1123 });
  await shot.emulateMedia({ colorScheme: "light", media: "print" });
  for (const [kind, url] of [["print", "print/index.html"], ["topic", "topics/ipoi/index.html"], ["article", rel(article)]]) {
    await open(shot, url);
    await shot.screenshot({ path: path.join(screenshots, `${kind}-print.png`), fullPage: true });
    taken++;
  }
  await shot.close();
  console.log(`screenshots: ${taken} in ${screenshots}`);
} finally {
  await browser.close();
  await server.close();
}

console.log(`console errors: ${consoleErrors}; failed requests: ${failedRequests}; problems: ${problems.length}`);
process.exit(problems.length ? 1 : 0);
