"""The main window opens its other windows: export, triage, statistics, backups, check."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog, QMenu

from readinglist.core import Scope, View
from readinglist.gui.backups_dialog import BackupsDialog
from readinglist.gui.check_dialog import CheckDialog
from readinglist.gui.export_dialog import ExportDialog
from readinglist.gui.stats_view import StatsDialog
from readinglist.gui.triage_view import TriageView
from readinglist.records import Triage
from readinglist.shelves import Shelves

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from readinglist.library import Library
    from tests.gui.conftest import WindowFactory


def _select_all(window: object) -> None:
    table = window.table  # type: ignore[attr-defined]
    table.setFocus()
    table.selectAll()


def test_library_menu_lists_the_tools(make_window: WindowFactory, papers: list[int]) -> None:
    window = make_window()
    titles = [m.title().replace("&", "") for m in window.menuBar().findChildren(QMenu)]
    assert "Library" in titles
    library_menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&Library")
    texts = [a.text().replace("&", "") for a in library_menu.actions() if a.text()]
    assert texts[:2] == ["New Shelf…", "Save Search as Smart Shelf…"]
    assert {"Backups…", "Check Library…", "Open Shared Library…"} <= set(texts)


def test_export_offers_the_selection(make_window: WindowFactory, papers: list[int]) -> None:
    window = make_window()
    _select_all(window)
    window.tools.export.trigger()
    dialog = window.tools.last_dialog
    assert isinstance(dialog, ExportDialog)
    scope = window.tools.current_scope()
    assert scope.view == View.PAPERS
    assert sorted(scope.ids) == papers
    dialog.close()


def test_copy_as_markdown_puts_titles_on_the_clipboard(
    make_window: WindowFactory, papers: list[int], library: Library
) -> None:
    window = make_window()
    _select_all(window)
    window.tools.copy_markdown.trigger()
    text = QGuiApplication.clipboard().text()
    for record in library.papers(papers):
        assert record.title in text


def test_triage_from_the_window_keeps_a_paper(
    qtbot: QtBot, make_window: WindowFactory, papers: list[int], library: Library
) -> None:
    window = make_window()
    window.tools.triage.trigger()
    dialog = window.tools.last_dialog
    assert dialog is not None
    view = dialog.findChild(TriageView)
    assert view is not None
    first = view.session.current_id
    assert first is not None
    QTest.keyClick(view, Qt.Key.Key_Space)
    assert library.paper(first).triage == Triage.KEPT
    QTest.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_add_to_shelf_creates_it_when_new(
    make_window: WindowFactory, papers: list[int], library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    _select_all(window)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *_a, **_k: ("Thesis", True))
    window.tools.add_to_shelf.trigger()
    assert sorted(Shelves(library).paper_ids("Thesis")) == papers


def test_save_search_as_smart_shelf(
    make_window: WindowFactory, papers: list[int], library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    window.search.set_query("diffusion")
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("Diffusion", True))
    window.tools.save_search.trigger()
    assert Shelves(library).get("Diffusion").query == "diffusion"


@pytest.mark.parametrize(
    ("name", "kind"),
    [("statistics", StatsDialog), ("backups", BackupsDialog), ("check", CheckDialog)],
)
def test_library_tools_open_their_dialogs(
    qtbot: QtBot, make_window: WindowFactory, papers: list[int], name: str, kind: type
) -> None:
    window = make_window()
    getattr(window.tools, name).trigger()
    dialog = window.tools.last_dialog
    assert dialog is not None
    assert isinstance(dialog, kind)
    with qtbot.waitExposed(dialog):
        pass
    dialog.close()


def test_rename_and_delete_shelf_with_undo(
    make_window: WindowFactory, papers: list[int], library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    shelves = Shelves(library)
    shelves.create("Later")
    shelves.create("Reading")
    shelves.add("Reading", [papers[2], papers[0]])
    window = make_window()
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("Deep reading", True))
    window.tools.rename_shelf("Reading")
    assert [s.name for s in shelves.list()] == ["Later", "Deep reading"]
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    window.tools.delete_shelf("Deep reading")
    assert [s.name for s in shelves.list()] == ["Later"]
    window.undo_stack.undo()  # the shelf comes back in its place with its order
    assert [s.name for s in shelves.list()] == ["Later", "Deep reading"]
    assert shelves.paper_ids("Deep reading") == [papers[2], papers[0]]
    window.undo_stack.undo()
    assert [s.name for s in shelves.list()] == ["Later", "Reading"]
    window.undo_stack.redo()
    assert shelves.get("deep reading").count == 2


def test_empty_trash_asks_first(
    make_window: WindowFactory, papers: list[int], library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    library.trash([papers[0]])
    window = make_window()
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.No)
    window.tools.empty_trash()
    assert library.paper(papers[0]).trashed
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    window.tools.empty_trash()
    assert papers[0] not in library.paper_ids(Scope.trash())


def test_sidebar_offers_actions_per_entry(make_window: WindowFactory, papers: list[int]) -> None:
    from readinglist.core import Scope, View
    from readinglist.gui.sources import INBOX, TRASH

    window = make_window()

    def names(source: Scope) -> list[str]:
        return [text for text, _ in window.tools.sidebar_actions(source)]

    assert names(Scope(View.SHELF, "X")) == [
        "Rename Shelf…",
        "Delete Shelf…",
        "Export Shelf…",
    ]
    assert names(TRASH) == ["Empty Trash…"]
    assert names(INBOX) == ["Triage…"]
