"""Verified backups of the library database, a kept set like Anki's, and restoring one.

A backup is a copy made with SQLite's online backup API (consistent while the library is in
use), checked with ``PRAGMA integrity_check`` before it takes its place among the others, and
named with its UTC time and why it was made: ``backups/20250314T081500Z-daily.sqlite3``.
Automatic ones are made before a migration and, on open, when the newest is over a day old.

The kept set: every backup of the last day, then the newest of each of ``daily`` more days,
then of ``weekly`` weeks and ``monthly`` months not yet represented; the rest are deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from readinglist.errors import LibraryError
from readinglist.layout import DB_NAME, INDEX_DIR
from readinglist.maintenance import sqlitefile
from readinglist.store import migrate
from readinglist.store.engine import sqlite_url

if TYPE_CHECKING:
    from collections.abc import Iterable

    from readinglist.maintenance.lock import InstanceLock

BACKUP_DIR = "backups"
ASIDE_DIR = "aside"
POLICY_KEY = "backup_keep"
"""Key in the library's ``meta`` table holding the kept-set counts as JSON."""
DAILY_INTERVAL = dt.timedelta(days=1)
_STAMP = "%Y%m%dT%H%M%SZ"
_NAME_RE = re.compile(r"^(\d{8}T\d{6}Z)-([a-z]+)(?:-(\d+))?\.sqlite3$")
_STALE_TEMP = dt.timedelta(hours=1)

log = logging.getLogger(__name__)


class BackupError(LibraryError):
    """A backup could not be made, verified or restored; the message says which and why."""


@dataclass(frozen=True, slots=True)
class KeepPolicy:
    """How many backups to keep besides every one of the last day (Anki's scheme)."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 6

    def to_json(self) -> dict[str, int]:
        return {"daily": self.daily, "weekly": self.weekly, "monthly": self.monthly}

    @classmethod
    def from_json(cls, data: Any) -> KeepPolicy:
        """The policy a stored value describes; missing or odd values fall back to defaults."""
        default = cls()
        if not isinstance(data, dict):
            return default

        def count(name: str) -> int:
            value = data.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 1000:
                return value
            return int(getattr(default, name))

        return cls(count("daily"), count("weekly"), count("monthly"))


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file in the library's backups folder."""

    path: Path
    created: dt.datetime  # UTC, from the file name
    reason: str  # daily, manual, upgrade, repair, restore...
    size: int

    @property
    def name(self) -> str:
        return self.path.name

    def to_json(self) -> dict[str, Any]:
        """Public ``backup list --json`` shape: fields may be added, never renamed or dropped."""
        return {
            "name": self.name,
            "path": str(self.path),
            "created": self.created.isoformat(),
            "reason": self.reason,
            "size": self.size,
        }


@dataclass(frozen=True, slots=True)
class RestoreResult:
    backup: Path
    aside: Path | None  # where the replaced library was kept (None: there was none)
    revision: str | None  # the schema revision of the restored database

    def to_json(self) -> dict[str, Any]:
        return {
            "backup": str(self.backup),
            "aside": str(self.aside) if self.aside else None,
            "revision": self.revision,
        }


# -- listing ---------------------------------------------------------------------------------


