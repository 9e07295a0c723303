"""The reluctance profile in the coach's report (format repdrill-report/2): carried, upgraded from format 1,
and shown as the Team table's focus column."""

import dataclasses
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from practice_pack import FakeClock, demo_pack
from profile_history import store_answers
from report_samples import sample_report

from trainer.core.report_model import (
    REPORT_FORMAT,
    ProfileArea,
    ReportError,
    ReportProfile,
    dump_report,
    load_report_text,
    report_json,
)
from trainer.core.team import column, merge_reports, team_csv
from trainer.store.db import Store
from trainer.store.report_data import collect_report

OLD_REPORT = Path(__file__).parent.parent / "data" / "report-0.1.0.json"
TODAY = date(2025, 3, 21)
MONEY = ProfileArea("talking-money", "Talking about price and budget", 4, 0.75, 2.8, 1.0, 60.0, 55.0, 1, "worse",
                    "you wait 2.8 s before answering (median); 3 of 4 answers came after a hesitation", 25.0, True)
COLD = ProfileArea("opening-cold", "Opening a call to a stranger", 1, 0.0, 0.9, 0.0, None, 80.0, 0, None,
                   "only 1 drill so far: 2 more before your drills speak for this area", 75.0, False)


def with_profile(rep, focus="talking-money", source="drills"):
    return dataclasses.replace(sample_report(rep), profile=ReportProfile(focus, source, (MONEY, COLD)))


def test_the_report_carries_the_profile_and_reads_back_equal():
    report = with_profile("Sam Lee")
    data = json.loads(dump_report(report))
    assert data["format"] == REPORT_FORMAT == "repdrill-report/2"
    assert list(data)[-1] == "profile" and data["profile"]["focus"] == "talking-money"
    assert data["profile"]["areas"][0]["median_latency_s"] == 2.8
    assert load_report_text(dump_report(report), "r.json") == report


def test_a_format_1_report_is_upgraded_without_a_profile_and_a_note():
    data = report_json(sample_report("Ana Diaz"))
    del data["profile"]
    data["format"] = "repdrill-report/1"
    notes = []
    report = load_report_text(json.dumps(data), "ana.json", notes)
    assert report.profile is None and report.format == "repdrill-report/2"
    assert notes == ["made by RepDrill 0.2.0 (report format 1), before reports carried where the rep hesitates: "
                     "no focus shown"]
    notes = []  # RepDrill 0.1.0: both steps, in order
    old = load_report_text(OLD_REPORT.read_text(), str(OLD_REPORT), notes)
    assert (old.rep_id, old.profile) == (None, None) and len(notes) == 2 and "rep id" in notes[0]


def test_a_format_2_report_without_its_profile_is_broken_not_upgraded():
    data = report_json(sample_report("Sam Lee"))
    del data["profile"]
    with pytest.raises(ReportError) as caught:
        load_report_text(json.dumps(data), "sam.json")
    assert caught.value.problems == ["the report: 'profile' is a required property"]
    data = report_json(with_profile("Sam Lee"))
    data["profile"]["areas"][0]["trend"] = "sideways"
    with pytest.raises(ReportError) as caught:
        load_report_text(json.dumps(data), "sam.json")
    assert caught.value.problems[0].startswith("profile.areas[0].trend: 'sideways' is not one of")


def test_the_team_table_has_a_focus_column(tmp_path):
    files = []
    for name, report in (("sam", with_profile("Sam Lee")), ("bo", with_profile("Bo Chen", "opening-cold", "self-check")),
                         ("cy", sample_report("Cy Park"))):
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text(dump_report(report))
    files.append(OLD_REPORT)
    team = merge_reports(files, TODAY)
    focus = column("focus")
    assert [(r.rep, focus.cell(r)) for r in team.sorted("focus")] == [
        ("Bo Chen", "opening-cold (said)"), ("Sam Lee", "talking-money"),
        ("Cy Park", "-"), ("Ana Diaz", "-")]
    csv_lines = team_csv(team.sorted("rep")).splitlines()
    assert csv_lines[0].endswith(",source,focus,focus_source")
    assert csv_lines[4].endswith(",talking-money,drills")


def test_collect_report_puts_the_stores_profile_in(isolated_dirs):
    clock = FakeClock(datetime(2026, 11, 20, 9, tzinfo=timezone.utc))
    with Store(isolated_dirs / "data", clock=clock) as store:
        for _ in range(3):
            store_answers(store, "too-expensive", [(2.6, 1, 60)])
        report = collect_report(store, [demo_pack()], [], rep="Sam Lee")
    assert report.profile.focus == "talking-money" and report.profile.focus_source == "drills"
    money = report.profile.areas[0]
    assert (money.id, money.drills, money.median_latency_s, money.hesitation_rate) == ("talking-money", 3, 2.6, 1.0)
    assert load_report_text(dump_report(report), "sam.json") == report


def test_the_html_report_says_where_the_rep_hesitates():
    from trainer.reports.html import render_html

    html = render_html(with_profile("Sam Lee"))
    assert "<h2>Where they hesitate</h2><p>Focus: Talking about price and budget, from the drills.</p>" in html
    assert "you wait 2.8 s before answering (median)" in html
    assert "Where they hesitate" not in render_html(sample_report("Cy Park"))  # a report without a profile
