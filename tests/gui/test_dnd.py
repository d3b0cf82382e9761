"""Drag and drop of papers onto shelves and within a shelf, checked in the database."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy.exc import OperationalError

from readinglist.core import Scope, View
from readinglist.gui.ops import RELOAD
from readinglist.gui.paper_drag import PAPER_IDS_MIME, read_drag
from readinglist.shelves import Shelves

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractItemView, QWidget
    from pytestqt.qtbot import QtBot

    from readinglist.gui.main_window import MainWindow
    from readinglist.library import Library
    from tests.gui.conftest import WindowFactory

COPY, MOVE = Qt.DropAction.CopyAction, Qt.DropAction.MoveAction


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window._lists.busy and not window._counts.busy, timeout=10_000)


@pytest.fixture
def window(
    qtbot: QtBot, make_window: WindowFactory, library: Library, papers: list[int]
) -> MainWindow:
    """A window over five papers and three shelves: Reading (papers 1-3), Later, Smart."""
    shelves = Shelves(library)
    shelves.create("Reading")
    shelves.create("Later")
    shelves.create("Smart", query="diffusion")
    shelves.add("Reading", papers[:3])
    win = make_window()
    win.ops.announce(RELOAD)
    wait_idle(qtbot, win)
    return win


def shelf_index(window: MainWindow, name: str) -> QModelIndex:
    index = window.sidebar_model.index_of(Scope(View.SHELF, name))
    assert index.isValid()
    return index


def show_shelf(qtbot: QtBot, window: MainWindow, name: str) -> None:
    assert window.sidebar.select_source(Scope(View.SHELF, name))
    wait_idle(qtbot, window)


def drag_rows(window: MainWindow, rows: list[int]) -> QMimeData:
    model = window.table_model
    return model.mimeData([model.index(r, 0) for r in rows])


def ids_of(window: MainWindow, rows: list[int]) -> list[int]:
    return [window.table_model.paper_id(r) for r in rows]


def shelf_count(window: MainWindow, name: str) -> int | None:
    entry = window.sidebar_model.entry(shelf_index(window, name))
    assert entry is not None
    return entry.count


def drop_on_shelf(window: MainWindow, mime: QMimeData, action: Qt.DropAction, name: str) -> bool:
    model = window.sidebar_model
    index = shelf_index(window, name)
    return model.canDropMimeData(mime, action, -1, 0, index) and model.dropMimeData(
        mime, action, -1, 0, index
    )


# -- what a drag carries -----------------------------------------------------------------


def test_drag_carries_ids_as_json_markdown_and_web_links(
    window: MainWindow, library: Library
) -> None:
    mime = drag_rows(window, [0, 1])
    ids = ids_of(window, [0, 1])
    assert json.loads(bytes(mime.data(PAPER_IDS_MIME).data())) == {"ids": ids, "shelf": None}
    records = library.papers(ids)
    lines = mime.text().splitlines()
    assert len(lines) == 2
    for line, record in zip(lines, sorted(records, key=lambda r: ids.index(r.id)), strict=True):
        assert line.startswith(f"- {record.title}")
        if record.published is not None:
            assert f"({record.published.isoformat()})" in line
        for link in record.links:
            assert f"<{link}>" in line
    links = [link for r in records for link in r.links if link.startswith("http")]
    assert [u.toString() for u in mime.urls()] == links
    model = window.table_model
    assert PAPER_IDS_MIME in model.mimeTypes()
    assert model.supportedDragActions() == COPY | MOVE
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled


def test_a_drag_from_a_shelf_view_names_the_shelf(qtbot: QtBot, window: MainWindow) -> None:
    show_shelf(qtbot, window, "Reading")
    drag = read_drag(drag_rows(window, [1]))
    assert drag is not None
    assert drag.shelf == "Reading"


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b'{"ids": []}',
        b'{"ids": ["1"]}',
        b'{"ids": [true]}',
        b'{"ids": [1], "shelf": 3}',
        b"[1, 2]",
    ],
)
def test_malformed_payloads_are_refused(payload: bytes) -> None:
    mime = QMimeData()
    mime.setData(PAPER_IDS_MIME, payload)
    assert read_drag(mime) is None


# -- drops on the sidebar ----------------------------------------------------------------


def test_copy_drop_adds_to_the_shelf_and_updates_its_count(
    qtbot: QtBot, window: MainWindow, library: Library, papers: list[int]
) -> None:
    shelves = Shelves(library)
    mime = drag_rows(window, [0, 2, 4])
    dragged = ids_of(window, [0, 2, 4])
    assert drop_on_shelf(window, mime, COPY, "Later")
    assert shelves.paper_ids("Later") == dragged
    assert shelves.paper_ids("Reading") == papers[:3]  # a copy leaves other shelves alone
    qtbot.waitUntil(lambda: shelf_count(window, "Later") == 3)
    # Undo and redo through the window's stack.
    window.undo()
    assert shelves.paper_ids("Later") == []
    qtbot.waitUntil(lambda: shelf_count(window, "Later") == 0)
    window.redo()
    assert shelves.paper_ids("Later") == dragged
    wait_idle(qtbot, window)


def test_dropping_papers_already_on_the_shelf_never_duplicates_or_reorders(
    qtbot: QtBot, window: MainWindow, library: Library, papers: list[int]
) -> None:
    rows = [window.table_model.row_of(p) for p in papers]
    assert None not in rows
    mime = drag_rows(window, [r for r in rows if r is not None])
    assert drop_on_shelf(window, mime, COPY, "Reading")
    newcomers = [i for i in window.table_model.ids if i not in papers[:3]]  # in table order
    assert Shelves(library).paper_ids("Reading") == [*papers[:3], *newcomers]
    depth = window.undo_stack.count()
    mime = drag_rows(window, [r for r in rows[:2] if r is not None])
    assert not drop_on_shelf(window, mime, COPY, "Reading")
    after = [*papers[:3], *newcomers]
    assert Shelves(library).paper_ids("Reading") == after  # unchanged, no new undo step
    assert window.undo_stack.count() == depth
    window.undo()
    assert Shelves(library).paper_ids("Reading") == papers[:3]
    wait_idle(qtbot, window)


def test_shift_drop_from_a_shelf_view_moves_between_shelves(
    qtbot: QtBot, window: MainWindow, library: Library, papers: list[int]
) -> None:
    shelves = Shelves(library)
    show_shelf(qtbot, window, "Reading")
    assert window.table_model.ids == papers[:3]
    mime = drag_rows(window, [0, 2])
    assert drop_on_shelf(window, mime, MOVE, "Later")
    assert shelves.paper_ids("Reading") == [papers[1]]
    assert shelves.paper_ids("Later") == [papers[0], papers[2]]
    qtbot.waitUntil(lambda: window.table_model.ids == [papers[1]])
    qtbot.waitUntil(lambda: shelf_count(window, "Reading") == 1)
    window.undo()
    assert shelves.paper_ids("Reading") == papers[:3]
    assert shelves.paper_ids("Later") == []
    wait_idle(qtbot, window)


def refusals(window: MainWindow, qtbot: QtBot) -> dict[str, tuple[QMimeData, Qt.DropAction, str]]:
    foreign = QMimeData()
    foreign.setText("- Some paper")
    out = {
        "smart shelf": (drag_rows(window, [0]), COPY, "Smart"),
        "foreign data": (foreign, COPY, "Later"),
        "move without a source shelf": (drag_rows(window, [0]), MOVE, "Later"),
        "link action": (drag_rows(window, [0]), Qt.DropAction.LinkAction, "Later"),
    }
    show_shelf(qtbot, window, "Reading")
    out["a shelf onto itself (copy)"] = (drag_rows(window, [0]), COPY, "Reading")
    out["a shelf onto itself (move)"] = (drag_rows(window, [0]), MOVE, "Reading")
    return out


def test_senseless_drops_are_refused_and_change_nothing(
    qtbot: QtBot, window: MainWindow, library: Library, papers: list[int]
) -> None:
    shelves = Shelves(library)
    model = window.sidebar_model
    for reason, (mime, action, name) in refusals(window, qtbot).items():
        index = shelf_index(window, name)
        assert not model.canDropMimeData(mime, action, -1, 0, index), reason
        assert not model.dropMimeData(mime, action, -1, 0, index), reason
    # Between two entries, or onto something that is not a manual shelf.
    mime = drag_rows(window, [0])
    shelves_section = shelf_index(window, "Later").parent()
    assert not model.canDropMimeData(mime, COPY, 1, 0, shelves_section)
    inbox = window.sidebar_model.index_of(Scope(View.INBOX))
    assert not model.flags(inbox) & Qt.ItemFlag.ItemIsDropEnabled
    assert not model.flags(shelf_index(window, "Smart")) & Qt.ItemFlag.ItemIsDropEnabled
    assert model.flags(shelf_index(window, "Later")) & Qt.ItemFlag.ItemIsDropEnabled
    assert shelves.paper_ids("Reading") == papers[:3]
    assert shelves.paper_ids("Later") == []
    assert window.undo_stack.count() == 0


# -- reordering within a shelf view ------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "drop_row", "on_item", "expected"),
    [
        ([2], 0, False, [2, 0, 1]),  # above the first row
        ([0], 2, False, [1, 0, 2]),  # between rows 1 and 2
        ([0], 1, True, [0, 1, 2]),  # onto itself's neighbour: above it, no change
        ([2], 1, True, [0, 2, 1]),  # onto a row: above it
        ([0], 3, False, [1, 2, 0]),  # below the last row
        ([0], -1, False, [1, 2, 0]),  # onto the empty space below the rows
        ([0, 2], 4, False, [1, 3, 0, 2, 4]),  # a multi-selection keeps its order
        ([2, 0], 5, False, [1, 3, 4, 0, 2]),  # ... at the end
        ([3, 0], 2, False, [1, 0, 3, 2, 4]),  # ... and between rows
    ],
)
def test_dropping_rows_sets_the_manual_order(
    qtbot: QtBot,
    window: MainWindow,
    library: Library,
    papers: list[int],
    rows: list[int],
    drop_row: int,
    on_item: bool,
    expected: list[int],
) -> None:
    shelves = Shelves(library)
    if max(expected) >= 3:
        shelves.add("Reading", papers[3:])
    show_shelf(qtbot, window, "Reading")
    before = shelves.paper_ids("Reading")
    assert window.table_model.ids == before
    model = window.table_model
    mime = drag_rows(window, rows)
    parent = model.index(drop_row, 0) if on_item else QModelIndex()
    row = -1 if on_item else drop_row
    assert model.canDropMimeData(mime, COPY, row, 0, parent)
    changed = model.dropMimeData(mime, COPY, row, 0, parent)
    want = [before[i] for i in expected]
    assert changed == (want != before)
    assert shelves.paper_ids("Reading") == want
    qtbot.waitUntil(lambda: window.table_model.ids == want)
    if changed:
        window.undo()
        assert shelves.paper_ids("Reading") == before
        wait_idle(qtbot, window)


def test_rows_cannot_be_dropped_outside_a_manual_shelf_in_its_own_order(
    qtbot: QtBot, window: MainWindow
) -> None:
    model = window.table_model
    mime = drag_rows(window, [0])
    assert not model.canDropMimeData(mime, COPY, 1, 0, QModelIndex())  # All papers
    assert not model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
    show_shelf(qtbot, window, "Reading")
    mime = drag_rows(window, [0])
    assert model.canDropMimeData(mime, COPY, 1, 0, QModelIndex())
    window.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # sorted by title
    wait_idle(qtbot, window)
    assert not model.canDropMimeData(mime, COPY, 1, 0, QModelIndex())


# -- keys --------------------------------------------------------------------------------


def test_delete_on_a_shelf_view_removes_from_the_shelf_only(
    qtbot: QtBot, window: MainWindow, library: Library, papers: list[int]
) -> None:
    shelves = Shelves(library)
    show_shelf(qtbot, window, "Reading")
    window.table.setFocus()
    window.table.selectRow(1)
    assert window.actions_.trash.text() == "Remove from Shel&f"
    QTest.keyClick(window.table, Qt.Key.Key_Delete)
    assert shelves.paper_ids("Reading") == [papers[0], papers[2]]
    assert not library.paper(papers[1]).trashed
    qtbot.waitUntil(lambda: window.table_model.ids == [papers[0], papers[2]])
    window.undo()
    assert shelves.paper_ids("Reading") == papers[:3]
    wait_idle(qtbot, window)


def test_alt_up_and_down_move_the_selection_within_the_shelf(
    qtbot: QtBot, window: MainWindow, library: Library, papers: list[int]
) -> None:
    shelves = Shelves(library)
    show_shelf(qtbot, window, "Reading")
    window.table.setFocus()
    window.table.selectRow(0)
    alt = Qt.KeyboardModifier.AltModifier
    QTest.keyClick(window.table, Qt.Key.Key_Down, alt)
    assert shelves.paper_ids("Reading") == [papers[1], papers[0], papers[2]]
    qtbot.waitUntil(lambda: window.table_model.ids == shelves.paper_ids("Reading"))
    assert window.table.selected_ids() == [papers[0]]  # the selection follows the paper
    QTest.keyClick(window.table, Qt.Key.Key_Down, alt)
    assert shelves.paper_ids("Reading") == [papers[1], papers[2], papers[0]]
    qtbot.waitUntil(lambda: window.table_model.ids == shelves.paper_ids("Reading"))
    QTest.keyClick(window.table, Qt.Key.Key_Down, alt)  # already last: nothing happens
    QTest.keyClick(window.table, Qt.Key.Key_Up, alt)
    assert shelves.paper_ids("Reading") == [papers[1], papers[0], papers[2]]
    wait_idle(qtbot, window)
    window.undo()
    window.undo()
    window.undo()
    assert shelves.paper_ids("Reading") == papers[:3]
    wait_idle(qtbot, window)


# -- through the real views ----------------------------------------------------------------


def send_drop(
    view: QAbstractItemView,
    mime: QMimeData,
    index: QModelIndex,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    action: Qt.DropAction = COPY,
) -> QDropEvent:
    """Enter, move over and drop on ``index``'s centre, as a drag from the table would."""
    viewport: QWidget = view.viewport()
    pos = QPointF(view.visualRect(index).center())
    buttons = Qt.MouseButton.LeftButton
    actions = COPY | MOVE
    enter = QDragEnterEvent(pos.toPoint(), actions, mime, buttons, modifiers)
    enter.setDropAction(action)
    QApplication.sendEvent(viewport, enter)
    move = QDragMoveEvent(pos.toPoint(), actions, mime, buttons, modifiers)
    move.setDropAction(action)
    QApplication.sendEvent(viewport, move)
    drop = QDropEvent(pos, actions, mime, buttons, modifiers)
    drop.setDropAction(action)
    QApplication.sendEvent(viewport, drop)
    return drop


