"""The score card of one answer: the score, each metric against its target band, the reasons, the moves.

Shown in the drill view right after a turn and in Review for stored turns (both as a
`TurnSummary`). Every metric tile draws its band, so "142 wpm" is read against
"120-160" at a glance; the reasons say what each lost point needs.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QSizePolicy, QWidget

from trainer.core.targets import Targets
from trainer.ui.style import color, score_color, set_kind
from trainer.ui.summaries import TurnSummary
from trainer.ui.widgets.common import clear_layout, hbox, label, pill, vbox


class ScoreRing(QWidget):
    """A 0-100 score as a ring that fills, coloured by how good it is."""

    def __init__(self, diameter: int = 92) -> None:
        super().__init__()
        self.score: float | None = None
        self.setFixedSize(diameter, diameter)

    def set_score(self, score: float | None) -> None:
        """Show a score (None: not scored)."""
        self.score = score
        self.setToolTip("" if score is None else f"{score:.0f} out of 100")
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = max(6.0, self.width() / 11)
        box = QRectF(width / 2, width / 2, self.width() - width, self.height() - width)
        painter.setPen(QPen(color("border"), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawArc(box, 0, 360 * 16)
        tone = color(score_color(self.score))
        if self.score is not None:
            painter.setPen(QPen(tone, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawArc(box, 90 * 16, -round(360 * 16 * max(0.0, min(self.score, 100.0)) / 100))
        font = QFont(self.font())
        font.setPixelSize(round(self.height() * 0.3))
        font.setWeight(QFont.Weight.Bold)
        painter.setFont(font)
        painter.setPen(color("text"))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "–" if self.score is None else f"{self.score:.0f}")


# The filler count is the engine's written fillers plus the held "uh"/"um" found in the sound
# (docs/metrics.md "Fillers per engine": on espeak-ng speech 20 of 24 found with Whisper tiny.en,
# 16-18 with Vosk's small English model, at most 2 counted that were not said; espeak's short "uh"
# at 175 wpm is missed): an estimate. Turns stored before that counted the written ones alone
# (no `fillers_in_sound` key; 6 and 1 of 24): a lower bound.
FILLERS_CAVEAT = ("an estimate", "Counted from the fillers the speech engine wrote and the held \u201cuh\u201d and "
                  "\u201cum\u201d sounds found in your recording: on test speech it found 16-20 of 24, and counted at "
                  "most 2 that were not said; short ones can be missed (docs/metrics.md, Fillers per engine)")
WRITTEN_FILLERS_CAVEAT = ("a lower bound", "Counted from the words the speech engine wrote, which leave out most "
                          "\u201cum\u201d and \u201cuh\u201d: you said at least this many fillers, maybe more "
                          "(docs/metrics.md, Fillers per engine)")


@dataclass(frozen=True)
class Gauge:
    """How one metric is shown: its value, band, the scale drawn, and how to write it."""

    name: str
    value: float | None
    band: tuple[float, float]
    scale: tuple[float, float]
    unit: str
    decimals: int = 0
    none_text: str = "–"
    caveat: str = ""  # how far the number can be trusted, in a few words ("a lower bound")
    caveat_why: str = ""  # the same at length, for the tooltip

    @property
    def text(self) -> str:
        """The value as shown."""
        return self.none_text if self.value is None else f"{self.value:.{self.decimals}f}{self.unit}"

    @property
    def target(self) -> str:
        """The band as shown ("target 120-160 wpm", "at most 2.0 s")."""
        low, high = self.band
        target = f"at most {high:g}{self.unit}" if low <= 0 else f"target {low:g}-{high:g}{self.unit}"
        return f"{target} · {self.caveat}" if self.caveat and self.value is not None else target

    @property
    def tone(self) -> str:
        """'good' inside the band, 'warn' just outside (a quarter of the band's width), else 'bad' (or nothing to judge)."""
        if self.value is None:
            return "faint" if self.none_text == "no question" else "bad"
        low, high = self.band
        if low <= self.value <= high:
            return "good"
        slack = max((high - low) * 0.25, 0.5)
        return "warn" if low - slack <= self.value <= high + slack else "bad"


def gauges(metrics: dict, targets: Targets) -> list[Gauge]:
    """The banded metrics of an answer (docs/metrics.md definitions) against the pack's targets.

    Nothing heard reads "no answer", never 0: a silent answer has no pace and no filler rate.
    Airtime is against the model answer when the turn has one, else the answer length band.
    """
    latency = metrics.get("latency_s")
    heard = metrics.get("talk_s", 0.0) > 0
    shown = [
        Gauge("Pace", metrics.get("wpm") or None, targets.pace_band, (60, 220), " wpm", none_text="no answer"),
        Gauge("Response time", latency, (0.0, targets.hesitation_s), (-1, 5), " s", 1, "no answer"),
        Gauge("Fillers", metrics.get("fillers_per_min") if heard else None, (0, targets.fillers_per_min_max),
              (0, 15), "/min", 1, "no answer",
              *(FILLERS_CAVEAT if "fillers_in_sound" in metrics else WRITTEN_FILLERS_CAVEAT)),
    ]
    if metrics.get("model_answer_s"):
        low, high = targets.airtime_band
        shown.append(Gauge("Airtime", metrics.get("airtime_ratio"), (low, high), (0, max(3.0, high + 1)), "×", 1,
                           "no answer"))
    else:
        shown.append(Gauge("Talk time", metrics.get("talk_s", 0.0), targets.answer_length_band_s, (0, 60), " s", 1))
    if "ask_then_stop_s" in metrics:
        none = "no question" if heard else "no answer"
        shown.append(Gauge("After your question", metrics.get("ask_then_stop_s"), (0.0, targets.ask_then_stop_s),
                           (0, 10), " s", 1, none))
    return shown


def talk_over_text(metrics: dict) -> str:
    """Talk-over in words, shown always ("no talk-over", "talked over the prospect once, 0.6 s")."""
    count = metrics.get("talk_over") or 0
    if not count:
        return "no talk-over"
    times = "once" if count == 1 else f"{count} times"
    return f"talked over the prospect {times}, {metrics.get('talk_over_s') or 0:.1f} s"


class BandBar(QWidget):
    """A track with the target band shaded and a dot at the value."""

    def __init__(self, gauge: Gauge) -> None:
        super().__init__()
        self.gauge = gauge
        self.setFixedHeight(12)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(120, 12)

    def _x(self, value: float) -> float:
        low, high = self.gauge.scale
        share = (min(max(value, low), high) - low) / (high - low)
        return 5 + share * (self.width() - 10)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color("border"))
        painter.drawRoundedRect(QRectF(5, 4, self.width() - 10, 4), 2, 2)
        band = QColor(color("good"))
        band.setAlpha(90)
        painter.setBrush(band)
        start, end = self._x(self.gauge.band[0]), self._x(self.gauge.band[1])
        painter.drawRoundedRect(QRectF(start, 3, max(end - start, 2), 6), 3, 3)
        if self.gauge.value is not None:
            painter.setBrush(color(self.gauge.tone))
            painter.setPen(QPen(QColor("white"), 1.5))
            painter.drawEllipse(QRectF(self._x(self.gauge.value) - 5, 1, 10, 10))


