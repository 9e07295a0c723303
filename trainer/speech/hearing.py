"""Hearing a whole answer from audio: the engine's words plus the VAD's speech spans.

Words come from the engine, timing from voice activity (docs/metrics.md); this joins the two
for a finished recording (`trainer score`, batch scoring, re-scoring a stored take).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trainer.core.transcript import Span, Transcript
from trainer.speech import wavs
from trainer.speech.asr import Engine
from trainer.speech.engines import transcribe
from trainer.speech.vad import speech_spans


@dataclass(frozen=True)
class HeardAnswer:
    """A recorded answer as RepDrill hears it."""

    transcript: Transcript
    spans: list[Span]
    duration_s: float


def hear(engine: Engine, samples: np.ndarray) -> HeardAnswer:
    """Transcribe 16 kHz mono int16 samples and find their speech spans."""
    return HeardAnswer(
        transcript=transcribe(engine, samples),
        spans=speech_spans(samples),
        duration_s=len(samples) / wavs.ENGINE_RATE,
    )


def hear_file(engine: Engine, path: str | Path) -> HeardAnswer:
    """`hear` for an audio file of any rate or channel count."""
    return hear(engine, wavs.read_engine_audio(path))
