"""Importing files and pasted text: one transaction per file, one set of merge rules.

Every kind of file (digests, arXiv feeds, Hugging Face daily papers, BibTeX, RIS, CSL-JSON,
bundles) lands the same way: under the import lock (shared libraries), retried when a
colleague's simultaneous import got there first, papers matched by their arXiv id and else
by their title key, made by the one factory and merged by the one rule set
(:mod:`readinglist.importing.merging`). Listings (digests, feeds, daily papers) record where
each paper was seen; reference files add papers, tags and notes without sightings. A file
imports whole or not at all; a bad file gets a report naming the reason and never stops the
others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from readinglist import tags as tag_service
from readinglist.digest import title_key
from readinglist.errors import LibraryError
from readinglist.importing import bundles, sources
from readinglist.importing.merging import (
    FRESH,
    PaperState,
    add_tags,
    merge,
    merge_note,
    new_paper,
)
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
        with self.library.read() as session:
            if source.listing and session.scalar(
                select(DigestRow.id).where(_same_content(source)).limit(1)
            ):
                report.already_imported = True
            count_known(session, source.papers, report)
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
        digest: DigestRow | None = None
        if source.listing:
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
        papers = find_papers(tx, source.papers)
        tags = {
            title_key(name): tag_service.get_or_create(tx.session, name)
            for name in dict.fromkeys(t for p in source.papers for t in p.tags)
        }
        now = utcnow()
        for n, src in enumerate(source.papers):
            if cancelled is not None and n % 200 == 0 and cancelled():
                raise ImportCancelled
            paper = land_paper(tx, papers, src, report, now)
            if digest is not None:
                tx.session.add(
                    Sighting(
                        paper_id=paper.id,
                        digest_id=digest.id,
                        position=src.position,
                        upvotes=src.upvotes,
                    )
                )
            # A reference file's own additions: its keywords as tags, its annotation as a note.
            # TODO(issue 17): keep src.citekey once papers have their citation key column.
            changed = add_tags(paper, [tags[title_key(t)] for t in src.tags])
            changed |= merge_note(tx.session, paper, src.note, now)
            if changed and paper.id not in report.new_ids:
                paper.updated_at = now
            report.paper_ids.append(paper.id)
        report.paper_ids = list(dict.fromkeys(report.paper_ids))


# -- shared by every kind of file ----------------------------------------------------------------


class KnownPapers:
    """The library's papers an import may meet, by arXiv id and by title key.

    The arXiv id comes first: a paper seen once under a title and once under its arXiv id
    with a changed title is one paper.
    """

    def __init__(self) -> None:
        self.by_key: dict[str, Paper] = {}
        self.by_arxiv: dict[str, Paper] = {}

    def add(self, paper: Paper) -> None:
        self.by_key.setdefault(paper.title_key, paper)
        if paper.arxiv_id:
            self.by_arxiv.setdefault(paper.arxiv_id, paper)

    def find(self, src: SourcePaper, key: str) -> Paper | None:
        found = self.by_arxiv.get(src.arxiv_id) if src.arxiv_id else None
        return found or self.by_key.get(key)


def find_papers(tx: Transaction, srcs: Sequence[SourcePaper]) -> KnownPapers:
    """The library's papers that ``srcs`` name, by arXiv id or title key (a chunk per query)."""
    known = KnownPapers()
    keys = list(dict.fromkeys(title_key(p.title) for p in srcs))
    ids = list(dict.fromkeys(p.arxiv_id for p in srcs if p.arxiv_id))
    for column, wanted in ((Paper.arxiv_id, ids), (Paper.title_key, keys)):
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            for paper in tx.session.scalars(select(Paper).where(column.in_(chunk))):
                known.add(paper)
    return known


def land_paper(
    tx: Transaction,
    papers: KnownPapers,
    src: SourcePaper,
    report: FileReport,
    now: dt.datetime,
    state: PaperState = FRESH,
) -> Paper:
    """The library's paper for ``src``: merged into the one it has, or made new."""
    key = title_key(src.title)
    paper = papers.find(src, key)
    if paper is None:
        paper = new_paper(src, key, now, state)
        tx.session.add(paper)
        tx.session.flush()
        papers.add(paper)
        report.new += 1
        report.new_ids.append(paper.id)
        return paper
    report.duplicates += 1
    if paper.deleted_at is not None:
        report.in_trash += 1
    if merge(paper, src, state) and paper.id not in report.new_ids:
        paper.updated_at = now
    papers.add(paper)  # it may have gained an arXiv id
    return paper


def count_known(session: Session, srcs: Sequence[SourcePaper], report: FileReport) -> None:
    """A preview's figures: new papers (their title keys, for chain_previews), known ones,
    and known ones in the Trash; papers are matched as importing matches them."""
    keys = [title_key(p.title) for p in srcs]
    by_key: dict[str, tuple[int, bool]] = {}
    by_arxiv: dict[str, tuple[int, bool]] = {}
    ids = list(dict.fromkeys(p.arxiv_id for p in srcs if p.arxiv_id))
    wanted_keys = list(dict.fromkeys(keys))
    for start in range(0, max(len(wanted_keys), len(ids)), CHUNK):
        rows = session.execute(
            select(Paper.id, Paper.title_key, Paper.arxiv_id, Paper.deleted_at).where(
                Paper.title_key.in_(wanted_keys[start : start + CHUNK])
                | Paper.arxiv_id.in_(ids[start : start + CHUNK])
            )
        )
        for paper_id, key, arxiv, deleted in rows:
            by_key[key] = (paper_id, deleted is not None)
            if arxiv:
                by_arxiv.setdefault(arxiv, (paper_id, deleted is not None))
    new_keys: dict[str, None] = {}
    new_arxiv: set[str] = set()
    trashed: set[int] = set()
    for src, key in zip(srcs, keys, strict=True):
        found = (by_arxiv.get(src.arxiv_id) if src.arxiv_id else None) or by_key.get(key)
        if found is not None:
            if found[1]:
                trashed.add(found[0])
        elif key not in new_keys and not (src.arxiv_id and src.arxiv_id in new_arxiv):
            new_keys[key] = None
        if found is None and src.arxiv_id:
            new_arxiv.add(src.arxiv_id)
    report.new_keys = list(new_keys)
    report.new = len(report.new_keys)
    report.duplicates = len(srcs) - report.new
    report.in_trash = len(trashed)


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
    "KnownPapers",
    "chain_previews",
    "count_known",
    "find_papers",
    "land_paper",
]
