"""One answer's recognizer on its own thread, fed while the rep speaks (`trainer.drill.turn` drives it).

`feed()` never waits: the audio goes to a queue that a worker thread hands to the
engine, so a slow engine never delays the end-of-turn decision. The words heard so far
are read with `words()` (Vosk's live partial; with Whisper, a speculative pass over the
answer started in a pause, whose result is also the final one if the turn ends there),
new partial texts arrive on `partials` for the live view, and `finish()` returns the
final transcript, raising the engine's failure as a TrainerError naming it.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from trainer.core.errors import TrainerError
from trainer.core.transcript import Transcript
from trainer.speech.asr import Engine
from trainer.speech.wavs import ENGINE_RATE

# Engines whose final result is a whole-answer pass (Whisper ~0.5 s; Vosk's is ready in ~30 ms).
SPECULATIVE_ENGINES = ("whisper",)


class Transcriber:
    """One answer's recognizer on its own thread: `feed()` never waits, `finish()` returns the transcript.

    For an engine whose final result is a pass over the whole answer (Whisper: about
    0.5 s), `speculate()` runs that pass on a fresh recognizer during the silence that
    may end the turn; if the turn does end on that silence, `finish()` returns the
    pass's result instead of starting one (measured in bench/turns.py).
    """

    def __init__(self, engine: Engine) -> None:
        """Make a fresh recognizer and start its thread."""
        self.partials: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.speculates = engine.name in SPECULATIVE_ENGINES
        self.engine_name = engine.name  # how far its word times can be trusted (trainer.speech.hearing)
        self.streams_words = not self.speculates  # Vosk's partial covers all audio fed; Whisper's lags behind it
        self._speculation_covers = 0
        self._engine = engine
        self._speculation: tuple[object, Future] | None = None
        self._speculator: ThreadPoolExecutor | None = None
        try:
            self._recognizer = engine.recognizer()
        except Exception as error:
            raise self._failure(error) from None
        self._queue: queue.SimpleQueue[np.ndarray | None] = queue.SimpleQueue()
        self._queued = 0  # samples given to feed()
        self._processed = 0  # samples the recognizer has taken (under _caught_up)
        self._taken = 0  # the same, on the recognizer's thread
        self._caught_up = threading.Condition()
        self._heard: tuple[str, int, int] | None = None  # the latest text, the samples it covers, and when it changed
        self._result: Transcript | None = None
        self._error: BaseException | None = None
        self._abandoned = False
        self._thread = threading.Thread(target=self._run, name="transcriber", daemon=True)
        self._thread.start()

    def feed(self, samples: np.ndarray) -> None:
        """Queue 16 kHz int16 samples for the recognizer."""
        self._queued += len(samples)
        self._queue.put(samples)

    def words(self) -> tuple[str, int, bool, int | None] | None:
        """The words heard so far, how many samples (from the first fed) they cover, whether they are a
        streaming partial (which may still change for the last samples), and where they end (samples: a
        pass's last word end; a partial's text change); None before any.

        The streaming text, or a finished pass started in a pause if that covers more.
        """
        heard = self._heard
        future = self._speculation[1] if self._speculation is not None else None
        if future is not None and future.done() and future.exception() is None:
            if heard is None or self._speculation_covers > heard[1]:
                found = future.result()
                end = round(found.words[-1].end * ENGINE_RATE) if found.words else None
                return found.text, self._speculation_covers, False, end
        return None if heard is None else (heard[0], heard[1], self.streams_words, heard[2])

    def catch_up(self) -> None:
        """Wait until the recognizer has taken every sample fed (or failed); for a virtual clock."""
        with self._caught_up:
            self._caught_up.wait_for(lambda: self._processed >= self._queued or not self._thread.is_alive())

    def wait_speculation(self) -> None:
        """Wait for the pass started by `speculate()` to finish (for a virtual clock)."""
        if self._speculation is not None:
            self._speculation[1].exception()

    def speculate(self, samples: np.ndarray, key: object) -> bool:
        """Start a final pass over `samples` (the whole answer so far) for the silence `key`; False if one is running."""
        if self._speculation is not None and not self._speculation[1].done():
            return False
        if self._speculator is None:
            self._speculator = ThreadPoolExecutor(max_workers=1, thread_name_prefix="final-pass")
        self._speculation = (key, self._speculator.submit(self._final_pass, samples))
        self._speculation_covers = len(samples)
        return True

    def speculated(self, key: object) -> bool:
        """True when a final pass was started for the silence `key`."""
        return self._speculation is not None and self._speculation[0] == key

    def finish(self, key: object = None) -> Transcript:
        """The final words (times from the first sample fed): the pass speculated for `key`, else a new one."""
        if key is not None and self.speculated(key):
            self._abandoned = True  # the buffered answer needs no second pass
        self._queue.put(None)
        self._thread.join()
        try:
            self.check()
            return self._speculation[1].result() if self._abandoned else self._result
        except Exception as error:  # the speculative pass failed
            raise self._failure(error) from None
        finally:
            self._close_speculator()

    def check(self) -> None:
        """Raise the recognizer's failure, if it has failed (a TrainerError naming the engine)."""
        if self._error is not None:
            raise self._failure(self._error)

    def _failure(self, error: BaseException) -> TrainerError:
        if isinstance(error, TrainerError):
            return error
        return TrainerError(
            f"the speech engine ({self._engine.name}) failed while transcribing the answer "
            f"({type(error).__name__}: {error}); start the drill again, and if it keeps failing, reinstall "
            "the model (`trainer models list` shows it) or choose the other engine with --engine"
        )

    def _final_pass(self, samples: np.ndarray) -> Transcript:
        recognizer = self._engine.recognizer()
        recognizer.feed(samples)
        return recognizer.finish()

    def _close_speculator(self) -> None:
        if self._speculator is not None:
            self._speculator.shutdown(wait=True)  # never leave a native pass running at exit
            self._speculator = None

    def abandon(self) -> None:
        """Stop without a final result (the turn is not scored); waits for a pass in progress to end.

        Joining matters: a thread still inside a native engine when the process exits aborts it.
        """
        self._abandoned = True
        self._queue.put(None)
        self._thread.join()
        self._close_speculator()

    def _run(self) -> None:
        try:
            done = False
            while not done:
                batch = [self._queue.get()]
                while batch[-1] is not None:  # catch up in one feed when behind
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                done = batch[-1] is None
                samples = [b for b in batch if b is not None]
                # A streaming engine takes the chunks one by one even when behind, so the audio its text
                # changed at (where its words end, for the end-of-turn model) is known to the chunk.
                # Only the batch's last partial goes out: each one shown is also encoded for the moves, and
                # one per chunk of a backlog starved this thread (a real-time drill at load 5 fell 2-3 s behind).
                pieces = samples if self.streams_words else [np.concatenate(samples)] if samples else []
                latest = None
                for audio in pieces if not self._abandoned else []:
                    partial = self._recognizer.feed(audio)
                    latest = partial if partial is not None else latest
                    self._taken += len(audio)
                    text = partial if partial is not None else self._heard[0] if self._heard else ""
                    if self.streams_words or partial is not None:
                        changed = self._taken if partial is not None or self._heard is None else self._heard[2]
                        self._heard = (text, self._taken, changed)
                if latest is not None:
                    self.partials.put(latest)
                with self._caught_up:
                    self._processed += sum(len(b) for b in samples)
                    self._caught_up.notify_all()
            if not self._abandoned:
                self._result = self._recognizer.finish()
        except BaseException as error:  # handed to finish() on the runner's thread
            self._error = error
        finally:
            with self._caught_up:
                self._caught_up.notify_all()
