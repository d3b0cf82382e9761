"""CLI ergonomics: examples in every --help, shell completion, progress only on a terminal."""

from __future__ import annotations

import io
import subprocess
import sys
from typing import TYPE_CHECKING

import click
import pytest
from click.testing import CliRunner

from readinglist import __version__
from readinglist.cli import output
from readinglist.cli.examples import EXAMPLES, commands
from readinglist.cli.main import cli

if TYPE_CHECKING:
    from pathlib import Path

ALL = ["", *(path for path, _command in commands(cli))]


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"readinglist, version {__version__}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p or "readinglist")
def test_every_help_has_examples(path: str) -> None:
    result = CliRunner().invoke(cli, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`readinglist {path} --help` shows no example"
    example_lines = result.output.split("Example", 1)[1].splitlines()[1:]
    assert any(line.strip().startswith("readinglist") for line in example_lines)


def test_examples_name_real_commands() -> None:
    known = dict(commands(cli))
    assert set(EXAMPLES) <= set(known), set(EXAMPLES) - set(known)
    for path, lines in EXAMPLES.items():
        for line in lines:
            words = line.split()
            assert words[0] == "readinglist"
            assert path.split()[0] in words, f"{line!r} is not an example of {path!r}"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_script(shell: str) -> None:
    result = CliRunner().invoke(cli, ["completion", shell])
    assert result.exit_code == 0
    assert "_READINGLIST_COMPLETE" in result.output
    assert f"{shell}_complete" in result.output


def test_completion_completes_commands(tmp_path: Path) -> None:
    env = {
        "_READINGLIST_COMPLETE": "bash_complete",
        "COMP_WORDS": "readinglist sh",
        "COMP_CWORD": "1",
    }
    run = subprocess.run(
        [sys.executable, "-c", "from readinglist.cli.main import main; main()"],
        capture_output=True,
        text=True,
        env={**env, "PATH": "/usr/bin:/bin", "READINGLIST_HOME": str(tmp_path)},
        check=False,
    )
    assert "plain,shelf" in run.stdout, run.stdout + run.stderr
    assert "plain,show" in run.stdout


def test_completion_rejects_unknown_shell() -> None:
    result = CliRunner().invoke(cli, ["completion", "tcsh"])
    assert result.exit_code == 2
    assert "tcsh" in result.output


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize(
    ("stdout_tty", "stderr_tty", "enabled", "shown"),
    [
        (True, True, True, True),  # a terminal: the bar
        (False, True, True, False),  # output piped (readinglist import ... | tee log)
        (True, False, True, False),  # stderr redirected
        (True, True, False, False),  # --json
    ],
)
def test_progress_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, stdout_tty: bool, stderr_tty: bool, enabled: bool, shown: bool
) -> None:
    err = _Stream(stderr_tty)
    monkeypatch.setattr(sys, "stdout", _Stream(stdout_tty))
    monkeypatch.setattr(sys, "stderr", err)
    with output.progress(10, "Importing", enabled=enabled) as bar:
        for n in range(1, 11):
            bar(n)
    assert ("Importing" in err.getvalue()) is shown


def test_commands_are_click_commands() -> None:
    # The walk that the help test relies on sees nested groups too.
    paths = dict(commands(cli))
    assert isinstance(paths["shelf"], click.Group)
    assert {"shelf show", "stats", "completion"} <= set(paths)
