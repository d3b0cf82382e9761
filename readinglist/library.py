"""The library service: opening a library, reading papers and every edit of a paper.

Each edit is one database transaction that also journals the changed papers; the search
index is brought up to date from that journal right after the commit (and on the next
open, if the process died in between).
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import math
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import platformdirs
from sqlalchemy import ColumnElement, Engine, and_, case, delete, event, exists, func, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from readinglist.digest import title_key
from readinglist.records import (
    DigestInfo,
    LibrarySummary,
    PaperRecord,
    ReadStatus,
    SearchOutcome,
    Similar,
    TagInfo,
    Triage,
)
from readinglist.search import IndexState, IndexUnavailable, IndexUpdate, SearchIndex
from readinglist.store import migrate
from readinglist.store.convert import iter_all_papers, load_papers, to_index_doc, to_record
from readinglist.store.engine import (
    READ_ONLY,
    is_conflict,
    lock_journal,
    make_engine,
    make_sessionmaker,
    migration_lock,
    sqlite_url,
)
from readinglist.store.location import LibraryLocation, LocationError, is_url, parse_location
from readinglist.store.models import (
    AUTHOR_LENGTH,
    Digest,
    Meta,
    Note,
    Paper,
    PaperChange,
    PaperTag,
    Shelf,
    ShelfItem,
    Sighting,
    Tag,
    utcnow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

DB_NAME = "library.sqlite3"
INDEX_DIR = "index"
ENV_HOME = "READINGLIST_HOME"
ENV_AUTHOR = "READINGLIST_AUTHOR"
LIBRARY_ID = "library_id"
JOURNAL_PRUNED = "journal_pruned_upto"
SHARED_JOURNAL_DAYS = 30
"""A shared library keeps its change journal this long: a client away for longer rebuilds."""
CONFLICT_RETRIES = 3
"""Tries of an edit that met a colleague's simultaneous one (same new tag, same note...)."""
MAX_TAG_LENGTH = 100

CATCH_UP_LIMIT = 20_000
"""Above this many changed papers, catching the index up rebuilds it instead (bounded memory)."""

Progress = Callable[[int, int], None]
"""Called with (done, total) during long work."""


class LibraryError(Exception):
    """An operation the user asked for cannot be done; the message says why."""


class PaperNotFound(LibraryError):
    def __init__(self, paper_id: int) -> None:
        super().__init__(f"no paper with id {paper_id}")
        self.paper_id = paper_id


def default_location() -> Path | str:
    """``READINGLIST_HOME`` if set (a directory or a postgresql:// URL), else the user data dir."""
    env = os.environ.get(ENV_HOME)
    if env:
        return env.strip() if is_url(env) else Path(env).expanduser()
    return platformdirs.user_data_path("readinglist", appauthor=False)


def default_author() -> str:
    """Who this client's edits are recorded as: ``READINGLIST_AUTHOR``, else the OS user."""
    env = " ".join(os.environ.get(ENV_AUTHOR, "").split())
    if env:
        return env[:AUTHOR_LENGTH]
    try:
        return getpass.getuser()[:AUTHOR_LENGTH]
    except (OSError, KeyError):  # no user name in the environment nor the password database
        return "unknown"


class EditConflict(LibraryError):
    """Someone else saved this first: the edit was not applied; reload and redo it."""

    def __init__(self, what: str, author: str | None, when: dt.datetime | None) -> None:
        who = author or "someone else"
        at = f" at {when:%Y-%m-%d %H:%M} UTC" if when is not None else ""
        super().__init__(f"{what} was changed by {who}{at} since you opened it")
        self.author = author
        self.when = when


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
    """A write in progress: the session plus the papers whose indexed fields changed."""

    session: Session
    touched: set[int] = field(default_factory=set)

    def touch(self, *paper_ids: int) -> None:
        self.touched.update(paper_ids)


@dataclass(frozen=True, slots=True)
class PaperFilter:
    """What the list views and ``readinglist list`` can ask for, besides a search query."""

    tag: str | None = None
    starred: bool | None = None
    status: ReadStatus | None = None
    shelf: str | None = None
    triage: Triage | None = None
    digest_id: int | None = None
    trashed: bool = False
    include_dismissed: bool = True
    added_since: dt.datetime | None = None


