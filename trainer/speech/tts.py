"""The prospect's voice: pyttsx3 renders a line to a WAV, cached on disk.

A rendered line is cached under `<cache dir>/tts/` by a hash of everything that
changes the audio (text, resolved voice, rate, pitch, driver and its versions), so a
drill replays a line without rendering it again. The speech region inside the file
(without the leading/trailing silence) is measured by voice activity detection, the
same way as the rep's audio, because prospect talk time is defined on it.

pyttsx3 facts this module is built around (DESIGN.md): one `runAndWait` per file,
the espeak driver prints "Audio saved to ..." on stdout, and espeak-ng is one
process-wide library. So every engine call runs on one worker thread that owns the
engine; callers wait for it with a timeout, which turns a hung engine into a
`TrainerError` instead of a frozen drill.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import importlib
import importlib.metadata
import json
import logging
import os
import queue
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import soundfile

from trainer.core import paths
from trainer.core.errors import TrainerError
from trainer.speech import vad, wavs

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class RenderedLine:
    """A line rendered to a WAV file, with where the speech is inside it (seconds)."""

    path: Path
    sample_rate: int
    duration_s: float
    speech_start_s: float
    speech_end_s: float

    @property
    def speech_duration_s(self) -> float:
        """Length of the spoken part: the prospect talk time of this line."""
        return self.speech_end_s - self.speech_start_s


class _Speaker:
    """Owns the pyttsx3 engine; only ever used on the render thread."""

    def __init__(self) -> None:
        import pyttsx3

        self.engine = pyttsx3.init()
        self.driver = self.engine.driver_name
        self.errors: list[Exception] = []
        # Driver errors are reported through this callback, not raised.
        self.engine.connect("error", lambda exception, **_: self.errors.append(exception))
        # The espeak driver announces every saved file with print(); send it to the log.
        driver_module = importlib.import_module(f"pyttsx3.drivers.{self.driver}")
        driver_module.print = lambda *args, **_: log.debug(" ".join(map(str, args)))
        # A new engine queues property changes until its first loop runs; an empty run
        # flushes them now, so later changes apply at once (before `_wait_until_idle`).
        self._wait_until_idle()
        self.engine.runAndWait()

    def voices(self) -> list[VoiceInfo]:
        """The driver's voices, without MBROLA ones (no mbrola binary: they cannot speak)."""
        return [
            VoiceInfo(v.id, v.name, tuple(v.languages or ()), (v.gender or "").lower() or None)
            for v in self.engine.getProperty("voices")
            if not v.id.startswith("mb/")
        ]

    def variants(self) -> list[str]:
        """espeak timbre variants (`+f2`, `+m3` ...); none on other drivers."""
        if self.driver != "espeak":
            return []
        from pyttsx3.drivers import _espeak

        found = _espeak.ListVoices(_espeak.VOICE(languages=b"variant"))
        return [v.identifier.decode().removeprefix("!v/") for v in found]

    def _wait_until_idle(self) -> None:
        """Wait until espeak-ng's own synthesis thread has run every command sent so far.

        espeak-ng runs voice/rate/pitch changes and synthesis on its own thread. When
        `runAndWait` starts while that thread is still busy (e.g. applying a voice
        change), the espeak driver takes it for speech in progress, cancels it, and the
        line is written with no audio (measured: ~1 render in 7 without this wait).
        """
        if self.driver == "espeak":
            from pyttsx3.drivers import _espeak

            _espeak.Synchronize()

    def save(self, text: str, voice_id: str, rate: int, pitch: int, path: Path) -> None:
        """Render `text` into `path` (one runAndWait per file: queued saves keep only the last)."""
        self.errors.clear()
        # espeak-ng resets pitch on a voice change and ignores an unchanged value,
        # so pitch is set on both sides of the voice (measured: otherwise ~1 in 3 is wrong).
        for name, value in (("pitch", pitch), ("rate", rate), ("voice", voice_id), ("pitch", pitch), ("rate", rate)):
            self.engine.setProperty(name, value)
        self.engine.save_to_file(text, str(path))
        self._wait_until_idle()
        self.engine.runAndWait()
        if self.errors:
            raise TrainerError(f"text-to-speech ({self.driver}) failed on voice {voice_id}: {self.errors[0]}")


