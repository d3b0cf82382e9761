"""The statistics window: draws every chart without a Qt warning, shows the service's numbers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QColor, QHelpEvent, QPalette
from PySide6.QtWidgets import QApplication, QToolTip
from sqlalchemy import select

from readinglist import stats
from readinglist.gui.charts import Chart, ChartData, ChartKind, Series, nice_ticks
from readinglist.gui.stats_view import StatsDialog, StatsView
from readinglist.importing import Importer
from readinglist.records import ReadStatus
from readinglist.shelves import Shelves
from readinglist.store.models import Paper
from tests.conftest import ABSTRACT, digest_text

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from readinglist.library import Library

UTC = dt.UTC
NOW = dt.datetime(2025, 4, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def filled(library: Library, tmp_path: Path) -> Library:
    """Eight papers over three weeks: some read, tagged, shelved, seen twice."""
    titles = [f"Paper number {n} on adapters" for n in range(8)]
    first = tmp_path / "one.txt"
    first.write_text(digest_text(*((t, ABSTRACT) for t in titles[:5]), label="Mar 17"))
    second = tmp_path / "two.txt"
    second.write_text(digest_text(*((t, ABSTRACT) for t in titles[3:]), label="Mar 24"))
    assert not Importer(library).import_files([first, second]).failed
    ids = sorted(library.paper_ids())
    library.set_status(ids[:2], ReadStatus.READ)
    library.set_status(ids[2:3], ReadStatus.SKIMMED)
    library.add_tags(ids[:4], ["lora"])
    library.add_tags(ids[:1], ["a-rather-long-tag-name-that-needs-eliding-in-the-chart"])
    Shelves(library).create("To read")
    Shelves(library).add("To read", ids[3:6])
    with library.write() as tx:
        for n, paper in enumerate(tx.session.scalars(select(Paper).order_by(Paper.id))):
            paper.added_at = dt.datetime(2025, 3, 17, tzinfo=UTC) + dt.timedelta(days=2 * n)
            paper.updated_at = paper.added_at + dt.timedelta(days=3)
    return library


def _view(qtbot: QtBot, figures: stats.LibraryStats) -> StatsView:
    view = StatsView()
    qtbot.addWidget(view)
    view.set_stats(figures)
    view.resize(1000, 900)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_view_draws_every_chart(qtbot: QtBot, filled: Library) -> None:
    figures = stats.compute(filled, now=NOW, tz=UTC)
    view = _view(qtbot, figures)
    assert not view.grab().isNull()
    for chart in view.charts():
        assert not chart.grab().isNull()
        assert not chart.data.empty, chart.title
    assert view.backlog_card.value.text() == str(figures.backlog)
    assert view.papers_card.value.text() == "8"
    # The backlog chart shows the same weekly numbers as `stats --json`.
    last = figures.weeks[-1]
    assert view.backlog_chart.describe().endswith(
        f"unread {last.unread}, skimmed {last.skimmed}, read {last.read}"
    )
    assert "lora: papers 4" in view.tags_chart.describe()
    assert "Paper number 3 on adapters: digests 2" in view.seen_chart.describe()


def test_empty_library_shows_empty_charts(qtbot: QtBot, library: Library) -> None:
    view = _view(qtbot, stats.compute(library, now=NOW, tz=UTC))
    for chart in view.charts():
        assert chart.data.empty
        assert not chart.grab().isNull()
    assert view.wait_card.value.text() == "—"


def test_trend_card_says_whether_the_backlog_grows(qtbot: QtBot, filled: Library) -> None:
    view = _view(qtbot, stats.compute(filled, now=NOW, tz=UTC))
    change = view.stats.backlog_change(4) if view.stats else 0
    assert change > 0
    assert view.trend_card.value.text() == f"▲ {change}"
    assert "growing" in view.trend_card.caption.text()


def test_chart_tooltip_names_the_bar_under_the_mouse(qtbot: QtBot) -> None:
    chart = Chart("Papers added per week", ChartKind.COLUMNS, y_title="papers")
    qtbot.addWidget(chart)
    chart.set_data(
        ChartData(
            ["Mar 3", "Mar 10", "Mar 17"],
            [Series("added", [4, 0, 7])],
            details=["week of 2025-03-03", "week of 2025-03-10", "week of 2025-03-17"],
        )
    )
    chart.resize(400, 240)
    chart.show()
    qtbot.waitExposed(chart)
    chart.grab()  # paint, which lays out the hit areas
    right = QPointF(chart.width() - 20, chart.height() / 2)
    text = chart.tooltip_at(right)
    assert text == "Mar 17\nweek of 2025-03-17\nadded: 7"
    event = QHelpEvent(QEvent.Type.ToolTip, right.toPoint(), chart.mapToGlobal(right.toPoint()))
    QApplication.sendEvent(chart, event)
    assert QToolTip.text() == text
    assert chart.tooltip_at(QPointF(2, 2)) is None  # the title, not a bar
    QToolTip.hideText()


@pytest.mark.parametrize("kind", list(ChartKind))
@pytest.mark.parametrize(
    ("categories", "values"),
    [
        (["only"], [[3.0]]),  # one point: an area chart falls back to a column
        ([f"week {n}" for n in range(60)], [[n % 7 for n in range(60)], [1.0] * 60]),
        (["a", "b"], [[0.0, 0.0]]),  # all zero: the empty text
        (["x" * 200, "y"], [[1.5, 2.5]]),  # a label longer than the chart
    ],
)
def test_chart_draws_any_shape(
    qtbot: QtBot, kind: ChartKind, categories: list[str], values: list[list[float]]
) -> None:
    chart = Chart("Title", kind, x_title="x", y_title="y")
    qtbot.addWidget(chart)
    chart.set_data(ChartData(categories, [Series(f"s{i}", v) for i, v in enumerate(values)]))
    for size in ((500, 300), (120, 80)):  # roomy, and too small to draw a plot
        chart.resize(*size)
        assert not chart.grab().isNull()


def test_chart_follows_a_dark_palette(qtbot: QtBot) -> None:
    chart = Chart("Dark", ChartKind.BARS)
    qtbot.addWidget(chart)
    palette = chart.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#3daee9"))
    chart.setPalette(palette)
    chart.setAutoFillBackground(True)
    chart.set_data(ChartData(["one"], [Series("n", [5])]))
    chart.resize(300, 120)
    image = chart.grab().toImage()
    colors = {image.pixelColor(x, y).name() for x in range(0, 300, 3) for y in range(0, 120, 3)}
    assert "#3daee9" in colors  # the bar, in the palette's highlight colour
    assert "#202020" in colors  # the background


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (0, [0.0, 1.0]),
        (3, [0.0, 1.0, 2.0, 3.0]),
        (7, [0.0, 2.0, 4.0, 6.0, 8.0]),
        (167, [0.0, 50.0, 100.0, 150.0, 200.0]),
        (0.8, [0.0, 0.2, 0.4, 0.6, 0.8]),
        (1000, [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]),
    ],
)
def test_nice_ticks(top: float, ticks: list[float]) -> None:
    assert nice_ticks(top) == ticks


def test_dialog_computes_off_the_gui_thread(qtbot: QtBot, filled: Library) -> None:
    dialog = StatsDialog(filled)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.view.stats is not None, timeout=10_000)
    assert dialog.view.stats is not None
    assert dialog.view.stats.papers == 8
    assert dialog.status.text().startswith("8 papers, 2 digests")
    qtbot.waitUntil(dialog.refresh_button.isEnabled)
    filled.trash([sorted(filled.paper_ids())[-1]])
    dialog.refresh_button.click()
    qtbot.waitUntil(lambda: dialog.view.stats is not None and dialog.view.stats.papers == 7)
    dialog.close()


def test_dialog_closed_while_counting(qtbot: QtBot, filled: Library) -> None:
    dialog = StatsDialog(filled)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()  # at once, before the figures arrive: nothing is shown, nothing warns
    assert not dialog.isVisible()
    qtbot.wait(50)
