"""``readinglist gui --smoke-test`` (what the packaged build's check runs) and ``gui FILE...``."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

from click.testing import CliRunner

from readinglist.cli.main import cli
from readinglist.resources import sample_digest

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_smoke_test_opens_paints_and_exits_0(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "readinglist",
            "--library",
            str(tmp_path / "lib"),
            "gui",
            "--smoke-test",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "lib" / "library.sqlite3").is_file()


def test_gui_passes_files_to_the_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from readinglist.gui import app

    calls: list[tuple[object, ...]] = []

    def fake_run(location: Path, files: tuple[Path, ...] = (), *, smoke_test: bool = False) -> int:
        calls.append((location, tuple(files), smoke_test))
        return 0

    monkeypatch.setattr(app, "run", fake_run)
    digest = sample_digest()
    result = CliRunner().invoke(
        cli, ["--library", str(tmp_path / "lib"), "gui", "--smoke-test", str(digest)]
    )
    assert result.exit_code == 0, result.output
    assert calls == [(tmp_path / "lib", (digest,), True)]


def test_smoke_test_option_is_hidden() -> None:
    result = CliRunner().invoke(cli, ["gui", "--help"])
    assert "FILES" in result.output
    assert "--smoke-test" not in result.output