class Library:
    """One library: a database (the truth) and a search index kept in step with it."""

    def __init__(
        self,
        location: Path,
        engine: Engine,
        index: SearchIndex,
        *,
        url: str | None = None,
        author: str | None = None,
    ) -> None:
        self.location = location  # a shared library's local part (its index) is kept here
        self.url = url  # a shared library's URL, password hidden; None for a local one
        self.author = author or default_author()  # recorded with notes and shelf changes
        self.engine = engine
        self._sessions: sessionmaker[Session] = make_sessionmaker(engine)
        event.listen(self._sessions, "before_flush", self._record_author)
        self.index = index
        self._watch: Any = None  # the connection data_version() polls (GUI section below)
        # One index writer per process; a sync asked for meanwhile is run by that writer.
        self._sync_lock = threading.Lock()
        self._sync_pending = False
        self._journal_pruned_at = -math.inf

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        location: Path | str | None = None,
        *,
        sync_index: bool = True,
        backups: bool = True,
        daily_backup: bool = True,
    ) -> Library:
        """Open (creating and migrating as needed) the library at ``location``.

        A damaged database raises DamagedLibrary (moved aside, never opened blind). With
        ``backups``, a verified backup is made before a schema upgrade and daily; the
        desktop app passes ``daily_backup=False`` and makes the daily one in the background
        (``maintenance.onopen.daily``), so that the window shows at once.
        """
        # Imported here: the maintenance services import this module.
        from readinglist.maintenance import onopen

        where = _parse_location(location if location is not None else default_location())
        if where.url is not None:
            return cls._open_shared(where, sync_index=sync_index)
        path = where.local_dir
        if path.exists() and not path.is_dir():
            raise LibraryError(f"{path}: not a directory")
        path.mkdir(parents=True, exist_ok=True)
        onopen.ensure_sound(path)
        engine = make_engine(sqlite_url(path / DB_NAME))
        try:
            if backups:
                onopen.before_upgrade(path, engine)
            migrate.upgrade(engine)
        except migrate.NewerLibraryError as err:
            engine.dispose()
            raise LibraryError(f"{path}: {err}") from err
        except BaseException:
            engine.dispose()
            raise
        lib = cls(path, engine, SearchIndex(path / INDEX_DIR))
        if sync_index:
            lib.sync_index()
        if backups and daily_backup:
            onopen.daily(lib)
        return lib

    @classmethod
    def _open_shared(cls, where: LibraryLocation, *, sync_index: bool) -> Library:
        """A library on a PostgreSQL server; the search index stays on this computer.

        No file checks or backups here: the server is backed up with its own tools
        (pg_dump). Clients opening a new or older database at once upgrade it one at a time.
        """
        assert where.url is not None
        try:
            engine = make_engine(where.url)
        except ImportError as err:
            raise LibraryError(
                f"{where.display}: shared libraries need the psycopg driver ({err})"
            ) from err
        try:
            with migration_lock(engine):
                migrate.upgrade(engine)
            with engine.connect() as conn:
                library_id = conn.scalar(select(Meta.value).where(Meta.key == LIBRARY_ID))
        except migrate.NewerLibraryError as err:
            engine.dispose()
            raise LibraryError(f"{where.display}: {err}") from err
        except DBAPIError as err:  # unreachable server, wrong password, no such database
            engine.dispose()
            reason = str(err.orig).strip().splitlines()[0] if err.orig else str(err)
            raise LibraryError(
                f"{where.display}: cannot open the shared library ({reason})"
            ) from err
        except BaseException:
            engine.dispose()
            raise
        # One index per database: a database dropped and created again under the same URL
        # gets a new id, so an index of the old one is never taken for up to date.
        index_dir = where.local_dir / f"{INDEX_DIR}-{library_id or 'unknown'}"
        where.local_dir.mkdir(parents=True, exist_ok=True)
        for old in where.local_dir.glob(f"{INDEX_DIR}-*"):
            if old != index_dir and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
        lib = cls(where.local_dir, engine, SearchIndex(index_dir), url=where.display)
        if sync_index:
            lib.sync_index()
        return lib

    @property
    def shared(self) -> bool:
        """True for a library on a database server, used by several clients at once."""
        return self.url is not None

    @property
    def display_location(self) -> str:
        """Where the library is, for people: its directory or its URL (password hidden)."""
        return self.url if self.url is not None else str(self.location)

    def _record_author(self, session: Session, _context: object, _instances: object) -> None:
        """Stamp who changed what (before each flush of a write): papers, notes and shelves."""
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

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        self.index.close()
        self.engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- transactions and the index -----------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session that only reads: it sees a snapshot and never blocks a writer."""
        with self._sessions() as session:
            session.connection(execution_options={READ_ONLY: True})
            yield session

    @contextmanager
    def write(self, *, sync: bool = True) -> Iterator[Transaction]:
        """One transaction; journals touched papers and then brings the index up to date."""
        with self._sessions.begin() as session:
            tx = Transaction(session)
            yield tx
            session.flush()
            if tx.touched:
                lock_journal(session)  # journal numbers commit in order (shared libraries)
            now = utcnow()
            for paper_id in sorted(tx.touched):
                session.add(PaperChange(paper_id=paper_id, changed_at=now))
        if sync and tx.touched:
            self.sync_index()

    def _generation(self, session: Session) -> int:
        value = session.get(Meta, "index_generation")
        return int(value.value) if value else 1

    def sync_index(self, progress: Progress | None = None) -> int:
        """Bring the index up to date with the database; returns how many papers it rewrote.

        A missing or damaged index, or one of another generation, is rebuilt; otherwise
        only the papers journalled since the index's last applied change are rewritten.
        Thread-safe: while another thread syncs (the desktop app's background work), a
        call returns at once and that thread goes round again to include its changes.
        """
        written = 0
        self._sync_pending = True
        while self._sync_pending:
            if not self._sync_lock.acquire(blocking=False):
                return written  # the holder sees _sync_pending and syncs once more
            try:
                while self._sync_pending:
                    self._sync_pending = False
                    written += self._sync_index_locked(progress)
            finally:
                self._sync_lock.release()
        return written

    def _sync_index_locked(self, progress: Progress | None) -> int:
        with self.read() as session:
            generation = self._generation(session)
        state = self.index.state()
        if state is None or state.generation != generation:
            return self._reindex_locked(progress)
        written = 0
        stale = False

        def plan(current: IndexState | None) -> IndexUpdate | None:
            nonlocal written, stale
            if current is None:
                return None
            with self.read() as session:
                if current.applied_seq < self._journal_pruned(session):
                    stale = True  # a shared library dropped changes this index never saw
                    return None
                last = session.scalar(select(func.max(PaperChange.seq))) or 0
                if last <= current.applied_seq:
                    return None
                ids = sorted(
                    session.scalars(
                        select(PaperChange.paper_id)
                        .where(PaperChange.seq > current.applied_seq)
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
            return IndexUpdate(docs, removed, IndexState(generation, last))

        applied = self.index.update(plan)
        if applied is None or stale:
            return self._reindex_locked(progress)
        self._prune_journal(applied.applied_seq)
        return written

    def _prune_journal(self, upto: int) -> None:
        if self.shared:
            self.prune_shared_journal()
            return
        # A local library has one index, so applied entries are no longer needed.
        with self._sessions.begin() as session:
            session.execute(delete(PaperChange).where(PaperChange.seq <= upto))

    def prune_shared_journal(self, *, now: dt.datetime | None = None, force: bool = False) -> int:
        """Drop a shared library's journal entries older than SHARED_JOURNAL_DAYS.

        Other clients still need recent entries to catch up, so they are kept by age, not
        by this client's progress; the highest dropped number is recorded, and a client
        whose index is older than that rebuilds it. Runs at most hourly unless ``force``d;
        returns how many entries went.
        """
        clock = time.monotonic()
        if not force and clock - self._journal_pruned_at < 3600:
            return 0
        self._journal_pruned_at = clock
        cutoff = (now or utcnow()) - dt.timedelta(days=SHARED_JOURNAL_DAYS)
        with self._sessions.begin() as session:
            lock_journal(session)  # one pruner at a time; the watermark only moves forward
            upto = session.scalar(
                select(func.max(PaperChange.seq)).where(PaperChange.changed_at < cutoff)
            )
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

    def _journal_pruned(self, session: Session) -> int:
        """The highest journal number dropped while clients might still have needed it."""
        if not self.shared:
            return 0  # a local library prunes only what its one index has applied
        mark = session.get(Meta, JOURNAL_PRUNED)
        return int(mark.value) if mark else 0

    def reindex(self, progress: Progress | None = None) -> int:
        """Rebuild the whole index from the database."""
        with self._sync_lock:
            total = self._reindex_locked(progress)
        if self._sync_pending:
            self.sync_index()  # edits made during the rebuild
        return total

    def _reindex_locked(self, progress: Progress | None) -> int:
        with self.read() as session:
            generation = self._generation(session)
            last = session.scalar(select(func.max(PaperChange.seq))) or 0
            total = session.scalar(select(func.count(Paper.id))) or 0
            docs = (to_index_doc(p) for p in iter_all_papers(session))
            self.index.rebuild(
                docs,
                IndexState(generation, last),
                progress=(lambda n: progress(n, total)) if progress else None,
            )
        if progress is not None:
            progress(total, total)
        self._prune_journal(last)
        return total

    # -- reading ----------------------------------------------------------------------------

    def paper(self, paper_id: int) -> PaperRecord:
        records = self.papers([paper_id])
        if not records:
            raise PaperNotFound(paper_id)
        return records[0]

    def papers(self, ids: Sequence[int]) -> list[PaperRecord]:
        """Records for ``ids`` in the given order; unknown ids are left out."""
        with self.read() as session:
            loaded = load_papers(session, list(ids))
            return [to_record(loaded[i]) for i in ids if i in loaded]

    def paper_ids(
        self,
        flt: PaperFilter = PaperFilter(),
        *,
        order: str = "added",
    ) -> list[int]:
        """Ids of the papers a view shows, in the view's default order; cheap at 100,000."""
        stmt = select(Paper.id).where(*self._conditions(flt))
        if flt.shelf is not None:
            stmt = stmt.join(ShelfItem, ShelfItem.paper_id == Paper.id).join(
                Shelf, and_(Shelf.id == ShelfItem.shelf_id, Shelf.name_key == _key(flt.shelf))
            )
            stmt = stmt.order_by(ShelfItem.position)
        elif order == "added":
            stmt = stmt.order_by(Paper.added_at.desc(), Paper.id.desc())
        elif order == "published":
            stmt = stmt.order_by(Paper.published.desc(), Paper.id.desc())
        else:
            stmt = stmt.order_by(Paper.id)
        with self.read() as session:
            return list(session.scalars(stmt))

    def list_papers(
        self,
        flt: PaperFilter = PaperFilter(),
        *,
        limit: int | None = None,
    ) -> list[PaperRecord]:
        ids = self.paper_ids(flt)
        return self.papers(ids[:limit] if limit is not None else ids)

    def _conditions(self, flt: PaperFilter) -> list[ColumnElement[bool]]:
        cond: list[ColumnElement[bool]] = []
        cond.append(Paper.deleted_at.is_not(None) if flt.trashed else Paper.deleted_at.is_(None))
        if flt.tag is not None:
            cond.append(
                exists().where(
                    PaperTag.paper_id == Paper.id,
                    PaperTag.tag_id == Tag.id,
                    Tag.name_key == _key(flt.tag),
                )
            )
        if flt.starred is not None:
            cond.append(Paper.starred.is_(flt.starred))
        if flt.status is not None:
            cond.append(Paper.read_status == str(flt.status))
        if flt.triage is not None:
            cond.append(Paper.triage == str(flt.triage))
        elif not flt.include_dismissed:
            cond.append(Paper.triage != str(Triage.DISMISSED))
        if flt.digest_id is not None:
            cond.append(
                exists().where(Sighting.paper_id == Paper.id, Sighting.digest_id == flt.digest_id)
            )
        if flt.added_since is not None:
            cond.append(Paper.added_at >= flt.added_since)
        return cond

    def count(self, flt: PaperFilter = PaperFilter()) -> int:
        with self.read() as session:
            return session.scalar(select(func.count(Paper.id)).where(*self._conditions(flt))) or 0

    def summary(self) -> LibrarySummary:
        with self.read() as session:
            live = Paper.deleted_at.is_(None)
            by_status: dict[str, int] = dict(
                session.execute(
                    select(Paper.read_status, func.count()).where(live).group_by(Paper.read_status)
                ).all()
            )
            return LibrarySummary(
                location=self.display_location,
                papers=session.scalar(select(func.count(Paper.id)).where(live)) or 0,
                starred=session.scalar(
                    select(func.count(Paper.id)).where(live, Paper.starred.is_(True))
                )
                or 0,
                by_status={s.value: by_status.get(s.value, 0) for s in ReadStatus},
                inbox=session.scalar(
                    select(func.count(Paper.id)).where(live, Paper.triage == Triage.NEW.value)
                )
                or 0,
                trashed=session.scalar(
                    select(func.count(Paper.id)).where(Paper.deleted_at.is_not(None))
                )
                or 0,
                digests=session.scalar(select(func.count(Digest.id))) or 0,
                tags=session.scalar(select(func.count(Tag.id))) or 0,
                shelves=session.scalar(select(func.count(Shelf.id))) or 0,
                notes=session.scalar(select(func.count(Note.id)).where(Note.body != "")) or 0,
            )

    def tags(self) -> list[TagInfo]:
        """Every tag with how many papers (not in the trash) carry it."""
        with self.read() as session:
            count = (
                select(func.count(PaperTag.paper_id))
                .join(Paper, Paper.id == PaperTag.paper_id)
                .where(PaperTag.tag_id == Tag.id, Paper.deleted_at.is_(None))
                .scalar_subquery()
            )
            rows = session.execute(select(Tag, count).order_by(Tag.name_key))
            return [TagInfo(t.id, t.name, t.color, n) for t, n in rows]

    def digests(self) -> list[DigestInfo]:
        """Imported digests, newest first."""
        with self.read() as session:
            count = (
                select(func.count(func.distinct(Sighting.paper_id)))
                .where(Sighting.digest_id == Digest.id)
                .scalar_subquery()
            )
            rows = session.execute(
                select(Digest, count).order_by(
                    Digest.date.desc().nulls_last(), Digest.imported_at.desc()
                )
            )
            return [
                DigestInfo(d.id, d.file_name, d.date_label, d.date, d.imported_at, d.entry_count, n)
                for d, n in rows
            ]

    # -- editing papers -----------------------------------------------------------------------

    def _papers_for_edit(self, tx: Transaction, ids: Iterable[int]) -> list[Paper]:
        wanted = list(dict.fromkeys(ids))
        papers = list(tx.session.scalars(select(Paper).where(Paper.id.in_(wanted))))
        found = {p.id for p in papers}
        for paper_id in wanted:
            if paper_id not in found:
                raise PaperNotFound(paper_id)
        tx.touch(*found)
        return papers

    @retry_conflicts
    def set_starred(self, ids: Iterable[int], starred: bool) -> None:
        with self.write() as tx:
            for p in self._papers_for_edit(tx, ids):
                if p.starred != starred:
                    p.starred = starred
                    p.updated_at = utcnow()

    @retry_conflicts
    def set_status(self, ids: Iterable[int], status: ReadStatus) -> None:
        with self.write() as tx:
            for p in self._papers_for_edit(tx, ids):
                if p.read_status != status.value:
                    p.read_status = status.value
                    p.updated_at = utcnow()

    @retry_conflicts
    def set_triage(
        self, ids: Iterable[int], triage: Triage, *, status: ReadStatus | None = None
    ) -> None:
        """Set the triage state and, when given, the read status in the same transaction
        (triage's "skimmed" decision and its undo are one edit)."""
        with self.write() as tx:
            for p in self._papers_for_edit(tx, ids):
                p.triage = triage.value
                if status is not None:
                    p.read_status = status.value
                p.updated_at = utcnow()

    @retry_conflicts
    def set_note(self, paper_id: int, body: str, *, expected_version: int | None = None) -> int:
        """Replace the paper's note (Markdown); an empty body removes it.

        ``expected_version`` is the note version the editor started from (the record's
        ``note_version``, 0 for no note). If someone else saved the note since, nothing is
        written and EditConflict says who and when, so the editor can offer to reload;
        without it the last save wins. Returns the note's version now (0: no note).
        """
        with self.write() as tx:
            (paper,) = self._papers_for_edit(tx, [paper_id])
            # Locked until commit: two saves of one note check and bump the version in turn.
            note = tx.session.scalar(
                select(Note).where(Note.paper_id == paper.id).with_for_update()
            )
            version = note.version if note is not None else 0
            if expected_version is not None and expected_version != version:
                raise EditConflict(
                    f"the note on paper {paper_id}",
                    note.updated_by if note is not None else None,
                    note.updated_at if note is not None else None,
                )
            now = utcnow()
            if not body.strip():
                if note is not None:
                    tx.session.delete(note)
                version = 0
            elif note is None:
                tx.session.add(
                    Note(paper_id=paper.id, body=body, created_at=now, updated_at=now, version=1)
                )
                version = 1
            elif note.body != body:
                note.body = body
                note.updated_at = now
                note.version = version = version + 1
            paper.updated_at = now
            return version

    @retry_conflicts
    def add_tags(self, ids: Iterable[int], names: Iterable[str]) -> None:
        """Tag papers, creating tags as needed (names are case-insensitively unique)."""
        with self.write() as tx:
            papers = self._papers_for_edit(tx, ids)
            tags = [self._tag(tx.session, n, create=True) for n in _clean_tags(names)]
            for p in papers:
                have = {t.id for t in p.tags}
                for tag in tags:
                    if tag is not None and tag.id not in have:
                        p.tags.append(tag)
                p.updated_at = utcnow()

    @retry_conflicts
    def remove_tags(self, ids: Iterable[int], names: Iterable[str]) -> None:
        with self.write() as tx:
            papers = self._papers_for_edit(tx, ids)
            keys = {_key(n) for n in _clean_tags(names)}
            for p in papers:
                p.tags = [t for t in p.tags if t.name_key not in keys]
                p.updated_at = utcnow()

    @retry_conflicts
    def set_tags(
        self, paper_id: int, names: Iterable[str], *, was: Iterable[str] | None = None
    ) -> None:
        """Make the paper's tags exactly ``names`` (the tag editor's save).

        With ``was`` (the tags the editor started from) only the difference is applied, so
        a tag a colleague added or removed meanwhile on a shared library stays that way.
        """
        with self.write() as tx:
            (paper,) = self._papers_for_edit(tx, [paper_id])
            tags = [self._tag(tx.session, n, create=True) for n in _clean_tags(names)]
            wanted = [t for t in tags if t is not None]
            if was is None:
                paper.tags = wanted
            else:
                dropped = {_key(n) for n in _clean_tags(was)} - {t.name_key for t in wanted}
                kept = [t for t in paper.tags if t.name_key not in dropped]
                have = {t.id for t in kept}
                paper.tags = kept + [t for t in wanted if t.id not in have]
            paper.updated_at = utcnow()

    def _tag(self, session: Session, name: str, *, create: bool) -> Tag | None:
        tag = session.scalar(select(Tag).where(Tag.name_key == _key(name)))
        if tag is None and create:
            tag = Tag(name=name, name_key=_key(name))
            session.add(tag)
            session.flush()
        return tag

    @retry_conflicts
    def set_tag_color(self, name: str, color: str | None) -> None:
        with self.write() as tx:
            tag = self._tag(tx.session, name, create=False)
            if tag is None:
                raise LibraryError(f"no tag named {name!r}")
            tag.color = color

    @retry_conflicts
    def rename_tag(self, old: str, new: str) -> None:
        (new,) = _clean_tags([new]) or [""]
        if not new:
            raise LibraryError("a tag needs a name")
        with self.write() as tx:
            tag = self._tag(tx.session, old, create=False)
            if tag is None:
                raise LibraryError(f"no tag named {old!r}")
            clash = self._tag(tx.session, new, create=False)
            if clash is not None and clash.id != tag.id:
                raise LibraryError(f"a tag named {clash.name!r} already exists")
            tag.name, tag.name_key = new, _key(new)
            tx.touch(*(p.id for p in tag.papers))

    @retry_conflicts
    def delete_tag(self, name: str) -> None:
        with self.write() as tx:
            tag = self._tag(tx.session, name, create=False)
            if tag is None:
                raise LibraryError(f"no tag named {name!r}")
            tx.touch(*(p.id for p in tag.papers))
            tx.session.delete(tag)

    @retry_conflicts
    def trash(self, ids: Iterable[int]) -> None:
        """Move papers to the Trash; they keep their tags, notes and shelf places."""
        with self.write() as tx:
            now = utcnow()
            for p in self._papers_for_edit(tx, ids):
                if p.deleted_at is None:
                    p.deleted_at = now
                    p.updated_at = now

    @retry_conflicts
    def restore(self, ids: Iterable[int]) -> None:
        with self.write() as tx:
            for p in self._papers_for_edit(tx, ids):
                p.deleted_at = None
                p.updated_at = utcnow()

    @retry_conflicts
    def empty_trash(self) -> int:
        """Delete trashed papers for good; returns how many."""
        with self.write() as tx:
            papers = list(tx.session.scalars(select(Paper).where(Paper.deleted_at.is_not(None))))
            tx.touch(*(p.id for p in papers))
            shelves = {i.shelf_id for p in papers for i in p.shelf_items}
            lock_shelves(tx.session, shelves)
            for p in papers:
                tx.session.delete(p)
            tx.session.flush()
            for shelf_id in shelves:
                renumber_shelf(tx.session, shelf_id)
            return len(papers)

    # == For list views (the desktop app): sorted ids and change detection ===================

    SORT_KEYS = ("starred", "title", "status", "published", "upvotes", "seen", "tags", "added")

    def sorted_paper_ids(
        self,
        flt: PaperFilter = PaperFilter(),
        *,
        key: str,
        descending: bool = False,
        within: Sequence[int] | None = None,
    ) -> list[int]:
        """Ids matching ``flt`` (and in ``within``, when given) sorted by one of SORT_KEYS.

        Missing values (no date, no upvotes, no tags) sort last either way; ties newest first.
        ``within`` is for search results: up to a few thousand ids, sorted without scanning
        the whole library.
        """
        column = _sort_column(key)
        stmt = select(Paper.id).where(*self._conditions(flt))
        if flt.shelf is not None:
            stmt = stmt.join(ShelfItem, ShelfItem.paper_id == Paper.id).join(
                Shelf, and_(Shelf.id == ShelfItem.shelf_id, Shelf.name_key == _key(flt.shelf))
            )
        if within is None:
            ordered = column.desc() if descending else column.asc()
            stmt = stmt.order_by(ordered.nulls_last(), Paper.added_at.desc(), Paper.id.desc())
            with self.read() as session:
                return list(session.scalars(stmt))
        wanted = list(dict.fromkeys(within))
        rows: list[tuple[int, Any, dt.datetime]] = []
        with self.read() as session:
            for start in range(0, len(wanted), 500):
                chunk = stmt.where(Paper.id.in_(wanted[start : start + 500]))
                query = chunk.with_only_columns(Paper.id, column, Paper.added_at)
                rows.extend((r[0], r[1], r[2]) for r in session.execute(query))
        rows.sort(key=lambda r: (r[2], r[0]), reverse=True)
        present = [r for r in rows if r[1] is not None]
        present.sort(key=lambda r: r[1], reverse=descending)  # stable: ties stay newest first
        return [r[0] for r in present] + [r[0] for r in rows if r[1] is None]

    def _catch_up(self) -> None:
        """A shared library's index lags behind colleagues' edits: apply them first.

        One indexed query when nothing changed; local libraries need none (every process
        on this computer updates their one index as it edits).
        """
        if not self.shared:
            return
        state = self.index.state()
        if state is None:
            return  # unreadable: the search rebuilds it
        with self.read() as session:
            last = session.scalar(select(func.max(PaperChange.seq))) or 0
            behind = last > state.applied_seq or self._generation(session) != state.generation
        if behind:
            self.sync_index()

    def data_version(self) -> int:
        """A number that changes whenever another connection commits to the library.

        Another process (the command line) or another session of this one: cheap enough to
        poll every second, so open windows notice changes made elsewhere.
        """
        if self.engine.dialect.name != "sqlite":
            # No such counter on a server: a fingerprint of what the views show instead, from
            # indexed columns and small tables. Every edit of a paper adds to the journal.
            fingerprint = select(
                select(func.max(PaperChange.seq)).scalar_subquery(),
                select(func.count(Shelf.id)).scalar_subquery(),
                select(func.max(Shelf.changed_at)).scalar_subquery(),
                select(func.count(Tag.id)).scalar_subquery(),
            )
            with self.read() as session:
                return hash(tuple(session.execute(fingerprint).one()))
        if self._watch is None:
            # A connection of its own: SQLite's counter is per connection, and a raw DBAPI
            # connection never opens a transaction (no BEGIN IMMEDIATE) for the pragma.
            self._watch = self.engine.raw_connection()
        cursor = self._watch.cursor()
        try:
            cursor.execute("PRAGMA data_version")
            return int(cursor.fetchone()[0])
        finally:
            cursor.close()

    # -- searching ---------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        limit: int | None = 50,
        snippets: bool = True,
        include_trashed: bool = False,
    ) -> SearchOutcome:
        """Papers matching ``query`` (the query language: docs/query-language.md), best first.

        Never raises for a bad query: the outcome's ``message`` says what was not understood.
        ``total`` counts every match when they were all collected (fewer than ``limit``, or
        no limit) or few; past the limit with long postings it is an estimate, since
        counting every match of a common word exactly costs more than the search.  A missing
        or damaged index is rebuilt from the database, then the search runs again.
        """
        self._catch_up()
        try:
            return self.index.search(
                query, limit=limit, snippets=snippets, include_trashed=include_trashed
            )
        except IndexUnavailable:
            self.reindex()
            return self.index.search(
                query, limit=limit, snippets=snippets, include_trashed=include_trashed
            )

    def similar(self, paper_id: int, *, limit: int = 10) -> list[Similar]:
        """Papers like this one (more-like-this over title and abstract), with shared terms."""
        try:
            found = self.index.similar(paper_id, limit=limit)
        except IndexUnavailable:
            self.reindex()
            found = self.index.similar(paper_id, limit=limit)
        if found is None:
            self.paper(paper_id)  # raises PaperNotFound for an unknown id
            self.sync_index()  # the index lags behind the database: catch up and ask again
            found = self.index.similar(paper_id, limit=limit) or []
        return found


