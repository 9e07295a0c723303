"""The prospect's voice: pyttsx3 renders a line to a WAV, cached on disk.

A rendered line is cached under `<cache dir>/tts/` by a hash of everything that
changes the audio (text, resolved voice, rate, pitch, driver and its versions), so a
drill replays a line without rendering it again. The speech region inside the file
(without the leading/trailing silence) is measured by voice activity detection, the
same way as the rep's audio, because prospect talk time is defined on it.

pyttsx3 facts this module is built around (docs/design.md): one `runAndWait` per file,
the espeak driver prints "Audio saved to ..." on stdout, and espeak-ng is one
process-wide library that has crashed. So the engine runs in its own process
(trainer/speech/tts_worker.py, driven by trainer/speech/tts_process.py); callers wait
for it with a timeout, and a hung or crashed engine becomes a `TrainerError` or a
restart instead of a frozen or vanished app.

Beside espeak-ng there is an optional natural voice (Piper, `trainer.speech.natural_voice`):
`render_voice` gives a persona the voice it speaks with (the natural one for male English
personas when it is installed) and falls back to espeak-ng, with a notice on the line,
when it fails; `render(..., voice="joe")` asks for it by name.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import json
import os
import threading
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Callable

import soundfile

from trainer.core import paths
from trainer.core.errors import TrainerError
from trainer.core.pack_model import Voice
from trainer.speech import natural_voice, vad, wavs
from trainer.speech.tts_process import TtsProcess


DEFAULT_VOICE = "en-us"
DEFAULT_RATE = 170  # words per minute
DEFAULT_PITCH = 50  # espeak scale 0-99, 50 = the voice's own pitch
RENDER_TIMEOUT_S = 10.0  # a line renders in ~15 ms; anything near this is a hung engine
# espeak voices are male; a female persona gets a female timbre variant.
GENDER_VARIANTS = {"male": "", "female": "f2"}


@dataclass(frozen=True)
class VoiceInfo:
    """A voice the TTS engine offers."""

    id: str
    name: str
    languages: tuple[str, ...]
    gender: str | None
    natural: bool = False  # the neural voice (Piper), not espeak-ng


@dataclass(frozen=True)
class RenderedLine:
    """A line rendered to a WAV file, with where the speech is inside it (seconds).

    `notice` is set when the line is not in the voice asked for (the natural voice failed
    and espeak-ng spoke it), saying why, for the rep to be told.
    """

    path: Path
    sample_rate: int
    duration_s: float
    speech_start_s: float
    speech_end_s: float
    notice: str | None = None

    @property
    def speech_duration_s(self) -> float:
        """Length of the spoken part: the prospect talk time of this line."""
        return self.speech_end_s - self.speech_start_s


_engine = TtsProcess()
_writing: dict[Path, threading.Lock] = {}  # one lock per cache file: a line is written once, others wait for it
_writing_guard = threading.Lock()


def engine_pid() -> int | None:
    """The voice engine's process id (None before its first use), for measuring it."""
    return _engine.pid


@cache
def list_voices() -> list[VoiceInfo]:
    """Every usable voice: the natural one first when installed, then the platform engine's (listed once)."""
    found = _engine.call({"op": "voices"}, RENDER_TIMEOUT_S, "listing voices")
    natural = [VoiceInfo(natural_voice.VOICE_ID, natural_voice.VOICE_NAME, (natural_voice.LANGUAGE,), "male", True)]
    return (natural if natural_voice.installed() else []) + [
        VoiceInfo(v["id"], v["name"], tuple(v["languages"]), v["gender"]) for v in found
    ]


@cache
def list_variants() -> list[str]:
    """Timbre variants that can follow a voice after `+` (espeak only)."""
    return _engine.call({"op": "variants"}, RENDER_TIMEOUT_S, "listing variants")


def resolve_voice(voice: str = DEFAULT_VOICE, gender: str | None = None) -> str:
    """The engine voice id for a request: a voice id, language code or name, optional `+variant`.

    A gender without an explicit variant picks the gender's timbre variant
    (`GENDER_VARIANTS`) on espeak, or a voice of that gender and language on engines
    without variants. Raises TrainerError for an unknown voice, variant or gender.
    """
    base, _, variant = voice.strip().partition("+")
    wanted = base.lower()
    if wanted in (natural_voice.VOICE_ID, "natural"):
        return _natural_id(voice, variant)
    voices = [v for v in list_voices() if not v.natural]
    match = next(
        (v for v in voices if wanted in (v.id.lower(), v.id.lower().rpartition("/")[2])),
        None,
    ) or next(
        (v for v in voices if wanted in (lang.lower() for lang in v.languages) or v.name.lower() == wanted),
        None,
    )
    if match is None:
        examples = ", ".join(sorted({v.languages[0] for v in voices if v.languages and v.languages[0].startswith("en")}))
        raise TrainerError(
            f"unknown voice {voice!r}; try one of: {examples or ', '.join(v.id for v in voices[:8])} "
            "(`trainer voices` lists all)"
        )
    if gender is not None:
        key = gender.lower()
        if key not in GENDER_VARIANTS:
            raise TrainerError(f"unknown gender {gender!r}; use one of: {', '.join(GENDER_VARIANTS)}")
        if not variant and match.gender != key:
            if list_variants():
                variant = GENDER_VARIANTS[key]
            else:  # SAPI5/NSSS have no variants: another voice of that language and gender, if any
                match = next(
                    (v for v in voices if v.gender == key and set(v.languages) & set(match.languages)), match
                )
    if variant:
        known = list_variants()
        if variant not in known:
            raise TrainerError(
                f"unknown voice variant {variant!r} in {voice!r}; try one of: "
                f"{', '.join(v for v in known if len(v) == 2) or 'none on this engine'}"
            )
        return f"{match.id}+{variant}"
    return match.id


