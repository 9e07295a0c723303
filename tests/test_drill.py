"""The drill runner end to end: TTS-spoken answers as the microphone, the real Whisper engine, real SQLite.

Drills run on a virtual clock (as `trainer drill --fast` does), so a turn takes only
the engine's time. The built-in price-and-budget pack's "more-than-expected"
objection branches on the moves an answer covers (opening: `ask` -> compared-to;
compared-to: `ask` and `value` -> four-hours, otherwise "money is tight").
"""

import subprocess
import sys
from dataclasses import replace

import drill_runs
import numpy as np
import pytest
import soundfile
from tts_speech import compose

from trainer.core.levels import level_rules
from trainer.core.packs import find_pack
from trainer.drill.plan import plan_drill
from trainer.drill.events import (
    ANSWERS_RAN_OUT,
    STOPPED_BY_REP,
    DrillDidFinish,
    DrillDidStart,
    LineDidPlay,
    LineWillPlay,
    RepTurnStarted,
    SpeechDidStart,
    TurnDidEnd,
    TurnScored,
)
from trainer.speech import tts
from trainer.speech.endpoint import CUT_IN, SILENCE, WINDOW
from trainer.speech.whisper_engine import WhisperEngine

pytestmark = pytest.mark.slow

ASKS = "I understand, it's a real number for three shops. Can I ask what you had in mind?"
ASKS_WITHOUT_VALUE = "That makes sense. How long does that take you?"
RAMBLING = [0.5] + ["We help bakeries like yours plan every shift and cut the overtime", 0.3] * 3
MONEY_IS_TIGHT = "Lucia agrees it's tiring but says money is tight. No decision."


def answers(folder, *parts_per_answer):
    """One WAV per answer: `compose` parts (leading silence = the rep's response latency)."""
    folder.mkdir(exist_ok=True)
    return [compose(parts, folder / f"{n:02d}.wav") for n, parts in enumerate(parts_per_answer, 1)]


def run_drill(tmp_path, pack, whisper, spoken, *, level=4, rules=None, on_event=None, seed=7):
    """The 'more-than-expected' objection at `level` answered by `spoken`; (result, stored, events, report)."""
    plan = plan_drill(pack, level, "more-than-expected", seed=seed)
    if rules is not None:
        plan = replace(plan, rules=rules)
    return drill_runs.run_drill(tmp_path, plan, whisper, [s.path for s in spoken], on_event=on_event)


