"""Training sees exactly the numbers that scoring computes, on both counting paths."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.ranking import Paper
from readinglist.ranking.features import featurize
from readinglist.ranking.model import tf_idf
from readinglist.ranking.text import Terms
from tests.ranking.conftest import TOPICS, make_paper


def _rows(papers: list[Paper], *, pairs: bool, min_df: int) -> list[dict[str, float]]:
    corpus = featurize(papers, pairs=pairs, min_df=min_df)
    rows: list[dict[str, float]] = [{} for _ in papers]
    x = corpus.x
    for r, c, v in zip(x.rows.tolist(), x.cols.tolist(), x.values.tolist(), strict=True):
        rows[r][corpus.terms[c]] = v
    # and the same through the scoring path
    index = {t: i for i, t in enumerate(corpus.terms)}
    idf = corpus.idf.tolist()
    words = Terms(pairs=pairs)
    for paper, row in zip(papers, rows, strict=True):
        expected = tf_idf(words.count(paper.title, paper.abstract, paper.tags), index, idf)
        assert row.keys() == {corpus.terms[i] for i in expected}
        for i, value in expected.items():
            assert row[corpus.terms[i]] == pytest.approx(value, rel=1e-12)
    return rows


@pytest.mark.parametrize("pairs", [True, False])
@pytest.mark.parametrize("min_df", [1, 2])
def test_training_rows_equal_scoring_rows(pairs: bool, min_df: int) -> None:
    rng = random.Random(8)
    papers = [make_paper(n, rng.choice(sorted(TOPICS)), rng) for n in range(40)]
    papers.append(Paper(99, "Tags only", "", ("PEFT", "peft ", "to read")))
    papers.append(Paper(100, "", ""))
    rows = _rows(papers, pairs=pairs, min_df=min_df)
    for row in rows:
        if row:
            assert math.fsum(v * v for v in row.values()) == pytest.approx(1.0)
    assert rows[-1] == {}
    assert ("low-rank adaptation" in set().union(*rows)) is pairs


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(max_size=60), st.text(max_size=200), st.lists(st.text(max_size=8), max_size=2)
        ),
        min_size=1,
        max_size=12,
    ),
    st.booleans(),
)
def test_rows_agree_on_arbitrary_text(rows: list[tuple[str, str, list[str]]], pairs: bool) -> None:
    papers = [Paper(n, t, a, tuple(tags)) for n, (t, a, tags) in enumerate(rows)]
    _rows(papers, pairs=pairs, min_df=1)
