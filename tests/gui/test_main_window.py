"""The main window, driven through its widgets: keys, undo, notes, search, outside changes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from readinglist.core import Scope, View
from readinglist.gui.paper_table import Column
from readinglist.gui.sidebar import Section
from readinglist.gui.sources import TRASH
from readinglist.gui.tasks import running_tasks
from readinglist.library import Library
from readinglist.records import ReadStatus
from tests.conftest import ABSTRACT, digest_text

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from pytestqt.qtbot import QtBot

    from readinglist.gui.main_window import MainWindow
    from tests.gui.conftest import WindowFactory


def select_row(window: MainWindow, row: int) -> int:
    window.table.setFocus()
    window.table.selectRow(row)
    paper_id = window.table.current_id()
    assert paper_id is not None
    return paper_id


def wait_listing(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until no list or count read is running (the views show the truth)."""
    qtbot.waitUntil(lambda: not window._lists.busy and not window._counts.busy, timeout=10_000)


def press(widget: QWidget, letter: str) -> None:
    """A plain letter key, as the user types it."""
    QTest.keyClick(widget, Qt.Key(ord(letter.upper())))


def chord(window: MainWindow, key: str, modifiers: Qt.KeyboardModifier) -> None:
    """Press a shortcut such as Ctrl+Shift+Z, then let go of the modifiers.

    QTest leaves the application believing the modifiers are still held, which would turn
    the next plain click into a Shift-click.
    """
    QTest.keyClick(window, Qt.Key(ord(key.upper())), modifiers)
    QTest.keyRelease(window, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)


def test_window_opens_on_a_temporary_library(
    qtbot: QtBot, make_window: WindowFactory, papers: list[int]
) -> None:
    window = make_window()
    assert window.table_model.rowCount() == len(papers)
    assert "5 papers" in window.count_label.text()
    counts = {e.label: e.count for e in window.sidebar_model.entries(window_section("LIBRARY"))}
    assert counts["All papers"] == 5
    assert counts["Inbox"] == 5
    assert counts["Starred"] == 0
    assert window.detail.stack.currentIndex() == 0  # nothing selected: the empty state


def window_section(name: str) -> Section:
    return Section[name]


@pytest.mark.parametrize(
    ("keys", "check"),
    [
        ("s", lambda r: r.starred),
        ("ss", lambda r: not r.starred),
        ("r", lambda r: r.read_status == ReadStatus.SKIMMED),
        ("rr", lambda r: r.read_status == ReadStatus.READ),
        ("rrr", lambda r: r.read_status == ReadStatus.UNREAD),
    ],
)
def test_single_keys_star_and_cycle_status(
    qtbot: QtBot,
    make_window: WindowFactory,
    library: Library,
    papers: list[int],
    keys: str,
    check: object,
) -> None:
    window = make_window()
    paper_id = select_row(window, 1)
    for k in keys:
        press(window.table, k)
        wait_listing(qtbot, window)
    record = library.paper(paper_id)
    assert check(record)  # type: ignore[operator]
    shown = window.table_model.data(window.table_model.index(1, Column.STAR))
    assert shown == ("★" if record.starred else "")


def test_star_applies_to_the_whole_selection_and_updates_counts(
    qtbot: QtBot, make_window: WindowFactory, library: Library, papers: list[int]
) -> None:
    window = make_window()
    window.table.setFocus()
    window.table.selectAll()
    press(window.table, "s")
    wait_listing(qtbot, window)
    assert all(r.starred for r in library.papers(papers))
    counts = {e.label: e.count for e in window.sidebar_model.entries(window_section("LIBRARY"))}
    assert counts["Starred"] == 5


