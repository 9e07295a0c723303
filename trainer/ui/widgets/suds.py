"""The anxiety rating before and after a drill: SUDS, 0 (calm) to 100 (the worst you can imagine).

As in exposure practice: the rep rates how they feel, the rating is stored with the
drill, and the trend over drills (Progress) shows the fear falling as a level gets
familiar. Rating is optional: an untouched slider stores nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QSlider, QWidget

from trainer.ui.widgets.common import hbox, label, vbox

SETTLE_MS = 400
ANCHORS = ((0, "calm"), (25, "a little tense"), (50, "uneasy"), (75, "very anxious"), (95, "the worst"))


def anchor(value: int) -> str:
    """The words for a rating."""
    return next(text for limit, text in reversed(ANCHORS) if value >= limit)


class SudsSlider(QWidget):
    """A 0-100 slider with the rating in words; `rating()` is None until the rep moves it."""

    rated = Signal(int)  # once the slider has settled (not on every step of a drag)

    def __init__(self, question: str) -> None:
        super().__init__()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setSingleStep(5)
        self.slider.setPageStep(10)
        self.slider.setValue(50)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.value = label("not rated", "muted")
        self.value.setMinimumWidth(130)
        self.touched = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(lambda: self.rated.emit(self.slider.value()))
        self.slider.valueChanged.connect(self._moved)
        layout = vbox(label(question), hbox(label("0", "faint"), (self.slider, 1), label("100", "faint"), self.value,
                                            spacing=10), spacing=6)
        self.setLayout(layout)

    def _moved(self, value: int) -> None:
        self.touched = True
        self.value.setText(f"{value} · {anchor(value)}")
        self._settle.start()

    def set_rating(self, value: int | None) -> None:
        """Set the slider (None: back to not rated)."""
        self.slider.blockSignals(True)
        self.slider.setValue(50 if value is None else value)
        self.slider.blockSignals(False)
        self._settle.stop()
        self.touched = value is not None
        self.value.setText("not rated" if value is None else f"{value} · {anchor(value)}")

    def rating(self) -> int | None:
        """The rating, or None when the rep did not rate."""
        return self.slider.value() if self.touched else None
