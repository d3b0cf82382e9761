"""Exporting: resolve a scope to papers, format them, and write the file atomically.

The command line and the export dialog both come here; neither formats nor writes itself.
A notes vault is a folder: one Markdown file per paper, each written atomically, what the
user wrote below the marker kept (readinglist.exporters.vault plans, this module writes).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy import select

from readinglist import __version__
from readinglist import papers as paper_service
from readinglist import tags as tag_service
from readinglist.core import Resolver, Scope, View
from readinglist.errors import LibraryError
from readinglist.exporters import FORMATS, VAULT, ExportOptions, vault
from readinglist.exporters import bundle as bundle_format
from readinglist.records import ShelfKind
from readinglist.shelves import Shelves
from readinglist.store.models import Digest

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from readinglist.core import LibraryHandle, Progress
    from readinglist.records import PaperRecord

CHUNK = 500
"""Papers loaded per step: progress is reported (and cancelling checked) between chunks."""


def export_title(scope: Scope) -> str:
    """The heading of a Markdown or HTML export."""
    if scope.query and scope.view is View.ALL:
        return f"Search: {scope.query}"
    match scope.view:
        case View.SHELF:
            return str(scope.key)
        case View.TAG:
            return f"Papers tagged “{scope.key}”"
        case View.PAPERS:
            return "Selected papers"
        case _:
            return "Reading list"


@dataclass(frozen=True, slots=True)
class VaultWritten:
    """What a vault export did to the folder's files."""

    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: int
    stale: tuple[str, ...]  # our files whose papers were not exported: listed, never deleted
    foreign: tuple[str, ...]  # files readinglist did not write, left beside ours (force)


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path | None  # None when the export was only rendered (standard output, clipboard)
    format: str
    papers: int
    size: int  # bytes written
    vault: VaultWritten | None = None  # a vault export: the folder's files


class ExportCancelled(Exception):
    """The user stopped the export; nothing was written."""


Cancelled: TypeAlias = "Callable[[], bool]"


