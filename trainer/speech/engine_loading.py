"""A speech engine loaded on a thread of its own while a drill's first line is rendered and played.

The rep cannot answer before the prospect's first line has been said, so `trainer drill`
need not wait for the engine (Whisper tiny.en: 2.5-3.6 s to load on 2 busy cores) before
that line plays. Loaded beside the natural voice's first render, it took the CPU the
voice's process needed to start and render: the line came 3.8 s after it was asked for,
and the whole start was later than with espeak-ng (docs/voices.md). So with the natural
voice the engine starts loading once the first line is rendered (`load_after`), and loads
while it plays; with espeak-ng, whose line is ready in ~0.3 s, `trainer drill` loads the
engine before the drill starts, as before, so a quick first answer never waits for the load.

The engine's name is known at once (`engine_name`: chosen, not loaded), for the drill's
start and its stored row. A recognizer waits for the load where it is first fed, on the
transcriber's thread (`trainer.drill.transcriber`), never on the drill's own; a load that
failed is raised there as the TrainerError it was, and the drill ends as any engine
failure does. The loading thread is not a daemon: the interpreter's exit waits for it, as
a native library still loading on a dying interpreter can abort the process.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Sequence

import numpy as np

from trainer.core.transcript import Transcript
from trainer.speech.asr import Engine, Recognizer
from trainer.speech.engines import engine_name, load_engine


class LoadingEngine:
    """An `Engine` whose model loads on a thread, started by `load_after` or `start`; `recognizer()` never waits."""

    def __init__(self, name: str | None = None, model_path: Path | None = None, *, partials: bool = True) -> None:
        """Choose the engine as `load_engine` would (TrainerError now for an unknown name or a folder that is no
        model); nothing loads yet."""
        self.name = engine_name(name, model_path)
        self._arguments = (name, model_path, partials)
        self._loaded: Future[Engine] = Future()
        self._lock = threading.Lock()
        self._started = False
        self._cancelled = False

    def load_after(self, renders: Sequence[Future]) -> None:
        """Start loading once every one of `renders` (the first line's) has finished, whatever their outcome;
        at once when there are none."""
        waiting = [len(renders)]
        lock = threading.Lock()

        def finished(_: Future) -> None:
            with lock:
                waiting[0] -= 1
                last = waiting[0] == 0
            if last:
                self.start()

        if not renders:
            self.start()
        for render in renders:
            render.add_done_callback(finished)

    def start(self) -> None:
        """Start loading now (once; not after `cancel`)."""
        with self._lock:
            if self._started or self._cancelled:
                return
            self._started = True
        threading.Thread(target=self._load, name="engine-load").start()

    def cancel(self) -> None:
        """The drill is over: do not start loading any more (a load under way finishes)."""
        with self._lock:
            self._cancelled = True
            if not self._started:
                self._loaded.cancel()

    @property
    def ready(self) -> bool:
        """True once the engine has loaded (or failed to)."""
        return self._loaded.done() and not self._loaded.cancelled()

    def loaded(self, timeout_s: float | None = None) -> Engine:
        """The loaded engine (starting its load if nothing has); raises the load's TrainerError."""
        self.start()
        return self._loaded.result(timeout_s)

    def recognizer(self) -> Recognizer:
        """A recognizer for one answer, made from the engine when it is first fed (returns at once)."""
        return _RecognizerWhenLoaded(self)

    def _load(self) -> None:
        name, model_path, partials = self._arguments
        try:
            self._loaded.set_result(load_engine(name, model_path, partials=partials))
        except BaseException as error:  # raised where a recognizer is fed
            self._loaded.set_exception(error)


class _RecognizerWhenLoaded:
    """A recognizer that waits for its engine's load on its first `feed` or `finish` (the transcriber's thread)."""

    def __init__(self, engine: LoadingEngine) -> None:
        self._engine = engine
        self._recognizer: Recognizer | None = None

    def feed(self, samples: np.ndarray) -> str | None:
        """Add int16 mono samples; the partial text when it changed (see `trainer.speech.asr.Recognizer`)."""
        return self._loaded().feed(samples)

    def finish(self) -> Transcript:
        """The final words of everything fed."""
        return self._loaded().finish()

    def _loaded(self) -> Recognizer:
        if self._recognizer is None:
            self._recognizer = self._engine.loaded().recognizer()
        return self._recognizer
