"""Ranking figures for one ranked list of decisions, and how lists add up.

Each function takes one digest's decided papers in ranked order as booleans (True: kept)
and returns the parts that add up across digests, so that pooled and per-digest figures
come from the same counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

TOP_SHARE = 0.25
"""keep-recall counts the kept papers that land in this share of their digest (rounded up)."""
TOP_K = 10


@dataclass(frozen=True, slots=True)
class ListCounts:
    """What one ranked digest contributes to each figure."""

    pairs: int  # (kept, dismissed) pairs
    pairs_in_order: int  # of which the kept paper is ranked above the dismissed one
    kept: int
    kept_in_top_share: int
    average_precision: float | None  # None: nothing kept in this digest
    precision_at_k: float | None  # None: an empty list


def count(ranked: Sequence[bool]) -> ListCounts:
    kept = dismissed_below = 0
    pairs_in_order = 0
    # walking from the bottom: every kept paper is above all dismissed ones seen so far
    for is_kept in reversed(ranked):
        if is_kept:
            pairs_in_order += dismissed_below
        else:
            dismissed_below += 1
    kept = sum(ranked)
    dismissed = len(ranked) - kept
    top = math.ceil(len(ranked) * TOP_SHARE)
    hits = 0
    precisions = []
    for position, is_kept in enumerate(ranked, start=1):
        if is_kept:
            hits += 1
            precisions.append(hits / position)
    k = min(TOP_K, len(ranked))
    return ListCounts(
        pairs=kept * dismissed,
        pairs_in_order=pairs_in_order,
        kept=kept,
        kept_in_top_share=sum(ranked[:top]),
        average_precision=sum(precisions) / kept if kept else None,
        precision_at_k=sum(ranked[:k]) / k if k else None,
    )


@dataclass(frozen=True, slots=True)
class Figures:
    """One ranker's figures over a whole replay; None where nothing could be measured.

    ``roc_auc``: of all (kept, dismissed) pairs from the same digest, the share ranked with
    the kept paper first. ``average_precision`` and ``precision_at_10``: the mean over
    digests (digests with nothing kept have no average precision). ``keep_recall_at_25``:
    the share of all kept papers that were ranked in the top quarter of their digest.
    """

    roc_auc: float | None
    average_precision: float | None
    keep_recall_at_25: float | None
    precision_at_10: float | None

    def to_json(self) -> dict[str, float | None]:
        return {
            "roc_auc": self.roc_auc,
            "average_precision": self.average_precision,
            "keep_recall_at_25": self.keep_recall_at_25,
            "precision_at_10": self.precision_at_10,
        }


def combine(lists: Sequence[ListCounts]) -> Figures:
    pairs = sum(c.pairs for c in lists)
    kept = sum(c.kept for c in lists)
    aps = [c.average_precision for c in lists if c.average_precision is not None]
    p_at_k = [c.precision_at_k for c in lists if c.precision_at_k is not None]
    return Figures(
        roc_auc=sum(c.pairs_in_order for c in lists) / pairs if pairs else None,
        average_precision=sum(aps) / len(aps) if aps else None,
        keep_recall_at_25=sum(c.kept_in_top_share for c in lists) / kept if kept else None,
        precision_at_10=sum(p_at_k) / len(p_at_k) if p_at_k else None,
    )
