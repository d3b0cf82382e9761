"""Importing a readinglist bundle: papers merged by title, never duplicated; shelves rebuilt.

The whole bundle is one transaction: it lands completely or not at all. The merge rules are
documented in docs/bundle-format.md ("Importing").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from readinglist.digest import title_key
from readinglist.exporters.bundle import (
    SNIFF_BYTES,
    Bundle,
    BundleDigest,
    BundleFormatError,
    BundlePaper,
    BundleShelf,
    loads,
    looks_like,
)
from readinglist.library import LibraryError
from readinglist.records import ReadStatus, ShelfKind, Triage
from readinglist.store.models import (
    Digest,
    Note,
    Paper,
    Shelf,
    ShelfItem,
    Sighting,
    Tag,
    utcnow,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from sqlalchemy.orm import Session

    from readinglist.importer import FileReport
    from readinglist.library import Library, Transaction

MAX_BUNDLE_BYTES = 1 << 30
"""A whole-library backup of 100,000 papers is a few hundred MB; more is not a bundle."""


NOTE_SEPARATOR = "\n\n---\n\n"
"""Between a paper's own note and a different note on the same paper from a bundle."""

_STATUS_RANK = {ReadStatus.UNREAD: 0, ReadStatus.SKIMMED: 1, ReadStatus.READ: 2}


class BundleError(LibraryError):
    """A bundle that cannot be imported; the message names the file and the reason."""


@dataclass
class BundleReport:
    """What importing (or previewing) a bundle found and did."""

    entries: int = 0
    new: int = 0
    duplicates: int = 0
    in_trash: int = 0
    shelves_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    paper_ids: list[int] = field(default_factory=list)
    new_keys: list[str] = field(default_factory=list)  # preview: title keys it would add


