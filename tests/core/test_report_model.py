"""The report's JSON form: round trip, totals and trends, and every way a file can be unreadable."""

import json
from dataclasses import replace
from datetime import date

import pytest
from report_samples import sample_drills, sample_report

from trainer.core.report_model import (
    DOWN,
    REPORT_FORMAT,
    STEADY,
    UP,
    ReportError,
    dump_report,
    load_report_text,
    read_report,
    report_json,
    trend,
)


def test_json_round_trip_gives_the_same_report():
    report = sample_report()
    text = dump_report(report)
    assert load_report_text(text, "r.json") == report
    data = json.loads(text)
    assert list(data)[:4] == ["format", "rep", "rep_id", "generated_at"] and data["format"] == REPORT_FORMAT == "repdrill-report/2"
    assert data["generated_at"] == "2025-03-20T17:30:00+00:00" and data["since"] == "2025-03-01"
    assert data["assignments"][1] == {
        "pack": "cold-call-brush-offs", "assigned_by": "Kim Ortiz", "assigned_to": "Sam Lee", "assigned": "2025-03-03",
        "due": "2025-03-14", "target_level": 1, "drills_required": 3, "drills_done": 0, "level": 1,
        "status": "overdue"}


def test_summary_and_trends_have_the_known_numbers():
    report = sample_report()
    s = report.summary
    assert (s.drills, s.abandoned, s.minutes, s.answers, s.hesitations) == (6, 1, 22.5, 12, 3)
    assert (s.hesitation_rate, s.mean_score, s.best_score) == (0.25, 66.7, 85.0)
    assert s.drills_last_7_days == 3  # drills on the 15th, 17th and 19th; the 13th is 7 days before the 20th
    by_metric = {t.metric: (t.first, t.last, t.direction, t.points) for t in report.trends}
    assert by_metric == {  # means of the first and last two of six drills
        "score": (52.5, 81.5, UP, 6), "talk_share": (70.0, 54.0, DOWN, 6), "wpm": (177.0, 153.0, DOWN, 6),
        "fillers_per_min": (5.5, 1.5, DOWN, 6), "hesitation_rate": (0.5, 0.0, DOWN, 6),
        "suds_before": (66.5, 38.5, DOWN, 6)}
    assert [report.trend(m).improving for m in ("score", "talk_share", "hesitation_rate")] == [True, None, True]
    assert report.trend("score").arrow == "\u2191" and report.trend("hesitation_rate").arrow == "\u2193"


def test_trend_edges():
    assert trend("score", []) == trend("score", [None])
    assert (trend("score", []).direction, trend("score", []).arrow) == (None, "\u2013")
    one = trend("score", [None, 70])
    assert (one.first, one.last, one.direction, one.points) == (70.0, 70.0, None, 1)
    assert trend("score", [70, 74.9]).direction == STEADY  # under 5 points
    assert trend("score", [70, 75]).direction == UP
    assert trend("wpm", [150, 141]).direction == STEADY and trend("wpm", [150, 140]).direction == DOWN


def test_an_empty_period_is_a_valid_report():
    report = sample_report(drills=())
    assert load_report_text(dump_report(report)) == report
    assert (report.summary.drills, report.summary.mean_score, report.summary.hesitation_rate) == (0, None, None)


def failure(data_or_text) -> ReportError:
    with pytest.raises(ReportError) as caught:
        if isinstance(data_or_text, (str, bytes)):
            load_report_text(data_or_text, "r.json")
        else:
            read_report(data_or_text, "r.json")
    return caught.value


def test_other_format_versions_are_named_with_what_to_do():
    data = report_json(sample_report())
    older = failure(data | {"format": "repdrill-report/0"})
    assert older.problems == ["made by an older RepDrill (format repdrill-report/0); this RepDrill reads "
                              "repdrill-report/2 - ask Sam Lee to update RepDrill and export the report again"]
    assert str(older).startswith("r.json: made by an older RepDrill")
    assert failure(data | {"format": "repdrill-report/3"}).problems == [
        "made by a newer RepDrill (format repdrill-report/3); update RepDrill to read it (this one reads "
        "repdrill-report/2)"]
    assert failure({k: v for k, v in data.items() if k != "format"}).problems[0].startswith(
        "not a RepDrill report: no 'format' field")
    assert failure([1, 2]).problems[0].startswith("not a RepDrill report")
    assert failure(data | {"format": "pack/1"}).problems == [
        "format 'pack/1' is not a RepDrill report format (this RepDrill reads repdrill-report/2)"]


def test_every_broken_field_is_listed():
    data = report_json(sample_report())
    data["summary"]["drills"] = "six"
    del data["drills"][2]["score"]
    data["drills"][4]["suds_before"] = 140
    data["until"] = "2025-02-30"
    data["assignments"][0]["status"] = "finished"
    error = failure(data)
    assert error.problems == [
        "assignments[0].status: 'finished' is not one of ['done', 'open', 'overdue']",
        "drills[2]: 'score' is a required property",
        "drills[4].suds_before: 140 is greater than the maximum of 100",
        "summary.drills: 'six' is not of type 'integer'",
        "until: '2025-02-30' is not a 'date'",
    ]
    assert str(error) == "r.json: assignments[0].status: 'finished' is not one of ['done', 'open', 'overdue'] (and 4 more)"


def test_times_must_be_real_and_carry_their_offset():
    data = report_json(sample_report())
    data["generated_at"] = "2025-03-20T17:30:00"
    data["drills"][0]["started_at"] = "2025-03-40T09:00:00+00:00"
    assert failure(data).problems == [
        "generated_at: '2025-03-20T17:30:00' has no UTC offset (such as +00:00)",
        "drills[0].started_at: '2025-03-40T09:00:00+00:00' is not a real date and time",
    ]


def test_text_that_is_not_json_says_where():
    text = dump_report(sample_report())
    key = text.index('"summary"')  # cut inside this key
    line, column = text.count("\n", 0, key) + 1, key - text.rindex("\n", 0, key)
    cut = failure(text[:key + 3])
    assert cut.problems == [f"line {line} column {column}: not valid JSON (Unterminated string starting at) - was the "
                            "file cut short or edited?"]
    assert (line, column) == (10, 3)  # the count above is the one an editor shows
    assert failure(b"\xff\xfe{").problems == ["not UTF-8 text - is it the JSON report (`trainer report --format json`)?"]


def test_unknown_fields_are_ignored_and_whole_numbers_stay_numbers():
    data = report_json(sample_report()) | {"made_by_a_later_tool": True}
    data["drills"][0]["score"] = 50  # a JSON integer for a float field
    data["drills"][0]["answers"] = 2.0  # JSON Schema counts 2.0 as an integer
    report = read_report(data)
    assert isinstance(report.drills[0].score, float) and report.drills[0].answers == 2
    assert type(report.drills[0].answers) is int
    assert report == sample_report()


def test_week_count_uses_local_days():
    drills = sample_drills(every_days=1.0)  # the 9th to the 14th
    assert sample_report(drills=drills, until=date(2025, 3, 14)).summary.drills_last_7_days == 6
    assert sample_report(drills=drills, until=date(2025, 3, 21)).summary.drills_last_7_days == 0


def test_time_practised_reads_as_a_person_would_say_it():
    said = [replace(sample_report().summary, minutes=m).time_practised for m in (0, 0.4, 1.4, 59.6, 70, 125.2)]
    assert said == ["0 min", "under a minute", "1 min", "1 h", "1 h 10 min", "2 h 5 min"]
