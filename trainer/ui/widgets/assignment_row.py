"""One coach's assignment as a row (Today and Packs show the same): the pack, who assigned it and at which
level, a bar of the drills done, the due day in words, and a button to practise it. A broken assignment
file gets a row of its own with its problem, so it is never silently dropped.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QProgressBar, QWidget

from trainer.core.assignments import DONE, OVERDUE, AssignmentError, AssignmentProgress
from trainer.ui.style import COLORS
from trainer.ui.today_data import practise_level
from trainer.ui.widgets.common import button, hbox, label, pill, vbox

BAR_WIDTH = 150
DUE_WIDTH = 130


def day_text(day: date, today: date) -> str:
    """'14 March' (with the year when it is not this year's)."""
    return f"{day.day} {day:%B}" + (f" {day.year}" if day.year != today.year else "")


def due_words(progress: AssignmentProgress, today: date) -> tuple[str, str]:
    """The due day in words and its tone: ('due in 3 days', 'warn'), ('2 days OVERDUE', 'bad'), ('done', 'good')."""
    if progress.status == DONE:
        return "done", "good"
    if progress.due is None:
        return "no due date", "muted"
    days = (progress.due - today).days
    if progress.status == OVERDUE or days < 0:
        return f"{-days} day{'s' if days != -1 else ''} OVERDUE", "bad"
    if days == 0:
        return "due today", "warn"
    if days == 1:
        return "due tomorrow", "warn"
    return f"due in {days} days", "warn" if days <= 3 else "muted"


def _bold(text: str) -> QWidget:
    widget = label(text)
    font = widget.font()
    font.setWeight(QFont.Weight.DemiBold)
    widget.setFont(font)
    return widget


class AssignmentRow(QWidget):
    """An assignment with its progress; `practise_clicked(pack_id, level)` asks for a drill of it."""

    practise_clicked = Signal(str, int)

    def __init__(self, progress: AssignmentProgress, title: str, today: date) -> None:
        super().__init__()
        p = self.progress = progress
        self.level = practise_level(p)
        who = (f"From {p.assigned_by} · {p.drills_required} drill{'s' if p.drills_required != 1 else ''} "
               f"at level {p.target_level} or higher")
        if p.level is not None and p.level < p.target_level:
            who += f" · you are at level {p.level}"
        done = min(p.drills_done, p.drills_required)
        self.count = label(f"{done} of {p.drills_required} drills", "muted")
        due, tone = due_words(p, today)
        self.bar = QProgressBar()
        self.bar.setRange(0, p.drills_required)
        self.bar.setValue(done)
        self.bar.setFixedSize(BAR_WIDTH, 8)
        if tone in ("good", "bad"):
            self.bar.setStyleSheet(f"QProgressBar::chunk {{ background: {COLORS[tone]}; }}")
        self.due = pill(due, tone)
        self.due.setMinimumWidth(DUE_WIDTH)
        self.due.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.practise_button = button("Practise", None, lambda: self.practise_clicked.emit(p.pack, self.level),
                                      tooltip=f"Open a drill of this pack at level {self.level}")
        layout = hbox((vbox(_bold(title), label(who, "muted", wrap=True), spacing=2), 1),
                      vbox(self.count, self.bar, spacing=5), self.due, self.practise_button, spacing=16)
        layout.setContentsMargins(0, 8, 0, 8)
        self.setLayout(layout)
        assigned = f" on {day_text(p.assigned, today)}" if p.assigned else " (in the pack itself)"
        due_on = f", due {day_text(p.due, today)}" if p.due else ""
        self.setToolTip(f"Assigned by {p.assigned_by} to {p.assigned_to}{assigned}{due_on}. Drills of the pack at "
                        f"level {p.target_level} or higher count.")


class BrokenAssignmentRow(QWidget):
    """An assignment file that cannot be read: its name, its first problem (with the fix) and where it is."""

    def __init__(self, error: AssignmentError) -> None:
        super().__init__()
        first = error.problems[0]
        more = len(error.problems) - 1
        self.message = label(f"line {first.line}, column {first.column}: {first.message}"
                             + (f" (and {more} more)" if more else ""), "error", wrap=True)
        layout = vbox(hbox((_bold(Path(first.file).name), 1), pill("cannot be read", "bad")), self.message,
                      label(f"{first.file} · import a good copy from your coach to replace it", "faint",
                            wrap=True, selectable=True), spacing=3)
        layout.setContentsMargins(0, 8, 0, 8)
        self.setLayout(layout)
