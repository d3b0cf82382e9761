"""``copy-library``: a whole library between SQLite and PostgreSQL, verified, or nothing."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from readinglist.cli.main import cli
from readinglist.errors import LibraryError
from readinglist.importing import Importer
from readinglist.layout import DB_NAME
from readinglist.library import Library
from readinglist.sharing import copy_library, copying
from readinglist.sharing.copying import library_checksum
from tests.conftest import ABSTRACT, digest_text
from tests.postgres import PgServer
from tests.store.schema_manifest import library_manifest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schemas" / "0002.sqlite3"
OpenClient = Callable[..., Library]


@pytest.fixture
def local_library(tmp_path: Path) -> Path:
    """A small library holding every kind of row (the schema fixture's), upgraded to head."""
    location = tmp_path / "local"
    location.mkdir()
    shutil.copyfile(FIXTURE, location / DB_NAME)
    Library.open(location).close()
    return location


def _manifest(location: Path | str) -> object:
    with Library.open(location) as lib:
        return library_manifest(lib)


def test_a_local_library_copies_to_a_directory(local_library: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy"
    report = copy_library(local_library, target)
    assert report.papers == 4
    assert report.tables["shelf_items"] == 3
    assert (report.tables, report.checksum) == library_checksum(target)
    assert _manifest(target) == _manifest(local_library)


def test_sqlite_to_postgresql_and_back_keeps_everything(
    local_library: Path, pg_url: str, tmp_path: Path
) -> None:
    counts, checksum = library_checksum(local_library)
    there = copy_library(local_library, pg_url)
    assert (there.tables, there.checksum) == (counts, checksum)
    assert there.destination.startswith("postgresql://readinglist:***@")
    assert library_checksum(pg_url) == (counts, checksum)
    assert _manifest(pg_url) == _manifest(local_library)

    back = copy_library(pg_url, tmp_path / "back")
    assert (back.tables, back.checksum) == (counts, checksum)
    assert _manifest(tmp_path / "back") == _manifest(local_library)


def test_a_copied_library_works_on(local_library: Path, pg_url: str) -> None:
    copy_library(local_library, pg_url)
    with Library.open(pg_url) as lib:
        assert lib.index.search_ids("adapters")  # the index is built from the copy
        report = Importer(lib).import_text(digest_text(("A Brand New Paper", ABSTRACT)), "n.txt")
        assert report.ok, report.error  # new ids continue after the copied ones
        lib.add_tags(report.paper_ids, ["new tag"])
        assert lib.summary().papers == 4  # 3 live + the new one (one copied is trashed)


def test_clients_that_indexed_the_empty_destination_rebuild(
    local_library: Path, pg_url: str, open_client: OpenClient
) -> None:
    early = open_client(pg_url, "alice")
    assert early.index.search_ids("adapters") == []
    early.close()
    copy_library(local_library, pg_url)
    again = open_client(pg_url, "alice")
    assert again.index.search_ids("adapters")


def test_a_destination_that_holds_a_library_is_refused(
    local_library: Path, pg_url: str, tmp_path: Path
) -> None:
    copy_library(local_library, pg_url)
    before = library_checksum(pg_url)
    with pytest.raises(LibraryError, match=r"already holds a library \(.*4 papers"):
        copy_library(local_library, pg_url)
    assert library_checksum(pg_url) == before
    with pytest.raises(LibraryError, match="one library"):
        copy_library(local_library, local_library)


def test_a_source_that_is_no_library_is_refused_and_not_created(
    tmp_path: Path, pg_server: PgServer
) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(LibraryError, match="no library here"):
        copy_library(missing, tmp_path / "copy")
    assert not missing.exists()
    name = pg_server.create_database(migrated=False)
    try:
        with pytest.raises(LibraryError, match="holds no readinglist library"):
            copy_library(pg_server.url(name), tmp_path / "copy")
    finally:
        pg_server.drop_database(name)
    with pytest.raises(LibraryError, match="cannot open the library"):
        copy_library(pg_server.url("postgres", password="wrong"), tmp_path / "copy")


def test_a_copy_that_does_not_verify_leaves_nothing(
    local_library: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = copying.checksum_of
    calls = 0

    def corrupted(conn: object, tables: object) -> str:
        nonlocal calls
        calls += 1
        return real(conn, tables) + ("!" if calls == 2 else "")  # type: ignore[arg-type]

    monkeypatch.setattr(copying, "checksum_of", corrupted)
    with pytest.raises(LibraryError, match=r"differs .* nothing was kept"):
        copy_library(local_library, pg_url)
    monkeypatch.undo()
    counts, _checksum = library_checksum(pg_url)
    assert set(counts.values()) == {0}


def test_the_command_line_reports_counts_and_checksum(local_library: Path, pg_url: str) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["copy-library", str(local_library), pg_url, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["tables"]["papers"] == 4
    assert data["verified"] is True
    assert data["checksum"] == library_checksum(local_library)[1]
    assert "lab-secret" not in result.output  # the password never printed

    again = runner.invoke(cli, ["copy-library", str(local_library), pg_url])
    assert again.exit_code == 1
    assert "already holds a library" in again.output
    human = runner.invoke(cli, ["copy-library", pg_url, str(local_library.parent / "c")])
    assert human.exit_code == 0, human.output
    assert "Verified: row counts and content checksum" in human.output
