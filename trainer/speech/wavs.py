"""Reading, writing and converting audio files.

Every engine and metric works on 16 kHz mono int16 (`to_engine_format`); files of any
rate and channel count that libsndfile reads are accepted and converted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile
import soxr

from trainer.core.errors import TrainerError

ENGINE_RATE = 16_000


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """Read an audio file as float32 mono samples in [-1, 1] and its sample rate."""
    path = Path(path)
    if not path.is_file():
        raise TrainerError(f"{path}: no such audio file")
    try:
        samples, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, TypeError) as error:
        raise TrainerError(f"{path}: not a readable WAV file ({error}); record or export it as WAV") from None
    if samples.shape[0] == 0:
        raise TrainerError(f"{path}: the file holds no audio")
    return samples.mean(axis=1).astype(np.float32), int(rate)


def to_engine_format(samples: np.ndarray, rate: int) -> np.ndarray:
    """Convert mono samples (float in [-1, 1] or int16) at any rate to 16 kHz int16."""
    if samples.dtype == np.int16:
        samples = samples.astype(np.float32) / 32768.0
    if rate != ENGINE_RATE:
        samples = soxr.resample(samples.astype(np.float32), rate, ENGINE_RATE)
    return (np.clip(samples, -1.0, 32767 / 32768) * 32768.0).astype(np.int16)


def read_engine_audio(path: str | Path) -> np.ndarray:
    """Read any audio file straight into the engines' format (16 kHz mono int16)."""
    samples, rate = read_wav(path)
    return to_engine_format(samples, rate)


def write_wav(path: str | Path, samples: np.ndarray, rate: int = ENGINE_RATE) -> Path:
    """Write mono samples (int16 or float) as a 16-bit PCM WAV; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), samples, rate, subtype="PCM_16")
    return path
