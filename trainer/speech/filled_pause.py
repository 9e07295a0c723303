"""Filled pauses ("uh", "um", "erm") found in the sound, where an engine writes nothing.

A filled pause is a held vowel, often closing on a nasal: a voiced stretch of a
quarter to a whole second whose spectrum hardly moves and whose pitch glides without
a jump. Words are different: every 50-150 ms a consonant or a vowel change moves the
spectrum. Whisper cleans "uh" and "um" out of what it writes and Vosk's small English
model writes them as nothing or "a" (docs/metrics.md), so the words alone cannot tell
"Well, uh ..." (the rep is thinking) from "Well." (done). This module looks at the
sound instead, with numpy only:

- per 10 ms hop, the spectrum's shape (log energy in 20 mel-spaced bands up to 4 kHz,
  25 ms windows, less their mean: loudness left out, so a vowel fading out stays the
  same sound) and the pitch (`trainer.speech.pitch.pitch_track`);
- a hop is *steady* when the shape moved less than `STEADY_DB` (RMS over the bands)
  in 20 ms, the pitch, where there is one, did not jump (`GLIDE_ST`), and it is not
  near-silence (`QUIET_DB`);
- a *filled pause* is a run of steady voiced hops, joined across breaks of up to
  `BREAK_HOPS` (the vowel of "um" closing on the "m"), that covers `MIN_S`..`MAX_S` of
  audio, is steady in `MIN_STEADY` of its hops, has a pitch in `MIN_PITCHED` of them,
  and whose longest steady part is one vowel, not a glide (`HELD_SPREAD_DB`): the held
  last vowel of "today" or "now" glides, a filler does not.

`filled_pauses()` lists them in speech: the filler count adds those the engine wrote no
filler for (`trainer.speech.hearing`, `trainer.core.metrics.fillers_in_sound`).
`ends_in_filled_pause()` says whether the speech before a silence ends on one (the
end-of-turn model then waits, as after a written "um": `trainer.core.turn_end.judge_ending`).

Measured on espeak-ng speech (tests/speech/test_filled_pause.py, 2026-12-06; each filler
rendered as its own part of the line, so its place is known to the sample): espeak's "um"
and "erm" hold 0.27-0.47 s and are found; its "uh" holds 0.24-0.26 s at 150 wpm and under
0.22 s faster, where it is mostly missed. Those figures, and the false alarms on the same
lines without fillers, are in docs/metrics.md ("Fillers per engine").
"""

from __future__ import annotations

import numpy as np

from trainer.core.transcript import Span
from trainer.speech import vad
from trainer.speech.pitch import pitch_track
from trainer.speech.wavs import ENGINE_RATE

HOP_S = 0.01
WINDOW_S = 0.025
BANDS = 20
TOP_HZ = 4000.0
DELTA_HOPS = 2  # the shape's change is measured over 20 ms
# Inside espeak-ng's vowels and fillers the shape moved 0.5-2.5 dB per 20 ms; at consonants and
# vowel changes 8-20 dB (hop by hop listings of 'Well, uh' and 'Uh, I think the price is, uh, ...').
STEADY_DB = 4.0
GLIDE_ST = 1.0  # pitch change per 10 ms hop above which the voice jumped (a new syllable)
QUIET_DB = 35.0  # hops this far under the audio's loudest are silence, not a held vowel
MIN_S = 0.25  # issue 14 item 5: a filled pause lasts 250-1000 ms
MAX_S = 1.0
BREAK_HOPS = 7  # steady runs this close are one sound ("um": the vowel closing on the nasal took 40-70 ms)
MIN_STEADY = 0.75  # share of steady hops in a joined run
MIN_PITCHED = 0.5  # share of the run's hops with a pitch: a held vowel is voiced throughout
# The longest steady part's shape spread (RMS over bands and hops around its mean shape): espeak's
# "uh" and the vowel of "um" 1.0-1.4 dB, "erm" 2.0-4.4; the held diphthongs that closed clean lines
# ('today', 'now') 2.1-5.9. 2.0 keeps "uh"/"um" and drops those (and most of "erm").
HELD_SPREAD_DB = 2.0
END_SLACK_S = 0.1  # a filled pause ending this close to the last loud hop ends the speech (the rest is fade)


