"""What the rest of the library knows about the index, without loading Whoosh.

Commands that never search (``list``, ``star``...) must not pay for importing Whoosh; these
plain values are all the core needs until an index is actually opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readinglist.records import IndexDoc


class IndexUnavailable(Exception):
    """The index is missing or damaged; the library rebuilds it from the database."""


@dataclass(frozen=True, slots=True)
class IndexState:
    """Which database generation the index holds, and the last journal entry it applied."""

    generation: int
    applied_seq: int


@dataclass(frozen=True, slots=True)
class IndexUpdate:
    docs: Sequence[IndexDoc]
    removed: Sequence[int]
    state: IndexState


__all__ = ["IndexState", "IndexUnavailable", "IndexUpdate"]
