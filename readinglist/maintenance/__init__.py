"""Keeping a library safe: verified backups, check and repair, damaged files, one GUI at a time."""

from __future__ import annotations

from readinglist.maintenance.backup import (
    BackupError,
    BackupInfo,
    KeepPolicy,
    RestoreResult,
    create_backup,
    list_backups,
    restore_backup,
)
from readinglist.maintenance.check import CheckReport, Problem, check_library, repair_library
from readinglist.maintenance.damaged import DamagedLibrary
from readinglist.maintenance.lock import AlreadyRunning, InstanceLock

__all__ = [
    "AlreadyRunning",
    "BackupError",
    "BackupInfo",
    "CheckReport",
    "DamagedLibrary",
    "InstanceLock",
    "KeepPolicy",
    "Problem",
    "RestoreResult",
    "check_library",
    "create_backup",
    "list_backups",
    "repair_library",
    "restore_backup",
]
