"""The Vosk engine: streaming recognition with partial results and word times.

Vosk is the engine of record (docs/design.md): it hears audio as it arrives, so the rep
sees a live partial transcript, and its final result carries each word's start, end
and confidence. Vosk cuts the stream into utterances on its own; each utterance's
result is kept so nothing said before a pause is lost. Endpointing is done by our
VAD, not by Vosk (its own fires ~1 s late).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from trainer.core.errors import TrainerError
from trainer.core.transcript import Transcript, Word
from trainer.speech.asr import SAMPLE_RATE
from trainer.speech.models import vosk_model_problem


RENEW_AFTER_S = 3600  # a recognizer reused across answers is renewed after this much audio (see finish())


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
        """A fresh recognizer for one answer (and the next ones, for batch use: see VoskRecognizer);
        TrainerError when the model cannot make one."""
        return VoskRecognizer(self._kaldi_recognizer)

    def _kaldi_recognizer(self):
        try:
            return self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        except Exception as error:  # vosk raises a bare Exception("Failed to create a recognizer")
            raise TrainerError(
                f"Vosk model in {self.model_path} is corrupt or incomplete ({error}); "
                f"reinstall it: {_fix_hint(self.model_path)}"
            ) from None


class VoskRecognizer:
    """One answer streamed into Vosk: partial text while feeding, words at the end; after `finish()`, the next.

    Hearing answer after answer with one recognizer (batch scoring) costs less CPU than a fresh one
    each: after FinalResult() Vosk starts the next answer with fresh features and a fresh decoder
    (vosk 0.3.45 src/recognizer.cc: FinalResult frees them, CleanUp makes new ones), but keeps the
    part of the decoding graph it has composed so far (the small models' graph is HCLr.fst and Gr.fst
    composed as decoding needs it; a fresh recognizer composes it again). On the 50 answers of
    bench/score.py (bench/RESULTS.md): 0.16 against 0.29 s of CPU per second of audio, with ~125 MB
    more RSS for the composed part (flat after ~50 answers); words and times differ from a fresh
    recognizer's no more than two fresh recognizers' differ from each other (Vosk is not the same
    to the word run to run; tests/speech/test_recognizer_reuse.py).
    """

    def __init__(self, make_kaldi: Callable[[], object]) -> None:
        self._make_kaldi = make_kaldi
        self._start_kaldi()
        self._next_answer()

    def _start_kaldi(self) -> None:
        self._kaldi = self._make_kaldi()
        self._kaldi.SetWords(True)
        self._earlier = 0  # samples heard in earlier answers: Vosk's word times run on across answers
        self._renew = False  # make a new Kaldi recognizer when the next answer starts (see finish())

    def _next_answer(self) -> None:
        self._done: list[dict] = []  # results of utterances Vosk already closed
        self._partial = ""
        self._fed = 0
        self._closed_by_vosk = False  # the last feed ended an utterance (Vosk then keeps the features)

    def feed(self, samples: np.ndarray) -> str | None:
        """Add 16 kHz mono int16 samples; the partial text when it changed, else None."""
        if samples.dtype != np.int16 or samples.ndim != 1:
            raise ValueError("Vosk needs 16 kHz mono int16 samples (see wavs.to_engine_format)")
        if self._renew:
            self._start_kaldi()
        self._fed += len(samples)
        self._closed_by_vosk = self._kaldi.AcceptWaveform(samples.tobytes())
        if self._closed_by_vosk:
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
        """Flush the stream; words with start/end (s from the answer's first sample) and confidence.

        Feeding again starts the next answer, timed from its own first sample.
        """
        results = [*self._done, json.loads(self._kaldi.FinalResult())]
        # Vosk's times count from the first sample this Kaldi recognizer heard; it adds the samples
        # of earlier answers as a float32 division (src/recognizer.cc), taken off the same way.
        earlier_s = float(np.float32(self._earlier) / np.float32(SAMPLE_RATE))
        words = [
            Word(w["word"], float(w["start"]) - earlier_s, float(w["end"]) - earlier_s, float(w.get("conf", 1.0)))
            for result in results
            for w in result.get("result", [])
        ]
        self._earlier += self._fed
        # FinalResult() after a feed that ended an utterance is empty and leaves Vosk's features
        # running on (its Result() had not freed them); Vosk adds its clock in single precision
        # (< 0.25 ms off after an hour of audio). Either way, a new Kaldi recognizer for the next
        # answer, made when it starts (not here: a drill's end of turn waits on finish()).
        self._renew = self._closed_by_vosk or self._earlier > RENEW_AFTER_S * SAMPLE_RATE
        self._next_answer()
        return Transcript(" ".join(w.text for w in words), words)
