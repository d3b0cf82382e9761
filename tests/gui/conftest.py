"""Fixtures for the window tests: small libraries, private settings, an opened main window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import insert

from readinglist.gui.main_window import MainWindow
from readinglist.gui.tasks import shutdown_tasks
from readinglist.importing import Importer
from readinglist.store.models import Paper
from tests.conftest import ABSTRACT, digest_text

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from readinglist.library import Library

TITLES = (
    "Forgetting in Fine-Tuned Language Models",
    "LoRA Adapters for Vision Transformers",
    "Diffusion Models Learn to Denoise",
    "Retrieval-Augmented Generation at Scale",
    "Reward Modeling for Preference Optimization",
)
FILLER = (
    " We report experiments on several public benchmarks, compare with strong baselines and"
    " release our code and data so that others can build on the results."
)
ABSTRACTS = (
    ABSTRACT,
    "Low-rank adapters (LoRA) tune vision transformers cheaply. See https://example.org/lora "
    "and file:///etc/passwd for nothing." + FILLER,
    "Denoising diffusion models generate images step by step from noise." + FILLER,
    "Retrieval helps large language models answer questions with fresh documents." + FILLER,
    "We model human preferences with a reward model and optimise the policy against it." + FILLER,
)


@pytest.fixture(autouse=True)
def _no_leftover_tasks() -> Iterator[None]:
    yield
    assert shutdown_tasks(3000)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings of the test's own: never the user's, never another test's."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def papers(library: Library, tmp_path: Path) -> list[int]:
    """Five papers imported from one small digest (through the real importer, so indexed)."""
    path = tmp_path / "digest.txt"
    path.write_text(digest_text(*zip(TITLES, ABSTRACTS, strict=True)), encoding="utf-8")
    result = Importer(library).import_files([path])
    assert not result.failed
    return sorted(result.files[0].new_ids)


def bulk_papers(library: Library, n: int) -> None:
    """``n`` papers written straight into the store: fast, and not indexed (not needed)."""
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "title": f"Paper number {i}",
            "title_key": f"paper number {i}",
            "abstract": f"Abstract {i}. " * 40,
            "links": [],
            "added_at": now - dt.timedelta(seconds=i),
            "updated_at": now,
        }
        for i in range(n)
    ]
    with library.write(sync=False) as tx:
        tx.session.execute(insert(Paper), rows)


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, library: Library, settings: QSettings) -> Iterator[WindowFactory]:
    """Open a main window (more than once: closing and reopening is part of some tests)."""
    windows: list[MainWindow] = []

    def make(lib: Library | None = None, *, poll_ms: int = 60_000, size: bool = True) -> MainWindow:
        window = MainWindow(lib or library, settings, poll_ms=poll_ms)
        qtbot.addWidget(window)
        if size:
            window.resize(1200, 700)
        with qtbot.waitExposed(window):
            window.show()
        # Shortcuts go to the active window: make it this one, not a previous test's.
        with qtbot.waitActive(window):
            window.activateWindow()
        qtbot.waitUntil(lambda: not window._counts.busy)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.isVisible():
            window.close()
