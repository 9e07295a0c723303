"""Team: a coach merges reps' JSON reports into one sortable table, like `trainer team`.

The coach adds report files (or a folder of them); the list is kept in the app's
settings and read again on every refresh, so reopening the app shows the team as
the reps' latest files say. A file that cannot be read - moved, not JSON, from
another RepDrill, broken fields - is listed with each of its problems, never
dropped. The table sorts by any column (missing values last either way), colours
trends by whether they improved, flags overdue assignments, and exports as CSV in
the order shown.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QFont
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QHeaderView, QTableView, QWidget

from trainer.core.errors import TrainerError
from trainer.core.team import TEAM_COLUMNS, Team, TeamRow, json_files, merge_reports, write_team_csv
from trainer.ui import tasks
from trainer.ui.style import COLORS
from trainer.ui.views.assign_dialog import AssignDialog
from trainer.ui.views.base import View
from trainer.ui.widgets.common import Banner, Card, EmptyState, button, hbox, label, pill, vbox

TREND_OF_COLUMN = {"score": "score_trend", "hesitation": "hesitation_trend", "anxiety": "anxiety_trend"}
TREND_COLOR = {True: "good", False: "bad"}
SORT_MARKS = {False: "\u25b4", True: "\u25be"}  # small up/down triangles after the sorted column's header
MAX_TABLE_ROWS = 14  # the table grows with the team up to this many rows, then scrolls
ASK_FOR_REPORTS = (
    "Ask each rep for their report as JSON, then add the files they send you here.\n"
    "In RepDrill: Progress → Report for your coach… → JSON.  "
    "In a terminal: trainer report --format json --out NAME.json\n"
    "The list is kept: each file is read again whenever you open Team, so a newer file from a rep shows at once."
)


class TeamModel(QAbstractTableModel):
    """The team's rows under TEAM_COLUMNS, in the order of the column sorted by."""

    def __init__(self) -> None:
        super().__init__()
        self.team = Team(())
        self.rows: list[TeamRow] = []
        self.sort_key = "rep"
        self.descending = False

    def set_team(self, team: Team) -> None:
        """Show another team, keeping the sort order."""
        self.team = team
        self.sort_by(self.sort_key, self.descending)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(TEAM_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        column = TEAM_COLUMNS[section]
        text = column.header.replace(" ", "\n", 1) if len(column.header) > 10 else column.header  # narrow columns
        return f"{text}  {SORT_MARKS[self.descending]}" if column.key == self.sort_key else text

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], TEAM_COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.cell(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.rep}: {row.source} (report of {row.report_day.isoformat()}) - double-click to open its folder"
        overdue = row.overdue and column.key in ("assignments", "overdue")
        if role == Qt.ItemDataRole.ForegroundRole:
            if overdue:
                return QColor(COLORS["bad"])
            trend = getattr(row, TREND_OF_COLUMN.get(column.key, ""), None)
            tone = TREND_COLOR.get(trend.improving) if trend is not None else None
            return QColor(COLORS[tone]) if tone else None
        if role == Qt.ItemDataRole.FontRole and (column.key == "rep" or overdue and column.key == "overdue"):
            font = QFont()
            font.setWeight(QFont.Weight.DemiBold)
            return font
        return None

    def sort_by(self, key: str, descending: bool = False) -> None:
        """Sort by a column; rows without a value in it stay last. The sorted column's header shows the direction."""
        self.layoutAboutToBeChanged.emit()
        self.sort_key, self.descending = key, descending
        self.rows = self.team.sorted(key, descending)
        self.layoutChanged.emit()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(TEAM_COLUMNS) - 1)