def human_size(n: int) -> str:
    """A file size as people read it (both faces show backup sizes the same way)."""
    if n < 1024:
        return f"{n} bytes"
    size = n / 1024
    for unit in ("KB", "MB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def backup_dir(location: Path) -> Path:
    return Path(location) / BACKUP_DIR


def list_backups(location: Path) -> list[BackupInfo]:
    """The library's backups, newest first."""
    folder = backup_dir(location)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        info = _info(path)
        if info is not None:
            found.append(info)
    found.sort(key=lambda b: (b.created, b.name), reverse=True)
    return found


def _info(path: Path) -> BackupInfo | None:
    match = _NAME_RE.match(path.name)
    if match is None or not path.is_file():
        return None
    created = dt.datetime.strptime(match[1], _STAMP).replace(tzinfo=dt.UTC)
    try:
        size = path.stat().st_size
    except FileNotFoundError:  # pruned by another process meanwhile
        return None
    return BackupInfo(path, created, match[2], size)


def backup_due(location: Path, now: dt.datetime | None = None) -> bool:
    """Whether the newest backup is more than a day old (or there is none)."""
    now = now or dt.datetime.now(dt.UTC)
    backups = list_backups(location)
    return not backups or now - backups[0].created >= DAILY_INTERVAL


def newest_verified_backup(location: Path) -> BackupInfo | None:
    """The newest backup that passes ``quick_check`` today (files can rot after they are made)."""
    for info in list_backups(location):
        if not sqlitefile.file_problems(info.path, quick=True):
            return info
    return None


# -- creating --------------------------------------------------------------------------------


def create_backup(
    location: Path,
    *,
    reason: str = "manual",
    dest: Path | None = None,
    policy: KeepPolicy | None = None,
    now: dt.datetime | None = None,
) -> BackupInfo:
    """Copy the library database, verify the copy, then put it in place and thin the others.

    ``dest`` (a file or a folder) puts the copy elsewhere; such copies are never thinned.
    The copy replaces nothing until ``integrity_check`` has passed on it.
    """
    location = Path(location)
    source = location / DB_NAME
    if not source.is_file():
        raise BackupError(f"{location}: no library database to back up")
    if not re.fullmatch(r"[a-z]+", reason):
        raise ValueError(f"backup reason must be lower-case letters, not {reason!r}")
    now = now or dt.datetime.now(dt.UTC)
    if dest is None:
        folder = backup_dir(location)
    else:
        dest = Path(dest).expanduser()
        folder = dest if dest.is_dir() else dest.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BackupError(f"{folder}: cannot create the backup folder ({_why(err)})") from err
    _clear_stale_temps(folder, now)
    temp = folder / f".incoming-{os.getpid()}-{uuid.uuid4().hex[:8]}.sqlite3"
    try:
        try:
            sqlitefile.copy_database(source, temp)
        except (sqlite3.Error, OSError) as err:
            raise BackupError(f"{source}: could not copy the database ({_why(err)})") from err
        problems = sqlitefile.file_problems(temp, quick=False)
        if problems:
            raise BackupError(
                f"{source}: the backup copy failed its integrity check ({problems[0]}); "
                "the library may be damaged: run `readinglist check`"
            )
        sqlitefile.fsync_file(temp)
        if dest is not None and not dest.is_dir():
            target = dest
            os.replace(temp, target)
        else:
            target = _claim_name(folder, now, reason, temp)
        sqlitefile.fsync_dir(folder)
    except OSError as err:
        raise BackupError(f"{folder}: could not write the backup ({_why(err)})") from err
    finally:
        sqlitefile.remove_quietly(temp)
        sqlitefile.remove_quietly(temp.with_name(temp.name + "-journal"))
    info = BackupInfo(target, now.replace(microsecond=0), reason, target.stat().st_size)
    if dest is None:
        thin_backups(location, policy or read_policy(target), now=now)
    return info


def _claim_name(folder: Path, now: dt.datetime, reason: str, temp: Path) -> Path:
    """Move ``temp`` to the first free name for ``now``; never overwrites another backup."""
    stem = f"{now.astimezone(dt.UTC).strftime(_STAMP)}-{reason}"
    for n in range(1, 1000):
        target = folder / (f"{stem}.sqlite3" if n == 1 else f"{stem}-{n}.sqlite3")
        try:
            os.link(temp, target)  # atomic, and fails instead of replacing an existing file
        except FileExistsError:
            continue
        except OSError:  # file systems without hard links
            if target.exists():
                continue
            os.replace(temp, target)
        return target
    raise BackupError(f"{folder}: too many backups named {stem}")


def _clear_stale_temps(folder: Path, now: dt.datetime) -> None:
    """Remove half-written copies left by a process that died while backing up."""
    for path in folder.glob(".incoming-*.sqlite3*"):
        with contextlib.suppress(OSError):
            mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
            if now - mtime > _STALE_TEMP:
                path.unlink()


# -- the kept set ----------------------------------------------------------------------------


def read_policy(database: Path) -> KeepPolicy:
    """The kept-set counts stored in a library database (defaults when absent or unreadable)."""
    try:
        conn = sqlitefile.connect(database)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (POLICY_KEY,)).fetchone()
        finally:
            conn.close()
        return KeepPolicy.from_json(json.loads(row[0])) if row else KeepPolicy()
    except (sqlite3.Error, ValueError):
        return KeepPolicy()


