"""`trainer assign`, `assignments`, `report` and `team`: the coach's round trip through real drills."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from report_samples import sample_report
from tts_speech import compose

from trainer.cli import main
from trainer.core.assignments import assignments_dir
from trainer.core.packs import find_pack
from trainer.core.report_model import dump_report, load_report_text, report_json
from trainer.store.db import DATABASE_NAME

OLD_REPORT = Path(__file__).parent.parent / "data" / "report-0.1.0.json"  # written by RepDrill 0.1.0 (no rep_id)

ANSWER = ("I understand, it's a real number for three shops. Can I ask what you had in mind? "
          "It pays for itself in a few hours a week.")


def today():
    return date.today()


def run(capsys, *argv):
    """Exit code, stdout and stderr of one `trainer` command."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def database():
    connection = sqlite3.connect(os.path.join(os.environ["TRAINER_DATA"], DATABASE_NAME))
    connection.row_factory = sqlite3.Row
    return connection


def drill(capsys, folder, level, suds=None):
    compose([0.6, ANSWER, 0.5], folder / "01-answer.wav")
    extra = ["--suds", suds] if suds is not None else []
    code, out, err = run(capsys, "drill", "--pack", "price-and-budget", "--objection", "more-than-expected",
                         "--level", level, "--engine", "whisper", "--answers", folder, "--fast", "--json", *extra)
    assert code == 0, err
    return json.loads(out)["drill_id"]


