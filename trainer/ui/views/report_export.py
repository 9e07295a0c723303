"""The rep's report from the app: the "Report for your coach" dialog, the job that writes it, and its banner.

The same report as `trainer report` (`collect_report` then `write_report`): a format,
a period, one pack or all, the rep's name and a file. The dialog only asks; it hands
a `ReportRequest` to whoever opened it and closes, and `make_report` collects and
writes the report in a background job. `ReportBanner` then says where it went (with
Open and Show in folder) or why it could not be written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QGridLayout,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from trainer.core.assignments import installed_assignments
from trainer.core.report_model import Summary
from trainer.reports import REPORT_FORMATS, write_report
from trainer.store.report_data import collect_report, default_rep_name
from trainer.ui import tasks
from trainer.ui.context import AppContext
from trainer.ui.widgets.common import Banner, Card, button, hbox, label, vbox


@dataclass(frozen=True)
class ReportForm:
    """One format as the dialog offers it: what it is for, in one line, and its file filter."""

    kind: str
    name: str
    use: str


FORMS = (
    ReportForm("json", "JSON", "for your coach's team table: send this one"),
    ReportForm("html", "HTML", "to read in any browser, with charts"),
    ReportForm("pdf", "PDF", "to print or attach, with charts"),
    ReportForm("csv", "CSV", "for spreadsheets: one row per drill"),
)

SINCE_A_DATE = -1  # the period combo's value for "Since a date"
PERIODS = (("All practice", None), ("Last 7 days", 7), ("Last 30 days", 30), ("Since a date", SINCE_A_DATE))
PRIVACY_NOTE = "Reports hold numbers and words, never recordings: your recordings stay on this computer."


@dataclass(frozen=True)
class ReportRequest:
    """What the rep asked for: format, file, name, pack (None: all) and period (last `days` or from `since`)."""

    kind: str
    path: Path
    rep: str
    pack_id: str | None = None
    days: int | None = None  # the last N days, today included
    since: date | None = None  # from this day on

    def first_day(self, today: date) -> date | None:
        """The first day the report covers (None: all practice)."""
        if self.days is not None:
            return today - timedelta(days=self.days - 1)
        return self.since


@dataclass(frozen=True)
class SavedReport:
    """A report written to `path`, with its totals for the banner."""

    path: Path
    kind: str
    summary: Summary


def make_report(ctx: AppContext, request: ReportRequest) -> SavedReport:
    """Collect the report from the store and write it (a background job: what `trainer report` does)."""
    packs = list(ctx.packs().values())
    store = ctx.store
    today = store.clock().astimezone().date()
    report = collect_report(store, packs, installed_assignments(packs), rep=request.rep,
                            since=request.first_day(today), pack_id=request.pack_id)
    write_report(report, request.kind, request.path)
    return SavedReport(request.path, request.kind, report.summary)


def report_folder() -> Path:
    """Where reports are offered to go: the user's Documents folder, else their home."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def report_file_name(rep: str, day: date, kind: str) -> str:
    """`repdrill-report-<name>-<day>.<ext>`, the name made safe for any file system."""
    name = re.sub(r"[\W_]+", "-", rep.lower()).strip("-") or "rep"
    return f"repdrill-report-{name}-{day.isoformat()}.{kind}"


