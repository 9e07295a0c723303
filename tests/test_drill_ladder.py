"""Headless drills use the ladder, the bank, the schedule and SUDS (issue 6, item 5).

Real parts throughout: answers spoken by the project's TTS stand in for the microphone,
the bundled Whisper engine transcribes them, the drill runs on a virtual clock
(`trainer drill --fast`) and everything lands in a real SQLite store.
"""

import json

import pytest
from practice_pack import demo_pack, install_pack
from tts_speech import compose

from trainer.cli import main
from trainer.store.db import Store

pytestmark = pytest.mark.slow

OPENER = "I hear you. Could you tell me what it would need to pay back?"
ANSWER = "I hear you, that is fair. What would it need to pay back for you?"
MODEL_ANSWER = demo_pack().objection("too-expensive").model_answer
DRILL = ["drill", "--pack", "practice-demo", "--engine", "whisper", "--fast"]


@pytest.fixture
def answers(isolated_dirs, tmp_path):
    """The practice pack installed, and a folder with one spoken answer."""
    install_pack(isolated_dirs / "data")
    folder = tmp_path / "answers"
    folder.mkdir()
    compose([0.6, ANSWER, 0.5], folder / "01-answer.wav")
    return folder


def drill(capsys, *argv):
    """Run `trainer drill ... --json`; the exit code and the JSON document."""
    code = main([*DRILL, *argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out), out


def test_a_headless_drill_at_level_2_shows_the_bank_entry_not_the_model_answer(answers, capsys):
    assert main(["bank", "add", "--pack", "practice-demo", "--objection", "too-expensive", "--text", OPENER]) == 0
    assert main(["level", "--pack", "practice-demo", "--set", "2"]) == 0
    capsys.readouterr()
    code, result, out = drill(capsys, "--objection", "too-expensive", "--level", "2", "--answers", str(answers),
                              "--suds", "60")
    assert code == 0 and result["level"] == 2
    [turn] = result["turns"]
    assert turn["help"] == {"kind": "bank", "text": OPENER, "entry_id": 1, "tip": "Ask what it needs to pay back."}
    assert MODEL_ANSWER not in out
    with Store() as store:
        assert store.drill(result["drill_id"]).suds_before == 60
    progress = result["progress"]
    assert [(r["objection"], r["score"]) for r in progress["schedule"]] == [("too-expensive", turn["score"])]
    pack, price = progress["ladder"]  # the pack's level and its price category's
    assert pack["category"] is None and price["category"] == "price"
    assert pack["level"] == price["level"] == 2 and pack["action"] == price["action"] == "hold"
    assert " of your 1 level-2 drill so far scored 70+" in pack["reason"]
    assert " of your 1 level-2 price drill so far scored 70+" in price["reason"]
    offered = [o["turn_id"] for o in progress["bank_offers"]]
    assert offered == ([] if turn["score"] < 80 else [offered[0]])


def test_level_one_shows_the_model_answer_and_readable_output_says_what_follows(answers, capsys):
    assert main([*DRILL, "--objection", "too-expensive", "--level", "1", "--answers", str(answers)]) == 0
    out = capsys.readouterr().out
    assert f"  Model answer: {MODEL_ANSWER}" in out
    assert "Schedule: too-expensive again " in out
    assert "Ladder (the pack): " in out  # one line per ladder the drill moves, each saying which
    assert "Ladder (price objections): " in out


def test_without_a_level_the_drill_is_at_the_reps_level_and_picks_from_the_schedule(answers, capsys):
    assert main(["level", "--pack", "practice-demo", "--set", "2"]) == 0
    capsys.readouterr()
    code, result, _ = drill(capsys, "--answers", str(answers), "--seed", "4")
    assert code == 0 and result["level"] == 2
    [turn] = result["turns"]
    assert turn["objection"] in {"no-budget", "too-busy"}  # new at level 2 come before those below it
    assert turn["help"]["kind"] == "none" and "no opener banked" in turn["help"]["text"]