class _RenderThread:
    """One worker thread that runs every engine call, and notices when it hangs.

    A daemon thread rather than a ThreadPoolExecutor: the interpreter joins an
    executor's threads at exit, so a hung engine would keep the app from closing.
    """

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._speaker: _Speaker | None = None
        self._stuck: concurrent.futures.Future | None = None
        self._lock = threading.Lock()

    def run(self, job, timeout_s: float, what: str):
        """Run `job(speaker)` on the render thread; TrainerError if it takes longer than `timeout_s`."""
        with self._lock:
            if self._stuck is not None and not self._stuck.done():
                raise TrainerError(
                    "text-to-speech engine is still stuck on an earlier line; "
                    "check that `espeak-ng \"test\"` speaks, then restart RepDrill"
                )
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name="tts", daemon=True)
                self._thread.start()
            future: concurrent.futures.Future = concurrent.futures.Future()
            self._jobs.put((job, future))
        try:
            return future.result(timeout=timeout_s)
        except concurrent.futures.TimeoutError:
            with self._lock:
                self._stuck = future
            raise TrainerError(
                f"text-to-speech engine did not finish {what} within {timeout_s:g} s; "
                "check that `espeak-ng \"test\"` speaks, then restart RepDrill"
            ) from None

    def _serve(self) -> None:
        while True:
            job, future = self._jobs.get()
            future.set_running_or_notify_cancel()
            try:
                future.set_result(self._call(job))
            except Exception as error:  # handed to the waiting caller
                future.set_exception(error)

    def _call(self, job):
        if self._speaker is None:
            try:
                self._speaker = _Speaker()
            except (ImportError, RuntimeError, OSError) as error:
                raise TrainerError(
                    f"text-to-speech engine cannot start ({error}); on Linux install espeak-ng "
                    "(`sudo apt-get install espeak-ng`)"
                ) from None
        return job(self._speaker)


_render_thread = _RenderThread()


@cache
def list_voices() -> list[VoiceInfo]:
    """Every usable voice of the platform's TTS engine (listed once per process)."""
    return _render_thread.run(lambda speaker: speaker.voices(), RENDER_TIMEOUT_S, "listing voices")


@cache
def list_variants() -> list[str]:
    """Timbre variants that can follow a voice after `+` (espeak only)."""
    return _render_thread.run(lambda speaker: speaker.variants(), RENDER_TIMEOUT_S, "listing variants")


def resolve_voice(voice: str = DEFAULT_VOICE, gender: str | None = None) -> str:
    """The engine voice id for a request: a voice id, language code or name, optional `+variant`.

    A gender without an explicit variant picks the gender's timbre variant
    (`GENDER_VARIANTS`) on espeak, or a voice of that gender and language on engines
    without variants. Raises TrainerError for an unknown voice, variant or gender.
    """
    base, _, variant = voice.strip().partition("+")
    wanted = base.lower()
    voices = list_voices()
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
    timeout_s: float = RENDER_TIMEOUT_S,
) -> RenderedLine:
    """Render a line to a cached WAV for a voice (see `resolve_voice`), rate (wpm) and pitch (0-99).

    Safe from any thread; a cache hit returns without touching the engine. A hung
    engine raises TrainerError after `timeout_s`.
    """
    text = " ".join(text.split())
    if not text:
        raise TrainerError("nothing to say: the line is empty")
    if not 0 <= pitch <= 99:
        raise TrainerError(f"pitch {pitch} is out of range; use 0-99 (50 is the voice's own pitch)")
    if not 40 <= rate <= 500:
        raise TrainerError(f"rate {rate} words per minute is out of range; use 40-500 (170 is normal)")
    voice_id = resolve_voice(voice, gender)
    path = _cache_path(text, voice_id, rate, pitch)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.stem}.{threading.get_ident()}.part.wav")
        _render_thread.run(
            lambda speaker: speaker.save(text, voice_id, rate, pitch, partial),
            timeout_s,
            f"the line {text[:40]!r}",
        )
        if not partial.is_file() or partial.stat().st_size <= 44:
            partial.unlink(missing_ok=True)
            raise TrainerError(f"text-to-speech wrote no audio for {text[:40]!r} with voice {voice_id}")
        os.replace(partial, path)  # atomic: a crash never leaves a half line in the cache
    return _measure(path)


def _cache_path(text: str, voice_id: str, rate: int, pitch: int) -> Path:
    """Where the line lives in the cache: a hash of everything that changes the audio."""
    key = json.dumps(
        {
            "text": text,
            "voice": voice_id,
            "rate": rate,
            "pitch": pitch,
            "engine": _engine_version(),
        },
        sort_keys=True,
    )
    return paths.cache_dir() / "tts" / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.wav"


@cache
def _engine_version() -> str:
    """pyttsx3 version plus the espeak-ng library version when that is the driver."""
    version = f"pyttsx3-{importlib.metadata.version('pyttsx3')}"

    def espeak_version(speaker: _Speaker) -> str:
        if speaker.driver != "espeak":
            return speaker.driver
        from pyttsx3.drivers import _espeak

        return f"espeak-ng-{_espeak.Info(None).decode()}"

    return f"{version}/{_render_thread.run(espeak_version, RENDER_TIMEOUT_S, 'reading its version')}"


def _measure(path: Path) -> RenderedLine:
    """Duration and speech region of a rendered WAV (speech region by VAD, as for the rep)."""
    info = soundfile.info(str(path))
    spans = vad.speech_spans(wavs.read_engine_audio(path))
    duration = info.frames / info.samplerate
    start, end = (float(spans[0].start), min(float(spans[-1].end), duration)) if spans else (0.0, 0.0)
    return RenderedLine(path, int(info.samplerate), duration, start, end)
