"""Bank: the rep's own openers. Search and filter them, edit words and tags in place, star, retire,
hear the take, practise one (a level-2 drill shows it), and export or import them as Markdown or CSV.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QHeaderView, QLineEdit, \
    QTableWidget, QTableWidgetItem

from trainer.core.bank import BankEntry
from trainer.core.bank_files import read_bank_file, write_bank_file
from trainer.core.pack_model import Pack
from trainer.store.bank import bank_entries, import_entries, update_entry
from trainer.ui import tasks
from trainer.ui.player import Player
from trainer.ui.style import COLORS
from trainer.ui.views.base import View
from trainer.ui.widgets.common import EmptyState, button, hbox, label
from trainer.ui.widgets.icons import icon

STAR, TEXT, OBJECTION, CATEGORY, TAGS, SCORE, SAVED = range(7)
HEADERS = ("", "Opener", "Objection", "Category", "Tags", "Score", "Saved")
PRACTISE_LEVEL = 2  # the level that shows the rep's own opener instead of the model answer


def matches(entry: BankEntry, words: str, category: str | None, tag: str | None, starred: bool,
            retired: bool) -> bool:
    """True when an entry passes the search words and filters."""
    if entry.retired and not retired or starred and not entry.starred:
        return False
    if category and entry.category != category or tag and tag not in entry.tags:
        return False
    haystack = " ".join((entry.text, entry.objection_id, entry.category, *entry.tags)).lower()
    return all(word in haystack for word in words.lower().split())


class BankView(View):
    """The opener bank as a searchable, editable table."""

    key = "bank"
    title_text = "Bank"
    subtitle_text = "Your own openers, in your words. Good takes are offered after a drill; edit them here."
    icon_name = "bank"
    entry_changed = Signal(object)  # the BankEntry as stored after an edit

    def __init__(self, ctx) -> None:
        super().__init__(ctx, scroll=False)
        self.player = Player(lambda: self.ctx.settings.output_device, self)
        self.actions.addWidget(button("Import…", None, self.choose_import))
        self.actions.addWidget(button("Export…", None, self.choose_export))
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search your openers")
        self.search.setClearButtonEnabled(True)
        self.category = QComboBox()
        self.tag = QComboBox()
        self.starred = QCheckBox("Starred only")
        self.retired = QCheckBox("Show retired")
        for signal in (self.search.textChanged, self.category.currentIndexChanged, self.tag.currentIndexChanged,
                       self.starred.toggled, self.retired.toggled):
            signal.connect(self.apply_filters)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        for column, width in ((STAR, 36), (OBJECTION, 230), (CATEGORY, 100), (TAGS, 140), (SCORE, 60), (SAVED, 90)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(column, width)
        self.table.itemChanged.connect(self._edited)
        self.table.cellClicked.connect(self._clicked)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.play_button = button("▶  Hear the take", None, self.play_selected)
        self.practise_button = button("Practise it", "primary", self.practise_selected)
        self.retire_button = button("Retire", "danger", self.toggle_retired)
        self.count = label("", "muted")
        self.note = label("Double-click the words or the tags to edit them; click the star to keep one on top.",
                          "faint")
        self.empty = EmptyState("bank", "Your bank is empty",
                                "After a drill, takes that score 80 or more are offered for your bank. Save them and "
                                "they show here, in your own words, and at level 2 instead of the model answer.",
                                "Start a drill")
        self.empty.action_clicked.connect(lambda: self.navigate.emit("drill", None))
        self.body.addLayout(hbox((self.search, 1), self.category, self.tag, self.starred, self.retired, spacing=10))
        self.body.addWidget(self.table, 1)
        self.body.addLayout(hbox(self.count, self.note, None, self.play_button, self.retire_button,
                                 self.practise_button))
        self.body.addWidget(self.empty)
        self.entries: list[BankEntry] = []
        self.packs: dict[str, Pack] = {}
        self.shown: list[BankEntry] = []
        self._filling = False
        self._selection_changed()

    # -- loading and filtering ----------------------------------------------------------

    def load(self):
        return bank_entries(self.ctx.store, include_retired=True), self.ctx.packs()

    def show_data(self, data) -> None:
        self.entries, self.packs = data
        for combo, everything, values in (
            (self.category, "All categories", sorted({e.category for e in self.entries if e.category})),
            (self.tag, "All tags", sorted({t for e in self.entries for t in e.tags})),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for value in values:
                combo.addItem(value, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        has_entries = bool(self.entries)
        self.empty.setVisible(not has_entries)
        for widget in (self.table, self.search, self.category, self.tag, self.starred, self.retired, self.count,
                       self.note, self.play_button, self.retire_button, self.practise_button):
            widget.setVisible(has_entries)
        self.apply_filters()

    def apply_filters(self) -> None:
        """Show the entries that match the search and filters."""
        selected = self.selected()
        self.shown = [e for e in self.entries if matches(e, self.search.text(), self.category.currentData(),
                                                           self.tag.currentData(), self.starred.isChecked(),
                                                           self.retired.isChecked())]
        self._filling = True
        self.table.setRowCount(len(self.shown))
        for row, entry in enumerate(self.shown):
            self._fill_row(row, entry)
        self._filling = False
        self.table.resizeRowsToContents()
        active = sum(not e.retired for e in self.entries)
        self.count.setText(f"{len(self.shown)} shown · {active} in your bank")
        if selected is not None and selected in [e.id for e in self.shown]:
            self.table.selectRow([e.id for e in self.shown].index(selected))
        self._selection_changed()

    def _fill_row(self, row: int, entry: BankEntry) -> None:
        objection = self._objection_text(entry)
        cells = {
            STAR: "", TEXT: entry.text, OBJECTION: objection, CATEGORY: entry.category, TAGS: ", ".join(entry.tags),
            SCORE: "" if entry.score is None else f"{entry.score:.0f}",
            SAVED: entry.created_at.astimezone().strftime("%d %b") if entry.created_at else "",
        }
        for column, text in cells.items():
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if column in (TEXT, TAGS):
                flags |= Qt.ItemFlag.ItemIsEditable
            item.setFlags(flags)
            if entry.retired:
                item.setForeground(Qt.GlobalColor.gray)
            self.table.setItem(row, column, item)
        star = self.table.item(row, STAR)
        star.setIcon(icon("star_filled" if entry.starred else "star", COLORS["warn"] if entry.starred
                          else COLORS["faint"]))
        star.setToolTip("Starred: shown first at level 2" if entry.starred else "Star it to show it first")
        self.table.item(row, OBJECTION).setToolTip(objection)

    def _objection_text(self, entry: BankEntry) -> str:
        pack = self.packs.get(entry.pack_id)
        objection = next((o for o in pack.objections if o.id == entry.objection_id), None) if pack else None
        return f"“{objection.lines[0]}”" if objection else entry.objection_id

    # -- editing ------------------------------------------------------------------------

    def selected(self) -> int | None:
        """The id of the selected entry, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.shown[rows[0].row()].id if rows and rows[0].row() < len(self.shown) else None

    def _entry(self, entry_id: int | None) -> BankEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def _selection_changed(self) -> None:
        entry = self._entry(self.selected())
        self.play_button.setEnabled(entry is not None and entry.recording is not None)
        self.practise_button.setEnabled(entry is not None and entry.pack_id in self.packs)
        self.retire_button.setEnabled(entry is not None)
        self.retire_button.setText("Restore" if entry is not None and entry.retired else "Retire")

    def _edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        entry_id = item.data(Qt.ItemDataRole.UserRole)
        if item.column() == TEXT:
            self.change(entry_id, text=item.text())
        elif item.column() == TAGS:
            self.change(entry_id, tags=[item.text()])

    def _clicked(self, row: int, column: int) -> None:
        if column == STAR and row < len(self.shown):
            entry = self.shown[row]
            self.change(entry.id, starred=not entry.starred)

    def toggle_retired(self) -> None:
        """Retire the selected entry (or bring a retired one back)."""
        entry = self._entry(self.selected())
        if entry is not None:
            self.change(entry.id, retired=not entry.retired)

    def change(self, entry_id: int, **changes) -> None:
        """Store a change to an entry in the background, then show it (a refused edit is undone and said)."""
        ctx = self.ctx

        def done(entry: BankEntry) -> None:
            self.entries = [entry if e.id == entry.id else e for e in self.entries]
            self.apply_filters()
            self.entry_changed.emit(entry)

        def refused(error: BaseException) -> None:
            self.apply_filters()  # back to what is stored
            tasks.report_error(error)

        tasks.run_in_background(lambda: update_entry(ctx.store, entry_id, **changes), done, refused, owner=self)

    # -- hearing, practising, files -------------------------------------------------------

    def play_selected(self) -> None:
        """Play the selected entry's take."""
        entry = self._entry(self.selected())
        if entry is not None and entry.recording is not None:
            self.player.play(entry.recording)

    def practise_selected(self) -> None:
        """Drill the selected entry's objection at level 2, where the opener is shown before answering."""
        entry = self._entry(self.selected())
        if entry is not None:
            self.navigate.emit("drill", {"pack_id": entry.pack_id, "objection_id": entry.objection_id,
                                         "level": PRACTISE_LEVEL})

    def choose_export(self) -> None:
        """Write the bank (not the retired entries) to a Markdown or CSV file."""
        path, _ = QFileDialog.getSaveFileName(self, "Export your bank", str(Path.home() / "my-openers.md"),
                                              "Markdown (*.md);;CSV (*.csv)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the active entries to `path` (.md or .csv) in the background."""
        entries = [e for e in self.entries if not e.retired]
        tasks.run_in_background(lambda: write_bank_file(path, entries),
                                lambda _: self.count.setText(f"Exported {len(entries)} openers to {path}"), owner=self)

    def choose_import(self) -> None:
        """Add openers from a Markdown or CSV file (ones already banked are not doubled)."""
        path, _ = QFileDialog.getOpenFileName(self, "Import openers", str(Path.home()), "Bank files (*.md *.csv)")
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> None:
        """Import `path` in the background, then show the bank again."""
        ctx = self.ctx

        def imported(result) -> None:
            self.refresh()
            self.note.setText(f"Imported: {result.added} new, {result.updated} updated, {result.unchanged} already "
                              "in your bank.")

        tasks.run_in_background(lambda: import_entries(ctx.store, read_bank_file(path)), imported, owner=self)

    def shutdown(self) -> None:
        """Release the speaker (at exit)."""
        self.player.close()
