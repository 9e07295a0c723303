"""Hearing a whole answer from audio: the engine's words, the VAD's speech spans and the filled pauses.

Words come from the engine, timing from voice activity (docs/metrics.md); this joins the two
for a finished recording (`trainer score`, batch scoring, re-scoring a stored take), with the
filled pauses ("uh", "um") found in the sound, which the filler count adds where the engine
wrote none (`trainer.core.metrics.fillers_in_sound`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trainer.core.transcript import FilledPauses, Span, Transcript
from trainer.speech import wavs
from trainer.speech.asr import Engine, Recognizer
from trainer.speech.engines import transcribe
from trainer.speech.filled_pause import filled_pauses
from trainer.speech.vad import speech_spans

# Engines whose word times are placed well enough that a filled pause under a written word is that
# word (bench/asr.py: Vosk's word edges within 80 ms of the sound; Whisper's up to 0.77 s off, and
# it stretches a word over the "um" it leaves out). Measured on the known-filler set, docs/metrics.md.
WORDS_PLACED = {"vosk": True, "whisper": False}


@dataclass(frozen=True)
class HeardAnswer:
    """A recorded answer as RepDrill hears it."""

    transcript: Transcript
    spans: list[Span]
    duration_s: float
    filled_pauses: FilledPauses = FilledPauses()


def hear(engine: Engine, samples: np.ndarray, recognizer: Recognizer | None = None) -> HeardAnswer:
    """Transcribe 16 kHz mono int16 samples, find their speech spans and filled pauses.

    `recognizer`: one of `engine`'s that heard earlier answers, for batch scoring (see `transcribe`).
    """
    return heard_with(transcribe(engine, samples, recognizer=recognizer), samples, engine.name)


def heard_with(transcript: Transcript, samples: np.ndarray, engine_name: str, offset_s: float = 0.0,
               found_pauses: list[Span] | None = None) -> HeardAnswer:
    """What the sound adds to an engine's transcript of `samples`: speech spans and filled pauses.

    `offset_s` moves both onto another clock (the drill's); the transcript is taken as it is.
    `found_pauses`: the filled pauses of `samples` (seconds from its first sample) when they were
    found already, e.g. during the silence that ended a drill's turn (`trainer.drill.turn`); else
    they are found here (the costly part: ~4 ms per second of audio on an idle core).
    """
    found = filled_pauses(samples) if found_pauses is None else found_pauses
    return HeardAnswer(
        transcript=transcript,
        spans=speech_spans(samples, offset_s=offset_s),
        duration_s=len(samples) / wavs.ENGINE_RATE,
        filled_pauses=FilledPauses(
            tuple(Span(p.start + offset_s, p.end + offset_s) for p in found),
            WORDS_PLACED.get(engine_name, False),
        ),
    )


def hear_file(engine: Engine, path: str | Path) -> HeardAnswer:
    """`hear` for an audio file of any rate or channel count."""
    return hear(engine, wavs.read_engine_audio(path))
