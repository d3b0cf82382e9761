"""A small chart widget drawn with QPainter: stacked columns, stacked areas, horizontal bars.

PySide6-Essentials has no QtCharts; these three kinds are all the statistics need. Colours
come from the widget's palette (text, grid, the highlight colour for a single series), so the
charts follow light and dark themes. Axes are labelled, values get tooltips on hover.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QHelpEvent, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from PySide6.QtGui import QPaintEvent


class ChartKind(StrEnum):
    COLUMNS = "columns"  # vertical bars; several series stack
    AREA = "area"  # stacked areas over an ordered axis (falls back to columns for one point)
    BARS = "bars"  # horizontal bars; several series side by side in each row


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float]
    color: QColor | None = None  # None: the palette's highlight colour


@dataclass(frozen=True, slots=True)
class ChartData:
    """What to draw: one value per category for each series."""

    categories: Sequence[str]
    series: Sequence[Series]
    details: Sequence[str] = ()  # extra tooltip text per category (a full title...)
    fmt: Callable[[float], str] = field(default=lambda v: f"{v:g}")

    @property
    def empty(self) -> bool:
        return not self.categories or not any(any(v for v in s.values) for s in self.series)


@dataclass(frozen=True, slots=True)
class _Hit:
    rect: QRectF
    text: str


def nice_ticks(top: float, most: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``top`` (0, 5, 10... or 0, 0.5, 1...)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / most
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if top >= 1 and step < 1:
        step = 1.0
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


class Chart(QWidget):
    """One titled chart. Call :meth:`set_data`; it repaints and updates its tooltips."""

    MARGIN = 8.0

    def __init__(
        self,
        title: str,
        kind: ChartKind,
        *,
        x_title: str = "",
        y_title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.kind = kind
        self.x_title = x_title
        self.y_title = y_title
        self.data = ChartData((), ())
        self.empty_text = "No data yet"
        self._hits: list[_Hit] = []
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(title)

    def set_data(self, data: ChartData) -> None:
        self.data = data
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        """The numbers in words, for screen readers and tests."""
        parts = []
        for i, category in enumerate(self.data.categories):
            values = ", ".join(f"{s.name} {self.data.fmt(s.values[i])}" for s in self.data.series)
            parts.append(f"{category}: {values}")
        return "; ".join(parts) or self.empty_text

    # QWidget.sizeHint override
    def sizeHint(self) -> QSize:
        return QSize(460, 260)

    # QWidget.minimumSizeHint override
    def minimumSizeHint(self) -> QSize:
        return QSize(260, 170)

    # -- painting ---------------------------------------------------------------------------

    def _colors(self) -> list[QColor]:
        accent = self.palette().color(QPalette.ColorRole.Highlight)
        return [s.color if s.color is not None else accent for s in self.data.series]

    # QWidget.paintEvent override
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._hits = []
        try:
            area = QRectF(self.rect()).adjusted(
                self.MARGIN, self.MARGIN, -self.MARGIN, -self.MARGIN
            )
            area = self._draw_header(painter, area)
            if self.data.empty:
                self._draw_empty(painter, area)
            elif self.kind is ChartKind.BARS:
                self._draw_bars(painter, area)
            else:
                self._draw_columns(painter, area)
        finally:
            painter.end()

    def _text_color(self, alpha: float = 1.0) -> QColor:
        color = QColor(self.palette().color(QPalette.ColorRole.WindowText))
        color.setAlphaF(alpha)
        return color

    def _draw_header(self, p: QPainter, area: QRectF) -> QRectF:
        """Title on the left, legend (when several series) on the right; returns what is left."""
        font = p.font()
        bold = p.font()
        bold.setBold(True)
        p.setFont(bold)
        fm = QFontMetricsF(bold)
        p.setPen(self._text_color())
        p.drawText(
            QRectF(area.left(), area.top(), area.width(), fm.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fm.elidedText(self.title, Qt.TextElideMode.ElideRight, area.width() * 0.6),
        )
        p.setFont(font)
        if len(self.data.series) > 1:
            small = QFontMetricsF(font)
            x = area.right()
            for series, color in reversed(list(zip(self.data.series, self._colors(), strict=True))):
                width = small.horizontalAdvance(series.name)
                x -= width
                p.setPen(self._text_color(0.85))
                p.drawText(
                    QRectF(x, area.top(), width + 1, fm.height()),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    series.name,
                )
                box = small.height() * 0.6
                x -= box + 4
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(color)
                p.drawRoundedRect(QRectF(x, area.top() + (fm.height() - box) / 2, box, box), 2, 2)
                x -= 12
        return area.adjusted(0, fm.height() + 6, 0, 0)

    def _draw_empty(self, p: QPainter, area: QRectF) -> None:
        p.setPen(self._text_color(0.55))
        p.drawText(area, Qt.AlignmentFlag.AlignCenter, self.empty_text)

    def _axis_pen(self) -> QPen:
        return QPen(self._text_color(0.45), 1)

    def _grid_pen(self) -> QPen:
        pen = QPen(self._text_color(0.12), 1)
        pen.setStyle(Qt.PenStyle.SolidLine)
        return pen

    def _tooltip(self, index: int) -> str:
        data = self.data
        lines = [data.categories[index]]
        if index < len(data.details) and data.details[index]:
            lines.append(data.details[index])
        lines += [f"{s.name}: {data.fmt(s.values[index])}" for s in data.series]
        return "\n".join(lines)

    def _draw_columns(self, p: QPainter, area: QRectF) -> None:
        data = self.data
        fm = QFontMetricsF(p.font())
        n = len(data.categories)
        totals = [sum(s.values[i] for s in data.series) for i in range(n)]
        ticks = nice_ticks(max(totals))
        top = ticks[-1]
        labels = [data.fmt(t) for t in ticks]
        y_title_w = fm.height() + 4 if self.y_title else 0.0
        left = area.left() + y_title_w + max(fm.horizontalAdvance(s) for s in labels) + 6
        bottom = area.bottom() - fm.height() - 4 - (fm.height() + 2 if self.x_title else 0.0)
        plot = QRectF(left, area.top() + fm.height() / 2, area.right() - left, bottom - area.top())
        if plot.width() < 20 or plot.height() < 20:
            return

        def y_of(value: float) -> float:
            return plot.bottom() - plot.height() * value / top

        for tick, label in zip(ticks, labels, strict=True):
            y = y_of(tick)
            p.setPen(self._grid_pen() if tick else self._axis_pen())
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(self._text_color(0.7))
            p.drawText(
                QRectF(
                    area.left() + y_title_w,
                    y - fm.height() / 2,
                    left - area.left() - 6 - y_title_w,
                    fm.height(),
                ),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
        slot = plot.width() / n
        colors = self._colors()
        if self.kind is ChartKind.AREA and n > 1:
            self._draw_areas(p, plot, slot, y_of, colors)
        else:
            width = max(1.0, min(slot * 0.7, 48.0))
            for i in range(n):
                x = plot.left() + slot * i + (slot - width) / 2
                base = 0.0
                for series, color in zip(data.series, colors, strict=True):
                    value = series.values[i]
                    if value > 0:
                        rect = QRectF(x, y_of(base + value), width, y_of(base) - y_of(base + value))
                        p.fillRect(rect, color)
                    base += value
        for i in range(n):
            self._hits.append(
                _Hit(
                    QRectF(plot.left() + slot * i, plot.top(), slot, plot.height()),
                    self._tooltip(i),
                )
            )
        self._draw_x_labels(p, plot, slot, fm)
        p.setPen(self._text_color(0.7))
        if self.x_title:
            p.drawText(
                QRectF(plot.left(), area.bottom() - fm.height(), plot.width(), fm.height()),
                Qt.AlignmentFlag.AlignCenter,
                self.x_title,
            )
        if self.y_title:
            p.save()
            p.translate(area.left(), plot.center().y())
            p.rotate(-90)
            p.drawText(
                QRectF(-plot.height() / 2, 0, plot.height(), fm.height()),
                Qt.AlignmentFlag.AlignCenter,
                self.y_title,
            )
            p.restore()

    def _draw_areas(
        self,
        p: QPainter,
        plot: QRectF,
        slot: float,
        y_of: Callable[[float], float],
        colors: Sequence[QColor],
    ) -> None:
        data = self.data
        n = len(data.categories)
        xs = [plot.left() + slot * (i + 0.5) for i in range(n)]
        lower = [0.0] * n
        for series, color in zip(data.series, colors, strict=True):
            upper = [lower[i] + series.values[i] for i in range(n)]
            path = QPainterPath(QPointF(xs[0], y_of(upper[0])))
            for i in range(1, n):
                path.lineTo(xs[i], y_of(upper[i]))
            for i in reversed(range(n)):
                path.lineTo(xs[i], y_of(lower[i]))
            path.closeSubpath()
            fill = QColor(color)
            fill.setAlphaF(0.55)
            p.fillPath(path, fill)
            p.setPen(QPen(color, 2))
            for i in range(1, n):
                p.drawLine(QPointF(xs[i - 1], y_of(upper[i - 1])), QPointF(xs[i], y_of(upper[i])))
            lower = upper

    def _draw_x_labels(self, p: QPainter, plot: QRectF, slot: float, fm: QFontMetricsF) -> None:
        labels = self.data.categories
        widest = max(fm.horizontalAdvance(s) for s in labels) + 8
        every = max(1, math.ceil(widest / slot))
        p.setPen(self._text_color(0.7))
        last = len(labels) - 1
        limit = plot.right() + 4  # labels are placed right to left and never overlap
        # Always label the newest category; step back from it so spacing stays even.
        for i in range(last, -1, -every):
            center = plot.left() + slot * (i + 0.5)
            text = fm.elidedText(labels[i], Qt.TextElideMode.ElideRight, max(slot * every, widest))
            width = fm.horizontalAdvance(text) + 2
            x = min(max(center - width / 2, plot.left() - 4), limit - width)
            if x < plot.left() - 4 - 0.5:
                break
            p.drawText(
                QRectF(x, plot.bottom() + 3, width, fm.height()),
                Qt.AlignmentFlag.AlignCenter,
                text,
            )
            limit = x - 6

    def _draw_bars(self, p: QPainter, area: QRectF) -> None:
        data = self.data
        fm = QFontMetricsF(p.font())
        n = len(data.categories)
        top = nice_ticks(max(max(s.values) for s in data.series))[-1]
        label_w = min(
            area.width() * 0.42, max(fm.horizontalAdvance(c) for c in data.categories) + 8
        )
        value_w = max(fm.horizontalAdvance(data.fmt(v)) for s in data.series for v in s.values) + 6
        x_title_h = fm.height() + 2 if self.x_title else 0.0
        plot = QRectF(
            area.left() + label_w,
            area.top(),
            area.width() - label_w - value_w,
            area.height() - x_title_h,
        )
        if plot.width() < 20 or plot.height() < 10:
            return
        row = min(plot.height() / n, fm.height() * 2.2)
        colors = self._colors()
        groups = len(data.series)
        bar_h = max(2.0, row * 0.72 / groups)
        p.setPen(self._axis_pen())
        p.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.left(), plot.top() + row * n))
        for i, category in enumerate(data.categories):
            y = plot.top() + row * i
            p.setPen(self._text_color(0.85))
            p.drawText(
                QRectF(area.left(), y, label_w - 8, row),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(category, Qt.TextElideMode.ElideRight, label_w - 8),
            )
            first = y + (row - bar_h * groups) / 2
            for g, (series, color) in enumerate(zip(data.series, colors, strict=True)):
                value = series.values[i]
                width = plot.width() * value / top if top else 0.0
                rect = QRectF(
                    plot.left(), first + g * bar_h, max(width, 1.0 if value else 0.0), bar_h - 1
                )
                p.fillRect(rect, color)
                p.setPen(self._text_color(0.7))
                p.drawText(
                    QRectF(rect.right() + 4, rect.top() - 2, value_w, rect.height() + 4),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    data.fmt(value),
                )
            self._hits.append(_Hit(QRectF(area.left(), y, area.width(), row), self._tooltip(i)))
        if self.x_title:
            p.setPen(self._text_color(0.7))
            p.drawText(
                QRectF(plot.left(), plot.top() + row * n + 2, plot.width(), fm.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.x_title,
            )

    # -- tooltips ---------------------------------------------------------------------------

    def tooltip_at(self, pos: QPointF) -> str | None:
        """The tooltip for a point in widget coordinates (after the last paint)."""
        for hit in self._hits:
            if hit.rect.contains(pos):
                return hit.text
        return None

    # QWidget.event override: tooltips follow the bar under the mouse
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)
