"""Search benchmark: the app's index beside a bare Whoosh index over the same papers.

``python -m bench search [--sizes 10000,100000] [--queries 300] [--updates 200]``

For each size it builds a library with the real importer (bench.generate), then measures,
each time beside the same operation on a bare Whoosh index (Whoosh's defaults: FileStorage,
``ix.writer()``, ``ix.searcher()``, ``MultifieldParser`` over title and abstract,
``hit.highlights()``, ``writer.update_document()``) holding the same documents:

* indexing throughput: the app's rebuild vs bare bulk indexing (one writer, and procs=2);
  plus the whole import (digest parsing, database and index) and the index's share of it;
* search latency p50/p95 over a few hundred 1-3 word queries with snippets for the top 20;
* single-paper update latency (star or tag one paper, committed and searchable);
* memory: resident set size of a process that opened the index, and after the searches.

Searches and memory are measured in fresh processes (app and bare alternately, twice) so
that neither inherits the other's pages.  Results go to stdout as Markdown and to
``--out`` as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
from pathlib import Path
from typing import Any

from bench.generate import build_library, sample_queries
from bench.memory import rss_mb

SEED = 1
WARMUP_QUERIES = 20


# -- measuring -------------------------------------------------------------------------------


def anon_rss_mb() -> float:
    """The private part of the resident set (not file pages the kernel can drop and reread)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    if not ordered:
        return {"p50": 0.0, "p95": 0.0, "n": 0}
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50": round(statistics.median(ordered) * 1000, 1),
        "p95": round(p95 * 1000, 1),
        "n": len(ordered),
    }


