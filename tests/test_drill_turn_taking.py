"""Turn-taking in whole drills (issue 15): the end-of-turn model keeps answers with thinking pauses
whole, ends finished answers quickly, waits the level's patience, and the fixed rule is still there.

Drills run from TTS-spoken answer files on a virtual clock with the real engines: the
runner waits in each pause for the words the model needs, as an instant engine would give
them, so the decisions are the same in every run (bench/turns.py measures real time).
"""

from dataclasses import replace

import pytest
from tts_speech import compose

from trainer.answer_source import AnswerFiles
from trainer.core.packs import find_pack
from trainer.core.turn_end import STATEMENT_HOLD_S
from trainer.drill import DrillRunner
from trainer.drill_events import SpeechDidPause, SpeechDidResume, TurnDidEnd
from trainer.drill_plan import plan_drill
from trainer.speech.audio import AudioClock
from trainer.speech.audio_out import FileOutput
from trainer.speech.endpoint import DONE, FIXED_RULE_MS, NO_ANSWER, SILENCE
from trainer.speech.vosk_engine import VoskEngine
from trainer.speech.whisper_engine import WhisperEngine
from trainer.store.db import Store

pytestmark = pytest.mark.slow

BEFORE = "I understand, it's a real number for three shops, and"
AFTER = "what were you expecting to pay?"
CLEAN = "I understand, it's a real number for three shops. Can I ask what you had in mind?"
CLEAN_END_S = 0.35  # the gap target on clean ends (bench/turns.py has the exact figures)
TOLERANCE_S = 0.05  # VAD frames and the answer file's chunks


@pytest.fixture(scope="module")
def whisper():
    return WhisperEngine(partial_every_s=None)


@pytest.fixture(scope="module")
def pack():
    return find_pack("price-and-budget")


def drill(tmp_path, engine, pack, parts, *, level=3, endpoint_ms=None, patience_s=None, on_event=None):
    """One turn of the 'more-than-expected' objection answered by `parts`; (result, events)."""
    plan = plan_drill(pack, level, "more-than-expected", seed=7, endpoint_ms=endpoint_ms)
    plan = replace(plan, rules=replace(plan.rules, max_answers=1, answer_window_s=None,
                                       **({"patience_s": patience_s} if patience_s else {})))
    answer = compose(parts, tmp_path / "answer.wav")
    clock = AudioClock(virtual=True)
    events = []

    def record(event):
        events.append(event)
        if on_event:
            on_event(event, runner)

    with Store() as store:
        store.startup()
        runner = DrillRunner(plan, store=store, engine=engine, audio_in=AnswerFiles([answer.path], clock),
                             audio_out=FileOutput(tmp_path / "played", clock), clock=clock, on_event=record,
                             mode="answers,fast")
        result = runner.run()
    return result, events, answer


def ended(events):
    [end] = [e for e in events if isinstance(e, TurnDidEnd)]
    return end


def test_a_thinking_pause_after_and_keeps_the_whole_answer(tmp_path, whisper, pack):
    result, events, answer = drill(tmp_path, whisper, pack, [0.6, BEFORE, 2.5, AFTER, 1.5])
    [turn] = result.turns
    assert "expecting" in turn.transcript.lower()  # the words after the pause
    assert "ask" in turn.covered  # and the rubric saw the question
    end = ended(events)
    assert end.reason == SILENCE
    assert end.speech_end == pytest.approx(turn.prospect_end + answer.spans[1].end, abs=TOLERANCE_S)
    assert end.at - end.speech_end <= STATEMENT_HOLD_S + TOLERANCE_S
    [paused] = [e for e in events if isinstance(e, SpeechDidPause)]
    assert paused.holding_s == 3.0 and "'and'" in paused.why
    assert [e.at for e in events if isinstance(e, SpeechDidResume)] == [
        pytest.approx(turn.prospect_end + answer.spans[1].start, abs=TOLERANCE_S)]