class Exporter:
    """Exports from one library."""

    def __init__(self, library: LibraryHandle) -> None:
        self.library = library

    # -- scopes -----------------------------------------------------------------------------

    def paper_ids(self, scope: Scope) -> list[int]:
        """The scope's papers in export order; raises LibraryError for an unknown shelf,
        tag or paper, or an empty query."""
        resolver = Resolver(self.library)
        resolver.check(scope)
        return resolver.resolve(scope).ids

    def records(
        self,
        scope: Scope,
        *,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> list[PaperRecord]:
        """The scope's papers, loaded a chunk at a time with progress."""
        ids = self.paper_ids(scope)
        out: list[PaperRecord] = []
        for start in range(0, len(ids), CHUNK):
            if cancelled is not None and cancelled():
                raise ExportCancelled
            if progress is not None:
                progress(start, len(ids))
            out += paper_service.records(self.library, ids[start : start + CHUNK])
        return out

    # -- formatting -------------------------------------------------------------------------

    def render(
        self,
        scope: Scope,
        fmt: str,
        options: ExportOptions | None = None,
        *,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> tuple[str, int]:
        """The export as text, and how many papers it holds."""
        spec = FORMATS.get(fmt)
        if spec is None:
            raise LibraryError(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})")
        if spec.folder:
            raise LibraryError(f"{spec.label}: a folder of files; give a folder to export to")
        if scope.view is View.SHELF:
            # Headings and the bundle use the shelf's own spelling, not the user's typing.
            scope = replace(scope, key=Shelves(self.library).get(str(scope.key)).name)
        records = self.records(scope, progress=progress, cancelled=cancelled)
        options = replace(
            options or ExportOptions(),
            title=(options.title if options else "") or export_title(scope),
            description=(options.description if options else "") or _capitalised(scope.describe()),
        )
        if spec.render is None:
            text = bundle_format.dumps(self._bundle(scope, records))
        else:
            text = spec.render(records, options)
        if progress is not None:
            progress(len(records), len(records))
        return text, len(records)

    def _bundle(self, scope: Scope, records: Sequence[PaperRecord]) -> bundle_format.Bundle:
        """Everything a bundle holds besides the records: shelf order, tag colours, digests."""
        shelves = Shelves(self.library)
        orders: list[bundle_format.ShelfOrder] = []
        if scope.view is View.SHELF:
            info = shelves.get(str(scope.key))
            ids = tuple(r.id for r in records) if info.kind is ShelfKind.MANUAL else ()
            orders.append(bundle_format.ShelfOrder(info.name, info.kind, info.query, ids))
        elif scope.view is View.LIBRARY:
            for info in shelves.list():
                ids = tuple(shelves.paper_ids(info.name)) if info.kind is ShelfKind.MANUAL else ()
                orders.append(bundle_format.ShelfOrder(info.name, info.kind, info.query, ids))
        digest_ids = sorted({s.digest_id for r in records for s in r.digests})
        digests: dict[int, bundle_format.BundleDigest] = {}
        with self.library.read() as session:
            for start in range(0, len(digest_ids), CHUNK):
                chunk = digest_ids[start : start + CHUNK]
                for d in session.scalars(select(Digest).where(Digest.id.in_(chunk))):
                    digests[d.id] = bundle_format.BundleDigest(
                        content_hash=d.content_hash,
                        file_name=d.file_name,
                        date_label=d.date_label,
                        date=d.date,
                        imported_at=d.imported_at,
                        entry_count=d.entry_count,
                    )
        return bundle_format.from_records(
            records,
            scope=scope.describe(),
            generator=f"readinglist {__version__}",
            exported_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            shelves=orders,
            tag_colors={t.name: t.color for t in tag_service.list_tags(self.library)},
            digests=digests,
        )

    # -- writing ----------------------------------------------------------------------------

    def export(
        self,
        scope: Scope,
        fmt: str,
        path: Path,
        options: ExportOptions | None = None,
        *,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        force: bool = False,
    ) -> ExportResult:
        """Write the export to ``path``; an existing file is replaced only on success.

        For the vault (a folder), see :meth:`export_vault`; ``force`` applies to it only.
        """
        path = Path(path).expanduser()
        if fmt == VAULT:
            return self.export_vault(
                scope, path, options, force=force, progress=progress, cancelled=cancelled
            )
        _check_destination(path)
        _check_outside(path, self.library)
        if fmt == "csv":
            # Spreadsheet programs need the mark to read a UTF-8 file as UTF-8.
            options = replace(options or ExportOptions(), byte_order_mark=True)
        text, count = self.render(scope, fmt, options, progress=progress, cancelled=cancelled)
        if cancelled is not None and cancelled():
            raise ExportCancelled
        data = text.encode("utf-8")
        write_atomic(path, data)
        return ExportResult(path, fmt, count, len(data))

    def export_vault(
        self,
        scope: Scope,
        folder: Path,
        options: ExportOptions | None = None,
        *,
        force: bool = False,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
    ) -> ExportResult:
        """Write one Markdown file per paper into ``folder`` (made, with its parents, if new).

        Refuses a folder holding files readinglist did not write unless ``force``; papers
        no longer in the scope keep their files (listed as stale). Each file is replaced
        atomically; a cancelled export leaves the files written so far, each whole.
        """
        folder = Path(folder).expanduser()
        _check_outside(folder, self.library)
        existing = _vault_files(folder)
        try:
            vault.plan([], existing, force=force)  # refuse before loading any paper
            records = self.records(scope, progress=progress, cancelled=cancelled)
            options = options or ExportOptions()
            shown = [
                replace(
                    r,
                    abstract=r.abstract if options.abstracts else "",
                    note=r.note if options.notes else "",
                )
                for r in records
            ]
            planned = vault.plan(shown, existing, force=force)
        except vault.VaultRefused as err:
            raise LibraryError(f"{folder}: {err} (--force)") from err
        _check_vault_names(folder, planned)
        if not folder.is_dir():
            try:
                folder.mkdir(parents=True)
            except OSError as err:
                raise LibraryError(f"{folder}: cannot make the folder: {_reason(err)}") from err
        size = 0
        for n, file in enumerate(planned.files):
            if cancelled is not None and cancelled():
                raise ExportCancelled
            if file.action != "unchanged":
                data = file.text.encode("utf-8", "surrogateescape")  # the user's bytes as read
                write_atomic(folder / file.name, data)
                size += len(data)
            if progress is not None and n % CHUNK == 0:
                progress(n, len(planned.files))
        if progress is not None:
            progress(len(planned.files), len(planned.files))
        written = VaultWritten(
            created=tuple(f.name for f in planned.files if f.action == "create"),
            updated=tuple(f.name for f in planned.files if f.action == "update"),
            unchanged=sum(1 for f in planned.files if f.action == "unchanged"),
            stale=planned.stale,
            foreign=planned.foreign,
        )
        return ExportResult(folder, VAULT, len(records), size, written)


def _vault_files(folder: Path) -> dict[str, str]:
    """The folder's files by name: Markdown with its text, anything else with no text (so
    the vault plan counts it as a file readinglist did not write). Hidden entries (an
    editor's settings, such as ``.obsidian``) and subfolders are not looked at."""
    if folder.exists() and not folder.is_dir():
        raise LibraryError(f"{folder}: is a file; a vault is written into a folder")
    if not folder.is_dir():
        return {}
    files: dict[str, str] = {}
    try:
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(".") or not entry.is_file():
                continue
            if entry.suffix.lower() == ".md":
                # Not UTF-8? Its bytes come back as they were (surrogateescape) when kept.
                files[entry.name] = entry.read_bytes().decode("utf-8", "surrogateescape")
            else:
                files[entry.name] = ""
    except OSError as err:
        raise LibraryError(f"{folder}: cannot read the folder: {_reason(err)}") from err
    return files


def _check_vault_names(folder: Path, planned: vault.VaultPlan) -> None:
    """Two keys whose files would be one file on a case-insensitive disk are refused."""
    seen: dict[str, str] = {}
    for file in planned.files:
        other = seen.setdefault(file.name.casefold(), file.name)
        if other != file.name:
            raise LibraryError(
                f"{folder}: the citation keys of two papers differ only in case "
                f"({other}, {file.name}); change one of them"
            )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _check_destination(path: Path) -> None:
    """Refuse early what cannot work, before any formatting is done."""
    if path.is_dir():
        raise LibraryError(f"{path}: is a folder; choose a file name to export to")
    if not path.parent.is_dir():
        raise LibraryError(f"{path}: cannot export there: the folder {path.parent} does not exist")


def _check_outside(path: Path, library: LibraryHandle) -> None:
    """Never write an export into the library's own folder: it could replace the database,
    a backup or the index, and a user's file there would be mistaken for the library's."""
    if library.shared:
        return
    try:
        inside = path.resolve().is_relative_to(library.location.resolve())
    except OSError:
        inside = False
    if inside:
        raise LibraryError(
            f"{path}: is inside the library's own folder ({library.location}); "
            "choose a place outside it"
        )


def _reason(err: OSError) -> str:
    if err.errno == errno.ENOSPC:
        return "the disk is full"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if err.errno == errno.EROFS:
        return "the disk is read-only"
    return err.strerror or str(err)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all or nothing: a temporary file beside it, then a rename.

    Whatever fails, the old file (if any) is left as it was and no temporary file stays.
    """
    try:
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as err:
        raise LibraryError(f"{path}: cannot write the export: {_reason(err)}") from err
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise LibraryError(f"{path}: cannot write the export: {_reason(err)}") from err
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _sync_directory(path.parent)


def _sync_directory(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open a folder like this.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


__all__ = [
    "ExportCancelled",
    "ExportResult",
    "Exporter",
    "Scope",
    "VaultWritten",
    "export_title",
    "write_atomic",
]
