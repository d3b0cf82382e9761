"""The formats benchmark end to end, at a toy size (the real run is in docs/benchmarks.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench import __main__ as bench_main
from bench import formats_bench

if TYPE_CHECKING:
    from pathlib import Path


def test_benchmark_is_discovered() -> None:
    assert "formats" in bench_main.available()


def test_a_tiny_run_measures_everything(tmp_path: Path) -> None:
    result = formats_bench.run(60, seed=2, workdir=tmp_path, json_rows=50)
    assert result["papers"] == 60
    for figures in result["formats"].values():
        assert figures["bare_entries"] == figures["read_entries"] == 60
        assert figures["import_s"] > 0
    assert result["vault"]["files"] == result["vault"]["again_unchanged"] == 60
    assert "JSON of a kind readinglist does not read" in result["refuse_json"]["error"]
    text = formats_bench.report(result)
    assert "bibtex:" in text
    assert "MB JSON refused in" in text
