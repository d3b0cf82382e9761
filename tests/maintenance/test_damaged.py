"""A damaged database is never opened blind: it is moved aside and the newest good backup named."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from readinglist.layout import DB_NAME
from readinglist.library import Library
from readinglist.maintenance import backup as backups
from readinglist.maintenance.damaged import DamagedLibrary, diagnose

NOW = dt.datetime(2025, 3, 14, 12, 0, tzinfo=dt.UTC)


def _bad_header(db: Path) -> None:
    with db.open("r+b") as fh:
        fh.write(b"Not SQLite at al")


def _torn_tail(db: Path) -> None:
    with db.open("ab") as fh:
        fh.write(b"\x00" * 1000)  # half a page: a write cut short


def _torn_pages(db: Path) -> None:
    page = int.from_bytes(db.read_bytes()[16:18], "big")
    size = db.stat().st_size
    with db.open("r+b") as fh:
        for start in range(page, size, page):  # every page but the first (the schema)
            fh.seek(start)
            fh.write(os.urandom(page))


@pytest.fixture
def damaged_library(populated: Library) -> Path:
    """The populated library, closed, with a verified backup from an hour before."""
    backups.create_backup(populated.location, now=NOW - dt.timedelta(hours=1))
    populated.close()
    return populated.location


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_bad_header, "bad header"),
        (_torn_tail, "torn file"),
        (_torn_pages, "malformed"),
    ],
)
def test_damaged_file_is_refused_moved_aside_and_a_backup_named(
    damaged_library: Path, damage: object, reason: str
) -> None:
    db = damaged_library / DB_NAME
    assert callable(damage)
    damage(db)
    original = db.read_bytes()

    with pytest.raises(DamagedLibrary) as caught:
        Library.open(damaged_library)

    err = caught.value
    assert reason in err.reason
    assert not db.exists()
    assert err.moved_to is not None
    assert err.moved_to.name.startswith("damaged-")
    assert err.moved_to.suffix == ".sqlite3"
    assert err.moved_to.read_bytes() == original  # kept as it was, for the curious
    assert err.backup is not None
    assert err.backup.name == "20250314T110000Z-manual.sqlite3"
    message = str(err)
    assert str(db) in message
    assert reason in message
    assert "2025-03-14 11:00 UTC" in message
    assert "readinglist backup restore" in message

    backups.restore_backup(damaged_library, err.backup.path)
    with Library.open(damaged_library) as lib:
        assert lib.summary().papers == 5
        assert "Compare with the distillation baseline." in [p.note for p in lib.list_papers()]


def test_wal_and_shm_move_aside_with_the_database(damaged_library: Path) -> None:
    db = damaged_library / DB_NAME
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").write_bytes(b"left by a crash")
    _bad_header(db)
    with pytest.raises(DamagedLibrary) as caught:
        Library.open(damaged_library)
    moved = caught.value.moved_to
    assert moved is not None
    assert Path(f"{moved}-wal").read_bytes() == b"left by a crash"
    assert Path(f"{moved}-shm").exists()
    assert not Path(f"{db}-wal").exists()


def test_newest_verified_backup_skips_a_rotten_one(damaged_library: Path) -> None:
    rotten = backups.create_backup(damaged_library, now=NOW)
    _torn_pages(rotten.path)
    _bad_header(damaged_library / DB_NAME)
    with pytest.raises(DamagedLibrary) as caught:
        Library.open(damaged_library)
    assert caught.value.backup is not None
    assert caught.value.backup.created == NOW - dt.timedelta(hours=1)


def test_without_backups_the_message_says_so(populated: Library) -> None:
    populated.close()
    _bad_header(populated.location / DB_NAME)
    with pytest.raises(DamagedLibrary, match="no verified backup") as caught:
        Library.open(populated.location)
    assert caught.value.backup is None


@pytest.mark.parametrize("content", [None, b""])
def test_a_missing_or_empty_file_is_a_new_library_not_damage(
    tmp_path: Path, content: bytes | None
) -> None:
    db = tmp_path / DB_NAME
    if content is not None:
        db.write_bytes(content)
    assert diagnose(db) is None
    with Library.open(tmp_path) as lib:
        assert lib.summary().papers == 0
