"""Importing digest files: one transaction per file, merged by normalised title.

A file either imports whole or not at all; a bad file gets a report naming the reason
and never stops the other files of the same import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from readinglist import bundle
from readinglist.digest import (
    MAX_DIGEST_BYTES,
    Digest,
    DigestError,
    Entry,
    parse_bytes,
    title_key,
)
from readinglist.store.engine import advisory_lock, is_conflict
from readinglist.store.models import Digest as DigestRow
from readinglist.store.models import Paper, Sighting, utcnow

if TYPE_CHECKING:
    from pathlib import Path

    from readinglist.library import Library, Transaction


@dataclass
class FileReport:
    """What importing (or previewing) one file found and did."""

    path: str
    entries: int = 0
    new: int = 0
    duplicates: int = 0
    in_trash: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    already_imported: bool = False
    new_ids: list[int] = field(default_factory=list)
    paper_ids: list[int] = field(default_factory=list)
    # Preview only, for chain_previews(): the distinct title keys importing would add and the
    # file's content hash (None when the preview could not tell).
    new_keys: list[str] | None = field(default=None, repr=False)
    content_hash: str | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        """Public ``import --json`` shape: fields may be added, never renamed or dropped."""
        return {
            "path": self.path,
            "entries": self.entries,
            "new": self.new,
            "duplicates": self.duplicates,
            "error": self.error,
            "in_trash": self.in_trash,
            "warnings": list(self.warnings),
            "already_imported": self.already_imported,
        }


@dataclass
class ImportResult:
    files: list[FileReport] = field(default_factory=list)
    cancelled: bool = False

    @property
    def new(self) -> int:
        return sum(f.new for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if not f.ok]

    def to_json(self) -> dict[str, Any]:
        return {
            "files": [f.to_json() for f in self.files],
            "new": self.new,
            "duplicates": self.duplicates,
            "failed": len(self.failed),
            "cancelled": self.cancelled,
        }


IMPORT_TRIES = 3
"""A file whose import met a concurrent write of the same papers is tried again (twice)."""
IMPORT_LOCK = "readinglist.import"
IMPORT_WAIT_S = 600
"""How long an import waits for a colleague's import of a big file to finish."""


class ImportCancelled(Exception):
    """Raised inside a file's transaction so that the unfinished file leaves nothing."""


FileProgress = Callable[[int, int, str], None]
"""Called with (files done, files total, current path)."""


def read_digest(path: Path) -> tuple[bytes, Digest]:
    """Read and parse one file; raises DigestError with a reason fit for the user."""
    try:
        if path.is_dir():
            raise DigestError("is a directory, not a digest file")
        size = path.stat().st_size
        if size > MAX_DIGEST_BYTES:
            raise DigestError(
                f"too large for a digest ({size / 1e6:.0f} MB, limit "
                f"{MAX_DIGEST_BYTES / 1e6:.0f} MB)"
            )
        with path.open("rb") as fh:
            # Read at most one byte past the limit: the file may grow after stat().
            data = fh.read(MAX_DIGEST_BYTES + 1)
        if len(data) > MAX_DIGEST_BYTES:
            raise DigestError("too large for a digest")
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime).date()
    except FileNotFoundError as err:
        raise DigestError("file not found (it may have been moved or deleted)") from err
    except PermissionError as err:
        raise DigestError("permission denied") from err
    except OSError as err:
        raise DigestError(err.strerror or str(err)) from err
    reference = min(mtime, dt.date.today())
    return data, parse_bytes(data, reference=reference)


