"""Tab completion offers the library's shelf names, tag names and paper ids, fast and read-only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete

from readinglist.cli.main import cli
from readinglist.importing import Importer
from readinglist.layout import DB_NAME
from readinglist.library import Library
from readinglist.shelves import Shelves
from readinglist.store import quickread
from tests.conftest import ABSTRACT, digest_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Papers 1-4 (4 in the Trash), tags lora/lab/vision, shelves 'To read' and 'Lab'.

    Shared by the tests of this module, which only read it (one copies it to write)."""
    location = tmp_path_factory.mktemp("completion") / "library"
    with Library.open(location, backups=False) as lib:
        Importer(lib).import_text(
            digest_text(
                ("Low-Rank Adapters", ABSTRACT),
                ("Vision Transformers", ABSTRACT),
                ("Catastrophic Forgetting", ABSTRACT),
                ("Trashed Paper", ABSTRACT),
            )
        )
        lib.add_tags([1, 2], ["lora", "lab"])
        lib.add_tags([3], ["vision"])
        Shelves(lib).create("To read")
        Shelves(lib).create("Lab")
        lib.trash([4])
    return location


def complete(args: list[str], incomplete: str) -> list[tuple[str, str | None]]:
    found = ShellComplete(cli, {}, "readinglist", "_READINGLIST_COMPLETE").get_completions(
        args, incomplete
    )
    return [(item.value, item.help) for item in found]


def values(args: list[str], incomplete: str) -> list[str]:
    return [value for value, _help in complete(args, incomplete)]


@pytest.mark.parametrize(
    ("args", "incomplete", "expected"),
    [
        (["shelf", "add"], "", ["To read", "Lab"]),
        (["shelf", "show"], "t", ["To read"]),
        (["shelf", "rename"], "L", ["Lab"]),
        (["list", "--shelf"], "", ["To read", "Lab"]),
        (["export", "--shelf"], "to", ["To read"]),
        (["tag", "1"], "l", ["lab", "lora"]),
        (["tag", "1", "lora"], "v", ["vision"]),
        (["list", "--tag"], "", ["lab", "lora", "vision"]),
        (["export", "--tag"], "V", ["vision"]),
        (["show"], "", ["3", "2", "1"]),
        (["star", "1"], "2", ["2"]),
        (["similar"], "", ["3", "2", "1"]),
        (["shelf", "add", "Lab"], "", ["3", "2", "1"]),
        (["trash"], "x", []),
        (["restore"], "", ["4"]),
    ],
)
def test_completion_offers_the_librarys_names_and_ids(
    library_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    incomplete: str,
    expected: list[str],
) -> None:
    monkeypatch.setenv("READINGLIST_HOME", str(library_dir))
    assert values(args, incomplete) == expected


def test_paper_ids_come_with_their_titles(library_dir: Path) -> None:
    found = complete(["--library", str(library_dir), "show"], "")
    assert found == [
        ("3", "Catastrophic Forgetting"),
        ("2", "Vision Transformers"),
        ("1", "Low-Rank Adapters"),
    ]


def test_the_library_option_on_the_line_is_used(library_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    with Library.open(other, backups=False) as lib:
        Shelves(lib).create("Elsewhere")
    assert values(["--library", str(other), "shelf", "show"], "") == ["Elsewhere"]
    assert values(["--library", str(library_dir), "shelf", "show"], "") == ["To read", "Lab"]


def test_completing_never_creates_a_library(tmp_path: Path) -> None:
    missing = tmp_path / "no-library-here"
    assert values(["--library", str(missing), "shelf", "show"], "") == []
    assert values(["--library", str(missing), "show"], "") == []
    assert not missing.exists()


def test_a_shared_library_offers_nothing() -> None:
    url = "postgresql://alice@db.lab.example/papers"  # never contacted
    assert values(["--library", url, "shelf", "show"], "") == []
    assert values(["--library", url, "tag", "1"], "") == []


def test_a_damaged_database_offers_nothing(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"not a database at all" * 100)
    assert quickread.shelf_names(tmp_path) == []
    assert quickread.paper_ids(tmp_path) == []


def files(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_reading_changes_no_file(library_dir: Path) -> None:
    before = files(library_dir)
    assert quickread.tag_names(library_dir) == ["lab", "lora", "vision"]
    assert files(library_dir) == before


def test_reading_while_the_library_is_open_sees_its_latest_changes(
    library_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "library"
    shutil.copytree(library_dir, copy)
    with Library.open(copy, backups=False) as lib:
        Shelves(lib).create("Just now")  # in the write-ahead log, not yet in the file
        assert quickread.shelf_names(copy) == ["To read", "Lab", "Just now"]


def test_completion_loads_no_search_index_nor_migrations(library_dir: Path) -> None:
    """The value look-up itself imports neither Whoosh, Alembic nor SQLAlchemy."""
    code = (
        "import sys, json;"
        "from readinglist.cli import completion_values;"
        "from readinglist.store import quickread;"
        f"names = quickread.shelf_names(__import__('pathlib').Path({str(library_dir)!r}));"
        "print(json.dumps([names, sorted(m for m in ('whoosh', 'alembic', 'sqlalchemy') "
        "if m in sys.modules)]))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    names, loaded = json.loads(run.stdout)
    assert names == ["To read", "Lab"]
    assert loaded == []


def bash_tab(library_dir: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Press tab after ``readinglist shelf show L`` in bash: ``code`` runs the command line."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "_READINGLIST_COMPLETE": "bash_complete",
            "COMP_WORDS": "readinglist shelf show L",
            "COMP_CWORD": "3",
            "READINGLIST_HOME": str(library_dir),
            "PYTHONPATH": str(ROOT),
        },
        check=False,
    )


def test_bash_completes_shelf_names_end_to_end(library_dir: Path) -> None:
    before = files(library_dir)
    run = bash_tab(library_dir, "from readinglist.cli.main import main; main()")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["plain,Lab"]
    assert files(library_dir) == before  # no index opened, no backup made, nothing written


def test_a_tab_press_loads_no_search_index_nor_migrations(library_dir: Path) -> None:
    """The whole completion, command tree included, in a process of its own."""
    run = bash_tab(
        library_dir,
        "import atexit, sys;"
        "atexit.register(lambda: print(sorted(m for m in ('whoosh', 'alembic') "
        "if m in sys.modules), file=sys.stderr));"
        "from readinglist.cli.main import main; main()",
    )
    assert run.stdout.splitlines() == ["plain,Lab"]
    assert run.stderr.strip().splitlines()[-1] == "[]"
