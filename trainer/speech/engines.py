"""Choosing and loading a speech-recognition engine, and feeding it a file.

Choice (issue 2): an explicit name; else the kind of the given model folder; else
Vosk when a Vosk model is installed; else the bundled Whisper fallback; none of them
-> a TrainerError saying how to get one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from trainer.core.errors import TrainerError
from trainer.core.transcript import Transcript
from trainer.speech import wavs
from trainer.speech.asr import SAMPLE_RATE, Engine, Recognizer
from trainer.speech.models import detect_engine, find_vosk_model
from trainer.speech.vosk_engine import VoskEngine
from trainer.speech.whisper_engine import PARTIAL_EVERY_S, WhisperEngine

ENGINE_NAMES = ("vosk", "whisper")
GET_VOSK = "get one with `trainer models download NAME` or `trainer models install PATH_OR_ZIP`"


def engine_name(name: str | None = None, model_path: Path | None = None) -> str:
    """The engine `load_engine` loads for these arguments ("vosk" | "whisper"), without loading it.

    Cheap (it looks at folders only), so a drill can say which engine it uses, and refuse an unknown
    name, a folder that is no model or Vosk without a model, before the engine has loaded
    (`trainer.speech.engine_loading`).
    """
    if name is not None and name not in ENGINE_NAMES:
        raise TrainerError(f"unknown engine {name!r}; use one of: {', '.join(ENGINE_NAMES)}")
    if name is None and model_path is not None:
        return _kind_of_model(Path(model_path))
    if name == "whisper":
        return name
    if model_path is None and find_vosk_model() is None:
        if name == "vosk":
            raise TrainerError(f"no Vosk model is installed; {GET_VOSK}, or use --engine whisper")
        return "whisper"
    return "vosk"


def load_engine(name: str | None = None, model_path: Path | None = None, *, partials: bool = True) -> Engine:
    """Load the engine `name` ("vosk" | "whisper" | None for the automatic choice, `engine_name`).

    `model_path` overrides the model folder. `partials=False` is for batch use: it
    spares Whisper its partial passes (Vosk's partials cost nothing extra).
    """
    if engine_name(name, model_path) == "vosk":
        return VoskEngine(model_path or find_vosk_model())
    try:
        return _whisper(model_path, partials)
    except TrainerError as error:
        if name is not None or model_path is not None:
            raise
        raise TrainerError(
            f"no speech recognition engine is available: no Vosk model is installed ({GET_VOSK}), and {error}"
        ) from None


def transcribe(
    engine: Engine,
    samples: np.ndarray,
    chunk_s: float = 0.25,
    on_partial: Callable[[float, str], None] | None = None,
    recognizer: Recognizer | None = None,
) -> Transcript:
    """Stream 16 kHz mono int16 samples into a recognizer in chunks, as a microphone would.

    `on_partial(seconds_fed, text)` is called whenever the partial text changes. `recognizer`:
    one of `engine`'s to hear this answer after those it heard before (batch scoring: Vosk's then
    decodes with less CPU, see trainer/speech/vosk_engine.py); a fresh one when None.
    """
    recognizer = recognizer or engine.recognizer()
    step = max(1, int(chunk_s * SAMPLE_RATE))
    for start in range(0, len(samples), step):
        partial = recognizer.feed(samples[start : start + step])
        if partial is not None and on_partial is not None:
            on_partial(min(start + step, len(samples)) / SAMPLE_RATE, partial)
    return recognizer.finish()


def transcribe_file(
    engine: Engine,
    path: str | Path,
    chunk_s: float = 0.25,
    on_partial: Callable[[float, str], None] | None = None,
) -> Transcript:
    """Transcribe an audio file (any rate or channels libsndfile reads); see `transcribe`."""
    return transcribe(engine, wavs.read_engine_audio(path), chunk_s, on_partial)


def _kind_of_model(folder: Path) -> str:
    if not folder.is_dir():
        raise TrainerError(f"model folder {folder} does not exist; pass a model's folder with --model")
    kind, problem = detect_engine(folder)
    if kind is None:
        raise TrainerError(
            f"{folder} is neither a Whisper model folder (model.bin ...) nor a Vosk one ({problem}); "
            "pass the model's own folder, or choose with --engine vosk|whisper"
        )
    return kind


def _whisper(folder: Path | None, partials: bool) -> Engine:
    return WhisperEngine(folder, partial_every_s=PARTIAL_EVERY_S if partials else None)
