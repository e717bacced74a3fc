#!/usr/bin/env python3
"""Kill `briefing build` with SIGKILL at random moments and check that the
output folder is never missing or partly written (issue: atomic rebuilds).

usage: tests/kill9.py [--runs N] [--corpus DIR] [--bin PATH] [--cold]

Builds the corpus once (the reference), then N times starts a build into the
same output folder and kills it after a random delay within the build's
duration. After every kill the output must hold exactly the reference files,
byte for byte. A final uninterrupted build must leave no staging folders
(only the spare: the site before last, kept as the next build's starting point).
Standard library only; run by hand (timing-based, so not part of `cargo test`).
"""
import argparse, filecmp, os, random, signal, subprocess, sys, tempfile, time
from pathlib import Path

def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

def main() -> int:
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--corpus", type=Path, default=here, help="a briefing project (default: the bundled one)")
    ap.add_argument("--bin", type=Path, default=here / "target/release/briefing")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cold", action="store_true",
                    help="remove the project's build cache before every run, so each build renders and writes every page")
    args = ap.parse_args()
    random.seed(args.seed)
    work = Path(tempfile.mkdtemp(prefix="briefing-kill9-"))
    out = work / "site"
    build = [str(args.bin), "build", "--quiet", "--root", str(args.corpus), "--output", str(out)]
    started = time.monotonic()
    if args.cold:
        subprocess.run(["rm", "-rf", str(args.corpus / ".briefing")], check=True)
    subprocess.run(build, check=True)
    duration = time.monotonic() - started
    reference = snapshot(out)
    print(f"reference build: {len(reference)} files in {duration:.2f} s")
    failures = 0
    for run in range(1, args.runs + 1):
        delay = random.uniform(0.0, duration * 1.1)
        if args.cold:
            subprocess.run(["rm", "-rf", str(args.corpus / ".briefing")], check=True)
        child = subprocess.Popen(build)
        time.sleep(delay)
        killed = child.poll() is None
        if killed:
            child.send_signal(signal.SIGKILL)
        child.wait()
        state = snapshot(out) if out.is_dir() else None
        ok = state == reference
        failures += not ok
        print(f"run {run:2}: {'killed' if killed else 'finished'} after {delay:.2f} s: "
              f"{'output complete and unchanged' if ok else 'OUTPUT MISSING OR CHANGED'}")
    subprocess.run(build, check=True)
    # The site before last stays beside the output as the next build's staging folder.
    leftovers = [p.name for p in work.iterdir() if p.name not in ("site", ".site.briefing-spare")]
    print(f"after a clean build, beside the output: {leftovers or 'nothing'}")
    print(f"{args.runs - failures} passed, {failures + bool(leftovers)} failed")
    return 1 if failures or leftovers else 0

if __name__ == "__main__":
    sys.exit(main())
