"""The team table: reports merged into rows, sorted, exported; unreadable files listed, never dropped."""

import csv
import io
import json
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

from report_samples import sample_drills, sample_report

from trainer.core.assignments import OPEN, AssignmentProgress
from trainer.core.report_model import dump_report, report_json
from trainer.core.team import COLUMN_KEYS, TEAM_COLUMNS, TeamNote, merge_reports, team_csv

TODAY = date(2025, 3, 20)


def write(path, report):
    path.write_text(dump_report(report), encoding="utf-8")
    return path


OLD_REPORT = Path(__file__).parent.parent / "data" / "report-0.1.0.json"  # written by RepDrill 0.1.0 (no rep_id)


def older_format(path, report):
    data = report_json(report) | {"format": "repdrill-report/0"}
    path.write_text(json.dumps(data))
    return path


def malformed(path, report):
    data = report_json(report)
    data["summary"]["hesitation_rate"] = "a lot"
    del data["levels"][0]["level"]
    path.write_text(json.dumps(data))
    return path


def test_three_reports_one_old_one_malformed_give_two_rows_and_one_clear_error(tmp_path):
    files = [write(tmp_path / "sam.json", sample_report("Sam Lee")), OLD_REPORT,
             malformed(tmp_path / "bo.json", sample_report("Bo Chen"))]
    team = merge_reports(files, TODAY)
    assert [r.rep for r in team.rows] == ["Sam Lee", "Ana Diaz"]
    ana = team.rows[1]
    assert (ana.rep_id, ana.drills, ana.week_drills, ana.score, ana.hesitation_rate) == (None, 6, 3, 81.5, 0.25)
    assert [(e.source, e.problems) for e in team.errors] == [
        (str(files[2]), ["levels[0]: 'level' is a required property",
                         "summary.hesitation_rate: 'a lot' is not of type 'number', 'null'"]),
    ]
    assert team.notes == (TeamNote(str(OLD_REPORT), "made by RepDrill 0.1.0, before reports carried a rep id: "
                                                    "matched to other reports by name"),
                          TeamNote(str(OLD_REPORT), "made by RepDrill 0.1.0 (report format 1), before reports carried where the rep hesitates: no focus shown"))


def test_another_format_version_is_refused_with_what_to_do(tmp_path):
    older = older_format(tmp_path / "ana.json", sample_report("Ana Diaz"))
    newer = tmp_path / "bo.json"
    newer.write_text(json.dumps(report_json(sample_report("Bo Chen")) | {"format": "repdrill-report/3"}))
    team = merge_reports([older, newer], TODAY)
    assert team.rows == ()
    assert [e.problems for e in team.errors] == [
        ["made by an older RepDrill (format repdrill-report/0); this RepDrill reads repdrill-report/2 - ask Ana Diaz "
         "to update RepDrill and export the report again"],
        ["made by a newer RepDrill (format repdrill-report/3); update RepDrill to read it (this one reads "
         "repdrill-report/2)"],
    ]


def test_a_report_from_this_version_without_a_rep_id_is_broken_not_upgraded(tmp_path):
    data = report_json(sample_report())
    del data["rep_id"]
    (tmp_path / "sam.json").write_text(json.dumps(data))
    team = merge_reports([tmp_path / "sam.json"], TODAY)
    assert team.rows == () and team.errors[0].problems == ["the report: 'rep_id' is a required property"]


def test_one_row_per_rep_the_newest_report_with_the_others_named(tmp_path):
    week11 = sample_report("Sam Lee", until=date(2025, 3, 13), drills=sample_drills()[:3])
    week12 = sample_report("Sam Lee")
    namesake = sample_report("Sam Lee", rep_id="f" * 32)  # another rep who goes by the same name
    old_ana = json.loads(OLD_REPORT.read_text())
    new_ana = sample_report("ana diaz")  # a later report by Ana, now with a rep id
    files = [write(tmp_path / "sam-w12.json", week12), write(tmp_path / "sam-w11.json", week11),
             write(tmp_path / "other-sam.json", namesake), OLD_REPORT, write(tmp_path / "ana-new.json", new_ana)]
    team = merge_reports(files, TODAY)
    assert [(r.rep, r.source) for r in team.rows] == [
        ("Sam Lee", str(files[0])), ("Sam Lee", str(files[2])), ("ana diaz", str(files[4]))]
    assert [r.drills for r in team.rows] == [6, 6, 6] and old_ana["until"] == "2025-03-20"
    assert [(n.source, n.message) for n in team.notes] == [
        (str(files[1]), f"an older report of Sam Lee (to 2025-03-13), set aside: {files[0].name} (to 2025-03-20) is shown"),
        (str(OLD_REPORT), "made by RepDrill 0.1.0, before reports carried a rep id: matched to other reports by name"),
        (str(OLD_REPORT), "made by RepDrill 0.1.0 (report format 1), before reports carried where the rep hesitates: no focus shown"),
        (str(OLD_REPORT), f"an older report of Ana Diaz (to 2025-03-20), set aside: {files[4].name} (to 2025-03-20) is shown"),
    ]


def test_an_assignment_open_on_the_reports_day_is_overdue_on_a_later_team_day(tmp_path):
    report = sample_report()
    open_one = AssignmentProgress("referrals", "Kim Ortiz", "Sam Lee", date(2025, 3, 10), date(2025, 3, 25), 1, 3, 1, 1,
                                  OPEN)
    write(tmp_path / "sam.json", replace(report, assignments=report.assignments + (open_one,)))

    def counts(day):
        (row,) = merge_reports([tmp_path / "sam.json"], day).rows
        return row.assignments_done, row.overdue

    assert counts(TODAY) == counts(date(2025, 3, 25)) == (1, 1)  # the report's own day, and the due day itself
    assert counts(date(2025, 3, 26)) == (1, 2)  # the open one is late now; the done one stays done


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
        "focus": "-", "report": "2025-03-20"}
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
