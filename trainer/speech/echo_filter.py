"""A linear estimate of the room's echo, subtracted from the raw microphone: where the rep shows during double talk.

WebRTC AEC3 (`trainer.speech.echo.EchoCanceller`) takes a rep talking over a loud line
30-40 dB down with its own non-linear suppression, and the `livekit` binding offers no
setting for it. This filter is the linear part only: a partitioned-block frequency-domain
adaptive filter (PBFDAF, 10 ms blocks, NLMS steps normalised per frequency bin) from the
played reference to the microphone. Its residual, the microphone less the echo it
predicts, keeps all of the rep and little of the echo, so the residual gate
(`trainer.speech.echo.ResidualGate`) hears a barge-in in it even where the rep is no
louder than the echo, and can pass the rep's frames from it rather than from the raw
microphone.

The filter spans `PARTITIONS` frames of the reference starting just before the echo's
delay, which the gate measures from the loudness envelopes (`place`): a short filter
where the echo is, not a long one from lag 0. It adapts only on frames the caller
judges to be echo alone (double talk would teach it the rep); a move of the delay
shifts the taps with it, and what it leaves is measured anew (`leak`).
"""

from __future__ import annotations

from collections import deque

import numpy as np

BLOCK = 160  # 10 ms at 16 kHz: the gate's frame
# Frames of reference the filter spans: 2 before the measured delay (it is measured in whole
# frames from envelopes) and the room's tail after it (the simulated room's is 0.1 s; a real
# sound server adds resampling smear).
PARTITIONS = 14
LEAD_FRAMES = 2
# NLMS step, against the reference's power summed over the partitions (per bin). Learning from a -6 dB
# 80 ms room from the start, over its second and third espeak lines: 0.2 took 9.7 and 20.1 dB off, 0.5
# 15.7 and 37.5 dB, 1.0 diverged.
STEP = 0.5
# How much of the echo the filter leaves: the residual's energy against the microphone's over the last
# LEAK_FRAMES frames of echo alone (at least half as many since the delay last moved), recomputed every
# LEAK_EVERY.
LEAK_FRAMES = 50
LEAK_EVERY = 5
POWER_SMOOTHING = 0.9  # per-bin reference power: this much of the old estimate per frame
REGULARISER = 1e4  # per-bin power floor (int16 units squared x 320): quiet bins do not blow the step up


class EchoPathFilter:
    """PBFDAF from reference to microphone over `PARTITIONS` frames around a lag set by `place`."""

    def __init__(self, history_frames: int) -> None:
        """`history_frames`: the longest lag (frames) `place` may ask for."""
        self._weights = np.zeros((PARTITIONS, BLOCK + 1), np.complex128)
        self._spectra: deque[np.ndarray] = deque(
            [np.zeros(BLOCK + 1, np.complex128)] * (history_frames + PARTITIONS + LEAD_FRAMES + 1),
            maxlen=history_frames + PARTITIONS + LEAD_FRAMES + 1)
        self._last_reference = np.zeros(BLOCK)
        self._power = np.full(BLOCK + 1, REGULARISER)
        self._silence = np.zeros(BLOCK + 1, np.complex128)
        self._read = np.zeros((PARTITIONS, BLOCK + 1), np.complex128)  # the reference spectra `residual` used
        self._error = np.zeros(BLOCK)
        self._leaks: deque[tuple[float, float]] = deque(maxlen=LEAK_FRAMES)
        self._readings = 0
        self.leak = 1.0  # residual / microphone on echo alone (RMS): 1 until it has shown what it leaves
        self.first_lag: int | None = None  # the newest reference frame the filter reads, counted back from now

    def place(self, delay_frames: int) -> None:
        """Centre the filter on the echo's measured delay (frames); the taps move with a changed delay."""
        first = max(0, delay_frames - LEAD_FRAMES)
        if self.first_lag is not None and first != self.first_lag:
            shift = first - self.first_lag  # a later echo: tap p now stands where tap p + shift stood
            self._weights = np.roll(self._weights, -shift, axis=0)
            if shift > 0:
                self._weights[-shift:] = 0
            else:
                self._weights[:-shift] = 0
            self._leaks.clear()  # the delay moved by a part of a frame too: what the filter leaves is not known
            self.leak = 1.0
        self.first_lag = first

    def note_reference(self, reference: np.ndarray) -> None:
        """Take one 10 ms frame of the reference (call once per frame, whether or not `residual` follows)."""
        frame = reference.astype(np.float64)
        if frame.any() or self._last_reference.any():
            self._spectra.append(np.fft.rfft(np.concatenate([self._last_reference, frame])))
        else:
            self._spectra.append(self._silence)
        self._last_reference = frame

    def residual(self, mic: np.ndarray) -> tuple[np.ndarray, float]:
        """The microphone frame less the echo predicted for it, and that residual's RMS (`place` first)."""
        count = len(self._spectra)
        newest = count - 1 - self.first_lag
        self._read = np.stack([self._spectra[i] for i in range(newest, newest - PARTITIONS, -1)])
        predicted = np.fft.irfft(np.einsum("pf,pf->f", self._weights, self._read), 2 * BLOCK)[BLOCK:]
        self._error = mic.astype(np.float64) - predicted
        return self._error, float(np.sqrt(np.mean(self._error * self._error)))

    def adapt(self, heard_rms: float) -> None:
        """Learn from the last `residual` frame, which the caller judged to be echo alone (`heard_rms`: its RMS)."""
        spectra = self._read
        power = np.sum(spectra.real ** 2 + spectra.imag ** 2, axis=0)
        self._power = np.maximum(power, POWER_SMOOTHING * self._power + (1 - POWER_SMOOTHING) * power)
        error_spectrum = np.fft.rfft(np.concatenate([np.zeros(BLOCK), self._error]))
        gradient = np.fft.irfft(np.conj(spectra) * error_spectrum / (self._power + REGULARISER), 2 * BLOCK, axis=1)
        gradient[:, BLOCK:] = 0  # keep each partition a linear (not circular) piece of the filter
        self._weights += STEP * np.fft.rfft(gradient, axis=1)
        self._leaks.append((float(np.mean(self._error * self._error)), heard_rms * heard_rms))
        self._readings += 1
        if self._readings % LEAK_EVERY == 0 and len(self._leaks) >= LEAK_FRAMES // 2:
            left, heard = np.sum(self._leaks, axis=0)
            self.leak = min(1.0, float(np.sqrt(left / max(heard, 1.0))))
