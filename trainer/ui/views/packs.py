"""Packs: the installed scenario packs with their levels and counts, importing a pack, and assignments.

An import validates the whole file first: a broken pack shows every problem with
its line and column and nothing is copied (`trainer.ui.pack_import`). A coach's
assignment shows its due date and the drills done towards it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QGridLayout, QListWidget, QProgressBar

from trainer.core.levels import ladder_for
from trainer.core.pack_model import Pack
from trainer.core.packs import PackError
from trainer.core.paths import user_packs_dir
from trainer.ui import tasks
from trainer.ui.context import InstalledPack
from trainer.ui.drill_plan import current_levels
from trainer.ui.pack_import import ImportedPack, import_pack
from trainer.ui.views.base import View
from trainer.ui.widgets.charts import LevelBars
from trainer.ui.widgets.common import Banner, Card, button, clear_layout, hbox, label, pill, vbox


@dataclass(frozen=True)
class AssignmentProgress:
    """A pack's assignment and the finished drills at or above its target level."""

    pack: Pack
    drills_done: int


def assignment_progress(ctx, packs: list[InstalledPack]) -> list[AssignmentProgress]:
    """Every assignment in the packs in use, with the drills done towards it (reads the store)."""
    out = []
    for item in packs:
        if item.pack is None or item.replaced or item.pack.assignment is None:
            continue
        target = item.pack.assignment.target_level
        done = sum(d.level >= target for d in ctx.store.drills(pack_id=item.pack.id, status="finished"))
        out.append(AssignmentProgress(item.pack, done))
    return out


def shorten(text: str, limit: int = 200) -> str:
    """The text cut at a sentence (or word) boundary near `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = cut.rfind(". ")
    return cut[:end + 1] if end > limit // 2 else cut.rsplit(" ", 1)[0] + "…"


def due_text(due: date | None, today: date | None = None) -> tuple[str, str]:
    """('due in 3 days', tone) for an assignment's due date."""
    if due is None:
        return "no due date", "muted"
    days = (due - (today or date.today())).days
    if days < 0:
        return f"overdue by {-days} day{'s' if days != -1 else ''}", "bad"
    if days == 0:
        return "due today", "warn"
    return f"due in {days} day{'s' if days != 1 else ''}", "warn" if days <= 3 else "muted"


class PacksView(View):
    """The installed packs, assignments, and import."""

    key = "packs"
    title_text = "Packs"
    subtitle_text = "The scenario packs you can drill. Import a pack file a coach sent you; it is checked first."
    icon_name = "packs"
    import_finished = Signal()  # an import ended (imported, or refused with its problems)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.import_button = button("Import pack…", "primary", self.choose_file)
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

    # -- loading ------------------------------------------------------------------------

    def load(self):
        packs = self.ctx.installed_packs(reload=True)
        return packs, assignment_progress(self.ctx, packs), current_levels(self.ctx.store, self.ctx.packs())

    def show_data(self, data) -> None:
        packs, assignments, levels = data
        self._show_assignments(assignments)
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

    def _show_assignments(self, assignments: list[AssignmentProgress]) -> None:
        while self.assignments.body.count() > 1:  # keep the heading
            item = self.assignments.body.takeAt(1)
            if item.widget():
                item.widget().deleteLater()
            elif item.layout():
                clear_layout(item.layout())
        self.assignments.setVisible(bool(assignments))
        for entry in assignments:
            a = entry.pack.assignment
            due, tone = due_text(a.due)
            done = min(entry.drills_done, a.drills_required)
            bar = QProgressBar()
            bar.setRange(0, a.drills_required)
            bar.setValue(done)
            bar.setFixedHeight(8)
            bar.setMinimumWidth(160)
            finished = entry.drills_done >= a.drills_required
            self.assignments.body.addLayout(hbox(
                vbox(label(f"{entry.pack.title}", "quote"),
                     label(f"{a.assigned_by} assigned this to {a.assigned_to}: {a.drills_required} drill"
                           f"{'s' if a.drills_required != 1 else ''} at level {a.target_level} or higher", "muted"),
                     spacing=2),
                None,
                vbox(label(f"{min(entry.drills_done, a.drills_required)} of {a.drills_required} done"), bar, spacing=4),
                pill("done", "good") if finished else pill(due, tone),
                spacing=16))

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