def looks_like_bundle(path: Path) -> bool:
    """Whether the file starts like a bundle: a JSON object whose first key is its format."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError:
        return False
    return looks_like(head)


def read_bundle(path: Path) -> Bundle:
    """Read and validate a bundle file; BundleError names the file and what is wrong."""
    return _parse(path, _read(path))


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise BundleError(f"{path}: too large for a bundle ({size / 1e6:.0f} MB)")
        return path.read_bytes()
    except FileNotFoundError as err:
        raise BundleError(f"{path}: file not found") from err
    except OSError as err:
        raise BundleError(f"{path}: cannot read it: {err.strerror or err}") from err


def _parse(path: Path, data: bytes) -> Bundle:
    try:
        return loads(data.removeprefix(b"\xef\xbb\xbf"))
    except BundleFormatError as err:
        raise BundleError(f"{path}: {err}") from err


def preview(library: Library, bundle: Bundle) -> BundleReport:
    """What importing would do, without writing anything."""
    report = BundleReport(entries=len(bundle.papers))
    keys = list(dict.fromkeys(title_key(p.title) for p in bundle.papers))
    with library.read() as session:
        known = _known_keys(session, keys)
        shelves = {s.name_key: s for s in session.scalars(select(Shelf))}
    report.new_keys = [k for k in keys if k not in known]
    report.new = len(report.new_keys)
    report.duplicates = report.entries - report.new
    report.in_trash = sum(1 for k in keys if known.get(k))
    for shelf in bundle.shelves:
        if title_key(shelf.name) not in shelves:
            report.shelves_created.append(shelf.name)
    return report


def _known_keys(session: Session, keys: Sequence[str]) -> dict[str, bool]:
    """Title keys already in the library, each with whether that paper is in the Trash."""
    known: dict[str, bool] = {}
    for start in range(0, len(keys), 500):
        rows = session.execute(
            select(Paper.title_key, Paper.deleted_at).where(
                Paper.title_key.in_(keys[start : start + 500])
            )
        )
        known.update((k, d is not None) for k, d in rows)
    return known


def import_bundle(library: Library, bundle: Bundle) -> BundleReport:
    """Merge the bundle into the library in one transaction."""
    report = BundleReport(entries=len(bundle.papers))
    with library.write() as tx:
        digests = _digests(tx.session, bundle.digests)
        tags = _tags(tx.session, bundle)
        ids: list[int] = []
        merged: dict[str, Paper] = {}
        for item in bundle.papers:
            paper = _merge_paper(tx, item, merged, tags, digests, report)
            ids.append(paper.id)
        for shelf in bundle.shelves:
            _merge_shelf(tx, shelf, [ids[n] for n in shelf.papers], report)
        tx.touch(*ids)
        report.paper_ids = list(dict.fromkeys(ids))
    return report


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


def _tags(session: Session, bundle: Bundle) -> dict[str, Tag]:
    """Tags by key, created as needed; a colour fills in where the library has none."""
    colors = dict(bundle.tag_colors or {})
    names = {title_key(t): t for p in bundle.papers for t in p.tags}
    names.update((title_key(t), t) for t in colors if title_key(t) not in names)
    out: dict[str, Tag] = {}
    for key, name in names.items():
        tag = session.scalar(select(Tag).where(Tag.name_key == key))
        color = colors.get(name)
        if tag is None:
            tag = Tag(name=name, name_key=key, color=color)
            session.add(tag)
            session.flush()
        elif tag.color is None and color:
            tag.color = color
        out[key] = tag
    return out


def _merge_paper(
    tx: Transaction,
    item: BundlePaper,
    merged: dict[str, Paper],
    tags: Mapping[str, Tag],
    digests: Mapping[str, int],
    report: BundleReport,
) -> Paper:
    session = tx.session
    key = title_key(item.title)
    paper = merged.get(key) or session.scalar(select(Paper).where(Paper.title_key == key))
    now = utcnow()
    if paper is None:
        paper = _new_paper(item, key)
        session.add(paper)
        session.flush()
        report.new += 1
        report.new_ids.append(paper.id)
        changed = False
    else:
        report.duplicates += 1
        if paper.deleted_at is not None:
            report.in_trash += 1
        changed = _merge_fields(paper, item)
    merged[key] = paper
    have = {t.id for t in paper.tags}
    for name in item.tags:
        tag = tags[title_key(name)]
        if tag.id not in have:
            paper.tags.append(tag)
            have.add(tag.id)
            changed = True
    changed |= _merge_note(session, paper, item)
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
    if changed and paper.id not in report.new_ids:
        paper.updated_at = now
    session.flush()
    return paper


def _new_paper(item: BundlePaper, key: str) -> Paper:
    return Paper(
        title=item.title,
        title_key=key,
        abstract=item.abstract,
        authors_count=item.authors_count,
        organization=item.organization,
        published=item.published,
        year_inferred=item.year_inferred,
        upvotes=item.upvotes,
        links=list(item.links),
        incomplete=item.incomplete,
        starred=item.starred,
        read_status=item.read_status.value,
        triage=item.triage.value,
        added_at=item.added,
        updated_at=item.updated,
        deleted_at=item.updated if item.trashed else None,
    )


def _merged_fields(paper: Paper) -> tuple[object, ...]:
    """The fields a bundle merge may change, to tell whether it changed any."""
    return (
        paper.starred,
        paper.read_status,
        paper.triage,
        paper.abstract,
        paper.incomplete,
        paper.upvotes,
        paper.authors_count,
        paper.organization,
        paper.published,
        paper.year_inferred,
        list(paper.links or []),
    )


def _merge_fields(paper: Paper, item: BundlePaper) -> bool:
    """Fold the bundle's view of a paper into the library's; True if anything changed."""
    before = _merged_fields(paper)
    paper.starred = paper.starred or item.starred
    if _STATUS_RANK[item.read_status] > _STATUS_RANK[ReadStatus(paper.read_status)]:
        paper.read_status = item.read_status.value
    if paper.triage == Triage.NEW.value and item.triage is not Triage.NEW:
        paper.triage = item.triage.value
    if item.abstract and (not paper.abstract or (paper.incomplete and not item.incomplete)):
        paper.abstract, paper.incomplete = item.abstract, item.incomplete
    for name in ("upvotes", "authors_count", "organization"):
        if getattr(paper, name) is None and getattr(item, name) is not None:
            setattr(paper, name, getattr(item, name))
    if item.published is not None and (
        paper.published is None or (paper.year_inferred and not item.year_inferred)
    ):
        paper.published, paper.year_inferred = item.published, item.year_inferred
    paper.links = list(dict.fromkeys([*(paper.links or []), *item.links]))
    return before != _merged_fields(paper)


def _merge_note(session: Session, paper: Paper, item: BundlePaper) -> bool:
    """Keep both sides of a note: the library's first, the bundle's after a rule."""
    body = item.note
    if not body.strip():
        return False
    stamp = item.note_updated or item.updated
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
    return True


def _merge_shelf(
    tx: Transaction, shelf: BundleShelf, ids: Sequence[int], report: BundleReport
) -> None:
    session = tx.session
    key = title_key(shelf.name)
    row = session.scalar(select(Shelf).where(Shelf.name_key == key))
    if row is None:
        last = session.scalar(select(func.max(Shelf.position)))
        row = Shelf(
            name=shelf.name,
            name_key=key,
            position=(last + 1) if last is not None else 0,
            kind=shelf.kind.value,
            query=shelf.query if shelf.kind is ShelfKind.SMART else None,
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
        report.shelves_created.append(shelf.name)
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
    if shelf.kind is ShelfKind.SMART:
        return
    # A manual shelf: papers already on it keep their places, the rest follow in order.
    items = list(
        session.scalars(
            select(ShelfItem).where(ShelfItem.shelf_id == row.id).order_by(ShelfItem.position)
        )
    )
    on_shelf = {i.paper_id for i in items}
    position = len(items)
    for paper_id in ids:
        if paper_id in on_shelf:
            continue
        session.add(
            ShelfItem(shelf_id=row.id, paper_id=paper_id, position=position, added_at=utcnow())
        )
        on_shelf.add(paper_id)
        position += 1
    tx.touch(*ids)


# -- the importer's entry points (readinglist import, the import dialog) ----------------------


def _fill(report: FileReport, outcome: BundleReport) -> None:
    report.entries = outcome.entries
    report.new = outcome.new
    report.duplicates = outcome.duplicates
    report.in_trash = outcome.in_trash
    report.warnings = list(outcome.warnings)
    report.new_ids = list(outcome.new_ids)
    report.paper_ids = list(outcome.paper_ids)
    if outcome.shelves_created:
        names = ", ".join(repr(n) for n in outcome.shelves_created)
        report.warnings.insert(0, f"readinglist bundle: shelves created: {names}")


def import_file(library: Library, path: Path, report: FileReport) -> None:
    """Import a bundle file into ``report`` as the importer reports a digest file."""
    try:
        _fill(report, import_bundle(library, read_bundle(path)))
    except BundleError as err:
        report.error = str(err).removeprefix(f"{path}: ")
    except (OSError, SQLAlchemyError) as err:
        report.error = f"not imported: could not write to the library ({_db_reason(err)})"


def preview_file(library: Library, path: Path, report: FileReport) -> None:
    """Describe what importing a bundle file would do, as the importer previews a digest."""
    try:
        data = _read(path)
        outcome = preview(library, _parse(path, data))
        _fill(report, outcome)
        # So that Importer.preview's chaining counts papers across the files of one import.
        report.new_keys = outcome.new_keys
        report.content_hash = hashlib.sha256(data).hexdigest()
    except BundleError as err:
        report.error = str(err).removeprefix(f"{path}: ")


def _db_reason(err: Exception) -> str:
    if isinstance(err, DBAPIError) and err.orig is not None:
        return str(err.orig)
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err)


__all__ = [
    "BundleError",
    "BundleReport",
    "import_bundle",
    "import_file",
    "looks_like_bundle",
    "preview",
    "preview_file",
    "read_bundle",
]
