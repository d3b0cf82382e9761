"""Fast read-only look-ups in a local library's database, for shell completion.

A tab press must answer at once and change nothing: this opens ``library.sqlite3`` with the
standard library's ``sqlite3`` in read-only mode (no SQLAlchemy, no migrations, no search
index), never creates a file, and answers "nothing" for any problem (no library yet, a
locked or damaged database, an older schema). Only completion may use it: everything else
reads through the library, which checks and upgrades the database first.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

from readinglist.layout import DB_NAME

if TYPE_CHECKING:
    from pathlib import Path

LIMIT = 200  # a shell shows no more than this usefully


def _rows(library_dir: Path, sql: str, params: tuple[object, ...]) -> list[tuple[object, ...]]:
    database = library_dir / DB_NAME
    if not database.is_file():
        return []
    # With no -wal file beside it the database is wholly in its file (a closed library):
    # `immutable` then reads it without creating the -wal and -shm files a WAL reader makes.
    # Otherwise a writer is at work and those files exist already.
    wal = database.with_name(database.name + "-wal")
    mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    try:
        uri = f"{database.resolve().as_uri()}?{mode}"
        with closing(sqlite3.connect(uri, uri=True, timeout=0.2)) as conn:
            return list(conn.execute(sql, params))
    except sqlite3.Error:
        return []


def shelf_names(library_dir: Path, prefix: str = "") -> list[str]:
    """Shelf names starting with ``prefix`` (case-insensitive), in the sidebar's order."""
    rows = _rows(library_dir, "SELECT name FROM shelves ORDER BY position, id", ())
    return [str(r[0]) for r in rows if str(r[0]).casefold().startswith(prefix.casefold())][:LIMIT]


def tag_names(library_dir: Path, prefix: str = "") -> list[str]:
    """Tag names starting with ``prefix`` (case-insensitive), alphabetically."""
    rows = _rows(library_dir, "SELECT name FROM tags ORDER BY name", ())
    return [str(r[0]) for r in rows if str(r[0]).casefold().startswith(prefix.casefold())][:LIMIT]


def paper_ids(
    library_dir: Path, prefix: str = "", *, trashed: bool = False
) -> list[tuple[int, str]]:
    """(id, title) of papers whose id starts with ``prefix``, newest first.

    Papers in the Trash when ``trashed``, else the others.
    """
    if prefix and not prefix.isdigit():
        return []
    where = "deleted_at IS NOT NULL" if trashed else "deleted_at IS NULL"
    rows = _rows(
        library_dir,
        f"SELECT id, title FROM papers WHERE {where} AND CAST(id AS TEXT) LIKE ? "
        "ORDER BY id DESC LIMIT ?",
        (prefix + "%", LIMIT),
    )
    return [(int(str(r[0])), str(r[1])) for r in rows]
