"""What the command line prints for people: no escape sequence from user data, fitted by width."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import unicodedata
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from readinglist.cli import exits, terminal
from readinglist.cli.main import cli
from readinglist.digest import title_key
from readinglist.importing import Importer
from readinglist.layout import DB_NAME
from readinglist.library import Library
from readinglist.shelves import Shelves
from tests.conftest import ABSTRACT, REAL_DIGESTS, digest_text

if TYPE_CHECKING:
    pass

ROOT = Path(__file__).resolve().parents[2]

# -- clean ----------------------------------------------------------------------------------

RETITLE = "\x1b]0;pwned\x07"  # OSC 0: sets the terminal's title
ATTACKS = {
    "osc-title": RETITLE,
    "osc-title-st": "\x1b]2;pwned\x1b\\",
    "osc-52-clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "osc-8-link": "\x1b]8;;http://evil.example\x07",
    "csi-clear": "\x1b[2J",
    "csi-cursor": "\x1b[10;10H",
    "sgr-conceal": "\x1b[8m",
    "c1-csi": "\x9b2J",
    "carriage-return": "\r",
    "backspace": "\x08\x08\x08",
    "bell": "\x07",
    "dcs": "\x1bP1$r\x1b\\",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plain title", "Plain title"),
        (f"Title {RETITLE}here", "Title here"),
        ("a\x1b[2Jb\x1b[31mc", "abc"),
        ("two\nlines\tand tab", "two lines and tab"),
        ("crlf\r\nline", "crlf line"),
        ("c1 \x9b2J", "c1 2J"),
        ("日本語のタイトル", "日本語のタイトル"),
        ("e\u0301 accent", "e\u0301 accent"),
    ],
)
def test_clean_one_line(text: str, expected: str) -> None:
    assert terminal.clean(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("line 1\nline 2\n\n- item\twith tab", "line 1\nline 2\n\n- item\twith tab"),
        ("windows\r\nlines\rold mac", "windows\nlines\nold mac"),
        (f"note {RETITLE}\nsecond", "note \nsecond"),
    ],
)
def test_clean_multiline_keeps_newlines_and_tabs(text: str, expected: str) -> None:
    assert terminal.clean(text, multiline=True) == expected


def _controls(text: str, allowed: str = "") -> set[str]:
    return {c for c in text if unicodedata.category(c) == "Cc" and c not in allowed}


@given(st.text())
def test_clean_leaves_no_control_character(text: str) -> None:
    once = terminal.clean(text)
    assert not _controls(once)
    assert terminal.clean(once) == once
    multi = terminal.clean(text, multiline=True)
    assert not _controls(multi, allowed="\n\t")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_clean_keeps_text_without_controls(text: str) -> None:
    assert terminal.clean(text) == text.replace("\u2028", " ").replace("\u2029", " ")


# -- width and clipping ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "room", "expected"),
    [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("a longer title", 8, "a longe…"),
        ("日本語のタイトル", 7, "日本語…"),  # each character two columns
        ("日本語のタイトル", 8, "日本語 …"),  # a wide character never half-shown
        ("e\u0301e\u0301e\u0301e\u0301", 3, "e\u0301e\u0301…"),  # accents take no column
        ("anything", 0, ""),
    ],
)
def test_clip_counts_columns(text: str, room: int, expected: str) -> None:
    assert terminal.clip(text, room) == expected
    assert terminal.width(terminal.clip(text, room)) <= room


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))), st.integers(0, 80))
def test_clip_never_exceeds_its_room(text: str, room: int) -> None:
    clipped = terminal.clip(text, room)
    assert terminal.width(clipped) <= room
    if terminal.width(text) <= room:
        assert clipped == text


# -- the commands ------------------------------------------------------------------------------

CJK_TITLE = "大規模言語モデルの継続学習における破滅的忘却の抑制と評価についての研究"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library whose every user-supplied string carries escape sequences.

    The services refuse control characters on the way in (readinglist.textlimits), so the
    strings are written into the database directly, as an older version or another client
    of a shared library could have left them. Shared by the tests, which only read it.
    """
    tmp_path = tmp_path_factory.mktemp("hostile")
    location = tmp_path / "library"
    evil = "".join(ATTACKS.values())
    with Library.open(location, backups=False) as lib:
        Importer(lib).import_text(
            digest_text(
                ("Forgetting in large models", ABSTRACT),
                (CJK_TITLE, ABSTRACT),
                ("Catastrophic forgetting, measured", ABSTRACT),
            )
        )
        ids = lib.paper_ids()
        lib.add_tags(ids, ["tag", "plain"])
        Shelves(lib).create("Shelf")
        Shelves(lib).add("Shelf", ids)
        Shelves(lib).create("Plain")  # a name commands can be given
        Shelves(lib).add("Plain", ids)
        Shelves(lib).create("Smart", query="forgetting")
        for paper in ids:
            lib.set_note(paper, "first line")
    with closing(sqlite3.connect(location / DB_NAME)) as db, db:
        first = min(ids)
        db.execute(
            "UPDATE papers SET title = ?, abstract = ?, organization = ? WHERE id = ?",
            (f"Forgetting {evil} in large models", f"{ABSTRACT} {evil}\n{evil}", evil, first),
        )
        db.execute("UPDATE notes SET body = ?", (f"first line\n{evil}\nlast line",))
        db.execute("UPDATE tags SET name = ? WHERE name = 'tag'", (f"tag{RETITLE}",))
        # The display name only: commands still find the shelf by what a user can type.
        hostile_shelf = f"Shelf{RETITLE}"
        db.execute(
            "UPDATE shelves SET name = ?, name_key = ? WHERE name = 'Shelf'",
            (hostile_shelf, title_key(hostile_shelf)),
        )
        db.execute("UPDATE shelves SET query = ? WHERE query IS NOT NULL", (f"forgetting {evil}",))
        db.execute("UPDATE digests SET file_name = ?, date_label = ?", (f"d{RETITLE}.txt", evil))
    return location