def test_the_fixed_rule_is_still_available_and_cuts_the_same_answer_short(tmp_path, whisper, pack):
    result, events, answer = drill(tmp_path, whisper, pack, [0.6, BEFORE, 2.5, AFTER, 1.5], endpoint_ms=FIXED_RULE_MS)
    [turn] = result.turns
    assert "expecting" not in turn.transcript.lower()
    end = ended(events)
    assert end.at - end.speech_end == pytest.approx(0.7, abs=0.01)
    assert end.speech_end == pytest.approx(turn.prospect_end + answer.spans[0].end, abs=TOLERANCE_S)


def test_a_clean_end_is_decided_within_the_target_on_the_drill_clock(tmp_path, whisper, pack):
    result, events, answer = drill(tmp_path, whisper, pack, [0.6, CLEAN, 2.0])
    end = ended(events)
    assert end.reason == SILENCE and "finished question" in end.why
    last_word = result.turns[0].prospect_end + answer.spans[-1].end
    assert 0.25 <= end.at - last_word <= CLEAN_END_S + TOLERANCE_S
    assert end.decided_at - last_word <= CLEAN_END_S + TOLERANCE_S


def test_a_long_silence_still_ends_the_turn_at_the_levels_patience(tmp_path, whisper, pack):
    result, events, _ = drill(tmp_path, whisper, pack, [0.6, BEFORE, 6.0], level=5, patience_s=None)
    end = ended(events)
    assert end.reason == SILENCE
    assert end.at - end.speech_end == pytest.approx(2.0, abs=0.02)  # level 5 is brisk
    assert "expecting" not in result.turns[0].transcript.lower()


def test_space_ends_the_answer_in_a_pause_at_once(tmp_path, whisper, pack):
    def press_space(event, runner):
        if isinstance(event, SpeechDidPause):
            runner.finish_answer()

    result, events, _ = drill(tmp_path, whisper, pack, [0.6, BEFORE, 2.5, AFTER, 1.5], on_event=press_space)
    end = ended(events)
    assert end.reason == DONE
    assert end.at - end.speech_end == pytest.approx(0.4, abs=0.05)  # the pause was reported at 0.4 s
    assert result.turns[0].end_reason == DONE


def test_an_unanswered_line_still_ends(tmp_path, whisper, pack):
    result, events, _ = drill(tmp_path, whisper, pack, [3.0], level=3)
    assert ended(events).reason in (NO_ANSWER, SILENCE)


def test_vosk_partials_keep_a_paused_answer_whole(tmp_path, pack, english_vosk_model):
    engine = VoskEngine(english_vosk_model)
    result, events, answer = drill(tmp_path, engine, pack, [0.6, "I hear you, and", 2.5,
                                                            "most of our clients felt the same way.", 1.5])
    end = ended(events)
    assert end.speech_end == pytest.approx(result.turns[0].prospect_end + answer.spans[1].end, abs=TOLERANCE_S)
    assert "same way" in result.turns[0].transcript.lower()


def test_the_gap_the_rep_feels_is_recorded_per_turn_and_stored(tmp_path, whisper, pack):
    plan = plan_drill(pack, 4, "more-than-expected", seed=7)
    first = compose([0.6, CLEAN, 1.0], tmp_path / "01.wav")
    second = compose([0.5, "That makes sense. How long does that take you?", 1.0], tmp_path / "02.wav")
    clock = AudioClock(virtual=True)
    with Store() as store:
        store.startup()
        result = DrillRunner(plan, store=store, engine=whisper, audio_in=AnswerFiles([first.path, second.path], clock),
                             audio_out=FileOutput(tmp_path / "played", clock), clock=clock,
                             mode="answers,fast").run()
        stored = store.drill(result.drill_id)
    turn = result.turns[0]
    assert turn.timings.speech_end == pytest.approx(turn.prospect_end + first.spans[-1].end, abs=TOLERANCE_S)
    assert 0.25 <= turn.timings.gap <= CLEAN_END_S + TOLERANCE_S  # a finished question, on the drill clock
    assert turn.as_json()["timings"]["gap"] == pytest.approx(turn.timings.gap, abs=0.001)
    assert stored.turns[0].timings.gap == pytest.approx(turn.timings.gap, abs=0.001)
    assert stored.turns[-1].timings.gap is None  # no line after the last answer
