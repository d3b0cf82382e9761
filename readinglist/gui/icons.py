"""Icons drawn from the palette (so they follow light and dark themes) or taken from the theme."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPainterPath, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

if TYPE_CHECKING:
    from collections.abc import Callable

SIZES = (16, 24, 32, 48)


def _draw(paint: Callable[[QPainter, float], None]) -> QIcon:
    """An icon painted at several sizes and at the screen's pixel ratio (high-DPI clean)."""
    ratio = QGuiApplication.instance().devicePixelRatio() if QGuiApplication.instance() else 1.0  # type: ignore[union-attr]
    icon = QIcon()
    for size in SIZES:
        pixmap = QPixmap(round(size * ratio), round(size * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint(painter, float(size))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def _text_color() -> QColor:
    return QApplication.palette().color(QPalette.ColorRole.WindowText)


def dot(color: str | None) -> QIcon:
    """A round dot in a tag's colour (or a hollow ring for a tag without one)."""
    fill = QColor(color) if color else None
    ring = _text_color()

    def paint(p: QPainter, size: float) -> None:
        r = size * 0.28
        center = QPointF(size / 2, size / 2)
        if fill is not None and fill.isValid():
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(fill)
        else:
            pen_color = QColor(ring)
            pen_color.setAlphaF(0.6)
            p.setPen(pen_color)
            p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(center, r, r)

    return _draw(paint)


def status(fraction: float) -> QIcon:
    """A circle filled to ``fraction``: 0 unread, 0.5 skimmed, 1 read."""
    color = _text_color()

    def paint(p: QPainter, size: float) -> None:
        r = size * 0.3
        rect = QRectF(size / 2 - r, size / 2 - r, 2 * r, 2 * r)
        pen_color = QColor(color)
        p.setPen(pen_color)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(rect)
        if fraction > 0:
            p.setBrush(color)
            p.setPen(Qt.PenStyle.NoPen)
            if fraction >= 1:
                p.drawEllipse(rect)
            else:
                p.drawPie(rect, 90 * 16, int(360 * 16 * fraction))

    return _draw(paint)


def star() -> QIcon:
    color = _text_color()

    def paint(p: QPainter, size: float) -> None:
        import math

        path = QPainterPath()
        cx = cy = size / 2
        outer, inner = size * 0.42, size * 0.18
        for k in range(10):
            radius = outer if k % 2 == 0 else inner
            angle = math.pi / 2 + k * math.pi / 5
            point = QPointF(cx + radius * math.cos(angle), cy - radius * math.sin(angle))
            if k == 0:
                path.moveTo(point)
            else:
                path.lineTo(point)
        path.closeSubpath()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawPath(path)

    return _draw(paint)


def themed(name: str, fallback: QStyle.StandardPixmap) -> QIcon:
    """The desktop theme's icon when there is one, else the style's standard icon."""
    icon = QIcon.fromTheme(name)
    if icon.isNull():
        icon = QApplication.style().standardIcon(fallback)
    return icon


@cache
def _app_icon_path() -> str | None:
    from readinglist.resources import resource_path

    for name in ("icons/readinglist.svg", "icons/readinglist.png"):
        try:
            path = resource_path(name)
        except (FileNotFoundError, OSError, ValueError):
            continue
        if path.is_file():
            return str(path)
    return None


def app_icon() -> QIcon:
    """The application icon from resources/, or an empty icon if it is not installed."""
    path = _app_icon_path()
    return QIcon(path) if path else QIcon()
