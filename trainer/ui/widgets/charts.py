"""Small charts painted with QPainter: a line chart over drills with its target band, and level bars.

Why QPainter and not a chart library: PySide6-Essentials has no QtCharts (it is in
PySide6-Addons, about 300 MB more); pyqtgraph and matplotlib would each add a
dependency and import time (matplotlib alone costs ~0.5 s and ~40 MB, against a
2 s cold-start goal) for what is a handful of short series with one shaded band
each. Painting them ourselves keeps the look in the app's palette, needs nothing
new, and is about 200 lines. Reports that need image files can still choose
matplotlib later.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from trainer.ui.style import color


@dataclass(frozen=True)
class Series:
    """One line: values in drill order (None: not measured in that drill), its name and colour name."""

    name: str
    values: tuple[float | None, ...]
    color: str = "accent"


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """About `count` round tick values covering [low, high] (1, 2, 2.5 or 5 times a power of ten)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value <= high + step * 0.5:
        ticks.append(round(value, 6))
        value += step
    return ticks


class LineChart(QWidget):
    """Values over the rep's drills (x: drill order, labelled with dates) and the target band behind them."""

    def __init__(self, unit: str = "", decimals: int = 0) -> None:
        super().__init__()
        self.unit = unit
        self.decimals = decimals
        self.series: list[Series] = []
        self.dates: list[datetime] = []
        self.band: tuple[float, float] | None = None
        self.floor: float | None = 0.0
        self._points: list[tuple[QPointF, str]] = []
        self.setMouseTracking(True)
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, dates: Sequence[datetime], series: Sequence[Series],
                 band: tuple[float, float] | None = None) -> None:
        """Show `series` (each as long as `dates`) with an optional target band (low, high)."""
        self.dates = list(dates)
        self.series = list(series)
        self.band = band
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, 170)

    def _values(self) -> list[float]:
        return [v for s in self.series for v in s.values if v is not None]

    def _y_range(self) -> tuple[float, float]:
        values = self._values() + (list(self.band) if self.band else [])
        low, high = min(values), max(values)
        if self.floor is not None:
            low = min(low, self.floor)
        pad = (high - low) * 0.08 or 1.0
        return (low if self.floor is not None and low == self.floor else low - pad), high + pad

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.82)
        painter.setFont(small)
        self._points = []
        if not self._values():
            painter.setPen(color("faint"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No drills yet")
            return
        low, high = self._y_range()
        ticks = [t for t in nice_ticks(low, high) if low <= t <= high]
        label_width = max(painter.fontMetrics().horizontalAdvance(self._fmt(t)) for t in ticks) + 8
        plot = QRectF(label_width, 8, self.width() - label_width - 10, self.height() - 30)

        def y_of(value: float) -> float:
            return plot.bottom() - (value - low) / (high - low) * plot.height()

        count = len(self.dates)

        def x_of(index: int) -> float:
            return plot.center().x() if count == 1 else plot.left() + index / (count - 1) * plot.width()

        if self.band:
            top, bottom = y_of(min(self.band[1], high)), y_of(max(self.band[0], low))
            band_color = QColor(color("band"))
            band_color.setAlpha(26)
            painter.fillRect(QRectF(plot.left(), top, plot.width(), bottom - top), band_color)
            edge = QPen(QColor(color("band")), 1, Qt.PenStyle.DashLine)
            edge.setDashPattern([3, 4])
            painter.setPen(edge)
            for value in self.band:
                if low <= value <= high:
                    painter.drawLine(QPointF(plot.left(), y_of(value)), QPointF(plot.right(), y_of(value)))
        painter.setPen(QPen(color("border"), 1))
        for tick in ticks:
            painter.drawLine(QPointF(plot.left(), y_of(tick)), QPointF(plot.right(), y_of(tick)))
        painter.setPen(color("muted"))
        for tick in ticks:
            painter.drawText(QRectF(0, y_of(tick) - 8, label_width - 6, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self._fmt(tick))
        if self.dates:
            first, last = self.dates[0].strftime("%d %b"), self.dates[-1].strftime("%d %b")
            painter.drawText(QRectF(plot.left(), plot.bottom() + 6, plot.width(), 16),
                             Qt.AlignmentFlag.AlignLeft, first)
            if count > 1:
                painter.drawText(QRectF(plot.left(), plot.bottom() + 6, plot.width(), 16),
                                 Qt.AlignmentFlag.AlignRight, last)
        for series in self.series:
            self._draw_series(painter, series, x_of, y_of)

    def _draw_series(self, painter: QPainter, series: Series, x_of, y_of) -> None:
        line_color = color(series.color)
        path = QPainterPath()
        started = False
        points = []
        for index, value in enumerate(series.values):
            if value is None:
                started = False
                continue
            point = QPointF(x_of(index), y_of(value))
            points.append((index, value, point))
            if started:
                path.lineTo(point)
            else:
                path.moveTo(point)
                started = True
        painter.setPen(QPen(line_color, 2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        radius = 3.2 if len(points) < 40 else 2.0
        for index, value, point in points:
            painter.setPen(QPen(line_color, 1.8))
            painter.setBrush(QColor("white"))
            painter.drawEllipse(point, radius, radius)
            date = self.dates[index].strftime("%d %b %H:%M") if index < len(self.dates) else ""
            self._points.append((point, f"{series.name}: {self._fmt(value)}{self.unit}  ({date})"))
        if points:
            painter.setBrush(line_color)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(points[-1][2], radius + 1.2, radius + 1.2)

    def _fmt(self, value: float) -> str:
        return f"{value:.{self.decimals}f}"

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        position = event.position()
        near = min(self._points, key=lambda p: (p[0] - position).manhattanLength(), default=None)
        if near is not None and (near[0] - position).manhattanLength() < 18:
            QToolTip.showText(event.globalPosition().toPoint(), near[1], self)
        else:
            QToolTip.hideText()


class LevelBars(QWidget):
    """How many objections a pack has at each ladder level, as small labelled bars."""

    def __init__(self, counts: dict[int, int], levels: Sequence[int] = (1, 2, 3, 4, 5)) -> None:
        super().__init__()
        self.counts = counts
        self.levels = list(levels)
        self.setFixedHeight(46)
        self.setToolTip(", ".join(f"level {lv}: {counts.get(lv, 0)}" for lv in self.levels))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.8)
        painter.setFont(small)
        most = max(self.counts.values(), default=0) or 1
        slot = min(34.0, self.width() / max(1, len(self.levels)))
        for i, level in enumerate(self.levels):
            count = self.counts.get(level, 0)
            x = i * slot
            height = 22 * count / most
            bar = QRectF(x + 6, 24 - height, slot - 12, max(height, 2))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color("accent") if count else color("border"))
            painter.drawRoundedRect(bar, 2.5, 2.5)
            painter.setPen(color("muted"))
            painter.drawText(QRectF(x, 27, slot, 16), Qt.AlignmentFlag.AlignCenter, f"L{level}")
