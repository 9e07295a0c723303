"""Team: reps' JSON reports merged into one table; unreadable files listed; sorting, CSV, the kept list of files."""

import csv
import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest
from open_view import open_view
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton
from report_samples import sample_drills, sample_report

from trainer.core.report_model import dump_report
from trainer.core.team import TEAM_COLUMNS, merge_reports
from trainer.ui.app_settings import load_settings, save_settings
from trainer.ui.style import COLORS

COLUMN = {c.key: i for i, c in enumerate(TEAM_COLUMNS)}


def falling(scores=(85.0, 80.0, 72.0, 66.0, 60.0, 58.0)):
    """Six drills whose scores fall (a worsening score trend)."""
    return [dataclasses.replace(d, score=s) for d, s in zip(sample_drills(), scores)]


def write(folder, name, report) -> str:
    path = folder / name
    path.write_text(dump_report(report), encoding="utf-8")
    return str(path)


def broken_file(folder) -> str:
    """A report whose drill count was edited into words."""
    data = json.loads(dump_report(sample_report("Lee Park")))
    data["summary"]["drills"] = "seven"
    path = folder / "lee.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


@pytest.fixture
def reports(tmp_path):
    """Two good reports (Sam improving, with an overdue assignment; Ana worsening, no assignments) and a broken one."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    sam = write(folder, "sam.json", sample_report("Sam Lee"))
    ana = write(folder, "ana.json", dataclasses.replace(sample_report("Ana Ruiz", drills=falling()), assignments=()))
    return folder, [sam, ana, broken_file(folder)]


def open_team(window, qtbot):
    return open_view(window, qtbot, "team")


def add(view, qtbot, paths):
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.add_files(paths)


def cells(view, key):
    model = view.model
    return [model.data(model.index(r, COLUMN[key])) for r in range(model.rowCount())]


def color_of(view, row, key):
    return view.model.data(view.model.index(row, COLUMN[key]), Qt.ItemDataRole.ForegroundRole)


def error_texts(view):
    return [w.text() for w in view.errors_card.findChildren(QLabel) if w.isVisible()]


def click_header(view, qtbot, key):
    header = view.table.horizontalHeader()
    section = COLUMN[key]
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_an_empty_team_says_how_to_get_reports(make_window, qtbot):
    window = make_window()
    view = open_team(window, qtbot)
    assert view.empty.isVisible()
    assert "trainer report --format json" in view.empty.text.text()
    assert "Report for your coach" in view.empty.text.text()
    assert view.table.isHidden() and view.errors_card.isHidden() and view.export_button.isHidden()
    assert not window.error_banner.isVisible()


def test_three_files_make_two_rows_and_one_listed_error(make_window, qtbot, reports):
    folder, paths = reports
    window = make_window()
    view = open_team(window, qtbot)
    add(view, qtbot, paths)

    assert view.empty.isHidden() and view.table.isVisible()
    assert cells(view, "rep") == ["Ana Ruiz", "Sam Lee"]  # by name at first
    expected = merge_reports(paths[:2], date.today()).sorted("rep")
    for column in TEAM_COLUMNS:
        assert cells(view, column.key) == [column.cell(row) for row in expected]
    assert view.count.text() == "2 reps from 3 files · 1 could not be read"

    # the broken file: its name and its problem, never dropped
    assert view.errors_card.isVisible()
    texts = error_texts(view)
    assert "lee.json" in texts and paths[2] in texts
    [problem] = [t for t in texts if t.startswith("• ")]
    assert "summary.drills" in problem and "'seven' is not of type 'integer'" in problem

    # trends coloured by whether they improved; the overdue assignment flagged
    ana, sam = 0, 1
    assert color_of(view, sam, "score") == QColor(COLORS["good"])  # 50 -> 85
    assert color_of(view, ana, "score") == QColor(COLORS["bad"])  # 85 -> 58
    assert color_of(view, sam, "hesitation") == QColor(COLORS["good"])  # fewer hesitations
    assert cells(view, "overdue") == ["0", "1"]
    assert color_of(view, sam, "overdue") == QColor(COLORS["bad"]) == color_of(view, sam, "assignments")
    assert color_of(view, ana, "overdue") is None
    tooltip = view.model.data(view.model.index(sam, 0), Qt.ItemDataRole.ToolTipRole)
    assert paths[0] in tooltip and "2025-03-20" in tooltip

    assert window.ctx.settings.team_reports == tuple(paths)  # the list is kept in the settings


def test_sorting_by_a_header_click_both_ways_keeps_missing_values_last(make_window, qtbot, tmp_path):
    paths = [write(tmp_path, "sam.json", sample_report("Sam Lee")),                     # score 82
             write(tmp_path, "new.json", sample_report("Nia Cole", drills=())),          # no score yet
             write(tmp_path, "ana.json", sample_report("Ana Ruiz", drills=falling()))]   # score 59
    window = make_window()
    view = open_team(window, qtbot)
    add(view, qtbot, paths)
    assert cells(view, "rep") == ["Ana Ruiz", "Nia Cole", "Sam Lee"]

    click_header(view, qtbot, "score")
    assert cells(view, "rep") == ["Ana Ruiz", "Sam Lee", "Nia Cole"]
    assert cells(view, "score")[-1] == "-"
    assert view.model.headerData(COLUMN["score"], Qt.Orientation.Horizontal).endswith("\u25b4")
    click_header(view, qtbot, "score")
    assert cells(view, "rep") == ["Sam Lee", "Ana Ruiz", "Nia Cole"]
    assert view.model.headerData(COLUMN["score"], Qt.Orientation.Horizontal).endswith("\u25be")
    assert not view.model.headerData(COLUMN["rep"], Qt.Orientation.Horizontal).endswith(("\u25b4", "\u25be"))

    # the order stays when the files are read again
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.refresh()
    assert cells(view, "rep") == ["Sam Lee", "Ana Ruiz", "Nia Cole"]


def test_csv_export_writes_the_rows_in_the_order_shown(make_window, qtbot, reports, tmp_path):
    folder, paths = reports
    window = make_window()
    view = open_team(window, qtbot)
    add(view, qtbot, paths)
    click_header(view, qtbot, "score")
    click_header(view, qtbot, "score")  # high to low: Sam (82) then Ana (59)
    assert cells(view, "rep") == ["Sam Lee", "Ana Ruiz"]

    out = tmp_path / "team.csv"
    with qtbot.waitSignal(view.csv_written, timeout=10_000) as written:
        view.export_csv(out)
    assert written.args == [out]
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["rep"] for r in rows] == ["Sam Lee", "Ana Ruiz"]
    assert [float(r["score"]) for r in rows] == pytest.approx([81.5, 59.0], abs=0.01)
    assert [r["overdue"] for r in rows] == ["1", "0"]
    assert [r["source"] for r in rows] == [paths[0], paths[1]]
    assert view.banner.isVisible() and str(out) in view.banner.text.text()

    # a folder that is not there: said in the banner, nothing left behind
    missing = tmp_path / "gone" / "team.csv"
    with qtbot.waitSignal(view.csv_written, timeout=10_000) as failed:
        view.export_csv(missing)
    assert isinstance(failed.args[0], Exception)
    assert str(missing) in view.banner.text.text() and "choose another file" in view.banner.text.text()
    assert not (tmp_path / "gone").exists()


def test_the_kept_files_are_read_again_in_a_new_window(make_window, qtbot, reports, tmp_path):
    folder, paths = reports
    first = make_window()
    view = open_team(first, qtbot)
    add(view, qtbot, paths)
    save_settings(first.ctx.settings)  # what the app does on a change (the test windows keep settings in memory)
    first.close()

    # meanwhile Sam sends a newer report and Ana's file is moved away
    write(folder, "sam.json", sample_report("Sam Lee", drills=falling((40, 45, 50, 55, 60, 65))))
    (folder / "ana.json").rename(tmp_path / "ana-moved.json")

    settings = load_settings()
    assert settings.team_reports == tuple(paths)
    window = make_window(settings)
    again = open_team(window, qtbot)
    assert cells(again, "rep") == ["Sam Lee"]
    [newer] = merge_reports([paths[0]], date.today()).rows
    assert cells(again, "score") == [TEAM_COLUMNS[COLUMN["score"]].cell(newer)] != ["82 \u2191"]  # the new file
    texts = error_texts(again)
    assert "ana.json" in texts and "lee.json" in texts
    assert any(t.startswith("• cannot read the file") for t in texts)


def test_remove_and_clear_take_files_off_the_list(make_window, qtbot, reports):
    folder, paths = reports
    window = make_window()
    view = open_team(window, qtbot)
    add(view, qtbot, paths)

    view.table.selectRow(cells(view, "rep").index("Ana Ruiz"))
    assert view.remove_button.isEnabled()
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.remove_button.click()
    assert cells(view, "rep") == ["Sam Lee"] and view.paths == (paths[0], paths[2])

    [remove] = [b for b in view.errors_card.findChildren(QPushButton) if b.text() == "Remove"]
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        remove.click()
    assert view.paths == (paths[0],) and view.errors_card.isHidden()

    add(view, qtbot, [paths[0]])  # a file already listed is not listed twice
    assert view.paths == (paths[0],)

    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.clear_button.click()
    assert view.paths == () and view.empty.isVisible() and window.ctx.settings.team_reports == ()
    assert all(Path(p).exists() for p in paths)  # the files themselves stay


def test_add_folder_adds_its_json_files(make_window, qtbot, reports, tmp_path):
    folder, paths = reports
    (folder / "notes.txt").write_text("not a report")
    window = make_window()
    view = open_team(window, qtbot)
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.add_folder(folder)
    assert sorted(view.paths) == sorted(paths)
    assert view.model.rowCount() == 2

    empty = tmp_path / "empty"
    empty.mkdir()
    view.add_folder(empty)
    qtbot.waitUntil(view.banner.isVisible, timeout=10_000)
    assert "No .json files in" in view.banner.text.text() and sorted(view.paths) == sorted(paths)


def test_double_click_opens_the_reports_folder(make_window, qtbot, reports, monkeypatch):
    folder, paths = reports
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    window = make_window()
    view = open_team(window, qtbot)
    add(view, qtbot, paths)
    rect = view.table.visualRect(view.model.index(1, COLUMN["rep"]))
    QTest.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # Qt 6 wants the press
    QTest.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [str(folder)]


def test_an_older_report_of_the_same_rep_is_set_aside_with_a_note(make_window, qtbot, tmp_path):
    older = write(tmp_path, "sam-march.json", sample_report("Sam Lee", until=date(2025, 3, 20)))
    newer = write(tmp_path, "sam-april.json", sample_report("Sam Lee", drills=falling(), until=date(2025, 4, 20)))
    window = make_window()
    view = open_team(window, qtbot)
    add(view, qtbot, [older, newer])
    assert cells(view, "rep") == ["Sam Lee"] and cells(view, "report") == ["2025-04-20"]
    [note] = [w for w in view.notes_list.findChildren(QLabel) if w.text() != "note"]
    assert note.isVisible() and note.text().startswith("sam-march.json: ") and "set aside" in note.text()
    assert note.toolTip() == older
    assert view.count.text() == "1 rep from 2 files"
