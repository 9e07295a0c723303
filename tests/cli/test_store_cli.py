"""`trainer history`, `trainer db check` and `trainer db backup`."""

import json
import subprocess
import sys

import numpy as np
import pytest

from trainer.cli import main
from trainer.store.db import Store
from trainer.store.recordings import RecordingWriter


@pytest.fixture
def stored_drills():
    """Two finished drills of two packs; the second has one scored turn with a reason."""
    with Store() as store:
        first = store.start_drill("sales-basics", 1, pack_version="1.0")
        store.finish_drill(first, outcome="lost", score=41.0)
        second = store.start_drill("renewals", 3, pack_version="2.1", suds_before=70)
        turn = store.begin_turn(second, objection_id="too-expensive", node_id="budget", prospect_line="We have no budget.")
        with RecordingWriter(turn.recording) as writer:
            writer.write(np.zeros(1600, np.int16))
        store.commit_turn(
            turn.turn_id, transcript="I understand, what would change that", words=[], score=77.0,
            reasons=[{"points_lost": 23, "text": "Propose a next step.", "component": "rubric"}],
        )
        store.finish_drill(second, outcome="meeting_booked", score=77.0, suds_after=40)
    return first, second


def test_history_lists_drills_newest_first(stored_drills, capsys):
    first, second = stored_drills
    assert main(["history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "started", "pack", "lvl", "status", "outcome", "score", "turns"]
    assert lines[1].split()[0] == str(second) and lines[1].split()[3:] == ["renewals", "3", "finished", "meeting_booked", "77", "1"]
    assert lines[2].split()[0] == str(first) and lines[2].split()[3:] == ["sales-basics", "1", "finished", "lost", "41", "0"]


def test_history_json_and_pack_filter(stored_drills, capsys):
    first, _ = stored_drills
    assert main(["history", "--json", "--pack", "sales-basics"]) == 0
    [drill] = json.loads(capsys.readouterr().out)
    assert (drill["id"], drill["outcome"], drill["score"], drill["turns"]) == (first, "lost", 41.0, [])


def test_history_of_one_drill_shows_its_turns(stored_drills, capsys):
    _, second = stored_drills
    assert main(["history", str(second)]) == 0
    out = capsys.readouterr().out
    assert "anxiety (SUDS): before 70, after 40" in out
    assert "turn 1 [too-expensive/budget] scored, score 77" in out
    assert "  you: I understand, what would change that" in out
    assert "  -23: Propose a next step." in out
    assert main(["history", str(second), "--json"]) == 0
    drill = json.loads(capsys.readouterr().out)
    assert drill["turns"][0]["reasons"] == [{"points_lost": 23.0, "text": "Propose a next step.", "component": "rubric"}]


def test_history_when_nothing_is_stored(capsys):
    assert main(["history"]) == 0
    assert "no drills stored yet" in capsys.readouterr().out


def test_an_unknown_drill_is_a_one_line_error(capsys):
    assert main(["history", "42"]) == 1
    assert capsys.readouterr().err == "trainer: error: there is no drill 42; `trainer history` lists the stored drills\n"


def test_db_check_passes_then_fails_on_an_orphan(stored_drills, capsys, isolated_dirs):
    assert main(["db", "check"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "ok"
    orphan = isolated_dirs / "data" / "recordings" / "7" / "turn-1-rep.wav"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"")
    assert main(["db", "check", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert (report["ok"], report["orphan_recordings"]) == (False, ["recordings/7/turn-1-rep.wav"])


def test_db_backup_writes_a_copy_and_keeps_n(capsys, isolated_dirs):
    for _ in range(3):
        assert main(["db", "backup", "--keep", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert all(line.startswith(f"backup written: {isolated_dirs / 'data' / 'backups'}") for line in out)
    assert len(list((isolated_dirs / "data" / "backups").iterdir())) == 2


def test_db_backup_refuses_to_keep_none(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["db", "backup", "--keep", "0"])
    assert exit_info.value.code == 2
    assert "must be at least 1, not 0" in capsys.readouterr().err


def test_an_unusable_data_folder_exits_1_with_the_folder_and_fix(isolated_dirs, monkeypatch):
    (isolated_dirs / "file").write_text("x")
    monkeypatch.setenv("TRAINER_DATA", str(isolated_dirs / "file" / "data"))
    done = subprocess.run([sys.executable, "-m", "trainer", "history"], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.startswith(f"trainer: error: {isolated_dirs / 'file' / 'data'}: cannot write there")
    assert "--data-dir or $TRAINER_DATA" in done.stderr and "Traceback" not in done.stderr
