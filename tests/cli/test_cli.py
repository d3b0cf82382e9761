"""The command line end to end, in a temporary library: the contract scripts rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from readinglist.cli.main import cli
from tests.conftest import ABSTRACT, digest_text

PAPER_FIELDS = {
    "id", "title", "abstract", "starred", "read_status", "tags", "shelves", "published",
    "upvotes", "authors_count", "organization", "links", "digests", "note",
}  # fmt: skip


@pytest.fixture
def run(tmp_path: Path) -> Any:
    lib = tmp_path / "lib"

    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, ["--library", str(lib), *args], input=input)

    return invoke


@pytest.fixture
def digests(tmp_path: Path) -> list[Path]:
    a = tmp_path / "a.txt"
    a.write_text(
        digest_text(
            ("Catastrophic Forgetting Revisited", ABSTRACT),
            ("Sparse Adapters", ABSTRACT),
            meta="  • 4 authors\n·\nOct 14, 2021 3",
        ),
        encoding="utf-8",
    )
    b = tmp_path / "b.txt"
    b.write_text(digest_text(("Sparse Adapters", ABSTRACT), label="Mar 12"), encoding="utf-8")
    return [a, b]


def test_import_json_report_and_exit_status(run: Any, digests: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"\x00" * 100)
    res = run("import", str(digests[0]), str(bad), str(digests[1]), "--json")
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    assert {"files", "new", "duplicates"} <= report.keys()
    assert [
        set(f) >= {"path", "entries", "new", "duplicates", "error"} for f in report["files"]
    ] == [True] * 3
    assert [(f["entries"], f["new"], f["duplicates"]) for f in report["files"]] == [
        (2, 2, 0),
        (0, 0, 0),
        (1, 0, 1),
    ]
    assert "PDF" in report["files"][1]["error"]
    assert (report["new"], report["duplicates"]) == (2, 1)
    ok = run("import", str(digests[0]))
    assert ok.exit_code == 0, ok.output


def test_human_import_names_the_bad_file_on_stderr(run: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    res = run("import", str(empty))
    assert res.exit_code == 1
    assert f"{empty}: error: empty file" in res.stderr


def test_list_show_and_edits(run: Any, digests: list[Path]) -> None:
    assert run("import", *map(str, digests)).exit_code == 0
    papers = json.loads(run("list", "--json").stdout)
    assert len(papers) == 2
    assert all(p.keys() >= PAPER_FIELDS for p in papers)
    sparse = next(p for p in papers if p["title"] == "Sparse Adapters")
    pid = str(sparse["id"])
    assert [d["file_name"] for d in sparse["digests"]] == ["a.txt", "b.txt"]
    assert sparse["published"] == "2021-10-14"
    assert (sparse["upvotes"], sparse["authors_count"]) == (3, 4)

    assert run("tag", pid, "PEFT", "adapters").exit_code == 0
    assert run("tag", pid, "adapters", "--remove").exit_code == 0
    assert run("star", pid).exit_code == 0
    assert run("status", pid, "skimmed").exit_code == 0
    assert run("note", pid, "Read **section 3** first.").exit_code == 0
    shown = json.loads(run("show", pid, "--json").stdout)
    assert (shown["tags"], shown["starred"], shown["read_status"], shown["note"]) == (
        ["PEFT"],
        True,
        "skimmed",
        "Read **section 3** first.",
    )
    assert [p["id"] for p in json.loads(run("list", "--tag", "peft", "--json").stdout)] == [
        sparse["id"]
    ]
    assert [p["id"] for p in json.loads(run("list", "--starred", "--json").stdout)] == [
        sparse["id"]
    ]
    assert run("star", pid, "--off").exit_code == 0
    assert json.loads(run("list", "--starred", "--json").stdout) == []
    human = run("list").stdout
    assert "Sparse Adapters" in human
    assert "2 papers" in human


def test_note_from_file_and_errors(run: Any, digests: list[Path], tmp_path: Path) -> None:
    run("import", str(digests[0]))
    note = tmp_path / "n.md"
    note.write_text("# Heading\n\n- point", encoding="utf-8")
    assert run("note", "1", "--file", str(note)).exit_code == 0
    assert json.loads(run("show", "1", "--json").stdout)["note"] == "# Heading\n\n- point"
    missing = run("show", "999")
    assert missing.exit_code == 1
    assert "no paper with id 999" in missing.stderr
    assert run("note", "1").exit_code == 2  # neither text nor --file
    assert run("status", "1", "finished").exit_code == 2


def test_shelf_commands(run: Any, digests: list[Path]) -> None:
    run("import", str(digests[0]))
    assert run("shelf", "create", "To read").exit_code == 0
    assert run("shelf", "add", "To read", "2", "1").exit_code == 0
    assert run("shelf", "move", "To read", "1", "1").exit_code == 0
    shown = json.loads(run("shelf", "show", "to read", "--json").stdout)
    assert [p["id"] for p in shown["papers"]] == [1, 2]
    assert [p["id"] for p in json.loads(run("list", "--shelf", "To read", "--json").stdout)] == [
        1,
        2,
    ]
    assert run("shelf", "create", "to READ").exit_code == 1
    assert run("shelf", "delete", "To read").exit_code == 0
    assert json.loads(run("shelf", "list", "--json").stdout) == []


def test_trash_and_restore(run: Any, digests: list[Path]) -> None:
    run("import", str(digests[0]))
    assert run("trash", "1").exit_code == 0
    assert [p["id"] for p in json.loads(run("list", "--json").stdout)] == [2]
    assert [p["id"] for p in json.loads(run("list", "--trash", "--json").stdout)] == [1]
    assert run("restore", "1").exit_code == 0
    assert len(json.loads(run("list", "--json").stdout)) == 2


def test_environment_variable_chooses_the_library(
    tmp_path: Path, digests: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "from-env"
    monkeypatch.setenv("READINGLIST_HOME", str(home))
    res = CliRunner().invoke(cli, ["import", str(digests[0])])
    assert res.exit_code == 0
    assert (home / "library.sqlite3").is_file()


def test_console_script_runs_as_a_module(tmp_path: Path, digests: list[Path]) -> None:
    """``python -m readinglist`` works in a fresh process (no test-only state)."""
    lib = tmp_path / "lib"
    out = subprocess.run(
        [sys.executable, "-m", "readinglist", "--library", str(lib), "import", str(digests[0])],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "2 new" in out.stdout
    summary = subprocess.run(
        [sys.executable, "-m", "readinglist", "--library", str(lib), "summary", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(summary.stdout)["papers"] == 2


def test_real_digests_list_169(run: Any, real_digests: list[Path]) -> None:
    assert run("import", *map(str, real_digests)).exit_code == 0
    papers = json.loads(run("list", "--json").stdout)
    assert len(papers) == 169
    assert sum(1 for p in papers if p["published"]) >= 42
