"""The report for the coach from the app: the dialog's choices, the file written in the background, the banner."""

import getpass
import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from open_view import open_view
from PySide6.QtCore import QDate, QObject, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from trainer.core.assignments import installed_assignments
from trainer.core.report_model import load_report_text
from trainer.reports import REPORT_FORMATS
from trainer.store.db import Store
from trainer.store.report_data import collect_report, default_rep_name
from trainer.ui.views.report_export import FORMS, PERIODS, SINCE_A_DATE, ReportDialog, report_file_name, \
    with_extension

REPORT_TIMEOUT_MS = 30_000
PACK = "price-and-budget"


@pytest.fixture
def progress(make_window, qtbot):
    """The Progress view of a new window, loaded."""
    return open_view(make_window(), qtbot, "progress")


def report_dialog(view, qtbot) -> ReportDialog:
    """The view's report dialog (what the header button opens), once its packs and name are filled in."""
    dialog = view.open_report_dialog()
    with qtbot.waitSignal(dialog.ready, timeout=20_000):
        pass
    return dialog


def save(view, qtbot, dialog: ReportDialog, path: Path):
    """Save through the dialog and wait for the background job; returns what `report_finished` carried."""
    with qtbot.waitSignal(view.report_finished, timeout=REPORT_TIMEOUT_MS) as finished:
        dialog.save_to(path)
    return finished.args[0]


def choose_period(dialog: ReportDialog, value) -> None:
    dialog.period.setCurrentIndex(dialog.period.findData(value))


def expected_report(view, rep: str, since: date | None = None, pack_id: str | None = None):
    """The report `trainer report` makes from the same store and packs."""
    packs = list(view.ctx.packs().values())
    with Store() as store:
        return collect_report(store, packs, installed_assignments(packs), rep=rep, since=since, pack_id=pack_id)


def today() -> date:
    with Store() as store:
        return store.clock().astimezone().date()


def stored_counts(pack_id: str | None = None) -> tuple[int, int]:
    """(finished drills, scored answers) straight from the database."""
    with Store() as store:
        where, args = ("AND d.pack_id = ?", (pack_id,)) if pack_id else ("", ())
        drills = store.query(f"SELECT count(*) AS n FROM drills d WHERE d.status = 'finished' {where}", args)
        answers = store.query(f"SELECT count(*) AS n FROM turns t JOIN drills d ON d.id = t.drill_id "
                              f"WHERE t.status = 'scored' AND d.status = 'finished' {where}", args)
    return drills[0]["n"], answers[0]["n"]


# -- names, formats, files ---------------------------------------------------------------------


def test_every_report_format_is_offered_with_what_it_is_for():
    assert sorted(f.kind for f in FORMS) == sorted(REPORT_FORMATS)
    assert all(f.use for f in FORMS)


def test_file_names_are_safe_and_the_extension_follows_the_format():
    day = date(2025, 3, 20)
    assert report_file_name("Sam Lee", day, "pdf") == "repdrill-report-sam-lee-2025-03-20.pdf"
    assert report_file_name("  O'Brien / Team B ", day, "json") == "repdrill-report-o-brien-team-b-2025-03-20.json"
    assert report_file_name("김민수", day, "html") == "repdrill-report-김민수-2025-03-20.html"
    assert report_file_name("///", day, "csv") == "repdrill-report-rep-2025-03-20.csv"
    assert with_extension(Path("/r/sam"), "json") == Path("/r/sam.json")
    assert with_extension(Path("/r/sam.pdf"), "json") == Path("/r/sam.json")
    assert with_extension(Path("/r/sam.HTM"), "html") == Path("/r/sam.HTM")
    assert with_extension(Path("/r/march.v2"), "csv") == Path("/r/march.v2.csv")


