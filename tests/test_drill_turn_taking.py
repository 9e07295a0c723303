"""Turn-taking in whole drills (issue 15): the end-of-turn model keeps answers with thinking pauses
whole, ends finished answers quickly, waits the level's patience, and the fixed rule is still there.

Drills run from TTS-spoken answer files on a virtual clock with the real engines: the
runner waits in each pause for the words the model needs, as an instant engine would give
them, so the decisions are the same in every run (bench/turns.py measures real time).
"""

from dataclasses import replace

import numpy as np
import pytest
from drill_runs import run_drill
from tts_speech import compose

from trainer.core.packs import find_pack
from trainer.core.turn_end import STATEMENT_HOLD_S
from trainer.drill.events import AnswerDidResume, SpeechDidPause, SpeechDidResume, TurnDidEnd, TurnScored
from trainer.drill.plan import plan_drill
from trainer.drill.going_on import RESUME_SPEECH_S, RESUME_WITHIN_S
from trainer.speech import vad, wavs
from trainer.speech.endpoint import DONE, FIXED_RULE_MS, NO_ANSWER, SILENCE
from trainer.speech.vosk_engine import VoskEngine
from trainer.speech.whisper_engine import WhisperEngine

pytestmark = pytest.mark.slow

BEFORE = "I understand, it's a real number for three shops, and"
# Whisper tiny.en hears espeak-ng's "were you" as "we're" ("what we're expecting to pay."), which asks nothing
AFTER = "what budget did you have in mind?"
CLEAN = "I understand, it's a real number for three shops. Can I ask what you had in mind?"
CLEAN_END_S = 0.35  # the gap target on clean ends (bench/turns.py has the exact figures)
TOLERANCE_S = 0.05  # VAD frames and the answer file's chunks
# After a finished question and a pause longer than the model holds after one, the rep goes on.
GOES_ON = "Most bakeries find it pays for itself in overtime within two months."


def drill(tmp_path, engine, pack, parts, *, level=3, endpoint_ms=None, patience_s=None, on_event=None, answers=1):
    """The 'more-than-expected' objection (up to `answers` answers) answered by `parts`; (result, events, answer, stored drill)."""
    plan = plan_drill(pack, level, "more-than-expected", seed=7, endpoint_ms=endpoint_ms)
    plan = replace(plan, rules=replace(plan.rules, max_answers=answers, answer_window_s=None,
                                       **({"patience_s": patience_s} if patience_s else {})))
    answer = compose(parts, tmp_path / "answer.wav")
    result, stored, events, _ = run_drill(tmp_path, plan, engine, [answer.path], on_event=on_event)
    return result, events, answer, stored


def ended(events):
    [end] = [e for e in events if isinstance(e, TurnDidEnd)]
    return end


def test_going_on_after_an_early_end_stops_the_next_line_and_keeps_one_answer(tmp_path, whisper, pack):
    result, events, answer, stored = drill(tmp_path, whisper, pack, [0.6, CLEAN, 1.0, GOES_ON, 1.5], answers=2)
    # the end was decided in the pause, and the next line began ...
    first_end, final_end = [e for e in events if isinstance(e, TurnDidEnd)]
    [turn] = result.turns
    assert first_end.reason == SILENCE and "finished question" in first_end.why
    assert first_end.speech_end == pytest.approx(turn.prospect_end + answer.spans[0].end, abs=TOLERANCE_S)
    # ... and stopped when the rep went on: the stop is recorded, with the line that was cut
    [resumed] = [e for e in events if isinstance(e, AnswerDidResume)]
    went_on_at = turn.prospect_end + answer.spans[1].start
    assert resumed.turn == 1 and resumed.at == pytest.approx(went_on_at, abs=TOLERANCE_S)
    stopped = resumed.yielded
    assert stopped.line in pack.objection("more-than-expected").follow_ups["compared-to"].lines
    assert 0 < stopped.stopped_at - stopped.start <= RESUME_WITHIN_S + RESUME_SPEECH_S
    # heard once the speech had lasted RESUME_SPEECH_S (then the next 10 ms chunk)
    assert stopped.stopped_at - went_on_at == pytest.approx(RESUME_SPEECH_S + 0.01, abs=0.05)
    # one answer: one transcript with the words after the pause, one score that counts them
    assert "overtime" in turn.transcript.lower() and "understand" in turn.transcript.lower()
    assert {"ask", "value"} <= turn.covered and turn.next_node == "compared-to"
    assert final_end.speech_end == pytest.approx(turn.prospect_end + answer.spans[1].end, abs=TOLERANCE_S)
    assert turn.timings.speech_end == pytest.approx(final_end.speech_end, abs=0.001)
    assert turn.yielded == (stopped,) and turn.as_json()["yielded"] == [stopped.as_json()]
    scored = [e.result for e in events if isinstance(e, TurnScored)]
    assert [r.number for r in scored] == [1, 1] and scored[-1] is turn and "value" not in scored[0].covered
    # stored once, with the whole recording and the stopped line
    [kept] = stored.turns
    assert kept.status == "scored" and kept.transcript == turn.transcript and kept.yielded == (stopped,)
    assert turn.rep_end - turn.rep_start >= turn.prospect_end - turn.rep_start + answer.spans[1].end


