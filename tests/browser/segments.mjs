// Search on a briefing whose index has several segments (src/search.rs): a
// query's term postings come from a shard of every segment, each counted
// from the segment's first id. Opens the search page from file:// and checks
// that it finds as many records as the index holds for the word (counted by
// the Rust test that runs this, from the index files), and `--first` first.
//
//   node segments.mjs --site PUBLIC_DIR --query WORD --expect N --first URL_END
import { launch, watchdog, args } from "./lib.mjs";

const { site, query, expect, first } = args();
if (!site || !query || !expect || !first) {
  console.error("usage: node segments.mjs --site PUBLIC_DIR --query WORD --expect N --first URL_END");
  process.exit(2);
}
watchdog(60, "segments.mjs");

const browser = await launch();
const page = await browser.newPage();
await page.goto(`file://${site}/search/index.html?q=${encodeURIComponent(query)}`);
await page.waitForFunction(() => !/JavaScript|Searching/.test(document.getElementById("search-status").textContent));
const status = await page.textContent("#search-status");
const top = await page.$eval("#search-results > li h2 a", (a) => a.href).catch(() => "");
await browser.close();

// "the first 20 of 540 results for …" or "3 results for …".
const found = (status.match(/of (\d+) results?/) || status.match(/^(\d+) results?/) || [])[1];
console.log(`search "${query}": ${status}; first ${top}`);
const problems = [];
if (found !== expect) problems.push(`found ${found ?? "nothing"}, the index holds ${expect}`);
if (!top.endsWith(first)) problems.push(`first result ${top}, expected …${first}`);
for (const text of problems) console.log(`PROBLEM: ${text}`);
process.exit(problems.length ? 1 : 0);
