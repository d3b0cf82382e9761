"""Engine set-up and schema versioning."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from readinglist.errors import LibraryError
from readinglist.library import Library
from readinglist.store import migrate


@pytest.mark.sqlite_only
def test_every_connection_has_the_pragmas(library: Library) -> None:
    with library.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert (conn.execute(text("PRAGMA busy_timeout")).scalar() or 0) >= 5000


def test_a_new_library_is_at_the_current_schema(library: Library) -> None:
    assert migrate.current_revision(library.engine) == migrate.head_revision()
    assert not migrate.needs_upgrade(library.engine)


def test_a_library_from_a_newer_version_is_refused(library_dir: Path) -> None:
    Library.open(library_dir).close()
    lib = Library.open(library_dir, sync_index=False)
    with lib.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    lib.close()
    with pytest.raises(LibraryError, match="newer version of readinglist"):
        Library.open(library_dir)


@pytest.mark.sqlite_only
def test_a_long_read_never_blocks_a_writer(library_dir: Path) -> None:
    """A reindex or a listing reads a snapshot; an edit from another process still commits."""
    from sqlalchemy import select

    from readinglist.importing import Importer
    from readinglist.store.models import Paper
    from tests.conftest import ABSTRACT, digest_text

    reader = Library.open(library_dir)
    Importer(reader).import_text(digest_text(("Alpha Paper", ABSTRACT)))
    writer = Library.open(library_dir)
    with reader.read() as session:
        assert session.scalar(select(Paper.title)) == "Alpha Paper"  # the snapshot is open
        # With reads locking the file, this commit would fail "database is locked" after the
        # busy timeout: that it commits while the snapshot is open is the point.
        writer.set_starred([1], True)
        # The reader keeps its snapshot until it ends.
        assert session.scalar(select(Paper.starred)) is False
    assert reader.paper(1).starred
    writer.close()
    reader.close()
