"""``readinglist backup ...`` and ``readinglist check``: output, JSON shapes and exit status."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from readinglist.cli.main import cli
from readinglist.layout import DB_NAME
from readinglist.maintenance.lock import InstanceLock
from tests.conftest import ABSTRACT, digest_text

BACKUP_FIELDS = {"name", "path", "created", "reason", "size"}
REPORT_FIELDS = {"location", "ok", "papers", "problems", "repaired", "backup"}


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    location = tmp_path / "lib"
    digest = tmp_path / "d.txt"
    digest.write_text(digest_text(("Sparse Adapters", ABSTRACT), ("Old Skills", ABSTRACT)))
    assert _run(location, "import", str(digest)).exit_code == 0
    return location


def _run(location: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--library", str(location), *args], input=input)


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _papers(location: Path) -> int:
    return int(_json(_run(location, "summary", "--json"))["papers"])


def test_backup_then_list(lib: Path, tmp_path: Path) -> None:
    made = _run(lib, "backup")
    assert made.exit_code == 0
    assert "verified" in made.output
    listed = _json(_run(lib, "backup", "list", "--json"))
    assert len(listed) == 1
    assert set(listed[0]) >= BACKUP_FIELDS
    assert listed[0]["reason"] == "manual"
    assert Path(listed[0]["path"]).parent == lib / "backups"
    human = _run(lib, "backup", "list")
    assert listed[0]["name"] in human.output
    assert "1 backup in" in human.output

    elsewhere = _json(_run(lib, "backup", "create", str(tmp_path / "copy.sqlite3"), "--json"))
    assert elsewhere["path"] == str(tmp_path / "copy.sqlite3")
    assert len(_json(_run(lib, "backup", "list", "--json"))) == 1


def test_backup_of_no_library_fails_cleanly(tmp_path: Path) -> None:
    result = _run(tmp_path / "nothing", "backup")
    assert result.exit_code == 1
    assert "no library here" in result.output


def test_restore_asks_first_and_keeps_the_current_library_aside(lib: Path) -> None:
    name = _json(_run(lib, "backup", "create", "--json"))["name"]
    _run(lib, "trash", "1")
    _run(lib, "shelf", "create", "Later")

    refused = _run(lib, "backup", "restore", name, input="n\n")
    assert refused.exit_code == 1
    assert "Replace the library" in refused.output
    assert _papers(lib) == 1

    done = _run(lib, "backup", "restore", name, input="y\n")
    assert done.exit_code == 0, done.output
    assert "restored the backup" in done.output
    assert "kept in" in done.output
    assert _papers(lib) == 2
    assert _json(_run(lib, "shelf", "list", "--json")) == []
    (aside,) = (lib / "aside").iterdir()
    assert (aside / DB_NAME).is_file()


def test_restore_latest_with_yes_and_json(lib: Path) -> None:
    _run(lib, "backup")
    _run(lib, "trash", "1", "2")
    result = _json(_run(lib, "backup", "restore", "latest", "--yes", "--json"))
    assert {"backup", "aside", "revision", "papers"} <= set(result)
    assert result["papers"] == 2


@pytest.mark.parametrize(
    ("name", "reason"),
    [("20990101T000000Z-daily.sqlite3", "no such backup"), ("latest", "no verified backup")],
)
def test_restore_of_an_unknown_backup_says_so(lib: Path, name: str, reason: str) -> None:
    result = _run(lib, "backup", "restore", name, "--yes")
    assert result.exit_code == 1
    assert reason in result.output


def test_restore_is_refused_while_a_window_has_the_library_open(lib: Path) -> None:
    name = _json(_run(lib, "backup", "create", "--json"))["name"]
    with InstanceLock(lib):
        result = _run(lib, "backup", "restore", name, "--yes")
    assert result.exit_code == 1
    assert "already has this library open" in result.output


def test_keep_policy_shown_and_set(lib: Path) -> None:
    assert _json(_run(lib, "backup", "keep", "--json")) == {"daily": 7, "weekly": 4, "monthly": 6}
    assert _json(_run(lib, "backup", "keep", "--daily", "3", "--json"))["daily"] == 3
    assert "one a day for 3 days" in _run(lib, "backup", "keep").output


def test_check_healthy_exits_0(lib: Path) -> None:
    report = _json(_run(lib, "check", "--json"))
    assert set(report) >= REPORT_FIELDS
    assert report["ok"]
    assert report["papers"] == 2
    assert report["problems"] == []
    assert "No problems found." in _run(lib, "check").output


def test_check_finds_repair_fixes_and_exit_status_follows(lib: Path) -> None:
    conn = sqlite3.connect(lib / DB_NAME)
    conn.execute(
        "INSERT INTO notes (paper_id, body, created_at, updated_at) VALUES (99, 'x', 0, 0)"
    )
    conn.commit()
    conn.close()

    found = _run(lib, "check")
    assert found.exit_code == 1
    assert "1 notes point to missing papers" in found.output
    assert "readinglist check --repair" in found.output
    report = json.loads(_run(lib, "check", "--json").stdout)
    assert [p["code"] for p in report["problems"]] == ["orphan_notes"]

    repaired = _run(lib, "check", "--repair", "--json")
    assert repaired.exit_code == 0
    report = json.loads(repaired.stdout)
    assert report["ok"]
    assert [p["code"] for p in report["repaired"]] == ["orphan_notes"]
    assert Path(report["backup"]).is_file()
    assert _run(lib, "check").exit_code == 0


def test_check_on_a_damaged_file_names_the_backup(lib: Path) -> None:
    name = _json(_run(lib, "backup", "create", "--json"))["name"]
    with (lib / DB_NAME).open("r+b") as fh:
        fh.write(b"garbage garbage!")
    result = _run(lib, "check")
    assert result.exit_code == 1
    assert "damaged" in result.output
    assert name in result.output
    assert any(p.name.startswith("damaged-") for p in lib.iterdir())


def test_short_forms_from_the_brief(tmp_path: Path) -> None:
    """``backup PATH`` makes a backup there; ``restore BACKUP`` and ``restore ID`` both work."""
    lib = tmp_path / "lib"
    digest = tmp_path / "d.txt"
    digest.write_text(digest_text(("Kept Paper", ABSTRACT)), encoding="utf-8")

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, ["--library", str(lib), *args])

    assert run("import", str(digest)).exit_code == 0
    copy = tmp_path / "copy.sqlite3"
    made = run("backup", str(copy))
    assert made.exit_code == 0, made.output
    assert copy.is_file()
    assert run("trash", "1").exit_code == 0
    assert run("restore", "1").exit_code == 0
    assert run("list", "--trash", "--json").stdout.strip() == "[]"
    assert run("trash", "1").exit_code == 0
    back = run("restore", str(copy), "--yes")
    assert back.exit_code == 0, back.output
    assert "restored the backup" in back.stdout
    assert run("list", "--trash", "--json").stdout.strip() == "[]"
