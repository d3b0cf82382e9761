"""``python -m bench robustness``: how long hostile and huge input takes, beside the bare minimum.

The functional tests assert what happens to such input (refused, cut, parsed); this is where
its speed is measured. Each case is timed beside its *bare* counterpart, the least any
program must do with the same input:

* a digest: ``parse_bytes`` against decoding the bytes and splitting them into lines;
* a query: ``querylang.parse`` against ``str.split``;
* a search: ``Library.search`` of a 50 KB paste against the same search of the part that is
  used (its first ``MAX_QUERY_CHARS`` characters), on a library of the real test digests.

    python -m bench robustness [--repeat 5] [--out results.json]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.search_bench import machine
from readinglist.digest import MAX_DIGEST_BYTES, DigestError, parse_bytes
from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.querylang import MAX_QUERY_CHARS
from readinglist.querylang import parse as parse_query

REF = dt.date(2025, 12, 20)
REAL_DIGESTS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "digests" / "real"
ENTRY = (
    "Paper\n\n"
    + " ".join(["We study forgetting in large models and how to prevent it."] * 25)
    + "\n\n  • 3 authors\n\n·\n\nSep 1, 2024 2\n\n"
)


def digest_cases() -> dict[str, bytes]:
    """The parser's hostile inputs (tests/digest/test_parser.py asserts their outcome)."""
    copies = MAX_DIGEST_BYTES // len(ENTRY.encode()) - 1
    return {
        "20 MB of well-formed entries": ("Dec 9\n\n" + ENTRY * copies).encode(),
        "one 10 MB line": b"x" * 10_000_000,
        "url closers": ("Paper\nhttps://x" + ")" * 2_000_000).encode(),
        "url schemes": ("Paper\n" + "https://" * 2_000_000).encode(),
        "deep json": ("[" * 5_000_000 + "]" * 5_000_000).encode(),
        "many tiny entries": ("a\n·\nJan 1\n" * 60_000).encode(),
    }


def timed(action: Callable[[int], object], repeat: int) -> float:
    """The median of ``repeat`` runs (``action(run_number)``), in seconds."""
    samples = []
    for n in range(repeat):
        start = time.perf_counter()
        action(n)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _parse(data: bytes) -> None:
    with contextlib.suppress(DigestError):
        parse_bytes(data, reference=REF)


def run(repeat: int, cases: dict[str, bytes] | None = None) -> list[dict[str, Any]]:
    """Every case's median time beside its bare counterpart's (``cases``: the digest inputs)."""
    rows: list[dict[str, Any]] = []
    for name, data in (digest_cases() if cases is None else cases).items():
        rows.append(
            {
                "case": f"digest: {name}",
                "size": len(data),
                "app_s": timed(lambda _n: _parse(data), repeat),  # noqa: B023 (called at once)
                "bare": "decode + splitlines",
                "bare_s": timed(lambda _n: data.decode("utf-8").splitlines(), repeat),  # noqa: B023
            }
        )
    paste = ('lorem (ipsum "dolor -sit OR amet:x ' * 2000)[: 50 * 1024]
    rows.append(
        {
            "case": "query: a 50 KB paste",
            "size": len(paste),
            "app_s": timed(lambda _n: parse_query(paste), repeat),
            "bare": "str.split",
            "bare_s": timed(lambda _n: paste.split(), repeat),
        }
    )
    with tempfile.TemporaryDirectory() as tmp, Library.open(Path(tmp) / "lib") as lib:
        Importer(lib).import_files(sorted(REAL_DIGESTS.glob("*.txt")))
        search_paste = ('catastrophic (forgetting "neural OR -x* title: ' * 2000)[: 50 * 1024]
        lib.search("warm up")

        def unique(n: int, side: str) -> str:
            """Another query each run: the app answers a repeated query from a cache."""
            return f"{side}{n} {search_paste}"

        rows.append(
            {
                "case": "search: a 50 KB paste (169 papers)",
                "size": len(search_paste),
                "app_s": timed(lambda n: lib.search(unique(n, "app")), repeat),
                "bare": f"the same search of its first {MAX_QUERY_CHARS:,} characters",
                "bare_s": timed(lambda n: lib.search(unique(n, "bare")[:MAX_QUERY_CHARS]), repeat),
            }
        )
    return rows


def markdown(rows: list[dict[str, Any]], where: dict[str, str]) -> str:
    lines = [
        f"Measured {where['date']} on {where['nproc']} cores, Python {where['python']}, "
        f"{where['platform']} (load average {where['load']}).",
        "",
        "| case | input | readinglist | bare | bare time |",
        "|---|---:|---:|---|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['case']} | {r['size'] / 1e6:.2f} MB | {r['app_s']:.3f} s | {r['bare']} "
            f"| {r['bare_s']:.3f} s |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench robustness", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (the median)")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    rows = run(args.repeat)
    where = machine()
    print(markdown(rows, where))
    if args.out:
        args.out.write_text(json.dumps({"machine": where, "rows": rows}, indent=2) + "\n")
    return 0
