"""The PyInstaller bundle starts: ``--version``, a command, and the window (offscreen).

Building takes minutes, so this is collected only when asked for (tests/conftest.py):

    READINGLIST_BUNDLE=build/dist/readinglist/readinglist pytest tests/packaging/test_bundle.py
    READINGLIST_BUILD_BUNDLE=1 pytest tests/packaging/test_bundle.py   # build it first
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILT = ROOT / "build" / "dist" / "readinglist" / "readinglist"


def _bundle() -> Path:
    given = os.environ.get("READINGLIST_BUNDLE")
    if given:
        return Path(given)
    if os.environ.get("READINGLIST_BUILD_BUNDLE") == "1":
        subprocess.run([str(ROOT / "packaging" / "build.sh"), "--no-test"], check=True)
        return BUILT
    raise pytest.UsageError("set READINGLIST_BUNDLE=PATH or READINGLIST_BUILD_BUNDLE=1")


@pytest.mark.slow
def test_bundle_smoke_test() -> None:
    app = _bundle()
    assert app.is_file(), f"{app}: no such binary"
    run = subprocess.run(
        [str(ROOT / "packaging" / "smoke_test.sh"), str(app)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "smoke test passed" in run.stdout
