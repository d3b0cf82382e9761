"""Loading papers with their relations and turning them into plain records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from readinglist.records import IndexDoc, PaperRecord, ReadStatus, Sighting, Triage
from readinglist.store.models import Paper, ShelfItem
from readinglist.store.models import Sighting as SightingRow

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

_LOAD = (
    selectinload(Paper.tags),
    selectinload(Paper.note),
    selectinload(Paper.sightings).selectinload(SightingRow.digest),
    selectinload(Paper.shelf_items).selectinload(ShelfItem.shelf),
)


def load_papers(session: Session, ids: Sequence[int]) -> dict[int, Paper]:
    """Papers by id with everything a record needs, in a few queries."""
    out: dict[int, Paper] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = session.scalars(select(Paper).where(Paper.id.in_(chunk)).options(*_LOAD))
        out.update((p.id, p) for p in rows)
    return out


def iter_all_papers(session: Session, batch: int = 1000) -> Iterator[Paper]:
    """Every paper, a batch at a time, so a rebuild never holds the whole library."""
    last = 0
    while True:
        rows = list(
            session.scalars(
                select(Paper).where(Paper.id > last).order_by(Paper.id).limit(batch).options(*_LOAD)
            )
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        session.expunge_all()


def to_record(p: Paper) -> PaperRecord:
    return PaperRecord(
        id=p.id,
        title=p.title,
        abstract=p.abstract,
        starred=p.starred,
        read_status=ReadStatus(p.read_status),
        tags=tuple(t.name for t in p.tags),
        shelves=tuple(
            i.shelf.name
            for i in sorted(p.shelf_items, key=lambda i: (i.shelf.position, i.shelf.id))
        ),
        published=p.published,
        year_inferred=p.year_inferred,
        upvotes=p.upvotes,
        authors_count=p.authors_count,
        organization=p.organization,
        links=tuple(p.links or ()),
        authors=tuple(p.authors or ()),
        arxiv_id=p.arxiv_id,
        digests=tuple(
            Sighting(
                digest_id=s.digest_id,
                file_name=s.digest.file_name,
                date=s.digest.date,
                date_label=s.digest.date_label,
                position=s.position,
                upvotes=s.upvotes,
            )
            for s in p.sightings
        ),
        note=p.note.body if p.note else "",
        note_updated=p.note.updated_at if p.note else None,
        note_author=p.note.updated_by if p.note else None,
        note_version=p.note.version if p.note else 0,
        updated_by=p.updated_by,
        shelf_added_by=tuple(
            i.added_by for i in sorted(p.shelf_items, key=lambda i: (i.shelf.position, i.shelf.id))
        ),
        incomplete=p.incomplete,
        triage=Triage(p.triage),
        trashed=p.deleted_at is not None,
        added=p.added_at,
        updated=p.updated_at,
    )


def to_index_doc(p: Paper) -> IndexDoc:
    return IndexDoc(
        id=p.id,
        title=p.title,
        abstract=p.abstract,
        tags=tuple(t.name for t in p.tags),
        note=p.note.body if p.note else "",
        organization=p.organization or "",
        shelves=tuple(i.shelf.name for i in p.shelf_items),
        starred=p.starred,
        read_status=p.read_status,
        triage=p.triage,
        trashed=p.deleted_at is not None,
        published=p.published,
        upvotes=p.upvotes or 0,
        seen_count=len({s.digest_id for s in p.sightings}),
        added=p.added_at,
    )
