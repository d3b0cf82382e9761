"""Every released schema upgrades with its data intact, behind a backup; newer ones are refused."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from readinglist.errors import LibraryError
from readinglist.layout import DB_NAME
from readinglist.library import Library
from readinglist.maintenance import backup as backups
from readinglist.maintenance.check import check_library
from readinglist.store import migrate
from tests.store.schema_manifest import library_manifest

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
FIXTURES = sorted(SCHEMAS.glob("*.sqlite3"))

# A later revision for the tests: adds a column and fills it, then (when asked) dies.
NEXT_MIGRATION = '''
"""test-only next revision"""
import os
import signal

import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("papers") as batch:
        batch.add_column(sa.Column("test_rank", sa.Integer(), nullable=True))
    op.execute("UPDATE papers SET test_rank = id * 2")
    if os.environ.get("READINGLIST_TEST_DIE_IN_MIGRATION"):
        os.kill(os.getpid(), signal.SIGKILL)


def downgrade() -> None:
    with op.batch_alter_table("papers") as batch:
        batch.drop_column("test_rank")
'''


def _revision_of(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        conn.close()


def _dump(db: Path) -> str:
    """The database's content as SQL (its journal mode may differ: that is not content)."""
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def _library_from(fixture: Path, tmp_path: Path) -> Path:
    location = tmp_path / "library"
    location.mkdir()
    shutil.copyfile(fixture, location / DB_NAME)
    return location


def _expected(fixture: Path) -> object:
    return json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.fixture
def next_migration(tmp_path: Path) -> Path:
    """A copy of the migrations with one more (test-only) revision after the head."""
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9001_test_next.py").write_text(
        NEXT_MIGRATION.format(head=migrate.head_revision()), encoding="utf-8"
    )
    return folder


def test_every_released_schema_has_a_fixture() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    released = {rev.revision for rev in script.walk_revisions()}
    assert released <= {f.stem for f in FIXTURES}, (
        "run scripts/make_schema_fixture.py with the code of each release"
    )
    for fixture in FIXTURES:
        assert fixture.with_suffix(".json").is_file()
        assert _revision_of(fixture) == fixture.stem


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_fixture_upgrades_to_head_with_data_intact(fixture: Path, tmp_path: Path) -> None:
    location = _library_from(fixture, tmp_path)
    with Library.open(location) as lib:
        assert library_manifest(lib) == _expected(fixture)
        assert check_library(lib).ok
    assert _revision_of(location / DB_NAME) == migrate.head_revision()
    if fixture.stem != migrate.head_revision():
        assert "upgrade" in [b.reason for b in backups.list_backups(location)]


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_an_upgrade_is_preceded_by_a_verified_backup(
    fixture: Path, tmp_path: Path, next_migration: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = _library_from(fixture, tmp_path)
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", next_migration)
    with Library.open(location) as lib:
        assert library_manifest(lib) == _expected(fixture)
    assert _revision_of(location / DB_NAME) == "9001"
    (made,) = [b for b in backups.list_backups(location) if b.reason == "upgrade"]
    assert _revision_of(made.path) == fixture.stem  # the state before the upgrade
    Library.open(location).close()  # already upgraded: no second upgrade backup
    assert [b.reason for b in backups.list_backups(location)].count("upgrade") == 1


def test_a_migration_killed_halfway_leaves_the_library_restorable(
    tmp_path: Path, next_migration: Path
) -> None:
    fixture = SCHEMAS / f"{migrate.head_revision()}.sqlite3"
    location = _library_from(fixture, tmp_path)
    driver = textwrap.dedent(
        f"""
        from pathlib import Path
        from readinglist.library import Library
        from readinglist.store import migrate
        migrate.MIGRATIONS_DIR = Path({str(next_migration)!r})
        Library.open(Path({str(location)!r}))
        """
    )
    env = {"READINGLIST_TEST_DIE_IN_MIGRATION": "1", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", driver], env=env, capture_output=True, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()

    (made,) = backups.list_backups(location)
    assert made.reason == "upgrade"
    # SQLite rolled the half-done migration back; and the backup restores the same data.
    assert _revision_of(location / DB_NAME) == fixture.stem
    backups.restore_backup(location, made.path)
    with Library.open(location) as lib:
        assert library_manifest(lib) == _expected(fixture)
        assert check_library(lib).ok


def test_a_library_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    location = _library_from(SCHEMAS / f"{migrate.head_revision()}.sqlite3", tmp_path)
    db = location / DB_NAME
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alembic_version SET version_num = 'ffff'")
    conn.commit()
    conn.close()
    before = _dump(db)

    with pytest.raises(LibraryError, match=r"newer version of readinglist \(schema ffff\)") as e:
        Library.open(location)

    assert str(location) in str(e.value)
    assert "upgrade readinglist" in str(e.value)
    assert _dump(db) == before
    assert backups.list_backups(location) == []


def test_the_migration_files_revisions_are_alembics() -> None:
    """Opening reads revisions from the files without Alembic; Alembic must agree."""
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == script.get_current_head()
    known, _head = migrate._revisions()
    assert known == {rev.revision for rev in script.walk_revisions()}
