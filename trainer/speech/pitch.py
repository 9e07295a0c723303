"""The pitch of the rep's voice at the end of a stretch of speech: falling (final), rising or level.

How a sentence ends in pitch is one of the cues people use to tell a finished turn
from a pause for thought: a statement falls to the speaker's low range at its end;
a clause the speaker means to continue stays level or rises. `end_contour()` looks
at the last voiced part before a silence and says which, from a plain numpy
autocorrelation pitch tracker (40 ms windows every 10 ms, 60-400 Hz): enough for one
decision per pause, 2-8 ms per call on 0.8 s of audio (measured), no extra dependency.

On espeak-ng speech the contour says little (measured: trainer/core/turn_end.py), so it
only adjusts what the words decide; on people it is a stronger cue.
"""

from __future__ import annotations

import numpy as np

from trainer.core.turn_end import FALLING, LEVEL, RISING, UNKNOWN
from trainer.speech.wavs import ENGINE_RATE

__all__ = ["FALLING", "LEVEL", "RISING", "UNKNOWN", "end_contour", "pitch_track"]

WINDOW_S = 0.04
HOP_S = 0.01
F0_MIN_HZ, F0_MAX_HZ = 60.0, 400.0
VOICING = 0.45  # normalised autocorrelation peak above which a window is voiced (periodic)
TAIL_S = 0.8  # audio looked at before the silence
END_S = 0.2  # the ending compared against the rest of the tail
MIN_VOICED = 6  # windows with a pitch needed in the tail (and 2 in the ending) to judge
FALL_ST = -1.5  # ending this many semitones (or more) under the tail's median: falling; see the module docstring
RISE_ST = 1.5  # ending this many semitones over it: rising


def pitch_track(samples: np.ndarray, rate: int = ENGINE_RATE) -> np.ndarray:
    """F0 in Hz per 10 ms hop of mono audio (int16 or float), NaN where a window is unvoiced or silent."""
    audio = samples.astype(np.float64)
    window, hop = int(WINDOW_S * rate), int(HOP_S * rate)
    if len(audio) < window:
        return np.full(0, np.nan)
    count = 1 + (len(audio) - window) // hop
    frames = np.lib.stride_tricks.sliding_window_view(audio, window)[::hop][:count]
    frames = frames - frames.mean(axis=1, keepdims=True)
    size = 1 << (2 * window - 1).bit_length()
    spectrum = np.fft.rfft(frames * np.hanning(window), size, axis=1)
    correlation = np.fft.irfft(np.abs(spectrum) ** 2, size, axis=1)[:, :window]
    energy = correlation[:, 0]
    low, high = int(rate / F0_MAX_HZ), int(rate / F0_MIN_HZ)
    lags = correlation[:, low:high + 1]
    best = np.argmax(lags, axis=1)
    peak = lags[np.arange(count), best] / np.maximum(energy, 1e-9)
    f0 = rate / (best + low).astype(np.float64)
    loud = energy > (np.max(energy) * 1e-3 if count else 0)
    return np.where((peak >= VOICING) & loud & (energy > 1e3), f0, np.nan)


def end_contour(samples: np.ndarray, rate: int = ENGINE_RATE) -> tuple[str, float | None]:
    """How the voice ends in `samples` (the audio up to the start of a silence): label and semitones.

    The number is the ending's median pitch against the tail's median, in semitones
    (negative: falling); None when there is too little voiced audio to judge.
    """
    tail = samples[-int(TAIL_S * rate):]
    f0 = pitch_track(tail, rate)
    voiced = np.flatnonzero(~np.isnan(f0))
    if len(voiced) < MIN_VOICED:
        return UNKNOWN, None
    semitones = 12 * np.log2(f0[voiced] / np.median(f0[voiced]))
    semitones = (semitones + 6) % 12 - 6  # fold octave errors (a lag twice or half the period) back
    ending = voiced >= voiced[-1] - round(END_S / HOP_S)
    if ending.sum() < 2 or (~ending).sum() < 2:
        return UNKNOWN, None
    change = float(np.median(semitones[ending]) - np.median(semitones[~ending]))
    if change <= FALL_ST:
        return FALLING, change
    if change >= RISE_ST:
        return RISING, change
    return LEVEL, change
