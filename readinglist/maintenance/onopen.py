"""What opening a library does for safety: refuse damaged files, back up before upgrades and daily.

Called by ``Library.open``; kept here so that the library module stays about papers.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from sqlalchemy import exists, inspect, select

from readinglist.maintenance import backup, damaged
from readinglist.store import migrate
from readinglist.store.models import Paper

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy import Engine

    from readinglist.core import LibraryHandle

log = logging.getLogger(__name__)


def ensure_sound(location: Path) -> None:
    """Raise DamagedLibrary (the file moved aside, a backup named) for a damaged database."""
    damaged.ensure_sound(location)


def before_upgrade(location: Path, engine: Engine) -> backup.BackupInfo | None:
    """A verified backup when the schema is about to change; none for a brand-new library.

    Raises NewerLibraryError for a library from a newer version (before anything is written)
    and BackupError when the backup fails: a migration never runs without one.
    """
    migrate.check_not_newer(engine)
    if not migrate.needs_upgrade(engine):
        return None
    if migrate.current_revision(engine) is None:
        with engine.connect() as conn:
            if not inspect(conn).get_table_names():
                return None  # brand new: nothing to lose
    return backup.create_backup(location, reason="upgrade")


def daily(library: LibraryHandle, now: dt.datetime | None = None) -> backup.BackupInfo | None:
    """A backup when the newest is over a day old and the library holds papers.

    A failure is logged, not raised: the user can still work, and the next open tries again.
    """
    now = now or dt.datetime.now(dt.UTC)
    if not backup.backup_due(library.location, now):
        return None
    with library.read() as session:
        if not session.scalar(select(exists().where(Paper.id.is_not(None)))):
            return None
    try:
        return backup.create_backup(library.location, reason="daily", now=now)
    except (backup.BackupError, OSError) as err:
        log.warning("daily backup of %s failed: %s", library.location, err)
        return None