def test_going_on_after_the_drills_last_answer_keeps_one_answer(tmp_path, whisper, pack):
    """No line follows the last answer (the drill ends with it), yet its end was a guess too: the rep who goes on
    within RESUME_WITHIN_S is heard to the end, and the answer is scored once, whole, before the drill ends."""
    result, events, answer, stored = drill(tmp_path, whisper, pack, [0.6, CLEAN, 1.0, GOES_ON, 1.5], answers=1)
    first_end, final_end = [e for e in events if isinstance(e, TurnDidEnd)]
    [turn] = result.turns
    assert first_end.reason == SILENCE and "finished question" in first_end.why
    [resumed] = [e for e in events if isinstance(e, AnswerDidResume)]
    assert resumed.yielded is None and resumed.at == pytest.approx(turn.prospect_end + answer.spans[1].start,
                                                                   abs=TOLERANCE_S)
    assert "overtime" in turn.transcript.lower() and "understand" in turn.transcript.lower()
    assert {"ask", "value"} <= turn.covered and turn.yielded == ()
    assert final_end.speech_end == pytest.approx(turn.prospect_end + answer.spans[1].end, abs=TOLERANCE_S)
    [kept] = stored.turns
    assert kept.status == "scored" and kept.transcript == turn.transcript


def test_a_blip_as_the_next_line_begins_does_not_stop_it(tmp_path, whisper, pack):
    # A cough, a click or a blip of the line's own echo shorter than RESUME_SPEECH_S: 0.12 s of a vowel
    vowel = compose(["ah"], tmp_path / "ah.wav")
    middle = (vowel.spans[0].start + vowel.spans[0].end) / 2
    blip = vowel.samples[int((middle - 0.06) * 16000):int((middle + 0.06) * 16000)]
    answer = compose([0.6, CLEAN, 0.8], tmp_path / "clean.wav")
    parts = np.concatenate([answer.samples, blip, np.zeros(16000 * 3, np.int16)])
    wavs.write_wav(tmp_path / "blip.wav", parts, 16000)
    assert len(vad.speech_spans(blip)) == 1  # the voice activity detector does hear it
    plan = plan_drill(pack, 3, "more-than-expected", seed=7)
    plan = replace(plan, rules=replace(plan.rules, max_answers=2, answer_window_s=None))
    result, _, events, _ = run_drill(tmp_path, plan, whisper, [tmp_path / "blip.wav"])
    assert not [e for e in events if isinstance(e, AnswerDidResume)]
    first = result.turns[0]
    assert first.yielded == () and first.next_node == "compared-to"
    assert first.assessment.metrics.talk_s == pytest.approx(answer.spans[0].end - answer.spans[0].start, abs=0.1)


