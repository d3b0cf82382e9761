"""View > Statistics: the reading backlog at a glance, with the figures of ``readinglist stats``.

:class:`StatsView` draws a :class:`~readinglist.stats.LibraryStats`; :class:`StatsDialog`
computes one off the GUI thread and shows it. The numbers come from ``readinglist.stats``,
the same service as the command line, so the two never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from readinglist import stats as stats_service
from readinglist.gui.charts import Chart, ChartData, ChartKind, Series
from readinglist.gui.tasks import run_task

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from readinglist.gui.tasks import CancelCheck, ProgressReport, TaskHandle
    from readinglist.library import Library
    from readinglist.stats import LibraryStats

# Status colours readable on light and dark backgrounds alike.
STATUS_COLORS = {"unread": "#e4572e", "skimmed": "#f3a712", "read": "#4c9a2a"}
SHOWN_WEEKS = 26
APPROXIMATION = (
    "Read status over time is estimated: the library keeps no history of statuses, so a "
    "paper skimmed or read now counts as such from the week of its last edit. Papers in "
    "the Trash and papers dismissed in triage are not part of the backlog."
)


def _day_labels(days: Sequence[dt.date | None], fallback: Sequence[str]) -> list[str]:
    """Short, unique axis labels: "Mar 3", with "’25" when not in the newest date's year."""
    known = [d for d in days if d is not None]
    newest = max(known).year if known else 0
    labels: list[str] = []
    for day, other in zip(days, fallback, strict=True):
        if day is None:
            label = other
        else:
            label = f"{day:%b} {day.day}" + (f" ’{day:%y}" if day.year != newest else "")
        repeats = labels.count(label) + sum(1 for x in labels if x.startswith(label + " ("))
        labels.append(f"{label} ({repeats + 1})" if repeats else label)
    return labels


def _days(value: float) -> str:
    return f"{value:.1f} days" if value != 1 else "1 day"