def set_policy(location: Path, policy: KeepPolicy) -> None:
    """Store the kept-set counts in the library (they travel with it, backups included)."""
    conn = sqlitefile.connect(Path(location) / DB_NAME)
    try:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (POLICY_KEY, json.dumps(policy.to_json())),
        )
    finally:
        conn.close()


def kept(backups: Iterable[BackupInfo], policy: KeepPolicy, now: dt.datetime) -> set[Path]:
    """Which backups the kept set holds: all of the last day, then the newest per period."""
    keep: set[Path] = set()
    days: set[dt.date] = set()
    weeks: set[tuple[int, int]] = set()
    months: set[tuple[int, int]] = set()
    used = {"daily": 0, "weekly": 0, "monthly": 0}
    for b in sorted(backups, key=lambda b: (b.created, b.name), reverse=True):
        if now - b.created < DAILY_INTERVAL:
            keep.add(b.path)
            continue  # like Anki: the last day's backups take no slot
        day = b.created.date()
        iso = b.created.isocalendar()
        week = (iso.year, iso.week)
        month = (b.created.year, b.created.month)
        if day not in days and used["daily"] < policy.daily:
            used["daily"] += 1
        elif week not in weeks and used["weekly"] < policy.weekly:
            used["weekly"] += 1
        elif month not in months and used["monthly"] < policy.monthly:
            used["monthly"] += 1
        else:
            continue
        keep.add(b.path)
        # A kept backup stands for its day, week and month, so coarser periods reach further.
        days.add(day)
        weeks.add(week)
        months.add(month)
    return keep


def thin_backups(location: Path, policy: KeepPolicy, *, now: dt.datetime | None = None) -> int:
    """Delete backups outside the kept set; returns how many were deleted."""
    now = now or dt.datetime.now(dt.UTC)
    backups = list_backups(location)
    keep = kept(backups, policy, now)
    deleted = 0
    for b in backups:
        if b.path not in keep:
            try:
                b.path.unlink()
                deleted += 1
            except FileNotFoundError:
                pass  # another process thinned at the same moment
            except OSError as err:
                log.warning("could not delete old backup %s: %s", b.path, _why(err))
    return deleted


# -- restoring -------------------------------------------------------------------------------


def restore_backup(
    location: Path,
    backup: Path,
    *,
    lock: InstanceLock | None = None,
    now: dt.datetime | None = None,
) -> RestoreResult:
    """Replace the library database with a verified copy of ``backup``.

    The current database (with its -wal and -shm) is first kept in ``aside/<timestamp>/``;
    the search index is thrown away so the next open rebuilds it.  Holds the library's
    instance lock meanwhile (pass ``lock`` when the caller already holds it), so no window
    has the library open while its database is swapped.
    """
    from readinglist.maintenance.lock import InstanceLock

    location = Path(location)
    backup = Path(backup).expanduser()
    if not backup.is_file():
        raise BackupError(f"{backup}: no such backup file")
    now = now or dt.datetime.now(dt.UTC)
    location.mkdir(parents=True, exist_ok=True)
    own_lock = None
    if lock is None:
        own_lock = InstanceLock(location).acquire()
    try:
        return _restore(location, backup, now)
    finally:
        if own_lock is not None:
            own_lock.release()


