"""Packs: the installed scenario packs with their levels and counts, importing a pack or an assignment,
and every assignment with its progress.

An import validates the whole file first: a broken pack shows every problem with
its line and column and nothing is copied (`trainer.ui.pack_import`); an assignment
file is checked the same way (`import_assignment`, as `trainer assignments import`
does). The Assignments card lists imported assignment files and packs' own
`assignment:` blocks, with the drills done towards each, and names broken files.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QGridLayout, QListWidget

from trainer.core.assignments import (
    DONE,
    OVERDUE,
    REPLACED,
    UNCHANGED,
    AssignmentError,
    AssignmentProgress,
    PackAssignment,
    assignments_dir,
    import_assignment,
)
from trainer.core.errors import TrainerError
from trainer.core.levels import ladder_for
from trainer.core.packs import PackError
from trainer.core.paths import user_packs_dir
from trainer.store.report_data import assignments_progress
from trainer.ui import tasks
from trainer.ui.context import InstalledPack
from trainer.ui.drill_data import current_levels
from trainer.ui.pack_import import ImportedPack, import_pack
from trainer.ui.today_data import RepAssignments, rep_assignments
from trainer.ui.views.base import View
from trainer.ui.widgets.assignment_row import AssignmentRow, BrokenAssignmentRow, day_text, due_words
from trainer.ui.widgets.charts import LevelBars
from trainer.ui.widgets.common import Banner, Card, button, clear_layout, divider, hbox, label, pill, vbox


@dataclass(frozen=True)
class ImportedAssignment:
    """An assignment file that was imported, what became of an earlier copy, and the progress so far."""

    item: PackAssignment
    pack_title: str
    progress: AssignmentProgress
    today: date
    outcome: str  # what became of an earlier copy: NEW, REPLACED or UNCHANGED (trainer.core.assignments)


def import_assignment_file(ctx, path: Path) -> ImportedAssignment:
    """Check `path` and keep a copy among the rep's assignments (all or nothing); reads and writes disk."""
    packs = ctx.packs()
    item, _, outcome = import_assignment(path, packs.values())
    today = ctx.store.clock().astimezone().date()
    (progress,) = assignments_progress(ctx.store, packs.values(), [item], today)
    pack = packs.get(item.pack_id)
    return ImportedAssignment(item, pack.title if pack else item.pack_id, progress, today, outcome)


def imported_text(imported: ImportedAssignment) -> str:
    """What the banner says: "Kim assigned you “Price and budget”: 5 drills at level 3 or higher by 14 March. ..."."""
    a, p = imported.item.assignment, imported.progress
    by = f" by {day_text(a.due, imported.today)}" if a.due else ""
    what = (f"{a.assigned_by} assigned you “{imported.pack_title}”: {a.drills_required} "
            f"drill{'s' if a.drills_required != 1 else ''} at level {a.target_level} or higher{by}.")
    late = f", {due_words(p, imported.today)[0].lower()}" if p.status == OVERDUE else ""
    so_far = (f" Already done: {a.drills_required} of {a.drills_required}." if p.status == DONE else
              f" So far {p.drills_done} of {a.drills_required} done{late}.")
    if imported.outcome == UNCHANGED:
        return f"You had this assignment already; nothing changed. {what}{so_far}"
    return what + so_far + (" It replaces the earlier assignment of this pack." if imported.outcome == REPLACED else "")


