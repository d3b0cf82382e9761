"""The digest generator: deterministic, realistic enough, importable by the real importer."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bench.generate import (
    build_library,
    generate_digest_texts,
    generate_papers,
    sample_queries,
)
from readinglist.digest import parse_bytes, title_key
from readinglist.library import Library

if TYPE_CHECKING:
    from pathlib import Path


def test_same_seed_same_text_other_seed_other_text() -> None:
    a = list(generate_digest_texts(120, seed=3, per_digest=40))
    assert a == list(generate_digest_texts(120, seed=3, per_digest=40))
    assert a != list(generate_digest_texts(120, seed=4, per_digest=40))
    assert len(a) == 3


def test_papers_look_like_papers() -> None:
    papers = list(generate_papers(300, seed=1))
    assert len({title_key(p.title) for p in papers}) == 300
    assert all(600 < len(p.abstract) < 4000 for p in papers)
    assert all(p.abstract.endswith(".") for p in papers)
    with_meta = [p for p in papers if p.published is not None]
    assert 0.4 < len(with_meta) / len(papers) < 0.8
    assert any(p.organization for p in with_meta)
    vocabulary = {w for p in papers for w in p.abstract.lower().split()}
    assert len(vocabulary) > 1500  # a long tail of rare words, like real abstracts


def test_every_generated_digest_parses_cleanly() -> None:
    for text in generate_digest_texts(200, seed=2, per_digest=50):
        digest = parse_bytes(text.encode(), reference=dt.date(2025, 1, 1))
        assert digest.warnings == ()
        assert all(not e.incomplete for e in digest.entries)
        assert digest.date_label is not None


def test_build_library_imports_exactly_n_papers(tmp_path: Path) -> None:
    report = build_library(tmp_path / "lib", 150, seed=5, per_digest=40)
    assert (report.papers, report.files) == (150, 4)
    with Library.open(tmp_path / "lib") as lib:
        assert lib.count() == 150
        assert lib.search("seen:>=2", limit=None).total > 0  # some papers recur
        assert lib.search("learning", limit=None).total > 0


def test_sample_queries_are_short_and_repeatable() -> None:
    queries = sample_queries(50, seed=1)
    assert queries == sample_queries(50, seed=1)
    assert all(1 <= len(q.split()) <= 3 for q in queries)
