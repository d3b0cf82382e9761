"""The one paper factory and the one set of merge rules, for every way a paper arrives.

A digest entry, a feed item, a reference-file entry or a bundle's paper is a
:class:`~readinglist.incoming.SourcePaper` (what a source says about the paper) plus, for
bundles, a :class:`PaperState` (what a reader did with it). Meeting a paper the library
already has, the rules only ever add: gaps are filled, a complete abstract replaces a cut
one, counts keep their highest value, links and tags are united, the star stays, the read
status and triage decision go as far as either side went, and both notes are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from readinglist.records import ReadStatus, Triage
from readinglist.store.models import Note, Paper, utcnow

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.orm import Session

    from readinglist.incoming import SourcePaper

NOTE_SEPARATOR = "\n\n---\n\n"
"""Between a paper's own note and a different note on the same paper from elsewhere."""

STATUS_RANK = {ReadStatus.UNREAD: 0, ReadStatus.SKIMMED: 1, ReadStatus.READ: 2}


@dataclass(frozen=True, slots=True)
class PaperState:
    """What a reader did with a paper, as a bundle carries it."""

    starred: bool = False
    read_status: ReadStatus = ReadStatus.UNREAD
    triage: Triage = Triage.NEW
    trashed: bool = False
    added: dt.datetime | None = None
    updated: dt.datetime | None = None


FRESH = PaperState()
"""A paper nobody has looked at yet (every digest entry)."""


def new_paper(src: SourcePaper, key: str, now: dt.datetime, state: PaperState = FRESH) -> Paper:
    """The one place a paper row is made."""
    added = state.added or now
    return Paper(
        title=src.title,
        title_key=key,
        abstract=src.abstract,
        authors_count=src.authors_count if src.authors_count is not None else _count(src),
        organization=src.organization,
        published=src.published,
        year_inferred=src.year_inferred,
        upvotes=src.upvotes,
        links=list(src.links),
        incomplete=src.incomplete,
        starred=state.starred,
        read_status=state.read_status.value,
        triage=state.triage.value,
        added_at=added,
        updated_at=state.updated or added,
        deleted_at=(state.updated or now) if state.trashed else None,
    )


def merge(paper: Paper, src: SourcePaper, state: PaperState = FRESH) -> bool:
    """Fold another sighting of ``paper`` into it by the rules above; True if it changed."""
    changed = _merge_metadata(paper, src)
    changed |= _merge_state(paper, state)
    return changed


def _count(src: SourcePaper) -> int | None:
    return len(src.authors) if src.authors else None


def _merge_metadata(paper: Paper, src: SourcePaper) -> bool:
    changed = False
    if src.abstract and not src.incomplete and (paper.incomplete or not paper.abstract):
        paper.abstract, paper.incomplete, changed = src.abstract, False, True
    elif src.abstract and not paper.abstract:
        paper.abstract, changed = src.abstract, True
    count = src.authors_count if src.authors_count is not None else _count(src)
    if count is not None and paper.authors_count is None:
        paper.authors_count, changed = count, True
    if src.organization and not paper.organization:
        paper.organization, changed = src.organization, True
    if src.upvotes is not None and (paper.upvotes is None or src.upvotes > paper.upvotes):
        paper.upvotes, changed = src.upvotes, True  # upvotes only grow: the highest is latest
    if src.published is not None and (
        paper.published is None or (paper.year_inferred and not src.year_inferred)
    ):
        paper.published, paper.year_inferred, changed = src.published, src.year_inferred, True
    links = list(dict.fromkeys([*(paper.links or []), *src.links]))
    if links != (paper.links or []):
        paper.links, changed = links, True
    return changed


def _merge_state(paper: Paper, state: PaperState) -> bool:
    changed = False
    if state.starred and not paper.starred:
        paper.starred, changed = True, True
    if STATUS_RANK[state.read_status] > STATUS_RANK[ReadStatus(paper.read_status)]:
        paper.read_status, changed = state.read_status.value, True
    if paper.triage == Triage.NEW.value and state.triage is not Triage.NEW:
        paper.triage, changed = state.triage.value, True
    return changed


def merge_note(session: Session, paper: Paper, body: str, stamp: dt.datetime | None = None) -> bool:
    """Keep both sides of a note: the library's first, the other after a rule."""
    if not body.strip():
        return False
    stamp = stamp or utcnow()
    note = session.scalar(select(Note).where(Note.paper_id == paper.id))
    if note is None or not note.body.strip():
        if note is None:
            session.add(Note(paper_id=paper.id, body=body, created_at=stamp, updated_at=stamp))
        else:
            note.body, note.updated_at = body, stamp
        return True
    if body.strip() in note.body:
        return False
    note.body = note.body.rstrip() + NOTE_SEPARATOR + body.strip()
    note.updated_at = utcnow()
    note.version += 1
    return True


__all__ = ["FRESH", "NOTE_SEPARATOR", "PaperState", "merge", "merge_note", "new_paper"]