def test_t_opens_the_tag_dialog_with_completion_and_tags(
    qtbot: QtBot, make_window: WindowFactory, library: Library, papers: list[int]
) -> None:
    library.add_tags([papers[0]], ["continual learning"])
    window = make_window()
    paper_id = select_row(window, 2)
    press(window.table, "t")
    dialog = window.tag_dialog
    qtbot.waitExposed(dialog)
    editor = dialog.editor
    QTest.keyClicks(editor, "cont")
    popup = editor.completer_.popup()
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    assert editor.completer_.currentCompletion() == "continual learning"
    popup.hide()
    editor.setText("continual learning, lora")
    dialog.accept()
    wait_listing(qtbot, window)
    assert library.paper(paper_id).tags == ("continual learning", "lora")
    qtbot.waitUntil(
        lambda: (
            [e.label for e in window.sidebar_model.entries(window_section("TAGS"))]
            == ["continual learning", "lora"]
        )
    )


def test_delete_moves_to_trash_and_selects_the_next_paper(
    qtbot: QtBot, make_window: WindowFactory, library: Library, papers: list[int]
) -> None:
    window = make_window()
    paper_id = select_row(window, 1)
    after = window.table_model.paper_id(2)
    QTest.keyClick(window.table, Qt.Key.Key_Delete)
    wait_listing(qtbot, window)
    assert library.paper(paper_id).trashed
    assert paper_id not in window.table_model.ids
    assert window.table.selected_ids() == [after]
    window.sidebar.select_source(TRASH)
    wait_listing(qtbot, window)
    assert window.table_model.ids == [paper_id]


def test_enter_opens_the_detail_pane(
    qtbot: QtBot, make_window: WindowFactory, papers: list[int]
) -> None:
    window = make_window()
    select_row(window, 0)
    QTest.keyClick(window.table, Qt.Key.Key_Return)
    assert window.detail.abstract.hasFocus()
    assert window.detail.title_label.text() == window.detail.record.title  # type: ignore[union-attr]
    QTest.keyClick(window.detail.abstract, Qt.Key.Key_Escape)
    assert window.table.hasFocus()


# -- undo and redo -------------------------------------------------------------------------


def _star(w: MainWindow) -> None:
    press(w.table, "s")


def _status(w: MainWindow) -> None:
    press(w.table, "r")


def _trash(w: MainWindow) -> None:
    QTest.keyClick(w.table, Qt.Key.Key_Delete)


def _tags(w: MainWindow) -> None:
    w.detail.tag_edit.setFocus()
    w.detail.tag_edit.setText("alpha, beta")
    QTest.keyClick(w.detail.tag_edit, Qt.Key.Key_Return)


def _note(w: MainWindow) -> None:
    w.detail.notes.edit()
    QTest.keyClicks(w.detail.notes.editor, "Read section 3.")
    w.detail.notes.flush()


UNDOABLE = [
    ("star", _star, lambda r: r.starred, lambda r: not r.starred),
    (
        "status",
        _status,
        lambda r: r.read_status == ReadStatus.SKIMMED,
        lambda r: r.read_status == ReadStatus.UNREAD,
    ),
    ("trash", _trash, lambda r: r.trashed, lambda r: not r.trashed),
    ("tags", _tags, lambda r: r.tags == ("alpha", "beta"), lambda r: r.tags == ()),
    ("note", _note, lambda r: r.note == "Read section 3.", lambda r: r.note == ""),
]


