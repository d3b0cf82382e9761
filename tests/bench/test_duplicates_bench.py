"""The duplicates benchmark end to end, at a toy size (the real run is in docs/benchmarks.md)."""

from __future__ import annotations

from bench import __main__ as bench_main
from bench import duplicates_bench
from bench.generate import generate_papers


def test_benchmark_is_discovered() -> None:
    assert "duplicates" in bench_main.available()


def test_a_tiny_run_measures_everything() -> None:
    # Generated papers stand in for the real digests, which may not be beside the checkout.
    papers = [(p.title, p.abstract) for p in generate_papers(40, seed=3)]
    result = {
        "machine": duplicates_bench.machine(),
        "versions": duplicates_bench.versions(papers, seed=1),
        "quality": duplicates_bench.quality(papers, rounds=2),
        "speed": duplicates_bench.speed(300, seed=1, checks_count=40),
    }
    versions, quality, speed = result["versions"], result["quality"], result["speed"]
    assert versions["spellings"] == 40 * len(versions["per_kind"])
    assert versions["folded"] == versions["spellings"]
    assert quality["expected"] > 40  # several kinds of near-duplicate per original
    assert quality["hits"] <= quality["expected"]
    assert quality["right"] <= quality["found"]
    assert quality["negatives"] > 0
    assert speed["check_ms"]["p95"] > 0
    assert speed["checked_near_found"][1] == 20
    report = duplicates_bench.report(result)
    assert "versions folded:" in report
    assert "candidates (scan, 2 rounds): recall" in report