class Importer:
    """Imports digests into one library."""

    def __init__(self, library: Library) -> None:
        self.library = library

    # -- preview: nothing written -------------------------------------------------------------

    def preview(self, paths: Sequence[Path]) -> list[FileReport]:
        """What importing the files in this order would do, without writing anything."""
        return chain_previews([self._preview_one(p) for p in paths])

    def _preview_one(self, path: Path) -> FileReport:
        report = FileReport(str(path))
        if bundle.looks_like_bundle(path):  # a readinglist bundle (JSON), not a digest
            bundle.preview_file(self.library, path, report)
            return report
        try:
            data, digest = read_digest(path)
        except DigestError as err:
            report.error = str(err)
            return report
        self._describe(report, data, digest)
        return report

    def preview_text(self, text: str, name: str = "pasted digest") -> FileReport:
        report = FileReport(name)
        try:
            data, digest = _text_digest(text)
        except DigestError as err:
            report.error = str(err)
            return report
        self._describe(report, data, digest)
        return report

    def _describe(self, report: FileReport, data: bytes, digest: Digest) -> None:
        report.entries = len(digest.entries)
        report.warnings = list(digest.warnings)
        keys = [title_key(e.title) for e in digest.entries]
        with self.library.read() as session:
            if session.scalar(select(DigestRow.id).where(DigestRow.content_hash == _hash(data))):
                report.already_imported = True
            known: dict[str, bool] = {}
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                rows = session.execute(
                    select(Paper.title_key, Paper.deleted_at).where(Paper.title_key.in_(chunk))
                )
                known.update((k, d is not None) for k, d in rows)
        distinct = dict.fromkeys(keys)
        report.new = sum(1 for k in distinct if k not in known)
        report.duplicates = report.entries - report.new
        report.in_trash = sum(1 for k in distinct if known.get(k))
        report.content_hash = _hash(data)
        report.new_keys = [k for k in distinct if k not in known]
        if report.already_imported:
            report.new = 0
            report.duplicates = report.entries
            report.new_keys = []

    # -- import -------------------------------------------------------------------------------

    def import_files(
        self,
        paths: Sequence[Path],
        *,
        progress: FileProgress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> ImportResult:
        """Import each file in its own transaction; a failing file does not stop the rest."""
        result = ImportResult()
        for n, path in enumerate(paths):
            if cancelled is not None and cancelled():
                result.cancelled = True
                break
            if progress is not None:
                progress(n, len(paths), str(path))
            report = FileReport(str(path))
            if bundle.looks_like_bundle(path):  # a readinglist bundle (JSON), not a digest
                bundle.import_file(self.library, path, report)
                result.files.append(report)
                continue
            try:
                data, digest = read_digest(path)
                self._import(report, path.name, data, digest, cancelled)
            except DigestError as err:
                report.error = str(err)
            except ImportCancelled:
                result.cancelled = True
                break
            except (OSError, SQLAlchemyError) as err:
                # The transaction rolled back: nothing of this file is in the library.
                report.error = f"not imported: could not write to the library ({_reason(err)})"
            result.files.append(report)
        if progress is not None:
            progress(len(result.files), len(paths), "")
        return result

    def import_text(self, text: str, name: str = "pasted digest") -> FileReport:
        """Import digest text (pasted from the clipboard) as one digest."""
        report = FileReport(name)
        try:
            data, digest = _text_digest(text)
            self._import(report, name, data, digest, None)
        except DigestError as err:
            report.error = str(err)
        return report

    def _import(
        self,
        report: FileReport,
        file_name: str,
        data: bytes,
        digest: Digest,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        """Import one digest; when another client imported the same papers at the same
        moment (a shared library), the unique title and digest keys reject the loser's
        transaction whole, and importing the file again merges into the winner's rows."""
        for attempt in range(IMPORT_TRIES):
            try:
                self._import_once(report, file_name, data, digest, cancelled)
                return
            except SQLAlchemyError as err:
                if attempt == IMPORT_TRIES - 1 or not is_conflict(err):
                    raise
                report.new = report.duplicates = report.in_trash = 0
                report.new_ids, report.paper_ids = [], []

    def _import_once(
        self,
        report: FileReport,
        file_name: str,
        data: bytes,
        digest: Digest,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        report.entries = len(digest.entries)
        report.warnings = list(digest.warnings)
        content_hash = _hash(data)
        with self.library.write() as tx:
            # Shared libraries: imports by several clients take turns, so that two files
            # listing the same papers in different orders never deadlock on their titles.
            advisory_lock(tx.session, IMPORT_LOCK, wait_s=IMPORT_WAIT_S)
            existing = tx.session.scalar(
                select(DigestRow).where(DigestRow.content_hash == content_hash)
            )
            if existing is not None:
                report.already_imported = True
                report.duplicates = report.entries
                report.warnings.append(
                    f"already imported on {existing.imported_at:%Y-%m-%d} "
                    f"as {existing.file_name}: nothing added"
                )
                return
            row = DigestRow(
                file_name=file_name,
                content_hash=content_hash,
                date_label=digest.date_label,
                date=digest.date,
                entry_count=len(digest.entries),
                imported_at=utcnow(),
            )
            tx.session.add(row)
            tx.session.flush()
            self._merge_entries(tx, row, digest.entries, report, cancelled)

    def _merge_entries(
        self,
        tx: Transaction,
        digest: DigestRow,
        entries: Sequence[Entry],
        report: FileReport,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        keys = [title_key(e.title) for e in entries]
        papers: dict[str, Paper] = {}
        for start in range(0, len(keys), 500):
            chunk = list(dict.fromkeys(keys[start : start + 500]))
            papers.update(
                (p.title_key, p)
                for p in tx.session.scalars(select(Paper).where(Paper.title_key.in_(chunk)))
            )
        now = utcnow()
        for n, (entry, key) in enumerate(zip(entries, keys, strict=True)):
            if cancelled is not None and n % 200 == 0 and cancelled():
                raise ImportCancelled
            paper = papers.get(key)
            if paper is None:
                paper = _new_paper(entry, key, now)
                tx.session.add(paper)
                papers[key] = paper
                report.new += 1
                tx.session.flush()
                report.new_ids.append(paper.id)
            else:
                report.duplicates += 1
                if paper.deleted_at is not None:
                    report.in_trash += 1
                _merge(paper, entry, now)
            tx.session.add(
                Sighting(
                    paper_id=paper.id,
                    digest_id=digest.id,
                    position=entry.position,
                    upvotes=entry.upvotes,
                )
            )
            tx.touch(paper.id)
            report.paper_ids.append(paper.id)
        report.paper_ids = list(dict.fromkeys(report.paper_ids))


def chain_previews(reports: Sequence[FileReport]) -> list[FileReport]:
    """Single-file previews as importing them one after another would turn out.

    A paper new in an earlier file is a duplicate in the later ones, and a file whose
    content came earlier is already imported. Previews are computed once per file; a
    list that changes (files unticked in the GUI) is re-chained without re-reading files.
    """
    seen_keys: set[str] = set()
    seen_hashes: set[str] = set()
    chained: list[FileReport] = []
    for report in reports:
        report = replace(report, warnings=list(report.warnings))
        if report.ok and report.content_hash is not None:
            if report.content_hash in seen_hashes:
                report.already_imported = True
                report.new, report.duplicates, report.new_keys = 0, report.entries, []
            elif report.new_keys is not None:
                fresh = [k for k in report.new_keys if k not in seen_keys]
                report.duplicates += report.new - len(fresh)
                report.new = len(fresh)
                seen_keys.update(fresh)
            seen_hashes.add(report.content_hash)
        chained.append(report)
    return chained


def _reason(err: Exception) -> str:
    if isinstance(err, DBAPIError) and err.orig is not None:
        return str(err.orig)
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err)


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _text_digest(text: str) -> tuple[bytes, Digest]:
    data = text.encode("utf-8")
    if len(data) > MAX_DIGEST_BYTES:
        raise DigestError("too large for a digest")
    return data, parse_bytes(data, reference=dt.date.today())


def _new_paper(entry: Entry, key: str, now: dt.datetime) -> Paper:
    return Paper(
        title=entry.title,
        title_key=key,
        abstract=entry.abstract,
        authors_count=entry.authors_count,
        organization=entry.organization,
        published=entry.published,
        year_inferred=entry.year_inferred,
        upvotes=entry.upvotes,
        links=list(entry.links),
        incomplete=entry.incomplete,
        starred=False,
        read_status="unread",
        triage="new",
        added_at=now,
        updated_at=now,
    )


def _merge(paper: Paper, entry: Entry, now: dt.datetime) -> None:
    """Fold a later sighting's metadata into the paper: fill gaps, take newer counts."""
    changed = False
    if entry.abstract and (paper.incomplete or not paper.abstract) and not entry.incomplete:
        paper.abstract, paper.incomplete, changed = entry.abstract, False, True
    elif not paper.abstract and entry.abstract:
        paper.abstract, changed = entry.abstract, True
    if entry.authors_count is not None and entry.authors_count != paper.authors_count:
        paper.authors_count, changed = entry.authors_count, True
    if entry.organization and not paper.organization:
        paper.organization, changed = entry.organization, True
    if entry.upvotes is not None and entry.upvotes != paper.upvotes:
        paper.upvotes, changed = entry.upvotes, True
    if entry.published is not None and (
        paper.published is None or (paper.year_inferred and not entry.year_inferred)
    ):
        paper.published, paper.year_inferred, changed = entry.published, entry.year_inferred, True
    links = list(dict.fromkeys([*(paper.links or []), *entry.links]))
    if links != (paper.links or []):
        paper.links, changed = links, True
    if changed:
        paper.updated_at = now
