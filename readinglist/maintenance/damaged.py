"""A damaged database file is never opened blind: detect it, keep it aside, name a backup.

Checked on every open, before any migration: the 16-byte SQLite header, the page size, a
file length of whole pages, and ``PRAGMA quick_check``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from readinglist.errors import LibraryError
from readinglist.layout import DB_NAME
from readinglist.maintenance import sqlitefile
from readinglist.maintenance.backup import newest_verified_backup

if TYPE_CHECKING:
    from readinglist.maintenance.backup import BackupInfo

_STAMP = "%Y%m%dT%H%M%SZ"


class DamagedLibrary(LibraryError):
    """The library database is damaged; it was moved aside and a backup may be offered."""

    def __init__(
        self,
        database: Path,
        reason: str,
        moved_to: Path | None,
        backup: BackupInfo | None,
    ) -> None:
        self.database = database
        self.reason = reason
        self.moved_to = moved_to
        self.backup = backup
        parts = [f"{database}: the library database is damaged ({reason}) and was not opened."]
        if moved_to is not None:
            parts.append(f"The damaged file was kept as {moved_to}.")
        if backup is not None:
            parts.append(
                f"The newest verified backup is from {backup.created:%Y-%m-%d %H:%M} UTC "
                f"({backup.name}): restore it with Library > Backups… or "
                f"`readinglist backup restore {backup.name}`."
            )
        else:
            parts.append("There is no verified backup to restore.")
        super().__init__(" ".join(parts))


def diagnose(database: Path) -> str | None:
    """Why the database file is damaged, or None when it is sound (or does not exist yet)."""
    if not database.exists():
        return None
    problems = sqlitefile.file_problems(database, quick=True)
    return "; ".join(problems[:3]) if problems else None


def ensure_sound(location: Path, now: dt.datetime | None = None) -> None:
    """Raise DamagedLibrary (after moving the file aside) when the database is damaged."""
    database = Path(location) / DB_NAME
    reason = diagnose(database)
    if reason is None:
        return
    try:
        moved: Path | None = move_aside(database, now)
    except OSError:  # cannot move it (permissions): still never opened, still refused
        moved = None
    raise DamagedLibrary(database, reason, moved, newest_verified_backup(Path(location)))


def move_aside(database: Path, now: dt.datetime | None = None) -> Path:
    """Rename the database (with its -wal/-shm) to ``damaged-<UTC time>.sqlite3`` beside it."""
    now = now or dt.datetime.now(dt.UTC)
    stamp = now.astimezone(dt.UTC).strftime(_STAMP)
    for n in range(1, 1000):
        target = database.with_name(
            f"damaged-{stamp}.sqlite3" if n == 1 else f"damaged-{stamp}-{n}.sqlite3"
        )
        if not target.exists():
            break
    # Side files first: a -wal left beside a new database would be replayed into it.
    for side in sqlitefile.side_files(database):
        os.replace(side, target.with_name(target.name + side.name[len(database.name) :]))
    os.replace(database, target)
    sqlitefile.fsync_dir(database.parent)
    return target
