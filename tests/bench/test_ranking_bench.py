"""The ranking benchmark end to end at a toy size (the real runs are in docs/benchmarks.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench import __main__ as bench_main
from bench import ranking_bench

FIXTURES = Path(__file__).parents[1] / "fixtures" / "digests"


def test_the_ranking_benchmark_is_discovered() -> None:
    assert "ranking" in bench_main.available()


def test_the_reader_keeps_its_topics_and_is_sometimes_wrong() -> None:
    consistent = ranking_bench.Reader.with_seed(4, noise=0.0)
    stream = ranking_bench.digest_stream([], 600, seed=4)
    papers = [item.paper for digest in stream for item in digest]
    calls = [consistent.decide(p) > 0 for p in papers]
    assert 0.1 < sum(calls) / len(calls) < 0.5
    assert calls == [consistent.interest(p) >= 2 for p in papers]
    noisy = ranking_bench.Reader.with_seed(4, noise=0.5)
    flipped = sum((noisy.decide(p) > 0) != kept for p, kept in zip(papers, calls, strict=True))
    assert 0.3 < flipped / len(papers) < 0.7


def test_real_digests_are_interleaved_and_repeats_are_decided_once(tmp_path: Path) -> None:
    for name in ("plain.txt", "metadata.txt"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    stream = ranking_bench.digest_stream(sorted(tmp_path.glob("*.txt")), 150, seed=2)
    assert len(stream) == 3 + 2  # three generated digests, a real one after each of the first
    triaged = ranking_bench.triage(ranking_bench.Reader.with_seed(2), stream)
    ids = [p.id for d in triaged for p in d.papers]
    assert len(ids) == len(set(ids))
    seen_again = [item.paper for d in stream for item in d if item.paper.seen_count > 1]
    assert seen_again  # generated digests repeat earlier papers, as real ones do


def test_a_tiny_run_measures_everything(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    argv = ["--readers", "1", "--generated", "600", "--cuts", "20,150", "--test-digests", "3"]
    argv += ["--replay-digests", "4", "--speed", "400", "--rounds", "1"]
    argv += ["--digests", str(tmp_path / "none"), "--out", str(out)]
    assert ranking_bench.main(argv) == 0
    results = json.loads(out.read_text())
    row = results["quality"]["150"]
    assert set(row) == {
        "learned",
        "similar",
        "chosen",
        "digest order",
        "upvotes, seen",
        ranking_bench.TASTE,
    }
    for figures in row.values():
        assert 0 <= figures["roc_auc"] <= 1
    assert row["chosen"]["roc_auc"] > row["digest order"]["roc_auc"]
    assert results["replay"]["digests"] == 4
    assert results["speed"]["decisions"] == 400
    assert results["speed"]["score_100_ms"] > 0
    assert {"numpy", "readinglist.ranking"} <= set(results["imports_ms"])
    assert "numpy" in " ".join(results["install_mb"])
