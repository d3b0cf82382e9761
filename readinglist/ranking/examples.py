"""What the ranking learns from: plain paper records, labelled examples and their weights.

The label of a paper is one signed number. A dismissal is the unit of "not for me" (-1); a
keep is the unit of "for me" (+1). Both are quick triage calls made from the title and the
abstract, the very text the model sees, so they count the same. The acts that cost the
reader more say more and weigh more: reading a paper through (+1.5) and starring it or
putting it on a shelf (+2, deliberate curation, and rarer). The weights stop at 2 so that a
handful of starred papers cannot outweigh hundreds of triage calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from readinglist.records import PaperRecord


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper to score or to learn from: only what the ranking looks at."""

    id: int
    title: str
    abstract: str = ""
    tags: tuple[str, ...] = ()
    upvotes: int | None = None
    seen_count: int = 1


def paper_from_record(record: PaperRecord) -> Paper:
    """The ranking's view of a stored paper."""
    return Paper(
        id=record.id,
        title=record.title,
        abstract=record.abstract,
        tags=tuple(record.tags),
        upvotes=record.upvotes,
        seen_count=record.seen_count,
    )


class Signal(StrEnum):
    """A reader's act that tells the ranking something about a paper."""

    DISMISSED = "dismissed"
    KEPT = "kept"
    READ = "read"
    SHELVED = "shelved"
    STARRED = "starred"


SIGNAL_WEIGHTS: dict[Signal, float] = {
    Signal.DISMISSED: -1.0,
    Signal.KEPT: 1.0,
    Signal.READ: 1.5,
    Signal.SHELVED: 2.0,
    Signal.STARRED: 2.0,
}
"""Label weights, explained in the module docstring and in docs/ranking.md."""


def label_weight(signals: Iterable[Signal]) -> float:
    """The label of a paper from what currently holds for it; 0.0 means "no label".

    The strongest positive signal wins; a paper with no positive signal and a dismissal is
    negative. (A starred paper that was also dismissed counts as starred: starring is the
    more deliberate act.)
    """
    held = set(signals)
    positives = [SIGNAL_WEIGHTS[s] for s in held if SIGNAL_WEIGHTS[s] > 0]
    if positives:
        return max(positives)
    if Signal.DISMISSED in held:
        return SIGNAL_WEIGHTS[Signal.DISMISSED]
    return 0.0


@dataclass(frozen=True, slots=True)
class Example:
    """A paper with its label: negative for dismissed, positive (and stronger) for kept."""

    paper: Paper
    label: float


@dataclass(frozen=True, slots=True)
class Decision:
    """One entry of the reader's decision log, for the evaluation's replay.

    ``label`` is the paper's label right after this decision (``label_weight`` of what then
    held; 0.0 when nothing holds any more, e.g. after un-dismissing). ``digest`` and
    ``position`` are set for triage decisions: the digest the paper was triaged in and its
    position there (0 first). Decisions without a digest only teach; they are never ranked.
    """

    paper: Paper
    label: float
    at: dt.datetime
    digest: int | None = None
    position: int | None = None
