"""The replay: digests in triage order, each ranked by what was decided before it."""

from __future__ import annotations

import datetime as dt

import pytest

from readinglist.ranking import Decision, Example, Model, Paper, evaluate, train

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


A = Paper(1, "LoRA adapters", "Low-rank adapters for tuning.", upvotes=5)
B = Paper(2, "Speech recognition", "Acoustic models for speech.", upvotes=20)
C = Paper(3, "Adapters with LoRA", "Tuning low-rank adapters.", upvotes=1)
D = Paper(4, "Speech models", "Recognition of spoken speech.")
E = Paper(5, "Acoustic speech recognition", "Speech models.", upvotes=50)
F = Paper(6, "LoRA low-rank adapters", "Adapters and tuning.")
G = Paper(7, "LoRA low-rank adapters", "Adapters and tuning.")
H = Paper(8, "Galaxy telescopes", "Stars and their spectra.")


def two_digests() -> list[Decision]:
    return [
        # digest 10, the first: nothing decided before it, so ranked by upvotes
        Decision(A, 1.0, at(0), 10, 0),
        Decision(B, -1.0, at(1), 10, 1),
        Decision(C, 2.0, at(2), 10, 2),
        Decision(D, -1.0, at(3), 10, 3),
        # digest 20: ranked by likeness to A and C, away from B and D
        Decision(E, -1.0, at(10), 20, 0),
        Decision(F, 1.0, at(11), 20, 1),
        Decision(G, 1.0, at(12), 20, 2),
        Decision(H, -1.0, at(13), 20, 3),
    ]


def test_two_digests_by_hand() -> None:
    report = evaluate(reversed(two_digests()))  # the replay sorts by time itself
    assert (report.digests, report.decisions, report.kept) == (2, 8, 4)
    assert report.modes == {"popular": 1, "similar": 1}
    # model: digest 10 by upvotes B A C D = [F T T F]; digest 20 F G H E = [T T F F]
    assert report.model.roc_auc == pytest.approx((2 + 4) / 8)
    assert report.model.average_precision == pytest.approx(((1 / 2 + 2 / 3) / 2 + 1) / 2)
    assert report.model.keep_recall_at_25 == pytest.approx(1 / 4)
    assert report.model.precision_at_10 == pytest.approx(0.5)
    # digest order: [T F T F] and [F T T F]
    assert report.digest_order.roc_auc == pytest.approx((3 + 2) / 8)
    assert report.digest_order.average_precision == pytest.approx(
        ((1 + 2 / 3) / 2 + (1 / 2 + 2 / 3) / 2) / 2
    )
    assert report.digest_order.keep_recall_at_25 == pytest.approx(1 / 4)
    # upvotes then seen: B A C D = [F T T F]; E (50) then F G H in digest order = [F T T F]
    assert report.popularity.roc_auc == pytest.approx(4 / 8)
    assert report.popularity.average_precision == pytest.approx((1 / 2 + 2 / 3) / 2)
    assert report.popularity.keep_recall_at_25 == 0
    assert report.to_json()["upvotes_then_seen"]["roc_auc"] == pytest.approx(0.5)
    assert [name for name, _ in report.rows()] == [
        "For you",
        "Digest order",
        "Upvotes, then seen count",
    ]
    assert report.rows()[0][1] == report.model


def test_each_digest_learns_only_from_what_was_decided_before_it() -> None:
    taught: list[set[int]] = []

    def spy(examples: list[Example]) -> Model:
        taught.append({e.paper.id for e in examples})
        return train(examples)

    late = Paper(9, "Decided late", "After digest 20 had begun.")
    side = Paper(10, "From the table", "Kept outside triage.")
    log = [
        *two_digests(),
        Decision(side, 2.0, at(5), None, None),  # teaches digest 20, is never ranked
        Decision(late, -1.0, at(12), 10, 4),  # triaged in digest 10 after digest 20 began
        Decision(B, 0.0, at(6), None, None),  # B un-dismissed before digest 20: no label
    ]
    report = evaluate(log, trainer=spy)
    assert taught == [set(), {1, 3, 4, 10}]
    assert report.decisions == 9  # digest 10 has five decided papers now


def test_a_paper_decided_twice_in_a_digest_counts_once_with_its_last_call() -> None:
    log = [*two_digests(), Decision(F, -1.0, at(14), 20, 1)]
    report = evaluate(log)
    assert (report.decisions, report.kept) == (8, 3)


def test_last_digests_ranks_only_the_most_recent() -> None:
    report = evaluate(two_digests(), last_digests=1)
    assert (report.digests, report.decisions) == (1, 4)
    assert report.modes == {"similar": 1}
    assert evaluate(two_digests(), last_digests=0).digests == 0


def test_no_decisions_at_all() -> None:
    report = evaluate([])
    assert (report.digests, report.decisions, report.kept) == (0, 0, 0)
    assert report.model.roc_auc is None
    assert report.to_json()["model"]["average_precision"] is None
