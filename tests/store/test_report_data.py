"""The report's numbers collected from a real store: drills on known days with known scores and metrics."""

from datetime import date, datetime, timedelta, timezone

import pytest

from trainer.core.assignments import DONE, OPEN, OVERDUE, AssignmentError, PackAssignment
from trainer.core.bank import BankEntry
from trainer.core.pack_model import Assignment
from trainer.core.pack_problems import Problem
from trainer.core.packs import find_pack
from trainer.core.report_model import DOWN, UP, dump_report, load_report_text
from trainer.store.bank import add_entry, update_entry
from trainer.store.db import Store
from trainer.store.progress import set_level, suds_progress
from trainer.store.report_data import assignments_progress, collect_report

NOW = datetime(2025, 3, 20, 12, tzinfo=timezone.utc)
PRICE, COLD = find_pack("price-and-budget"), find_pack("cold-call-brush-offs")
PACKS = [PRICE, COLD, find_pack("referrals")]


class Clock:
    """The store's clock, moved by the test."""

    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


def drill(store, clock, days_ago, pack="price-and-budget", level=1, score=60.0, minutes=4.0, answers=2,
          hesitations=0, status="finished", suds=(None, None), talk_share=55.0):
    """Store a drill that started `days_ago` days before NOW and lasted `minutes`."""
    clock.now = NOW - timedelta(days=days_ago)
    drill_id = store.start_drill(pack, level, suds_before=suds[0])
    for number in range(answers):
        turn = store.begin_turn(drill_id, objection_id="more-than-expected", node_id="more-than-expected",
                                prospect_line="That's more than I expected.")
        store.commit_turn(turn.turn_id, transcript="I understand", words=[], score=score,
                          metrics={"hesitation": number < hesitations})
    store.begin_turn(drill_id, objection_id="more-than-expected", node_id="x", prospect_line="And?")  # never answered
    clock.now += timedelta(minutes=minutes)
    metrics = {"hesitations": hesitations, "talk_share": talk_share, "wpm": 150.0 - days_ago, "fillers_per_min": 2.5,
               "hedges": 1}
    store.finish_drill(drill_id, outcome="ok", score=score if status == "finished" else None, metrics=metrics,
                       status=status, suds_after=suds[1])
    clock.now = NOW
    return drill_id


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(clock):
    with Store(clock=clock) as opened:
        yield opened


@pytest.fixture
def history(store, clock):
    """Ten days of practice in two packs, one drill stopped early."""
    return [
        drill(store, clock, 10, score=50, hesitations=2, suds=(70, 60), talk_share=72),
        drill(store, clock, 8, pack="cold-call-brush-offs", score=58, minutes=3, hesitations=1),
        drill(store, clock, 6, score=64, level=2, hesitations=1, suds=(60, 45), talk_share=64),
        drill(store, clock, 5, score=None, status="abandoned", minutes=1.5),
        drill(store, clock, 3, score=75, level=2, suds=(50, 40), talk_share=58),
        drill(store, clock, 1, score=81, level=3, minutes=5, suds=(45, 30), talk_share=52),
    ]


def test_totals_and_drills_come_from_the_stored_drills(store, history):
    report = collect_report(store, PACKS, [], rep="Sam")
    s = report.summary
    assert (s.drills, s.abandoned, s.answers, s.hesitations) == (5, 1, 10, 4)
    assert s.minutes == pytest.approx(4 + 3 + 4 + 1.5 + 4 + 5)  # finished and abandoned drills, start to end
    assert (s.hesitation_rate, s.mean_score, s.best_score) == (0.4, 65.6, 81.0)
    assert s.drills_last_7_days == 3  # 6, 3 and 1 days ago; the abandoned one is not a drill done
    assert [d.id for d in report.drills] == [history[i] for i in (0, 1, 2, 4, 5)]  # oldest first, finished only
    first = report.drills[0]
    assert (first.pack, first.level, first.score, first.answers, first.hesitations) == ("price-and-budget", 1, 50, 2, 2)
    assert (first.minutes, first.talk_share, first.wpm, first.hedges, first.suds_before) == (4.0, 72.0, 140.0, 1, 70)
    assert first.started_at == NOW - timedelta(days=10)
    assert (report.rep, report.generated_at, report.until, report.since, report.pack) == ("Sam", NOW, NOW.date(), None,
                                                                                        None)


def test_trends_and_anxiety(store, history):
    report = collect_report(store, PACKS, [], rep="Sam")
    score = report.trend("score")
    assert (score.first, score.last, score.direction, score.points) == (50.0, 81.0, UP, 5)
    assert report.trend("hesitation_rate").direction == DOWN  # 1.0 per answer at first, 0.0 at the end
    assert report.trend("suds_before").direction == DOWN
    assert list(report.anxiety) == [
        "your anxiety before level-1 drills: 70 (one rating so far)",
        "your anxiety drops 10 points during a level-1 drill, on average",
        "your anxiety before level-2 drills fell from 60 to 50 over 2 drills",
        "your anxiety drops 12 points during a level-2 drill, on average",
        "your anxiety before level-3 drills: 45 (one rating so far)",
        "your anxiety drops 15 points during a level-3 drill, on average",
    ]
    assert list(report.anxiety) == [line for lines in suds_progress(store).values() for line in lines]  # as `level`


