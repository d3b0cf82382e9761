"""The library: opening one, and everything a face does with it, in one place to call.

:class:`Library` is the facade the window, the command line and scripts hold (like Anki's
``Collection``): it opens the database and the index (checks, backups, migrations), and
each of its methods is one call into the service that owns that work: papers
(:mod:`readinglist.papers`), tags (:mod:`readinglist.tags`), scopes
(:mod:`readinglist.core.scopes`). Every edit returns the Changes it made.
"""

from __future__ import annotations

import logging
import shutil
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from readinglist import digests as digest_service
from readinglist import papers as paper_service
from readinglist import tags as tag_service
from readinglist.core import Changes, LibraryHandle, Resolved, Resolver, Scope, Sort
from readinglist.errors import EditConflict, LibraryError, PaperNotFound
from readinglist.layout import DB_NAME, INDEX_DIR, default_location, has_library
from readinglist.store import migrate
from readinglist.store.engine import make_engine, migration_lock, sqlite_url
from readinglist.store.location import LibraryLocation, LocationError, parse_location
from readinglist.store.models import Meta

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from readinglist.papers import NoteSaved
    from readinglist.records import (
        DigestInfo,
        LibrarySummary,
        PaperRecord,
        ReadStatus,
        TagInfo,
        Triage,
    )

log = logging.getLogger(__name__)

LIBRARY_ID = "library_id"


