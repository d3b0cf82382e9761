"""Start-up: `readinglist` opens the window, or prints the summary where there is no display."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from readinglist.cli import main as cli_main
from readinglist.cli.main import cli

if TYPE_CHECKING:
    from pathlib import Path

    from readinglist.library import Library


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({}, "win32", True),
        ({}, "darwin", True),
    ],
)
def test_has_display(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], platform: str, expected: bool
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    assert cli_main._has_display() is expected


@pytest.mark.parametrize("args", [[], ["gui"]])
def test_without_a_display_the_summary_is_shown(
    monkeypatch: pytest.MonkeyPatch, library: Library, papers: list[int], args: list[str]
) -> None:
    monkeypatch.setattr(cli_main, "_has_display", lambda: False)
    result = CliRunner().invoke(cli, ["--library", str(library.location), *args])
    assert result.exit_code == 0, result.output
    assert "No display" in result.output  # the one-line note (stderr, mixed in here)
    assert "Papers   5" in result.output


def test_commands_do_not_load_qt(library: Library) -> None:
    code = textwrap.dedent(
        f"""
        import sys
        from readinglist.cli.main import main
        try:
            main(["--library", {str(library.location)!r}, "summary"])
        except SystemExit:
            pass
        assert not any(m.startswith("PySide6") for m in sys.modules), "Qt was loaded"
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_run_opens_the_window_and_quits_cleanly(
    tmp_path: Path, library: Library, papers: list[int]
) -> None:
    """The real start-up path, in its own process: window, background index sync, exit 0."""
    location = library.location
    library.close()
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        from readinglist.gui import app

        def close():
            windows = [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"]
            assert windows and windows[0].isVisible()
            print("TITLE", windows[0].windowTitle())
            windows[0].close()

        app.application()  # timers need the application object
        QTimer.singleShot(1500, close)
        sys.exit(app.run(Path({str(location)!r})))
        """
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert f"TITLE readinglist — {location}" in done.stdout
    assert not (location / "window.lock").exists()
    # The daily backup was made in the background, after the window showed.
    assert any("daily" in b.name for b in (location / "backups").iterdir())


def test_a_second_window_on_a_local_library_is_refused_naming_the_holder(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock is held by another process here; run() says which and exits without a window."""
    from PySide6.QtWidgets import QMessageBox

    from readinglist.gui import app
    from readinglist.library import Library

    Library.open(library_dir).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from readinglist.maintenance.lock import InstanceLock
                lock = InstanceLock({str(library_dir)!r}).acquire()  # what `check` holds
                print("locked", flush=True)
                time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        shown: list[str] = []
        monkeypatch.setattr(
            QMessageBox, "information", lambda _p, _t, text, *_a: shown.append(text)
        )
        assert app.run(library_dir) == 1
        assert len(shown) == 1
        assert "already has this library open" in shown[0]
        assert f"process {holder.pid}" in shown[0]
    finally:
        holder.kill()
        holder.communicate()  # waits, and closes the pipe
