"""The answer is due after the line, its preparation time, or its repeat (issue 14 items 2 and 3).

Real drills on a virtual clock (as `trainer drill --fast` runs them): TTS-spoken answers
as the microphone, the real Whisper engine, real SQLite. Response latency runs from when
the answer was due: the line's end, the end of the level's preparation time after it, or
the end of the line played again at the rep's request (R in the app), so waiting out a
repeat is never a hesitation.
"""

import json

import pytest
from tts_speech import compose

from trainer.drill.answer_source import AnswerFiles
from trainer.cli import main
from trainer.core.levels import level_persona
from trainer.core.packs import find_pack
from trainer.drill.runner import DrillRunner
from trainer.drill.events import LineDidPlay, LineDidRepeat
from trainer.drill.plan import plan_drill
from trainer.speech import tts
from trainer.speech.audio import AudioClock
from trainer.speech.audio_out import FileOutput
from trainer.speech.whisper_engine import WhisperEngine
from trainer.store.db import Store

pytestmark = pytest.mark.slow

ANSWER = "I understand, it's a real number for three shops. Can I ask what you had in mind?"
TIMING_TOLERANCE_S = 0.1  # VAD onset (10 ms frames, a 30 ms run) and 20 ms input chunks


def rendered_line(pack, plan):
    """The first line of the plan as the runner renders it (the level's voice; the render is cached)."""
    objection = plan.objections[0]
    voice = level_persona(pack.personas[objection.persona], plan.rules).voice
    return tts.render(objection.lines[0], voice.language, gender=voice.gender, rate=voice.rate, pitch=voice.pitch)


def run(tmp_path, pack, whisper, plan, answer, *, repeat=False, prep=True):
    """Run `plan` with one answer file; R pressed as the line ends when `repeat`. Result, stored drill, events."""
    clock = AudioClock(virtual=True)
    events = []

    def record(event):
        events.append(event)
        if repeat and isinstance(event, LineDidPlay):
            assert runner.repeat_line()

    with Store() as store:
        store.startup()
        runner = DrillRunner(plan, store=store, engine=whisper, audio_in=AnswerFiles([answer.path], clock),
                             audio_out=FileOutput(tmp_path / "played", clock), clock=clock, on_event=record,
                             mode="answers,fast", prep=prep)
        result = runner.run()
        stored = store.drill(result.drill_id)
    return result, stored, events


def test_answering_half_a_second_after_a_repeated_line_is_no_hesitation(tmp_path, pack, whisper):
    plan = plan_drill(pack, 1, "more-than-expected")
    line = rendered_line(pack, plan)
    # The file starts as the first playing ends; the repeat plays right after it (its whole file), so the
    # answer starts 0.5 s after the repeat's speech ends, and line + 0.5 s (over 2 s) after the first.
    answer = compose([line.duration_s + 0.5, ANSWER, 0.5], tmp_path / "answer.wav")
    result, stored, events = run(tmp_path, pack, whisper, plan, answer, repeat=True, prep=False)
    [turn] = result.turns
    [repeated] = [e for e in events if isinstance(e, LineDidRepeat)]
    assert (turn.repeats, repeated.repeats) == (1, 1)
    assert turn.answer_due == pytest.approx(repeated.end)
    assert repeated.end - turn.prospect_end == pytest.approx(line.duration_s, abs=TIMING_TOLERANCE_S)
    metrics = turn.assessment.metrics
    assert metrics.latency_s == pytest.approx(0.5, abs=TIMING_TOLERANCE_S)
    assert not metrics.hesitation and result.metrics.hesitations == 0
    assert turn.spans[0].start - turn.prospect_end > 2.0  # a hesitation, timed from the first playing
    [stored_turn] = stored.turns
    assert (stored_turn.repeats, stored_turn.answer_due) == (1, pytest.approx(turn.answer_due, abs=1e-3))
    assert stored_turn.metrics["latency_s"] == pytest.approx(0.5, abs=TIMING_TOLERANCE_S)
    assert stored.metrics["hesitations"] == 0 and stored.metrics["repeats"] == 1


def test_the_runner_waits_the_levels_prep_time_after_the_line(tmp_path, pack, whisper):
    plan = plan_drill(pack, 2, "more-than-expected")  # level 2: 5 s to prepare
    assert plan.rules.prep_s == 5
    answer = compose([0.6, ANSWER, 0.5], tmp_path / "answer.wav")
    result, stored, events = run(tmp_path, pack, whisper, plan, answer)
    [turn] = result.turns
    [played] = [e for e in events if isinstance(e, LineDidPlay)]
    assert played.answer_due - played.end == pytest.approx(5.0, abs=1e-6)
    assert turn.spans[0].start - turn.prospect_end == pytest.approx(5.6, abs=TIMING_TOLERANCE_S)
    assert turn.assessment.metrics.latency_s == pytest.approx(0.6, abs=TIMING_TOLERANCE_S)
    assert not turn.assessment.metrics.hesitation
    assert stored.turns[0].answer_due == pytest.approx(turn.prospect_end + 5.0, abs=1e-3)
    result, _, events = run(tmp_path, pack, whisper, plan, answer, prep=False)
    [turn] = result.turns
    assert turn.answer_due is None and [e.answer_due for e in events if isinstance(e, LineDidPlay)] == [None]
    assert turn.spans[0].start - turn.prospect_end == pytest.approx(0.6, abs=TIMING_TOLERANCE_S)


def test_trainer_drill_waits_the_prep_time_unless_no_prep(tmp_path, capsys):
    folder = tmp_path / "answers"
    folder.mkdir()
    compose([0.6, ANSWER, 0.5], folder / "01.wav")
    common = ["drill", "--pack", "price-and-budget", "--objection", "more-than-expected", "--level", "1",
              "--engine", "whisper", "--answers", str(folder), "--fast", "--json"]
    for flags, prep_s in (([], 10.0), (["--no-prep"], 0.0)):
        assert main(common + flags) == 0
        [turn] = json.loads(capsys.readouterr().out)["turns"]
        first_speech = turn["spans"][0][0]
        assert first_speech - turn["prospect"]["end"] == pytest.approx(prep_s + 0.6, abs=TIMING_TOLERANCE_S)
        assert turn["metrics"]["latency_s"] == pytest.approx(0.6, abs=TIMING_TOLERANCE_S)
        assert turn["answer_due"] == (pytest.approx(turn["prospect"]["end"] + prep_s, abs=1e-3) if prep_s else None)