def machine() -> dict[str, str]:
    import whoosh

    def run(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
        except OSError:
            return ""

    lscpu = "\n".join(run(["lscpu"]).splitlines()[:10])
    return {
        "nproc": run(["nproc"]).strip() or str(os.cpu_count()),
        "lscpu": lscpu,
        "python": platform.python_version(),
        "whoosh": f"whoosh-reloaded {whoosh.versionstring()}",
        "platform": platform.platform(),
        "date": dt.date.today().isoformat(),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


# -- the bare Whoosh side ---------------------------------------------------------------------


def bare_schema() -> Any:
    """The app's fields, declared the plain way."""
    from whoosh import fields
    from whoosh.analysis import StemmingAnalyzer

    text = StemmingAnalyzer()
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        title=fields.TEXT(analyzer=text, stored=True),
        abstract=fields.TEXT(analyzer=text, stored=True),
        tag=fields.KEYWORD(lowercase=True, commas=True, scorable=True),
        note=fields.TEXT(analyzer=text, stored=True),
        org=fields.TEXT(analyzer=text),
        shelf=fields.KEYWORD(lowercase=True, commas=True),
        starred=fields.BOOLEAN(),
        status=fields.ID(),
        triage=fields.ID(),
        trashed=fields.BOOLEAN(),
        published=fields.DATETIME(),
        upvotes=fields.NUMERIC(int),
        seen=fields.NUMERIC(int),
        added=fields.DATETIME(),
    )


def bare_fields(doc: Any) -> dict[str, Any]:
    return {
        "id": str(doc.id),
        "title": doc.title,
        "abstract": doc.abstract,
        "tag": ",".join(doc.tags),
        "note": doc.note,
        "org": doc.organization,
        "shelf": ",".join(doc.shelves),
        "starred": doc.starred,
        "status": doc.read_status,
        "triage": doc.triage,
        "trashed": doc.trashed,
        "published": dt.datetime.combine(doc.published, dt.time()) if doc.published else None,
        "upvotes": doc.upvotes,
        "seen": doc.seen_count,
        "added": doc.added.replace(tzinfo=None),
    }


def library_docs(lib_dir: Path) -> list[Any]:
    """The library's papers as the index sees them (the documents both sides index)."""
    from readinglist.library import Library
    from readinglist.store.convert import iter_all_papers, to_index_doc

    with Library.open(lib_dir, sync_index=False, backups=False) as lib, lib.read() as s:
        return [to_index_doc(p) for p in iter_all_papers(s)]


def bare_index(directory: Path, docs: list[Any], procs: int) -> float:
    """Bulk-index ``docs`` into a new bare index; returns seconds."""
    from whoosh import index

    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    ix = index.create_in(str(directory), bare_schema())
    start = time.perf_counter()
    writer = ix.writer(procs=procs) if procs > 1 else ix.writer()
    for doc in docs:
        writer.add_document(**bare_fields(doc))
    writer.commit()
    return time.perf_counter() - start


# -- probes: run in fresh processes -----------------------------------------------------------


def probe_search_app(lib_dir: Path, queries: list[str]) -> dict[str, Any]:
    from readinglist.library import Library

    out: dict[str, Any] = {"rss_start": rss_mb()}
    start = time.perf_counter()
    lib = Library.open(lib_dir, backups=False)
    out["open_s"] = time.perf_counter() - start
    out["rss_open"] = rss_mb()
    for q in queries[:WARMUP_QUERIES]:
        lib.search(q, limit=20)
    out["rss_first"] = rss_mb()
    lat = []
    hits = 0
    for q in queries[WARMUP_QUERIES:]:
        t = time.perf_counter()
        outcome = lib.search(q, limit=20, snippets=True)
        lat.append(time.perf_counter() - t)
        hits += len(outcome.hits)
    out["latencies"] = lat
    out["hits"] = hits
    out["rss_end"] = rss_mb()
    out["rss_anon_end"] = anon_rss_mb()
    out["rss_peak"] = peak_rss_mb()
    lib.close()
    return out


def probe_search_bare(index_dir: Path, queries: list[str]) -> dict[str, Any]:
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    out: dict[str, Any] = {"rss_start": rss_mb()}
    start = time.perf_counter()
    ix = index.open_dir(str(index_dir))
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "abstract"], ix.schema)
    out["open_s"] = time.perf_counter() - start
    out["rss_open"] = rss_mb()

    def one(q: str) -> int:
        results = searcher.search(parser.parse(q), limit=20)
        for hit in results:
            hit.highlights("title")
            hit.highlights("abstract")
        return int(results.scored_length())

    for q in queries[:WARMUP_QUERIES]:
        one(q)
    out["rss_first"] = rss_mb()
    lat = []
    hits = 0
    for q in queries[WARMUP_QUERIES:]:
        t = time.perf_counter()
        hits += one(q)
        lat.append(time.perf_counter() - t)
    out["latencies"] = lat
    out["hits"] = hits
    out["rss_end"] = rss_mb()
    out["rss_anon_end"] = anon_rss_mb()
    out["rss_peak"] = peak_rss_mb()
    searcher.close()
    return out


