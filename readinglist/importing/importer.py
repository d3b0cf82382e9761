"""Importing files and pasted text: one transaction per file, one set of merge rules.

Every kind of file (digest text today, bundles, and each further format) lands the same
way: under the import lock (shared libraries), retried when a colleague's simultaneous
import got there first, papers matched by their title key, made by the one factory and
merged by the one rule set (:mod:`readinglist.importing.merging`). A file imports whole or
not at all; a bad file gets a report naming the reason and never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from readinglist.digest import title_key
from readinglist.errors import LibraryError
from readinglist.importing import bundles, sources
from readinglist.importing.merging import FRESH, PaperState, merge, new_paper
from readinglist.importing.reports import FileReport, ImportResult
from readinglist.importing.sources import BundleFile
from readinglist.store.engine import advisory_lock, is_conflict
from readinglist.store.models import Digest as DigestRow
from readinglist.store.models import Paper, Sighting, utcnow

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from sqlalchemy import ColumnElement
    from sqlalchemy.orm import Session

    from readinglist.core import LibraryHandle, Transaction
    from readinglist.incoming import SourceFile, SourcePaper

IMPORT_TRIES = 3
"""A file whose import met a concurrent write of the same papers is tried again (twice)."""
IMPORT_LOCK = "readinglist.import"
IMPORT_WAIT_S = 600
"""How long an import waits for a colleague's import of a big file to finish."""
CHUNK = 500

FileProgress = Callable[[int, int, str], None]
"""Called with (files done, files total, current path)."""
Cancelled = Callable[[], bool]


class ImportCancelled(Exception):
    """Raised inside a file's transaction so that the unfinished file leaves nothing."""