class _Card(QFrame):
    """A big number with a caption under it."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("—")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self.caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, value: str, caption: str | None = None, color: str | None = None) -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"color: {color};" if color else "")
        if caption is not None:
            self.caption.setText(caption)


class StatsView(QWidget):
    """Summary cards and six charts; :meth:`set_stats` fills them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stats: LibraryStats | None = None
        self.papers_card = _Card("papers in the library")
        self.backlog_card = _Card("unread papers waiting (dismissed ones not counted)")
        self.trend_card = _Card("change of the backlog over 4 weeks")
        self.wait_card = _Card("median wait of an unread paper")
        self.backlog_chart = Chart(
            "Backlog by week: papers by read status", ChartKind.AREA, y_title="papers"
        )
        self.added_chart = Chart("Papers added per week", ChartKind.COLUMNS, y_title="papers")
        self.digest_chart = Chart("Papers per digest", ChartKind.COLUMNS, y_title="papers")
        self.shelf_chart = Chart("Age of unread papers", ChartKind.BARS, x_title="days since added")
        self.tags_chart = Chart("Top tags", ChartKind.BARS, x_title="papers")
        self.seen_chart = Chart(
            "Most seen papers", ChartKind.BARS, x_title="digests the paper appeared in"
        )
        self.shelf_chart.empty_text = "No unread papers"
        self.tags_chart.empty_text = "No tags yet"
        self.seen_chart.empty_text = "No paper was seen in more than one digest"
        self.note = QLabel(APPROXIMATION)
        self.note.setWordWrap(True)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        cards = QHBoxLayout()
        for card in (self.backlog_card, self.trend_card, self.wait_card, self.papers_card):
            cards.addWidget(card)
        grid = QGridLayout()
        grid.setSpacing(12)
        grid.addWidget(self.backlog_chart, 0, 0, 1, 2)
        grid.addWidget(self.added_chart, 1, 0)
        grid.addWidget(self.digest_chart, 1, 1)
        grid.addWidget(self.shelf_chart, 2, 0)
        grid.addWidget(self.tags_chart, 2, 1)
        grid.addWidget(self.seen_chart, 3, 0, 1, 2)
        self.backlog_chart.setMinimumHeight(240)
        layout = QVBoxLayout(self)
        layout.addLayout(cards)
        layout.addLayout(grid, 1)
        layout.addWidget(self.note)

    def charts(self) -> list[Chart]:
        return [
            self.backlog_chart,
            self.added_chart,
            self.digest_chart,
            self.shelf_chart,
            self.tags_chart,
            self.seen_chart,
        ]

    def set_stats(self, stats: LibraryStats) -> None:
        self.stats = stats
        self._fill_cards(stats)
        self._fill_weeks(stats)
        self._fill_digests(stats)
        self._fill_shelves(stats)
        self.tags_chart.set_data(
            ChartData(
                [t.name for t in stats.top_tags],
                [Series("papers", [t.count for t in stats.top_tags])],
            )
        )
        seen = stats.most_seen
        self.seen_chart.set_data(
            ChartData(
                [m.title for m in seen],
                [Series("digests", [m.seen for m in seen])],
                details=[f"#{m.paper_id} · {m.read_status.value}" for m in seen],
            )
        )

    def _fill_cards(self, s: LibraryStats) -> None:
        status = ", ".join(f"{n} {name}" for name, n in s.by_status.items())
        self.papers_card.set(str(s.papers), f"papers in the library ({status})")
        self.backlog_card.set(str(s.backlog), color=STATUS_COLORS["unread"])
        change = s.backlog_change(4)
        if change > 0:
            self.trend_card.set(f"▲ {change}", "more unread than 4 weeks ago: growing", "#d1495b")
        elif change < 0:
            self.trend_card.set(
                f"▼ {-change}", "fewer unread than 4 weeks ago: shrinking", "#4c9a2a"
            )
        else:
            self.trend_card.set("±0", "the backlog has held steady for 4 weeks")
        age = s.unread_age
        if age.median_days is None or age.max_days is None:
            self.wait_card.set("—", "nothing unread")
        else:
            self.wait_card.set(
                _days(age.median_days), f"median wait; the oldest unread: {_days(age.max_days)}"
            )

    def _fill_weeks(self, s: LibraryStats) -> None:
        weeks = s.weeks[-SHOWN_WEEKS:]
        labels = _day_labels([w.week for w in weeks], ["" for _ in weeks])
        details = [f"week of {w.week.isoformat()}" for w in weeks]
        statuses: Sequence[tuple[str, list[int]]] = (
            ("unread", [w.unread for w in weeks]),
            ("skimmed", [w.skimmed for w in weeks]),
            ("read", [w.read for w in weeks]),
        )
        self.backlog_chart.set_data(
            ChartData(
                labels,
                [Series(name, values, QColor(STATUS_COLORS[name])) for name, values in statuses],
                details=details,
            )
        )
        self.added_chart.set_data(
            ChartData(labels, [Series("added", [w.added for w in weeks])], details=details)
        )

    def _fill_digests(self, s: LibraryStats) -> None:
        digests = s.digests
        labels = _day_labels(
            [d.date for d in digests], [d.date_label or d.file_name for d in digests]
        )
        seen_before = QColor(self.palette().color(QPalette.ColorRole.WindowText))
        seen_before.setAlphaF(0.3)
        self.digest_chart.set_data(
            ChartData(
                labels,
                [
                    Series("new to the library", [d.new_papers for d in digests]),
                    Series(
                        "already there", [d.papers - d.new_papers for d in digests], seen_before
                    ),
                ],
                details=[f"{d.file_name} ({d.entries} entries)" for d in digests],
            )
        )

    def _fill_shelves(self, s: LibraryStats) -> None:
        rows = [s.unread_age, *(a for a in s.shelves if a.unread)]
        rows = [a for a in rows if a.median_days is not None and a.max_days is not None]
        lighter = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        lighter.setAlphaF(0.4)
        self.shelf_chart.set_data(
            ChartData(
                [a.name + (" (smart)" if a.kind == "smart" else "") for a in rows],
                [
                    Series("median", [a.median_days or 0.0 for a in rows]),
                    Series("oldest", [a.max_days or 0.0 for a in rows], lighter),
                ],
                details=[f"{a.unread} unread of {a.papers}" for a in rows],
                fmt=lambda v: f"{v:.1f}" if v != int(v) else f"{v:.0f}",
            )
        )


class StatsDialog(QDialog):
    """View > Statistics: computes the figures off the GUI thread; Refresh recomputes."""

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.setWindowTitle("Statistics")
        self.view = StatsView()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.view)
        self.status = QLabel("Counting…")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.refresh_button = QPushButton("Refresh")
        buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.refresh_button.clicked.connect(self.refresh)
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(footer)
        self.resize(980, 860)
        self._task: TaskHandle | None = None
        self.refresh()

    def refresh(self) -> None:
        """Recompute the statistics in the background; the old charts stay until then."""
        if self._task is not None and self._task.running:
            return
        library = self.library

        def work(_progress: ProgressReport, _cancelled: CancelCheck) -> LibraryStats:
            return stats_service.compute(library)

        self.refresh_button.setEnabled(False)
        self.status.setText("Counting…")
        self._task = run_task(work, parent=self)
        self._task.finished.connect(self._loaded)
        self._task.failed.connect(self._failed)
        self._task.done.connect(lambda: self.refresh_button.setEnabled(True))

    def _loaded(self, result: object) -> None:
        assert isinstance(result, stats_service.LibraryStats)
        self.view.set_stats(result)
        self.status.setText(
            f"{result.papers} papers, {len(result.digests)} digests · "
            f"as of {result.generated_at.astimezone():%Y-%m-%d %H:%M}"
        )

    def _failed(self, message: str) -> None:
        self.status.setText(f"Cannot compute the statistics: {message}")

    # QDialog.done override: stop a computation still running
    def done(self, result: int) -> None:
        if self._task is not None and self._task.running:
            self._task.cancel()
            self._task.silence()
        super().done(result)