def test_since_and_pack_narrow_the_drills(store, history):
    recent = collect_report(store, PACKS, [], rep="Sam", since=(NOW - timedelta(days=5)).date())
    assert [d.id for d in recent.drills] == [history[4], history[5]]
    assert (recent.summary.abandoned, recent.summary.minutes, recent.since) == (1, 10.5, date(2025, 3, 15))
    cold = collect_report(store, PACKS, [], rep="Sam", pack_id="cold-call-brush-offs")
    assert [d.id for d in cold.drills] == [history[1]] and cold.pack == "cold-call-brush-offs"
    assert [lv.pack for lv in cold.levels] == ["cold-call-brush-offs"]


def test_levels_are_the_current_ones_with_categories_that_moved(store, history):
    set_level(store, PRICE, 3)
    set_level(store, PRICE, 4, "price")
    levels = collect_report(store, PACKS, [], rep="Sam").levels
    assert [(lv.pack, lv.category, lv.level, lv.name) for lv in levels] == [
        ("price-and-budget", None, 3, "Live"), ("price-and-budget", "price", 4, "Pushback"),
        ("cold-call-brush-offs", None, 1, "Warm-up")]  # referrals: never practised nor assigned


def test_assignment_progress_counts_from_the_day_assigned(store, history):
    assigned = (NOW - timedelta(days=7)).date()
    price = PackAssignment("price-and-budget", Assignment("Kim", "Sam", NOW.date() + timedelta(days=3), 2, 2), assigned)
    cold = PackAssignment("cold-call-brush-offs", Assignment("Kim", "Sam", NOW.date() - timedelta(days=1), 1, 2),
                          assigned)
    referrals = PackAssignment("referrals", Assignment("Kim", "Sam", None, 1, 1))
    broken = AssignmentError([Problem("x.yaml", 1, 1, "broken")])
    report = collect_report(store, PACKS, [price, cold, referrals, broken], rep="Sam")
    got = [(a.pack, a.drills_done, a.status, a.level) for a in report.assignments]
    assert got == [("price-and-budget", 3, DONE, 1), ("cold-call-brush-offs", 0, OVERDUE, 1),
                   ("referrals", 0, OPEN, 1)]  # the cold-call drill came 8 days ago, before it was assigned
    assert assignments_progress(store, PACKS, [price])[0] == report.assignments[0]
    only_cold = collect_report(store, PACKS, [price, cold], rep="Sam", pack_id="cold-call-brush-offs")
    assert [a.pack for a in only_cold.assignments] == ["cold-call-brush-offs"]


def test_bank_highlights_are_text_only_best_first(store, history, tmp_path):
    take = tmp_path / "take.wav"
    take.write_bytes(b"RIFF-not-really-audio")
    entries = []
    for text, score in (("Fair enough, what did you have in mind?", 70), ("It pays for itself in a month.", 92),
                        ("Compared to what, if I may ask?", 85), ("Old opener I retired.", 99)):
        entry, _ = add_entry(store, BankEntry(None, text, "more-than-expected", "price-and-budget", score=score),
                             recording_from=take)
        entries.append(entry)
    update_entry(store, entries[0].id, starred=True)
    update_entry(store, entries[3].id, retired=True)
    report = collect_report(store, PACKS, [], rep="Sam")
    assert [(b.text, b.score, b.starred) for b in report.bank] == [
        ("Fair enough, what did you have in mind?", 70, True), ("It pays for itself in a month.", 92, False),
        ("Compared to what, if I may ask?", 85, False)]
    text = dump_report(report)
    assert "recordings" not in text and ".wav" not in text
    assert load_report_text(text) == report
    assert len(collect_report(store, PACKS, [], rep="Sam", bank_limit=1).bank) == 1


def test_an_empty_store_makes_an_empty_report(store):
    report = collect_report(store, PACKS, [], rep="Sam")
    assert (report.summary.drills, report.summary.minutes, report.drills, report.levels) == (0, 0.0, (), ())
    assert load_report_text(dump_report(report)) == report


