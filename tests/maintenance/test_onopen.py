"""What Library.open does for safety: daily backups (not of empty libraries), never blocking."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

import pytest

from readinglist.library import Library
from readinglist.maintenance import backup as backups
from readinglist.maintenance import onopen

if TYPE_CHECKING:
    from pathlib import Path


def test_a_new_or_empty_library_gets_no_backup(library_dir: Path) -> None:
    Library.open(library_dir).close()
    Library.open(library_dir).close()
    assert backups.list_backups(library_dir) == []


def test_open_backs_up_daily(populated: Library) -> None:
    location = populated.location
    populated.close()
    Library.open(location).close()
    (first,) = backups.list_backups(location)
    assert first.reason == "daily"
    Library.open(location).close()  # the same day: no second one
    assert backups.list_backups(location) == [first]
    with Library.open(location, backups=False) as lib:
        later = first.created + dt.timedelta(hours=25)
        made = onopen.daily(lib, now=later)
    assert made is not None
    assert [b.created for b in backups.list_backups(location)] == [later, first.created]


def test_backups_false_makes_none(populated: Library) -> None:
    location = populated.location
    populated.close()
    Library.open(location, backups=False).close()
    assert backups.list_backups(location) == []


def test_a_failing_daily_backup_is_logged_and_the_library_opens(
    populated: Library, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    location = populated.location
    populated.close()

    def full(*_a: object, **_k: object) -> backups.BackupInfo:
        raise backups.BackupError(f"{location}: could not write the backup (No space left)")

    monkeypatch.setattr(backups, "create_backup", full)
    with caplog.at_level(logging.WARNING), Library.open(location) as lib:
        assert lib.summary().papers == 5
    assert "No space left" in caplog.text
