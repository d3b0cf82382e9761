"""Reading and writing a library's database: one transaction per write, journalled, stamped.

Every write goes through :meth:`Database.write`: it stamps who made the change (shared
libraries), collects what the session touched, journals it in the same commit and hands
back a :class:`~readinglist.core.changes.Changes`. Reads see a snapshot and never block a
writer.
"""

from __future__ import annotations

import functools
import threading
from bisect import bisect_right, insort
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from readinglist.core.changes import NO_CHANGES, Changes, Collector, Kind
from readinglist.errors import LibraryBusy, LibraryWriteError
from readinglist.store.engine import READ_ONLY, is_conflict, lock_journal, make_sessionmaker
from readinglist.store.models import Note, Paper, PaperChange, Shelf, ShelfItem, utcnow

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

CONFLICT_RETRIES = 3
"""Tries of an edit that met a colleague's simultaneous one (same new tag, same note...)."""

_COLLECTOR = "readinglist.collector"
"""Where a write transaction keeps its Collector (``Session.info``)."""

_P = ParamSpec("_P")
_R = TypeVar("_R")


def retry_conflicts(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run a one-transaction edit again when a concurrent client's commit got in its way.

    On a shared library two people may create the same tag or note at the same moment: the
    second insert fails on the unique constraint and its transaction rolls back whole, so
    running the edit again (it then finds the other's row) loses nothing.
    """

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        for attempt in range(CONFLICT_RETRIES):
            try:
                return func(*args, **kwargs)
            except SQLAlchemyError as err:
                if attempt == CONFLICT_RETRIES - 1 or not is_conflict(err):
                    raise
        raise AssertionError("unreachable")

    return wrapper


@dataclass
class Transaction:
    """A write in progress. After the ``with`` block, :attr:`changes` says what it changed."""

    session: Session
    collector: Collector = field(default_factory=Collector)
    changes: Changes = NO_CHANGES

    def touch(self, *paper_ids: int) -> None:
        """Papers changed in ways the session cannot see (cascades, bulk statements)."""
        self.collector.name(Kind.PAPER, paper_ids)

    def touch_shelves(self, *shelf_ids: int) -> None:
        self.collector.name(Kind.SHELF, shelf_ids)

    def touch_tags(self, *tag_ids: int) -> None:
        self.collector.name(Kind.TAG, tag_ids)


class Database:
    """The sessions of one library's database, for every service."""

    def __init__(self, engine: Engine, author: str) -> None:
        self.engine = engine
        self.author = author
        self._sessions: sessionmaker[Session] = make_sessionmaker(engine)
        event.listen(self._sessions, "before_flush", self._before_flush)
        # Journal ranges this process wrote: the change feed leaves them out (the window
        # that made a change already shows it).
        self._own: list[tuple[int, int]] = []
        self._own_lock = threading.Lock()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session that only reads: it sees a snapshot and never blocks a writer."""
        with self._sessions() as session:
            session.connection(execution_options={READ_ONLY: True})
            yield session

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """One transaction; what it changed is journalled in it and set on ``tx.changes``.

        A write that waited longer than the busy timeout for another program's write raises
        LibraryBusy, with nothing written.
        """
        try:
            with self._sessions.begin() as session:
                tx = Transaction(session)
                session.info[_COLLECTOR] = tx.collector
                yield tx
                session.flush()
                touched = tx.collector.resolve()
                journal = self._journal(session, touched)
        except OperationalError as err:
            if is_conflict(err):
                raise  # a colleague's simultaneous edit: retry_conflicts runs it again
            if _is_busy(err):
                raise LibraryBusy(
                    "the library is busy: another program has been writing to it for too "
                    "long; nothing was changed, try again in a moment"
                ) from err
            raise LibraryWriteError(
                f"could not write to the library ({_reason(err)}); nothing was changed"
            ) from err
        if journal:
            with self._own_lock:
                insort(self._own, journal)
        tx.changes = Changes(
            frozenset(touched[Kind.PAPER]),
            frozenset(touched[Kind.SHELF]),
            frozenset(touched[Kind.TAG]),
            frozenset(touched[Kind.DIGEST]),
            journal[1] if journal else 0,
        )

    @contextmanager
    def write_raw(self) -> Iterator[Session]:
        """A write that is no user's change, so nothing is journalled: bookkeeping such as
        pruning the journal itself or recording the index generation."""
        with self._sessions.begin() as session:
            yield session

    def _journal(self, session: Session, touched: dict[Kind, set[int]]) -> tuple[int, int] | None:
        rows = [
            {"paper_id": item, "kind": kind.value, "changed_at": utcnow()}
            for kind in Kind
            for item in sorted(touched[kind])
        ]
        if not rows:
            return None
        lock_journal(session)  # journal numbers commit in order (shared libraries)
        session.execute(insert(PaperChange), rows)
        last = int(session.scalar(select(func.max(PaperChange.seq))) or 0)
        return (last - len(rows) + 1, last)

    def own(self, seq: int) -> bool:
        """True when this process wrote journal entry ``seq``."""
        with self._own_lock:
            n = bisect_right(self._own, (seq, float("inf")))
            return n > 0 and self._own[n - 1][0] <= seq <= self._own[n - 1][1]

    def forget_own(self, upto: int) -> None:
        """The feed has read up to ``upto``: ranges before it are no longer needed."""
        with self._own_lock:
            self._own = [r for r in self._own if r[1] > upto]

    def _before_flush(self, session: Session, _context: object, _instances: object) -> None:
        collector = session.info.get(_COLLECTOR)
        if collector is None:
            return  # a read, or a maintenance session of its own
        self._stamp_author(session)
        collector.saw(session)

    def _stamp_author(self, session: Session) -> None:
        """Who changed what: papers, notes and shelves (the detail pane shows it)."""
        now = utcnow()
        shelves: set[int] = set()
        for obj in [*session.new, *session.dirty]:
            if not session.is_modified(obj):
                continue
            if isinstance(obj, Paper | Note):
                obj.updated_by = self.author
            elif isinstance(obj, Shelf):
                obj.changed_by, obj.changed_at = self.author, now
            elif isinstance(obj, ShelfItem):
                if obj in session.new:
                    obj.added_by = self.author
                shelves.add(obj.shelf_id)
        shelves.update(o.shelf_id for o in session.deleted if isinstance(o, ShelfItem))
        with session.no_autoflush:
            for shelf_id in shelves:
                shelf = session.get(Shelf, shelf_id)
                if shelf is not None and shelf not in session.deleted:
                    shelf.changed_by, shelf.changed_at = self.author, now


def _reason(err: OperationalError) -> str:
    return str(err.orig).strip().splitlines()[0] if err.orig is not None else str(err)


def _is_busy(err: OperationalError) -> bool:
    text = str(err.orig).lower() if err.orig is not None else ""
    return "database is locked" in text or "database table is locked" in text


__all__ = ["CONFLICT_RETRIES", "Database", "Transaction", "retry_conflicts"]
