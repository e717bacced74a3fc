#!/usr/bin/env python3
"""Summarises one lychee JSON report (run with --verbose, so successes are listed) for CI.

    lychee_report.py NAME REPORT.json [--forbid URL_PREFIX]... [--reach-from INDEX.html]

Prints one line of counts -- inputs, links checked, how many of them carry a #fragment
(lychee was run with --include-fragments, so each of those anchors was looked up in the
target page), excluded links grouped by host -- then every broken link with the page it
is on. Exits 1 if any link is broken, timed out or unsupported, or if an excluded link
starts with a forbidden prefix (in a build served on loopback, a link to the project's
default base_url means a URL that ignores --base-url). lychee does not crawl: it checks
the links of the inputs it is given, so CI gives it every file; --reach-from (for a report
on local files) then also fails on a page that no chain of links from INDEX.html reaches,
404.html aside.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

SHOWN = 40  # problems printed; the count line says how many there are


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("report")
    ap.add_argument("--forbid", action="append", default=[])
    ap.add_argument("--reach-from", type=Path)
    args = ap.parse_args()
    with open(args.report, encoding="utf-8") as f:
        r = json.load(f)

    ok = [e["url"] for links in r["success_map"].values() for e in links]
    excluded = [(page, e["url"]) for page, links in r["excluded_map"].items() for e in links]
    broken = [(page, e) for key in ("error_map", "timeout_map") for page, links in r[key].items()
              for e in links]
    hosts = Counter(urlsplit(url).netloc or urlsplit(url).scheme for _, url in excluded)
    inputs = set(r["success_map"]) | set(r["excluded_map"]) | {p for p, _ in broken}
    print(f"lychee {args.name}: {len(inputs)} inputs, {r['total']} links "
          f"({r['unique']} unique), {len(ok)} ok of which {sum('#' in u for u in ok)} "
          f"with a #fragment found, {len(broken)} broken, {r['unsupported']} unsupported, "
          f"{len(excluded)} excluded" + (f" ({', '.join(f'{h} x{n}' for h, n in hosts.most_common())})"
                                         if excluded else ""))
    problems = []
    for page, e in broken:
        status = e.get("status", {})
        why = status.get("details") or status.get("text", "")
        problems.append(f"BROKEN {e['url']} on {page}: {why}")
    for page, url in excluded:
        if any(url.startswith(p) for p in args.forbid):
            problems.append(f"FORBIDDEN {url} on {page}: a build served on loopback links elsewhere")
    if args.reach_from:
        problems += [f"UNREACHABLE {page}: no chain of links from {args.reach_from} leads here"
                     for page in unreachable(r["success_map"], inputs, args.reach_from)]
    for line in problems[:SHOWN]:
        print("  " + line)
    if len(problems) > SHOWN:
        print(f"  ... and {len(problems) - SHOWN} more")
    failed = bool(problems)
    if r["total"] == 0 or not ok:
        print(f"  lychee {args.name} checked no link: the inputs are wrong")
        failed = True
    if r["unsupported"]:
        failed = True
    return 1 if failed else 0


def unreachable(success_map: dict, inputs: set[str], index: Path) -> list[str]:
    """HTML inputs that no chain of working links from `index` reaches (404.html aside)."""
    links = {str(Path(page).resolve()): {str(Path(unquote(urlsplit(e["url"]).path)).resolve())
                                         for e in found if e["url"].startswith("file://")}
             for page, found in success_map.items()}
    seen, todo = set(), [str(index.resolve())]
    while todo:
        page = todo.pop()
        if page not in seen:
            seen.add(page)
            todo.extend(links.get(page, ()))
    pages = {str(Path(p).resolve()) for p in inputs if p.endswith(".html")}
    return sorted(p for p in pages - seen if Path(p).name != "404.html")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into head
        sys.exit(1)
