"""Each face gives one answer: the command line's fixes from the core issue, end to end."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from readinglist.cli.main import cli
from readinglist.library import Library
from readinglist.records import Triage
from tests.conftest import ABSTRACT, digest_text

TITLES = (
    "LoRA Adapters for Vision Transformers",
    "Diffusion Models Learn to Denoise",
    "Sparse Adapters Revisited",
    "Retrieval at Scale",
)


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    """A library with four papers, built through the command line itself."""
    digest = tmp_path / "digest.txt"
    digest.write_text(digest_text(*((t, ABSTRACT) for t in TITLES)), encoding="utf-8")
    location = tmp_path / "lib"
    assert _run(location, "import", str(digest)).exit_code == 0
    return location


def _run(location: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--library", str(location), *args], input=input)


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _ids(location: Path) -> dict[str, int]:
    return {p["title"]: p["id"] for p in _json(_run(location, "list", "--json"))}


def test_adding_a_paper_already_on_the_shelf_keeps_its_place_and_says_so(lib: Path) -> None:
    ids = _ids(lib)
    first, second, third = (ids[t] for t in TITLES[:3])
    assert _run(lib, "shelf", "create", "Queue").exit_code == 0
    assert _run(lib, "shelf", "add", "Queue", str(first), str(second), str(third)).exit_code == 0
    again = _run(lib, "shelf", "add", "Queue", str(first))
    assert again.exit_code == 0
    assert "added 0 to 'Queue' (1 already there, kept in place)" in again.output
    shown = _json(_run(lib, "shelf", "show", "Queue", "--json"))
    assert [p["id"] for p in shown["papers"]] == [first, second, third]


def test_smart_shelves_are_counted_and_listed_like_everywhere_else(lib: Path) -> None:
    assert _run(lib, "shelf", "create", "Adapters", "--query", "adapters").exit_code == 0
    assert _run(lib, "shelf", "create", "Nothing", "--query", "zzzzzz").exit_code == 0
    rows = {s["name"]: s for s in _json(_run(lib, "shelf", "list", "--json"))}
    assert rows["Adapters"]["count"] == 2
    assert rows["Nothing"]["count"] == 0
    text = _run(lib, "shelf", "list").output
    assert any(line.split()[:2] == ["Adapters", "2"] for line in text.splitlines())
    listed = [p["id"] for p in _json(_run(lib, "list", "--shelf", "Adapters", "--json"))]
    shown = _json(_run(lib, "shelf", "show", "Adapters", "--json"))
    assert listed == [p["id"] for p in shown["papers"]]
    assert sorted(listed) == sorted(_ids(lib)[t] for t in (TITLES[0], TITLES[2]))


def test_dismissed_papers_follow_one_rule_in_every_command(lib: Path) -> None:
    ids = _ids(lib)
    lora = ids[TITLES[0]]
    with Library.open(lib) as library:
        library.set_triage([lora], Triage.DISMISSED)
    assert _run(lib, "shelf", "create", "Adapters", "--query", "adapters").exit_code == 0
    listed = {p["id"] for p in _json(_run(lib, "list", "--json"))}
    searched = {p["id"] for p in _json(_run(lib, "search", "adapters", "--json"))}
    shelved = {p["id"] for p in _json(_run(lib, "list", "--shelf", "Adapters", "--json"))}
    exported = _json(_run(lib, "export", "--query", "adapters", "-f", "csljson"))
    assert lora not in listed | searched | shelved
    assert len(exported) == len(searched) == len(shelved) == 1
    asked = {p["id"] for p in _json(_run(lib, "search", "adapters", "is:dismissed", "--json"))}
    assert asked == {lora}
    assert {p["id"] for p in _json(_run(lib, "list", "--dismissed", "--json"))} == {lora}
    # The whole library (a backup) keeps everything.
    everything = _json(_run(lib, "export", "--all", "-f", "json"))
    assert {p["title"] for p in everything["papers"]} == set(TITLES)


def test_note_file_dash_reads_standard_input(lib: Path) -> None:
    paper = next(iter(_ids(lib).values()))
    done = _run(lib, "note", str(paper), "--file", "-", input="# From a pipe\n\nReread §3.\n")
    assert done.exit_code == 0, done.output
    assert _json(_run(lib, "show", str(paper), "--json"))["note"] == "# From a pipe\n\nReread §3.\n"


def test_note_if_version_refuses_a_stale_save(lib: Path) -> None:
    paper = str(next(iter(_ids(lib).values())))
    assert _run(lib, "note", paper, "first", "--if-version", "0").exit_code == 0
    stale = _run(lib, "note", paper, "second", "--if-version", "0")
    assert stale.exit_code == 1
    assert "since you opened it" in stale.output
    assert _json(_run(lib, "show", paper, "--json"))["note"] == "first"
    assert _run(lib, "note", paper, "second", "--if-version", "1").exit_code == 0


def test_note_without_a_version_warns_whose_note_it_replaced(
    lib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paper = str(next(iter(_ids(lib).values())))
    monkeypatch.setenv("READINGLIST_AUTHOR", "alice")
    assert _run(lib, "note", paper, "alice's thoughts").exit_code == 0
    monkeypatch.setenv("READINGLIST_AUTHOR", "bob")
    replaced = _run(lib, "note", paper, "bob's thoughts")
    assert replaced.exit_code == 0
    assert "replaced a note last saved by alice" in replaced.output
    again = _run(lib, "note", paper, "bob's second thoughts")
    assert "replaced" not in again.output  # his own note: nothing to say


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("show", "1"),
        ("search", "lora"),
        ("export", "--all", "-f", "md"),
        ("stats",),
        ("check",),
        ("summary",),
        ("shelf", "list"),
        ("tag", "1", "x"),
        ("star", "1"),
        ("reindex",),
    ],
    ids=lambda a: " ".join(a),
)
def test_a_folder_without_a_library_is_refused_not_created(
    tmp_path: Path, args: tuple[str]
) -> None:
    nowhere = tmp_path / "no-library-here"
    result = _run(nowhere, *args)
    assert result.exit_code == 1
    assert str(nowhere) in result.output
    assert "no library here" in result.output
    assert not nowhere.exists()


def test_json_timestamps_carry_their_utc_offset(lib: Path) -> None:
    (paper, *_rest) = _json(_run(lib, "list", "--json"))
    for field in ("added", "updated"):
        moment = dt.datetime.fromisoformat(paper[field])
        assert moment.utcoffset() == dt.timedelta(0), field
    assert _run(lib, "shelf", "create", "Q").exit_code == 0
    (shelf,) = _json(_run(lib, "shelf", "list", "--json"))
    assert dt.datetime.fromisoformat(shelf["changed_at"]).utcoffset() == dt.timedelta(0)


def test_a_closed_pipe_of_edits_is_reported_once(lib: Path) -> None:
    """Edits through the real console script: exit statuses scripts rely on."""
    paper = str(next(iter(_ids(lib).values())))
    proc = subprocess.run(
        [sys.executable, "-m", "readinglist", "--library", str(lib), "star", paper, "999999"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "no paper with id 999999" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_an_export_into_the_library_folder_is_refused(lib: Path) -> None:
    database = lib / "library.sqlite3"
    before = database.read_bytes()
    refused = _run(lib, "export", "--all", "-f", "csv", "-o", str(database))
    assert refused.exit_code == 1
    assert "inside the library's own folder" in refused.output
    assert database.read_bytes() == before
    assert (
        _run(lib, "export", "--all", "-f", "csv", "-o", str(lib / "backups" / "x.csv")).exit_code
        == 1
    )


def test_one_bad_path_among_many_is_reported_per_file(lib: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(digest_text(("A Fresh Paper", ABSTRACT), label="Mar 14"), encoding="utf-8")
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = _run(lib, "import", str(folder), str(tmp_path / "missing.txt"), str(good), "--json")
    assert result.exit_code == 1  # some files failed; the good one is imported all the same
    report = json.loads(result.stdout)
    errors = {Path(f["path"]).name: f["error"] for f in report["files"]}
    assert "directory" in errors["a-folder"]
    assert "not found" in errors["missing.txt"]
    assert errors["good.txt"] is None
    assert report["new"] == 1


def test_listing_loads_neither_whoosh_nor_alembic(lib: Path) -> None:
    """A command that never searches never imports the search engine or the migrator."""
    probe = (
        "import sys\n"
        "from readinglist.cli.main import main\n"
        "try:\n"
        f"    main(['--library', {str(lib)!r}, 'list', '--limit', '2'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('whoosh', 'alembic') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
