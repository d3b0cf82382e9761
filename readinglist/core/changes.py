"""What a write changed: the value every service returns and every view refreshes from.

A write never has to be described by the code that called it: the transaction collects
what the session inserted, updated and deleted (plus what a service names explicitly, for
changes the database makes by itself, such as cascades), and journals it in the same
commit. The same journal tells other processes' windows what changed, with exact ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import inspect

from readinglist.store.models import Digest, Note, Paper, Shelf, ShelfItem, Sighting, Tag

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.orm import Session


class Kind(StrEnum):
    """What a journal entry is about (the ``kind`` column of ``paper_changes``)."""

    PAPER = "paper"
    SHELF = "shelf"
    TAG = "tag"
    DIGEST = "digest"


@dataclass(frozen=True, slots=True)
class Changes:
    """What one write (or everything since a journal position) changed, by id.

    ``journal`` is the journal position after the write (0 when it journalled nothing);
    ``warnings`` say what went wrong *after* the commit (the change itself is saved).
    """

    papers: frozenset[int] = frozenset()
    shelves: frozenset[int] = frozenset()
    tags: frozenset[int] = frozenset()
    digests: frozenset[int] = frozenset()
    journal: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.papers or self.shelves or self.tags or self.digests)

    @property
    def structure(self) -> bool:
        """Shelves, tags or digests changed: lists of them (the sidebar) need reading again."""
        return bool(self.shelves or self.tags or self.digests)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.papers | other.papers,
            self.shelves | other.shelves,
            self.tags | other.tags,
            self.digests | other.digests,
            max(self.journal, other.journal),
            self.warnings + tuple(w for w in other.warnings if w not in self.warnings),
        )

    def ids(self, kind: Kind) -> frozenset[int]:
        return {
            Kind.PAPER: self.papers,
            Kind.SHELF: self.shelves,
            Kind.TAG: self.tags,
            Kind.DIGEST: self.digests,
        }[kind]

    @classmethod
    def of(cls, entries: Iterable[tuple[str, int]], journal: int = 0) -> Changes:
        """From journal entries: (kind, id) pairs."""
        found: dict[str, set[int]] = {k.value: set() for k in Kind}
        for kind, item in entries:
            if kind in found:
                found[kind].add(item)
        return cls(
            frozenset(found[Kind.PAPER]),
            frozenset(found[Kind.SHELF]),
            frozenset(found[Kind.TAG]),
            frozenset(found[Kind.DIGEST]),
            journal,
        )


NO_CHANGES = Changes()


@dataclass
class Collector:
    """The rows a transaction touched, gathered as the session flushes them.

    Rows updated or deleted are noted at once (their ids are known, and a deleted row can no
    longer be read after the flush); new rows get their ids only when flushed, so they are
    kept and turned into ids after the last flush (:meth:`resolve`).
    """

    new: list[object] = field(default_factory=list)
    named: dict[Kind, set[int]] = field(default_factory=lambda: {k: set() for k in Kind})

    def saw(self, session: Session) -> None:
        """Called before each flush: remember what this flush writes."""
        self.new.extend(session.new)
        with session.no_autoflush:
            for obj in session.dirty:
                if session.is_modified(obj):
                    self._note(obj)
            for obj in session.deleted:
                self._note(obj)

    def name(self, kind: Kind, ids: Iterable[int]) -> None:
        """A change the session cannot see (a cascade in the database, a bulk statement)."""
        self.named[kind].update(ids)

    def resolve(self) -> dict[Kind, set[int]]:
        for obj in self.new:
            state = inspect(obj)
            if state.persistent:  # (not deleted again before the end)
                self._note(obj)
        self.new.clear()
        return {k: set(v) for k, v in self.named.items()}

    def _note(self, obj: object) -> None:
        for kind, item in _touched(obj):
            if item is not None:
                self.named[kind].add(item)


def _touched(obj: object) -> list[tuple[Kind, int | None]]:
    """Which papers, shelves, tags and digests a changed row stands for."""
    if isinstance(obj, Paper):
        return [(Kind.PAPER, obj.id)]
    if isinstance(obj, Note):
        return [(Kind.PAPER, obj.paper_id)]
    if isinstance(obj, Sighting):
        return [(Kind.PAPER, obj.paper_id), (Kind.DIGEST, obj.digest_id)]
    if isinstance(obj, ShelfItem):
        return [(Kind.PAPER, obj.paper_id), (Kind.SHELF, obj.shelf_id)]
    if isinstance(obj, Shelf):
        return [(Kind.SHELF, obj.id)]
    if isinstance(obj, Tag):
        return [(Kind.TAG, obj.id)]
    if isinstance(obj, Digest):
        return [(Kind.DIGEST, obj.id)]
    return []


__all__ = ["NO_CHANGES", "Changes", "Collector", "Kind"]
