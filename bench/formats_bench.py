"""Reading what we write, at scale: export, read and import of BibTeX, RIS and CSL-JSON, the
vault, and refusing a 50 MB JSON of no known kind.

    python -m bench formats [--papers 5000] [--seed 1] [--out results.json]

Each read figure stands beside its bare counterpart: the stock parser alone on the same file
(bibtexparser 2 without middleware, rispy, json). A library of ``--papers`` generated papers
(bench/generate.py) is exported whole in each format, read back, and imported into an empty
library with the real importer (reading, merging, the database and the search index).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import rispy
from bibtexparser.entrypoint import parse_string

from bench.duplicates_bench import machine
from bench.generate import build_library
from readinglist import formats
from readinglist.core import Scope
from readinglist.export import Exporter
from readinglist.importing import Importer
from readinglist.library import Library

FORMATS = {"bibtex": ".bib", "ris": ".ris", "csljson": ".json"}


def _bare(fmt: str, data: bytes) -> int:
    """The stock parser alone: how many entries it found."""
    text = data.decode("utf-8")
    if fmt == "bibtex":
        return len(parse_string(text).entries)
    if fmt == "ris":
        return len(rispy.loads(text))
    return len(json.loads(text))


def _timed(work: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = work()
    return time.perf_counter() - start, value


def run(papers: int, seed: int, workdir: Path, *, json_rows: int = 17_000) -> dict[str, Any]:
    """Every figure; ``json_rows`` sizes the JSON of no known kind (17,000 rows: 51 MB)."""
    source = workdir / "source"
    built = build_library(source, papers, seed)
    out: dict[str, Any] = {"machine": machine(), "papers": built.papers, "formats": {}}
    with Library.open(source, backups=False) as lib:
        exporter = Exporter(lib)
        for fmt, suffix in FORMATS.items():
            path = workdir / f"library{suffix}"
            export_s, _ = _timed(lambda: exporter.export(Scope.library(), fmt, path))  # noqa: B023
            data = path.read_bytes()
            bare_s, bare_n = _timed(lambda: _bare(fmt, data))  # noqa: B023
            read_s, source_file = _timed(lambda: formats.read(data))  # noqa: B023
            with Library.open(workdir / f"into-{fmt}", backups=False) as target:
                import_s, result = _timed(lambda: Importer(target).import_files([path]))  # noqa: B023
            report = result.files[0]
            if report.error is not None or report.new != built.papers:
                raise RuntimeError(f"{fmt}: {report.error or report.new}")
            out["formats"][fmt] = {
                "bytes": len(data),
                "export_s": round(export_s, 3),
                "bare_parse_s": round(bare_s, 3),
                "bare_entries": bare_n,
                "read_s": round(read_s, 3),
                "read_entries": len(source_file.papers),
                "import_s": round(import_s, 3),
            }
        vault = workdir / "vault"
        first_s, first = _timed(lambda: exporter.export_vault(Scope.library(), vault))
        again_s, again = _timed(lambda: exporter.export_vault(Scope.library(), vault))
        out["vault"] = {
            "files": len(first.vault.created),
            "first_s": round(first_s, 3),
            "again_s": round(again_s, 3),
            "again_unchanged": again.vault.unchanged,
        }
    big = workdir / "big.json"
    big.write_bytes(json.dumps({"rows": [[0] * 1000] * json_rows}).encode())
    with Library.open(workdir / "refuse", backups=False) as lib:
        refuse_s, refused = _timed(lambda: Importer(lib).import_files([big]))
    out["refuse_json"] = {
        "bytes": big.stat().st_size,
        "seconds": round(refuse_s, 3),
        "error": refused.files[0].error,
    }
    return out


def report(result: dict[str, Any]) -> str:
    lines = [f"machine: {json.dumps(result['machine'])}", f"papers: {result['papers']:,}"]
    for fmt, f in result["formats"].items():
        lines.append(
            f"{fmt}: {f['bytes'] / 1e6:.1f} MB, export {f['export_s']} s; "
            f"read {f['read_s']} s (bare parser {f['bare_parse_s']} s); "
            f"import into an empty library {f['import_s']} s"
        )
    v = result["vault"]
    lines.append(
        f"vault: {v['files']:,} files in {v['first_s']} s; "
        f"again ({v['again_unchanged']:,} unchanged) {v['again_s']} s"
    )
    r = result["refuse_json"]
    lines.append(f"{r['bytes'] / 1e6:.0f} MB JSON refused in {r['seconds']} s: {r['error']}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench formats")
    parser.add_argument("--papers", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="readinglist-formats-") as tmp:
        result = run(args.papers, args.seed, Path(tmp))
    print(report(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0