def test_a_drill_with_no_speech_has_no_pace_and_no_filler_rate_never_zero(store, clock, tmp_path):
    """Null, not zero (issue 14): through the stored metrics, the report JSON, CSV and HTML."""
    import csv
    import io

    from trainer.core.metrics import drill_metrics
    from trainer.core.transcript import PROSPECT, REP, Turn
    from trainer.drill.events import drill_metrics_json
    from trainer.reports import report_text

    silent = drill_metrics_json(drill_metrics([Turn(PROSPECT, 0.0, 2.0), Turn(REP, 2.0, 9.0)]))
    assert (silent["wpm"], silent["fillers_per_min"], silent["airtime_ratio"]) == (None, None, None)
    legacy = {"hesitations": 1, "talk_share": 0.0, "wpm": 0.0, "fillers_per_min": 0.0, "rep_talk_s": 0.0}
    for metrics in (silent, legacy):  # a drill stored before issue 14 said 0 for "nothing heard"
        clock.now = NOW - timedelta(days=1)
        drill_id = store.start_drill("price-and-budget", 1)
        store.finish_drill(drill_id, outcome="ok", score=0, metrics=metrics, status="finished")
    clock.now = NOW
    assert [d.metrics["wpm"] for d in store.drills()] == [0.0, None]
    report = collect_report(store, PACKS, [], rep="Alex")
    assert [(d.wpm, d.fillers_per_min) for d in report.drills] == [(None, None), (None, None)]
    again = load_report_text(dump_report(report))
    assert [(d.wpm, d.fillers_per_min) for d in again.drills] == [(None, None), (None, None)]
    rows = list(csv.DictReader(io.StringIO(report_text(report, "csv"))))
    assert len(rows) == 2
    assert all(row[key] == "" for row in rows for key in row if "wpm" in key or "filler" in key), rows
    html = report_text(report, "html")
    assert html.count("<td>no answer</td>") == 4  # pace and fillers of both drills


def test_repeats_reach_the_report_and_older_drills_say_not_recorded(store, clock):
    """Lines played again at the rep's request (issue 14): per drill in JSON, CSV and HTML; null when not kept."""
    import csv
    import io

    from trainer.reports import report_text

    for metrics in ({"hesitations": 0, "repeats": 2}, {"hesitations": 0}):  # the second from before repeats were kept
        clock.now = NOW - timedelta(days=1)
        drill_id = store.start_drill("price-and-budget", 1)
        store.finish_drill(drill_id, outcome="ok", score=80, metrics=metrics, status="finished")
    clock.now = NOW
    report = collect_report(store, PACKS, [], rep="Alex")
    assert sorted((d.repeats for d in report.drills), key=str) == [2, None]
    assert load_report_text(dump_report(report)) == report
    rows = list(csv.DictReader(io.StringIO(report_text(report, "csv"))))
    assert sorted(row["repeats"] for row in rows) == ["", "2"]
    assert report_text(report, "html").count("0 of 0, 2 repeats") == 1


def test_the_prospects_acts_reach_the_report_per_drill_and_older_reports_read_without_them(store, clock, tmp_path):
    """Cut-ins, reactions and add-ons (issue 19) counted per drill from the stored turns: in JSON, CSV and HTML
    (the PDF: tests/reports/test_html_pdf.py); a report written before they were carried reads with none, and
    `trainer team` merges it."""
    import csv
    import io
    import json

    from trainer.core.team import merge_reports
    from trainer.reports import report_text
    from trainer.store.records import ProspectAct

    acted = [(ProspectAct("cut_in", "Sorry, what are you actually asking me?", 12.5),),
             (ProspectAct("hedges", "You sound unsure.", 20.1),), (ProspectAct("cut_in", "Get to the point.", 40.0),),
             ()]
    clock.now = NOW - timedelta(days=1)
    drill_id = store.start_drill("price-and-budget", 5)
    for acts in acted:
        turn = store.begin_turn(drill_id, objection_id="more-than-expected", node_id="more-than-expected",
                                prospect_line="That's more than I expected.")
        store.commit_turn(turn.turn_id, transcript="well", words=[], score=50, acts=acts)
    store.finish_drill(drill_id, outcome="ok", score=50, metrics={"hesitations": 0}, status="finished")
    quiet = drill(store, clock, 2)  # the prospect did nothing after its answers
    report = collect_report(store, PACKS, [], rep="Alex")
    by_id = {d.id: d for d in report.drills}
    assert (by_id[drill_id].cut_ins, by_id[drill_id].reactions, by_id[drill_id].add_ons) == (2, 1, 0)
    assert (by_id[quiet].cut_ins, by_id[quiet].reactions, by_id[quiet].add_ons) == (0, 0, 0)
    assert load_report_text(dump_report(report)) == report  # valid against the schema, read back the same

    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(report_text(report, "csv")))}
    assert (rows[str(drill_id)]["cut_ins"], rows[str(drill_id)]["reactions"], rows[str(drill_id)]["add_ons"]) == (
        "2", "1", "0")
    html = report_text(report, "html")
    assert html.count("<td>cut in 2, unsure 1</td>") == 1 and html.count("<td>-</td>") >= 1
    assert "Prospect: what the prospect did after the answers" in html

    # a report written before reports carried the acts: no such fields, read as not recorded, and merged
    older = json.loads(dump_report(report))
    for row in older["drills"]:
        for key in ("cut_ins", "reactions", "add_ons"):
            del row[key]
    (tmp_path / "older.json").write_text(json.dumps(older), encoding="utf-8")
    read = load_report_text((tmp_path / "older.json").read_text(encoding="utf-8"))
    assert {(d.cut_ins, d.reactions, d.add_ons) for d in read.drills} == {(None, None, None)}
    assert "Prospect: what" not in report_text(read, "html")
    team = merge_reports([tmp_path / "older.json"], NOW.date())
    assert [row.rep for row in team.rows] == ["Alex"] and team.errors == ()