def test_the_fixed_rule_never_takes_an_end_back(tmp_path, whisper, pack):
    result, events, _, stored = drill(tmp_path, whisper, pack, [0.6, CLEAN, 1.0, GOES_ON, 1.5], answers=2,
                                      endpoint_ms=FIXED_RULE_MS)
    assert not [e for e in events if isinstance(e, AnswerDidResume)]
    [turn] = result.turns
    assert "overtime" not in turn.transcript.lower() and turn.yielded == ()
    assert stored.turns[0].yielded == ()


def test_a_thinking_pause_after_and_keeps_the_whole_answer(tmp_path, whisper, pack):
    result, events, answer, _ = drill(tmp_path, whisper, pack, [0.6, BEFORE, 2.5, AFTER, 1.5])
    [turn] = result.turns
    assert "budget" in turn.transcript.lower()  # the words after the pause
    assert "ask" in turn.covered  # and the rubric saw the question
    end = ended(events)
    assert end.reason == SILENCE
    assert end.speech_end == pytest.approx(turn.prospect_end + answer.spans[1].end, abs=TOLERANCE_S)
    assert end.at - end.speech_end <= STATEMENT_HOLD_S + TOLERANCE_S
    [paused] = [e for e in events if isinstance(e, SpeechDidPause)]
    assert paused.holding_s == 3.0 and "'and'" in paused.why
    assert [e.at for e in events if isinstance(e, SpeechDidResume)] == [
        pytest.approx(turn.prospect_end + answer.spans[1].start, abs=TOLERANCE_S)]


def test_a_pause_after_a_preface_alone_keeps_the_whole_answer(tmp_path, whisper, pack):
    """'I understand.' acknowledges the point but does not answer it yet: the pause after it is waited out
    (trainer/data/turn_end.yaml prefaces), and the answer after it is heard and scored as one."""
    result, events, answer, _ = drill(tmp_path, whisper, pack, [0.6, "I understand.", 1.5, AFTER, 1.5])
    [turn] = result.turns
    assert "budget" in turn.transcript.lower() and "ask" in turn.covered
    end = ended(events)  # one end only: after the question, not in the pause
    assert end.speech_end == pytest.approx(turn.prospect_end + answer.spans[1].end, abs=TOLERANCE_S)
    [paused] = [e for e in events if isinstance(e, SpeechDidPause)]
    assert paused.holding_s == 3.0 and "preface" in paused.why


def test_the_fixed_rule_is_still_available_and_cuts_the_same_answer_short(tmp_path, whisper, pack):
    result, events, answer, _ = drill(tmp_path, whisper, pack, [0.6, BEFORE, 2.5, AFTER, 1.5], endpoint_ms=FIXED_RULE_MS)
    [turn] = result.turns
    assert "budget" not in turn.transcript.lower()
    end = ended(events)
    assert end.at - end.speech_end == pytest.approx(0.7, abs=0.01)
    assert end.speech_end == pytest.approx(turn.prospect_end + answer.spans[0].end, abs=TOLERANCE_S)


def test_a_clean_end_is_decided_within_the_target_on_the_drill_clock(tmp_path, whisper, pack):
    result, events, answer, _ = drill(tmp_path, whisper, pack, [0.6, CLEAN, 2.0])
    end = ended(events)
    assert end.reason == SILENCE and "finished question" in end.why
    last_word = result.turns[0].prospect_end + answer.spans[-1].end
    assert 0.25 <= end.at - last_word <= CLEAN_END_S + TOLERANCE_S
    assert end.decided_at - last_word <= CLEAN_END_S + TOLERANCE_S


def test_a_long_silence_still_ends_the_turn_at_the_levels_patience(tmp_path, whisper, pack):
    result, events, _, _ = drill(tmp_path, whisper, pack, [0.6, BEFORE, 6.0], level=5, patience_s=None)
    end = ended(events)
    assert end.reason == SILENCE
    assert end.at - end.speech_end == pytest.approx(2.0, abs=0.02)  # level 5 is brisk
    assert "budget" not in result.turns[0].transcript.lower()


