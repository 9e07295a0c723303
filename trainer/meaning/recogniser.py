"""The one move recogniser of a process: by meaning when the model is installed, else by cue.

The app, `trainer drill` and `trainer score` all ask `shared_recogniser()`, so an answer
earns the same moves everywhere. Loading takes under a second (the model; the move
library's sentences come encoded in trainer/data/moves.vectors.npz): `warm_up_in_background(nodes)`
starts it on a daemon thread when a drill starts, so it is ready before the first answer
ends. While the rep speaks, `prepare_in_background(partial)` encodes the clauses heard so
far, so that judging the answer when it ends mostly finds them ready. Without the model package (or with a broken copy) the cue matcher is used and
`fallback_reason()` says why, for the score card's small print and `trainer score --json`.
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref
from typing import Sequence

from trainer.blas import one_blas_thread
from trainer.core import paths
from trainer.core.clause_breaks import load_clause_breaks
from trainer.core.completeness import completeness_model
from trainer.core.errors import TrainerError
from trainer.core.meaning import CueRecogniser, MoveRecogniser, Recogniser
from trainer.core.move_model import MoveModel, MoveProbe, load_move_model, load_move_probe
from trainer.core.moves import default_move_library
from trainer.core.pack_model import Node

LIBRARY_VECTORS = paths.PACKAGE_DATA / "moves.vectors.npz"  # the move library's sentences, encoded (scripts/calibrate-moves)
_lock = threading.Lock()
_recogniser: Recogniser | None = None
_fallback_reason: str | None = None
_prepare_lock = threading.Lock()
_preparing = threading.Event()  # the preparing thread is running
_waiting: str | None = None  # the newest partial not yet prepared
_background: weakref.WeakSet[threading.Thread] = weakref.WeakSet()  # loading and preparing threads
_background_lock = threading.Lock()
EXIT_WAIT_S = 20.0  # the longest the exit waits for them (a first start makes the lean model: ~2 s)


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

    one_blas_thread()  # one thread for inference: BLAS threads only wait on each other here
    model = model or load_move_model()
    probe = probe or load_move_probe()
    encoder = SentenceEncoder(store=paths.cache_dir() / "meaning" / "sentences.npz", seeds=[LIBRARY_VECTORS])
    recogniser = MoveRecogniser(encoder, default_move_library(), model, probe=probe, breaks=load_clause_breaks(),
                                finished=completeness_model().finished)
    recogniser.warm_up()
    encoder.save()
    return recogniser


def warm_up_in_background(nodes: Sequence[Node] = ()) -> None:
    """Start loading the shared recogniser on a daemon thread (returns at once), then encode the
    `nodes`' own wording of their moves (cues, examples, the model answer's clauses): a pack's
    sentences are not among the shipped vectors, and encoding them when the first answer ends
    would keep the rep waiting for the next line."""
    def warm_up() -> None:
        recogniser = shared_recogniser()
        for node in nodes:
            recogniser.prepare_node(node)

    _in_background(warm_up, "meaning-warm-up")


def prepare_in_background(partial: str) -> None:
    """Encode the clauses of the answer heard so far on the preparing thread (returns at once).

    Only the newest partial waits: while one is being encoded, a later one replaces any
    that waits, so a fast engine never queues work. Nothing happens before the shared
    recogniser is loaded (the warm-up does that).
    """
    global _waiting
    with _prepare_lock:
        start = _waiting is None and not _preparing.is_set()
        _waiting = partial
        if start:
            _preparing.set()
            _in_background(_prepare_loop, "meaning-prepare")


def _prepare_loop() -> None:
    global _waiting
    while True:
        with _prepare_lock:
            partial, _waiting = _waiting, None
            if partial is None:
                _preparing.clear()
                return
        recogniser = _recogniser
        if recogniser is not None:
            try:
                recogniser.prepare(partial)
            except Exception:  # a head start only: the answer is judged in full when it ends
                pass


def _in_background(target, name: str) -> None:
    """Run `target` on a daemon thread that the interpreter's exit waits for (`_let_background_finish`)."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    with _background_lock:
        _background.add(thread)
    thread.start()


@atexit.register
def _let_background_finish() -> None:
    """At exit, wait for loading and encoding to finish: onnxruntime still working on a daemon thread while
    the interpreter shuts down aborted the process ("terminate called without an active exception": a
    Ctrl-C while the model loaded at the start of a drill, 1 run in 5)."""
    with _background_lock:
        threads = list(_background)
    deadline = time.monotonic() + EXIT_WAIT_S
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))


def fallback_reason() -> str | None:
    """Why moves are judged by cue phrases (None when by meaning, or not loaded yet)."""
    return _fallback_reason
