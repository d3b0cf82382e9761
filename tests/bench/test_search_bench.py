"""The search benchmark end to end, at a toy size (the real runs are in docs/benchmarks.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench import __main__ as bench_main
from bench import search_bench
from bench.generate import sample_queries

if TYPE_CHECKING:
    from pathlib import Path


def test_benchmarks_are_discovered() -> None:
    assert "search" in bench_main.available()


def test_a_tiny_run_measures_everything(tmp_path: Path) -> None:
    queries = sample_queries(search_bench.WARMUP_QUERIES + 6, search_bench.SEED)
    result = search_bench.bench_size(120, tmp_path, queries, 4, False, lambda _msg: None)
    assert result["docs"] == 120
    for side in ("app", "bare"):
        assert result["search"][side]["n"] == 12  # 6 queries, two rounds
        assert result["search"][side]["rss_after_mb"] > 0
    assert result["update"]["app"]["visible"] is True
    assert result["update"]["app"]["n"] == 4
    table = search_bench.markdown([result], search_bench.machine())
    assert "| 120 | search p95 (top 20 + snippets) |" in table
