"""The speech-recognition interface every engine implements, and engine choice.

An `Engine` holds a loaded model (slow to load: load once per drill); each answer
gets a fresh `Recognizer` from it, fed 16 kHz mono int16 chunks as they arrive. After
`finish()` a recognizer hears the next answer: batch scoring keeps one (Vosk's is then
cheaper, see trainer/speech/vosk_engine.py).
Choice: an explicit name, else Vosk when a Vosk model is installed, else Whisper.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from trainer.core.transcript import Transcript

SAMPLE_RATE = 16_000  # every engine is fed 16 kHz mono int16


class Recognizer(Protocol):
    """One answer being transcribed."""

    def feed(self, samples: np.ndarray) -> str | None:
        """Add int16 mono samples; return the current partial text when it changed, else None."""

    def finish(self) -> Transcript:
        """Flush and return the final text and words with start/end in seconds from the answer's first sample.

        Feeding again starts the next answer.
        """


class Engine(Protocol):
    """A loaded speech model that makes recognizers."""

    name: str  # "vosk" | "whisper"

    def recognizer(self) -> Recognizer:
        """A fresh recognizer for one answer."""
