"""The rep's voice coming in: a microphone, or a WAV file standing in for one.

`AudioInput` is the interface: after `start()`, `read()` (or `chunks()`) yields
`AudioChunk`s of 16 kHz mono int16 of one fixed size (20 ms by default), each with the
time its first sample was captured on the audio clock (`trainer.speech.audio`), and
`level()` gives the latest loudness for a meter. An input's `chunk_filter`, when set,
turns each chunk before `read()` returns it (echo cancellation, `trainer.speech.echo`).

- `MicrophoneInput`: a PortAudio input stream. Open it once per drill and keep it open
  (a stream takes 1.2-1.9 s to deliver its first block, docs/design.md). Its callback only
  copies each block into a bounded queue and never blocks: a full queue drops the block
  and counts it in `dropped`; blocks PortAudio itself lost are counted in `overflows`.
  A device that fails (PortAudio stops the stream) or stalls (no block for
  `STALL_SECONDS`) makes `read()` raise a TrainerError instead of waiting forever.
- `FileInput`: streams a WAV (any rate/channels, converted by `trainer.speech.wavs`) in
  the same chunks, paced by the clock: real time, or as fast as read with a virtual one.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Protocol

import numpy as np
import soxr

from trainer.core.errors import TrainerError
from trainer.speech.audio import AudioClock, portaudio_error, resolve_device, sounddevice_module
from trainer.speech.wavs import ENGINE_RATE, read_engine_audio

CHUNK_SECONDS = 0.02
QUEUE_SECONDS = 30.0
# The capture clock's origin is refined over this much audio, then fixed (see MicrophoneInput).
ORIGIN_SETTLE_SECONDS = 2.0
# A running device that delivers no block for this long has stalled (a suspended or hung
# device). Blocks come every 20 ms; the longest gap measured here under load was 61 ms.
STALL_SECONDS = 2.0


@dataclass(frozen=True)
class AudioChunk:
    """A fixed-size piece of 16 kHz mono int16 audio and when it was captured."""

    samples: np.ndarray
    captured_at: float
    index: int
    rate: int = ENGINE_RATE

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.rate

    @property
    def end(self) -> float:
        """Capture time just after the last sample."""
        return self.captured_at + self.duration


@dataclass(frozen=True)
class Level:
    """Loudness of the latest block, as fractions of full scale (0..1)."""

    rms: float
    peak: float


def measure_level(samples: np.ndarray) -> Level:
    """RMS and peak of int16 samples as fractions of full scale."""
    values = samples.astype(np.float32) / 32768.0
    if len(values) == 0:
        return Level(0.0, 0.0)
    return Level(float(np.sqrt(np.mean(values * values))), float(np.max(np.abs(values))))


ChunkFilter = Callable[["AudioChunk"], "AudioChunk"]


class AudioInput(Protocol):
    """A source of fixed-size 16 kHz mono int16 chunks with capture times."""

    chunk_frames: int
    overflows: int
    dropped: int
    chunk_filter: ChunkFilter | None  # applied to every chunk read (None: chunks as captured)

    def start(self) -> None:
        """Begin capturing (chunk times count from here)."""

    def read(self, timeout: float | None = None) -> AudioChunk | None:
        """The next chunk; None if none came within `timeout` or the input has ended."""

    def chunks(self) -> Iterator[AudioChunk]:
        """Every chunk until the input ends or is closed."""

    def level(self) -> Level | None:
        """Loudness of the latest block not yet shown, or None (for a meter)."""

    @property
    def ended(self) -> bool:
        """True once no more chunks will come (end of file, closed)."""

    def close(self) -> None:
        """Stop capturing and release the device or file."""


class _Rechunker:
    """Turns device blocks (any rate) into fixed 16 kHz chunks with 16 kHz frame indexes."""

    def __init__(self, device_rate: int, chunk_frames: int) -> None:
        self.device_rate = device_rate
        self.chunk_frames = chunk_frames
        self._expected: int | None = None
        self._resampler = None
        self._buffer = np.empty(0, np.int16)
        self._next_index = 0

    def push(self, index: int, block: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """Add a block that starts at device frame `index`; returns the chunks now complete."""
        if index != self._expected:  # first block, or blocks were dropped: restart there
            self._buffer = np.empty(0, np.int16)
            self._next_index = round(index * ENGINE_RATE / self.device_rate)
            if self.device_rate != ENGINE_RATE:
                self._resampler = soxr.ResampleStream(self.device_rate, ENGINE_RATE, 1, dtype="int16")
        self._expected = index + len(block)
        if self._resampler is not None:
            block = self._resampler.resample_chunk(block)
        self._buffer = np.concatenate([self._buffer, block]) if len(self._buffer) else block
        ready = []
        while len(self._buffer) >= self.chunk_frames:
            ready.append((self._next_index, self._buffer[: self.chunk_frames]))
            self._buffer = self._buffer[self.chunk_frames:]
            self._next_index += self.chunk_frames
        return ready


class MicrophoneInput:
    """Captures a PortAudio input device as 16 kHz mono int16 chunks.

    Clock: a chunk's capture time is `origin + frame index / rate` (a sample clock, so
    relative times are exact). The origin is the earliest `time.monotonic()` at which a
    block arrived minus the frames captured up to its end: a block cannot arrive before
    it was captured, so the least-delayed arrival is the best anchor. It is refined over
    the first 2 s of audio and then fixed, so chunk times stay contiguous (chunks read
    in those first 2 s may sit a few ms late). PortAudio's own `inputBufferAdcTime` is
    not used: through PulseAudio it stays frozen for the first ~0.6 s of a stream
    (measured here), which put captures 0.56 s early. Dropped blocks keep their place on
    this clock; frames PortAudio lost in an overflow (counted) and clock drift (parts
    per million) do not.
    """

    def __init__(self, device: int | str | None = None, chunk_seconds: float = CHUNK_SECONDS,
                 queue_seconds: float = QUEUE_SECONDS) -> None:
        self.device_spec = device
        self.chunk_frames = round(ENGINE_RATE * chunk_seconds)
        self.chunk_seconds = chunk_seconds
        self.overflows = 0
        self.dropped = 0
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, round(queue_seconds / chunk_seconds)))
        self._levels: queue.Queue = queue.Queue(maxsize=1)
        self._origin: float | None = None
        self._frames = 0
        self._last_arrival: float | None = None
        self._stream = None
        self._closed = threading.Event()
        self._stopped = threading.Event()
        self._ready: list[tuple[int, np.ndarray]] = []
        self._rechunker: _Rechunker | None = None
        self.chunk_filter: ChunkFilter | None = None

    def start(self) -> None:
        """Open the device and start capturing; TrainerError if it cannot be used."""
        sd = sounddevice_module()
        self.device = resolve_device(self.device_spec, "input")
        rate = ENGINE_RATE
        try:
            sd.check_input_settings(device=self.device.index, channels=1, dtype="int16", samplerate=rate)
        except sd.PortAudioError:  # the device cannot capture at 16 kHz: resample its own rate
            rate = int(self.device.default_rate)
        self.device_rate = rate
        self._rechunker = _Rechunker(rate, self.chunk_frames)
        try:
            self._stream = sd.InputStream(
                device=self.device.index, samplerate=rate, channels=1, dtype="int16",
                blocksize=round(rate * self.chunk_seconds), callback=self._callback,
                finished_callback=self._stopped.set,
            )
            self._stream.start()
        except sd.PortAudioError as error:
            raise portaudio_error(self.device, "input", error) from None

    def _callback(self, indata, frames, time_info, status) -> None:
        # Runs on PortAudio's thread: copy the block into the queue, never wait.
        arrived = time.monotonic()
        self._last_arrival = arrived
        if status.input_overflow:
            self.overflows += 1
        block = indata[:, 0].copy()
        index = self._frames
        self._frames += frames
        if self._frames <= ORIGIN_SETTLE_SECONDS * self.device_rate:
            origin = arrived - self._frames / self.device_rate
            if self._origin is None or origin < self._origin:
                self._origin = origin
        try:
            self._queue.put_nowait((index, block))
        except queue.Full:
            self.dropped += 1
        try:
            self._levels.put_nowait(block)
        except queue.Full:
            pass

    def read(self, timeout: float | None = None) -> AudioChunk | None:
        """The next chunk, waiting up to `timeout`; raises TrainerError if the device stopped or stalled."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._ready:
            if self._closed.is_set():
                return None
            if self._queue.empty():
                self._check_delivering()
            wait = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
            if wait <= 0:
                return None
            try:
                index, block = self._queue.get(timeout=wait)
            except queue.Empty:
                continue
            self._ready.extend(self._rechunker.push(index, block))
        index, samples = self._ready.pop(0)
        return _filtered(self.chunk_filter, AudioChunk(samples, self._origin + index / ENGINE_RATE, index))

    def _check_delivering(self) -> None:
        """Raise a TrainerError when the stream has stopped, or has delivered nothing for STALL_SECONDS."""
        if self._stopped.is_set():
            why = "stopped delivering sound"
        elif self._last_arrival is not None and time.monotonic() - self._last_arrival > STALL_SECONDS:
            why = f"delivered no sound for {STALL_SECONDS:.0f} s"
        else:
            return
        raise TrainerError(
            f"audio input device {self.device.index} ({self.device.name}) {why}: "
            "check that it is still connected and the sound server is running, then start again"
        )

    def chunks(self) -> Iterator[AudioChunk]:
        """Chunks as they arrive, until close() is called (from another thread)."""
        while (chunk := self.read()) is not None:
            yield chunk

    def level(self) -> Level | None:
        """Loudness of the latest block not yet shown, or None."""
        try:
            return measure_level(self._levels.get_nowait())
        except queue.Empty:
            return None

    @property
    def ended(self) -> bool:
        """True once closed."""
        return self._closed.is_set()

    def close(self) -> None:
        """Stop capturing and close the device."""
        self._closed.set()
        if self._stream is not None:
            self._stream.close()
            self._stream = None


