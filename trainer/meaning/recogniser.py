"""The one move recogniser of a process: by meaning when the model is installed, else by cue.

The app, `trainer drill` and `trainer score` all ask `shared_recogniser()`, so an answer
earns the same moves everywhere. Loading takes under a second (the model; the move
library's sentences come encoded in trainer/data/moves.vectors.npz): `warm_up_in_background()`
starts it on a daemon thread when a drill starts, so it is ready before the first answer
ends. Without the model package (or with a broken copy) the cue matcher is used and
`fallback_reason()` says why, for the score card's small print and `trainer score --json`.
"""

from __future__ import annotations

import threading

from trainer.core import paths
from trainer.core.errors import TrainerError
from trainer.core.meaning import (
    CueRecogniser, MoveModel, MoveProbe, MoveRecogniser, Recogniser, load_move_model, load_move_probe,
)
from trainer.core.moves import default_move_library

LIBRARY_VECTORS = paths.PACKAGE_DATA / "moves.vectors.npz"  # the move library's sentences, encoded (scripts/calibrate-moves)
_lock = threading.Lock()
_recogniser: Recogniser | None = None
_fallback_reason: str | None = None


def shared_recogniser() -> Recogniser:
    """The process's recogniser, loaded on first use (blocks until loaded; thread-safe)."""
    global _recogniser, _fallback_reason
    with _lock:
        if _recogniser is None:
            try:
                _recogniser = load_meaning_recogniser()
            except TrainerError as error:
                _fallback_reason = str(error)
                _recogniser = CueRecogniser()
        return _recogniser


def load_meaning_recogniser(model: MoveModel | None = None, probe: MoveProbe | None = None) -> MoveRecogniser:
    """A new meaning recogniser with the fitted move model and probe, library sentences encoded (raises TrainerError)."""
    from trainer.meaning.encoder import SentenceEncoder

    model = model or load_move_model()
    probe = probe or load_move_probe()
    encoder = SentenceEncoder(store=paths.cache_dir() / "meaning" / "sentences.npz", seeds=[LIBRARY_VECTORS])
    recogniser = MoveRecogniser(encoder, default_move_library(), model, probe=probe)
    recogniser.warm_up()
    encoder.save()
    return recogniser


def warm_up_in_background() -> None:
    """Start loading the shared recogniser on a daemon thread (returns at once)."""
    threading.Thread(target=shared_recogniser, name="meaning-warm-up", daemon=True).start()


def fallback_reason() -> str | None:
    """Why moves are judged by cue phrases (None when by meaning, or not loaded yet)."""
    return _fallback_reason
