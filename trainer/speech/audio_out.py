"""Playing the prospect's voice, and knowing exactly when it was heard.

`AudioOutput` is the interface: `play()` returns at once with a `Playback` whose
`started_at`/`ended_at` (seconds on the audio clock, see `trainer.speech.audio`) say when
the sound really began and ended, and whose `started`/`done` events fire at those times.
A new `play()` cuts off the sound still playing; `stop()` silences it. A sound the
device could not play (it failed before or while playing) ends with `error` set.

- `SoundDeviceOutput` plays through PortAudio. It opens one stream and keeps it open,
  writing silence between sounds: opening a stream costs 1.2-1.9 s before audio flows
  on Linux (docs/design.md), and PortAudio over PulseAudio loses the start and end of a
  sound when a stream is opened and drained per sound (measured here).
- `FileOutput` writes each sound to a WAV instead (headless drills, tests), paced by
  the clock: real time, or at once with a virtual clock.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

import numpy as np
import soxr

from trainer.speech.audio import AudioClock, portaudio_error, resolve_device, sounddevice_module
from trainer.speech.wavs import read_wav, write_wav

BLOCK_SECONDS = 0.02
# Sound buffered ahead of the DAC. PortAudio's default here (40 ms) underran under load
# (another process's tests on both cores): 0.25-2.5 s of a line lost. 0.1 s did not.
OUTPUT_LATENCY_SECONDS = 0.1
# A stream counts as flowing once its callbacks span this long; sounds wait until then,
# because the first blocks of a new PulseAudio stream are written long before they play.
READY_AFTER_SECONDS = 0.1
# A DAC time further ahead than this is not believed (some host APIs report 0 or garbage).
MAX_DAC_AHEAD_SECONDS = 2.0


@dataclass(eq=False)
class Playback:
    """One sound handed to an output; times are filled in as it really plays.

    `started_at` stays None if the sound was stopped before any of it played.
    """

    frames: int
    rate: int
    path: Path | None = None
    started_at: float | None = None
    ended_at: float | None = None
    stopped: bool = False
    error: str | None = None
    started: threading.Event = field(default_factory=threading.Event, repr=False)
    done: threading.Event = field(default_factory=threading.Event, repr=False)
    _done_callbacks: list = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def duration(self) -> float:
        """Length of the sound in seconds (what plays if nothing stops it)."""
        return self.frames / self.rate

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the sound has finished playing; False on timeout."""
        return self.done.wait(timeout)

    def add_done_callback(self, callback: Callable[[Playback], None]) -> None:
        """Call `callback(playback)` when it has finished (at once if it already has).

        It runs on the output's event thread: keep it short (hand work to your own thread).
        """
        with self._lock:
            if not self.done.is_set():
                self._done_callbacks.append(callback)
                return
        callback(self)

    def _finish(self) -> None:
        with self._lock:
            self.done.set()
            callbacks, self._done_callbacks = self._done_callbacks, []
        for callback in callbacks:
            callback(self)


class AudioOutput(Protocol):
    """Something that plays sounds and reports when they were really heard."""

    def play(self, audio: np.ndarray | str | Path, rate: int | None = None) -> Playback:
        """Start playing a WAV file or mono samples (then `rate` is required); returns at once."""

    def stop(self) -> None:
        """Silence the sound playing now (its Playback ends with stopped=True)."""

    def close(self) -> None:
        """Stop and release the device or files."""


def load_sound(audio: np.ndarray | str | Path, rate: int | None) -> tuple[np.ndarray, int]:
    """A WAV path or an array (int16 or float, mono or frames x channels) as float32 mono."""
    if isinstance(audio, (str, Path)):
        return read_wav(audio)
    if rate is None:
        raise ValueError("playing an array needs its sample rate")
    samples = np.asarray(audio)
    if samples.ndim == 2:
        samples = samples.mean(axis=1)
    if samples.dtype == np.int16:
        return samples.astype(np.float32) / 32768.0, int(rate)
    return samples.astype(np.float32), int(rate)


@dataclass(eq=False)
class _Sound:
    """A playback with its samples, as the stream callback walks through them."""

    playback: Playback
    samples: np.ndarray
    position: int = 0


