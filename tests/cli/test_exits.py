"""How a run ends: click's exit statuses, kept while broken pipes and messages are handled."""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING

import pytest

from readinglist.cli import exits
from readinglist.cli.main import cli
from readinglist.library import Library

if TYPE_CHECKING:
    from pathlib import Path


def run(args: list[str]) -> int:
    return exits.run(cli, args, prog_name="readinglist", complete_var="_READINGLIST_COMPLETE")


@pytest.fixture(autouse=True)
def _library() -> None:
    """A library at $READINGLIST_HOME (tests/conftest.py points it into a temporary home)."""
    Library.open(os.environ["READINGLIST_HOME"], backups=False).close()


@pytest.mark.parametrize(
    ("args", "status", "says"),
    [
        (["--help"], 0, "Usage: readinglist"),
        (["--version"], 0, "readinglist, version"),
        (["summary"], 0, "Library:"),
        (["no-such-command"], 2, "No such command"),
        (["show", "not-a-number"], 2, "is not a valid integer"),
        (["show", "999999"], 1, "Error:"),
        (["backup", "restore", "latest"], 1, "no verified backup"),
    ],
)
def test_exit_statuses(
    args: list[str], status: int, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(args) == status
    shown = capsys.readouterr()
    assert says in shown.out + shown.err


def test_declining_a_confirmation_aborts_with_status_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "copy.sqlite3"
    assert run(["backup", "create", str(backup)]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert run(["backup", "restore", str(backup)]) == 1
    assert "Aborted!" in capsys.readouterr().err


def test_an_interrupt_ends_with_aborted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("readinglist.cli.output.print_summary", interrupted)
    assert run(["summary"]) == 1
    assert "Aborted!" in capsys.readouterr().err
