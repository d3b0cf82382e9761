"""The library service: opening a library, reading papers and every edit of a paper.

Each edit is one database transaction that also journals the changed papers; the search
index is brought up to date from that journal right after the commit (and on the next
open, if the process died in between).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from sqlalchemy import Engine, and_, delete, exists, func, select

from readinglist.digest import title_key
from readinglist.records import (
    DigestInfo,
    LibrarySummary,
    PaperRecord,
    ReadStatus,
    TagInfo,
    Triage,
)
from readinglist.search import IndexState, IndexUpdate, SearchIndex
from readinglist.store import migrate
from readinglist.store.convert import iter_all_papers, load_papers, to_index_doc, to_record
from readinglist.store.engine import make_engine, make_sessionmaker, sqlite_url
from readinglist.store.models import (
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
    import datetime as dt

    from sqlalchemy.orm import Session, sessionmaker

DB_NAME = "library.sqlite3"
INDEX_DIR = "index"
ENV_HOME = "READINGLIST_HOME"
MAX_TAG_LENGTH = 100

Progress = Callable[[int, int], None]
"""Called with (done, total) during long work."""


class LibraryError(Exception):
    """An operation the user asked for cannot be done; the message says why."""


class PaperNotFound(LibraryError):
    def __init__(self, paper_id: int) -> None:
        super().__init__(f"no paper with id {paper_id}")
        self.paper_id = paper_id


def default_location() -> Path:
    """``READINGLIST_HOME`` if set, else the platform's user data directory."""
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path("readinglist", appauthor=False)


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

    def __init__(self, location: Path, engine: Engine, index: SearchIndex) -> None:
        self.location = location
        self.engine = engine
        self._sessions: sessionmaker[Session] = make_sessionmaker(engine)
        self.index = index

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, location: Path | str | None = None, *, sync_index: bool = True) -> Library:
        """Open (creating and migrating as needed) the library at ``location``."""
        path = Path(location).expanduser() if location is not None else default_location()
        if path.exists() and not path.is_dir():
            raise LibraryError(f"{path}: not a directory")
        path.mkdir(parents=True, exist_ok=True)
        engine = make_engine(sqlite_url(path / DB_NAME))
        try:
            migrate.upgrade(engine)
        except migrate.NewerLibraryError as err:
            engine.dispose()
            raise LibraryError(f"{path}: {err}") from err
        lib = cls(path, engine, SearchIndex(path / INDEX_DIR))
        if sync_index:
            lib.sync_index()
        return lib

    def close(self) -> None:
        self.index.close()
        self.engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- transactions and the index -----------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self, *, sync: bool = True) -> Iterator[Transaction]:
        """One transaction; journals touched papers and then brings the index up to date."""
        with self._sessions.begin() as session:
            tx = Transaction(session)
            yield tx
            session.flush()
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
        """
        with self.read() as session:
            generation = self._generation(session)
        state = self.index.state()
        if state is None or state.generation != generation:
            return self.reindex(progress)
        written = 0

        def plan(current: IndexState | None) -> IndexUpdate | None:
            nonlocal written
            if current is None:
                return None
            with self.read() as session:
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
                papers = load_papers(session, ids)
                docs = [to_index_doc(papers[i]) for i in ids if i in papers]
                removed = [i for i in ids if i not in papers]
            written = len(docs) + len(removed)
            return IndexUpdate(docs, removed, IndexState(generation, last))

        applied = self.index.update(plan)
        if applied is None:
            return self.reindex(progress)
        self._prune_journal(applied.applied_seq)
        return written

    def _prune_journal(self, upto: int) -> None:
        # A local library has one index, so applied entries are no longer needed.
        with self._sessions.begin() as session:
            session.execute(delete(PaperChange).where(PaperChange.seq <= upto))

    def reindex(self, progress: Progress | None = None) -> int:
        """Rebuild the whole index from the database."""
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

    def _conditions(self, flt: PaperFilter) -> list[object]:
        cond: list[object] = []
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
                location=str(self.location),
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

    def set_starred(self, ids: Iterable[int], starred: bool) -> None:
        with self.write() as tx:
            for p in self._papers_for_edit(tx, ids):
                if p.starred != starred:
                    p.starred = starred
                    p.updated_at = utcnow()

    def set_status(self, ids: Iterable[int], status: ReadStatus) -> None:
        with self.write() as tx:
            for p in self._papers_for_edit(tx, ids):
                if p.read_status != status.value:
                    p.read_status = status.value
                    p.updated_at = utcnow()

    def set_triage(self, ids: Iterable[int], triage: Triage) -> None:
        with self.write() as tx:
            for p in self._papers_for_edit(tx, ids):
                p.triage = triage.value
                p.updated_at = utcnow()

    def set_note(self, paper_id: int, body: str) -> None:
        """Replace the paper's note (Markdown); an empty body removes it."""
        with self.write() as tx:
            (paper,) = self._papers_for_edit(tx, [paper_id])
            note = tx.session.scalar(select(Note).where(Note.paper_id == paper.id))
            now = utcnow()
            if not body.strip():
                if note is not None:
                    tx.session.delete(note)
            elif note is None:
                tx.session.add(Note(paper_id=paper.id, body=body, created_at=now, updated_at=now))
            elif note.body != body:
                note.body = body
                note.updated_at = now
            paper.updated_at = now

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

    def remove_tags(self, ids: Iterable[int], names: Iterable[str]) -> None:
        with self.write() as tx:
            papers = self._papers_for_edit(tx, ids)
            keys = {_key(n) for n in _clean_tags(names)}
            for p in papers:
                p.tags = [t for t in p.tags if t.name_key not in keys]
                p.updated_at = utcnow()

    def set_tags(self, paper_id: int, names: Iterable[str]) -> None:
        """Make the paper's tags exactly ``names`` (the tag editor's save)."""
        with self.write() as tx:
            (paper,) = self._papers_for_edit(tx, [paper_id])
            tags = [self._tag(tx.session, n, create=True) for n in _clean_tags(names)]
            paper.tags = [t for t in tags if t is not None]
            paper.updated_at = utcnow()

    def _tag(self, session: Session, name: str, *, create: bool) -> Tag | None:
        tag = session.scalar(select(Tag).where(Tag.name_key == _key(name)))
        if tag is None and create:
            tag = Tag(name=name, name_key=_key(name))
            session.add(tag)
            session.flush()
        return tag

    def set_tag_color(self, name: str, color: str | None) -> None:
        with self.write() as tx:
            tag = self._tag(tx.session, name, create=False)
            if tag is None:
                raise LibraryError(f"no tag named {name!r}")
            tag.color = color

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

    def delete_tag(self, name: str) -> None:
        with self.write() as tx:
            tag = self._tag(tx.session, name, create=False)
            if tag is None:
                raise LibraryError(f"no tag named {name!r}")
            tx.touch(*(p.id for p in tag.papers))
            tx.session.delete(tag)

    def trash(self, ids: Iterable[int]) -> None:
        """Move papers to the Trash; they keep their tags, notes and shelf places."""
        with self.write() as tx:
            now = utcnow()
            for p in self._papers_for_edit(tx, ids):
                if p.deleted_at is None:
                    p.deleted_at = now
                    p.updated_at = now

    def restore(self, ids: Iterable[int]) -> None:
        with self.write() as tx:
            for p in self._papers_for_edit(tx, ids):
                p.deleted_at = None
                p.updated_at = utcnow()

    def empty_trash(self) -> int:
        """Delete trashed papers for good; returns how many."""
        with self.write() as tx:
            papers = list(tx.session.scalars(select(Paper).where(Paper.deleted_at.is_not(None))))
            tx.touch(*(p.id for p in papers))
            shelves = {i.shelf_id for p in papers for i in p.shelf_items}
            for p in papers:
                tx.session.delete(p)
            tx.session.flush()
            for shelf_id in shelves:
                renumber_shelf(tx.session, shelf_id)
            return len(papers)


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
    "Library",
    "LibraryError",
    "PaperFilter",
    "PaperNotFound",
    "Transaction",
    "default_location",
]
