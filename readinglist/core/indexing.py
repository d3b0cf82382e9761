"""Keeping the search index in step with the database, from the change journal.

The database is the truth; the index is a cache. After each write (and on open, when a
process died in between) the index applies the journal's paper entries it has not seen; a
missing, damaged or foreign index is rebuilt. Journal entries are kept for a while after
they are applied, so that open windows of other processes can read what changed.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select

from readinglist.core.changes import Kind
from readinglist.search import IndexState, IndexUpdate
from readinglist.store.convert import iter_all_papers, load_papers, to_index_doc
from readinglist.store.engine import lock_journal
from readinglist.store.models import Meta, Paper, PaperChange, utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from readinglist.core.transactions import Database
    from readinglist.search import SearchIndex

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Called with (done, total) during long work."""

GENERATION = "index_generation"
"""Meta key: bumped when the database is replaced (a restore), so every index rebuilds."""
JOURNAL_PRUNED = "journal_pruned_upto"
"""Meta key: the highest journal entry dropped; a reader behind it starts afresh."""
LOCAL_JOURNAL_KEEP = dt.timedelta(hours=1)
"""A local library keeps applied journal entries this long, for other processes' windows."""
SHARED_JOURNAL_DAYS = 30
"""A shared library keeps its change journal this long: a client away for longer rebuilds."""
PRUNE_EVERY_S = 60.0
"""A process prunes the journal at most this often (shared libraries: hourly)."""
CATCH_UP_LIMIT = 20_000
"""Above this many changed papers, catching the index up rebuilds it instead (bounded memory)."""


def generation(session: Session) -> int:
    value = session.get(Meta, GENERATION)
    return int(value.value) if value else 1


def journal_head(session: Session) -> int:
    """The newest journal entry's number (0 for an empty journal)."""
    return int(session.scalar(select(func.max(PaperChange.seq))) or 0)


def journal_pruned(session: Session) -> int:
    """The highest journal number dropped while a reader might still have needed it."""
    mark = session.get(Meta, JOURNAL_PRUNED)
    return int(mark.value) if mark else 0


class IndexKeeper:
    """Brings one index up to date with one database; thread-safe, one writer per process."""

    def __init__(self, db: Database, index: Callable[[], SearchIndex], *, shared: bool) -> None:
        self.db = db
        self._index = index  # opened on first use: commands that never search never load it
        self.shared = shared
        self._lock = threading.Lock()
        self._pending = False
        self._pruned_at = -math.inf

    @property
    def index(self) -> SearchIndex:
        return self._index()

    def sync(self, progress: Progress | None = None) -> int:
        """Bring the index up to date; returns how many papers it rewrote.

        While another thread syncs (the window's background work), a call returns at once
        and that thread goes round again to include its changes.
        """
        written = 0
        self._pending = True
        while self._pending:
            if not self._lock.acquire(blocking=False):
                return written  # the holder sees _pending and syncs once more
            try:
                while self._pending:
                    self._pending = False
                    written += self._sync_locked(progress)
            finally:
                self._lock.release()
        return written

    def behind(self) -> bool:
        """True when the journal holds paper changes the index has not applied."""
        state = self.index.state()
        if state is None:
            return False  # unreadable: the next search rebuilds it
        with self.db.read() as session:
            return journal_head(session) > state.applied_seq or generation(session) != (
                state.generation
            )

    def rebuild(self, progress: Progress | None = None) -> int:
        """Rebuild the whole index from the database."""
        with self._lock:
            total = self._rebuild_locked(progress)
        if self._pending:
            self.sync()  # edits made during the rebuild
        return total

    def _sync_locked(self, progress: Progress | None) -> int:
        with self.db.read() as session:
            gen = generation(session)
        state = self.index.state()
        if state is None or state.generation != gen:
            return self._rebuild_locked(progress)
        written = 0
        stale = False

        def plan(current: IndexState | None) -> IndexUpdate | None:
            nonlocal written, stale
            if current is None:
                return None
            with self.db.read() as session:
                if current.applied_seq < journal_pruned(session):
                    stale = True  # entries this index never saw were dropped
                    return None
                last = journal_head(session)
                if last <= current.applied_seq:
                    return None
                ids = sorted(
                    session.scalars(
                        select(PaperChange.paper_id)
                        .where(
                            PaperChange.seq > current.applied_seq,
                            PaperChange.kind == Kind.PAPER.value,
                        )
                        .distinct()
                    )
                )
                if len(ids) > CATCH_UP_LIMIT:
                    stale = True  # a rebuild streams in batches; this would load them all
                    return None
                papers = load_papers(session, ids)
                docs = [to_index_doc(papers[i]) for i in ids if i in papers]
                removed = [i for i in ids if i not in papers]
            written = len(docs) + len(removed)
            return IndexUpdate(docs, removed, IndexState(gen, last))

        applied = self.index.update(plan)
        if applied is None or stale:
            return self._rebuild_locked(progress)
        self.prune(applied.applied_seq)
        return written

    def _rebuild_locked(self, progress: Progress | None) -> int:
        with self.db.read() as session:
            gen = generation(session)
            last = journal_head(session)
            total = session.scalar(select(func.count(Paper.id))) or 0
            docs = (to_index_doc(p) for p in iter_all_papers(session))
            self.index.rebuild(
                docs,
                IndexState(gen, last),
                progress=(lambda n: progress(n, total)) if progress else None,
            )
        if progress is not None:
            progress(total, total)
        self.prune(last)
        return total

    def prune(
        self, applied: int | None = None, *, now: dt.datetime | None = None, force: bool = False
    ) -> int:
        """Drop journal entries old enough that no reader should still need them.

        Entries are kept by age (an hour on this computer, SHARED_JOURNAL_DAYS on a server,
        where other clients catch up from them), and a local library drops only what its
        one index has applied. The highest dropped number is recorded: a window or index
        behind it starts afresh. Runs at most every PRUNE_EVERY_S (hourly on a server)
        unless ``force``d; returns how many entries went.
        """
        if not self.shared and applied is None:
            state = self.index.state()
            applied = state.applied_seq if state is not None else 0
        clock = time.monotonic()
        every = 3600.0 if self.shared else PRUNE_EVERY_S
        if not force and clock - self._pruned_at < every:
            return 0
        self._pruned_at = clock
        keep = dt.timedelta(days=SHARED_JOURNAL_DAYS) if self.shared else LOCAL_JOURNAL_KEEP
        cutoff = (now or utcnow()) - keep
        with self.db.write_raw() as session:
            lock_journal(session)  # one pruner at a time; the watermark only moves forward
            old = PaperChange.changed_at < cutoff
            if not self.shared and applied is not None:
                old = old & (PaperChange.seq <= applied)
            upto = session.scalar(select(func.max(PaperChange.seq)).where(old))
            if upto is None:
                return 0
            dropped = PaperChange.seq <= upto
            gone = session.scalar(select(func.count(PaperChange.seq)).where(dropped))
            session.execute(delete(PaperChange).where(dropped))
            mark = session.get(Meta, JOURNAL_PRUNED)
            if mark is None:
                session.add(Meta(key=JOURNAL_PRUNED, value=str(upto)))
            elif int(mark.value) < upto:
                mark.value = str(upto)
            return int(gone or 0)


__all__ = [
    "CATCH_UP_LIMIT",
    "GENERATION",
    "JOURNAL_PRUNED",
    "SHARED_JOURNAL_DAYS",
    "IndexKeeper",
    "Progress",
    "generation",
    "journal_head",
    "journal_pruned",
]