def test_a_branching_drill_follows_the_moves_covered_and_stores_everything(tmp_path, pack, whisper, monkeypatch):
    rendered = []
    real_render = tts.render
    monkeypatch.setattr(tts, "render", lambda text, *a, **k: rendered.append(text) or real_render(text, *a, **k))
    spoken = answers(tmp_path / "answers", [0.8, ASKS, 1.0], [0.5, ASKS_WITHOUT_VALUE, 1.0])

    result, stored, events, report = run_drill(tmp_path, pack, whisper, spoken)

    # the script: the first answer asked -> follow-up; the second asked but gave no value -> the drill ends
    objection = pack.objection("more-than-expected")
    assert [t.node_id for t in result.turns] == ["more-than-expected", "compared-to"]
    assert [t.next_node for t in result.turns] == ["compared-to", None]
    assert "ask" in result.turns[0].covered
    assert {"ask"} <= result.turns[1].covered and "value" not in result.turns[1].covered
    assert (result.status, result.outcome, result.stop_reason) == ("finished", MONEY_IS_TIGHT, None)
    # every line the first answer could lead to was rendered while the rep talked
    assert set(objection.follow_ups["compared-to"].lines) <= set(rendered)

    # what was heard, timed by the VAD on the drill clock
    first, second = result.turns
    assert "can i ask" in first.transcript.lower()
    assert first.end_reason == SILENCE and first.barge_ins == 0
    latency = first.assessment.metrics.latency_s
    assert latency == pytest.approx(0.8, abs=0.1)  # the answer file's leading silence
    assert first.spans[0].start == pytest.approx(first.prospect_end + 0.8, abs=0.1)
    assert first.spans[-1].end == pytest.approx(first.prospect_end + spoken[0].spans[0].end, abs=0.1)
    assert first.rep_end == pytest.approx(first.spans[-1].end + 0.25, abs=0.1)  # a finished question: 250 ms
    assert all(first.rep_start <= w.start <= w.end <= first.rep_end + 0.05 for w in first.words)
    assert second.prospect_start >= first.rep_end

    # stored: the drill, turns, words, scores, reasons, timings and recordings on disk
    assert (stored.status, stored.outcome, stored.level, stored.engine) == ("finished", MONEY_IS_TIGHT, 4, "whisper")
    assert stored.score == result.card.score and 0 < stored.score <= 100
    assert stored.metrics["talk_share"] == pytest.approx(result.metrics.talk_share, abs=1e-3)
    assert [(t.number, t.status, t.node_id) for t in stored.turns] == [
        (1, "scored", "more-than-expected"), (2, "scored", "compared-to")]
    for turn, stored_turn in zip(result.turns, stored.turns):
        assert stored_turn.score == turn.assessment.card.score
        assert [w.text for w in stored_turn.words] == [w.text for w in turn.words] and stored_turn.words
        assert [r.text for r in stored_turn.reasons] == [r.text for r in turn.assessment.card.reasons]
        assert set(stored_turn.covered) == turn.covered
        assert stored_turn.prospect_line == turn.line
        assert stored_turn.prospect_end == pytest.approx(turn.prospect_end)
        samples, rate = soundfile.read(str(stored_turn.recording), dtype="int16")
        assert rate == 16_000
        assert len(samples) / rate == pytest.approx(turn.rep_end - turn.rep_start, abs=0.001)
        assert np.abs(samples).max() > 1000  # the answer is in it
        timings = stored_turn.timings
        assert timings.end_of_turn <= timings.transcript_final <= timings.score_ready
    assert stored.turns[0].timings.next_audio_start == pytest.approx(result.turns[1].prospect_start, abs=0.3)
    assert stored.turns[1].timings.next_audio_start is None  # no line after the last answer
    assert report.ok and not report.recovered_turns

    # the events, in order, for a UI to follow
    names = [e.name for e in events if e.name not in ("level_meter", "partial_transcript")]
    per_turn = ["line_will_play", "rep_turn_started", "line_did_play", "speech_did_start", "turn_did_end", "turn_scored"]
    assert names == ["drill_did_start", *per_turn, *per_turn, "drill_did_finish"]
    assert isinstance(events[0], DrillDidStart) and isinstance(events[-1], DrillDidFinish)
    assert [e.line for e in events if isinstance(e, LineWillPlay)] == [t.line for t in result.turns]
    assert [e.recording for e in events if isinstance(e, RepTurnStarted)] == [t.recording for t in result.turns]
    played = [e for e in events if isinstance(e, LineDidPlay)]
    assert [(p.start, p.end) for p in played] == [(t.prospect_start, t.prospect_end) for t in result.turns]
    assert any(e.name == "level_meter" and e.peak > 0.05 for e in events)
    assert [e.result for e in events if isinstance(e, TurnScored)][0].turn_id == result.turns[0].turn_id


def test_stop_during_an_answer_keeps_it_as_a_recoverable_recording(tmp_path, pack, whisper):
    spoken = answers(tmp_path / "answers", [0.5, ASKS, 1.0], [0.5, ASKS_WITHOUT_VALUE, 1.0])

    def stop_in_the_second_answer(event, runner):
        if isinstance(event, SpeechDidStart) and event.turn == 2:
            runner.stop()

    result, stored, events, report = run_drill(tmp_path, pack, whisper, spoken, on_event=stop_in_the_second_answer)
    assert (result.status, result.stop_reason, result.outcome) == ("abandoned", STOPPED_BY_REP, None)
    assert [t.number for t in result.turns] == [1]
    assert [(t.number, t.status) for t in stored.turns] == [(1, "scored"), (2, "recovered")]
    kept = stored.turns[1].recording
    assert soundfile.info(str(kept)).duration > 0.5
    assert stored.status == "abandoned" and stored.score == result.card.score
    assert [e.reason for e in events if isinstance(e, TurnDidEnd)] == [SILENCE, "stopped"]
    assert report.ok and [(t.turn_number, t.recording) for t in report.recovered_turns] == [
        (2, kept.relative_to(kept.parents[2]).as_posix())]


