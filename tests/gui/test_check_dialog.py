"""Library > Check Library…: runs off the GUI thread, lists problems, Repair fixes them."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from readinglist.errors import LibraryError
from readinglist.gui.check_dialog import CheckDialog
from readinglist.importing import Importer
from readinglist.layout import DB_NAME
from readinglist.library import Library
from readinglist.maintenance.check import CheckReport, Problem, check_library
from readinglist.shelves import Shelves
from tests.conftest import ABSTRACT, digest_text

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


@pytest.fixture
def lib(library: Library) -> Library:
    Importer(library).import_text(
        digest_text(("Alpha Adapters", ABSTRACT), ("Beta", ABSTRACT), ("Gamma", ABSTRACT))
    )
    Shelves(library).create("Queue")
    Shelves(library).add("Queue", library.paper_ids())
    return library


def _open(qtbot: QtBot, lib: Library, **kwargs: object) -> CheckDialog:
    dialog = CheckDialog(lib, start=False, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.checked, timeout=10_000):
        dialog.run_check()
        assert dialog.busy
        assert not dialog.check_button.isEnabled()
    return dialog


def test_a_healthy_library(qtbot: QtBot, lib: Library) -> None:
    dialog = _open(qtbot, lib)
    assert dialog.summary.text() == "No problems found in 3 papers."
    assert dialog.problem_codes() == []
    assert dialog.repair_button.isHidden()
    assert dialog.check_button.isEnabled()


def test_problems_are_listed_and_repair_fixes_them(qtbot: QtBot, lib: Library) -> None:
    conn = sqlite3.connect(lib.location / DB_NAME)
    conn.execute("UPDATE shelf_items SET position = position * 3")
    conn.commit()
    conn.close()

    dialog = _open(qtbot, lib)
    assert dialog.summary.text() == "1 problem found in 3 papers:"
    assert dialog.problem_codes() == ["shelf_positions"]
    assert "Queue" in dialog.problems.item(0).text()
    assert dialog.repair_button.isEnabled()

    with qtbot.waitSignal(dialog.repaired, timeout=10_000) as repaired:
        QTest.mouseClick(dialog.repair_button, Qt.MouseButton.LeftButton)
    report = repaired.args[0]
    assert report.ok
    assert report.backup
    assert dialog.summary.text() == "Repaired 1 problem. No problems found in 3 papers."
    assert "A backup from before the repair" in dialog.note.text()
    assert check_library(lib).ok


def test_problems_repair_cannot_fix_point_to_backups(qtbot: QtBot, lib: Library) -> None:
    broken = Problem("integrity", "SQLite integrity check: page 4 is broken", 1, False)

    def check(library: Library) -> CheckReport:
        return CheckReport(str(library.location), 3, (broken,))

    dialog = _open(qtbot, lib, check=check)
    assert dialog.problems.item(0).text().endswith("(not repairable)")
    assert not dialog.repair_button.isEnabled()
    assert "Backups" in dialog.note.text()


def test_a_check_that_fails_says_so(qtbot: QtBot, lib: Library) -> None:
    def check(_library: Library) -> CheckReport:
        raise LibraryError("the library folder is gone")

    dialog = CheckDialog(lib, check=check, start=False)
    qtbot.addWidget(dialog)
    dialog.run_check()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.summary.text() == "The check could not run: the library folder is gone"
