"""The Vosk engine: streaming recognition with partial results and word times.

Vosk is the engine of record (docs/design.md): it hears audio as it arrives, so the rep
sees a live partial transcript, and its final result carries each word's start, end
and confidence. Vosk cuts the stream into utterances on its own; each utterance's
result is kept so nothing said before a pause is lost. Endpointing is done by our
VAD, not by Vosk (its own fires ~1 s late).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from trainer.core.errors import TrainerError
from trainer.core.transcript import Transcript, Word
from trainer.speech.asr import SAMPLE_RATE
from trainer.speech.models import vosk_model_problem


def _fix_hint(folder: Path) -> str:
    return (
        "install a model with `trainer models install PATH_OR_ZIP` (or `trainer models download NAME`), "
        f"or point --model at a Vosk model folder instead of {folder}"
    )


class VoskEngine:
    """A loaded Vosk model (load once per drill: the Korean test model takes 1.5 s and 500 MB)."""

    name = "vosk"

    def __init__(self, model_path: str | Path) -> None:
        """Load the model folder; TrainerError naming the folder and the fix when it is missing or corrupt."""
        folder = Path(model_path)
        if not folder.is_dir():
            raise TrainerError(f"Vosk model folder {folder} does not exist; {_fix_hint(folder)}")
        problem = vosk_model_problem(folder)  # checked first: Vosk itself only says "failed"
        if problem:
            raise TrainerError(f"{folder} is not a Vosk model folder ({problem}); {_fix_hint(folder)}")
        import vosk

        vosk.SetLogLevel(-1)  # Kaldi logs every load step to stderr otherwise
        try:
            self._model = vosk.Model(str(folder))
        except Exception as error:  # vosk raises a bare Exception("Failed to create a model")
            raise TrainerError(
                f"Vosk model in {folder} is corrupt or incomplete ({error}); reinstall it: {_fix_hint(folder)}"
            ) from None
        self._vosk = vosk
        self.model_path = folder
        # A damaged decoding graph still loads (Kaldi only logs it); making a recognizer
        # is what fails (~0.1 s), so find out now rather than in the middle of a drill.
        self.recognizer()

    def recognizer(self) -> VoskRecognizer:
        """A fresh recognizer for one answer; TrainerError when the model cannot make one."""
        try:
            return VoskRecognizer(self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE))
        except Exception as error:  # vosk raises a bare Exception("Failed to create a recognizer")
            raise TrainerError(
                f"Vosk model in {self.model_path} is corrupt or incomplete ({error}); "
                f"reinstall it: {_fix_hint(self.model_path)}"
            ) from None


class VoskRecognizer:
    """One answer streamed into Vosk: partial text while feeding, words at the end."""

    def __init__(self, kaldi) -> None:
        self._kaldi = kaldi
        self._kaldi.SetWords(True)
        self._done: list[dict] = []  # results of utterances Vosk already closed
        self._partial = ""

    def feed(self, samples: np.ndarray) -> str | None:
        """Add 16 kHz mono int16 samples; the partial text when it changed, else None."""
        if samples.dtype != np.int16 or samples.ndim != 1:
            raise ValueError("Vosk needs 16 kHz mono int16 samples (see wavs.to_engine_format)")
        if self._kaldi.AcceptWaveform(samples.tobytes()):
            self._done.append(json.loads(self._kaldi.Result()))
            partial = ""
        else:
            partial = json.loads(self._kaldi.PartialResult()).get("partial", "")
        text = " ".join(t for t in [*(r.get("text", "") for r in self._done), partial] if t)
        if text == self._partial:
            return None
        self._partial = text
        return text

    def finish(self) -> Transcript:
        """Flush the stream; words with start/end (s from the first sample fed) and confidence."""
        results = [*self._done, json.loads(self._kaldi.FinalResult())]
        words = [
            Word(w["word"], float(w["start"]), float(w["end"]), float(w.get("conf", 1.0)))
            for result in results
            for w in result.get("result", [])
        ]
        return Transcript(" ".join(w.text for w in words), words)
