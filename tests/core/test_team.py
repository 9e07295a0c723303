"""The team table: reports merged into rows, sorted, exported; unreadable files listed, never dropped."""

import csv
import io
import json
from datetime import date, datetime, timezone

from report_samples import sample_drills, sample_report

from trainer.core.report_model import dump_report, report_json
from trainer.core.team import COLUMN_KEYS, TEAM_COLUMNS, merge_reports, team_csv

TODAY = date(2025, 3, 20)


def write(path, report):
    path.write_text(dump_report(report), encoding="utf-8")
    return path


def old_version(path, report):
    data = report_json(report) | {"format": "repdrill-report/0"}
    path.write_text(json.dumps(data))
    return path


def malformed(path, report):
    data = report_json(report)
    data["summary"]["hesitation_rate"] = "a lot"
    del data["levels"][0]["level"]
    path.write_text(json.dumps(data))
    return path


def test_three_reports_one_old_one_malformed_give_one_row_and_a_clear_error_each(tmp_path):
    files = [write(tmp_path / "sam.json", sample_report("Sam Lee")),
             old_version(tmp_path / "ana.json", sample_report("Ana Diaz")),
             malformed(tmp_path / "bo.json", sample_report("Bo Chen"))]
    team = merge_reports(files, TODAY)
    assert [r.rep for r in team.rows] == ["Sam Lee"]
    assert [(e.source, e.problems) for e in team.errors] == [
        (str(files[1]), ["made by an older RepDrill (format repdrill-report/0); this RepDrill reads repdrill-report/1 "
                         "- ask Ana Diaz to update RepDrill and export the report again"]),
        (str(files[2]), ["levels[0]: 'level' is a required property",
                         "summary.hesitation_rate: 'a lot' is not of type 'number', 'null'"]),
    ]


def test_a_row_has_the_reports_numbers(tmp_path):
    (row,) = merge_reports([write(tmp_path / "sam.json", sample_report())], TODAY).rows
    assert (row.assignments, row.assignments_done, row.overdue, row.drills_done, row.drills_required) == (2, 1, 1, 4, 7)
    assert row.progress == 4 / 7
    assert (row.week_drills, row.drills, row.level, row.level_pack) == (3, 6, 3, "price-and-budget")
    assert (row.score, row.hesitation_rate, row.anxiety) == (81.5, 0.25, 38.5)
    cells = {c.key: c.cell(row) for c in TEAM_COLUMNS}
    assert cells == {
        "rep": "Sam Lee", "assignments": "4/7 drills, 1 of 2 done, 1 OVERDUE", "overdue": "1", "week": "3",
        "level": "3 (price-and-budget)", "score": "82 \u2191", "hesitation": "25% \u2193", "anxiety": "38 \u2193",
        "report": "2025-03-20"}
    assert merge_reports([tmp_path / "sam.json"], date(2025, 4, 1)).rows[0].week_drills == 0  # a week later


def test_rows_sort_by_any_column_with_missing_values_last(tmp_path):
    new = sample_report("Ana Diaz", drills=())  # no drills: no score, no hesitation rate
    late = datetime(2025, 3, 14, 9, tzinfo=timezone.utc)  # six drills, the 14th to the 19th
    busy = sample_report("Bo Chen", drills=sample_drills(start=late, every_days=1.0))
    team = merge_reports([write(tmp_path / f"{n}.json", r) for n, r in enumerate((sample_report(), new, busy))], TODAY)
    assert [r.rep for r in team.sorted()] == ["Ana Diaz", "Bo Chen", "Sam Lee"]
    assert [r.rep for r in team.sorted("week", descending=True)] == ["Bo Chen", "Sam Lee", "Ana Diaz"]
    assert [r.week_drills for r in team.sorted("week")] == [0, 3, 6]
    assert [r.rep for r in team.sorted("score")][-1] == "Ana Diaz"
    assert [r.rep for r in team.sorted("score", descending=True)][-1] == "Ana Diaz"
    assert {c.key for c in TEAM_COLUMNS} == set(COLUMN_KEYS)
    for key in COLUMN_KEYS:
        assert len(team.sorted(key)) == 3


def test_csv_has_raw_values(tmp_path):
    team = merge_reports([write(tmp_path / "sam.json", sample_report()),
                          write(tmp_path / "ana.json", sample_report("Ana Diaz", drills=()))], TODAY)
    rows = list(csv.DictReader(io.StringIO(team_csv(team.sorted()))))
    assert [r["rep"] for r in rows] == ["Ana Diaz", "Sam Lee"]
    sam = rows[1]
    assert (sam["score"], sam["score_trend"], sam["hesitation_rate"], sam["hesitation_trend"]) == ("81.5", "up", "0.25",
                                                                                                  "down")
    assert (sam["report_day"], sam["week_drills"], sam["source"]) == ("2025-03-20", "3", str(tmp_path / "sam.json"))
    assert (rows[0]["score"], rows[0]["score_trend"]) == ("", "")


def test_unreadable_files_each_get_their_reason(tmp_path):
    (tmp_path / "notes.json").write_text("{'rep': 'Sam'}")
    (tmp_path / "big.json").write_bytes(b" " * 20_000_001)
    team = merge_reports([tmp_path / "missing.json", tmp_path / "notes.json", tmp_path / "big.json"], TODAY)
    assert team.rows == ()
    assert [e.problems[0] for e in team.errors] == [
        "cannot read the file: No such file or directory",
        "line 1 column 2: not valid JSON (Expecting property name enclosed in double quotes) - was the file cut "
        "short or edited?",
        "file is larger than 20,000,000 bytes - not a RepDrill report",
    ]
