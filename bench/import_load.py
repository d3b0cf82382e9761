"""Load: import 100,000 papers in one go and watch memory; then time the safety work on them.

    .venv/bin/python -m bench.import_load [--papers 100000] [--per-digest 1000] [--keep DIR]

The import runs in a fresh child process (so its peak RSS is the import's own) through the
real importer, all files in one ``import_files`` call, with the resident set size sampled
after every file: a bounded import shows a flat curve, not one that grows with the papers.
Afterwards, on the same library: opening it (which includes the damaged-file check),
a verified backup, and ``readinglist check``.  Prints a Markdown table for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.memory import peak_mb, rss_mb

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def child(library: Path, digests: Path) -> None:
    """Import every digest in one call; print one JSON line of measurements."""
    from readinglist.importing import Importer
    from readinglist.library import Library

    paths = sorted(digests.glob("digest-*.txt"))
    samples: list[tuple[int, float]] = []
    start_rss = rss_mb()
    with Library.open(library) as lib:
        opened_rss = rss_mb()

        def progress(done: int, _total: int, _path: str) -> None:
            samples.append((done, rss_mb()))

        started = time.perf_counter()
        result = Importer(lib).import_files(paths, progress=progress)
        seconds = time.perf_counter() - started
        papers = lib.summary().papers
    print(
        json.dumps(
            {
                "files": len(paths),
                "papers": papers,
                "failed": len(result.failed),
                "seconds": seconds,
                "start_rss_mb": start_rss,
                "opened_rss_mb": opened_rss,
                "peak_rss_mb": peak_mb(),
                "samples": samples,
            }
        )
    )


def after(library: Path) -> dict[str, float]:
    """Open (damaged-file check included), back up, check: seconds each, on the big library."""
    from readinglist.library import Library
    from readinglist.maintenance import sqlitefile
    from readinglist.maintenance.backup import create_backup
    from readinglist.maintenance.check import check_library

    out: dict[str, float] = {}
    t = time.perf_counter()
    problems = sqlitefile.file_problems(library / "library.sqlite3", quick=True)
    out["quick_check_s"] = time.perf_counter() - t
    assert not problems, problems
    t = time.perf_counter()
    lib = Library.open(library, backups=False)
    out["open_s"] = time.perf_counter() - t
    try:
        t = time.perf_counter()
        info = create_backup(library, reason="manual")
        out["backup_s"] = time.perf_counter() - t
        out["backup_mb"] = info.size / 1e6
        t = time.perf_counter()
        report = check_library(lib)
        out["check_s"] = time.perf_counter() - t
        out["check_ok"] = float(report.ok)
    finally:
        lib.close()
    out["db_mb"] = (library / "library.sqlite3").stat().st_size / 1e6
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--per-digest", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build the library here and keep it")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0

    from bench.generate import write_digests

    with tempfile.TemporaryDirectory(prefix="import-load-") as tmp:
        work = args.keep or Path(tmp)
        digests, library = work / "digests", work / "library"
        t = time.perf_counter()
        paths = write_digests(digests, args.papers, args.seed, per_digest=args.per_digest)
        size = sum(p.stat().st_size for p in paths) / 1e6
        print(f"generated {len(paths)} digests ({size:.0f} MB) in {time.perf_counter() - t:.0f} s")
        proc = subprocess.run(
            [sys.executable, "-m", "bench.import_load", "--child", str(library), str(digests)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        m = json.loads(proc.stdout.strip().splitlines()[-1])
        timings = after(library)
    samples = m["samples"]
    marks = sorted({0, len(samples) // 10, len(samples) // 2, len(samples) - 1})
    curve = ", ".join(f"{samples[i][0]} files: {samples[i][1]:.0f} MB" for i in marks)
    print("\n| papers | files | import | peak RSS | RSS after opening | RSS during import |")
    print("|---:|---:|---:|---:|---:|---|")
    print(
        f"| {m['papers']:,} | {m['files']} | {m['seconds']:.0f} s "
        f"({m['papers'] / m['seconds']:.0f} papers/s) | {m['peak_rss_mb']:.0f} MB | "
        f"{m['opened_rss_mb']:.0f} MB | {curve} |"
    )
    print(
        f"\ndatabase {timings['db_mb']:.0f} MB; quick_check {timings['quick_check_s']:.2f} s; "
        f"open {timings['open_s']:.2f} s; verified backup {timings['backup_s']:.1f} s "
        f"({timings['backup_mb']:.0f} MB); check {timings['check_s']:.1f} s "
        f"({'ok' if timings['check_ok'] else 'PROBLEMS'})"
    )
    return 0 if not m["failed"] and m["papers"] == args.papers else 1


if __name__ == "__main__":
    sys.exit(main())
