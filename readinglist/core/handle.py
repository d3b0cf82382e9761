"""An open library: its database, its search index, who is editing; what every service is given.

Opening one (checks, backups, migrations) is the library facade's job
(:mod:`readinglist.library`); everything after that, every service does through this handle.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from readinglist.core.feed import ChangeFeed
from readinglist.core.indexing import IndexKeeper, Progress
from readinglist.core.transactions import Database, Transaction
from readinglist.errors import PaperNotFound
from readinglist.layout import default_author
from readinglist.search import IndexUnavailable

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from readinglist.querylang import ParsedQuery
    from readinglist.records import SearchOutcome, Similar
    from readinglist.search import SearchIndex

log = logging.getLogger(__name__)

INDEX_WARNING = (
    "saved, but the search index could not be updated ({reason}); searches may miss this "
    "change until the index is repaired, which happens the next time the library opens"
)


class LibraryHandle:
    """One open library: a database (the truth) and a search index kept in step with it."""

    def __init__(
        self,
        location: Path,
        engine: Engine,
        index: SearchIndex | Path,
        *,
        url: str | None = None,
        author: str | None = None,
    ) -> None:
        """``index``: the search index, or the folder to open it from on first use (commands
        that never search never load Whoosh)."""
        self.location = location  # a shared library's local part (its index) is kept here
        self.url = url  # a shared library's URL, password hidden; None for a local one
        self.author = author or default_author()  # recorded with notes and shelf changes
        self.engine = engine
        self.db = Database(engine, self.author)
        self._index: SearchIndex | None = None if isinstance(index, Path) else index
        self._index_dir = index if isinstance(index, Path) else index.directory
        self._index_lock = threading.Lock()
        self.indexing = IndexKeeper(self.db, lambda: self.index, shared=url is not None)
        self.warnings: list[str] = []  # what went wrong while opening (the index, a backup)

    @property
    def index(self) -> SearchIndex:
        """The search index, opened on first use."""
        if self._index is None:
            with self._index_lock:
                if self._index is None:
                    from readinglist.search import SearchIndex

                    self._index = SearchIndex(self._index_dir)
        return self._index

    @property
    def index_open(self) -> bool:
        return self._index is not None

    @property
    def shared(self) -> bool:
        """True for a library on a database server, used by several clients at once."""
        return self.url is not None

    @property
    def display_location(self) -> str:
        """Where the library is, for people: its directory or its URL (password hidden)."""
        return self.url if self.url is not None else str(self.location)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
        self.engine.dispose()

    # -- transactions ----------------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session that only reads: it sees a snapshot and never blocks a writer."""
        with self.db.read() as session:
            yield session

    @contextmanager
    def write(self, *, sync: bool = True) -> Iterator[Transaction]:
        """One transaction; afterwards ``tx.changes`` says what it changed.

        The index follows right after the commit. If that fails (a full disk), the change
        is still saved: the failure becomes a warning in ``tx.changes`` and the journal
        brings the index up to date on the next open.
        """
        with self.db.write() as tx:
            yield tx
        # A process that never opened the index leaves the change to the journal: the next
        # search (here or in any other process) applies it first.
        if sync and tx.changes.papers and self.index_open:
            warning = self.sync_quietly()
            if warning is not None:
                tx.changes = dataclasses.replace(
                    tx.changes, warnings=(*tx.changes.warnings, warning)
                )

    def sync_quietly(self) -> str | None:
        """Bring the index up to date; a failure is logged and returned as a warning."""
        try:
            self.indexing.sync()
        except Exception as err:  # the change is committed whatever the index says
            log.warning("%s: index update failed", self.display_location, exc_info=True)
            return INDEX_WARNING.format(reason=_reason(err))
        return None

    def feed(self) -> ChangeFeed:
        """A reader of what other processes change from now on (for open windows)."""
        return ChangeFeed(self.db)

    # -- the index ---------------------------------------------------------------------------------

    def sync_index(self, progress: Progress | None = None) -> int:
        """Bring the index up to date with the database; returns how many papers it rewrote."""
        return self.indexing.sync(progress)

    def reindex(self, progress: Progress | None = None) -> int:
        """Rebuild the whole index from the database."""
        return self.indexing.rebuild(progress)

    def _catch_up(self) -> None:
        """Apply what the journal holds and the index has not seen (edits by processes that
        never opened the index, a colleague's on a shared library) before searching: one
        indexed query when there is nothing to do."""
        if self.indexing.behind():
            self.indexing.sync()

    def search(
        self,
        query: str | ParsedQuery,
        *,
        limit: int | None = 50,
        snippets: bool = True,
        include_trashed: bool = False,
        suggest_for: ParsedQuery | None = None,
    ) -> SearchOutcome:
        """Papers matching ``query`` (docs/query-language.md), best first.

        Never raises for a bad query: the outcome's ``message`` says what was not understood.
        ``total`` counts every match when they were all collected (fewer than ``limit``, or
        no limit) or few; past the limit with long postings it is an estimate. A missing or
        damaged index is rebuilt from the database, then the search runs again.
        """
        self._catch_up()
        for attempt in (1, 2):
            try:
                return self.index.search(
                    query,
                    limit=limit,
                    snippets=snippets,
                    include_trashed=include_trashed,
                    suggest_for=suggest_for,
                )
            except IndexUnavailable:
                if attempt == 2:
                    raise
                self.reindex()
        raise AssertionError("unreachable")

    def similar(self, paper_id: int, *, limit: int = 10) -> list[Similar]:
        """Papers like this one (more-like-this over title and abstract), with shared terms."""
        try:
            found = self.index.similar(paper_id, limit=limit)
        except IndexUnavailable:
            self.reindex()
            found = self.index.similar(paper_id, limit=limit)
        if found is None:
            from readinglist.store.models import Paper

            with self.read() as session:
                if session.get(Paper, paper_id) is None:
                    raise PaperNotFound(paper_id)
            self.sync_index()  # the index lags behind the database: catch up and ask again
            found = self.index.similar(paper_id, limit=limit) or []
        return found


def _reason(err: BaseException) -> str:
    if isinstance(err, OSError) and err.strerror:
        return err.strerror.lower()
    return str(err) or type(err).__name__


__all__ = ["INDEX_WARNING", "LibraryHandle"]
