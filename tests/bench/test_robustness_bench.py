"""The robustness benchmark end to end, on toy inputs (the real figures: docs/benchmarks.md)."""

from __future__ import annotations

from bench import __main__ as bench_main
from bench import robustness_bench
from bench.search_bench import machine


def test_the_benchmark_is_discovered() -> None:
    assert "robustness" in bench_main.available()


def test_a_tiny_run_measures_every_case_beside_its_bare_counterpart() -> None:
    rows = robustness_bench.run(1, cases={"tiny": b"Mar 11\n\nA Title\n\nAn abstract.\n"})
    assert [r["case"] for r in rows] == [
        "digest: tiny",
        "query: a 50 KB paste",
        "search: a 50 KB paste (169 papers)",
    ]
    for row in rows:
        assert row["app_s"] > 0
        assert row["bare_s"] > 0
    table = robustness_bench.markdown(rows, machine())
    assert "| digest: tiny |" in table


def test_the_hostile_inputs_are_the_sizes_the_tests_use() -> None:
    sizes = {name: len(data) for name, data in robustness_bench.digest_cases().items()}
    assert sizes["one 10 MB line"] == 10_000_000
    assert sizes["20 MB of well-formed entries"] <= 20 * 1024 * 1024