def test_the_drill_ends_cleanly_when_the_answers_run_out(tmp_path, pack, whisper):
    spoken = answers(tmp_path / "answers", [0.5, ASKS, 1.0])
    result, stored, events, report = run_drill(tmp_path, pack, whisper, spoken)
    assert (result.status, result.stop_reason) == ("abandoned", ANSWERS_RAN_OUT)
    assert [(t.number, t.status) for t in stored.turns] == [(1, "scored")]  # no line without an answer to come
    assert sum(isinstance(e, LineWillPlay) for e in events) == 1
    assert report.ok


def test_the_answer_window_cuts_a_rambling_answer(tmp_path, pack, whisper):
    spoken = answers(tmp_path / "answers", RAMBLING)
    rules = replace(level_rules(3), answer_window_s=4.0)
    result, stored, _, _ = run_drill(tmp_path, pack, whisper, spoken, level=3, rules=rules)
    [turn] = result.turns
    assert turn.end_reason == WINDOW
    assert turn.rep_end == pytest.approx(turn.prospect_end + 4.0, abs=0.021)
    assert turn.spans[-1].end <= turn.rep_end + 1e-6
    assert result.outcome is not None  # one answer at level 3: the script ends there
    assert stored.turns[0].status == "scored"


def test_at_the_gauntlet_level_the_prospect_cuts_in_on_a_monologue(tmp_path, pack, whisper):
    spoken = answers(tmp_path / "answers", RAMBLING, [0.5, ASKS_WITHOUT_VALUE, 1.0])
    rules = replace(level_rules(5), cut_in_after_s=3.0)
    result, _, events, _ = run_drill(tmp_path, pack, whisper, spoken, level=5, rules=rules)
    first = result.turns[0]
    assert first.end_reason == CUT_IN
    speech_start = first.spans[0].start
    assert first.rep_end == pytest.approx(speech_start + 3.0, abs=0.05)
    assert [e.reason for e in events if isinstance(e, TurnDidEnd)][0] == CUT_IN


def test_plans_pick_objections_for_the_level(pack):
    lowest = plan_drill(pack, seed=1)
    assert lowest.rules.level == 1 and len(lowest.objections) == 1 and lowest.objections[0].level == 1
    live = plan_drill(pack, 3, seed=1)
    assert [o.level for o in live.objections] == [3] and live.rules.answer_window_s == 30
    assert plan_drill(pack, 3, seed=1) == live  # a seed repeats the drill
    gauntlet = plan_drill(pack, 5, seed=2)  # the pack's one level-5 objection, then level-4 ones
    assert len(gauntlet.objections) == level_rules(5).objections_per_drill == 3
    assert [o.level for o in gauntlet.objections] == [5, 4, 4]
    assert gauntlet.objections[0].id == "board-froze-spend"
    assert {o.id for o in gauntlet.objections[1:]} == {"twenty-percent-off", "prove-the-roi"}
    own = plan_drill(pack, objection_id="prove-the-roi")
    assert (own.rules.level, [o.id for o in own.objections]) == (4, ["prove-the-roi"])


def test_importing_the_runner_loads_no_qt_audio_library_or_engine():
    code = (
        "import sys, trainer.drill.runner, trainer.drill.events\n"
        "print([m for m in ('PySide6', 'sounddevice', 'vosk', 'pyttsx3', 'faster_whisper') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


OWN_WORDS_ASK = ("Yeah, that's a fair reaction, it's real money for three shops. "
                 "Out of curiosity, what figure did you have in your head?")


def test_an_answer_in_the_reps_own_words_takes_the_branch_its_moves_earn(tmp_path, pack, whisper):
    from trainer.meaning.recogniser import shared_recogniser

    if shared_recogniser().method != "meaning":
        pytest.skip("the meaning model is not installed (pip install -e '.[meaning]'): moves are judged by cue")
    spoken = answers(tmp_path / "answers", [0.6, OWN_WORDS_ASK, 1.0])

    result, stored, _, _ = run_drill(tmp_path, pack, whisper, spoken)

    # no cue phrase of the opening's `ask` is said, yet the question earns it: on to "compared-to"
    first = result.turns[0]
    assert {"acknowledge", "ask"} <= first.covered, first.transcript
    assert first.next_node == "compared-to"
    assert stored.turns[0].rubric_method == "meaning"
    assert "figure" in stored.turns[0].evidence("ask")