def _assert_harmless(output: str, where: str) -> None:
    """Only our own colours (SGR ``ESC [ n m``) may appear; nothing from the data."""
    assert "pwned" not in output or "\x1b" not in output.split("pwned")[0][-6:], where
    without_sgr = re.sub(r"\x1b\[[0-9;]*m", "", output)
    assert not _controls(without_sgr, allowed="\n\t"), (where, output)
    assert "\x1b[8m" not in output, where  # conceal: never one of ours


def _human_commands(ids: list[int]) -> list[list[str]]:
    first = str(ids[0])
    return [
        ["list"],
        ["list", "--tag", "plain"],
        ["show", first],
        ["search", "forgetting"],
        ["similar", first],
        ["shelf", "list"],
        ["shelf", "show", "Plain"],
        ["stats"],
        ["tag", first, "another"],
        ["summary"],
        ["check"],
    ]


def test_no_escape_sequence_from_the_data_reaches_the_terminal(hostile: Path) -> None:
    with Library.open(hostile, backups=False) as lib:
        ids = lib.paper_ids()
    runner = CliRunner()
    for args in _human_commands(ids):
        result = runner.invoke(cli, ["--library", str(hostile), *args], color=True)
        assert result.exit_code == 0, (args, result.output)
        _assert_harmless(result.output, " ".join(args))
    with Library.open(hostile, backups=False) as lib:
        note = lib.paper(ids[0]).note
    assert note is not None
    assert "\x1b" in note


def test_an_import_report_cleans_file_names_and_warnings(tmp_path: Path) -> None:
    digest = tmp_path / f"digest{RETITLE}.txt"
    digest.write_text(digest_text(("Only A Title", "")), encoding="utf-8")
    bad = tmp_path / f"bad{RETITLE}.txt"
    bad.write_bytes(b"\x00\x01 binary")
    result = CliRunner().invoke(
        cli, ["--library", str(tmp_path / "lib"), "import", str(digest), str(bad)], color=True
    )
    assert result.exit_code == 1
    assert "bad" in result.output
    assert "Only" not in result.output
    _assert_harmless(result.output, "import")