def test_the_dialog_offers_a_file_named_after_the_rep_and_the_day_in_the_reports_folder(progress, qtbot, tmp_path):
    dialog = report_dialog(progress, qtbot)
    packs = progress.ctx.packs().values()
    assert dialog.rep.text() == default_rep_name(installed_assignments(packs)) == getpass.getuser()  # no assignments
    dialog.folder = tmp_path
    dialog.rep.setText("Dana Whitfield")
    dialog.set_kind("pdf")
    assert dialog.suggested_path() == tmp_path / f"repdrill-report-dana-whitfield-{date.today().isoformat()}.pdf"
    dialog.set_kind("csv")
    assert dialog.suggested_path().suffix == ".csv"
    assert dialog.kind() == "csv"
    assert dialog.pack.itemData(0) is None and dialog.pack.count() == len(progress.ctx.packs()) + 1
    dialog.rep.setText("  ")
    assert not dialog.save_button.isEnabled()  # a report needs a name
    dialog.rep.setText("Dana")
    assert dialog.save_button.isEnabled()
    assert [dialog.period.itemData(i) for i in range(dialog.period.count())] == [value for _, value in PERIODS]
    assert dialog.since.isHidden()
    choose_period(dialog, SINCE_A_DATE)
    assert not dialog.since.isHidden()


# -- reports from the stored history ---------------------------------------------------------


@pytest.mark.slow
def test_a_json_report_from_the_dialog_reads_back_with_the_stored_numbers(history, progress, qtbot, tmp_path):
    dialog = report_dialog(progress, qtbot)
    dialog.rep.setText("Dana Whitfield")
    dialog.set_kind("json")
    saved = save(progress, qtbot, dialog, tmp_path / "for-kim")
    path = tmp_path / "for-kim.json"
    assert saved.path == path and not dialog.isVisible()
    report = load_report_text(path.read_text(encoding="utf-8"), str(path))
    drills, answers = stored_counts()
    assert (report.summary.drills, report.summary.answers) == (drills, answers) == (4, 4)
    expected = expected_report(progress, "Dana Whitfield")
    assert report.rep == "Dana Whitfield" and report.since is None and report.pack is None
    assert report.drills == expected.drills
    assert report.summary == expected.summary
    assert report.levels == expected.levels and report.trends == expected.trends
    banner = progress.report_banner
    assert banner.isVisible() and banner.text.text().startswith(f"Saved {path}: 4 drills")
    assert "no recordings" in banner.text.text() and "Send it to your coach" in banner.text.text()
    assert progress.report_button.isEnabled() and progress.report_button.text() == progress.REPORT_BUTTON


@pytest.mark.slow
def test_an_html_report_carries_the_reps_name_and_its_charts(history, progress, qtbot, tmp_path):
    dialog = report_dialog(progress, qtbot)
    dialog.rep.setText("Dana Whitfield")
    dialog.set_kind("html")
    saved = save(progress, qtbot, dialog, tmp_path / "dana.pdf")  # the format wins over a typed extension
    assert saved.path == tmp_path / "dana.html" and not (tmp_path / "dana.pdf").exists()
    text = saved.path.read_text(encoding="utf-8")
    assert "Practice report: Dana Whitfield" in text
    assert text.count('src="data:image/png;base64,') >= 2  # the score and talk charts, embedded
    assert "Send it to your coach" not in progress.report_banner.text.text()


@pytest.mark.slow
def test_the_pack_and_the_period_limit_what_is_in_the_report(history, progress, qtbot, tmp_path):
    # the dialog offers the pack the Progress view shows
    progress.pack_filter.setCurrentIndex(progress.pack_filter.findData(PACK))
    dialog = report_dialog(progress, qtbot)
    assert dialog.pack.currentData() == PACK
    dialog.rep.setText("Dana")
    report = load_report_text(save(progress, qtbot, dialog, tmp_path / "pack.json").path.read_text("utf-8"))
    assert report.pack == PACK and {d.pack for d in report.drills} == {PACK}
    assert report.summary.drills == stored_counts(PACK)[0] == 3
    assert report.drills == expected_report(progress, "Dana", pack_id=PACK).drills

    # the history's drills are 9, 6, 3 and 1 days old
    first_day = today() - timedelta(days=6)
    dialog = report_dialog(progress, qtbot)
    dialog.pack.setCurrentIndex(0)
    choose_period(dialog, 7)
    report = load_report_text(save(progress, qtbot, dialog, tmp_path / "week.json").path.read_text("utf-8"))
    assert report.since == first_day and report.pack is None
    assert report.summary.drills == 3
    assert report.drills == expected_report(progress, "Dana", since=first_day).drills

    dialog = report_dialog(progress, qtbot)
    dialog.pack.setCurrentIndex(0)
    choose_period(dialog, SINCE_A_DATE)
    dialog.since.setDate(QDate(today() - timedelta(days=4)))
    report = load_report_text(save(progress, qtbot, dialog, tmp_path / "since.json").path.read_text("utf-8"))
    assert report.since == today() - timedelta(days=4)
    assert report.summary.drills == 2
    assert min(d.started_at.astimezone().date() for d in report.drills) >= report.since


