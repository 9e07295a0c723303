"""The coach's "Assign a pack" dialog: the file `trainer assign` writes, made from a form.

A pack, the rep, the target level (within the pack's ladder, its name shown), a number
of drills, a due day and the coach's name (remembered in the settings). A background
job checks the values with `new_assignment`, the check `trainer assign` makes, and
writes the file; a value it refuses is said next to its field and nothing is written.
The file goes where the coach chooses (`<pack>--<rep>.assignment.yaml`, in the folder
used last), and the banner says what to send to whom, and that a pack that is not
built in must go along. The dialog stays open: one pack can go to several reps in a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QGridLayout,
    QLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from trainer.core.assignments import (
    MAX_DRILLS,
    SENT_SUFFIX,
    AssignmentError,
    AssignmentValueError,
    PackAssignment,
    new_assignment,
    pack_file_to_send,
    sent_file_name,
    write_assignment,
)
from trainer.core.errors import TrainerError
from trainer.core.levels import Ladder, LevelRules, ladder_for, level_summary
from trainer.core.pack_model import Pack
from trainer.ui import tasks
from trainer.ui.context import AppContext
from trainer.ui.views.report_export import ReportBanner, report_folder
from trainer.ui.widgets.common import Card, button, hbox, label, vbox

DEFAULT_DRILLS = 5
DEFAULT_DAYS = 7  # the due day offered: a week from today
IMPORT_STEP = "Packs → Import assignment…"  # where the rep imports it in the app
# Without buttons, a styled spin box still gives its text field no room unless the buttons are sized to nothing.
FLAT_SPIN_BOX = ("QSpinBox::up-button, QSpinBox::down-button "
                 "{ subcontrol-origin: border; width: 0px; height: 0px; border: none; }")


@dataclass(frozen=True)
class PackChoice:
    """An installed pack as the dialog offers it: its ladder, and its file if it must go along (None: built in)."""

    pack: Pack
    ladder: Ladder
    pack_file: Path | None


@dataclass(frozen=True)
class SentAssignment:
    """An assignment file written for a rep, and the pack file to send with it (None for a built-in pack)."""

    path: Path
    item: PackAssignment
    pack_file: Path | None


def with_assignment_suffix(path: Path) -> Path:
    """`path` as a YAML file: a name without .yaml/.yml gets `.assignment.yaml` (what the rep's import looks for)."""
    return path if path.suffix.lower() in (".yaml", ".yml") else path.with_name(path.name + SENT_SUFFIX)


def write_sent(item: PackAssignment, path: Path) -> None:
    """Write the assignment at `path`, into a folder that exists (a job); TrainerError with the fix if it cannot."""
    if not path.parent.is_dir():
        raise TrainerError(f"the folder {path.parent} does not exist (moved, or a drive taken out?); "
                           "choose another folder")
    try:
        write_assignment(item, path)
    except OSError as error:
        raise TrainerError(f"{path}: cannot write the file ({error.strerror or error}); "
                           "choose a folder you can write to") from None


def sent_text(sent: SentAssignment) -> str:
    """What to send to whom: the file to the rep, where they import it, and the pack file when it must go along."""
    a = sent.item.assignment
    text = f"Saved in {sent.path.parent}. Send {sent.path.name} to {a.assigned_to}; they import it in {IMPORT_STEP}"
    if sent.pack_file is not None:
        text += (f" '{sent.item.pack_id}' is not a built-in pack: send its file {sent.pack_file} along too "
                 "(it goes in their packs folder, before the assignment).")
    return text


class AssignBanner(ReportBanner):
    """'Saved in ... Send <file> to <rep> ...' [Open] [Show in folder], or why it was not saved."""

    def show_sent(self, sent: SentAssignment) -> None:
        """Say where the file went and what to send to whom."""
        self.path = sent.path
        self._set_mode(saved=True)
        self.show_text(sent_text(sent), "good")

    def show_failed(self, message: str, choose_again: bool = True) -> None:
        """Say why nothing was written (the message names the file or folder and what to do)."""
        self.path = None
        self._set_mode(saved=False)
        self.again.setVisible(choose_again)
        self.show_text(f"The assignment was not saved: {message}", "error")


class AssignDialog(QDialog):
    """Asks for the pack, rep, level, drills, due day and the coach's name, and writes the assignment file."""

    ready = Signal()  # the packs are filled in
    save_finished = Signal(object)  # SentAssignment, or the error that stopped it

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.folder = folder or report_folder()
        self._choices: dict[str, PackChoice] = {}
        self.setWindowTitle("Assign a pack")

        card = self._form()
        self.banner = AssignBanner()
        self.banner.choose_again.connect(self.choose_file)
        self.save_button = button("Save assignment…", "primary", self.choose_file)
        self.save_button.setDefault(True)
        self.save_button.setEnabled(False)
        layout = vbox(
            vbox(label("Assign a pack", "title"),
                 label("A file for one rep: what to practise, at which level, by when.", "subtitle", wrap=True),
                 spacing=2),
            card, self.banner,
            hbox(None, button("Close", None, self.reject), self.save_button),
            spacing=14, margins=24)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)  # fits the form, its errors and the banner
        self.setLayout(layout)
        for changed in (self.rep.textChanged, self.coach.textChanged, self.drills.valueChanged,
                        self.due.dateChanged):
            changed.connect(self._update_summary)
        self.due.dateChanged.connect(self._due_changed)
        self._due_changed()
        tasks.run_in_background(self._load, self._show_loaded, owner=self)

    # -- filling in ---------------------------------------------------------------------

    def _form(self) -> Card:
        """The card of fields, each with a row for the note said when its value is refused."""
        self.rep = QLineEdit()
        self.rep.setPlaceholderText("The rep's name, as they will see it")
        self.rep.setMinimumWidth(460)  # the form's width; the dialog grows to fit it and the banner
        self.pack = QComboBox()
        self.pack.currentIndexChanged.connect(self._pack_changed)
        self.level = QSpinBox()
        self.level.setRange(1, 1)
        self.level.valueChanged.connect(self._level_changed)
        self.level_name = label("", "muted")
        self.drills = QSpinBox()
        self.drills.setRange(1, MAX_DRILLS)
        self.drills.setValue(DEFAULT_DRILLS)
        today = QDate.currentDate()
        self.due = QDateEdit(today.addDays(DEFAULT_DAYS))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("ddd d MMM yyyy")
        self.due.setMinimumDate(today)
        self.due_hint = label("", "muted")
        self.coach = QLineEdit(self.ctx.settings.coach_name or "")
        self.coach.setPlaceholderText("Your name, as your reps know you")
        for spin in (self.level, self.drills):  # flat like the app's other fields: typed, or stepped with arrow keys
            spin.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
            spin.setStyleSheet(FLAT_SPIN_BOX)
            spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
            spin.setFixedWidth(90)
            spin.setToolTip("Type a number, or use the arrow keys")
        for field in (self.level, self.drills, self.due):
            field.setFixedHeight(self.rep.sizeHint().height())  # one height for every field of the form
        self.errors = {field: label("", "error", wrap=True) for field in ("to", "level", "drills", "due", "by")}
        self.fields = {"to": self.rep, "level": self.level, "drills": self.drills, "due": self.due, "by": self.coach}
        rows = (
            ("Rep", "to", ((self.rep, 1),)),
            ("Pack", None, ((self.pack, 1),)),
            ("Level", "level", (self.level, self.level_name, None)),
            ("Drills", "drills", (self.drills, label("at that level or above", "muted"), None)),
            ("Due", "due", (self.due, self.due_hint, None)),
            ("From", "by", ((self.coach, 1),)),
        )
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(10)
        for row, (name, field, widgets) in enumerate(rows):
            grid.addWidget(label(name, "muted"), 2 * row, 0)
            grid.addLayout(hbox(*widgets, spacing=10), 2 * row, 1)
            if field is not None:
                self.errors[field].hide()
                grid.addWidget(self.errors[field], 2 * row + 1, 1)
        grid.setColumnStretch(1, 1)
        self.summary = label("", "muted", wrap=True)
        card = Card("Assignment")
        card.body.addLayout(grid)
        card.body.addSpacing(4)
        card.body.addWidget(self.summary)
        for field, changed in (("to", self.rep.textChanged), ("by", self.coach.textChanged),
                               ("level", self.level.valueChanged), ("drills", self.drills.valueChanged),
                               ("due", self.due.dateChanged)):
            changed.connect(self.errors[field].hide)  # a refused value's note goes once it is changed
        return card

    def _load(self) -> list[PackChoice]:
        return [PackChoice(p, ladder_for(p), pack_file_to_send(p)) for p in self.ctx.packs().values()]

    def _show_loaded(self, choices: list[PackChoice]) -> None:
        self._choices = {c.pack.id: c for c in choices}
        self.pack.blockSignals(True)
        for choice in choices:
            self.pack.addItem(choice.pack.title, choice.pack.id)
        self.pack.blockSignals(False)
        self._pack_changed()
        self.save_button.setEnabled(bool(choices))
        self.ready.emit()

    def choice(self) -> PackChoice | None:
        """The chosen pack with its ladder."""
        return self._choices.get(self.pack.currentData())

    def _pack_changed(self) -> None:
        choice = self.choice()
        if choice is not None:
            self.level.setRange(1, choice.ladder.top)
            self.pack.setToolTip(choice.pack.description)
        self._level_changed()

    def level_rules(self) -> LevelRules | None:
        """The chosen level of the chosen pack's ladder (its name, what it changes)."""
        choice = self.choice()
        return choice.ladder.levels.get(self.level.value()) if choice else None

    def _level_changed(self) -> None:
        rules = self.level_rules()
        self.level_name.setText(f"{rules.name}   (levels 1-{self.level.maximum()})" if rules else "")
        self.level_name.setToolTip(level_summary(rules) if rules else "")
        self._update_summary()

    def _due_changed(self) -> None:
        days = QDate.currentDate().daysTo(self.due.date())
        self.due_hint.setText("today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}")
        self._update_summary()

    def _update_summary(self) -> None:
        choice = self.choice()
        if choice is None:
            return
        rep = self.rep.text().strip() or "The rep"
        drills = self.drills.value()
        self.summary.setText(
            f"{rep} does {drills} drill{'s' if drills != 1 else ''} of {choice.pack.title} at level "
            f"{self.level.value()} ({self.level_rules().name}) or above by {self.due.date().toString('dddd d MMMM')}.")

    # -- saving -------------------------------------------------------------------------

    def choose_file(self) -> None:
        """Check the form, then ask where to save and save there."""
        self._submit(None)

    def save_to(self, path: Path) -> None:
        """Check the form and write the assignment at `path` in the background; `save_finished` says how it went."""
        self._submit(with_assignment_suffix(Path(path)))

    def suggested_path(self, item: PackAssignment) -> Path:
        """The file the Save As dialog offers: `<pack>--<rep>.assignment.yaml` in the folder used last."""
        return self.folder / sent_file_name(item)

    def _ask_path(self, item: PackAssignment) -> Path | None:
        """The Save As dialog (it asks before replacing a file); None when the coach cancels."""
        path, _ = QFileDialog.getSaveFileName(self, "Save the assignment", str(self.suggested_path(item)),
                                              "RepDrill assignment (*.yaml)")
        return Path(path) if path else None

    def _submit(self, path: Path | None) -> None:
        """Check the values (and write them at `path`, when given) in a background job."""
        choice = self.choice()
        if choice is None:
            return
        for error in self.errors.values():
            error.hide()
        self.banner.hide()
        self.save_button.setEnabled(False)
        ctx = self.ctx
        values = {"pack": choice.pack, "to": self.rep.text(), "by": self.coach.text(),
                  "due": self.due.date().toPython(), "level": self.level.value(), "drills": self.drills.value()}

        def job() -> PackAssignment | SentAssignment:
            item = new_assignment(today=date.today(), **values)
            if path is None:
                return item
            write_sent(item, path)
            if ctx.settings.coach_name != item.assignment.assigned_by:
                ctx.update_settings(coach_name=item.assignment.assigned_by)
            return SentAssignment(path, item, choice.pack_file)

        tasks.run_in_background(job, self._checked if path is None else self._saved, self._failed, owner=self)

    def _checked(self, item: PackAssignment) -> None:
        self.save_button.setEnabled(True)
        path = self._ask_path(item)
        if path is not None:
            self.save_to(path)

    def _saved(self, sent: SentAssignment) -> None:
        self.save_button.setEnabled(True)
        self.folder = sent.path.parent
        self.banner.show_sent(sent)
        self.save_finished.emit(sent)

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, AssignmentValueError):
            self.errors[error.field].setText(error.reason)
            self.errors[error.field].show()
            self.fields[error.field].setFocus()
        elif isinstance(error, AssignmentError):  # the file would not load: say what, not which file
            self.banner.show_failed(error.problems[0].message, choose_again=False)
        elif isinstance(error, TrainerError):
            self.banner.show_failed(str(error))
        else:
            tasks.report_error(error)
        self.save_finished.emit(error)