class SoundDeviceOutput:
    """Plays through a PortAudio device on one stream kept open from construction to close().

    Clock: a block is heard at PortAudio's `outputBufferDacTime` for it, moved onto
    `time.monotonic()` by the offset between the two clocks. PortAudio's stream clock has
    a different base per host API (CLOCK_REALTIME in PortAudio 19.6 on Linux), so the
    offset is measured: the smallest `monotonic() - currentTime` over the callbacks (the
    callback that ran with the least delay; using each callback's own `monotonic()`
    added up to 60 ms of scheduling jitter on a busy machine). Measured through
    PulseAudio here with the default `latency`, a sound starts 110-170 ms after play()
    and a loop-back capture hears it 19 ms before the reported start (docs/audio.md).
    """

    def __init__(self, device: int | str | None = None, latency: float = OUTPUT_LATENCY_SECONDS) -> None:
        sd = sounddevice_module()
        self.device = resolve_device(device, "output")
        self.rate = int(self.device.default_rate)
        self.underflows = 0
        self.ready = threading.Event()
        self.failed: str | None = None  # why the stream stopped on its own (the device failed)
        self._failing = threading.Lock()
        self._requests: queue.SimpleQueue[_Sound | None] = queue.SimpleQueue()
        self._events: queue.SimpleQueue[tuple[str, Playback] | None] = queue.SimpleQueue()
        self._current: _Sound | None = None
        self._first_callback_at: float | None = None
        self._flowing = False
        self._clock_offset: float | None = None
        self._closed = threading.Event()
        channels = 1 if self._accepts_channels(sd, 1) else 2
        try:
            self._stream = sd.OutputStream(
                device=self.device.index, samplerate=self.rate, channels=channels, dtype="float32",
                blocksize=round(self.rate * BLOCK_SECONDS), latency=latency,
                callback=self._callback, finished_callback=self._stream_finished,
            )
            self._latency = float(self._stream.latency)
            self._stream.start()
        except sd.PortAudioError as error:
            raise portaudio_error(self.device, "output", error) from None
        self._notifier = threading.Thread(target=self._notify, name="audio-output-events", daemon=True)
        self._notifier.start()

    def _accepts_channels(self, sd, channels: int) -> bool:
        try:
            sd.check_output_settings(device=self.device.index, channels=channels, samplerate=self.rate, dtype="float32")
        except sd.PortAudioError:
            return False
        return True

    def play(self, audio: np.ndarray | str | Path, rate: int | None = None) -> Playback:
        """Queue a sound for the next block; it cuts off whatever is playing."""
        if self._closed.is_set():
            raise RuntimeError("the audio output is closed")
        samples, source_rate = load_sound(audio, rate)
        if source_rate != self.rate:
            samples = soxr.resample(samples, source_rate, self.rate)
        playback = Playback(frames=len(samples), rate=self.rate, path=Path(audio) if isinstance(audio, (str, Path)) else None)
        with self._failing:
            if self.failed is None:
                self._requests.put(_Sound(playback, np.ascontiguousarray(samples, dtype=np.float32)))
                return playback
        # the device failed earlier: the sound ends at once, unplayed, saying why
        playback.ended_at, playback.stopped, playback.error = time.monotonic(), True, self.failed
        playback._finish()
        return playback

    def stop(self) -> None:
        """Silence the current sound at the next block."""
        self._requests.put(None)

    def _callback(self, outdata, frames, time_info, status) -> None:
        # Runs on PortAudio's thread: copies samples and posts events, nothing else.
        now = time.monotonic()
        if status.output_underflow:
            self.underflows += 1
        outdata.fill(0)
        block_at = self._block_time(now, time_info.currentTime, time_info.outputBufferDacTime)
        if not self._flowing:
            if self._first_callback_at is None:
                self._first_callback_at = now
            if now - self._first_callback_at < READY_AFTER_SECONDS:
                return
            self._flowing = True
            self._events.put(("ready", None))
        while True:
            try:
                request = self._requests.get_nowait()
            except queue.Empty:
                break
            if self._current is not None:
                self._end(self._current.playback, block_at, stopped=True)
            self._current = request
        sound = self._current
        if sound is None:
            return
        if sound.position == 0:
            sound.playback.started_at = block_at
            self._events.put(("started", sound.playback))
        chunk = sound.samples[sound.position:sound.position + frames]
        outdata[: len(chunk)] = chunk[:, None]
        sound.position += len(chunk)
        if sound.position >= len(sound.samples):
            self._end(sound.playback, block_at + len(chunk) / self.rate, stopped=False)
            self._current = None

    def _block_time(self, now: float, stream_now: float, dac_time: float) -> float:
        # Stream time -> monotonic: the smallest (now - stream time) seen is the callback
        # that ran with the least delay; a jump of more than a second means the stream
        # clock itself stepped (CLOCK_REALTIME), so start over from there.
        if not stream_now:
            return now + self._latency
        offset = now - stream_now
        if self._clock_offset is None or offset < self._clock_offset or offset - self._clock_offset > 1.0:
            self._clock_offset = offset
        if not 0.0 <= dac_time - stream_now <= MAX_DAC_AHEAD_SECONDS:
            dac_time = stream_now + self._latency
        return dac_time + self._clock_offset

    def _end(self, playback: Playback, ended_at: float, stopped: bool, error: str | None = None) -> None:
        playback.ended_at = ended_at
        playback.stopped = stopped
        playback.error = error
        self._events.put(("ended", playback))

    def _stream_finished(self) -> None:
        # The stream stopped: closed by us, or the device failed.
        error = None if self._closed.is_set() else f"audio output device {self.device.index} ({self.device.name}) stopped"
        pending = [self._current.playback] if self._current is not None else []
        self._current = None
        with self._failing:
            self.failed = error
            while True:
                try:
                    request = self._requests.get_nowait()
                except queue.Empty:
                    break
                if request is not None:
                    pending.append(request.playback)
        for playback in pending:
            self._end(playback, time.monotonic(), stopped=True, error=error)
        self._events.put(None)

    def _notify(self) -> None:
        # Fires each playback's events when the sound is really heard, off the audio thread.
        while (event := self._events.get()) is not None:
            name, playback = event
            if name == "ready":
                self.ready.set()
                continue
            at = playback.started_at if name == "started" else playback.ended_at
            if at is not None:
                self._closed.wait(max(0.0, at - time.monotonic()))
            if name == "started":
                playback.started.set()
            else:
                playback._finish()

    def close(self) -> None:
        """Stop the stream and end any sound still queued (stopped=True)."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._stream.close()
        self._notifier.join(timeout=5)


class FileOutput:
    """Writes each sound to a WAV in `folder` and reports it as played on `clock`.

    With a real clock a sound "plays" for its duration (stop() cuts it short); with a
    virtual clock it plays at once and the clock moves on by its duration.
    """

    def __init__(self, folder: str | Path, clock: AudioClock | None = None) -> None:
        self.folder = Path(folder)
        self.clock = clock or AudioClock()
        self.playbacks: list[Playback] = []
        self._interrupt = threading.Event()

    def play(self, audio: np.ndarray | str | Path, rate: int | None = None) -> Playback:
        """Write the sound to the next numbered WAV and start its (real or virtual) playing time."""
        self.stop()
        samples, rate = load_sound(audio, rate)
        path = write_wav(self.folder / f"playback-{len(self.playbacks) + 1:03d}.wav", samples, rate)
        playback = Playback(frames=len(samples), rate=rate, path=path)
        self.playbacks.append(playback)
        self._interrupt = interrupt = threading.Event()
        playback.started_at = self.clock.now()
        playback.started.set()
        if self.clock.virtual:
            self._play_out(playback, interrupt)
        else:
            threading.Thread(target=self._play_out, args=(playback, interrupt), name="file-output", daemon=True).start()
        return playback

    def _play_out(self, playback: Playback, interrupt: threading.Event) -> None:
        planned_end = playback.started_at + playback.duration
        finished = self.clock.wait_until(planned_end, interrupt)
        playback.ended_at = planned_end if finished else min(planned_end, self.clock.now())
        playback.stopped = not finished
        playback._finish()

    def stop(self) -> None:
        """Cut short the sound that is playing (real clock only; virtual ones are already done)."""
        self._interrupt.set()

    def close(self) -> None:
        """Stop playing; the WAVs stay in the folder."""
        self.stop()