def run_probe(kind: str, path: Path, queries: list[str]) -> dict[str, Any]:
    """Run one probe in a fresh Python process; returns its JSON answer."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(queries, fh)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bench", "search", "--probe", kind, str(path), fh.name],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).resolve().parents[1],
        )
    finally:
        os.unlink(fh.name)
    if proc.returncode != 0:
        raise RuntimeError(f"probe {kind} failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# -- updates ----------------------------------------------------------------------------------


def app_updates(lib_dir: Path, n: int, rng: random.Random) -> dict[str, Any]:
    """Star/unstar or tag one paper at a time through the service (database + index)."""
    from readinglist.library import Library

    with Library.open(lib_dir, backups=False) as lib:
        ids = lib.paper_ids()
        chosen = rng.sample(ids, min(len(ids), n + 10))
        lat, index_lat = [], []
        real_update = lib.index.update
        spent = [0.0]

        def timed_update(plan: Any) -> Any:
            t = time.perf_counter()
            try:
                return real_update(plan)
            finally:
                spent[0] += time.perf_counter() - t

        lib.index.update = timed_update  # type: ignore[method-assign]
        for k, paper_id in enumerate(chosen):
            spent[0] = 0.0
            t = time.perf_counter()
            if k % 2:
                lib.add_tags([paper_id], [f"bench{k % 7}"])
            else:
                lib.set_starred([paper_id], True)
            if k >= 10:  # the first few warm up caches
                lat.append(time.perf_counter() - t)
                index_lat.append(spent[0])
        lib.index.wait_for_merge()
        starred = {i for k, i in enumerate(chosen) if k % 2 == 0}
        found = {h.id for h in lib.search("is:starred", limit=None, snippets=False).hits}
        ok = starred <= found
        segments = lib.index.segment_count()
    return {"latencies": lat, "index_latencies": index_lat, "visible": ok, "segments": segments}


def bare_updates(index_dir: Path, docs: list[Any], n: int, rng: random.Random) -> dict[str, Any]:
    """The same edits on the bare index: update_document + commit, one paper at a time."""
    import dataclasses

    from whoosh import index

    ix = index.open_dir(str(index_dir))
    chosen = rng.sample(docs, min(len(docs), n + 10))
    lat = []
    for k, doc in enumerate(chosen):
        changed = (
            dataclasses.replace(doc, tags=(*doc.tags, f"bench{k % 7}"))
            if k % 2
            else dataclasses.replace(doc, starred=True)
        )
        t = time.perf_counter()
        writer = ix.writer()
        writer.update_document(**bare_fields(changed))
        writer.commit()
        if k >= 10:
            lat.append(time.perf_counter() - t)
    return {"latencies": lat}


# -- import breakdown ---------------------------------------------------------------------------


def import_without_index(path: Path, n_papers: int, per_digest: int) -> float:
    """The same import with index writes switched off: the database's share of an import."""
    from readinglist.search.index import SearchIndex

    real_update = SearchIndex.update

    def no_update(self: SearchIndex, plan: Any) -> Any:
        return self.state()

    SearchIndex.update = no_update  # type: ignore[method-assign]
    try:
        return build_library(path, n_papers, SEED, per_digest=per_digest).seconds
    finally:
        SearchIndex.update = real_update  # type: ignore[method-assign]


# -- the run ----------------------------------------------------------------------------------


def bench_size(
    n: int, work: Path, queries: list[str], n_updates: int, breakdown: bool, log: Any
) -> dict[str, Any]:
    from readinglist.library import Library

    res: dict[str, Any] = {"papers": n}
    lib_dir = work / f"lib-{n}"
    shutil.rmtree(lib_dir, ignore_errors=True)
    per_digest = 50
    log(f"[{n}] importing {n:,} papers through the importer ...")
    report = build_library(lib_dir, n, SEED, per_digest=per_digest)
    res["import_s"] = report.seconds
    res["import_files"] = report.files
    log(f"[{n}] import: {report.seconds:.1f} s ({report.files} files)")
    if breakdown:
        plain = work / f"lib-{n}-noindex"
        shutil.rmtree(plain, ignore_errors=True)
        res["import_db_only_s"] = import_without_index(plain, n, per_digest)
        shutil.rmtree(plain, ignore_errors=True)
        log(f"[{n}] same import without index writes: {res['import_db_only_s']:.1f} s")

    docs = library_docs(lib_dir)
    res["docs"] = len(docs)
    with Library.open(lib_dir, backups=False) as lib:
        start = time.perf_counter()
        lib.reindex()
        res["app_rebuild_s"] = time.perf_counter() - start
        res["app_segments"] = lib.index.segment_count()
    log(f"[{n}] app rebuild: {res['app_rebuild_s']:.1f} s")
    for procs in (1, 2):
        key = f"bare_index_procs{procs}_s"
        res[key] = bare_index(work / f"bare-{n}-p{procs}", docs, procs)
        log(f"[{n}] bare bulk index, procs={procs}: {res[key]:.1f} s")
    bare_dir = work / f"bare-{n}-p1"
    shutil.rmtree(work / f"bare-{n}-p2", ignore_errors=True)
    res["index_mb"] = {
        "app": _du(lib_dir / "index"),
        "bare": _du(bare_dir),
    }

    log(f"[{n}] searching ({len(queries) - WARMUP_QUERIES} queries, 2 rounds each) ...")
    res["search"] = compare_search(lib_dir, bare_dir, queries)
    log(f"[{n}] search: {json.dumps(res['search'])}")

    rng = random.Random(SEED)
    app_up = app_updates(lib_dir, n_updates, rng)
    bare_up = bare_updates(bare_dir, docs, n_updates, random.Random(SEED))
    res["update"] = {
        "app": percentiles(app_up["latencies"]) | {"visible": app_up["visible"]},
        "app_index_only": percentiles(app_up["index_latencies"]),
        "app_segments_after": app_up["segments"],
        "bare": percentiles(bare_up["latencies"]),
    }
    log(f"[{n}] updates: {json.dumps(res['update'])}")
    return res