def shorten(text: str, limit: int = 200) -> str:
    """The text cut at a sentence (or word) boundary near `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = cut.rfind(". ")
    return cut[:end + 1] if end > limit // 2 else cut.rsplit(" ", 1)[0] + "…"


class PacksView(View):
    """The installed packs, assignments, and import."""

    key = "packs"
    title_text = "Packs"
    subtitle_text = ("The scenario packs you can drill, and your coach's assignments. Import a file a coach sent "
                     "you; it is checked first.")
    icon_name = "packs"
    import_finished = Signal()  # an import (of a pack or an assignment) ended: imported, or refused with its problems

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.import_assignment_button = button("Import assignment…", None, self.choose_assignment)
        self.import_button = button("Import pack…", "primary", self.choose_file)
        self.actions.addWidget(self.import_assignment_button)
        self.actions.addWidget(self.import_button)
        self.result_banner = Banner(tone="good", action="Dismiss")
        self.result_banner.action_clicked.connect(self.result_banner.hide)
        self.result_banner.hide()
        self.problems_card = Card("This pack was not imported")
        self.problems_title = label("", wrap=True)
        self.problem_list = QListWidget()
        self.problem_list.setMinimumHeight(120)
        self.problems_card.body.addWidget(self.problems_title)
        self.problems_card.body.addWidget(self.problem_list)
        self.problems_card.body.addWidget(label("Fix these lines in the file and import it again. Nothing was "
                                                "copied into your packs folder.", "muted", wrap=True))
        self.problems_card.hide()
        self.assignments = Card("Assignments")
        self.assignment_rows = vbox(spacing=0)
        self.assignments.body.addLayout(self.assignment_rows)
        self.assignments.body.addWidget(label(f"Imported assignments are kept in {assignments_dir()}", "faint",
                                              selectable=True))
        self.assignments.hide()
        self.grid = QGridLayout()
        self.grid.setSpacing(16)
        self.folder_note = label(f"Your packs folder: {user_packs_dir()}", "faint", selectable=True)
        for widget in (self.result_banner, self.problems_card, self.assignments):
            self.body.addWidget(widget)
        self.body.addLayout(self.grid)
        self.body.addWidget(self.folder_note)
        self.body.addStretch(1)
        self.pack_cards: dict[str, Card] = {}
        self.imported: ImportedPack | None = None
        self.imported_assignment: ImportedAssignment | None = None
        self.assignment_views: list[AssignmentRow] = []

    # -- loading ------------------------------------------------------------------------

    def load(self):
        packs = self.ctx.installed_packs(reload=True)
        in_use = self.ctx.packs()
        today = self.ctx.store.clock().astimezone().date()
        titles = {pack_id: pack.title for pack_id, pack in in_use.items()}
        return (packs, rep_assignments(self.ctx.store, in_use.values(), today), titles,
                current_levels(self.ctx.store, in_use))

    def show_data(self, data) -> None:
        packs, assignments, titles, levels = data
        self._show_assignments(assignments, titles)
        clear_layout(self.grid)
        self.pack_cards = {}
        for index, item in enumerate(packs):
            card = self._pack_card(item, levels.get(item.pack.id)) if item.pack else self._broken_card(item)
            if item.pack:
                self.pack_cards[item.pack.id] = card
            self.grid.addWidget(card, index // 2, index % 2)

    def _pack_card(self, item: InstalledPack, level: int | None) -> Card:
        pack = item.pack
        card = Card()
        where = pill("built-in", "muted") if item.builtin else pill("yours")
        card.body.addLayout(hbox((label(pack.title, "quote", wrap=True), 1), where))
        card.body.addWidget(label(f"{pack.id} · v{pack.version} · by {pack.author}", "faint"))
        about = label(shorten(pack.description), "muted", wrap=True)
        about.setToolTip(pack.description)
        card.body.addWidget(about)
        categories = Counter(o.category for o in pack.objections)
        levels = Counter(o.level for o in pack.objections)
        card.body.addWidget(label(
            f"{len(pack.objections)} objections · {len(pack.personas)} personas · "
            f"{len(categories)} categor{'ies' if len(categories) != 1 else 'y'}: {', '.join(sorted(categories))}",
            wrap=True))
        card.body.addWidget(LevelBars(dict(levels)))
        if item.replaced:
            card.body.addWidget(label("Replaced by your own pack with the same id.", "faint"))
        elif level is not None:
            rules = ladder_for(pack).levels.get(level)
            drill = button("Drill this pack →", "link", lambda _=False, p=pack.id: self.navigate.emit(
                "drill", {"pack_id": p}))
            card.body.addLayout(hbox(label(f"You are at level {level}" + (f" · {rules.name}" if rules else ""),
                                           "muted"), None, drill))
        return card

    def _broken_card(self, item: InstalledPack) -> Card:
        card = Card()
        card.body.addLayout(hbox(label(item.path.name, "quote"), None, pill("broken", "bad")))
        first = item.error.problems[0]
        more = len(item.error.problems) - 1
        card.body.addWidget(label(f"line {first.line}, column {first.column}: {first.message}"
                                  + (f" (and {more} more)" if more else ""), "error", wrap=True))
        card.body.addWidget(label(str(item.path), "faint", selectable=True))
        return card

    def _show_assignments(self, assignments: RepAssignments, titles: dict[str, str]) -> None:
        clear_layout(self.assignment_rows)
        rows = [AssignmentRow(p, titles.get(p.pack, p.pack), assignments.today) for p in assignments.progress]
        for row in rows:
            row.practise_clicked.connect(lambda pack_id, level: self.navigate.emit(
                "drill", {"pack_id": pack_id, "level": level}))
        self.assignment_views = rows
        for index, row in enumerate([*rows, *map(BrokenAssignmentRow, assignments.broken)]):
            if index:
                self.assignment_rows.addWidget(divider())
            self.assignment_rows.addWidget(row)
        self.assignments.setVisible(bool(assignments.progress or assignments.broken))

    # -- importing ----------------------------------------------------------------------

    def choose_file(self) -> None:
        """Ask for a pack file and import it."""
        path, _ = QFileDialog.getOpenFileName(self, "Import a scenario pack", str(Path.home()),
                                              "Scenario packs (*.yaml *.yml);;All files (*)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Validate and import `path` in the background; show the result or every problem."""
        self.import_button.setEnabled(False)
        self.result_banner.hide()
        self.problems_card.hide()
        tasks.run_in_background(lambda: import_pack(path), self._imported, self._import_failed, owner=self)

    def _imported(self, imported: ImportedPack) -> None:
        self.import_button.setEnabled(True)
        self.imported = imported
        note = " It replaces the built-in pack with the same id." if imported.overrides_builtin else ""
        note += " Your earlier copy was updated." if imported.replaced_yours else ""
        self.result_banner.show_text(
            f"Imported “{imported.pack.title}” ({len(imported.pack.objections)} objections).{note}", "good")
        self.import_finished.emit()
        self.refresh()

    def _import_failed(self, error: BaseException) -> None:
        self.import_button.setEnabled(True)
        if not isinstance(error, PackError):
            tasks.report_error(error)
            self.import_finished.emit()
            return
        problems = error.problems
        self.problems_title.setText(
            f"{Path(problems[0].file).name} has {len(problems)} problem{'s' if len(problems) != 1 else ''}:")
        self.problem_list.clear()
        for problem in problems:
            self.problem_list.addItem(f"line {problem.line}, column {problem.column}: {problem.message}")
        self.problems_card.show()
        self.import_finished.emit()

    def choose_assignment(self) -> None:
        """Ask for an assignment file and import it."""
        path, _ = QFileDialog.getOpenFileName(self, "Import an assignment from your coach", str(Path.home()),
                                              "Assignments (*.yaml *.yml);;All files (*)")
        if path:
            self.import_assignment(Path(path))

    def import_assignment(self, path: Path) -> None:
        """Check `path` and keep it among the rep's assignments, in the background; say what came of it."""
        self.import_assignment_button.setEnabled(False)
        self.result_banner.hide()
        self.problems_card.hide()
        ctx = self.ctx
        tasks.run_in_background(lambda: import_assignment_file(ctx, path), self._assignment_imported,
                                self._assignment_failed, owner=self)

    def _assignment_imported(self, imported: ImportedAssignment) -> None:
        self.import_assignment_button.setEnabled(True)
        self.imported_assignment = imported
        self.result_banner.show_text(imported_text(imported), "good")
        self.import_finished.emit()
        self.refresh()

    def _assignment_failed(self, error: BaseException) -> None:
        self.import_assignment_button.setEnabled(True)
        if isinstance(error, AssignmentError):
            name = Path(error.problems[0].file).name
            lines = [f"line {p.line}, column {p.column}: {p.message}" for p in error.problems]
            self.result_banner.show_text(f"{name} was not imported (nothing was copied):\n" + "\n".join(lines), "error")
        elif isinstance(error, TrainerError):
            self.result_banner.show_text(str(error), "error")
        else:
            tasks.report_error(error)
        self.import_finished.emit()
