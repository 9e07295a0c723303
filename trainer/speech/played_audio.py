"""What the speakers played, and when: the echo canceller's reference (and the echo simulator's source).

The drill runner knows each prospect line it plays and the output reports when the
line really reached the DAC (`Playback.started_at`, and `ended_at` when it was cut
short; docs/audio.md). `PlayedAudio` keeps those lines as 16 kHz int16 samples placed
on the audio clock, so that for any stretch of captured audio it can say what the
speakers were playing at the same moment. Start times are read from the playback
when asked, so a line may be added as soon as `play()` returns, before it starts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trainer.speech.audio_out import Playback
from trainer.speech.wavs import ENGINE_RATE, read_engine_audio, to_engine_format

# Lines that ended this long before the latest request are forgotten (a drill keeps only what
# an echo can still come from: a room's tail and the output's lead are well under a second).
FORGET_AFTER_S = 5.0


@dataclass(eq=False)
class _Line:
    samples: np.ndarray  # 16 kHz int16
    playback: Playback

    def span(self) -> tuple[int, int] | None:
        """First and end sample of what was heard, in 16 kHz samples from clock zero; None before it starts."""
        started = self.playback.started_at
        if started is None:
            return None
        first = round(started * ENGINE_RATE)
        heard = len(self.samples)
        ended = self.playback.ended_at
        if self.playback.stopped and ended is not None:
            heard = max(0, min(heard, round((ended - started) * ENGINE_RATE)))
        return first, first + heard


class PlayedAudio:
    """The lines played on one clock, as 16 kHz samples: `samples(at, count)` is what was playing then."""

    def __init__(self) -> None:
        self._lines: list[_Line] = []
        self._lock = threading.Lock()

    def add(self, samples: np.ndarray, playback: Playback, rate: int = ENGINE_RATE) -> None:
        """Note a sound handed to the output (any rate, mono int16 or float); its times come from `playback`."""
        audio = samples if rate == ENGINE_RATE and samples.dtype == np.int16 else to_engine_format(samples, rate)
        with self._lock:
            self._lines.append(_Line(np.ascontiguousarray(audio, np.int16), playback))

    def add_file(self, path: str | Path, playback: Playback) -> None:
        """Note a WAV handed to the output."""
        self.add(read_engine_audio(path), playback)

    def samples(self, at: float, count: int) -> np.ndarray:
        """The `count` samples (int16) the speakers played from clock time `at` on; zeros where nothing played."""
        out = np.zeros(count, np.int16)
        first = round(at * ENGINE_RATE)
        with self._lock:
            lines = list(self._lines)
        for line in lines:
            span = line.span()
            if span is None:
                continue
            start, end = max(span[0], first), min(span[1], first + count)
            if start < end:
                out[start - first:end - first] = line.samples[start - span[0]:end - span[0]]
        self._forget_before(at - FORGET_AFTER_S)
        return out

    def _forget_before(self, time: float) -> None:
        cutoff = time * ENGINE_RATE
        with self._lock:
            self._lines = [line for line in self._lines
                           if (span := line.span()) is None or span[1] >= cutoff]