def compare_search(lib_dir: Path, bare_dir: Path, queries: list[str]) -> dict[str, Any]:
    """App and bare searches, each in fresh processes, alternately, twice."""
    app_runs, bare_runs = [], []
    for _round in range(2):
        app_runs.append(run_probe("app", lib_dir, queries))
        bare_runs.append(run_probe("bare", bare_dir, queries))
    measured = queries[WARMUP_QUERIES:]
    return {"app": _merge_runs(app_runs, measured), "bare": _merge_runs(bare_runs, measured)}


def _merge_runs(runs: list[dict[str, Any]], queries: list[str]) -> dict[str, Any]:
    lat = [x for r in runs for x in r["latencies"]]
    # Users repeat searches (and the app answers a repeat from its cache): also report the
    # queries' first occurrences alone, where no cache can help.
    seen: set[str] = set()
    first = []
    for q, x in zip(queries, runs[0]["latencies"], strict=True):
        if q not in seen:
            first.append(x)
        seen.add(q)
    distinct = percentiles(first)
    return percentiles(lat) | {
        "distinct_p50": distinct["p50"],
        "distinct_p95": distinct["p95"],
        "distinct_n": distinct["n"],
        "open_ms": round(1000 * statistics.median(r["open_s"] for r in runs), 1),
        "rss_open_mb": round(max(r["rss_open"] for r in runs), 1),
        "rss_after_mb": round(max(r["rss_end"] for r in runs), 1),
        "rss_anon_after_mb": round(max(r.get("rss_anon_end", 0.0) for r in runs), 1),
        "rss_peak_mb": round(max(r["rss_peak"] for r in runs), 1),
        "hits": runs[0]["hits"],
    }