def _band_shapes(samples: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Per 10 ms hop: the spectrum's shape (dB per band, less the hop's mean; shape (hops, BANDS)) and level (dB)."""
    audio = samples.astype(np.float64)
    window, hop = int(WINDOW_S * rate), int(HOP_S * rate)
    if len(audio) < window:
        return np.zeros((0, BANDS)), np.zeros(0)
    count = 1 + (len(audio) - window) // hop
    frames = np.lib.stride_tricks.sliding_window_view(audio, window)[::hop][:count] * np.hanning(window)
    size = 1 << (window - 1).bit_length()
    power = np.abs(np.fft.rfft(frames, size, axis=1)) ** 2
    mel = 2595 * np.log10(1 + np.fft.rfftfreq(size, 1 / rate) / 700)
    edges = np.linspace(mel[1], 2595 * np.log10(1 + TOP_HZ / 700), BANDS + 1)
    band = np.digitize(mel, edges) - 1  # band index per FFT bin (-1 or BANDS: outside)
    inside = (band >= 0) & (band < BANDS)
    energies = np.zeros((count, BANDS))
    np.add.at(energies.T, band[inside], power[:, inside].T)
    decibels = 10 * np.log10(energies + 1e-3)
    level = decibels.mean(axis=1)
    return decibels - level[:, None], level


def _hops(samples: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per 10 ms hop: steady and voiced (see the module docstring), has a pitch, and the spectrum's shape.

    The pitch (the costly part: ~40 ms per second of audio) is tracked only where a held sound
    long enough could be.
    """
    shape, level = _band_shapes(samples, rate)
    voiced = np.repeat(vad.voiced_frames(samples), round(vad.FRAME_MS / 1000 / HOP_S))
    count = min(len(shape), len(voiced))
    shape, level, voiced = shape[:count], level[:count], voiced[:count]
    change = np.full(count, np.inf)
    if count > DELTA_HOPS:
        change[DELTA_HOPS:] = np.sqrt(np.mean((shape[DELTA_HOPS:] - shape[:-DELTA_HOPS]) ** 2, axis=1))
    loud = level > (level.max() - QUIET_DB if count else 0)
    good = (change < STEADY_DB) & loud & voiced
    f0 = np.full(count, np.nan)
    hop = int(HOP_S * rate)
    for parts in _joined(good):
        first, end = parts[0][0], parts[-1][1]
        if (end - first) * HOP_S + WINDOW_S >= MIN_S:
            track = pitch_track(samples[first * hop:end * hop + int(WINDOW_S * rate * 2)], rate)[:end - first]
            f0[first:first + len(track)] = track
    semitones = 12 * np.log2(np.where(np.isnan(f0), 1.0, f0))
    jump = np.zeros(count, bool)
    jump[1:] = ~np.isnan(f0[1:]) & ~np.isnan(f0[:-1]) & (np.abs(np.diff(semitones)) > GLIDE_ST)
    return good & ~jump, ~np.isnan(f0), shape


def _runs(good: np.ndarray) -> list[list[int]]:
    """[first, end) hops of the runs of True in `good`."""
    edges = np.diff(np.concatenate(([0], good.astype(np.int8), [0])))
    return [[int(a), int(b)] for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1))]


def _joined(good: np.ndarray) -> list[list[list[int]]]:
    """The runs of steady hops, grouped into sounds: runs less than BREAK_HOPS apart are one."""
    joined: list[list[list[int]]] = []
    for run in _runs(good):
        if joined and run[0] - joined[-1][-1][1] <= BREAK_HOPS:
            joined[-1].append(run)
        else:
            joined.append([run])
    return joined


def _held(good: np.ndarray, pitched: np.ndarray, shape: np.ndarray) -> list[tuple[int, int]]:
    """(first, end) hops of the filled pauses: steady runs joined across short breaks, checked as the docstring says."""
    found = []
    for parts in _joined(good):
        first, end = parts[0][0], parts[-1][1]
        longest = max(parts, key=lambda run: run[1] - run[0])
        vowel = shape[longest[0]:longest[1]]
        spread = float(np.sqrt(np.mean((vowel - vowel.mean(axis=0)) ** 2)))
        if (MIN_S <= (end - first) * HOP_S + WINDOW_S <= MAX_S and good[first:end].mean() >= MIN_STEADY
                and pitched[first:end].mean() >= MIN_PITCHED and spread <= HELD_SPREAD_DB):
            found.append((first, end))
    return found


def filled_pauses(samples: np.ndarray, rate: int = ENGINE_RATE) -> list[Span]:
    """The filled pauses in 16 kHz int16 speech, as spans in seconds from its first sample."""
    if samples.dtype != np.int16:
        raise ValueError("filled_pauses needs 16 kHz int16 samples (see wavs.to_engine_format)")
    good, pitched, shape = _hops(samples, rate)
    return [Span(round(a * HOP_S, 3), round(b * HOP_S + WINDOW_S, 3)) for a, b in _held(good, pitched, shape)]


def ends_in_filled_pause(samples: np.ndarray, rate: int = ENGINE_RATE) -> Span | None:
    """The filled pause the audio ends on (`samples`: the speech up to the start of a silence), else None.

    The speech ends at its last loud 10 ms (the voice detector's last voiced frames may be fade or hangover).
    """
    tail = samples[-int((MAX_S + 0.5) * rate):]
    offset = (len(samples) - len(tail)) / rate
    spans = filled_pauses(tail, rate)
    if not spans:
        return None
    hop = int(HOP_S * rate)
    power = np.mean(tail[: len(tail) // hop * hop].astype(np.float64).reshape(-1, hop) ** 2, axis=1)
    level = 10 * np.log10(power + 1)
    speech_end = (np.flatnonzero(level > level.max() - QUIET_DB)[-1] + 1) * HOP_S
    if speech_end - spans[-1].end > END_SLACK_S:
        return None
    return Span(round(spans[-1].start + offset, 3), round(spans[-1].end + offset, 3))