def with_extension(path: Path, kind: str) -> Path:
    """`path` ending in the format's extension: another report extension is replaced, anything else kept."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix == kind or (kind == "html" and suffix == "htm"):
        return path
    if suffix in (*REPORT_FORMATS, "htm"):
        return path.with_suffix(f".{kind}")
    return path.with_name(f"{path.name}.{kind}")


class ReportDialog(QDialog):
    """Asks for the report's format, period, pack, name and file; `requested` carries the answer, then it closes."""

    ready = Signal()  # the packs and the default name are filled in
    requested = Signal(object)  # ReportRequest

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, pack_id: str | None = None,
                 kind: str = "json", folder: Path | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.folder = folder or report_folder()
        self._loaded = False
        self.setWindowTitle("Report for your coach")
        self.setMinimumWidth(560)
        self.kinds = QButtonGroup(self)
        form_card = Card("Format")
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(8)
        for row, form in enumerate(FORMS):
            choice = QRadioButton(form.name)
            choice.setProperty("report_kind", form.kind)
            choice.setChecked(form.kind == kind)
            self.kinds.addButton(choice, row)
            grid.addWidget(choice, row, 0)
            grid.addWidget(label(form.use, "muted"), row, 1)
        grid.setColumnStretch(1, 1)
        form_card.body.addLayout(grid)

        self.period = QComboBox()
        for text, value in PERIODS:
            self.period.addItem(text, value)
        self.since = QDateEdit(QDate.currentDate().addDays(-30))
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.since.setMaximumDate(QDate.currentDate())
        self.period.currentIndexChanged.connect(self._period_changed)
        self.pack = QComboBox()
        self.pack.addItem("All packs", None)
        self._pack_id = pack_id
        self.rep = QLineEdit()
        self.rep.setPlaceholderText("Your name, as your coach knows you")
        self.rep.textChanged.connect(self._update_save)
        what = Card("What goes in")
        fields = QGridLayout()
        fields.setHorizontalSpacing(14)
        fields.setVerticalSpacing(10)
        for row, (name, widgets) in enumerate((("Period", ((self.period, 1), self.since)), ("Pack", (self.pack,)),
                                               ("Your name", (self.rep,)))):
            fields.addWidget(label(name, "muted"), row, 0)
            fields.addLayout(hbox(*widgets), row, 1)
        fields.setColumnStretch(1, 1)
        what.body.addLayout(fields)

        self.save_button = button("Save report…", "primary", self.choose_file)
        self.save_button.setDefault(True)
        cancel = button("Cancel", None, self.reject)
        layout = vbox(
            vbox(label("Report for your coach", "title"),
                 label("Your drills, levels, trends and assignments in one file, to send or to keep.", "subtitle",
                       wrap=True), spacing=2),
            form_card, what,
            label(PRIVACY_NOTE, "muted", wrap=True),
            hbox(None, cancel, self.save_button),
            spacing=14, margins=24)
        self.setLayout(layout)
        self._period_changed()
        self._update_save()
        tasks.run_in_background(self._load, self._show_loaded, owner=self)

    # -- filling in ---------------------------------------------------------------------

    def _load(self) -> tuple[dict[str, str], str]:
        packs = self.ctx.packs()
        return {p.id: p.title for p in packs.values()}, default_rep_name(installed_assignments(packs.values()))

    def _show_loaded(self, data: tuple[dict[str, str], str]) -> None:
        titles, name = data
        for pack_id, title in titles.items():
            self.pack.addItem(title, pack_id)
        self.pack.setCurrentIndex(max(0, self.pack.findData(self._pack_id)))
        if not self.rep.text():
            self.rep.setText(name)
        self._loaded = True
        self._update_save()
        self.ready.emit()

    def _period_changed(self) -> None:
        self.since.setVisible(self.period.currentData() == SINCE_A_DATE)

    def _update_save(self) -> None:
        self.save_button.setEnabled(self._loaded and bool(self.rep.text().strip()))

    def kind(self) -> str:
        """The chosen format."""
        return self.kinds.checkedButton().property("report_kind")

    def set_kind(self, kind: str) -> None:
        """Choose a format."""
        for choice in self.kinds.buttons():
            choice.setChecked(choice.property("report_kind") == kind)

    # -- saving -------------------------------------------------------------------------

    def choose_file(self) -> None:
        """Ask where to save, then hand the request over."""
        path = self._ask_path()
        if path is not None:
            self.save_to(path)

    def suggested_path(self) -> Path:
        """The file the Save As dialog offers: `repdrill-report-<name>-<day>.<ext>` in the report folder."""
        return self.folder / report_file_name(self.rep.text().strip(), date.today(), self.kind())

    def _ask_path(self) -> Path | None:
        """The Save As dialog (it asks before replacing a file); None when the rep cancels."""
        form = next(f for f in FORMS if f.kind == self.kind())
        path, _ = QFileDialog.getSaveFileName(self, "Save the report", str(self.suggested_path()),
                                              f"{form.name} report (*.{form.kind})")
        return Path(path) if path else None

    def request(self, path: Path) -> ReportRequest:
        """The report the fields ask for, written to `path` (its extension made to match the format)."""
        days = self.period.currentData()
        since = self.since.date().toPython() if days == SINCE_A_DATE else None
        return ReportRequest(self.kind(), with_extension(Path(path), self.kind()), self.rep.text().strip(),
                             self.pack.currentData(), None if days == SINCE_A_DATE else days, since)

    def save_to(self, path: Path) -> ReportRequest:
        """Hand over the request for a report at `path` and close; the report is made by the receiver."""
        request = self.request(path)
        self.requested.emit(request)
        self.accept()
        return request


class ReportBanner(Banner):
    """'Saved <file> ... [Open] [Show in folder]', or why a report could not be written [Choose another file]."""

    choose_again = Signal()

    def __init__(self) -> None:
        super().__init__(tone="good", action="Open")
        self.action.clicked.connect(self.open_file)
        self.show_folder = button("Show in folder", "link", self.open_folder)
        self.again = button("Choose another file…", "link", self.choose_again.emit)
        self.dismiss = button("Dismiss", "link", self.hide)
        for widget in (self.show_folder, self.again, self.dismiss):
            self.layout().addWidget(widget)
        self.path: Path | None = None
        self.hide()

    def show_saved(self, saved: SavedReport) -> None:
        """Say where the report went and what is in it."""
        self.path = saved.path
        s = saved.summary
        send = " Send it to your coach." if saved.kind == "json" else ""
        self._set_mode(saved=True)
        self.show_text(f"Saved {saved.path}: {s.drills} drill{'s' if s.drills != 1 else ''}, "
                       f"{s.time_practised} practised, no recordings.{send}", "good")

    def show_failed(self, message: str) -> None:
        """Say why the report was not written (the message names the file and what to do)."""
        self.path = None
        self._set_mode(saved=False)
        self.show_text(f"The report was not saved. {message}", "error")

    def _set_mode(self, saved: bool) -> None:
        self.action.setVisible(saved)
        self.show_folder.setVisible(saved)
        self.again.setVisible(not saved)

    def open_file(self) -> None:
        """Open the saved report in the program the system uses for it."""
        if self.path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))

    def open_folder(self) -> None:
        """Show the folder the report was saved in."""
        if self.path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path.parent)))
