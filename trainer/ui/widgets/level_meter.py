"""A live input level meter: loudness as a segmented bar on a decibel scale, with a falling peak mark.

Fed `set_level(rms, peak)` (fractions of full scale, as `trainer.speech.audio_in.Level`
and the drill's `LevelMeter` events give them); it only paints, so feeding it is cheap.
The bar follows the peaks and falls back slowly (as a peak programme meter does), so
speech reads as a steady bar rather than a flicker between words.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from trainer.ui.style import color

FLOOR_DB = -60.0  # silence; speech into a headset sits around -30 to -10 dBFS
PEAK_HOLD_S = 1.0
FALL_PER_S = 1.2  # how fast the bar falls back, in meter widths per second
SEGMENTS = 28


def to_fraction(value: float) -> float:
    """A level (fraction of full scale) as 0..1 of the meter's decibel scale."""
    if value <= 0:
        return 0.0
    db = 20 * math.log10(value)
    return min(1.0, max(0.0, (db - FLOOR_DB) / -FLOOR_DB))


class LevelMeter(QWidget):
    """Shows the latest loudness; `quiet` dims it (e.g. while the prospect speaks)."""

    def __init__(self) -> None:
        super().__init__()
        self.rms = 0.0
        self.peak = 0.0
        self.shown = 0.0  # the bar, 0..1 of the scale
        self._shown_at = 0.0
        self._held = 0.0
        self._held_at = 0.0
        self.setMinimumWidth(160)
        self.setFixedHeight(14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(260, 14)

    def set_level(self, rms: float, peak: float) -> None:
        """Show a new reading."""
        self.rms, self.peak = rms, peak
        now = time.monotonic()
        fallen = self.shown - FALL_PER_S * (now - self._shown_at)
        self.shown, self._shown_at = max(to_fraction(peak), fallen, 0.0), now
        if self.shown >= self._held or now - self._held_at > PEAK_HOLD_S:
            self._held, self._held_at = self.shown, now
        self.update()

    def reset(self) -> None:
        """Back to silence."""
        self.rms = self.peak = self.shown = self._held = 0.0
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        lit = round(self.shown * SEGMENTS)
        gap = 2.0
        width = (self.width() - gap * (SEGMENTS - 1)) / SEGMENTS
        painter.setPen(Qt.PenStyle.NoPen)
        for i in range(SEGMENTS):
            share = i / SEGMENTS
            tone = "good" if share < 0.7 else "warn" if share < 0.9 else "bad"
            shade = color(tone) if i < lit else QColor(color("border"))
            painter.setBrush(shade)
            painter.drawRoundedRect(QRectF(i * (width + gap), 0, width, self.height()), 2, 2)
        if self._held > 0:
            x = min(self._held, 1.0) * (self.width() - 3)
            painter.setBrush(color("text"))
            painter.drawRect(QRectF(x, 0, 3, self.height()))