def test_export_to_a_terminal_is_cleaned_but_a_pipe_gets_the_data(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["--library", str(hostile), "export", "--tag", "plain", "--format", "md"]
    piped = CliRunner().invoke(cli, args)
    assert piped.exit_code == 0
    assert RETITLE in piped.output  # a file format carries the data exactly
    monkeypatch.setattr(terminal, "is_terminal", lambda: True)
    shown = CliRunner().invoke(cli, args, color=True)
    assert shown.exit_code == 0
    _assert_harmless(shown.output, "export to a terminal")
    assert "first line\n" in shown.output  # notes keep their lines


def test_error_messages_are_cleaned(hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = exits.run(
        cli,
        ["--library", str(hostile), "shelf", "show", f"Missing{RETITLE}"],
        prog_name="readinglist",
        complete_var="_READINGLIST_COMPLETE",
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "Missing" in err
    _assert_harmless(err, "error")


@pytest.mark.parametrize("columns", [40, 80])
def test_listings_fit_the_terminal(
    hostile: Path, columns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    with Library.open(hostile, backups=False) as lib:
        ids = lib.paper_ids()
    for args in (
        ["list"],
        ["list", "--shelf", "Plain"],
        ["shelf", "show", "Plain"],
        ["shelf", "list"],
        ["search", "forgetting"],
        ["similar", str(ids[0])],
        ["stats"],
    ):
        if args == ["stats"] and columns < 60:
            continue  # the weekly table's figures alone take 46 columns
        result = CliRunner().invoke(cli, ["--library", str(hostile), *args])
        assert result.exit_code == 0, result.output
        titles = [line for line in result.output.splitlines() if "大" in line]
        if args[0] in ("list", "shelf") and args[-1] != "list":
            assert titles, (args, result.output)  # the CJK title is listed (clipped)
        for line in result.output.splitlines():
            if args[0] == "search" and line.startswith(" " * 8):
                continue  # snippets are prose, wrapped at min(columns, 110)
            if args[0] == "stats" and not line.startswith("  "):
                continue  # sentences, which the terminal wraps; the tables are indented
            assert terminal.width(line) <= columns, (args, line)


def test_a_listing_line_uses_the_whole_width_and_no_more(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "70")
    result = CliRunner().invoke(cli, ["--library", str(hostile), "list"])
    widths = [terminal.width(line) for line in result.output.splitlines()[:-1]]
    assert max(widths) == 70  # clipped titles end exactly at the edge


# -- pipes ------------------------------------------------------------------------------------


def _console(tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "READINGLIST_HOME": str(tmp_path / "lib")}
    return subprocess.Popen(
        [sys.executable, "-c", "from readinglist.cli.main import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


@pytest.fixture(scope="module")
def real_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library of the real digests (169 papers), for the tests that only read it."""
    root = tmp_path_factory.mktemp("real")
    with Library.open(root / "lib", backups=False) as lib:
        Importer(lib).import_files(sorted(REAL_DIGESTS.glob("*.txt")))
    return root


def test_a_closed_pipe_ends_quietly_with_status_0(real_library: Path) -> None:
    """``readinglist list | head -0``: the reader is gone before the first line."""
    proc = _console(real_library, "list")
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.close()  # the reader goes away before anything was written
    with proc.stderr:
        err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, err.decode()
    assert err == b""


def test_head_dash_1_reads_one_line_and_the_writer_ends_quietly(real_library: Path) -> None:
    shell = subprocess.run(
        ["bash", "-o", "pipefail", "-c", "readinglist list --limit 500 | head -1"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "READINGLIST_HOME": str(real_library / "lib"),
        },
        check=False,
    )
    assert shell.returncode == 0, shell.stderr
    assert len(shell.stdout.splitlines()) == 1
    assert shell.stderr == ""
