"""A drill from answer files and `trainer score` on Vosk in English, chosen by default.

The English model (vosk-model-small-en-us-0.15, from Maven Central's AAR) is installed in
the test's models folder; no `--engine` is given, so these also check that Vosk is the
default once an English Vosk model is installed. Vosk's words are lower case, without
punctuation, numbers as words: the rubric and metrics must work on them as on Whisper's.
"""

import json
import os
import subprocess
import sys

import pytest
from tts_speech import compose

from trainer.cli import main
from trainer.store.db import Store

pytestmark = pytest.mark.slow

# The drill of tests/cli/test_drill_cli.py: the script's path depends on the moves heard.
PACK = ["--pack", "price-and-budget", "--objection", "more-than-expected", "--level", "4"]
ASKS = "I understand, it's a real number for three shops. Can I ask what you had in mind?"
GIVES_VALUE = "That makes sense. How many hours does it take you on a Sunday? Your time is worth something too."
NEXT_STEP = "So that's four hours every week. Why don't we start with one shop for the first month?"
TRIAL = "Lucia agrees to a one-shop trial starting Monday."
SCORED = "I hear you. Can I ask how you handle scheduling today?"


def test_a_drill_from_answer_files_runs_on_vosk_english(tmp_path, english_vosk_installed, capsys):
    folder = tmp_path / "answers"
    folder.mkdir()
    for number, text in enumerate([ASKS, GIVES_VALUE, NEXT_STEP], 1):
        compose([0.6, text, 0.5], folder / f"{number:02d}-answer.wav")
    # The default end of turn: the end-of-turn model reads Vosk's partial words (no punctuation)
    # and holds the turn open over espeak's pauses between sentences.
    argv = ["drill", *PACK, "--answers", str(folder), "--fast", "--seed", "3", "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["engine"] == "vosk"
    assert [turn["node"] for turn in result["turns"]] == ["more-than-expected", "compared-to", "four-hours"]
    assert (result["status"], result["outcome"]) == ("finished", TRIAL)
    assert {"acknowledge", "ask"} <= set(result["turns"][0]["covered"])
    assert "next_step" in result["turns"][2]["covered"]
    for turn in result["turns"]:
        words = [word["text"] for word in turn["words"]]
        assert len(words) >= 10 and all(word == word.lower() and word.isascii() for word in words)
        assert not any(mark in turn["transcript"] for mark in ".,?!")  # Vosk does not punctuate
        assert turn["metrics"]["latency_s"] == pytest.approx(0.6, abs=0.1)
        assert isinstance(turn["score"], int)
    with Store() as store:
        stored = store.drill(result["drill_id"])
        assert [turn.status for turn in stored.turns] == ["scored"] * 3


def test_trainer_score_uses_vosk_english_by_default(tmp_path, english_vosk_installed):
    answer = compose([0.8, SCORED, 0.5], tmp_path / "answer.wav").path
    run = subprocess.run(
        [sys.executable, "-m", "trainer", "score", str(answer), "--pack", "cold-call-brush-offs",
         "--objection", "not-interested", "--prospect-end", "0.3", "--json"],
        capture_output=True, text=True, timeout=300, env=os.environ.copy(),
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["engine"] == "vosk"
    assert "can i ask how you handle scheduling today" in result["transcript"]  # measured: the whole question
    assert result["rubric"]["ask"] is True
    assert result["metrics"]["questions"] == 1 and result["metrics"]["latency_s"] == pytest.approx(0.5, abs=0.15)
    assert result["words"][0]["start"] == pytest.approx(0.8, abs=0.15)
    assert isinstance(result["score"], int) and 0 <= result["score"] <= 100


def test_trainer_score_scores_several_files_in_one_run(tmp_path, english_vosk_installed):
    # One Vosk recognizer hears them one after another: each file's words are timed from its own start.
    first = compose([0.8, SCORED, 0.5], tmp_path / "first.wav").path
    second = compose([1.6, SCORED, 0.5], tmp_path / "second.wav").path
    run = subprocess.run(
        [sys.executable, "-m", "trainer", "score", str(first), str(second), "--pack", "cold-call-brush-offs",
         "--objection", "not-interested", "--json"],
        capture_output=True, text=True, timeout=300, env=os.environ.copy(),
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert [r["audio"]["path"] for r in results] == [str(first), str(second)]
    assert [r["engine"] for r in results] == ["vosk", "vosk"]
    for result, silence in zip(results, (0.8, 1.6)):
        assert "can i ask how you handle scheduling today" in result["transcript"]
        assert result["words"][0]["start"] == pytest.approx(silence, abs=0.15)
        assert result["metrics"]["latency_s"] == pytest.approx(silence, abs=0.15)
        assert result["rubric"]["ask"] is True
