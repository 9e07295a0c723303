"""The self-check dialog: how often the rep puts off each kind of contact, one answer 0-4 per statement.

The statements come from `trainer/data/reluctance.yaml` (as `trainer selfcheck` asks
them). Save is enabled once every statement has an answer; the answers are stored by
a background job (`save_selfcheck`), never on the UI thread, and `saved` fires with
the stored check or the error that stopped it. Closing without saving stores nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QDialog, QGridLayout, QRadioButton, QWidget

from trainer.core.reluctance import default_areas
from trainer.core.selfcheck import SCALE
from trainer.store.selfchecks import save_selfcheck
from trainer.ui import tasks
from trainer.ui.context import AppContext
from trainer.ui.widgets.common import Card, button, hbox, label, vbox


class SelfCheckDialog(QDialog):
    """Sixteen statements, each with five choices from "never" to "almost always"."""

    saved = Signal(object)  # SelfCheck, or the error that stopped it

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Self-check")
        self.statements = default_areas().statements()
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        for column, word in enumerate(SCALE, 1):
            grid.addWidget(label(word, "faint"), 0, column)
        self.groups: list[QButtonGroup] = []
        for row, (_, statement) in enumerate(self.statements, 1):
            grid.addWidget(label(statement, wrap=True), row, 0)
            group = QButtonGroup(self)
            for value in range(len(SCALE)):
                choice = QRadioButton()
                choice.setAccessibleName(f"{statement} {SCALE[value]}")
                group.addButton(choice, value)
                grid.addWidget(choice, row, value + 1)
            group.idClicked.connect(self._update)
            self.groups.append(group)
        grid.setColumnStretch(0, 1)
        card = Card()
        card.body.addLayout(grid)
        self.status = label("", "muted")
        self.save_button = button("Save", "primary", self.save)
        self.save_button.setEnabled(False)
        self.setLayout(vbox(
            vbox(label("How often is each true for you?", "title"),
                 label("About two minutes. It points your practice where you hesitate until your drills can say "
                       "it themselves. It is not a test and not a diagnosis.", "subtitle", wrap=True), spacing=2),
            card, hbox(self.status, None, button("Close", None, self.reject), self.save_button),
            spacing=14, margins=24))
        self.resize(900, 720)
        self._update()

    def answers(self) -> tuple[int, ...] | None:
        """Every answer in statement order, or None while one is missing."""
        values = tuple(group.checkedId() for group in self.groups)
        return None if -1 in values else values

    def set_answers(self, answers) -> None:
        """Tick the given answers (a test, or the last check offered again)."""
        for group, value in zip(self.groups, answers):
            group.button(int(value)).setChecked(True)
        self._update()

    def _update(self, *_) -> None:
        left = sum(group.checkedId() == -1 for group in self.groups)
        self.save_button.setEnabled(left == 0)
        self.status.setText(f"{left} statement{'s' if left != 1 else ''} left" if left else "Ready to save")

    def save(self) -> None:
        """Store the answers in the background; the dialog closes when they are stored."""
        answers = self.answers()
        if answers is None:
            return
        self.save_button.setEnabled(False)
        self.status.setText("Saving…")
        ctx = self.ctx
        tasks.run_in_background(lambda: save_selfcheck(ctx.store, answers), self._saved, self._failed, owner=self)

    def _saved(self, check) -> None:
        self.saved.emit(check)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.status.setText(f"Not saved: {error}")
        self.save_button.setEnabled(True)
        self.saved.emit(error)
