"""Simulated speakers in the room (`trainer drill --echo-sim DB[:DELAY_MS]`): a test aid for echo handling.

`EchoedAnswers` is the answer-files microphone (`trainer.drill.answer_source.AnswerFiles`)
that also hears the prospect: every line the drill plays is mixed into it at `level_db`
(relative to the line as played) after `delay_ms`, through a short room response
(`room_response`: the direct sound, then a decaying tail, from a fixed seed so a run
repeats). It reads the lines from the same `PlayedAudio` the echo canceller uses, so
the drill's echo cancellation can be checked without a sound card: no prospect word in
the rep's transcript, and the same latency and talk time as the drill without echo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from trainer.drill.answer_source import AnswerFiles
from trainer.core.errors import TrainerError
from trainer.speech.audio import AudioClock
from trainer.speech.played_audio import PlayedAudio
from trainer.speech.wavs import ENGINE_RATE

DEFAULT_DELAY_MS = 40
ROOM_TAIL_S = 0.1  # a small office: the reverberant tail after the direct sound
ROOM_DECAY_S = 0.03  # its energy falls 60 dB in ~0.2 s (RT60 of a furnished room)
ROOM_TAIL_LEVEL = 0.3  # tail amplitude against the direct sound
ROOM_SEED = 16
LEVELS_DB = (-40.0, 0.0)  # accepted echo levels (quieter is no echo; louder than the line is no room)
DELAYS_MS = (0, 500)


@dataclass(frozen=True)
class RoomEcho:
    """How loud (dB against the line as played) and how late (ms) the speakers reach the microphone."""

    level_db: float
    delay_ms: float = DEFAULT_DELAY_MS

    @classmethod
    def parse(cls, text: str) -> RoomEcho:
        """`DB[:DELAY_MS]`, e.g. `-12` or `-12:40`; TrainerError saying the form and the ranges otherwise."""
        match = re.fullmatch(r"\s*([-+]?\d+(?:\.\d+)?)\s*(?::\s*(\d+(?:\.\d+)?))?\s*", text)
        if match is None:
            raise TrainerError(f"--echo-sim {text!r}: give the echo level in dB and optionally the delay in ms, "
                               "as DB[:DELAY_MS], e.g. --echo-sim=-12:40")
        echo = cls(float(match[1]), float(match[2]) if match[2] else DEFAULT_DELAY_MS)
        if not LEVELS_DB[0] <= echo.level_db <= LEVELS_DB[1]:
            raise TrainerError(f"--echo-sim {text!r}: the level must be {LEVELS_DB[0]:.0f} to {LEVELS_DB[1]:.0f} dB "
                               "(against the line as played; -25 is a quiet laptop, -6 a loud one)")
        if not DELAYS_MS[0] <= echo.delay_ms <= DELAYS_MS[1]:
            raise TrainerError(f"--echo-sim {text!r}: the delay must be {DELAYS_MS[0]} to {DELAYS_MS[1]} ms")
        return echo


def room_response(echo: RoomEcho) -> np.ndarray:
    """The speakers-to-microphone impulse response at 16 kHz: silence for the delay, the direct sound, a tail.

    Scaled so that its energy is `level_db` (white sound comes out that much quieter).
    """
    delay = round(echo.delay_ms * ENGINE_RATE / 1000)
    tail = round(ROOM_TAIL_S * ENGINE_RATE)
    response = np.zeros(delay + 1 + tail, np.float64)
    response[delay] = 1.0
    noise = np.random.default_rng(ROOM_SEED).standard_normal(tail)
    response[delay + 1:] = ROOM_TAIL_LEVEL * noise * np.exp(-np.arange(1, tail + 1) / (ROOM_DECAY_S * ENGINE_RATE))
    return response * 10 ** (echo.level_db / 20) / np.sqrt(np.sum(response ** 2))


class EchoedAnswers(AnswerFiles):
    """Answer files heard by a microphone that also hears the speakers (the lines in `played`).

    `echo` None is a rep in headphones (nothing mixed in), the baseline to compare with.
    `talk_over_s` starts each answer that long before the prospect's line ends: a rep
    talking over the prospect, for checking that real barge-ins still count under echo.
    """

    what = "answers with simulated echo"

    def __init__(self, paths: Sequence[str | Path], echo: RoomEcho | None, played: PlayedAudio,
                 clock: AudioClock | None = None, *, talk_over_s: float = 0.0) -> None:
        """As `AnswerFiles`; `played` is where the runner notes each line it plays (see EchoCancellation)."""
        super().__init__(paths, clock)
        self.echo = echo
        self.played = played
        self.talk_over_s = talk_over_s
        self._response = room_response(echo) if echo is not None else None

    def begin_answer(self, at: float) -> Path:
        """As `AnswerFiles.begin_answer`, `talk_over_s` earlier."""
        return super().begin_answer(at - self.talk_over_s)

    def _samples_at(self, index: int) -> np.ndarray:
        answer = super()._samples_at(index)
        if self._response is None:
            return answer
        count, taps = len(answer), len(self._response)
        at = self._origin + (index - (taps - 1)) / ENGINE_RATE
        played = self.played.samples(at, count + taps - 1)
        if not played.any():
            return answer
        heard = np.convolve(played.astype(np.float64), self._response, mode="valid")
        return np.clip(np.round(answer + heard), -32768, 32767).astype(np.int16)