class MetricTile(QFrame):
    """One metric: name, value, target, and its band."""

    def __init__(self, gauge: Gauge) -> None:
        super().__init__()
        set_kind(self, "inset")
        self.gauge = gauge
        value = label(gauge.text)
        value.setStyleSheet(f"font-size: 14pt; font-weight: 700; color: {color(gauge.tone).name()};")
        layout = vbox(label(gauge.name, "muted"), value, BandBar(gauge), label(gauge.target, "faint", wrap=True), spacing=3)
        layout.setContentsMargins(12, 10, 12, 10)
        self.setLayout(layout)
        if gauge.caveat_why and gauge.value is not None:
            self.setToolTip(gauge.caveat_why)


def verdict(score: float | None) -> str:
    """A few words on a turn score."""
    if score is None:
        return "Not scored"
    if score >= 85:
        return "Strong answer"
    if score >= 70:
        return "Good answer"
    if score >= 50:
        return "Getting there"
    return "Keep practising this one"


def evidence_html(evidence: Sequence[tuple[str, str]]) -> str:
    """Each covered move with the rep's own words that earned it, for the score card."""
    return "<br>".join(
        f"<b>{html.escape(move.replace('_', ' '))}</b>: “{html.escape(words)}”" for move, words in evidence
    )


def method_note(method: str | None) -> str:
    """The score card's small print on how moves were judged."""
    if method == "meaning":
        return "Moves judged by meaning: your own words count."
    return "Moves judged by cue phrases (the meaning model is not installed: run `make run` to add it)."


class ScoreCard(QFrame):
    """Score ring and verdict, metric tiles, reasons with the points they cost, covered and missed moves."""

    def __init__(self) -> None:
        super().__init__()
        self.ring = ScoreRing(92)
        self.headline = label("", "quote")
        self.detail = label("", "muted", wrap=True)
        self.tiles = QGridLayout()
        self.tiles.setSpacing(10)
        self.moves = QHBoxLayout()
        self.moves.setSpacing(6)
        self.evidence = label("", wrap=True)  # the words that earned each covered move
        self.method = label("", "muted")  # small print: judged by meaning or by cue phrases
        self.reasons = vbox(spacing=6)
        layout = vbox(
            hbox(self.ring, (vbox(self.headline, self.detail, self.moves, self.evidence, spacing=6), 1), spacing=18),
            self.tiles, self.reasons, self.method, spacing=14)
        self.setLayout(layout)
        self.summary: TurnSummary | None = None

    def set_summary(self, summary: TurnSummary) -> None:
        """Show one answer's result."""
        self.summary = summary
        self.ring.set_score(summary.score)
        self.headline.setText(verdict(summary.score))
        m = summary.metrics
        self.detail.setText(f"{m.get('hedges', 0)} hedge{'s' if m.get('hedges', 0) != 1 else ''} · "
                            f"{m.get('questions', 0)} question{'s' if m.get('questions', 0) != 1 else ''} asked · "
                            f"longest run {m.get('longest_monologue_s', 0):.0f} s · {talk_over_text(m)}")
        clear_layout(self.moves)
        evidence = dict(summary.evidence)
        for move, covered in summary.moves:
            tag = pill(("✓ " if covered else "✗ ") + move.replace("_", " "), "good" if covered else "bad")
            if move in evidence:
                tag.setToolTip(f"You said: “{evidence[move]}”")
            self.moves.addWidget(tag)
        self.moves.addStretch(1)
        self.evidence.setText(evidence_html(summary.evidence))
        self.evidence.setVisible(bool(summary.evidence))
        self.method.setText(method_note(summary.rubric_method))
        self.method.setVisible(summary.rubric_method is not None)
        clear_layout(self.tiles)
        for i, gauge in enumerate(gauges(m, summary.targets)):
            self.tiles.addWidget(MetricTile(gauge), 0, i)
        clear_layout(self.reasons)
        if summary.reasons:
            self.reasons.addWidget(label("WHAT WOULD HAVE EARNED MORE", "section"))
        for text, points in summary.reasons:
            row = hbox((label(text, wrap=True), 1), label(f"−{points:.0f}", "muted"), spacing=12)
            self.reasons.addLayout(row)