def test_space_ends_the_answer_in_a_pause_at_once(tmp_path, whisper, pack):
    def press_space(event, runner):
        if isinstance(event, SpeechDidPause):
            runner.finish_answer()

    result, events, _, _ = drill(tmp_path, whisper, pack, [0.6, BEFORE, 2.5, AFTER, 1.5], on_event=press_space)
    end = ended(events)
    assert end.reason == DONE
    assert end.at - end.speech_end == pytest.approx(0.4, abs=0.05)  # the pause was reported at 0.4 s
    assert result.turns[0].end_reason == DONE


def test_an_unanswered_line_still_ends(tmp_path, whisper, pack):
    result, events, _, _ = drill(tmp_path, whisper, pack, [3.0], level=3)
    assert ended(events).reason in (NO_ANSWER, SILENCE)


def test_vosk_partials_keep_a_paused_answer_whole(tmp_path, pack, english_vosk_model):
    engine = VoskEngine(english_vosk_model)
    result, events, answer, _ = drill(tmp_path, engine, pack, [0.6, "I hear you, and", 2.5,
                                                            "most of our clients felt the same way.", 1.5])
    end = ended(events)
    assert end.speech_end == pytest.approx(result.turns[0].prospect_end + answer.spans[1].end, abs=TOLERANCE_S)
    assert "same way" in result.turns[0].transcript.lower()


def test_the_gap_the_rep_feels_is_recorded_per_turn_and_stored(tmp_path, whisper, pack):
    plan = plan_drill(pack, 4, "more-than-expected", seed=7)
    first = compose([0.6, CLEAN, 1.0], tmp_path / "01.wav")
    second = compose([0.5, "That makes sense. How long does that take you?", 1.0], tmp_path / "02.wav")
    result, stored, _, _ = run_drill(tmp_path, plan, whisper, [first.path, second.path])
    turn = result.turns[0]
    assert turn.timings.speech_end == pytest.approx(turn.prospect_end + first.spans[-1].end, abs=TOLERANCE_S)
    assert 0.25 <= turn.timings.gap <= CLEAN_END_S + TOLERANCE_S  # a finished question, on the drill clock
    assert turn.as_json()["timings"]["gap"] == pytest.approx(turn.timings.gap, abs=0.001)
    assert stored.turns[0].timings.gap == pytest.approx(turn.timings.gap, abs=0.001)
    assert stored.turns[-1].timings.gap is None  # no line after the last answer


def test_in_real_time_the_filled_pauses_are_found_in_the_silence_that_ends_the_turn(tmp_path, whisper, pack,
                                                                                     monkeypatch):
    """So that the next line does not wait for them: found while the model holds the silence, on the audio up to
    then, they are the ones hearing the whole recorded turn finds (as `trainer score` would)."""
    from trainer.drill import turn as turn_module
    from trainer.speech import filled_pause, hearing

    calls = {"ahead": 0, "after": 0}

    def counted(name, real):
        def find(samples, *args):
            calls[name] += 1
            return real(samples, *args)
        return find

    monkeypatch.setattr(turn_module, "filled_pauses", counted("ahead", filled_pause.filled_pauses))
    monkeypatch.setattr(hearing, "filled_pauses", counted("after", filled_pause.filled_pauses))
    plan = plan_drill(pack, 3, "more-than-expected", seed=7)
    plan = replace(plan, rules=replace(plan.rules, max_answers=1, answer_window_s=None))
    answer = compose([0.5, "So", "um", "can I ask what you had in mind?", 1.0], tmp_path / "answer.wav", rate=140)
    result, _, _, _ = run_drill(tmp_path, plan, whisper, [answer.path], real_time=True)
    turn = result.turns[0]
    assert calls["ahead"] >= 1 and calls["after"] == 0
    recorded = wavs.read_engine_audio(turn.recording)
    whole = [edge + turn.rep_start for p in filled_pause.filled_pauses(recorded) for edge in (p.start, p.end)
             if p.start + turn.rep_start >= turn.prospect_end]
    assert whole, "espeak-ng's 'um' said on its own is found in the sound (tests/speech/test_filled_pause.py)"
    assert [edge for p in turn.filled_pauses.spans for edge in (p.start, p.end)] == pytest.approx(whole, abs=0.001)
