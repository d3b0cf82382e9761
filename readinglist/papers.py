"""Reading papers and every edit of one: star, read status, triage, note, Trash.

Each edit is one transaction and returns the :class:`~readinglist.core.changes.Changes` it
made; papers that already had the value asked for are left untouched (and unreported).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from readinglist import textlimits
from readinglist.core import Changes, retry_conflicts
from readinglist.errors import EditConflict, LibraryError, PaperNotFound
from readinglist.records import LibrarySummary, ReadStatus, Triage
from readinglist.store.convert import load_papers, to_record
from readinglist.store.models import Digest, Note, Paper, Shelf, Tag, utcnow
from readinglist.store.shelf_order import lock_shelves, renumber_shelf

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sqlalchemy import ColumnElement

    from readinglist.core import LibraryHandle, Transaction
    from readinglist.records import PaperRecord


@dataclass(frozen=True, slots=True)
class NoteSaved:
    """A saved note: its version now (0: no note), whose note it replaced when that was
    someone else's (shared libraries), and what changed."""

    version: int
    changes: Changes
    replaced_author: str | None = None


# -- reading ------------------------------------------------------------------------------------


def records(handle: LibraryHandle, ids: Sequence[int]) -> list[PaperRecord]:
    """Records for ``ids`` in the given order; unknown ids are left out."""
    with handle.read() as session:
        loaded = load_papers(session, list(ids))
        return [to_record(loaded[i]) for i in ids if i in loaded]


def record(handle: LibraryHandle, paper_id: int) -> PaperRecord:
    found = records(handle, [paper_id])
    if not found:
        raise PaperNotFound(paper_id)
    return found[0]


def summary(handle: LibraryHandle) -> LibrarySummary:
    with handle.read() as session:
        live = Paper.deleted_at.is_(None)

        def count(*where: ColumnElement[bool]) -> int:
            return int(session.scalar(select(func.count(Paper.id)).where(*where)) or 0)

        by_status: dict[str, int] = dict(
            session.execute(
                select(Paper.read_status, func.count()).where(live).group_by(Paper.read_status)
            ).all()
        )
        return LibrarySummary(
            location=handle.display_location,
            papers=count(live),
            starred=count(live, Paper.starred.is_(True)),
            by_status={s.value: by_status.get(s.value, 0) for s in ReadStatus},
            inbox=count(live, Paper.triage == Triage.NEW.value),
            trashed=count(Paper.deleted_at.is_not(None)),
            digests=int(session.scalar(select(func.count(Digest.id))) or 0),
            tags=int(session.scalar(select(func.count(Tag.id))) or 0),
            shelves=int(session.scalar(select(func.count(Shelf.id))) or 0),
            notes=int(session.scalar(select(func.count(Note.id)).where(Note.body != "")) or 0),
        )


# -- editing ------------------------------------------------------------------------------------


def for_edit(tx: Transaction, ids: Iterable[int]) -> list[Paper]:
    """The papers to edit, in one query; PaperNotFound names the first unknown id."""
    wanted = list(dict.fromkeys(ids))
    papers: list[Paper] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        papers.extend(tx.session.scalars(select(Paper).where(Paper.id.in_(chunk))))
    found = {p.id for p in papers}
    for paper_id in wanted:
        if paper_id not in found:
            raise PaperNotFound(paper_id)
    return papers


@retry_conflicts
def set_starred(handle: LibraryHandle, ids: Iterable[int], starred: bool) -> Changes:
    with handle.write() as tx:
        for p in for_edit(tx, ids):
            if p.starred != starred:
                p.starred = starred
                p.updated_at = utcnow()
    return tx.changes


@retry_conflicts
def set_status(handle: LibraryHandle, ids: Iterable[int], status: ReadStatus) -> Changes:
    with handle.write() as tx:
        for p in for_edit(tx, ids):
            if p.read_status != status.value:
                p.read_status = status.value
                p.updated_at = utcnow()
    return tx.changes


@retry_conflicts
def set_triage(
    handle: LibraryHandle,
    ids: Iterable[int],
    triage: Triage,
    *,
    status: ReadStatus | None = None,
) -> Changes:
    """Set the triage state and, when given, the read status in the same transaction
    (triage's "skimmed" decision and its undo are one edit)."""
    with handle.write() as tx:
        for p in for_edit(tx, ids):
            if p.triage != triage.value or (status is not None and p.read_status != status):
                p.triage = triage.value
                if status is not None:
                    p.read_status = status.value
                p.updated_at = utcnow()
    return tx.changes


@retry_conflicts
def set_note(
    handle: LibraryHandle, paper_id: int, body: str, *, expected_version: int | None = None
) -> NoteSaved:
    """Replace the paper's note (Markdown); an empty body removes it.

    ``expected_version`` is the note version the editor started from (the record's
    ``note_version``, 0 for no note). If someone else saved the note since, nothing is
    written and EditConflict says who and when, so the editor can offer to keep both;
    without it the last save wins, and the result names whose note was replaced when it
    was someone else's.
    """
    replaced: str | None = None
    try:
        body = textlimits.fit(body, textlimits.NOTE)
    except textlimits.TooLong as err:
        raise LibraryError(str(err)) from err
    with handle.write() as tx:
        (paper,) = for_edit(tx, [paper_id])
        # Locked until commit: two saves of one note check and bump the version in turn.
        note = tx.session.scalar(select(Note).where(Note.paper_id == paper.id).with_for_update())
        version = note.version if note is not None else 0
        if expected_version is not None and expected_version != version:
            raise EditConflict(
                f"the note on paper {paper_id}",
                note.updated_by if note is not None else None,
                note.updated_at if note is not None else None,
            )
        now = utcnow()
        before = note.body if note is not None else ""
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
        if before != (body if body.strip() else ""):
            paper.updated_at = now
            if before.strip() and note is not None and note.updated_by not in (None, handle.author):
                replaced = note.updated_by
    return NoteSaved(version, tx.changes, replaced)


@retry_conflicts
def trash(handle: LibraryHandle, ids: Iterable[int]) -> Changes:
    """Move papers to the Trash; they keep their tags, notes and shelf places."""
    with handle.write() as tx:
        now = utcnow()
        for p in for_edit(tx, ids):
            if p.deleted_at is None:
                p.deleted_at = now
                p.updated_at = now
    return tx.changes


@retry_conflicts
def restore(handle: LibraryHandle, ids: Iterable[int]) -> Changes:
    with handle.write() as tx:
        for p in for_edit(tx, ids):
            if p.deleted_at is not None:
                p.deleted_at = None
                p.updated_at = utcnow()
    return tx.changes


@retry_conflicts
def empty_trash(handle: LibraryHandle) -> Changes:
    """Delete trashed papers for good; ``len(changes.papers)`` says how many."""
    with handle.write() as tx:
        papers = list(tx.session.scalars(select(Paper).where(Paper.deleted_at.is_not(None))))
        shelves = {i.shelf_id for p in papers for i in p.shelf_items}
        lock_shelves(tx.session, shelves)
        for p in papers:
            tx.session.delete(p)
        tx.session.flush()
        for shelf_id in shelves:
            renumber_shelf(tx.session, shelf_id)
        tx.touch_shelves(*shelves)
    return tx.changes


__all__ = [
    "NoteSaved",
    "empty_trash",
    "for_edit",
    "record",
    "records",
    "restore",
    "set_note",
    "set_starred",
    "set_status",
    "set_triage",
    "summary",
    "trash",
]