def render(
    text: str,
    voice: str = DEFAULT_VOICE,
    *,
    gender: str | None = None,
    rate: int = DEFAULT_RATE,
    pitch: int = DEFAULT_PITCH,
    timeout_s: float | None = None,
) -> RenderedLine:
    """Render a line to a cached WAV for a voice (see `resolve_voice`), rate (wpm) and pitch (0-99).

    Safe from any thread; a cache hit returns without touching the engine. A hung
    engine raises TrainerError after `timeout_s` (default: the engine's RENDER_TIMEOUT_S).
    """
    text = " ".join(text.split())
    if not text:
        raise TrainerError("nothing to say: the line is empty")
    if not 0 <= pitch <= 99:
        raise TrainerError(f"pitch {pitch} is out of range; use 0-99 (50 is the voice's own pitch)")
    if not 40 <= rate <= 500:
        raise TrainerError(f"rate {rate} words per minute is out of range; use 40-500 (170 is normal)")
    voice_id = resolve_voice(voice, gender)
    if voice_id == natural_voice.VOICE_ID:
        key = {"text": text, "voice": voice_id, "variant": natural_voice.variant(rate, pitch),
               "engine": natural_voice.version()}
        return _cached(key, voice_id, lambda partial: natural_voice.render_to(
            text, rate, pitch, partial, timeout_s or natural_voice.RENDER_TIMEOUT_S))
    key = {"text": text, "voice": voice_id, "rate": rate, "pitch": pitch, "engine": _engine_version()}
    request = {"op": "save", "text": text, "voice": voice_id, "rate": rate, "pitch": pitch}
    return _cached(key, voice_id, lambda partial: _engine.call(
        request | {"path": str(partial)}, timeout_s or RENDER_TIMEOUT_S, f"the line {text[:40]!r}"))


def render_voice(text: str, voice: Voice, *, timeout_s: float | None = None) -> RenderedLine:
    """A persona's line in the voice it speaks with: the natural voice where it `speaks_for` them, else espeak-ng.

    A natural voice that fails (a broken install, a crash, a hang) never leaves the
    prospect silent: espeak-ng speaks the line, and the line's `notice` says why.
    """
    espeak = dict(gender=voice.gender, rate=voice.rate, pitch=voice.pitch, timeout_s=timeout_s)
    if not natural_voice.speaks_for(voice):
        return render(text, voice.language, **espeak)
    try:
        return render(text, natural_voice.VOICE_ID, rate=voice.rate, pitch=voice.pitch, timeout_s=timeout_s)
    except TrainerError as error:
        line = render(text, voice.language, **espeak)
        return replace(line, notice=f"the natural voice could not speak this line ({error}); espeak-ng spoke it")


def voice_label(voice: Voice) -> str:
    """Which voice a persona speaks with, in words: 'natural voice (Piper)' or 'espeak-ng en-us'."""
    return "natural voice (Piper)" if natural_voice.speaks_for(voice) else f"espeak-ng {voice.language}"


def _natural_id(voice: str, variant: str) -> str:
    """The natural voice's id, or why it cannot be used."""
    if not natural_voice.installed():
        raise TrainerError(f"the natural voice {voice!r} is not installed; {natural_voice.INSTALL}")
    if variant:
        raise TrainerError(f"the natural voice has no variants ({voice!r}); change it with --rate and --pitch")
    return natural_voice.VOICE_ID


def _cached(key: dict, voice_id: str, write: Callable[[Path], None]) -> RenderedLine:
    """The cached line for `key` (a hash of everything that changes the audio), written by `write` when missing.

    A line already being written (a drill's first line, rendered ahead while the engine loads) is waited
    for, not rendered a second time behind it.
    """
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:32]
    path = paths.cache_dir() / "tts" / f"{digest}.wav"
    if not path.is_file():
        with _writing_guard:
            writing = _writing.setdefault(path, threading.Lock())
        with writing:
            if not path.is_file():
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_name(f"{path.stem}.{threading.get_ident()}.part.wav")
                write(partial)
                if not partial.is_file() or partial.stat().st_size <= 44:
                    partial.unlink(missing_ok=True)
                    raise TrainerError(f"text-to-speech wrote no audio for {key['text'][:40]!r} with voice {voice_id}")
                os.replace(partial, path)  # atomic: a crash never leaves a half line in the cache
    return _measure(path)


@cache
def _engine_version() -> str:
    """pyttsx3 version plus the espeak-ng library version when that is the driver."""
    version = f"pyttsx3-{importlib.metadata.version('pyttsx3')}"
    return f"{version}/{_engine.call({'op': 'version'}, RENDER_TIMEOUT_S, 'reading its version')}"


def _measure(path: Path) -> RenderedLine:
    """Duration and speech region of a rendered WAV (speech region by VAD, as for the rep)."""
    info = soundfile.info(str(path))
    spans = vad.speech_spans(wavs.read_engine_audio(path))
    duration = info.frames / info.samplerate
    start, end = (float(spans[0].start), min(float(spans[-1].end), duration)) if spans else (0.0, 0.0)
    return RenderedLine(path, int(info.samplerate), duration, start, end)
