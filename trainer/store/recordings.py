"""The rep's answers on disk: one 16-bit WAV per turn, written as the audio arrives.

`RecordingWriter` appends each chunk straight to the file (libsndfile does not
buffer in memory), so a crash loses at most the chunk being written; `close()`
writes the header's final length and fsyncs. A file left by a killed process
has a header that still says "no data": libsndfile reads it from the file size
anyway, and `repair_recording` rewrites it with a correct header so every
player can open it.
"""

from __future__ import annotations

import os
import wave
from contextlib import suppress
from pathlib import Path

import numpy as np
import soundfile

from trainer.store.failures import storage_error

RECORDING_RATE = 16_000
RECORDINGS_DIR = "recordings"
_WRITE_ERRORS = (OSError, soundfile.LibsndfileError)


def drill_recordings_dir(drill_id: int) -> str:
    """The folder of a drill's recordings, relative to the data folder."""
    return f"{RECORDINGS_DIR}/{drill_id}"


def rep_recording_path(drill_id: int, turn_number: int) -> str:
    """Where a rep's answer is kept, relative to the data folder (posix separators)."""
    return f"{drill_recordings_dir(drill_id)}/turn-{turn_number}-rep.wav"


def fsync_path(path: Path) -> None:
    """Force a file's (or, on POSIX, a folder's) contents to the disk."""
    if path.is_dir() and os.name == "nt":
        return  # Windows cannot open folders for fsync; NTFS journals the entry itself
    fd = os.open(path, os.O_RDONLY if path.is_dir() else os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class RecordingWriter:
    """Writes one answer to a mono 16-bit PCM WAV as int16 chunks arrive."""

    def __init__(self, path: str | Path, rate: int = RECORDING_RATE) -> None:
        """Create (or truncate) the file and write its header now, before audio arrives."""
        self.path = Path(path)
        self.rate = rate
        self.frames = 0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = soundfile.SoundFile(
                str(self.path), "w", samplerate=rate, channels=1, subtype="PCM_16", format="WAV"
            )
        except _WRITE_ERRORS as error:
            raise storage_error(error, self.path.parent, f"creating {self.path.name}") from None

    @property
    def duration(self) -> float:
        """Seconds of audio written so far."""
        return self.frames / self.rate

    @property
    def closed(self) -> bool:
        """True once `close()` has run."""
        return self._file.closed

    def write(self, chunk: np.ndarray | bytes) -> None:
        """Append mono int16 samples (an array or raw little-endian bytes)."""
        samples = np.frombuffer(chunk, dtype="<i2") if isinstance(chunk, (bytes, bytearray, memoryview)) else chunk
        if samples.dtype != np.int16:
            raise TypeError(f"recordings take int16 samples, not {samples.dtype}")
        try:
            self._file.write(samples)
        except _WRITE_ERRORS as error:
            raise storage_error(error, self.path.parent, f"recording {self.path.name}") from None
        self.frames += len(samples)

    def flush(self) -> None:
        """Make what was written so far durable (fsync), e.g. at the end of a turn."""
        try:
            self._file.flush()
        except _WRITE_ERRORS as error:
            raise storage_error(error, self.path.parent, f"saving {self.path.name}") from None

    def close(self) -> None:
        """Write the final header, fsync the file and its folder; safe to call twice."""
        if self._file.closed:
            return
        try:
            self._file.close()
            fsync_path(self.path)
            fsync_path(self.path.parent)
        except _WRITE_ERRORS as error:
            raise storage_error(error, self.path.parent, f"saving {self.path.name}") from None

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def recording_frames(path: Path) -> int | None:
    """How many frames a recording holds, or None when it cannot be read as audio at all."""
    try:
        return soundfile.info(str(path)).frames
    except (soundfile.LibsndfileError, RuntimeError, OSError):
        return None


def header_frames(path: Path) -> int | None:
    """The frame count a WAV's own header claims (None if the header cannot be parsed)."""
    try:
        with wave.open(str(path), "rb") as file:
            return file.getnframes()
    except (wave.Error, EOFError, OSError):
        return None


def repair_recording(path: Path) -> int | None:
    """Make a recording left by a crash readable everywhere; returns its frames (None: no audio).

    A file whose header already matches its data is left alone. One whose header
    is short is rewritten (same samples) with a correct header, atomically. A file
    too short to hold a header is left as it is and reported as holding no audio.
    """
    frames = recording_frames(path)
    if frames is None:
        return None
    if header_frames(path) == frames:
        return frames
    samples, rate = soundfile.read(str(path), dtype="int16")
    repaired = path.with_name(path.name + ".repair")
    try:
        soundfile.write(str(repaired), samples, rate, subtype="PCM_16", format="WAV")
        fsync_path(repaired)
        os.replace(repaired, path)
        fsync_path(path.parent)
    except _WRITE_ERRORS as error:
        with suppress(OSError):
            repaired.unlink(missing_ok=True)
        raise storage_error(error, path.parent, f"repairing {path.name}") from None
    return len(samples)