class Library(LibraryHandle):
    """One open library: a database (the truth) and a search index kept in step with it."""

    # -- opening ----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        location: Path | str | None = None,
        *,
        create: bool = True,
        sync_index: bool = True,
        backups: bool = True,
        daily_backup: bool = True,
    ) -> Library:
        """Open (creating and migrating as needed) the library at ``location``.

        Without ``create``, a folder that holds no library is refused (read commands never
        leave an empty library behind). A damaged database raises DamagedLibrary (moved
        aside, never opened blind). With ``backups``, a verified backup is made before a
        schema upgrade and daily; the desktop app passes ``daily_backup=False`` and makes
        the daily one in the background, so that the window shows at once. An index that
        cannot be brought up to date (a full disk) leaves a warning in ``warnings``.
        """
        from readinglist.maintenance import onopen  # maintenance sits below this facade

        where = _parse_location(location if location is not None else default_location())
        if where.url is not None:
            lib = cls._open_shared(where)
        else:
            path = where.local_dir
            if path.exists() and not path.is_dir():
                raise LibraryError(f"{path}: not a directory")
            if not create and not has_library(path):
                raise LibraryError(
                    f"{path}: no library here (no {DB_NAME}); give the folder of an existing "
                    "library with --library, or import a digest to start one"
                )
            path.mkdir(parents=True, exist_ok=True)
            onopen.ensure_sound(path)
            engine = make_engine(sqlite_url(path / DB_NAME))
            try:
                if backups:
                    onopen.before_upgrade(path, engine)
                migrate.upgrade(engine)
            except migrate.NewerLibraryError as err:
                engine.dispose()
                raise LibraryError(f"{path}: {err}") from err
            except BaseException:
                engine.dispose()
                raise
            lib = cls(path, engine, path / INDEX_DIR)
        if sync_index:
            warning = lib.sync_quietly()
            if warning is not None:
                lib.warnings.append(warning)
        if backups and daily_backup and not lib.shared:
            onopen.daily(lib)
        return lib

    @classmethod
    def _open_shared(cls, where: LibraryLocation) -> Library:
        """A library on a PostgreSQL server; the search index stays on this computer.

        No file checks or backups here: the server is backed up with its own tools
        (pg_dump). Clients opening a new or older database at once upgrade it one at a time.
        """
        assert where.url is not None
        try:
            engine = make_engine(where.url)
        except ImportError as err:
            raise LibraryError(
                f"{where.display}: shared libraries need the psycopg driver ({err})"
            ) from err
        try:
            with migration_lock(engine):
                migrate.upgrade(engine)
            with engine.connect() as conn:
                library_id = conn.scalar(select(Meta.value).where(Meta.key == LIBRARY_ID))
        except migrate.NewerLibraryError as err:
            engine.dispose()
            raise LibraryError(f"{where.display}: {err}") from err
        except DBAPIError as err:  # unreachable server, wrong password, no such database
            engine.dispose()
            reason = str(err.orig).strip().splitlines()[0] if err.orig else str(err)
            raise LibraryError(
                f"{where.display}: cannot open the shared library ({reason})"
            ) from err
        except BaseException:
            engine.dispose()
            raise
        # One index per database: a database dropped and created again under the same URL
        # gets a new id, so an index of the old one is never taken for up to date.
        index_dir = where.local_dir / f"{INDEX_DIR}-{library_id or 'unknown'}"
        where.local_dir.mkdir(parents=True, exist_ok=True)
        for old in where.local_dir.glob(f"{INDEX_DIR}-*"):
            if old != index_dir and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
        return cls(where.local_dir, engine, index_dir, url=where.display)

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- which papers: one resolver for every face --------------------------------------------

    def resolve(
        self, scope: Scope, *, sort: Sort | None = None, search_limit: int | None = None
    ) -> Resolved:
        """The papers ``scope`` means, in order (see readinglist.core.scopes)."""
        return Resolver(self).resolve(scope, sort=sort, search_limit=search_limit)

    def paper_ids(self, scope: Scope | None = None, *, sort: Sort | None = None) -> list[int]:
        return self.resolve(scope or Scope.all(), sort=sort).ids

    def count(self, scope: Scope | None = None) -> int:
        return Resolver(self).count(scope or Scope.all())

    def list_papers(
        self, scope: Scope | None = None, *, limit: int | None = None
    ) -> list[PaperRecord]:
        ids = self.paper_ids(scope)
        return self.papers(ids[:limit] if limit is not None else ids)

    # -- reading -------------------------------------------------------------------------------

    def paper(self, paper_id: int) -> PaperRecord:
        return paper_service.record(self, paper_id)

    def papers(self, ids: Sequence[int]) -> list[PaperRecord]:
        """Records for ``ids`` in the given order; unknown ids are left out."""
        return paper_service.records(self, ids)

    def summary(self) -> LibrarySummary:
        return paper_service.summary(self)

    def tags(self) -> list[TagInfo]:
        """Every tag with how many papers its view shows."""
        return tag_service.list_tags(self)

    def digests(self) -> list[DigestInfo]:
        """Imported digests, newest first, with how many papers each view shows."""
        return digest_service.list_digests(self)

    # -- editing papers ------------------------------------------------------------------------

    def set_starred(self, ids: Iterable[int], starred: bool) -> Changes:
        return paper_service.set_starred(self, ids, starred)

    def set_status(self, ids: Iterable[int], status: ReadStatus) -> Changes:
        return paper_service.set_status(self, ids, status)

    def set_triage(
        self, ids: Iterable[int], triage: Triage, *, status: ReadStatus | None = None
    ) -> Changes:
        return paper_service.set_triage(self, ids, triage, status=status)

    def set_note(
        self, paper_id: int, body: str, *, expected_version: int | None = None
    ) -> NoteSaved:
        return paper_service.set_note(self, paper_id, body, expected_version=expected_version)

    def trash(self, ids: Iterable[int]) -> Changes:
        return paper_service.trash(self, ids)

    def restore(self, ids: Iterable[int]) -> Changes:
        return paper_service.restore(self, ids)

    def empty_trash(self) -> Changes:
        return paper_service.empty_trash(self)

    # -- tags ----------------------------------------------------------------------------------

    def add_tags(self, ids: Iterable[int], names: Iterable[str]) -> Changes:
        return tag_service.add_tags(self, ids, names)

    def remove_tags(self, ids: Iterable[int], names: Iterable[str]) -> Changes:
        return tag_service.remove_tags(self, ids, names)

    def set_tags(
        self, paper_id: int, names: Iterable[str], *, was: Iterable[str] | None = None
    ) -> Changes:
        return tag_service.set_tags(self, paper_id, names, was=was)

    def set_tag_color(self, name: str, color: str | None) -> Changes:
        return tag_service.set_color(self, name, color)

    def rename_tag(self, old: str, new: str) -> Changes:
        return tag_service.rename(self, old, new)

    def delete_tag(self, name: str) -> Changes:
        return tag_service.delete(self, name)


def _parse_location(value: Path | str) -> LibraryLocation:
    try:
        return parse_location(value)
    except LocationError as err:
        raise LibraryError(str(err)) from err


__all__ = ["EditConflict", "Library", "LibraryError", "PaperNotFound"]