class Importer:
    """Imports files into one library."""

    def __init__(self, library: LibraryHandle) -> None:
        self.library = library

    # -- preview: nothing written -------------------------------------------------------------

    def preview(self, paths: Sequence[Path]) -> list[FileReport]:
        """What importing the files in this order would do, without writing anything."""
        return chain_previews([self._preview_one(p) for p in paths])

    def _preview_one(self, path: Path) -> FileReport:
        return self._preview(str(path), lambda: sources.read_path(path))

    def preview_text(self, text: str, name: str = "pasted digest") -> FileReport:
        return self._preview(name, lambda: sources.read_text(text))

    def _preview(self, name: str, read: Callable[[], SourceFile | BundleFile]) -> FileReport:
        report = FileReport(name)
        try:
            source = read()
        except LibraryError as err:
            report.error = str(err)
            return report
        self._describe(report, source)
        return report

    def _describe(self, report: FileReport, source: SourceFile | BundleFile) -> None:
        if isinstance(source, BundleFile):
            bundles.describe(self.library, source.bundle, source.fingerprint, report)
            return
        report.format = source.format
        report.entries = len(source.papers)
        report.warnings = list(source.warnings)
        report.content_hash = source.fingerprint
        keys = [title_key(p.title) for p in source.papers]
        with self.library.read() as session:
            if session.scalar(select(DigestRow.id).where(_same_content(source)).limit(1)):
                report.already_imported = True
            known = known_keys(session, keys)
        distinct = dict.fromkeys(keys)
        report.new_keys = [k for k in distinct if k not in known]
        report.new = len(report.new_keys)
        report.duplicates = report.entries - report.new
        report.in_trash = sum(1 for k in distinct if known.get(k))
        if report.already_imported:
            report.new, report.duplicates, report.new_keys = 0, report.entries, []

    # -- import -------------------------------------------------------------------------------

    def import_files(
        self,
        paths: Sequence[Path],
        *,
        progress: FileProgress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ImportResult:
        """Import each file in its own transaction; a failing file does not stop the rest."""
        result = ImportResult()
        for n, path in enumerate(paths):
            if cancelled is not None and cancelled():
                result.cancelled = True
                break
            if progress is not None:
                progress(n, len(paths), str(path))
            try:
                read = partial(sources.read_path, path)
                report = self._import_one(str(path), path.name, read, cancelled)
            except ImportCancelled:
                result.cancelled = True
                break
            result.files.append(report)
        if progress is not None:
            progress(len(result.files), len(paths), "")
        return result

    def import_text(self, text: str, name: str = "pasted digest") -> FileReport:
        """Import digest text (pasted from the clipboard) as one digest."""
        return self._import_one(name, name, lambda: sources.read_text(text))

    def _import_one(
        self,
        shown: str,
        file_name: str,
        read: Callable[[], SourceFile | BundleFile],
        cancelled: Cancelled | None = None,
    ) -> FileReport:
        """Read and land one file; its report says what was committed, or why nothing was."""
        report = FileReport(shown)
        try:
            self._land(report, file_name, read(), cancelled)
        except LibraryError as err:
            report.reset()
            report.error = str(err)
        except (OSError, SQLAlchemyError) as err:
            # The transaction rolled back: nothing of this file is in the library.
            report.reset()
            report.error = f"not imported: could not write to the library ({_reason(err)})"
        return report

    def _land(
        self,
        report: FileReport,
        file_name: str,
        source: SourceFile | BundleFile,
        cancelled: Cancelled | None,
    ) -> None:
        """Write one file in one transaction, again when a colleague's import of the same
        papers at the same moment (a shared library) made the unique keys reject it: then
        importing again merges into the winner's rows."""
        for attempt in range(IMPORT_TRIES):
            report.reset()
            try:
                with self.library.write() as tx:
                    # Shared libraries: imports by several clients take turns, so that two
                    # files listing the same papers in different orders never deadlock.
                    advisory_lock(tx.session, IMPORT_LOCK, wait_s=IMPORT_WAIT_S)
                    if isinstance(source, BundleFile):
                        bundles.land(tx, source.bundle, report)
                    else:
                        self._land_source(tx, file_name, source, report, cancelled)
                report.changes = tx.changes
                report.warnings.extend(tx.changes.warnings)
                return
            except SQLAlchemyError as err:
                if attempt == IMPORT_TRIES - 1 or not is_conflict(err):
                    raise

    def _land_source(
        self,
        tx: Transaction,
        file_name: str,
        source: SourceFile,
        report: FileReport,
        cancelled: Cancelled | None,
    ) -> None:
        report.format = source.format
        report.entries = len(source.papers)
        report.warnings = list(source.warnings)
        existing = tx.session.scalar(select(DigestRow).where(_same_content(source)).limit(1))
        if existing is not None:
            report.already_imported = True
            report.duplicates = report.entries
            report.warnings.append(
                f"already imported on {existing.imported_at:%Y-%m-%d} "
                f"as {existing.file_name}: nothing added"
            )
            return
        digest = DigestRow(
            file_name=file_name,
            content_hash=source.fingerprint,
            date_label=source.date_label,
            date=source.date,
            entry_count=len(source.papers),
            imported_at=utcnow(),
        )
        tx.session.add(digest)
        tx.session.flush()
        papers = find_papers(tx, [title_key(p.title) for p in source.papers])
        now = utcnow()
        for n, src in enumerate(source.papers):
            if cancelled is not None and n % 200 == 0 and cancelled():
                raise ImportCancelled
            paper = land_paper(tx, papers, src, report, now)
            tx.session.add(
                Sighting(
                    paper_id=paper.id,
                    digest_id=digest.id,
                    position=src.position,
                    upvotes=src.upvotes,
                )
            )
            report.paper_ids.append(paper.id)
        report.paper_ids = list(dict.fromkeys(report.paper_ids))


# -- shared by every kind of file ----------------------------------------------------------------


def find_papers(tx: Transaction, keys: Sequence[str]) -> dict[str, Paper]:
    """The library's papers with these title keys, by key (a chunk per query)."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, Paper] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(
            (p.title_key, p)
            for p in tx.session.scalars(select(Paper).where(Paper.title_key.in_(chunk)))
        )
    return found


def land_paper(
    tx: Transaction,
    papers: dict[str, Paper],
    src: SourcePaper,
    report: FileReport,
    now: dt.datetime,
    state: PaperState = FRESH,
) -> Paper:
    """The library's paper for ``src``: merged into the one it has, or made new."""
    key = title_key(src.title)
    paper = papers.get(key)
    if paper is None:
        paper = new_paper(src, key, now, state)
        tx.session.add(paper)
        tx.session.flush()
        papers[key] = paper
        report.new += 1
        report.new_ids.append(paper.id)
        return paper
    report.duplicates += 1
    if paper.deleted_at is not None:
        report.in_trash += 1
    if merge(paper, src, state) and paper.id not in report.new_ids:
        paper.updated_at = now
    return paper


def known_keys(session: Session, keys: Sequence[str]) -> dict[str, bool]:
    """Title keys already in the library, each with whether that paper is in the Trash."""
    known: dict[str, bool] = {}
    wanted = list(dict.fromkeys(keys))
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(
            select(Paper.title_key, Paper.deleted_at).where(
                Paper.title_key.in_(wanted[start : start + CHUNK])
            )
        )
        known.update((k, d is not None) for k, d in rows)
    return known


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


def _same_content(source: SourceFile) -> ColumnElement[bool]:
    """A digest row of the same content: by fingerprint, or one it was once recorded under."""
    return DigestRow.content_hash.in_([source.fingerprint, *source.earlier_fingerprints])


def _reason(err: Exception) -> str:
    if isinstance(err, DBAPIError) and err.orig is not None:
        return str(err.orig)
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err)


__all__ = [
    "IMPORT_LOCK",
    "FileProgress",
    "ImportCancelled",
    "Importer",
    "chain_previews",
    "find_papers",
    "known_keys",
    "land_paper",
]