@pytest.mark.slow
def test_the_ui_thread_stays_free_while_a_pdf_is_made(history, progress, qtbot, tmp_path):
    dialog = report_dialog(progress, qtbot)
    dialog.set_kind("pdf")
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    with qtbot.waitSignal(progress.report_finished, timeout=REPORT_TIMEOUT_MS) as finished:
        started = time.perf_counter()
        dialog.save_to(tmp_path / "report.pdf")
        returned = time.perf_counter() - started
        # the dialog has closed and the button says what is going on, before anything is written
        assert not dialog.isVisible()
        assert not progress.report_button.isEnabled()
        assert progress.report_button.text() == "Making the report…"
    took = time.perf_counter() - started
    timer.stop()
    assert finished.args[0].path.read_bytes().startswith(b"%PDF")
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    print(f"save_to returned in {returned * 1000:.1f} ms; the PDF took {took:.2f} s; "
          f"{len(ticks)} timer ticks, longest gap {max(gaps) * 1000:.0f} ms")
    assert returned < 0.1
    assert len(ticks) >= took / 0.2  # the event loop ran all along (20 ms ticks, 10x slack for a busy machine)
    assert max(gaps) < 0.5


@pytest.mark.slow
def test_the_saved_banner_opens_the_report_and_its_folder(history, progress, qtbot, tmp_path):
    class Opened(QObject):
        def __init__(self):
            super().__init__()
            self.paths = []

        @Slot(QUrl)
        def open(self, url: QUrl) -> None:
            self.paths.append(Path(url.toLocalFile()))

    dialog = report_dialog(progress, qtbot)
    dialog.set_kind("csv")
    saved = save(progress, qtbot, dialog, tmp_path / "drills.csv")
    opened = Opened()
    QDesktopServices.setUrlHandler("file", opened, "open")  # instead of starting a spreadsheet and a file manager
    try:
        progress.report_banner.action.click()
        progress.report_banner.show_folder.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert opened.paths == [saved.path, tmp_path]
    assert len(saved.path.read_text("utf-8").splitlines()) > 4


# -- when it cannot be written -----------------------------------------------------------------


def _vanished(tmp_path: Path) -> Path:
    return tmp_path / "usb-stick"  # never made: gone by the time the report is written


def _read_only(tmp_path: Path) -> Path:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


@pytest.mark.parametrize("make_folder", [
    _vanished,
    pytest.param(_read_only, marks=pytest.mark.skipif(
        os.geteuid() == 0, reason="root writes into read-only folders: needs a test run as a normal user")),
])
def test_a_folder_it_cannot_write_to_shows_the_error_and_leaves_no_file(progress, qtbot, tmp_path, make_folder):
    folder = make_folder(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    dialog = report_dialog(progress, qtbot)
    dialog.set_kind("pdf")
    error = save(progress, qtbot, dialog, folder / "report.pdf")
    banner = progress.report_banner
    assert banner.isVisible() and banner.property("kind") == "banner_error"
    assert str(folder / "report.pdf") in banner.text.text() and "choose another file" in banner.text.text()
    assert str(error) in banner.text.text()
    assert banner.again.isVisible() and not banner.action.isVisible() and not banner.show_folder.isVisible()
    assert sorted(tmp_path.rglob("*")) == before  # nothing written, nothing half-written
    assert progress.report_button.isEnabled()
    # "Choose another file..." opens the dialog again, with the same format
    banner.again.click()
    [again] = [d for d in progress.findChildren(ReportDialog) if d.isVisible()]
    assert again.kind() == "pdf"
