"""The text-to-speech engine's own process: pyttsx3 runs here, away from the app.

espeak-ng is C code loaded into the process that calls it, and it has crashed
(a segmentation fault inside `espeak_Synth`, seen once in a dozen CI runs while
Whisper decoded on another thread). In the app's process such a crash would end the
drill and the window with it. Here it ends only this process; `trainer.speech.tts`
notices, starts a new one and asks again.

Protocol: one JSON object per line. On start the process writes `{"ready": true}` or
`{"error": ...}`; then each request on stdin (`{"op": "save", ...}`, `{"op":
"voices"}`, `{"op": "variants"}`, `{"op": "version"}`) gets one reply on stdout,
`{"ok": value}` or `{"error": message}`. It exits when stdin closes (the app is gone).
Anything else written to stdout (pyttsx3's espeak driver prints) goes to stderr.

Run as `python -m trainer.speech.tts_worker`.
"""

from __future__ import annotations

import errno
import importlib
import io
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, TextIO

log = logging.getLogger(__name__)


class Speaker:
    """Owns the pyttsx3 engine (one per process: espeak-ng is one process-wide library)."""

    QUERIES = ("voices", "variants", "version")  # requests answered by the method of that name
    INSTALL_HINT = "on Linux install espeak-ng (`sudo apt-get install espeak-ng`)"

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

    def voices(self) -> list[dict[str, Any]]:
        """The driver's voices, without MBROLA ones (no mbrola binary: they cannot speak)."""
        return [
            {"id": v.id, "name": v.name, "languages": list(v.languages or ()), "gender": (v.gender or "").lower() or None}
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

    def version(self) -> str:
        """The driver, or the espeak-ng library's version when that is the driver (it changes the audio)."""
        if self.driver != "espeak":
            return self.driver
        from pyttsx3.drivers import _espeak

        return f"espeak-ng-{_espeak.Info(None).decode()}"

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

    def save(self, text: str, voice: str, rate: int, pitch: int, path: str) -> None:
        """Render `text` into `path` (one runAndWait per file: queued saves keep only the last)."""
        self.errors.clear()
        # espeak-ng resets pitch on a voice change and ignores an unchanged value,
        # so pitch is set on both sides of the voice (measured: otherwise ~1 in 3 is wrong).
        for name, value in (("pitch", pitch), ("rate", rate), ("voice", voice), ("pitch", pitch), ("rate", rate)):
            self.engine.setProperty(name, value)
        # The espeak driver writes the file inside espeak's callback, where an error (a full
        # disk) is swallowed and the engine never finishes: it writes to memory here instead.
        target = io.BytesIO() if self.driver == "espeak" else str(Path(path))
        self.engine.save_to_file(text, target)
        self._wait_until_idle()
        self.engine.runAndWait()
        if self.errors:
            raise RuntimeError(f"text-to-speech ({self.driver}) failed on voice {voice}: {self.errors[0]}")
        if isinstance(target, io.BytesIO):
            try:
                Path(path).write_bytes(target.getvalue())
            except OSError as error:
                Path(path).unlink(missing_ok=True)
                raise RuntimeError(cannot_save(error, Path(path).parent)) from None


def cannot_save(error: OSError, folder: Path) -> str:
    """The message for a rendered line that could not be written to the cache folder."""
    where = "or move the cache with $TRAINER_CACHE"
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"{folder}: the disk is full (saving the prospect's line); free some space on it, {where}"
    return f"{folder}: cannot save the prospect's line ({error.strerror or error}); make the folder writable, {where}"


def answer(speaker, request: dict[str, Any]) -> Any:
    """What one request asks of the engine: `save` with its arguments, or one of the speaker's QUERIES."""
    op = request.get("op")
    if op == "save":
        return speaker.save(**{key: value for key, value in request.items() if key != "op"})
    if op in speaker.QUERIES:
        return getattr(speaker, op)()
    raise ValueError(f"unknown request {op!r}")


def serve(requests: TextIO, replies: TextIO, speaker_type: type = Speaker) -> None:
    """Start the engine (a `speaker_type`), then answer requests until `requests` ends."""

    def reply(message: dict[str, Any]) -> None:
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    try:
        speaker = speaker_type()
    except (ImportError, RuntimeError, OSError) as error:
        reply({"error": f"text-to-speech engine cannot start ({error}); {speaker_type.INSTALL_HINT}"})
        return
    reply({"ready": True})
    for line in requests:
        try:
            reply({"ok": answer(speaker, json.loads(line))})
        except Exception as error:  # handed back to the app, which raises it there
            reply({"error": str(error)})


def main(speaker_type: type = Speaker) -> None:
    """Serve on stdin/stdout, with everything else that writes to stdout sent to stderr."""
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin, replies, speaker_type)


if __name__ == "__main__":
    main()
