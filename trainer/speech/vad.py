"""Voice activity detection: where in the rep's audio there is speech.

This is the clock for every timing metric (docs/design.md: ASR word times are approximate).
webrtcvad classifies fixed frames of 16 kHz int16 audio; runs of voiced frames become
stretches, and stretches separated by less than 0.5 s become speech spans.
"""

from __future__ import annotations

import numpy as np
import webrtcvad

from trainer.core.metrics import join_spans
from trainer.core.transcript import Span
from trainer.speech.wavs import ENGINE_RATE

FRAME_MS = 10
FRAME_SAMPLES = ENGINE_RATE * FRAME_MS // 1000
AGGRESSIVENESS = 2  # 0 (keeps most audio as speech) .. 3 (strictest); 2 measured best on TTS + room noise
MIN_STRETCH_S = 0.05  # a voiced blip shorter than this (a click, a breath) is not speech


def voiced_frames(samples: np.ndarray, aggressiveness: int = AGGRESSIVENESS) -> np.ndarray:
    """One bool per 10 ms frame of 16 kHz int16 audio: True where the frame is voiced."""
    if samples.dtype != np.int16:
        raise ValueError("voiced_frames needs 16 kHz int16 samples (see wavs.to_engine_format)")
    vad = webrtcvad.Vad(aggressiveness)
    count = len(samples) // FRAME_SAMPLES
    raw = samples[: count * FRAME_SAMPLES].tobytes()
    step = FRAME_SAMPLES * 2
    return np.fromiter(
        (vad.is_speech(raw[i * step : (i + 1) * step], ENGINE_RATE) for i in range(count)),
        dtype=bool,
        count=count,
    )


def voiced_stretches(frames: np.ndarray, offset_s: float = 0.0) -> list[Span]:
    """Runs of consecutive voiced frames as spans (seconds), dropping blips shorter than MIN_STRETCH_S."""
    frame_s = FRAME_MS / 1000
    edges = np.diff(np.concatenate(([0], frames.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return [
        Span(round(offset_s + float(s) * frame_s, 3), round(offset_s + float(e) * frame_s, 3))
        for s, e in zip(starts, ends)
        if (e - s) * frame_s >= MIN_STRETCH_S
    ]


def speech_spans(samples: np.ndarray, offset_s: float = 0.0) -> list[Span]:
    """Speech spans of 16 kHz int16 audio, as docs/metrics.md defines them (gaps < 0.5 s joined)."""
    return join_spans(voiced_stretches(voiced_frames(samples), offset_s))
