"""`trainer score`: the issue's JSON shape, readable output, and one-line errors for wrong input."""

import json
import subprocess
import sys

import pytest

from tts_speech import compose

ANSWER = "I hear you. Can I ask how you handle scheduling today?"


def trainer(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "trainer", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory):
    return compose([0.8, ANSWER, 0.5], tmp_path_factory.mktemp("score") / "answer.wav").path


def _check_shape(result: dict) -> None:
    assert result["engine"] in ("vosk", "whisper")
    assert set(result["audio"]) >= {"path", "duration_s"} and isinstance(result["audio"]["duration_s"], float)
    assert isinstance(result["transcript"], str)
    for word in result["words"]:
        assert set(word) >= {"text", "start", "end"}
        assert isinstance(word["text"], str) and isinstance(word["start"], float) and isinstance(word["end"], float)
    metric_types = {
        "talk_s": float, "wpm": float, "latency_s": (float, type(None)), "hesitation": bool,
        "longest_monologue_s": float, "fillers": int, "fillers_per_min": float, "hedges": int, "questions": int,
    }
    for key, kind in metric_types.items():
        assert isinstance(result["metrics"][key], kind), key
    assert isinstance(result["reasons"], list) and all(isinstance(r, str) for r in result["reasons"])


def test_json_with_a_pack_objection(answer_wav):
    run = trainer("score", str(answer_wav), "--pack", "cold-call-brush-offs", "--objection", "not-interested",
                  "--prospect-end", "0.3", "--engine", "whisper", "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    _check_shape(result)
    assert result["rubric"] == {"acknowledge": True, "reason": False, "ask": True}
    assert isinstance(result["score"], int) and 0 <= result["score"] <= 100
    assert any(r.startswith("Missed: reason") for r in result["reasons"])
    assert result["metrics"]["latency_s"] == pytest.approx(0.5, abs=0.15)
    assert result["metrics"]["questions"] == 1


def test_json_without_a_pack_has_metrics_but_no_score(answer_wav):
    run = trainer("score", str(answer_wav), "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    _check_shape(result)
    assert result["rubric"] is None and result["score"] is None and result["reasons"] == []
    assert result["metrics"]["latency_s"] == pytest.approx(0.8, abs=0.15)


def test_several_files_are_scored_in_order_each_on_its_own_clock(answer_wav, tmp_path):
    later = compose([1.6, ANSWER, 0.5], tmp_path / "later.wav").path
    run = trainer("score", str(answer_wav), str(later), "--engine", "whisper", "--json")
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert [r["audio"]["path"] for r in results] == [str(answer_wav), str(later)]
    for result, silence in zip(results, (0.8, 1.6)):
        _check_shape(result)
        assert result["metrics"]["latency_s"] == pytest.approx(silence, abs=0.15)
    text = trainer("score", str(answer_wav), str(later), "--engine", "whisper")
    assert text.returncode == 0, text.stderr
    assert text.stdout.count("== ") == 2 and f"== {later} ==" in text.stdout and text.stdout.count("Heard (whisper)") == 2


def test_a_bad_file_among_several_stops_before_the_engine_loads(answer_wav):
    run = trainer("score", str(answer_wav), __file__, "--engine", "whisper")
    assert run.returncode == 1 and run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "not a readable WAV" in lines[0] and __file__ in lines[0]


def test_readable_output_names_score_and_moves(answer_wav):
    run = trainer("score", str(answer_wav), "--pack", "cold-call-brush-offs", "--objection", "not-interested")
    assert run.returncode == 0, run.stderr
    assert "Score:" in run.stdout and "✗ reason" in run.stdout and "✓ ask" in run.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.wav"], "no such audio file"),
        ([__file__], "not a readable WAV"),
        (["{wav}", "--pack", "no-such-pack", "--objection", "x"], "no pack with id"),
        (["{wav}", "--pack", "cold-call-brush-offs", "--objection", "nope"], "has no objection 'nope'"),
        (["{wav}", "--objection", "not-interested"], "--objection needs --pack"),
        (["{wav}", "--prospect-end", "-1"], "--prospect-end"),
        (["{wav}", "--engine", "vosk"], "no Vosk model is installed"),
    ],
)
def test_wrong_input_exits_non_zero_with_one_line(answer_wav, args, message):
    run = trainer("score", *[a.format(wav=answer_wav) for a in args])
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("trainer: error:") and message in lines[0]


def test_unknown_engine_is_a_usage_error(answer_wav):
    run = trainer("score", str(answer_wav), "--engine", "siri")
    assert run.returncode == 2 and "invalid choice" in run.stderr
