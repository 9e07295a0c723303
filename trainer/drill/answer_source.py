"""Recorded answers standing in for the rep's microphone for a whole drill (`trainer drill --answers`).

`AnswerFiles` is an `AudioInput` (see `trainer.speech.audio_in`) that runs for the
whole drill, like a microphone kept open: it delivers silence, and when the runner
calls `begin_answer(at)` for a rep turn, the next file plays from `at` (the end of
the prospect's line, so a file's leading silence is the rep's response latency, as
in `trainer score`). After a file ends the input is silent again, which lets the
endpointer end the turn. Chunks are paced by the clock: real time, or as fast as
they are read with a virtual clock (`--fast`).

Every file is read and converted when the source is made, so a broken WAV stops
the drill before it starts, with the file's name. Where each file's speech ends is
measured then too (`speech_ahead`): a file with a long pause may go on with its
answer after the runner has ended the turn on that pause.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from trainer.core.errors import TrainerError
from trainer.speech import vad
from trainer.speech.audio import AudioClock
from trainer.speech.audio_in import CHUNK_SECONDS, PacedInput
from trainer.speech.wavs import ENGINE_RATE, read_engine_audio

ANSWER_SUFFIXES = (".wav",)


def answer_files(folder: str | Path) -> list[Path]:
    """The answer WAVs in `folder`, sorted by name; TrainerError when there are none."""
    folder = Path(folder)
    if not folder.is_dir():
        raise TrainerError(f"{folder}: no such folder of answers; pass a folder of WAV files, one per answer")
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in ANSWER_SUFFIXES)
    if not found:
        raise TrainerError(f"{folder}: no WAV files in it; put one answer per WAV file there, named in the order to play")
    return found


class AnswerFiles(PacedInput):
    """A drill-long input of silence into which answer files are played, one per rep turn."""

    what = "answers"

    def __init__(self, paths: Sequence[str | Path], clock: AudioClock | None = None,
                 chunk_seconds: float = CHUNK_SECONDS) -> None:
        """Read every file now (TrainerError naming a broken one); nothing plays until `begin_answer`."""
        super().__init__(clock, chunk_seconds)
        self.paths = [Path(p) for p in paths]
        self.answers = [read_engine_audio(path) for path in self.paths]
        self._speech_ends = [_speech_end(answer) for answer in self.answers]  # samples into each file
        self.used = 0  # answers begun so far
        self._playing: tuple[int, np.ndarray, int] | None = None  # (start frame, samples, speech end) of the current answer

    @classmethod
    def from_folder(cls, folder: str | Path, clock: AudioClock | None = None) -> AnswerFiles:
        """Every WAV in `folder`, in name order."""
        return cls(answer_files(folder), clock)

    @property
    def remaining(self) -> int:
        """Answers not yet begun."""
        return len(self.answers) - self.used

    def begin_answer(self, at: float) -> Path:
        """Play the next answer from clock time `at` (or from the next chunk, if `at` has passed); returns its file."""
        if self._origin is None:
            raise RuntimeError("start() the answers before beginning one")
        if not self.remaining:
            raise IndexError("every answer file has been used")
        start = max(round((at - self._origin) * ENGINE_RATE), self._position)
        self._playing = (start, self.answers[self.used], self._speech_ends[self.used])
        self.used += 1
        return self.paths[self.used - 1]

    def stop_answer(self) -> None:
        """The rest of the answer playing is not said (the prospect cut in: a rep stops talking then)."""
        self._playing = None

    @property
    def speech_ahead(self) -> bool:
        """True while the answer playing has speech still to come (it may go on after a pause)."""
        playing = self._playing
        return playing is not None and self._position < playing[0] + playing[2]

    def _samples_at(self, index: int) -> np.ndarray:
        samples = np.zeros(self.chunk_frames, np.int16)
        if self._playing is not None:
            start, answer, _ = self._playing
            first, last = max(index, start), min(index + self.chunk_frames, start + len(answer))
            if first < last:
                samples[first - index:last - index] = answer[first - start:last - start]
            elif index >= start + len(answer):
                self._playing = None
        return samples

    @property
    def ended(self) -> bool:
        """True once closed (the silence between answers never ends by itself)."""
        return self._closed.is_set()


def _speech_end(samples: np.ndarray) -> int:
    """Where the last speech of an answer ends, in samples (0 for a silent one)."""
    spans = vad.speech_spans(samples)
    return round(spans[-1].end * ENGINE_RATE) if spans else 0
