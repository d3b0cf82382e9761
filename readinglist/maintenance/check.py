"""Check a library and repair what can be repaired; both return a plain report.

What is checked: SQLite's ``integrity_check``; ``foreign_key_check`` (notes, tags, shelf
items and sightings pointing at papers, tags, shelves or digests that do not exist); shelf
positions (0..n-1, no gaps or duplicates, for the papers on each shelf and for the shelves
themselves); and the search index against the database: its state, its set of paper ids,
and the answers it gives for a sample of papers compared with an index freshly built from
the database for those papers.

A repair first makes a backup, then fixes everything in one transaction (deletes orphaned
rows, renumbers shelves, rebuilds damaged database indexes) and rebuilds the search index;
the report it returns is a second check made afterwards.
"""

from __future__ import annotations

import dataclasses
import random
import re
import sqlite3
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError

from readinglist.errors import LibraryError
from readinglist.layout import DB_NAME
from readinglist.maintenance import sqlitefile
from readinglist.maintenance.backup import ASIDE_DIR, BackupError, create_backup
from readinglist.search import IndexState, IndexUnavailable
from readinglist.store.convert import load_papers, to_index_doc
from readinglist.store.models import Meta, Paper, PaperChange, Shelf, ShelfItem, utcnow

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.orm import Session

    from readinglist.core import LibraryHandle
    from readinglist.records import IndexDoc

INDEX_SAMPLE = 50
"""How many papers' index entries are compared field by field (ids are compared for all)."""
MAX_PROBES = 15

_WHAT = {
    "notes": "notes",
    "paper_tags": "tag assignments",
    "shelf_items": "shelf entries",
    "sightings": "digest sightings",
}
_WORD_RE = re.compile(r"[a-z]{4,20}")