@pytest.mark.slow
def test_assign_import_drill_report_numbers_match_the_database(tmp_path, capsys):
    due = today() + timedelta(days=7)
    assignment = tmp_path / "coach" / "sam.yaml"
    code, out, _ = run(capsys, "assign", "price-and-budget", "--to", "Sam Lee", "--due", due, "--level", 2,
                       "--drills", 2, "--by", "Kim Ortiz", "--out", assignment)
    assert code == 0 and out.startswith(f"wrote {assignment}: Sam Lee does 2 drill(s) of 'price-and-budget' at level 2")
    code, out, _ = run(capsys, "assignments", "import", assignment)
    assert code == 0 and (assignments_dir() / "price-and-budget--sam-lee.yaml").is_file()
    assert f"price-and-budget: 0 of 2 drills at level 2+ (you are at level 1) due {due} (in 7 days)" in out
    code, out, _ = run(capsys, "assignments", "import", assignment)  # imported twice: said, and still one copy
    assert code == 0 and out.splitlines()[0].endswith(" (you had this one already; nothing changed)")
    assert len(list(assignments_dir().iterdir())) == 1

    ids = [drill(capsys, tmp_path / "a1", 2, suds=60), drill(capsys, tmp_path / "a2", 1), drill(capsys, tmp_path / "a3", 2)]
    assert run(capsys, "suds", ids[0], "--after", 35)[0] == 0
    code, out, _ = run(capsys, "assignments")
    assert code == 0 and out.startswith("done - price-and-budget: 2 of 2 drills at level 2+")  # the level-1 drill does not count

    reports = tmp_path / "out"
    reports.mkdir()
    for kind in ("json", "html", "pdf", "csv"):
        code, out, _ = run(capsys, "report", "--out", reports / f"sam.{kind}")
        assert code == 0 and out.startswith(f"wrote {reports / f'sam.{kind}'} ({kind}): 3 drill(s)"), out
    report = load_report_text((reports / "sam.json").read_bytes())
    with database() as db:
        rows = db.execute("SELECT * FROM drills WHERE status = 'finished' ORDER BY started_at").fetchall()
        answers = db.execute("SELECT count(*) FROM turns WHERE status = 'scored'").fetchone()[0]
        minutes = db.execute("SELECT sum((julianday(ended_at) - julianday(started_at)) * 1440) FROM drills").fetchone()[0]
        rep_id = db.execute("SELECT value FROM meta WHERE key = 'rep_id'").fetchone()[0]
    assert [d.id for d in report.drills] == [r["id"] for r in rows] == ids
    assert [(d.level, d.score, d.talk_share, d.hesitations, d.suds_before, d.suds_after) for d in report.drills] == [
        (r["level"], r["score"], json.loads(r["metrics"])["talk_share"], json.loads(r["metrics"])["hesitations"],
         r["suds_before"], r["suds_after"]) for r in rows]
    s = report.summary
    assert (s.drills, s.abandoned, s.answers) == (3, 0, answers) == (3, 0, 3)
    assert s.minutes == pytest.approx(minutes, abs=0.01)
    assert s.mean_score == round(sum(r["score"] for r in rows) / 3, 1) and s.best_score == max(r["score"] for r in rows)
    assert s.hesitations == sum(json.loads(r["metrics"])["hesitations"] for r in rows) == 0  # answered after 0.6 s
    assert s.drills_last_7_days == 3
    assert report.rep == "Sam Lee"  # the name the assignment gives
    assert report.rep_id == rep_id and len(rep_id) == 32
    (progress,) = report.assignments
    assert (progress.drills_done, progress.status, progress.due, progress.assigned) == (2, "done", due, today())
    assert [(lv.pack, lv.level) for lv in report.levels] == [("price-and-budget", 1)]
    assert report.drills[0].suds_before == 60 and "drops 25 points" in " ".join(report.anxiety)
    html = (reports / "sam.html").read_text()
    assert html.count("data:image/png;base64,") == 3 and "Sam Lee" in html and ".wav" not in html
    pages = subprocess.run(["pdfinfo", reports / "sam.pdf"], capture_output=True, text=True, check=True).stdout
    assert "Pages:           3" in pages
    assert (reports / "sam.csv").read_text().count("\n") == 4  # header and three drills

    # The coach merges it with a report from RepDrill 0.1.0 and a malformed one.
    old = reports / "ana.json"
    shutil.copy(OLD_REPORT, old)
    broken = reports / "cy.json"
    broken.write_text((reports / "sam.json").read_text().replace('"drills": 3,', '"drills": "three",', 1))
    code, out, err = run(capsys, "team", reports / "sam.json", old, broken, "--sort", "week", "--reverse")
    assert code == 1
    table, notes = out.splitlines()[:3], out.splitlines()[3:]
    assert [line.split("  ")[0] for line in table] == ["Rep", "Sam Lee", "Ana Diaz"]  # 3 drills this week, then 0
    assert notes == [f"note: {old}: made by RepDrill 0.1.0, before reports carried a rep id: matched to other "
                     "reports by name", f"note: {old}: made by RepDrill 0.1.0 (report format 1), before reports carried "
                     "where the rep hesitates: no focus shown"]
    assert err.splitlines() == [
        f"{broken}: summary.drills: 'three' is not of type 'integer'",
        "trainer: error: merged 2 of 3 report(s); 1 could not be read (listed above)",
    ]


def test_import_lists_every_problem_at_its_line_and_imports_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: repdrill-assignment/1\npack: no-such-pack\nassigned: 2025-03-03\nassignment:\n"
                   "  assigned_by: Kim\n  assigned_to: Sam\n  target_level: 0\n")
    code, out, err = run(capsys, "assignments", "import", bad)
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0].startswith(f"{bad}:2:7: pack 'no-such-pack' is not installed here")
    assert lines[1:] == [f"{bad}:7:17: 'target_level' is 0, out of range - use 1 to 5",
                         f"trainer: error: {bad}: 2 problem(s); nothing imported"]
    assert not assignments_dir().exists()
    code, _, err = run(capsys, "assignments", "import", tmp_path / "missing.yaml")
    assert code == 1 and "missing.yaml:1:1: cannot read the file: No such file or directory" in err


