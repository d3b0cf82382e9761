"""Ranking figures on hand-computed lists, and properties that any ranking obeys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readinglist.ranking.metrics import ListCounts, combine, count

T, F = True, False


@pytest.mark.parametrize(
    ("ranked", "pairs", "in_order", "ap", "top", "p_at_k"),
    [
        # every kept paper above every dismissed one
        ([T, T, F, F], 4, 4, 1.0, 1, 0.5),
        # the worst order
        ([F, F, T, T], 4, 0, (1 / 3 + 2 / 4) / 2, 0, 0.5),
        # kept at 1 and 3 of 4: pairs (1,2) (1,4) (3,4) in order, (3,2) not
        ([T, F, T, F], 4, 3, (1 + 2 / 3) / 2, 1, 0.5),
        ([F, T, T, F], 4, 2, (1 / 2 + 2 / 3) / 2, 0, 0.5),
        # nothing kept: no pairs, no average precision
        ([F, F, F], 0, 0, None, 0, 0.0),
        # all kept: no pairs, perfect precision
        ([T, T], 0, 0, 1.0, 1, 1.0),
        ([], 0, 0, None, 0, None),
        # the top quarter of 5 is 2 papers (rounded up); precision@10 of 12 looks at 10
        ([F, T, T, F, F], 6, 4, (1 / 2 + 2 / 3) / 2, 1, 0.4),
        ([T] * 3 + [F] * 8 + [T], 32, 24, (1 + 1 + 1 + 4 / 12) / 4, 3, 0.3),
    ],
)
def test_one_list(
    ranked: list[bool],
    pairs: int,
    in_order: int,
    ap: float | None,
    top: int,
    p_at_k: float | None,
) -> None:
    c = count(ranked)
    assert (c.pairs, c.pairs_in_order, c.kept, c.kept_in_top_share) == (
        pairs,
        in_order,
        sum(ranked),
        top,
    )
    assert c.average_precision == (None if ap is None else pytest.approx(ap))
    assert c.precision_at_k == (None if p_at_k is None else pytest.approx(p_at_k))


def test_lists_add_up_pairs_and_kept_papers_and_average_the_rest() -> None:
    a = count([T, F, T, F])  # 3 of 4 pairs, AP 5/6, 1 of 2 kept on top, P 0.5
    b = count([F, T, F, F, F, F, F, F])  # 6 of 7 pairs, AP 1/2, 1 of 1 in the top 2, P 1/8
    figures = combine([a, b, count([F, F])])
    assert figures.roc_auc == pytest.approx((3 + 6) / (4 + 7))
    assert figures.average_precision == pytest.approx((5 / 6 + 1 / 2) / 2)
    assert figures.keep_recall_at_25 == pytest.approx(2 / 3)
    assert figures.precision_at_10 == pytest.approx((0.5 + 1 / 8 + 0) / 3)


def test_nothing_measured_is_none_not_zero() -> None:
    figures = combine([])
    assert figures.to_json() == {
        "roc_auc": None,
        "average_precision": None,
        "keep_recall_at_25": None,
        "precision_at_10": None,
    }
    assert combine([count([T, T])]).roc_auc is None


@given(st.lists(st.booleans(), max_size=60))
def test_reversing_a_list_turns_auc_around(ranked: list[bool]) -> None:
    forward, backward = count(ranked), count(ranked[::-1])
    assert forward.pairs == backward.pairs
    assert forward.pairs_in_order + backward.pairs_in_order == forward.pairs
    assert 0 <= forward.kept_in_top_share <= forward.kept
    if forward.average_precision is not None:
        assert 0 < forward.average_precision <= 1


@given(st.lists(st.booleans(), min_size=1, max_size=60))
def test_sorting_kept_first_is_the_best_a_ranking_can_do(ranked: list[bool]) -> None:
    best = count(sorted(ranked, reverse=True))
    given_order = count(ranked)
    assert best.pairs_in_order == best.pairs >= given_order.pairs_in_order
    assert best.kept_in_top_share >= given_order.kept_in_top_share
    assert _ap(best) >= _ap(given_order)


def _ap(c: ListCounts) -> float:
    return c.average_precision or 0.0