@dataclass(frozen=True, slots=True)
class Problem:
    """One kind of trouble found, with how many rows or papers it concerns."""

    code: str  # stable: integrity, orphan_<table>, shelf_positions, shelf_order, index_*
    message: str
    count: int = 1
    repairable: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "count": self.count,
            "repairable": self.repairable,
        }


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The outcome of a check (or of a repair: then ``problems`` is the check made after it)."""

    location: str
    papers: int
    problems: tuple[Problem, ...]
    repaired: tuple[Problem, ...] = ()  # what the repair found and fixed
    backup: str | None = None  # the backup made before the repair

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        """Public ``check --json`` shape: fields may be added, never renamed or dropped."""
        return {
            "location": self.location,
            "ok": self.ok,
            "papers": self.papers,
            "problems": [p.to_json() for p in self.problems],
            "repaired": [p.to_json() for p in self.repaired],
            "backup": self.backup,
        }


# -- checking --------------------------------------------------------------------------------


def check_library(
    library: LibraryHandle, *, sample: int = INDEX_SAMPLE, rng: random.Random | None = None
) -> CheckReport:
    """Look for every known kind of damage; changes nothing."""
    problems: list[Problem] = []
    if _local(library):  # a shared library's server checks its own files and foreign keys
        database = library.location / DB_NAME
        problems += _integrity(database)
        problems += [p for p, _rows in _orphans(database)]
    papers = 0
    try:
        with library.read() as session:
            papers = session.scalar(select(func.count(Paper.id))) or 0
            problems += _shelf_problems(session)
        problems += _index_problems(library, sample, rng or random.Random())
    except IndexUnavailable:
        problems.append(Problem("index_unreadable", "the search index is missing or unreadable"))
    except DBAPIError as err:
        problems.append(Problem("integrity", f"the database cannot be read: {err.orig}", 1, False))
    return CheckReport(library.display_location, papers, tuple(problems))


def _local(library: LibraryHandle) -> bool:
    return library.engine.dialect.name == "sqlite"


def _integrity(database: Path) -> list[Problem]:
    conn = sqlitefile.connect(database)
    try:
        found = sqlitefile.check_problems(conn, quick=False)
    finally:
        conn.close()
    if not found:
        return []
    index_only = all(re.search(r"\bindex\b", line) for line in found)
    detail = "; ".join(found[:3])
    return [
        Problem(
            "integrity",
            f"SQLite integrity check: {detail}"
            + ("" if index_only else " (restore a backup if repair cannot fix it)"),
            len(found),
            repairable=index_only,
        )
    ]


def _orphans(database: Path) -> list[tuple[Problem, dict[str, list[int]]]]:
    """Rows whose foreign keys point nowhere, grouped by table, with their rowids."""
    conn = sqlitefile.connect(database)
    try:
        rows = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError:
        return []  # reported by the integrity check
    finally:
        conn.close()
    by_table: dict[str, list[int]] = defaultdict(list)
    missing: dict[str, set[str]] = defaultdict(set)
    for table, rowid, parent, _fkid in rows:
        by_table[table].append(int(rowid))
        missing[table].add(parent)
    found = []
    for table in sorted(by_table):
        n = len(set(by_table[table]))
        what = _WHAT.get(table, f"rows of {table}")
        parents = ", ".join(sorted(missing[table]))
        found.append(
            (
                Problem(f"orphan_{table}", f"{n} {what} point to missing {parents}", n),
                {table: sorted(set(by_table[table]))},
            )
        )
    return found


def _shelf_problems(session: Session) -> list[Problem]:
    problems = []
    positions: dict[int, list[int]] = defaultdict(list)
    for shelf_id, position in session.execute(select(ShelfItem.shelf_id, ShelfItem.position)):
        positions[shelf_id].append(position)
    names = dict(session.execute(select(Shelf.id, Shelf.name)).all())
    bad = sorted(
        names.get(shelf_id, f"#{shelf_id}")
        for shelf_id, found in positions.items()
        if sorted(found) != list(range(len(found)))
    )
    if bad:
        problems.append(
            Problem(
                "shelf_positions",
                f"{len(bad)} shelves have gaps or duplicates in their order: {', '.join(bad[:5])}",
                len(bad),
            )
        )
    order = sorted(session.scalars(select(Shelf.position)))
    if order != list(range(len(order))):
        problems.append(
            Problem("shelf_order", "the shelves' own order has gaps or duplicates", len(order))
        )
    return problems


def _index_problems(library: LibraryHandle, sample: int, rng: random.Random) -> list[Problem]:
    state = library.index.state()
    if state is not None and library.indexing.behind():
        # Changes waiting in the journal are no damage (a command that never searched leaves
        # them there): apply them as a search would, then compare.
        library.sync_quietly()
        state = library.index.state()
    if state is None:
        return [Problem("index_unreadable", "the search index is missing or unreadable")]
    problems = []
    with library.read() as session:
        meta = session.get(Meta, "index_generation")
        generation = int(meta.value) if meta else 1
        last = session.scalar(select(func.max(PaperChange.seq))) or 0
        db_ids = set(session.scalars(select(Paper.id)))
    if state.generation != generation:
        problems.append(
            Problem("index_generation", "the search index was built for another database state")
        )
    elif state.applied_seq < last:
        problems.append(
            Problem(
                "index_behind",
                f"the search index lacks the last {last - state.applied_seq} changes",
                last - state.applied_seq,
            )
        )
    ix_ids = library.index.ids()
    missing, extra = db_ids - ix_ids, ix_ids - db_ids
    if missing:
        problems.append(
            Problem(
                "index_missing",
                f"{len(missing)} papers are missing from the search index",
                len(missing),
            )
        )
    if extra:
        problems.append(
            Problem(
                "index_extra",
                f"the search index holds {len(extra)} papers that no longer exist",
                len(extra),
            )
        )
    both = sorted(db_ids & ix_ids)
    chosen = rng.sample(both, min(sample, len(both)))
    stale = _stale_in_index(library, chosen)
    if stale:
        problems.append(
            Problem(
                "index_stale",
                f"the search index is out of date for {len(stale)} of {len(chosen)} papers checked",
                len(stale),
            )
        )
    return problems


def _stale_in_index(library: LibraryHandle, ids: list[int]) -> set[int]:
    """Papers whose index entries answer differently from entries built afresh from the database.

    Both indexes are asked the same queries (words of each paper's title, tags and note);
    restricted to the sampled papers, the answers must be the same.
    """
    if not ids:
        return set()
    with library.read() as session:
        papers = load_papers(session, ids)
        docs = []
        for paper_id in ids:
            try:
                docs.append(to_index_doc(papers[paper_id]))
            except (KeyError, AttributeError):
                continue  # gone meanwhile, or pointing at a missing shelf: reported as orphans
    probes = sorted({_probe(doc) for doc in docs} - {""})[:MAX_PROBES]
    chosen = {d.id for d in docs}
    stale: set[int] = set()
    with tempfile.TemporaryDirectory(prefix="readinglist-check-") as tmp:
        from readinglist.search import SearchIndex  # Whoosh loads only for a repair

        fresh = SearchIndex(Path(tmp) / "index")
        try:
            fresh.rebuild(docs, IndexState(0, 0))
            for word in probes:
                expected = set(fresh.search_ids(word, limit=None))
                found = set(library.index.search_ids(word, limit=None)) & chosen
                stale |= expected ^ found
        finally:
            fresh.close()
    return stale


def _probe(doc: IndexDoc) -> str:
    """A query few papers but this one match: title words AND a tag word AND a note word.

    Selective on purpose: asking a large index about common words costs a second each.
    """
    words = []
    for text, n in ((doc.title, 3), (" ".join(doc.tags), 1), (doc.note, 1)):
        found = sorted(set(_WORD_RE.findall(text.lower())), key=lambda w: (-len(w), w))
        words += found[:n]
    return " ".join(dict.fromkeys(words))


# -- repairing -------------------------------------------------------------------------------


def repair_library(library: LibraryHandle, *, now: dt.datetime | None = None) -> CheckReport:
    """Back up, fix what the check finds in one transaction, rebuild the index, check again.

    A shared library (on a database server) is not backed up here: its server is, with its
    own tools; its repair renumbers shelves and rebuilds this computer's index.
    """
    before = check_library(library)
    if before.ok:
        return before
    local = _local(library)
    backup = _backup_before_repair(library, now) if local else None
    orphans = _orphans(library.location / DB_NAME) if local else []
    with library.write(sync=False) as tx:
        session = tx.session
        if any(p.code == "integrity" and p.repairable for p in before.problems):
            session.connection().exec_driver_sql("REINDEX")
        for _problem, rows in orphans:
            for table, rowids in rows.items():
                quoted = table.replace('"', '""')
                for start in range(0, len(rowids), 500):
                    chunk = rowids[start : start + 500]
                    marks = ", ".join("?" * len(chunk))
                    session.connection().exec_driver_sql(
                        f'DELETE FROM "{quoted}" WHERE rowid IN ({marks})', tuple(chunk)
                    )
        _renumber_all(session)
    # A background merge still writing into the old index must not outlive its swap.
    library.index.wait_for_merge()
    library.reindex()
    after = check_library(library)
    return dataclasses.replace(
        after, repaired=before.problems, backup=str(backup) if backup else None
    )


def _backup_before_repair(library: LibraryHandle, now: dt.datetime | None) -> Path:
    """A verified backup; when the database fails verification, a raw copy kept aside."""
    try:
        return create_backup(library.location, reason="repair", now=now).path
    except BackupError:
        stamp = (now or utcnow()).strftime("%Y%m%dT%H%M%SZ")
        aside = library.location / ASIDE_DIR / f"{stamp}-before-repair"
        aside.mkdir(parents=True, exist_ok=True)
        database = library.location / DB_NAME
        try:
            sqlitefile.copy_database(database, aside / DB_NAME)
        except (sqlite3.Error, OSError) as err:
            raise LibraryError(
                f"{database}: not repaired, because no copy of it could be made first ({err})"
            ) from err
        return aside / DB_NAME


def _renumber_all(session: Session) -> None:
    """Positions 0..n-1 on every shelf (ties keep the order the papers were added in)."""
    items = session.execute(
        select(ShelfItem.shelf_id, ShelfItem.paper_id, ShelfItem.position).order_by(
            ShelfItem.shelf_id, ShelfItem.position, ShelfItem.added_at, ShelfItem.paper_id
        )
    ).all()
    counters: dict[int, int] = defaultdict(int)
    for shelf_id, paper_id, position in items:
        want = counters[shelf_id]
        counters[shelf_id] += 1
        if position != want:
            session.execute(
                update(ShelfItem)
                .where(ShelfItem.shelf_id == shelf_id, ShelfItem.paper_id == paper_id)
                .values(position=want)
            )
    shelves = session.execute(select(Shelf.id, Shelf.position).order_by(Shelf.position, Shelf.id))
    for n, (shelf_id, position) in enumerate(shelves.all()):
        if position != n:
            session.execute(update(Shelf).where(Shelf.id == shelf_id).values(position=n))
