"""Known test speech, made with the project's own TTS: for engine, VAD and metric tests.

Import it from any test as `from tts_speech import speak, compose` (pytest puts the
tests/ folder on sys.path because tests/conftest.py lives there).

`speak` writes one line as a 16 kHz mono int16 WAV (the engines' format);
`compose` strings spoken parts and silences of exact lengths into one WAV and
returns where each spoken part is, so timing tests know the truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trainer.core.transcript import Span
from trainer.speech import tts, wavs

RATE = wavs.ENGINE_RATE
# Short objections and answers with known words, spoken by espeak for the ASR tests and bench/asr.py.
SALES_SENTENCES = [
    "We already have a vendor for that.",
    "Your price is too high for a company our size.",
    "Just send me an email and I will look at it.",
    "I am not the right person to talk to about this.",
    "We tried something like this last year and it did not work.",
    "Call me back next quarter when the budget is approved.",
    "How is your product different from what we use today?",
    "I do not have time for this right now.",
    "Our contract with the current supplier runs until December.",
    "What kind of results have other customers seen?",
    "Can you give me a discount if we sign this month?",
    "I need to talk to my manager before we decide anything.",
]
# Sales lines with "um" and "uh" where reps say them (12 in all), spoken by espeak-ng as the vowels
# /ʌm/ and /ʌ/: the known-filler set for filler recall per engine (tests and bench/asr.py).
FILLER_LINES = [
    "Um, we already have a vendor for that.",
    "Uh, I think the price is, uh, too high for us.",
    "So, um, can I ask what you had in mind?",
    "Well, uh, call me back next quarter.",
    "I, um, I need to talk to my manager first.",
    "Um, how is your product different?",
    "We looked at this, um, last year and it was, uh, too slow.",
    "The team is, um, happy with what we use today.",
    "Could you, uh, send me something in writing?",
    "I am, um, not the right person for this.",
]


@dataclass(frozen=True)
class Speech:
    """A test WAV (16 kHz mono int16) and where its spoken parts are, in seconds."""

    path: Path
    samples: np.ndarray
    spans: list[Span]  # one per spoken part, in order

    @property
    def duration_s(self) -> float:
        return len(self.samples) / RATE


# espeak-ng's audio for a line depends on the lines its process rendered before (two takes of
# one line differ from 0.1 s on; the first take in a new process is always the same), and
# Whisper hears different takes differently. So each test line is rendered once per session
# by a newly started engine: the same samples in every run, whatever ran before.
_TAKES: dict[tuple, np.ndarray] = {}


def spoken(text: str, voice: str = "en-us", rate: int = tts.DEFAULT_RATE, **voice_options) -> np.ndarray:
    """The line rendered by the project's TTS, cut to its speech region, as 16 kHz int16 (the same in every run)."""
    key = (text, voice, rate, tuple(sorted(voice_options.items())))
    if key not in _TAKES:
        with tts._engine._lock:  # after any line another thread (a drill) is having rendered
            tts._engine.close()  # the next render starts a new engine process
        line = tts.render(text, voice, rate=rate, **voice_options)
        samples = wavs.read_engine_audio(line.path)
        _TAKES[key] = samples[int(line.speech_start_s * RATE) : int(line.speech_end_s * RATE)]
        _TAKES[key].flags.writeable = False
    return _TAKES[key]


def speak(text: str, path: Path, voice: str = "en-us", rate: int = tts.DEFAULT_RATE, **voice_options) -> Speech:
    """Write `text` spoken by the project's TTS to `path` (no leading/trailing silence)."""
    return compose([text], path, voice, rate, **voice_options)


def compose(
    parts: list[float | str], path: Path, voice: str = "en-us", rate: int = tts.DEFAULT_RATE, **voice_options
) -> Speech:
    """Write spoken parts (str) and silences (float seconds) in order, e.g. `[1.5, "hello there", 2.5, "bye"]`."""
    pieces, spans, at = [], [], 0
    for part in parts:
        if isinstance(part, str):
            piece = spoken(part, voice, rate, **voice_options)
            spans.append(Span((at) / RATE, (at + len(piece)) / RATE))
        else:
            piece = np.zeros(int(round(part * RATE)), dtype=np.int16)
        pieces.append(piece)
        at += len(piece)
    samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)
    wavs.write_wav(path, samples, RATE)
    return Speech(Path(path), samples, spans)