def test_a_drag_from_the_table_view_dropped_on_the_sidebar_view(
    qtbot: QtBot, window: MainWindow, library: Library
) -> None:
    window.table.setFocus()
    window.table.selectRow(3)
    window.table.selectionModel().select(
        window.table_model.index(4, 0),
        window.table.selectionModel().SelectionFlag.Select
        | window.table.selectionModel().SelectionFlag.Rows,
    )
    dragged = window.table.selected_ids()
    assert len(dragged) == 2
    indexes = window.table.selectionModel().selectedIndexes()
    mime = window.table_model.mimeData(indexes)
    drop = send_drop(window.sidebar, mime, shelf_index(window, "Later"))
    assert drop.isAccepted()
    assert Shelves(library).paper_ids("Later") == dragged
    qtbot.waitUntil(lambda: shelf_count(window, "Later") == 2)
    # Onto a smart shelf the view refuses the very same drag.
    drop = send_drop(window.sidebar, mime, shelf_index(window, "Smart"))
    assert not drop.isAccepted()
    window.undo()
    assert Shelves(library).paper_ids("Later") == []
    wait_idle(qtbot, window)


def test_a_shift_drag_between_shelf_views_moves(
    qtbot: QtBot, window: MainWindow, library: Library, papers: list[int]
) -> None:
    show_shelf(qtbot, window, "Reading")
    mime = drag_rows(window, [1])
    shift = Qt.KeyboardModifier.ShiftModifier
    drop = send_drop(window.sidebar, mime, shelf_index(window, "Later"), shift, MOVE)
    assert drop.isAccepted()
    assert Shelves(library).paper_ids("Later") == [papers[1]]
    assert Shelves(library).paper_ids("Reading") == [papers[0], papers[2]]
    wait_idle(qtbot, window)