def _du(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return round(total / 1e6, 1)


def markdown(results: list[dict[str, Any]], info: dict[str, str]) -> str:
    lines = [
        f"Machine: {info['nproc']} cores; Python {info['python']}, Whoosh {info['whoosh']}; "
        f"{info['platform']}; {info['date']}; load average at the start {info['load']}.",
        "",
        "| papers | measure | app | bare Whoosh | app / bare |",
        "|---:|---|---:|---:|---:|",
    ]

    def row(n: int, what: str, app: float, bare: float, unit: str, better_low: bool) -> None:
        ratio = app / bare if bare else float("nan")
        lines.append(
            f"| {n:,} | {what} | {app:,.1f} {unit} | {bare:,.1f} {unit} | {ratio:.2f}x"
            + (" " if better_low else "")
            + " |"
        )

    for r in results:
        n, docs = r["papers"], r["docs"]
        app_rate = docs / r["app_rebuild_s"]
        row(n, "bulk indexing (app rebuild vs bare, 1 writer)", app_rate,
            docs / r["bare_index_procs1_s"], "docs/s", False)  # fmt: skip
        row(n, "bulk indexing (app rebuild vs bare, procs=2)", app_rate,
            docs / r["bare_index_procs2_s"], "docs/s", False)  # fmt: skip
        if "import_db_only_s" in r:
            index_share = r["import_s"] - r["import_db_only_s"]
            row(n, "index time inside a full import vs bare procs=2", index_share,
                r["bare_index_procs2_s"], "s", True)  # fmt: skip
        s_app, s_bare = r["search"]["app"], r["search"]["bare"]
        row(n, "search p50 (top 20 + snippets)", s_app["p50"], s_bare["p50"], "ms", True)
        row(n, "search p95 (top 20 + snippets)", s_app["p95"], s_bare["p95"], "ms", True)
        if "distinct_p50" in s_app:
            row(n, "search p50, first occurrences only (no cache hits)", s_app["distinct_p50"],
                s_bare["distinct_p50"], "ms", True)  # fmt: skip
            row(n, "search p95, first occurrences only (no cache hits)", s_app["distinct_p95"],
                s_bare["distinct_p95"], "ms", True)  # fmt: skip
        u_app, u_bare = r["update"]["app"], r["update"]["bare"]
        u_ix = r["update"]["app_index_only"]
        row(n, "one-paper update p50 (whole edit: database + index)", u_app["p50"],
            u_bare["p50"], "ms", True)  # fmt: skip
        row(n, "one-paper update p95 (whole edit: database + index)", u_app["p95"],
            u_bare["p95"], "ms", True)  # fmt: skip
        row(n, "one-paper update p50 (index part of the edit)", u_ix["p50"], u_bare["p50"],
            "ms", True)  # fmt: skip
        row(n, "one-paper update p95 (index part of the edit)", u_ix["p95"], u_bare["p95"],
            "ms", True)  # fmt: skip
        row(n, "RSS after opening", s_app["rss_open_mb"], s_bare["rss_open_mb"], "MB", True)
        row(n, "RSS after the searches", s_app["rss_after_mb"], s_bare["rss_after_mb"], "MB", True)
        if "rss_anon_after_mb" in s_app:
            row(n, "  of which private (not file pages)", s_app["rss_anon_after_mb"],
                s_bare["rss_anon_after_mb"], "MB", True)  # fmt: skip
        row(n, "index size on disk", r["index_mb"]["app"], r["index_mb"]["bare"], "MB", True)
    lines.append("")
    for r in results:
        lines.append(
            f"- {r['papers']:,} papers: full import through the importer "
            f"{r['import_s']:.0f} s ({r['docs'] / r['import_s']:.0f} papers/s, "
            f"{r['import_files']} digest files)"
            + (
                f", of which {r['import_s'] - r['import_db_only_s']:.0f} s index writes"
                if "import_db_only_s" in r
                else ""
            )
            + f"; app rebuild {r['app_rebuild_s']:.0f} s into {r['app_segments']} segments; "
            f"updates visible to is:starred: {r['update']['app']['visible']}."
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench search", description=__doc__)
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated paper counts")
    ap.add_argument("--queries", type=int, default=300, help="measured queries per process")
    ap.add_argument("--updates", type=int, default=200)
    ap.add_argument("--workdir", type=Path, help="where libraries go (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the libraries afterwards")
    ap.add_argument("--no-breakdown", action="store_true", help="skip the index-less import")
    ap.add_argument("--out", type=Path, help="write the results as JSON here")
    ap.add_argument("--probe", nargs=3, metavar=("KIND", "PATH", "QUERIES"), help=argparse.SUPPRESS)
    ap.add_argument(
        "--search-only",
        nargs=2,
        type=Path,
        metavar=("LIBRARY", "BARE_INDEX"),
        help="only compare searches, on a kept library and bare index (see --keep)",
    )
    args = ap.parse_args(argv)

    if args.probe:
        kind, path, qfile = args.probe
        queries = json.loads(Path(qfile).read_text())
        probe = probe_search_app if kind == "app" else probe_search_bare
        print(json.dumps(probe(Path(path), queries)))
        return 0

    def log(msg: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    queries = sample_queries(args.queries + WARMUP_QUERIES, SEED)
    if args.search_only:
        library, bare = args.search_only
        print(json.dumps(compare_search(library, bare, queries), indent=2))
        return 0
    work = args.workdir or Path(tempfile.mkdtemp(prefix="readinglist-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    info = machine()
    results = []
    try:
        for n in sizes:
            results.append(bench_size(n, work, queries, args.updates, not args.no_breakdown, log))
            if args.out:
                args.out.write_text(json.dumps({"machine": info, "results": results}, indent=2))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(markdown(results, info))
    return 0