class PacedInput:
    """What inputs that are not a sound card share: fixed chunks paced by a clock, a level, close.

    Subclasses say what is heard from a sample index on (`_samples_at`) and when the
    input has `ended`; with a real clock a chunk is returned when its last sample would
    have been spoken, with a virtual clock at once.
    """

    what = "input"  # for the message when read() comes before start()

    def __init__(self, clock: AudioClock | None, chunk_seconds: float) -> None:
        self.clock = clock or AudioClock()
        self.chunk_frames = round(ENGINE_RATE * chunk_seconds)
        self.overflows = 0  # never: no device to overrun, counted for the same interface
        self.dropped = 0
        self._origin: float | None = None
        self._position = 0
        self._closed = threading.Event()
        self._latest: np.ndarray | None = None
        self.chunk_filter: ChunkFilter | None = None

    def start(self) -> None:
        """Start the input's timeline at the clock's current time."""
        self._origin = self.clock.now()

    def read(self, timeout: float | None = None) -> AudioChunk | None:
        """The next chunk once it has been 'captured'; None at the end, once closed, or on timeout."""
        if self._origin is None:
            raise RuntimeError(f"start() the {self.what} before reading")
        if self.ended:
            return None
        index = self._position
        captured_at = self._origin + index / ENGINE_RATE
        ready_at = captured_at + self.chunk_frames / ENGINE_RATE
        if timeout is not None and not self.clock.virtual and ready_at - self.clock.now() > timeout:
            self.clock.wait_until(self.clock.now() + timeout, self._closed)
            return None
        if not self.clock.wait_until(ready_at, self._closed):
            return None
        samples = self._samples_at(index)
        self._position += self.chunk_frames
        self._latest = samples
        return _filtered(self.chunk_filter, AudioChunk(samples, captured_at, index))

    def _samples_at(self, index: int) -> np.ndarray:
        """The chunk's samples (int16, `chunk_frames` long) from sample `index` of the timeline."""
        raise NotImplementedError

    @property
    def ended(self) -> bool:
        """True once no chunk will come any more."""
        raise NotImplementedError

    def chunks(self) -> Iterator[AudioChunk]:
        """Chunks until the input ends or is closed."""
        while (chunk := self.read()) is not None:
            yield chunk

    def level(self) -> Level | None:
        """Loudness of the latest chunk not yet shown, or None."""
        latest, self._latest = self._latest, None
        return None if latest is None else measure_level(latest)

    def close(self) -> None:
        """Stop delivering chunks (a read waiting for its chunk returns None)."""
        self._closed.set()


class FileInput(PacedInput):
    """Streams a WAV as if it were a microphone: the same chunks, paced by `clock`.

    With a real clock a chunk is returned when its last sample would have been spoken;
    with a virtual clock at once, the clock moving on by the chunk's length. The last
    chunk is padded with silence to the fixed size.
    """

    what = "file input"

    def __init__(self, path: str | Path, clock: AudioClock | None = None, chunk_seconds: float = CHUNK_SECONDS) -> None:
        super().__init__(clock, chunk_seconds)
        self.path = Path(path)
        self.samples = read_engine_audio(self.path)

    def _samples_at(self, index: int) -> np.ndarray:
        samples = self.samples[index:index + self.chunk_frames]
        if len(samples) < self.chunk_frames:
            samples = np.concatenate([samples, np.zeros(self.chunk_frames - len(samples), np.int16)])
        return samples

    @property
    def ended(self) -> bool:
        """True after the last chunk, or once closed."""
        return self._closed.is_set() or self._position >= len(self.samples)


def _filtered(chunk_filter: ChunkFilter | None, chunk: AudioChunk) -> AudioChunk:
    """The chunk as the input's filter turns it (as it is without one)."""
    return chunk if chunk_filter is None else chunk_filter(chunk)
