"""The desktop app's start-up and search field, timed on generated libraries.

    python -m bench gui_startup [--sizes 10000 100000] [--runs 3] [--queries 15]
                                [--cache DIR] [--library DIR] [--record FILE.md]

For each size, a library is built once with ``bench.generate.build_library`` (cached in
``--cache``), then each run starts a fresh process that opens the main window on it
(``QT_QPA_PLATFORM=offscreen`` unless a display is set) and reports:

* **painted**: wall time from just before the process is spawned to the end of the
  table's first paint (imports, opening the library, the first list, the window);
* **peak memory** (ru_maxrss) at that moment, the search index still closed;
* for the last run, the **search field**: queries typed key by key (60 ms apart), the time
  from the last keystroke until the table shows the results (the 150 ms debounce
  included), the first query (which opens the index) reported apart; and the longest
  stall of the GUI thread while searches ran (a 10 ms heartbeat timer's worst lateness).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

KEY_DELAY_MS = 60
HEARTBEAT_MS = 10


# -- the child: one start of the application ---------------------------------------------------


def child(library_path: Path, queries: list[str], spawned_at: float) -> dict[str, Any]:
    """Open the window the way ``readinglist.gui.app.run`` does, and measure."""
    import resource

    from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, QTimer
    from PySide6.QtTest import QTest

    from readinglist.gui.app import application
    from readinglist.gui.main_window import MainWindow
    from readinglist.library import Library

    imported_at = time.time()
    app = application()
    library = Library.open(library_path, sync_index=False)
    opened_at = time.time()
    settings_dir = tempfile.mkdtemp(prefix="rl-bench-settings-")
    settings = QSettings(str(Path(settings_dir) / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(library, settings)
    window.resize(1400, 860)
    painted: dict[str, float] = {}

    class PaintWatch(QObject):
        # QObject.eventFilter override: notes the end of the table's first paint
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and "first" not in painted:
                painted["first"] = time.time()
                QTimer.singleShot(0, lambda: painted.setdefault("done", time.time()))
            return False

    watch = PaintWatch()
    window.table.viewport().installEventFilter(watch)
    window.show()
    while "done" not in painted:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result: dict[str, Any] = {
        "papers": library.count(),
        "imports_s": imported_at - spawned_at,
        "open_s": opened_at - spawned_at,
        "painted_s": painted["done"] - spawned_at,
        "rows_loaded": len(window.table_model._cache),
        "peak_mb_at_paint": peak_kb / 1024,
    }

    def wait(condition: Any, timeout_s: float = 120.0) -> None:
        deadline = time.time() + timeout_s
        while not condition():
            if time.time() > deadline:
                raise TimeoutError("the window did not get there in time")
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)

    # The app brings the index up to date right after the first paint.
    synced_from = time.time()
    window.start_background_work()
    wait(lambda: not window.tasks.busy)
    result["index_sync_s"] = time.time() - synced_from

    if queries:
        result.update(_search_field(app, window, queries, wait, QTest, QTimer))
    result["peak_mb_end"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    window.close()
    library.close()
    return result


def _search_field(
    app: Any, window: Any, queries: list[str], wait: Any, qtest: Any, qtimer: Any
) -> dict[str, Any]:
    from PySide6.QtCore import Qt

    stalls: list[float] = []
    last_beat = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        stalls.append(now - last_beat[0] - HEARTBEAT_MS / 1000)
        last_beat[0] = now

    heartbeat = qtimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(beat)

    def shown(query: str) -> bool:
        listing = window._listing
        return listing is not None and listing.request.query == query and not window._lists.busy

    latencies: list[float] = []
    counts: list[int] = []
    window.search.setFocus()
    for n, query in enumerate(queries):
        window.search.clear()
        window.search.set_query("")
        wait(lambda: shown(""))
        last_beat[0] = time.perf_counter()
        heartbeat.start()
        for i, ch in enumerate(query):
            if i:
                qtest.qWait(KEY_DELAY_MS)
            qtest.keyClick(window.search, Qt.Key(ord(ch.upper())))
        last_key = time.perf_counter()
        wait(lambda q=query: shown(q))
        app.processEvents()  # the repaint with the results
        latencies.append(time.perf_counter() - last_key)
        heartbeat.stop()
        counts.append(len(window.table_model.ids))
        if n == 0:
            first = latencies.pop()
    worst_stall = max(stalls) if stalls else 0.0
    return {
        "first_search_s": first,
        "search_median_s": statistics.median(latencies),
        "search_p90_s": sorted(latencies)[int(len(latencies) * 0.9) - 1] if latencies else 0.0,
        "search_results_median": statistics.median(counts),
        "longest_gui_stall_s": worst_stall,
    }


# -- the parent: build, spawn, summarise ---------------------------------------------------


def run_once(library_path: Path, queries: list[str]) -> dict[str, Any]:
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = Path(out.name)
    spawned_at = time.time()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.gui_startup",
            "--child",
            str(library_path),
            "--out",
            str(out_path),
            "--spawned-at",
            repr(spawned_at),
            "--query-list",
            json.dumps(queries),
        ],
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    data: dict[str, Any] = json.loads(out_path.read_text())
    out_path.unlink()
    return data


def ensure_library(cache: Path, n_papers: int, seed: int) -> Path:
    from bench.generate import build_library

    path = cache / f"{n_papers}-seed{seed}"
    if not (path / "library.sqlite3").exists():
        print(f"building a {n_papers:,}-paper library in {path} (once) ...", flush=True)
        report = build_library(path, n_papers, seed)
        print(f"  built in {report.seconds:.0f} s", flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gui_startup", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "rl-bench")
    parser.add_argument("--library", type=Path, help="Use this library instead of building one.")
    parser.add_argument("--record", type=Path, help="Append the results to this Markdown file.")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--spawned-at", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--query-list", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child is not None:
        queries = json.loads(args.query_list or "[]")
        result = child(args.child, queries, args.spawned_at or time.time())
        args.out.write_text(json.dumps(result))
        return 0

    from bench.generate import sample_queries

    queries = sample_queries(args.queries + 1, seed=args.seed)
    rows = []
    for size in args.sizes:
        if args.library is not None:
            path = args.library
        else:
            args.cache.mkdir(parents=True, exist_ok=True)
            path = ensure_library(args.cache, size, args.seed)
        runs = []
        for n in range(args.runs):
            last = n == args.runs - 1
            runs.append(run_once(path, queries if last else []))
            print(f"  run {n + 1}: painted in {runs[-1]['painted_s']:.2f} s", flush=True)
        row = dict(runs[-1])
        row["painted_s"] = statistics.median(r["painted_s"] for r in runs)
        row["peak_mb_at_paint"] = statistics.median(r["peak_mb_at_paint"] for r in runs)
        row["open_s"] = statistics.median(r["open_s"] for r in runs)
        rows.append(row)
        print(_describe(row), flush=True)
    if args.record is not None:
        with args.record.open("a", encoding="utf-8") as fh:
            fh.write(_markdown(rows, args.runs, len(queries) - 1))
    return 0


def _describe(r: dict[str, Any]) -> str:
    return (
        f"{r['papers']:,} papers: painted {r['painted_s']:.2f} s (library open at "
        f"{r['open_s']:.2f} s), peak {r['peak_mb_at_paint']:.0f} MB at paint, "
        f"{r['rows_loaded']} records loaded; first search {r['first_search_s'] * 1000:.0f} ms, "
        f"median {r['search_median_s'] * 1000:.0f} ms (p90 {r['search_p90_s'] * 1000:.0f} ms) "
        f"after the last key, GUI stall at most {r['longest_gui_stall_s'] * 1000:.0f} ms, "
        f"peak {r['peak_mb_end']:.0f} MB after searching"
    )


def _markdown(rows: list[dict[str, Any]], runs: int, queries: int) -> str:
    lines = [
        "",
        "## Desktop app: start-up and the search field (`bench/gui_startup.py`)",
        "",
        f"Median of {runs} cold starts (a new process each); search over {queries} "
        f"generated queries typed {KEY_DELAY_MS} ms per key, timed from the last key to "
        "the table showing the results (the 150 ms debounce included). "
        "Platform: offscreen, 2 cores.",
        "",
        "| papers | painted | library opened | peak memory at paint | records loaded "
        "| first search | search median | search p90 | longest GUI stall "
        "| peak after searching |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['papers']:,} | {r['painted_s']:.2f} s | {r['open_s']:.2f} s "
            f"| {r['peak_mb_at_paint']:.0f} MB | {r['rows_loaded']} "
            f"| {r['first_search_s'] * 1000:.0f} ms | {r['search_median_s'] * 1000:.0f} ms "
            f"| {r['search_p90_s'] * 1000:.0f} ms | {r['longest_gui_stall_s'] * 1000:.0f} ms "
            f"| {r['peak_mb_end']:.0f} MB |"
        )
    lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
