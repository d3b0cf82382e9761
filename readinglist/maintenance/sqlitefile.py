"""SQLite database files as files: headers, integrity checks, copies and durable renames."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm")
BUSY_TIMEOUT_S = 15.0


def connect(path: Path) -> sqlite3.Connection:
    """A plain connection that waits on other writers like the library's own engine does."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    return conn


def header_problem(path: Path) -> str | None:
    """Why the file cannot be an intact SQLite database, judged from its size and header alone."""
    size = path.stat().st_size
    if size == 0:
        return None  # SQLite's empty database: a library created but never written
    with path.open("rb") as fh:
        head = fh.read(100)
    if len(head) < 100 or not head.startswith(HEADER):
        return "bad header: not an SQLite database"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return f"bad header: impossible page size {page_size}"
    if size % page_size:
        return f"torn file: {size:,} bytes is not a whole number of {page_size}-byte pages"
    return None


def check_problems(conn: sqlite3.Connection, *, quick: bool = False, limit: int = 20) -> list[str]:
    """What ``PRAGMA integrity_check`` (or the faster ``quick_check``) finds; [] when sound."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}({int(limit)})")]
    except sqlite3.DatabaseError as err:
        return [str(err)]
    return [] if rows == ["ok"] else rows


def file_problems(path: Path, *, quick: bool = True) -> list[str]:
    """Header and structure problems of the database file at ``path``; [] when sound."""
    reason = header_problem(path)
    if reason is not None:
        return [reason]
    try:
        conn = connect(path)
    except sqlite3.DatabaseError as err:
        return [str(err)]
    try:
        return check_problems(conn, quick=quick)
    finally:
        conn.close()


def copy_database(source: Path, dest: Path) -> None:
    """A consistent copy of a live database (with its WAL) using SQLite's online backup API.

    The copy uses a rollback journal, so it is one self-contained file.
    """
    src = connect(source)
    try:
        dst = sqlite3.connect(str(dest), isolation_level=None)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (a no-op where directories cannot be opened)."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def side_files(db: Path) -> list[Path]:
    """The database's -wal and -shm files that exist."""
    return [p for p in (db.with_name(db.name + s) for s in SIDE_FILES) if p.exists()]


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
