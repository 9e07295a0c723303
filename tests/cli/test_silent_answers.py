"""Null, not zero (issue 14): a drill whose answer has no speech shows "no answer" everywhere it is read.

A real drill (Whisper, an answer file of silence) is stored, then read back through the
database, `trainer report` (JSON, CSV, HTML) and `trainer team`: pace, fillers per
minute and airtime are null (empty in CSV, "no answer" in HTML), never 0.
"""

import csv
import json
import os
import sqlite3

import numpy as np
import pytest

from trainer.cli import main
from trainer.core.team import read_report_file
from trainer.speech import wavs
from trainer.store.db import DATABASE_NAME

pytestmark = pytest.mark.slow

SPEECH_METRICS = ("wpm", "fillers_per_min", "airtime_ratio")


def run(capsys, *argv):
    """Exit code, stdout and stderr of one `trainer` command."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def silent_drill(tmp_path, capsys):
    """A level-3 drill answered with 4 s of silence; its JSON output."""
    folder = tmp_path / "answers"
    folder.mkdir()
    wavs.write_wav(folder / "01-silence.wav", np.zeros(4 * wavs.ENGINE_RATE, np.int16))
    code, out, err = run(capsys, "drill", "--pack", "price-and-budget", "--objection", "more-than-expected",
                         "--level", 3, "--engine", "whisper", "--answers", folder, "--fast", "--json")
    assert code == 0, err
    return json.loads(out)


def test_a_silent_answer_is_null_in_the_drill_and_the_database(silent_drill):
    [turn] = silent_drill["turns"]
    assert turn["transcript"] == "" and turn["metrics"]["hesitation"] is True
    assert {key: turn["metrics"][key] for key in SPEECH_METRICS} == dict.fromkeys(SPEECH_METRICS)
    assert {key: silent_drill["metrics"][key] for key in ("wpm", "fillers_per_min")} == {
        "wpm": None, "fillers_per_min": None}
    connection = sqlite3.connect(os.path.join(os.environ["TRAINER_DATA"], DATABASE_NAME))
    [(turn_metrics,)] = connection.execute("SELECT metrics FROM turns").fetchall()
    [(drill_metrics,)] = connection.execute("SELECT metrics FROM drills").fetchall()
    connection.close()
    assert {key: json.loads(turn_metrics)[key] for key in SPEECH_METRICS} == dict.fromkeys(SPEECH_METRICS)
    assert (json.loads(drill_metrics)["wpm"], json.loads(drill_metrics)["fillers_per_min"]) == (None, None)


def test_a_silent_drill_reads_no_answer_in_the_report_and_the_team_table(silent_drill, tmp_path, capsys):
    out = {form: tmp_path / f"report.{form}" for form in ("json", "csv", "html")}
    for form, path in out.items():
        code, _, err = run(capsys, "report", "--format", form, "--out", path, "--name", "Sam Lee")
        assert code == 0, err
    [drill] = json.loads(out["json"].read_text())["drills"]
    assert (drill["wpm"], drill["fillers_per_min"]) == (None, None)
    rows = [row for row in csv.DictReader(out["csv"].open(encoding="utf-8")) if row.get("drill_id") or row]
    cells = {key: value for row in rows for key, value in row.items() if "wpm" in key or "filler" in key}
    assert cells and set(cells.values()) == {""}, rows
    html = out["html"].read_text(encoding="utf-8")
    assert html.count("<td>no answer</td>") == 2  # the drill's pace and fillers per minute
    code, text, err = run(capsys, "team", out["json"], "--json")
    assert (code, err) == (0, "")
    [row] = json.loads(text)["rows"]
    assert (row["rep"], row["week"], row["hesitation"]) == ("Sam Lee", "1", "100%")
    merged = read_report_file(out["json"])  # what the team merge reads: still null, never 0
    assert [(d.wpm, d.fillers_per_min) for d in merged.drills] == [(None, None)]