@pytest.mark.parametrize(("name", "act", "done", "undone"), UNDOABLE, ids=[u[0] for u in UNDOABLE])
def test_undo_and_redo_each_action(
    qtbot: QtBot,
    make_window: WindowFactory,
    library: Library,
    papers: list[int],
    name: str,
    act: object,
    done: object,
    undone: object,
) -> None:
    window = make_window()
    paper_id = select_row(window, 0)
    act(window)  # type: ignore[operator]
    wait_listing(qtbot, window)
    assert done(library.paper(paper_id))  # type: ignore[operator]
    window.table.setFocus()
    chord(window, "z", Qt.KeyboardModifier.ControlModifier)
    wait_listing(qtbot, window)
    assert undone(library.paper(paper_id))  # type: ignore[operator]
    chord(window, "z", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wait_listing(qtbot, window)
    assert done(library.paper(paper_id))  # type: ignore[operator]
    if name == "note":
        assert window.detail.notes.text() == "Read section 3."


def test_note_edits_in_a_row_undo_as_one_step(
    qtbot: QtBot, make_window: WindowFactory, library: Library, papers: list[int]
) -> None:
    window = make_window()
    paper_id = select_row(window, 0)
    notes = window.detail.notes
    notes.edit()
    QTest.keyClicks(notes.editor, "first")
    notes.flush()
    QTest.keyClicks(notes.editor, " second")
    notes.flush()
    assert library.paper(paper_id).note == "first second"
    window.undo()
    assert library.paper(paper_id).note == ""
    assert notes.text() == ""


# -- notes ----------------------------------------------------------------------------------


def test_a_note_typed_survives_closing_and_reopening(
    qtbot: QtBot, make_window: WindowFactory, library: Library, papers: list[int]
) -> None:
    window = make_window()
    paper_id = select_row(window, 3)
    window.detail.notes.edit()
    QTest.keyClicks(window.detail.notes.editor, "**Key idea**: adapters.")
    # Closed right away, before the save delay: closing saves.
    window.close()
    assert library.paper(paper_id).note == "**Key idea**: adapters."
    again = make_window()
    again.show_paper(paper_id)
    assert again.detail.notes.text() == "**Key idea**: adapters."


def test_a_note_is_saved_soon_after_typing_stops(
    qtbot: QtBot, make_window: WindowFactory, library: Library, papers: list[int]
) -> None:
    window = make_window()
    paper_id = select_row(window, 0)
    window.detail.notes.edit()
    QTest.keyClicks(window.detail.notes.editor, "saved without leaving the editor")
    assert library.paper(paper_id).note == ""
    # Within a second of the last key (a kill after that loses nothing).
    qtbot.waitUntil(lambda: library.paper(paper_id).note != "", timeout=1000)
    assert window.detail.notes.editor.hasFocus()


def test_moving_to_another_paper_saves_the_note(
    qtbot: QtBot, make_window: WindowFactory, library: Library, papers: list[int]
) -> None:
    window = make_window()
    first = select_row(window, 0)
    window.detail.notes.edit()
    QTest.keyClicks(window.detail.notes.editor, "note one")
    select_row(window, 1)
    assert library.paper(first).note == "note one"
    assert window.detail.notes.text() == ""


# -- search ---------------------------------------------------------------------------------


def search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    chord(window, "f", Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    with qtbot.waitSignal(window.listing_applied, timeout=10_000):
        QTest.keyClicks(window.search, text)
    wait_listing(qtbot, window)


def test_the_search_field_filters_the_table_and_highlights(
    qtbot: QtBot, make_window: WindowFactory, papers: list[int]
) -> None:
    window = make_window()
    search(qtbot, window, "diffusion")
    assert window.table_model.rowCount() == 1
    record = window.table_model.record(0)
    assert record is not None
    assert record.title == "Diffusion Models Learn to Denoise"
    assert "1 paper match" in window.count_label.text()
    pattern = window.table_model.pattern
    assert pattern is not None
    assert pattern.search(record.title)
    select_row(window, 0)
    html = window.detail.abstract.toHtml()
    assert "font-weight:600" in html  # the matched word, marked in the abstract
    assert "iffusion</span>" in html
    QTest.keyClick(window.search, Qt.Key.Key_Escape)  # clears: everything again
    qtbot.waitUntil(lambda: window.table_model.rowCount() == 5)
    assert window.table_model.pattern is None


def test_a_misspelt_search_offers_did_you_mean(
    qtbot: QtBot, make_window: WindowFactory, papers: list[int]
) -> None:
    window = make_window()
    search(qtbot, window, "modles")
    assert window.table_model.rowCount() == 0
    assert window.search_info.isVisible()
    assert window.search_info.suggestion in {"model", "models"}
    with qtbot.waitSignal(window.listing_applied, timeout=10_000):
        window.search_info.label.linkActivated.emit("suggest")
    assert window.search.text() == window.search_info.suggestion or window.search.query
    assert window.table_model.rowCount() >= 3


def test_typing_is_never_blocked_and_only_the_last_query_counts(
    qtbot: QtBot, make_window: WindowFactory, papers: list[int]
) -> None:
    window = make_window()
    window.search.setFocus()
    for text in ("l", "lo", "lor", "lora"):
        window.search.setText(text)
        window.search._send()  # each as if the debounce ran out
    qtbot.waitUntil(lambda: window._listing is not None and window._listing.request.query == "lora")
    wait_listing(qtbot, window)
    assert window.table_model.rowCount() == 1
    assert window._listing is not None
    assert window._listing.request.query == "lora"


def test_searching_within_a_sidebar_source(
    qtbot: QtBot, make_window: WindowFactory, library: Library, papers: list[int]
) -> None:
    library.set_starred([papers[0]], True)
    window = make_window()
    window.sidebar.select_source(Scope(View.STARRED))
    wait_listing(qtbot, window)
    assert window.table_model.ids == [papers[0]]
    search(qtbot, window, "models")
    assert window.table_model.ids == [papers[0]]


# -- outside changes, links, settings --------------------------------------------------------


def test_a_change_made_elsewhere_shows_without_losing_the_selection(
    qtbot: QtBot, make_window: WindowFactory, library: Library, papers: list[int]
) -> None:
    window = make_window(poll_ms=100)
    paper_id = select_row(window, 2)
    window.detail.notes.edit()
    QTest.keyClicks(window.detail.notes.editor, "typing...")
    other = Library.open(library.location)  # the command line, say
    try:
        other.set_starred([paper_id], True)
        other.add_tags([paper_id], ["from the cli"])
    finally:
        other.close()
    qtbot.waitUntil(
        lambda: window.table_model.data(window.table_model.index(2, Column.STAR)) == "★",
        timeout=5000,
    )
    wait_listing(qtbot, window)
    assert window.table.selected_ids() == [paper_id]
    assert window.detail.tag_edit.text() == "from the cli"
    assert window.detail.notes.text() == "typing..."  # the open editor kept its text
    assert window.detail.notes.editor.hasFocus()


def test_only_web_links_open(
    qtbot: QtBot, make_window: WindowFactory, papers: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    window = make_window()
    window.show_paper(papers[1])
    html = window.detail.abstract.toHtml()
    assert 'href="https://example.org/lora"' in html
    assert "file:///etc/passwd" in html
    assert 'href="file:' not in html
    for url in (
        "https://example.org/lora",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "smb://server/share",
        "http:relative",
    ):
        window.detail.abstract.anchorClicked.emit(QUrl(url))
    assert opened == ["https://example.org/lora"]


def test_looks_persist_in_settings(
    qtbot: QtBot, make_window: WindowFactory, settings: QSettings, papers: list[int]
) -> None:
    window = make_window()
    window.resize(780, 560)  # within the offscreen screen (800 x 600)
    header = window.table.horizontalHeader()
    header.moveSection(header.visualIndex(Column.TAGS), 2)
    window.table.setColumnWidth(Column.UPVOTES, 123)
    header.setSortIndicator(Column.UPVOTES, Qt.SortOrder.DescendingOrder)
    wait_listing(qtbot, window)
    window.splitter.setSizes([150, 380, 240])
    sizes = window.splitter.sizes()
    window.close()
    assert settings.value("table/sort") == "upvotes:desc"
    again = make_window(size=False)
    header = again.table.horizontalHeader()
    assert header.visualIndex(Column.TAGS) == 2
    assert again.table.columnWidth(Column.UPVOTES) == 123
    assert again.table_model.sort_state is not None
    assert again.table_model.sort_state.key == "upvotes"
    assert again.splitter.sizes() == sizes


def test_sorting_asks_the_library_for_the_order(
    qtbot: QtBot, make_window: WindowFactory, library: Library, papers: list[int]
) -> None:
    window = make_window()
    with qtbot.waitSignal(window.listing_applied, timeout=10_000):
        window.table.sortByColumn(Column.TITLE, Qt.SortOrder.AscendingOrder)
    titles = [window.table_model.record(r).title for r in range(5)]  # type: ignore[union-attr]
    assert titles == sorted(titles, key=str.casefold)


# -- importing from the window ---------------------------------------------------------------


def test_import_digests_uses_the_file_dialog_and_remembers_the_folder(
    qtbot: QtBot,
    make_window: WindowFactory,
    settings: QSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    path = folder / "d.txt"
    path.write_text(digest_text(("A Paper About Imports", ABSTRACT)), encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(path)], "Digests (*.txt)")
    )
    window = make_window()
    chord(window, "i", Qt.KeyboardModifier.ControlModifier)
    dialog = window.import_dialog
    assert settings.value("import/last_folder") == str(folder)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10_000)
    with qtbot.waitSignal(dialog.imported, timeout=10_000):
        dialog.import_button.click()
    wait_listing(qtbot, window)
    qtbot.waitUntil(lambda: window.table_model.rowCount() == 1)
    # The new paper is listed but not selected: a stray key must not act on an import.
    assert window.table.selected_ids() == []
    dialog.close()


def test_paste_digest_opens_the_import_dialog_with_the_clipboard(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None
    clipboard.setText(digest_text(("Pasted Paper", ABSTRACT)))
    chord(window, "v", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.import_dialog
    assert dialog.model.rowCount() == 1
    dialog.close()


def test_dropping_files_on_the_window_opens_the_import_dialog(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    path = tmp_path / "dropped.txt"
    path.write_text(digest_text(("Dropped Paper", ABSTRACT)), encoding="utf-8")
    window = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDropEvent

    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    qtbot.waitUntil(lambda: hasattr(window, "import_dialog"))
    assert [r.path for r in window.import_dialog.model.rows] == [path]
    window.import_dialog.close()
    _ = QModelIndex, QApplication


def test_closing_the_window_during_an_import_stops_it_quickly(
    qtbot: QtBot, make_window: WindowFactory, library: Library, tmp_path: Path
) -> None:
    paths = []
    for i in range(40):
        path = tmp_path / f"digest-{i:02d}.txt"
        entries = [(f"Paper {i} number {j} about closing windows", ABSTRACT) for j in range(25)]
        path.write_text(digest_text(*entries), encoding="utf-8")
        paths.append(path)
    window = make_window()
    dialog = window.open_import(paths)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=30_000)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: library.count() > 0, timeout=30_000)  # under way
    window.close()  # its closeEvent stops the task runner (TaskRunner.shutdown's own deadline)
    assert not running_tasks()  # stopped, not abandoned: close() returned after the stop
    assert 0 < library.count() < 40 * 25  # finished files stayed, the rest never started
    assert library.count() % 25 == 0  # no file half-imported


def test_escape_in_the_tag_editor_drops_the_edit(
    qtbot: QtBot, make_window: WindowFactory, library: Library, papers: list[int]
) -> None:
    window = make_window()
    paper_id = select_row(window, 0)
    edit = window.detail.tag_edit
    edit.setFocus()
    QTest.keyClicks(edit, "half typed")
    QTest.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.text() == ""
    assert edit.hasFocus()
    QTest.keyClick(edit, Qt.Key.Key_Escape)  # nothing left to drop: back to the list
    assert window.table.hasFocus()
    assert library.paper(paper_id).tags == ()
    assert window.undo_stack.count() == 0
