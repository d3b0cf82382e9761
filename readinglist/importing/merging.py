"""The one paper factory and the one set of merge rules, for every way a paper arrives.

A digest entry, a feed item, a reference-file entry or a bundle's paper is a
:class:`~readinglist.incoming.SourcePaper` (what a source says about the paper) plus, for
bundles, a :class:`PaperState` (what a reader did with it). Meeting a paper the library
already has, the rules only ever add: gaps are filled, a complete abstract replaces a cut
one, counts keep their highest value, a longer list of authors replaces a shorter one, the
first arXiv id stays, links and tags are united, the star stays, the read status and
triage decision go as far as either side went, and both notes are kept. A paper with an
arXiv id always links to its arXiv page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from readinglist.formats import arxiv_id as arxiv_id_of
from readinglist.records import ReadStatus, Triage
from readinglist.store.models import Note, Paper, utcnow
from readinglist.urls import arxiv_page

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

    from readinglist.incoming import SourcePaper
    from readinglist.store.models import Tag

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
        authors_count=_count(src),
        authors=list(src.authors),
        arxiv_id=src.arxiv_id,
        organization=src.organization,
        published=src.published,
        year_inferred=src.year_inferred,
        upvotes=src.upvotes,
        links=with_arxiv_page(list(src.links), src.arxiv_id),
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
    """How many authors the source says: its count, or its names, whichever is more."""
    counts = [n for n in (src.authors_count, len(src.authors) or None) if n is not None]
    return max(counts) if counts else None


def with_arxiv_page(links: list[str], arxiv_id: str | None) -> list[str]:
    """``links`` with the arXiv page of ``arxiv_id`` first, unless a link already leads to
    that paper on arXiv (its abstract, a version, its PDF)."""
    if arxiv_id is None or any(arxiv_id_of(link) == arxiv_id for link in links):
        return links
    return [arxiv_page(arxiv_id), *links]


def _merge_metadata(paper: Paper, src: SourcePaper) -> bool:
    changed = False
    if src.abstract and not src.incomplete and (paper.incomplete or not paper.abstract):
        paper.abstract, paper.incomplete, changed = src.abstract, False, True
    elif src.abstract and not paper.abstract:
        paper.abstract, changed = src.abstract, True
    if len(src.authors) > len(paper.authors or []):
        paper.authors, changed = list(src.authors), True  # a fuller list of the same people
    count = _count(src)
    if count is not None and (paper.authors_count is None or count > paper.authors_count):
        paper.authors_count, changed = count, True
    if src.arxiv_id and not paper.arxiv_id:
        paper.arxiv_id, changed = src.arxiv_id, True
    if src.organization and not paper.organization:
        paper.organization, changed = src.organization, True
    if src.upvotes is not None and (paper.upvotes is None or src.upvotes > paper.upvotes):
        paper.upvotes, changed = src.upvotes, True  # upvotes only grow: the highest is latest
    if src.published is not None and (
        paper.published is None or (paper.year_inferred and not src.year_inferred)
    ):
        paper.published, paper.year_inferred, changed = src.published, src.year_inferred, True
    have = paper.links or []
    own = bool(paper.arxiv_id) and any(arxiv_id_of(link) == paper.arxiv_id for link in have)
    # Another address of the paper's own arXiv page (http, a version, the PDF) adds nothing.
    more = [u for u in src.links if not (own and arxiv_id_of(u) == paper.arxiv_id)]
    links = list(dict.fromkeys([*have, *more]))
    if paper.arxiv_id and not any(arxiv_id_of(link) == paper.arxiv_id for link in links):
        links.append(arxiv_page(paper.arxiv_id))
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


def add_tags(paper: Paper, tags: Sequence[Tag]) -> bool:
    """Tags are united: the paper gains those it lacks; True if it gained any."""
    have = {t.id for t in paper.tags}
    new = list({t.id: t for t in tags if t.id not in have}.values())
    paper.tags.extend(new)
    return bool(new)


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


__all__ = [
    "FRESH",
    "NOTE_SEPARATOR",
    "PaperState",
    "add_tags",
    "merge",
    "merge_note",
    "new_paper",
    "with_arxiv_page",
]