def _parse_location(value: Path | str) -> LibraryLocation:
    try:
        return parse_location(value)
    except LocationError as err:
        raise LibraryError(str(err)) from err


def _sort_column(key: str) -> Any:
    """The SQL expression a list view sorts on (see Library.sorted_paper_ids)."""
    if key == "seen":
        return (
            select(func.count(func.distinct(Sighting.digest_id)))
            .where(Sighting.paper_id == Paper.id)
            .scalar_subquery()
        )
    if key == "tags":
        return (
            select(func.min(Tag.name_key))
            .join(PaperTag, PaperTag.tag_id == Tag.id)
            .where(PaperTag.paper_id == Paper.id)
            .scalar_subquery()
        )
    if key == "status":
        return case(
            (Paper.read_status == ReadStatus.UNREAD.value, 0),
            (Paper.read_status == ReadStatus.SKIMMED.value, 1),
            else_=2,
        )
    columns = {
        "starred": Paper.starred,
        "title": Paper.title_key,
        "published": Paper.published,
        "upvotes": Paper.upvotes,
        "added": Paper.added_at,
    }
    if key not in columns:
        raise LibraryError(f"cannot sort by {key!r} (one of: {', '.join(Library.SORT_KEYS)})")
    return columns[key]


def lock_shelves(session: Session, shelf_ids: Iterable[int]) -> None:
    """Hold these shelves until commit, so that concurrent edits of their order queue.

    PostgreSQL: SELECT ... FOR UPDATE, in id order (no deadlock between two such locks).
    SQLite renders no FOR UPDATE: its writers already queue (BEGIN IMMEDIATE).
    """
    ids = sorted(set(shelf_ids))
    if ids:
        session.execute(
            select(Shelf.id).where(Shelf.id.in_(ids)).order_by(Shelf.id).with_for_update()
        )


def renumber_shelf(session: Session, shelf_id: int) -> None:
    """Close gaps in a shelf's manual order after removals."""
    items = session.scalars(
        select(ShelfItem).where(ShelfItem.shelf_id == shelf_id).order_by(ShelfItem.position)
    )
    for n, item in enumerate(items):
        item.position = n


def _key(name: str) -> str:
    return title_key(name)


def _clean_tags(names: Iterable[str]) -> list[str]:
    out: dict[str, str] = {}
    for raw in names:
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH:
            raise LibraryError(f"tag too long ({len(name)} characters, at most {MAX_TAG_LENGTH})")
        if "," in name:
            raise LibraryError(f"tag {name!r}: commas separate tags and cannot be part of one")
        out.setdefault(_key(name), name)
    return list(out.values())


__all__ = [
    "EditConflict",
    "Library",
    "LibraryError",
    "PaperFilter",
    "PaperNotFound",
    "Transaction",
    "default_location",
]
