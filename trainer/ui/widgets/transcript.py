"""A transcript whose current word lights up while the recording plays, with the words that earned each move marked.

Words carry the engine's times on the drill clock; the player reports seconds into
the recording, which started at the turn's `rep_start`, so the word under the
playhead is the last one that started by `rep_start + position`. The evidence of a
covered move (the words the rubric credited) is underlined and tagged with the move's
name after its last word, so a rep sees which of their own words counted.
"""

from __future__ import annotations

import bisect
import html
from typing import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from trainer.core.transcript import Word
from trainer.ui.style import COLORS

HOLD_S = 0.35  # keep a word lit this long after its end (engine word times are approximate)


class TranscriptView(QLabel):
    """The rep's words; `highlight_at(t)` marks the word spoken at drill time t."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.words: list[Word] = []
        self.fallback = ""
        self.current: int | None = None
        self._starts: list[float] = []
        self._marked: set[int] = set()
        self._tags: dict[int, list[str]] = {}

    def set_words(self, words: Sequence[Word], fallback: str = "",
                  evidence: Sequence[tuple[str, range]] = ()) -> None:
        """Show these words (or `fallback` text when the engine gave no word times); `evidence`:
        (move id, the 0-based word indices that earned it) per covered move."""
        self.words = list(words)
        self._starts = [w.start for w in self.words]
        self.fallback = fallback
        self.current = None
        spans = [(move, span) for move, span in evidence if span and span.stop <= len(self.words)]
        self._marked = {i for _, span in spans for i in span}
        self._tags = {}
        for move, span in spans:
            self._tags.setdefault(span.stop - 1, []).append(move.replace("_", " "))
        self._render()

    def highlight_at(self, t: float | None) -> None:
        """Light the word being spoken at drill time `t` (None: none)."""
        index = None
        if t is not None and self.words:
            i = bisect.bisect_right(self._starts, t) - 1
            if i >= 0 and t <= self.words[i].end + HOLD_S:
                index = i
        if index != self.current:
            self.current = index
            self._render()

    def _render(self) -> None:
        if not self.words:
            text = self.fallback.strip()
            self.setText(html.escape(text) if text else f"<i style='color:{COLORS['faint']}'>No words were heard.</i>")
            return
        parts = []
        for i, word in enumerate(self.words):
            text = html.escape(word.text)
            if i in self._marked:
                text = f"<u style='color:{COLORS['good']}'>{text}</u>"
            if i == self.current:
                text = (f"<span style='background:{COLORS['accent_soft']}; color:{COLORS['accent_dark']}; "
                        f"font-weight:700'>{text}</span>")
            if i in self._tags:
                text += (f"<sup style='color:{COLORS['good']}; font-size:small'>&nbsp;"
                         f"{html.escape(', '.join(self._tags[i]))}</sup>")
            parts.append(text)
        self.setText(" ".join(parts))
