"""What a readinglist bundle adds to an import: readers' state, tags, notes, shelves, digests.

Its papers land like any other file's (the importer's paper factory and merge rules); tags
and shelves are made by the same functions the tag and shelf services use. The merge rules
for people are in docs/bundle-format.md ("Importing").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from readinglist import shelves as shelf_service
from readinglist import tags as tag_service
from readinglist.digest import title_key
from readinglist.importing.merging import PaperState, add_tags, merge_note
from readinglist.incoming import SourcePaper
from readinglist.records import ShelfKind
from readinglist.store.models import Digest, Shelf, Sighting, utcnow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

    from readinglist.core import LibraryHandle, Transaction
    from readinglist.exporters.bundle import Bundle, BundleDigest, BundlePaper, BundleShelf
    from readinglist.importing.reports import FileReport
    from readinglist.store.models import Paper

FORMAT = "bundle"


def source_of(item: BundlePaper) -> tuple[SourcePaper, PaperState]:
    """A bundle's paper as what every import lands: its metadata, and its reader's state."""
    src = SourcePaper(
        title=item.title,
        abstract=item.abstract,
        authors_count=item.authors_count,
        authors=item.authors,
        arxiv_id=item.arxiv_id,
        organization=item.organization,
        published=item.published,
        year_inferred=item.year_inferred,
        upvotes=item.upvotes,
        links=item.links,
        incomplete=item.incomplete,
    )
    state = PaperState(
        starred=item.starred,
        read_status=item.read_status,
        triage=item.triage,
        trashed=item.trashed,
        added=item.added,
        updated=item.updated,
    )
    return src, state


def describe(library: LibraryHandle, bundle: Bundle, fingerprint: str, report: FileReport) -> None:
    """What importing the bundle would do, without writing anything."""
    from readinglist.importing.importer import count_known

    report.format = FORMAT
    report.entries = len(bundle.papers)
    report.warnings = list(bundle.warnings)
    with library.read() as session:
        count_known(session, [source_of(p)[0] for p in bundle.papers], report)
        shelves = {s.name_key for s in session.scalars(select(Shelf))}
    created = [s.name for s in bundle.shelves if title_key(s.name) not in shelves]
    _say_created(report, created)
    report.content_hash = fingerprint


def land(tx: Transaction, bundle: Bundle, report: FileReport) -> None:
    """Merge the bundle into the library inside the import's transaction."""
    from readinglist.importing.importer import find_papers, land_paper

    report.format = FORMAT
    report.entries = len(bundle.papers)
    report.warnings = list(bundle.warnings)
    digests = _digests(tx.session, bundle.digests)
    colors = dict(bundle.tag_colors or {})
    tags = {
        title_key(name): tag_service.get_or_create(tx.session, name, color=colors.get(name))
        for name in [*(t for p in bundle.papers for t in p.tags), *colors]
    }
    landing = [source_of(p) for p in bundle.papers]
    papers = find_papers(tx, [src for src, _ in landing])
    now = utcnow()
    ids: list[int] = []
    for item, (src, state) in zip(bundle.papers, landing, strict=True):
        paper = land_paper(tx, papers, src, report, now, state)
        changed = add_tags(paper, [tags[title_key(t)] for t in item.tags])
        changed |= merge_note(tx.session, paper, item.note, item.note_updated or item.updated)
        _add_sightings(tx.session, paper, item, digests)
        if changed and paper.id not in report.new_ids:
            paper.updated_at = now
        tx.session.flush()
        ids.append(paper.id)
    created: list[str] = []
    for shelf in bundle.shelves:
        _merge_shelf(tx, shelf, [ids[n] for n in shelf.papers], report, created)
    _say_created(report, created)
    report.paper_ids = list(dict.fromkeys(ids))


def _add_sightings(
    session: Session, paper: Paper, item: BundlePaper, digests: dict[str, int]
) -> None:
    rows = session.execute(
        select(Sighting.digest_id, Sighting.position).where(
            Sighting.digest_id.in_({digests[s.digest] for s in item.sightings})
        )
    )
    taken = {(digest_id, position) for digest_id, position in rows}
    for s in item.sightings:
        spot = (digests[s.digest], s.position)
        if spot not in taken:
            session.add(
                Sighting(
                    paper_id=paper.id, digest_id=spot[0], position=s.position, upvotes=s.upvotes
                )
            )
            taken.add(spot)


def _digests(session: Session, digests: Sequence[BundleDigest]) -> dict[str, int]:
    """Library digest ids by content hash, creating the digests this library has not seen."""
    out: dict[str, int] = {}
    for d in digests:
        row = session.scalar(select(Digest).where(Digest.content_hash == d.content_hash))
        if row is None:
            row = Digest(
                file_name=d.file_name,
                content_hash=d.content_hash,
                date_label=d.date_label,
                date=d.date,
                imported_at=d.imported_at,
                entry_count=d.entry_count,
            )
            session.add(row)
            session.flush()
        out[d.content_hash] = row.id
    return out


def _merge_shelf(
    tx: Transaction,
    shelf: BundleShelf,
    ids: Sequence[int],
    report: FileReport,
    created: list[str],
) -> None:
    row = shelf_service.find(tx.session, shelf.name)
    if row is None:
        if shelf.kind is ShelfKind.SMART and not shelf.query:
            report.warnings.append(f"smart shelf {shelf.name!r} has no query: left out")
            return
        query = shelf.query if shelf.kind is ShelfKind.SMART else None
        row = shelf_service.create_in(tx, shelf.name, query=query)
        created.append(row.name)
    elif row.kind != shelf.kind.value:
        report.warnings.append(
            f"shelf {row.name!r} is a {row.kind} shelf here and a {shelf.kind.value} shelf "
            f"in the bundle: left as it is"
        )
        return
    elif shelf.kind is ShelfKind.SMART:
        if (row.query or "") != (shelf.query or ""):
            report.warnings.append(
                f"smart shelf {row.name!r} keeps its own query ({row.query!r}); "
                f"the bundle's was {shelf.query!r}"
            )
        return
    if shelf.kind is ShelfKind.MANUAL:
        # Papers already on it keep their places, the rest follow in order.
        shelf_service.place_in(tx, row, ids, None)


def _say_created(report: FileReport, created: Sequence[str]) -> None:
    if created:
        names = ", ".join(repr(n) for n in created)
        report.warnings.insert(0, f"readinglist bundle: shelves created: {names}")


__all__ = ["FORMAT", "describe", "land", "source_of"]