def test_assign_checks_its_arguments_and_names_the_file_for_the_rep(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    due = today() + timedelta(days=3)
    code, _, err = run(capsys, "assign", "price-and-budget", "--to", "Sam", "--due", today() - timedelta(days=1))
    assert code == 1 and "is in the past" in err
    code, _, err = run(capsys, "assign", "price-and-budget", "--to", "Sam", "--due", due, "--level", 9)
    assert code == 1 and err == "trainer: error: --level 9: pack 'price-and-budget' has levels 1-5\n"
    code, _, err = run(capsys, "assign", "price-and-budgte", "--to", "Sam", "--due", due)
    assert code == 1 and "did you mean 'price-and-budget'" in err
    with pytest.raises(SystemExit):
        main(["assign", "price-and-budget", "--to", "Sam", "--due", "next week"])
    assert "'next week' is not a date - use YYYY-MM-DD" in capsys.readouterr().err
    code, out, _ = run(capsys, "assign", "price-and-budget", "--to", "Sam Lee", "--due", due)
    assert code == 0 and (tmp_path / "price-and-budget--sam-lee.assignment.yaml").is_file()
    assert "send it to Sam Lee, who runs: trainer assignments import price-and-budget--sam-lee.assignment.yaml" in out
    own = tmp_path / "own.yaml"
    own.write_text(open(find_pack("referrals").source).read().replace("id: referrals", "id: coach-own"))
    code, out, _ = run(capsys, "assign", own, "--to", "Sam", "--due", due)
    assert code == 0 and f"'coach-own' is not a built-in pack: send {own} along" in out


def test_assignments_list_flags_overdue_and_broken_files(capsys):
    folder = assignments_dir()
    folder.mkdir(parents=True)
    past = today() - timedelta(days=2)
    (folder / "late.yaml").write_text(
        f"format: repdrill-assignment/1\npack: referrals\nassigned: {past - timedelta(days=5)}\nassignment:\n"
        f"  assigned_by: Kim\n  assigned_to: Sam\n  due: {past}\n  drills_required: 3\n")
    (folder / "soon.yaml").write_text(
        f"format: repdrill-assignment/1\npack: managers\nassigned: {past}\nassignment:\n"
        f"  assigned_by: Kim\n  assigned_to: Sam\n  due: {today() + timedelta(days=1)}\n")
    (folder / "broken.yaml").write_text("format: repdrill-assignment/1\npack: referrals\n")
    code, out, _ = run(capsys, "assignments")
    assert code == 0
    assert out.splitlines() == [
        f"OVERDUE - referrals: 0 of 3 drills at level 1+ (you are at level 1) due {past} (2 days ago), from Kim",
        f"managers: 0 of 1 drills at level 1+ (you are at level 1) due {today() + timedelta(days=1)} (in 1 day), "
        "from Kim",
        f"! {folder / 'broken.yaml'}: broken - the file is missing required key 'assigned'; import a good copy again",
    ]
    code, out, _ = run(capsys, "assignments", "list", "--json")
    data = json.loads(out)
    assert [(a["pack"], a["status"], a["source"]) for a in data["assignments"]] == [
        ("referrals", "overdue", str(folder / "late.yaml")), ("managers", "open", str(folder / "soon.yaml"))]
    assert data["broken"][0]["file"] == str(folder / "broken.yaml") and len(data["broken"][0]["problems"]) == 2


def test_report_format_comes_from_the_file_name_or_is_asked_for(tmp_path, capsys):
    code, out, _ = run(capsys, "report", "--format", "json", "--out", "-", "--name", "Sam")
    report = load_report_text(out)
    assert code == 0 and (report.rep, report.summary.drills, report.drills) == ("Sam", 0, ())
    code, _, err = run(capsys, "report", "--out", tmp_path / "report.txt")
    assert code == 1 and "say which format with --format html|pdf|csv|json" in err
    code, _, err = run(capsys, "report", "--format", "pdf", "--out", "-")
    assert code == 1 and "a PDF cannot go to the terminal" in err
    code, out, _ = run(capsys, "report", "--out", tmp_path / "r.htm", "--pack", "referrals", "--since", "2025-01-01")
    assert code == 0 and "<h1>Practice report:" in (tmp_path / "r.htm").read_text()
    code, _, err = run(capsys, "report", "--out", tmp_path / "no-such-folder" / "r.json")
    assert code == 1 and "cannot write the report (No such file or directory)" in err


def test_team_names_other_format_versions_and_sets_older_reports_aside(tmp_path, capsys):
    sam, older_sam, ana = tmp_path / "sam.json", tmp_path / "sam-old.json", tmp_path / "ana.json"
    sam.write_text(dump_report(sample_report("Sam Lee")))
    older_sam.write_text(dump_report(sample_report("Sam Lee", until=date(2025, 3, 13))))
    ana.write_text(json.dumps(report_json(sample_report("Ana Diaz")) | {"format": "repdrill-report/0"}))
    code, out, err = run(capsys, "team", older_sam, sam, ana)
    assert code == 1
    assert [line.split("  ")[0] for line in out.splitlines()[:2]] == ["Rep", "Sam Lee"]
    assert out.splitlines()[2:] == [f"note: {older_sam}: an older report of Sam Lee (to 2025-03-13), set aside: "
                                    f"{sam.name} (to 2025-03-20) is shown"]
    assert err.splitlines() == [
        f"{ana}: made by an older RepDrill (format repdrill-report/0); this RepDrill reads repdrill-report/2 - ask "
        "Ana Diaz to update RepDrill and export the report again",
        "trainer: error: merged 1 of 3 report(s) (1 older report(s) of the same reps set aside); 1 could not be read "
        "(listed above)",
    ]
    code, out, err = run(capsys, "team", older_sam, sam, "--json")
    assert (code, err) == (0, "") and json.loads(out)["notes"] == [
        {"file": str(older_sam), "note": f"an older report of Sam Lee (to 2025-03-13), set aside: {sam.name} (to 2025-03-20) "
                                         "is shown"}]


def test_team_of_good_reports_exits_0_and_writes_csv(tmp_path, capsys):
    files = []
    for name in ("Sam Lee", "Ana Diaz"):
        files.append(tmp_path / f"{name.split()[0].lower()}.json")
        files[-1].write_text(dump_report(sample_report(name)))
    code, out, err = run(capsys, "team", *files, "--csv", tmp_path / "team.csv")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["Rep", "Assignments"] and [line[:8].strip() for line in lines[1:3]] == [
        "Ana Diaz", "Sam Lee"]
    assert lines[-1] == f"merged 2 of 2 report(s); CSV written to {tmp_path / 'team.csv'}"
    assert (tmp_path / "team.csv").read_text().splitlines()[0].startswith("rep,rep_id,report_day,assignments")
    code, out, _ = run(capsys, "team", tmp_path)  # a folder: its .json files
    assert code == 0 and out.splitlines()[-1] == "merged 2 of 2 report(s)"
    code, _, err = run(capsys, "team", tmp_path / "no-such-folder")
    assert code == 1 and "cannot read the file: No such file or directory" in err
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "team", tmp_path / "empty")
    assert code == 1 and err.startswith(f"trainer: error: no .json reports in {tmp_path / 'empty'} - reps make them")
    nowhere = tmp_path / "no-such-folder" / "team.csv"
    code, out, err = run(capsys, "team", *files, "--csv", nowhere)
    assert code == 1 and err == (f"trainer: error: {nowhere}: cannot write the CSV (No such file or directory); "
                                 "choose another file\n")
    assert not nowhere.parent.exists()
    code, out, _ = run(capsys, "team", *files, "--json", "--sort", "rep", "--reverse")
    rows = json.loads(out)["rows"]
    assert code == 0 and [r["rep"] for r in rows] == ["Sam Lee", "Ana Diaz"] and rows[0]["assignments"].endswith("OVERDUE")


def test_starting_the_cli_does_not_load_matplotlib():
    code = ("import sys, trainer.reports; from trainer.cli import build_parser; build_parser(); "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
