"""Backups: verified copies, the kept set, restoring with the current library kept aside."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from readinglist.layout import DB_NAME
from readinglist.library import Library
from readinglist.maintenance import backup as backups
from readinglist.maintenance import sqlitefile
from readinglist.maintenance.backup import BackupError, BackupInfo, KeepPolicy
from readinglist.maintenance.lock import AlreadyRunning, InstanceLock
from readinglist.records import ReadStatus

NOW = dt.datetime(2025, 3, 14, 12, 0, tzinfo=dt.UTC)  # a Friday


def _count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_is_a_verified_self_contained_copy_named_by_utc_time(populated: Library) -> None:
    info = backups.create_backup(populated.location, reason="manual", now=NOW)
    assert info.path == populated.location / "backups" / "20250314T120000Z-manual.sqlite3"
    assert (info.created, info.reason, info.size) == (NOW, "manual", info.path.stat().st_size)
    assert sqlitefile.file_problems(info.path, quick=False) == []
    assert _count(info.path, "SELECT count(*) FROM papers") == 5
    assert _count(info.path, "SELECT count(*) FROM notes") == 1
    assert sqlitefile.side_files(info.path) == []  # one file, not a WAL database
    assert backups.list_backups(populated.location) == [info]
    assert not list((populated.location / "backups").glob(".incoming-*"))


def test_backup_holds_committed_data_only_while_another_write_is_open(
    populated: Library,
) -> None:
    writer = sqlitefile.connect(populated.location / DB_NAME)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM notes")
        info = backups.create_backup(populated.location, now=NOW)
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    assert _count(info.path, "SELECT count(*) FROM notes") == 1


def test_two_backups_in_one_second_get_distinct_names(populated: Library) -> None:
    first = backups.create_backup(populated.location, now=NOW)
    second = backups.create_backup(populated.location, now=NOW)
    assert first.path != second.path
    assert second.path.name == "20250314T120000Z-manual-2.sqlite3"
    assert {b.path for b in backups.list_backups(populated.location)} == {first.path, second.path}


def test_a_copy_failing_verification_replaces_nothing(
    populated: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = backups.create_backup(populated.location, now=NOW - dt.timedelta(days=400))
    monkeypatch.setattr(sqlitefile, "file_problems", lambda *_a, **_k: ["page 7: btree broken"])
    with pytest.raises(BackupError, match="integrity check"):
        backups.create_backup(populated.location, now=NOW)
    # The old backup (outside any kept period by now) is still there: nothing was thinned.
    assert backups.list_backups(populated.location) == [old]
    assert not list((populated.location / "backups").glob(".incoming-*"))


def test_backup_to_an_explicit_file_or_folder(populated: Library, tmp_path: Path) -> None:
    target = tmp_path / "safe.sqlite3"
    target.write_bytes(b"an older copy")
    info = backups.create_backup(populated.location, dest=target, now=NOW)
    assert info.path == target
    assert _count(target, "SELECT count(*) FROM papers") == 5
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    info = backups.create_backup(populated.location, dest=folder, now=NOW)
    assert info.path.parent == folder
    assert backups.list_backups(populated.location) == []  # never part of the kept set


def test_no_library_no_backup(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no library database"):
        backups.create_backup(tmp_path)


def _fake(age: dt.timedelta, name: str | None = None) -> BackupInfo:
    created = NOW - age
    return BackupInfo(Path(name or created.strftime("%Y%m%dT%H%M%SZ")), created, "daily", 1)


HOURS = [1, 2, 25, 26, 49, 73]
DAYS = list(range(1, 61))


@pytest.mark.parametrize(
    ("policy", "ages", "expected"),
    [
        # Everything of the last day is kept, whatever the counts.
        (KeepPolicy(0, 0, 0), [dt.timedelta(hours=h) for h in (1, 5, 23)], [0, 1, 2]),
        # daily=2: the newest of each of two more days (the 13th at 11:00, the 12th).
        (KeepPolicy(2, 0, 0), [dt.timedelta(hours=h) for h in HOURS], [0, 1, 2, 4]),
        # weekly=2, one backup a day: Mar 13 (week 11) and Sunday Mar 9 (week 10).
        (KeepPolicy(0, 2, 0), [dt.timedelta(days=d) for d in DAYS], [0, 4]),
        # monthly=2: Mar 13 and Feb 28.
        (KeepPolicy(0, 0, 2), [dt.timedelta(days=d) for d in DAYS], [0, 13]),
        # Mixed: two days, then a week not yet covered, then a month not yet covered.
        (KeepPolicy(2, 1, 1), [dt.timedelta(days=d) for d in DAYS], [0, 1, 4, 13]),
    ],
)
def test_kept_set_like_ankis(
    policy: KeepPolicy, ages: list[dt.timedelta], expected: list[int]
) -> None:
    found = [_fake(a) for a in ages]
    assert backups.kept(found, policy, NOW) == {found[i].path for i in expected}


def test_new_backups_thin_the_old_ones_by_the_stored_policy(populated: Library) -> None:
    backups.set_policy(populated.location, KeepPolicy(daily=2, weekly=0, monthly=0))
    assert backups.read_policy(populated.location / DB_NAME) == KeepPolicy(2, 0, 0)
    for days in (5, 4, 3, 2):
        backups.create_backup(populated.location, reason="daily", now=NOW - dt.timedelta(days))
    latest = backups.create_backup(populated.location, reason="daily", now=NOW)
    names = [b.name for b in backups.list_backups(populated.location)]
    # The one just made (last day), then the newest of two more days.
    assert names == [
        latest.name,
        "20250312T120000Z-daily.sqlite3",
        "20250311T120000Z-daily.sqlite3",
    ]


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({"daily": 3, "weekly": 2, "monthly": 1}, KeepPolicy(3, 2, 1)),
        ({"daily": -1, "weekly": "x", "monthly": True}, KeepPolicy()),
        (["not", "a", "dict"], KeepPolicy()),
        ({"daily": 1}, KeepPolicy(1, KeepPolicy().weekly, KeepPolicy().monthly)),
    ],
)
def test_policy_from_stored_json(stored: object, expected: KeepPolicy) -> None:
    assert KeepPolicy.from_json(stored) == expected


def test_backup_due_after_a_day(populated: Library) -> None:
    assert backups.backup_due(populated.location, NOW)
    backups.create_backup(populated.location, now=NOW)
    assert not backups.backup_due(populated.location, NOW + dt.timedelta(hours=23))
    assert backups.backup_due(populated.location, NOW + dt.timedelta(hours=25))


def test_restore_keeps_the_current_library_aside_and_rebuilds_the_index(
    populated: Library,
) -> None:
    location = populated.location
    info = backups.create_backup(location, now=NOW)
    ids = sorted(p.id for p in populated.list_papers())
    populated.set_note(ids[0], "zanzibar written after the backup")
    populated.set_status([ids[1]], ReadStatus.READ)
    assert populated.index.search_ids("zanzibar") == [ids[0]]
    populated.close()

    result = backups.restore_backup(location, info.path, now=NOW + dt.timedelta(hours=1))

    assert result.aside == location / "aside" / "20250314T130000Z"
    assert result.revision is not None
    kept = result.aside / DB_NAME
    assert _count(kept, "SELECT count(*) FROM notes WHERE body LIKE '%zanzibar%'") == 1
    with Library.open(location) as lib:
        assert lib.paper(ids[0]).note == ""
        assert lib.paper(ids[1]).read_status is ReadStatus.UNREAD
        assert lib.index.search_ids("zanzibar") == []
        assert lib.index.ids() == set(ids)
        assert lib.index.search_ids("distillation") == [ids[3]]


def test_restore_refuses_a_damaged_backup_and_changes_nothing(
    populated: Library, tmp_path: Path
) -> None:
    populated.close()
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x10\x00" + b"\xff" * 4094)
    before = _digest(populated.location / DB_NAME)
    with pytest.raises(BackupError, match=r"bad\.sqlite3"):
        backups.restore_backup(populated.location, bad)
    assert _digest(populated.location / DB_NAME) == before
    assert not (populated.location / "aside").exists()


def test_restore_refuses_a_backup_from_a_newer_version(populated: Library) -> None:
    info = backups.create_backup(populated.location, now=NOW)
    conn = sqlite3.connect(info.path)
    conn.execute("UPDATE alembic_version SET version_num = 'ffff'")
    conn.commit()
    conn.close()
    populated.close()
    with pytest.raises(BackupError, match="newer version"):
        backups.restore_backup(populated.location, info.path)
    assert not (populated.location / "aside").exists()


def test_restore_refuses_a_database_that_is_no_library(populated: Library, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(BackupError, match="not a readinglist library"):
        backups.restore_backup(populated.location, other)


def test_restore_waits_for_no_window_and_accepts_the_callers_lock(populated: Library) -> None:
    info = backups.create_backup(populated.location, now=NOW)
    window = InstanceLock(populated.location).acquire()
    try:
        with pytest.raises(AlreadyRunning):
            backups.restore_backup(populated.location, info.path)
        populated.close()
        result = backups.restore_backup(populated.location, info.path, lock=window)
    finally:
        window.release()
    assert result.backup == info.path
