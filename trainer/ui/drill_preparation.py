"""Getting the Drill view's next drill ready, all of it off the UI thread.

Ahead of Start: once the setup's choice settles, the drill it shows is planned with a
seed kept for Start, and its first line rendered (`render_before_start`: the natural
voice takes 0.5-3 s a line, and the drill then opens with it at once; docs/voices.md).
At Start: the drill is planned again (with that seed while the choice is the same),
and meanwhile the speech engine is loaded and the answer files listed; `planned` says
what to show while the rest loads, `ready` that the drill can run, `failed` why not.
Each start is numbered: what a start the rep went back from returns later is dropped, so
the drill that runs is always the last one asked for.
Every job goes through `trainer.ui.tasks`, so the UI thread waits on nothing.
"""

from __future__ import annotations

import gc
import logging
import random
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from trainer.core.pack_model import Pack
from trainer.drill.answer_source import answer_files
from trainer.drill.lines import render_before_start
from trainer.ui import tasks
from trainer.ui.context import AppContext
from trainer.ui.drill_data import PlannedDrill, plan_for
from trainer.ui.views.drill_setup import DrillChoice

log = logging.getLogger(__name__)

PLAN_AHEAD_AFTER_MS = 300  # the setup fills its boxes one after another: plan the drill once they settle


class DrillPreparation(QObject):
    """Plans the setup's drill ahead and prepares a started one; results arrive as signals on the UI thread."""

    planned = Signal(object)  # PlannedDrill: the drill started, planned (its persona, level and help)
    ready = Signal(object, object)  # the DrillPlan and the answer files (empty: the microphone): run it now
    failed = Signal(object)  # the exception that stopped the start (a TrainerError says what to fix)

    def __init__(self, ctx: AppContext, shown_drill: Callable[[], tuple[Pack, int, str | None] | None],
                 parent: QObject) -> None:
        """`shown_drill()`: the (pack, level, objection id) the setup shows, None when the setup is not showing."""
        super().__init__(parent)
        self.ctx = ctx
        self._shown_drill = shown_drill
        self._timer = QTimer(self, singleShot=True, interval=PLAN_AHEAD_AFTER_MS)
        self._timer.timeout.connect(self._plan_ahead)
        self._ahead: tuple[tuple, int] | None = None  # the drill planned ahead: (pack, level, objection), seed
        self._start = 0  # the number of the start whose results are wanted; past it once that start is done or cancelled
        self._plan = None
        self._answers: list | None = None

    @property
    def planned_ahead(self) -> tuple[tuple, int] | None:
        """The drill planned ahead as ((pack id, level, objection id), seed), None when there is none."""
        return self._ahead

    def choice_changed(self) -> None:
        """The setup's choice changed: plan its drill ahead once the choice has settled."""
        self._timer.start()

    def _plan_ahead(self) -> None:
        """Plan the drill the setup shows, with a seed kept for Start, and render its first line now."""
        drill = self._shown_drill()
        if drill is None:
            return
        pack, level, objection_id = drill
        seed = random.randrange(1 << 31)
        self._ahead = ((pack.id, level, objection_id), seed)
        store = self.ctx.store
        tasks.run_in_background(lambda: render_before_start(plan_for(store, pack, level, objection_id, seed).plan),
                                # Start plans the drill again and says what is wrong
                                on_error=lambda error: log.info("drill not planned ahead: %s", error), owner=self)

    def start(self, choice: DrillChoice) -> None:
        """Plan the chosen drill in the background (schedule, bank) and load the engine meanwhile."""
        self._start = start = self._start + 1  # a late result of an earlier start (back, then Start) is dropped
        self._plan = self._answers = None
        ctx, folder = self.ctx, choice.answer_folder
        key, seed = self._ahead or ((), None)  # the drill planned ahead, its first line rendered, if still chosen
        seed = seed if key == (choice.pack.id, choice.level, choice.objection_id) else None
        self._ahead = None  # the next drill gets a seed of its own
        tasks.run_in_background(lambda: plan_for(ctx.store, choice.pack, choice.level, choice.objection_id, seed),
                                lambda planned: self._planned(start, planned), lambda e: self._failed(start, e),
                                owner=self)
        tasks.run_in_background(lambda: self._prepare(folder), lambda answers: self._prepared(start, answers),
                                lambda e: self._failed(start, e), owner=self)

    def cancel(self) -> None:
        """The rep went back before the drill ran: what the start's jobs return is dropped."""
        self._start += 1

    def _prepare(self, folder):
        """Worker: the engine loaded and the answer files listed."""
        self.ctx.engine()
        return answer_files(folder) if folder else []

    def _planned(self, start: int, planned: PlannedDrill) -> None:
        if start != self._start:  # the rep went back meanwhile
            return
        self._plan = planned.plan
        self.planned.emit(planned)
        self._maybe_ready()

    def _prepared(self, start: int, answers: list) -> None:
        # The engine, packs and widgets live as long as the app. Frozen, the cyclic garbage collector stops
        # walking them: a full pass over them took ~100 ms here, and it blocks every thread, the UI's too.
        gc.freeze()
        if start != self._start:
            return
        self._answers = answers
        self._maybe_ready()

    def _maybe_ready(self) -> None:
        if self._plan is not None and self._answers is not None:
            self._start += 1  # done: nothing more of this start is wanted
            self.ready.emit(self._plan, self._answers)

    def _failed(self, start: int, error: BaseException) -> None:
        if start != self._start:
            return
        self._start += 1
        self.failed.emit(error)
