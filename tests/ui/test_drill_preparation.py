"""Getting a drill ready (trainer/ui/drill_preparation.py): a start the rep went back from never runs.

The rep presses Start, goes back while the engine still loads, picks another answers folder
and presses Start again: whatever the first start's jobs return later is dropped, and the
drill that runs is the second one. The engine's load is held by a gate (the real plan, the
real store and answer folders around it) so the order is the one a slow load gives.
"""

import threading

import numpy as np
import soundfile
from PySide6.QtCore import QObject

from trainer.core.packs import find_pack
from trainer.store.db import Store
from trainer.ui.drill_preparation import DrillPreparation
from trainer.ui.views.drill_setup import DrillChoice


class SlowEngineContext:
    """The app context's part the preparation uses: a store, and an engine loaded once, under a lock (as
    AppContext.engine): the first call's load waits for `loaded`, later calls wait for it to end."""

    def __init__(self, store):
        self.store = store
        self.loaded = threading.Event()
        self.loading = threading.Event()  # the first load has begun
        self._lock = threading.Lock()

    def engine(self):
        with self._lock:
            self.loading.set()
            assert self.loaded.wait(timeout=30), "the test never let the engine load"


def answers_folder(folder):
    folder.mkdir()
    soundfile.write(folder / "1.wav", np.zeros(16000, dtype=np.int16), 16000)
    return folder


def test_a_start_the_rep_went_back_from_delivers_nothing_to_the_next(qtbot, app, tmp_path):
    pack = find_pack("price-and-budget")
    first, second = answers_folder(tmp_path / "first"), answers_folder(tmp_path / "second")
    with Store(tmp_path / "data") as store:
        ctx = SlowEngineContext(store)
        owner = QObject()  # the view, in the app
        preparation = DrillPreparation(ctx, lambda: None, owner)
        ready, failed = [], []
        preparation.ready.connect(lambda plan, answers: ready.append(answers))
        preparation.failed.connect(failed.append)

        preparation.start(DrillChoice(pack, 1, "just-give-me-the-price", first, None))
        assert ctx.loading.wait(timeout=30)
        preparation.cancel()  # back to the setup while the engine loads
        preparation.start(DrillChoice(pack, 1, "just-give-me-the-price", second, None))
        ctx.loaded.set()
        qtbot.waitUntil(lambda: bool(ready or failed), timeout=30_000)
        qtbot.wait(500)  # the first start's results, had they been taken, would have come by now

    assert failed == []
    assert ready == [[second / "1.wav"]]