def _restore(location: Path, backup: Path, now: dt.datetime) -> RestoreResult:
    db = location / DB_NAME
    reason = sqlitefile.header_problem(backup)
    if reason is not None:
        raise BackupError(f"{backup}: not a usable backup ({reason})")
    incoming = location / f".restore-{os.getpid()}-{uuid.uuid4().hex[:8]}.sqlite3"
    try:
        try:
            sqlitefile.copy_database(backup, incoming)
        except (sqlite3.Error, OSError) as err:
            raise BackupError(f"{backup}: cannot read the backup ({_why(err)})") from err
        problems = sqlitefile.file_problems(incoming, quick=False)
        if problems:
            raise BackupError(f"{backup}: the backup is damaged ({problems[0]}); choose another")
        revision = _check_restorable(backup, incoming)
        _bump_index_generation(incoming, db)
        sqlitefile.fsync_file(incoming)
        aside = _set_aside(location, db, now)
        for side in sqlitefile.side_files(db):
            side.unlink()
        os.replace(incoming, db)
        sqlitefile.fsync_dir(location)
    except OSError as err:
        raise BackupError(f"{location}: could not restore {backup.name} ({_why(err)})") from err
    finally:
        sqlitefile.remove_quietly(incoming)
        for side in sqlitefile.side_files(incoming):
            sqlitefile.remove_quietly(side)
    shutil.rmtree(location / INDEX_DIR, ignore_errors=True)
    return RestoreResult(backup, aside, revision)


def _check_restorable(backup: Path, copy: Path) -> str | None:
    """The copy's schema revision; refuses files that are not libraries or are from the future."""
    engine = create_engine(sqlite_url(copy), poolclass=NullPool)
    try:
        migrate.check_not_newer(engine)
        revision = migrate.current_revision(engine)
        with engine.connect() as conn:
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
    except migrate.NewerLibraryError as err:
        raise BackupError(f"{backup}: {err}") from err
    finally:
        engine.dispose()
    if revision is None or "papers" not in tables:
        raise BackupError(f"{backup}: not a readinglist library")
    return revision


def _bump_index_generation(copy: Path, live: Path) -> None:
    """Make any index built for another database state unusable, so it is rebuilt."""
    generations = [_generation(copy), _generation(live) if live.exists() else 0]
    conn = sqlitefile.connect(copy)
    try:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('index_generation', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(max(generations) + 1),),
        )
    finally:
        conn.close()


def _generation(db: Path) -> int:
    try:
        conn = sqlitefile.connect(db)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'index_generation'").fetchone()
        finally:
            conn.close()
        return int(row[0]) if row else 1
    except (sqlite3.Error, ValueError):
        return 1


def _set_aside(location: Path, db: Path, now: dt.datetime) -> Path | None:
    """Copy the current database files into ``aside/<timestamp>/``; None when there are none."""
    files = [db, *sqlitefile.side_files(db)] if db.exists() else []
    if not files:
        return None
    with contextlib.suppress(sqlite3.Error):
        # Fold the WAL into the main file so the kept copy is whole even without its -wal.
        conn = sqlitefile.connect(db)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    files = [db, *sqlitefile.side_files(db)]
    aside = _unique_dir(location / ASIDE_DIR, now.astimezone(dt.UTC).strftime(_STAMP))
    for path in files:
        shutil.copy2(path, aside / path.name)
        sqlitefile.fsync_file(aside / path.name)
    sqlitefile.fsync_dir(aside)
    return aside


def _unique_dir(parent: Path, name: str) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        path = parent / (name if n == 1 else f"{name}-{n}")
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path
    raise BackupError(f"{parent}: too many folders named {name}")


def _why(err: BaseException) -> str:
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err)