class TeamView(View):
    """The coach's table of reps, merged from the reports they send."""

    key = "team"
    title_text = "Team"
    subtitle_text = "Your reps' progress from the reports they send you: one row per rep. Click a header to sort."
    icon_name = "team"
    csv_written = Signal(object)  # the CSV's path, or the error that stopped it

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.paths: tuple[str, ...] = tuple(ctx.settings.team_reports)
        self.assign_folder: Path | None = None  # where the last assignment was saved: offered again
        self.actions.addWidget(button("Assign a pack…", None, self.open_assign_dialog,
                                      tooltip="Write an assignment file for a rep: a pack, a level, drills, a due day"))
        self.actions.addWidget(button("Add folder…", None, self.choose_folder,
                                      tooltip="Add every .json report in a folder"))
        self.actions.addWidget(button("Add reports…", "primary", self.choose_reports))
        self.banner = Banner(action="Dismiss")
        self.banner.action_clicked.connect(self.banner.hide)
        self.banner.hide()
        self.empty = EmptyState("team", "No reports yet", ASK_FOR_REPORTS, "Add reports…")
        self.empty.action_clicked.connect(self.choose_reports)

        self.model = TeamModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(36)
        self.table.setShowGrid(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self.sort_by_column)
        header.setToolTip("Click a header to sort; click it again to reverse")
        header.geometriesChanged.connect(self._fit_table)
        self.table.doubleClicked.connect(lambda index: self.open_folder(self.model.rows[index.row()]))
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        self.count = label("", "muted")
        self.remove_button = button("Remove", None, self.remove_selected,
                                    tooltip="Take the selected reps' files off the list (the files stay)")
        self.clear_button = button("Clear list", "danger", self.clear,
                                   tooltip="Take every file off the list (the files stay)")
        self.export_button = button("Export CSV…", None, self.choose_csv)
        self.footer = hbox(self.count, None, self.remove_button, self.clear_button, self.export_button)
        self.errors_card = Card("Could not be read")
        self.errors_list = QWidget()  # rebuilt whole on each load (see _replace)
        self.errors_card.body.addWidget(self.errors_list)
        self.errors_card.body.addWidget(label("Ask the rep for a new JSON report from RepDrill, or remove the file "
                                              "from the list.", "faint", wrap=True))
        self.notes_list = QWidget()
        for widget in (self.banner, self.empty, self.table):
            self.body.addWidget(widget)
        self.body.addLayout(self.footer)
        self.body.addWidget(self.errors_card)
        self.body.addWidget(self.notes_list)
        self.body.addStretch(1)
        self.show_data(Team(()))

    # -- loading ------------------------------------------------------------------------

    def load(self):
        """Save the list of files if it changed, then read and merge them (on a worker)."""
        paths = self.paths
        if tuple(self.ctx.settings.team_reports) != paths:
            self.ctx.update_settings(team_reports=paths)
        return merge_reports(paths, date.today())

    def show_data(self, team: Team) -> None:
        """Show the merged table, the files that could not be read and the notes."""
        self.model.set_team(team)
        has_files, has_rows = bool(self.paths), bool(team.rows)
        self.empty.setVisible(not has_files)
        self.table.setVisible(has_rows)
        for widget in (self.count, self.remove_button, self.clear_button, self.export_button):
            widget.setVisible(has_files)
        self.export_button.setEnabled(has_rows)
        self._fit_table()
        self._selection_changed()
        unread = f" · {len(team.errors)} could not be read" if team.errors else ""
        self.count.setText(f"{len(team.rows)} rep{'s' if len(team.rows) != 1 else ''} from "
                           f"{len(self.paths)} file{'s' if len(self.paths) != 1 else ''}{unread}")
        self.errors_list = self._replace(self.errors_list, vbox(
            *(self._error_entry(error.source, error.problems) for error in team.errors), spacing=12))
        self.errors_card.setVisible(bool(team.errors))
        notes = []
        for note in team.notes:
            line = label(f"{Path(note.source).name}: {note.message}", "muted", wrap=True)
            line.setToolTip(note.source)
            tag = pill("note", "muted")
            notes.append(hbox(tag, (line, 1), spacing=10))
            notes[-1].setAlignment(tag, Qt.AlignmentFlag.AlignTop)
        self.notes_list = self._replace(self.notes_list, vbox(*notes, spacing=6))

    @staticmethod
    def _replace(old: QWidget, layout) -> QWidget:
        """A new widget holding `layout` in `old`'s place; `old` leaves at once (no stale rows until it is deleted)."""
        new = QWidget()
        new.setLayout(layout)
        old.parentWidget().layout().replaceWidget(old, new)
        new.show()  # now, not when the layout's queued show comes round
        old.setParent(None)
        old.deleteLater()
        return new

    def _error_entry(self, source: str, problems: list[str]):
        name = label(Path(source).name, "quote")
        name.setStyleSheet("font-size: 11pt; font-weight: 600;")
        lines = [label(f"• {problem}", "error", wrap=True, selectable=True) for problem in problems]
        where = label(source, "faint", selectable=True)
        remove = button("Remove", "link", lambda _=False: self.remove([source]))
        return hbox((vbox(name, *lines, where, spacing=3), 1), vbox(remove, None), spacing=16)

    def _fit_table(self) -> None:
        """Make the table as tall as its rows (up to MAX_TABLE_ROWS), so a small team leaves no empty box."""
        header = self.table.horizontalHeader()
        rows = sum(self.table.rowHeight(r) for r in range(min(len(self.model.rows), MAX_TABLE_ROWS)))
        too_wide = header.length() > self.table.viewport().width()
        scroll = self.table.horizontalScrollBar().sizeHint().height() if too_wide else 0
        self.table.setFixedHeight(header.height() + rows + scroll + 2 * self.table.frameWidth())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """A narrower page may need the table's horizontal scroll bar: keep every row in sight."""
        super().resizeEvent(event)
        self._fit_table()

    # -- the list of files --------------------------------------------------------------

    def choose_reports(self) -> None:
        """Ask for report files and add them."""
        paths, _ = QFileDialog.getOpenFileNames(self, "Add reps' reports", self._start_folder(),
                                                "RepDrill reports (*.json);;All files (*)")
        if paths:
            self.add_files(paths)

    def choose_folder(self) -> None:
        """Ask for a folder and add every report in it."""
        folder = QFileDialog.getExistingDirectory(self, "Add every report in a folder", self._start_folder())
        if folder:
            self.add_folder(Path(folder))

    def _start_folder(self) -> str:
        return str(Path(self.paths[-1]).parent) if self.paths else str(Path.home())

    def add_files(self, paths) -> None:
        """Add report files to the list (each once) and merge again."""
        known = set(self.paths)
        new = [p for p in dict.fromkeys(os.path.abspath(p) for p in paths) if p not in known]
        self.banner.hide()
        self._set_paths(self.paths + tuple(new))

    def add_folder(self, folder: Path) -> None:
        """Add the *.json files of a folder (listed in the background); say so when there are none."""

        def found(paths: list[str]) -> None:
            if paths:
                self.add_files(paths)
            else:
                self.banner.show_text(f"No .json files in {folder}. Reports for the team table are JSON files.")

        tasks.run_in_background(lambda: [str(p) for p in json_files(folder)], found, owner=self)

    def remove(self, sources) -> None:
        """Take files off the list (the files themselves stay)."""
        gone = set(sources)
        self._set_paths(tuple(p for p in self.paths if p not in gone))

    def remove_selected(self) -> None:
        """Take the selected reps' report files off the list."""
        self.remove([self.model.rows[i.row()].source for i in self.table.selectionModel().selectedRows()])

    def clear(self) -> None:
        """Take every file off the list."""
        self._set_paths(())

    def _set_paths(self, paths: tuple[str, ...]) -> None:
        self.paths = paths
        self.refresh()

    def sort_by_column(self, section: int) -> None:
        """Sort by the clicked column: low to high first, reversed when it is clicked again."""
        key = TEAM_COLUMNS[section].key
        self.model.sort_by(key, not self.model.descending if key == self.model.sort_key else False)

    def _selection_changed(self, *_) -> None:
        self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    # -- assigning ----------------------------------------------------------------------

    def open_assign_dialog(self) -> AssignDialog:
        """Open the "Assign a pack" dialog (not blocking), in the folder the last assignment went to."""
        dialog = AssignDialog(self.ctx, self, folder=self.assign_folder)

        def closed(_result: int) -> None:
            self.assign_folder = dialog.folder

        dialog.finished.connect(closed)
        dialog.open()
        return dialog

    # -- rows and files -----------------------------------------------------------------

    def open_folder(self, row: TeamRow) -> None:
        """Open the folder holding a rep's report file."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(row.source).parent)))

    def choose_csv(self) -> None:
        """Ask where to save the table as CSV and save it."""
        path, _ = QFileDialog.getSaveFileName(self, "Export the team table", str(Path(self._start_folder())
                                              / f"team-{date.today().isoformat()}.csv"), "CSV (*.csv)")
        if path:
            self.export_csv(Path(path))

    def export_csv(self, path: Path) -> None:
        """Write the rows as shown (in the current sort order) to `path` in the background."""
        rows = list(self.model.rows)

        def written(_) -> None:
            self.banner.show_text(f"Saved the table of {len(rows)} rep{'s' if len(rows) != 1 else ''} to {path}",
                                  "good")
            self.csv_written.emit(path)

        def failed(error: BaseException) -> None:
            if isinstance(error, TrainerError):
                self.banner.show_text(str(error), "error")
            else:
                tasks.report_error(error)
            self.csv_written.emit(error)

        tasks.run_in_background(lambda: write_team_csv(rows, path), written, failed, owner=self)
