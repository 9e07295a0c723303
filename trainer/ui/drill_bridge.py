"""The drill runner's plain events as Qt signals, delivered on the UI thread.

The runner calls its callback on the drill's own thread; a `DrillBridge` is that
callback. It lives on the UI thread, so each `emit` from the drill's thread is
queued and the connected slots run on the UI thread, in the order the events came.
Each signal is named after the event it carries (`line_will_play`, `turn_scored` ...).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class DrillBridge(QObject):
    """Call it with a drill event (from any thread); the matching signal fires on the UI thread."""

    session_ready = Signal(object)
    drill_did_start = Signal(object)
    prospect_act_will_play = Signal(object)
    line_will_play = Signal(object)
    rep_turn_started = Signal(object)
    speech_did_start = Signal(object)
    speech_did_pause = Signal(object)
    speech_did_resume = Signal(object)
    partial_transcript = Signal(object)
    level_meter = Signal(object)
    line_did_play = Signal(object)
    line_did_repeat = Signal(object)
    turn_did_end = Signal(object)
    answer_did_resume = Signal(object)
    branch_did_differ = Signal(object)
    turn_scored = Signal(object)
    drill_did_finish = Signal(object)
    error = Signal(object)
    session_ended = Signal(object)

    def __call__(self, event) -> None:
        """Emit the signal named after `event.name` with the event."""
        getattr(self, event.name).emit(event)