def test_reordering_through_the_table_view(
    qtbot: QtBot, window: MainWindow, library: Library, papers: list[int]
) -> None:
    show_shelf(qtbot, window, "Reading")
    mime = drag_rows(window, [2])
    drop = send_drop(window.table, mime, window.table_model.index(0, 1))
    assert drop.isAccepted()
    assert Shelves(library).paper_ids("Reading") == [papers[2], papers[0], papers[1]]
    wait_idle(qtbot, window)


def test_undoing_a_drop_keeps_the_shelf_place_of_a_trashed_paper(
    qtbot: QtBot, window: MainWindow, library: Library, papers: list[int]
) -> None:
    shelves = Shelves(library)
    library.trash([papers[1]])
    window.ops.announce(RELOAD)
    wait_idle(qtbot, window)
    row = window.table_model.row_of(papers[4])
    assert row is not None
    assert drop_on_shelf(window, drag_rows(window, [row]), COPY, "Reading")
    window.undo()
    library.restore([papers[1]])
    assert shelves.paper_ids("Reading") == papers[:3]
    wait_idle(qtbot, window)


def test_reordering_skips_trashed_papers_and_keeps_their_places(
    qtbot: QtBot, window: MainWindow, library: Library, papers: list[int]
) -> None:
    shelves = Shelves(library)
    library.trash([papers[1]])
    show_shelf(qtbot, window, "Reading")
    assert window.table_model.ids == [papers[0], papers[2]]
    window.table.setFocus()
    window.table.selectRow(1)
    QTest.keyClick(window.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert shelves.paper_ids("Reading") == [papers[2], papers[0]]  # one visible step
    qtbot.waitUntil(lambda: window.table_model.ids == [papers[2], papers[0]])
    mime = drag_rows(window, [0])
    assert window.table_model.dropMimeData(mime, COPY, 2, 0, QModelIndex())  # to the end
    assert shelves.paper_ids("Reading") == [papers[0], papers[2]]
    library.restore([papers[1]])  # still on the shelf, the others in the order set
    order = shelves.paper_ids("Reading")
    assert sorted(order) == papers[:3]
    assert [i for i in order if i != papers[1]] == [papers[0], papers[2]]
    wait_idle(qtbot, window)


def test_a_drop_whose_write_fails_leaves_nothing_half_done(
    qtbot: QtBot,
    window: MainWindow,
    library: Library,
    papers: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shelves = Shelves(library)
    show_shelf(qtbot, window, "Reading")
    mime = drag_rows(window, [0, 1])

    def broken(*_args: object, **_kwargs: object) -> int:
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    # The papers leave the source shelf, then placing them on the target fails.
    monkeypatch.setattr("readinglist.shelves.place_in", broken)
    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text: errors.append(text))
    assert not drop_on_shelf(window, mime, MOVE, "Later")
    assert errors
    assert "could not write to the library (disk I/O error); nothing was changed" in errors[0]
    assert shelves.paper_ids("Reading") == papers[:3]
    assert shelves.paper_ids("Later") == []
    assert window.undo_stack.count() == 0  # a failed edit leaves no undo step
    wait_idle(qtbot, window)
