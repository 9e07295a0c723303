"""One drill in the app: the runner wired to the chosen microphone (or answer files) and speaker, on its own thread.

Plain Python (no Qt): the drill view hands the events to `trainer.ui.drill_bridge`,
which turns them into signals. Everything slow happens here, off the UI thread:
loading the engine, opening the devices (a microphone takes 1-2 s to start), the
runner itself, and closing the devices afterwards.

Two controls the rep has during an answer live here too:
- "I'm done" (Space): the answer ends at once, whatever pause the end-of-turn model
  was waiting through, and from then until the next turn the microphone delivers
  silence. Answer files play to their end (they are the answer).
- "Repeat the line" (R): the runner plays the line being answered again; the answer
  is due at the end of the replay (latency runs from there: a repeat is no hesitation).
- "I'm ready" (Space in the preparation time after a line): the answer is due now.
"""

from __future__ import annotations

import datetime
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ClassVar, Iterator

import numpy as np

from trainer.drill.answer_source import AnswerFiles
from trainer.core import paths
from trainer.core.errors import TrainerError
from trainer.drill.runner import DrillRunner
from trainer.drill.plan import DrillPlan
from trainer.drill.events import DrillError, RepTurnStarted
from trainer.speech.audio import AudioClock
from trainer.speech.audio_in import AudioChunk, Level, MicrophoneInput
from trainer.speech.audio_out import AudioOutput, FileOutput, SoundDeviceOutput
from trainer.speech.echo import EchoCancellation
from trainer.ui.app_settings import HEADPHONES
from trainer.ui.context import AppContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SessionReady:
    """The engine is loaded and the devices are open; the drill starts now. Says where sound goes."""

    name: ClassVar[str] = "session_ready"
    engine: str
    prospect_to: str  # the speaker's name, or where the lines are written without one
    answers_from: str  # the microphone's name, or the answers folder


@dataclass(frozen=True)
class SessionEnded:
    """The drill's thread has finished and released the devices (after DrillDidFinish or DrillError)."""

    name: ClassVar[str] = "session_ended"


class MicrophoneWithDone:
    """A microphone with an "I'm done" switch: once pressed, silence until `next_answer()`."""

    def __init__(self, microphone: MicrophoneInput) -> None:
        self.microphone = microphone
        self.chunk_frames = microphone.chunk_frames
        self._done = threading.Event()

    @property
    def overflows(self) -> int:
        return self.microphone.overflows

    @property
    def dropped(self) -> int:
        return self.microphone.dropped

    def finish_answer(self) -> None:
        """The rep is done: deliver silence from now on (any thread)."""
        self._done.set()

    def next_answer(self) -> None:
        """A new turn: the microphone is heard again."""
        self._done.clear()

    @property
    def chunk_filter(self):
        """The microphone's chunk filter (echo cancellation), applied before the done switch."""
        return self.microphone.chunk_filter

    @chunk_filter.setter
    def chunk_filter(self, chunk_filter) -> None:
        self.microphone.chunk_filter = chunk_filter

    def start(self) -> None:
        self.microphone.start()

    def read(self, timeout: float | None = None) -> AudioChunk | None:
        chunk = self.microphone.read(timeout)
        if chunk is None or not self._done.is_set():
            return chunk
        return AudioChunk(np.zeros_like(chunk.samples), chunk.captured_at, chunk.index)

    def chunks(self) -> Iterator[AudioChunk]:
        while (chunk := self.read()) is not None:
            yield chunk

    def level(self) -> Level | None:
        level = self.microphone.level()
        return Level(0.0, 0.0) if level is not None and self._done.is_set() else level

    @property
    def ended(self) -> bool:
        return self.microphone.ended

    def close(self) -> None:
        self.microphone.close()


