"""The paper table's lazy model: checked by qtmodeltester, loading only what is shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QModelIndex, Qt

from readinglist.gui import paper_table
from readinglist.gui.listing import Sort
from readinglist.gui.paper_table import Column, PaperTableModel, PaperTableView
from tests.gui.conftest import bulk_papers

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester
    from pytestqt.qtbot import QtBot

    from readinglist.library import Library
    from tests.gui.conftest import WindowFactory


class CountingLibrary:
    """The library, counting the records it is asked for."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self.loaded: list[int] = []

    def papers(self, ids: list[int]) -> object:
        self.loaded.extend(ids)
        return self._library.papers(ids)

    def __getattr__(self, name: str) -> object:
        return getattr(self._library, name)


def test_model_passes_qtmodeltester(
    qtmodeltester: ModelTester, library: Library, papers: list[int]
) -> None:
    model = PaperTableModel(library)
    model.set_ids(library.paper_ids(), ["forgetting"])
    qtmodeltester.check(model, force_py=True)  # type: ignore[no-untyped-call]
    # It keeps watching: removals in place, a reset, a refresh.
    model.set_ids(model.ids[1:4])
    model.set_ids(list(reversed(library.paper_ids())))
    library.set_starred(model.ids[:2], True)
    model.refresh_papers(model.ids[:2])


def test_model_passes_qtmodeltester_with_pages(
    qtmodeltester: ModelTester,
    library: Library,
    papers: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(paper_table, "PAGE", 2)  # fetchMore in play
    model = PaperTableModel(library)
    model.set_ids(library.paper_ids())
    assert model.rowCount() == 2
    assert model.canFetchMore(QModelIndex())
    qtmodeltester.check(model, force_py=True)  # type: ignore[no-untyped-call]


def test_rows_are_exposed_a_page_at_a_time(library: Library, papers: list[int]) -> None:
    model = PaperTableModel(library)
    ids = library.paper_ids() * 1  # five ids
    paper_table_page = paper_table.PAGE
    model.set_ids(ids)
    assert model.rowCount() == min(len(ids), paper_table_page)
    assert not model.canFetchMore(QModelIndex())


def test_opening_a_20000_paper_library_loads_only_the_visible_rows(
    qtbot: QtBot, make_window: WindowFactory, library: Library
) -> None:
    bulk_papers(library, 20_000)
    counting = CountingLibrary(library)
    window = make_window(counting)
    qtbot.waitUntil(lambda: bool(counting.loaded))  # the first paint asked for rows
    model = window.table_model
    assert len(model.ids) == 20_000
    assert model.rowCount() == paper_table.PAGE  # ids exposed a page at a time
    visible = window.table.viewport().height() // window.table.rowHeight(0) + 1
    assert visible <= len(counting.loaded) <= visible + paper_table.BATCH_AFTER + 1
    assert "20,000 papers" in window.count_label.text()
    # Scrolling far down loads that screen (and a batch around it), not what lies between.
    before = len(counting.loaded)
    window.table.scrollTo(model.index(1500, 0))
    qtbot.waitUntil(lambda: len(counting.loaded) > before)
    assert len(counting.loaded) - before <= paper_table.BATCH_BEFORE + paper_table.BATCH_AFTER + 1
    assert len(set(counting.loaded)) == len(counting.loaded)  # nothing loaded twice


def test_select_all_selects_every_listed_paper(
    qtbot: QtBot, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    bulk_papers(library, 30)
    monkeypatch.setattr(paper_table, "PAGE", 10)
    model = PaperTableModel(library)
    view = PaperTableView(model)
    qtbot.addWidget(view)
    model.set_ids(library.paper_ids())
    assert model.rowCount() == 10
    view.selectAll()
    assert len(view.selected_ids()) == 30


def test_removed_rows_keep_the_rest_of_the_selection(
    qtbot: QtBot, library: Library, papers: list[int]
) -> None:
    model = PaperTableModel(library)
    view = PaperTableView(model)
    qtbot.addWidget(view)
    ids = library.paper_ids()
    view.show_ids(ids)
    view.select_ids([ids[1], ids[3]], current=ids[3])
    with qtbot.waitSignal(model.rowsRemoved):
        view.show_ids([i for i in ids if i != ids[0]])
    assert view.selected_ids() == [ids[1], ids[3]]
    assert view.current_id() == ids[3]


def test_a_reset_restores_selection_by_id(
    qtbot: QtBot, library: Library, papers: list[int]
) -> None:
    model = PaperTableModel(library)
    view = PaperTableView(model)
    qtbot.addWidget(view)
    ids = library.paper_ids()
    view.show_ids(ids)
    view.select_ids([ids[2]])
    with qtbot.waitSignal(model.modelReset):
        view.show_ids(list(reversed(ids)))
    assert view.selected_ids() == [ids[2]]


def test_refresh_reloads_only_cached_rows(library: Library, papers: list[int]) -> None:
    counting = CountingLibrary(library)
    model = PaperTableModel(counting)  # type: ignore[arg-type]
    model.set_ids(library.paper_ids())
    assert model.data(model.index(0, Column.STAR)) == ""
    library.set_starred([model.paper_id(0)], True)
    counting.loaded.clear()
    model.refresh_papers([model.paper_id(0)])
    assert counting.loaded == [model.paper_id(0)]
    assert model.data(model.index(0, Column.STAR)) == "★"


@pytest.mark.parametrize(
    ("column", "order", "expected"),
    [
        (Column.TITLE, Qt.SortOrder.AscendingOrder, Sort("title", False)),
        (Column.UPVOTES, Qt.SortOrder.DescendingOrder, Sort("upvotes", True)),
        (Column.SEEN, Qt.SortOrder.AscendingOrder, Sort("seen", False)),
        (-1, Qt.SortOrder.AscendingOrder, None),
    ],
)
def test_sort_asks_for_an_order_instead_of_sorting_rows(
    qtbot: QtBot, library: Library, column: int, order: Qt.SortOrder, expected: Sort | None
) -> None:
    model = PaperTableModel(library)
    model.sort_state = Sort("added", True)
    with qtbot.waitSignal(model.sort_requested) as blocker:
        model.sort(column, order)
    assert blocker.args == [expected]


def test_sort_keys_are_ones_the_library_knows() -> None:
    from readinglist.core import SORT_KEYS

    assert set(paper_table.SORT_KEYS.values()) <= set(SORT_KEYS)
