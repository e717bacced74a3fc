#!/usr/bin/env python3
"""Measure what one new article costs: an incremental build against a clean one (standard library only).

On the N-article synthetic corpus of bench/gen_corpus.py (N = 10000 unless given), in
a scratch copy of its plain/ project on disk:

  clean:        no cache, output into a folder that does not exist yet (as a first build)
  incremental:  the project built before (cache, current site and spare site present),
                one new article added, then `briefing build`

alternating, --runs of each (after one warm-up). Each incremental run adds a different
article (the newest, dated after all others) and removes it again afterwards with a
build that is not measured. Reports median wall times, their ratio, and the files the
incremental build wrote (its own count, checked against the files whose mtime changed).

Example:  cargo build --release && python3 bench/incremental.py --runs 5
The disk is synced before every build, as in bench/run.py.

Environment: BRIEFING_BIN (default target/release/briefing), TMPDIR.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build(exe: Path, root: Path, output: Path | None = None) -> tuple[float, str]:
    argv = [str(exe), "build", "--root", str(root)]
    if output is not None:
        argv += ["--output", str(output)]
    # As bench/run.py does: the disk is synced first, so that no build pays for
    # writing back the files of the one before it (each clean build leaves
    # 360 MB to write, which the rebuild after it would otherwise share its two
    # cores with).
    os.sync()
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{proc.stderr}")
    return wall, proc.stderr.strip().splitlines()[-1]


def mtimes(site: Path) -> dict[str, int]:
    out = {}
    for dirpath, _, names in os.walk(site):
        for name in names:
            path = Path(dirpath, name)
            out[str(path.relative_to(site))] = path.stat().st_mtime_ns
    return out


def new_article(content: Path, k: int) -> Path:
    """A new article: an existing one with a new title, a later date and one changed sentence."""
    source = sorted((content / "articles").iterdir())[-1 - k]
    text = source.read_text(encoding="utf-8")
    text = re.sub(r'^title = ".*"$', f'title = "Arrival {k}: ministers review the partnership"', text, count=1, flags=re.M)
    text = re.sub(r"^date = .*$", f"date = 2026-11-{k + 1:02d}", text, count=1, flags=re.M)
    text = text.replace(" the ", f" the {k}th ", 1)
    path = content / "articles" / f"99999-arrival-{k}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="articles in the corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()) / "briefing-bench")
    args = parser.parse_args()

    exe = Path(os.environ.get("BRIEFING_BIN", REPO / "target/release/briefing")).resolve()
    if not exe.is_file():
        sys.exit(f"{exe} not found: run `cargo build --release` first")
    corpus = args.scratch / f"corpus-{args.n}"
    if not (corpus / "plain").is_dir():
        log(f"generating {corpus} …")
        subprocess.run([sys.executable, str(HERE / "gen_corpus.py"), str(args.n), str(corpus)], check=True)

    work = Path(tempfile.mkdtemp(prefix="incremental-", dir=args.scratch))
    project = work / "project"
    shutil.copytree(corpus / "plain", project, ignore=shutil.ignore_patterns(".briefing", "public"))
    shutil.copy(HERE / "site.toml", project / "site.toml")
    log(f"project: {project}")

    # Warm-up: the current site and the spare exist after two builds.
    build(exe, project)
    build(exe, project)

    clean, incremental, written, changed = [], [], [], []
    for k in range(args.runs + 1):
        # Clean: no cache, a fresh output folder, removed only when the run ends: a
        # build soon after deleting tens of thousands of files pays several times the
        # kernel time (see Trash in bench/run.py).
        shutil.move(str(project / ".briefing"), str(work / "cache-aside"))
        out = work / f"clean-{k}"
        wall, _ = build(exe, project, out)
        shutil.rmtree(project / ".briefing")
        shutil.move(str(work / "cache-aside"), str(project / ".briefing"))

        # Incremental: one new article.
        before = mtimes(project / "public")
        article = new_article(project / "content", k)
        inc_wall, summary = build(exe, project)
        after = mtimes(project / "public")
        touched = sum(1 for path, t in after.items() if before.get(path) != t)
        count = re.search(r"\(([\d,]+) files? written", summary)
        if k > 0:  # the first round is a warm-up
            clean.append(wall)
            incremental.append(inc_wall)
            written.append(int(count.group(1).replace(",", "")) if count else len(after))
            changed.append(touched)
        log(f"round {k}: clean {wall:.2f} s, incremental {inc_wall:.2f} s, {summary}")
        article.unlink()
        build(exe, project)

    c, i = statistics.median(clean), statistics.median(incremental)
    print(f"| N | clean build (median) | add one article, rebuild (median) | ratio | files written | files with a new mtime |")
    print(f"|---|---|---|---|---|---|")
    print(f"| {args.n:,} | {c:.2f} s | {i:.2f} s | {i / c:.3f} {'(met: ≤ 0.10)' if i / c <= 0.10 else '(NOT met: > 0.10)'} "
          f"| {statistics.median(written):.0f} | {statistics.median(changed):.0f} |")
    print(f"runs: {args.runs} each, alternating; clean: {', '.join(f'{x:.2f}' for x in clean)}; "
          f"incremental: {', '.join(f'{x:.2f}' for x in incremental)}")
    subprocess.Popen(["rm", "-rf", str(work)])


if __name__ == "__main__":
    main()