class DrillSession:
    """Runs one planned drill on a thread of its own; `on_event` gets every runner event plus the session's own."""

    def __init__(self, ctx: AppContext, plan: DrillPlan, on_event: Callable[[object], None],
                 answers: list[Path] | None = None, suds_before: int | None = None) -> None:
        """`answers`: WAV files standing in for the microphone (demos, tests); None: the chosen microphone.

        `suds_before`: the rep's anxiety rating as the drill starts, stored with it.
        """
        self.ctx = ctx
        self.plan = plan
        self.answers = answers
        self.suds_before = suds_before
        self._on_event = on_event
        self._runner: DrillRunner | None = None
        self._input = None
        self._output: AudioOutput | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="drill", daemon=True)

    def start(self) -> None:
        """Start the drill's thread."""
        self.thread.start()

    def stop(self) -> None:
        """End the drill cleanly (the answer in progress is kept as a recoverable recording); any thread."""
        self._stop.set()
        with self._lock:
            if self._runner is not None:
                self._runner.stop()

    def finish_answer(self) -> bool:
        """The rep is done answering (microphone only); False when answers come from files."""
        if isinstance(self._input, MicrophoneWithDone):
            self._input.finish_answer()
            with self._lock:
                if self._runner is not None:
                    self._runner.finish_answer()
            return True
        return False

    def repeat_line(self) -> bool:
        """Play the line being answered again once it has been heard; False when there is none yet."""
        with self._lock:
            runner = self._runner
        return runner is not None and runner.repeat_line()

    def skip_prep(self) -> None:
        """The rep is ready before the preparation time is over: the answer is due now (any thread)."""
        with self._lock:
            if self._runner is not None:
                self._runner.skip_prep()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the drill's thread to end (at exit); False on timeout."""
        self.thread.join(timeout)
        return not self.thread.is_alive()

    # -- the thread ---------------------------------------------------------------------

    def _run(self) -> None:
        error_sent = False

        def forward(event) -> None:
            nonlocal error_sent
            self._note(event)
            error_sent = error_sent or isinstance(event, DrillError)
            self._on_event(event)

        try:
            engine = self.ctx.engine()
            clock = AudioClock()
            self._input, answers_from = self._open_input(clock)
            self._output, prospect_to = self._open_output(clock)
            echo = EchoCancellation.start() if self._hears_speakers() else None
            with self._lock:
                if self._stop.is_set():
                    return
                self._runner = DrillRunner(self.plan, store=self.ctx.store, engine=engine, audio_in=self._input,
                                           audio_out=self._output, clock=clock, on_event=forward,
                                           mode="answers" if self.answers else "mic", suds_before=self.suds_before,
                                           echo=echo)
            self._on_event(SessionReady(engine.name, prospect_to, answers_from))
            self._runner.run()
        except TrainerError as error:
            if not error_sent:
                self._on_event(DrillError(str(error)))
        except BaseException as error:  # a bug: say so in the app and keep the traceback in the log
            log.error("the drill failed", exc_info=error)
            self._on_event(DrillError(f"the drill stopped on an unexpected error ({type(error).__name__}: {error}); "
                                      "what was recorded is kept"))
        finally:
            for device in (self._input, self._output):
                if device is not None:
                    try:
                        device.close()
                    except Exception as error:  # closing must not hide what happened
                        log.warning("closing %s failed: %s", device, error)
            self._on_event(SessionEnded())

    def _note(self, event) -> None:
        if isinstance(event, RepTurnStarted) and isinstance(self._input, MicrophoneWithDone):
            self._input.next_answer()

    def _hears_speakers(self) -> bool:
        """True when the microphone may hear the prospect (speakers, not headphones, with a microphone)."""
        return not self.answers and self.ctx.settings.listening != HEADPHONES

    def _open_input(self, clock: AudioClock):
        if self.answers:
            return AnswerFiles(self.answers, clock), f"answer files ({self.answers[0].parent.name})"
        microphone = MicrophoneWithDone(MicrophoneInput(self.ctx.settings.input_device))
        return microphone, "the microphone"

    def _open_output(self, clock: AudioClock) -> tuple[AudioOutput, str]:
        try:
            output = SoundDeviceOutput(self.ctx.settings.output_device)
            return output, f"played on {output.device.name}"
        except TrainerError as error:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            folder = paths.cache_dir() / "played" / stamp
            log.info("no speaker (%s): the prospect's lines go to %s", error, folder)
            return FileOutput(folder, clock), f"written to files, no speaker found ({folder.parent})"
