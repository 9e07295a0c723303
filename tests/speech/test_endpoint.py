"""Endpointing on known speech: pauses that must not cut, silences that must, windows, barge-ins, stop."""

import threading

import pytest
from tts_speech import compose

from trainer.core.turn_end import STREAMED_SETTLED_S
from trainer.speech.audio import AudioClock
from trainer.speech.audio_in import FileInput
from trainer.speech.endpoint import (
    DONE,
    FIXED_RULE_MS,
    NO_ANSWER,
    SILENCE,
    STOPPED,
    WINDOW,
    Endpointer,
    EndpointSettings,
    MonologueTooLong,
    SpeechPaused,
    SpeechStarted,
    TurnEnded,
)
from trainer.speech.vad import speech_spans

TOLERANCE_S = 0.1  # issue 5: a long silence ends the turn within 100 ms of the threshold
SENTENCE = "We help teams like yours cut overtime by a fifth"
FIXED_RULE = EndpointSettings(endpoint_ms=FIXED_RULE_MS)


def stream(path, endpointer):
    """Feed a WAV through the endpointer as a microphone would (virtual clock from 0);
    returns [(event, end of the chunk that produced it)] up to the end of the turn."""
    source = FileInput(path, AudioClock(virtual=True))
    source.start()
    found = []
    for chunk in source.chunks():
        found += [(event, chunk.end) for event in endpointer.feed(chunk)]
        if endpointer.ended:
            break
    return found


def ends(found):
    return [(event, decided) for event, decided in found if isinstance(event, TurnEnded)]


@pytest.mark.parametrize("endpoint_ms", [700, 400])
def test_pauses_shorter_than_endpoint_do_not_cut_the_answer(tmp_path, endpoint_ms):
    pause = endpoint_ms / 1000 - 0.25
    speech = compose([0.6, SENTENCE, pause, "and keep it there", pause, "every single month", 3.0], tmp_path / "a.wav")
    endpointer = Endpointer(EndpointSettings(endpoint_ms=endpoint_ms), prospect_end=0.0)
    [(end, decided)] = ends(stream(speech.path, endpointer))
    last_word_end = speech.spans[-1].end
    assert end.reason == SILENCE
    assert end.at == pytest.approx(last_word_end + endpoint_ms / 1000, abs=TOLERANCE_S)
    assert decided == pytest.approx(last_word_end + endpoint_ms / 1000, abs=TOLERANCE_S)
    assert endpointer.onset == pytest.approx(0.6, abs=0.05)


@pytest.mark.parametrize("endpoint_ms", [700, 1000])
def test_a_longer_silence_ends_the_turn_within_100_ms_of_the_threshold(tmp_path, endpoint_ms):
    silence = endpoint_ms / 1000 + 0.5
    speech = compose([0.5, SENTENCE, silence, "this part comes too late", 1.0], tmp_path / "b.wav")
    endpointer = Endpointer(EndpointSettings(endpoint_ms=endpoint_ms), prospect_end=0.0)
    [(end, decided)] = ends(stream(speech.path, endpointer))
    threshold = speech.spans[0].end + endpoint_ms / 1000
    assert end.reason == SILENCE
    assert abs(end.at - threshold) <= TOLERANCE_S
    assert abs(decided - threshold) <= TOLERANCE_S
    assert end.speech_end == pytest.approx(speech.spans[0].end, abs=0.05)


def test_the_answer_window_cuts_a_rambling_answer(tmp_path):
    rambling = [0.4] + [SENTENCE, 0.3] * 4  # ~10 s of talk with short pauses
    speech = compose(rambling, tmp_path / "c.wav")
    assert speech.duration_s > 8
    endpointer = Endpointer(EndpointSettings(answer_window_s=5.0), prospect_end=1.0)
    [(end, decided)] = ends(stream(speech.path, endpointer))
    assert end.reason == WINDOW
    assert end.at == pytest.approx(6.0)
    assert decided == pytest.approx(6.0, abs=0.021)  # the chunk that crossed the window


def test_silence_within_the_window_is_no_answer(tmp_path):
    speech = compose([4.0], tmp_path / "d.wav")
    found = stream(speech.path, Endpointer(EndpointSettings(answer_window_s=2.5), prospect_end=0.5))
    [(end, _)] = ends(found)
    assert (end.reason, end.at, end.speech_end) == (NO_ANSWER, 3.0, None)
    assert not [e for e, _ in found if isinstance(e, SpeechStarted)]


def test_without_a_window_no_answer_comes_after_the_waiting_time(tmp_path):
    speech = compose([4.0], tmp_path / "e.wav")
    [(end, _)] = ends(stream(speech.path, Endpointer(EndpointSettings(no_answer_s=1.5), prospect_end=0.0)))
    assert (end.reason, end.at) == (NO_ANSWER, 1.5)


def test_talking_over_the_prospect_is_a_barge_in_and_does_not_end_the_turn(tmp_path):
    speech = compose([0.3, "sorry, can I just say", 2.5, SENTENCE, 2.0], tmp_path / "f.wav")
    line_end = speech.spans[0].end + 1.2  # the prospect talks on after the rep's interruption
    endpointer = Endpointer(FIXED_RULE, prospect_end=line_end)
    found = stream(speech.path, endpointer)
    starts = [e for e, _ in found if isinstance(e, SpeechStarted)]
    assert [s.over_prospect for s in starts] == [True, False]
    assert endpointer.barge_ins == 1
    [(end, _)] = ends(found)  # not 0.7 s after the interruption: after the answer
    assert end.reason == SILENCE
    assert end.at == pytest.approx(speech.spans[1].end + 0.7, abs=TOLERANCE_S)
    assert endpointer.onset == pytest.approx(0.3, abs=0.05)


def test_no_end_while_the_line_plays_and_a_late_line_end_undoes_a_wrong_barge_in(tmp_path):
    speech = compose([0.5, "absolutely, I hear you", 3.0], tmp_path / "g.wav")
    endpointer = Endpointer(FIXED_RULE)  # line end not known yet: the prospect counts as talking
    source = FileInput(speech.path, AudioClock(virtual=True))
    source.start()
    for chunk in source.chunks():
        assert not any(isinstance(e, TurnEnded) for e in endpointer.feed(chunk))
        if chunk.end >= 2.5:
            break
    assert endpointer.barge_ins == 1 and endpointer.ended is None
    endpointer.prospect_ended(0.2)  # the output reports the line really ended before the rep spoke
    assert endpointer.barge_ins == 0
    end = next(e for c in source.chunks() for e in endpointer.feed(c) if isinstance(e, TurnEnded))
    assert end.reason == SILENCE and end.at == pytest.approx(speech.spans[0].end + 0.7, abs=TOLERANCE_S)


def test_a_long_monologue_is_reported_once_without_ending_the_turn(tmp_path):
    speech = compose([0.5, SENTENCE, 0.3, SENTENCE, 0.3, SENTENCE, 1.5], tmp_path / "h.wav")
    endpointer = Endpointer(EndpointSettings(FIXED_RULE_MS, monologue_limit_s=3.0), prospect_end=0.0)
    found = stream(speech.path, endpointer)
    [long] = [e for e, _ in found if isinstance(e, MonologueTooLong)]
    assert long.started_at == pytest.approx(0.5, abs=0.05)
    assert long.at == pytest.approx(3.5, abs=0.05)
    [(end, _)] = ends(found)
    assert end.reason == SILENCE and end.at > speech.spans[-1].end


def test_stop_from_another_thread_ends_the_turn(tmp_path):
    speech = compose([0.5, SENTENCE, 3.0], tmp_path / "i.wav")
    endpointer = Endpointer(prospect_end=0.0)
    source = FileInput(speech.path, AudioClock(virtual=True))
    source.start()
    for chunk in source.chunks():
        endpointer.feed(chunk)
        if chunk.end >= 1.0:
            break
    assert endpointer.poll(1.0) is None
    stopper = threading.Thread(target=endpointer.stop)
    stopper.start()
    stopper.join()
    end = endpointer.poll(1.5)
    assert (end.reason, end.at) == (STOPPED, pytest.approx(1.0, abs=0.021))
    assert endpointer.feed(next(source.chunks())) == []  # the first end wins


def test_onsets_agree_with_the_speech_spans_of_the_recorded_audio(tmp_path):
    """The streaming decisions and `vad.speech_spans` (what the metrics use) see the same speech."""
    speech = compose([0.7, "absolutely", 0.9, SENTENCE, 0.3, "and more", 1.2], tmp_path / "j.wav")
    endpointer = Endpointer(EndpointSettings(endpoint_ms=1100), prospect_end=0.0)
    starts = [e.at for e, _ in stream(speech.path, endpointer) if isinstance(e, SpeechStarted)]
    assert starts == pytest.approx([span.start for span in speech_spans(speech.samples)], abs=1e-6)
    assert len(starts) == 2  # the 0.3 s pause is inside a span, the 0.9 s one is not


def test_settings_refuse_nonsense():
    with pytest.raises(ValueError):
        EndpointSettings(endpoint_ms=0)
    with pytest.raises(ValueError):
        EndpointSettings(answer_window_s=-1)


# -- the end-of-turn model (issue 15) -------------------------------------------------------


def stream_with_words(speech, endpointer, texts):
    """Stream `speech` as `stream` does, handing the endpointer the words of each spoken part once
    its audio is in (as an engine with no lag would: `texts[i]` is what was said up to part i)."""
    source = FileInput(speech.path, AudioClock(virtual=True))
    source.start()
    found = []
    for chunk in source.chunks():
        said = [text for text, span in zip(texts, speech.spans) if span.end <= chunk.captured_at]
        if said:
            endpointer.hear_words(said[-1], chunk.captured_at)
        found += [(event, chunk.end) for event in endpointer.feed(chunk)]
        if endpointer.ended:
            break
    return found


@pytest.mark.parametrize("answer", ["Most of our clients felt the same way.",
                                    "Can I ask what made you choose your current vendor?"])
def test_a_finished_sentence_ends_the_turn_after_a_short_silence(tmp_path, answer):
    speech = compose([0.5, answer, 2.0], tmp_path / "k.wav")
    endpointer = Endpointer(prospect_end=0.0)
    [(end, decided)] = ends(stream_with_words(speech, endpointer, [answer]))
    assert end.reason == SILENCE and "finished" in end.why
    hold = 0.25 if answer.endswith("?") else 0.4  # a statement may go on with another sentence
    assert end.at - end.speech_end == pytest.approx(hold, abs=0.011)
    assert decided - speech.spans[0].end <= hold + 0.05  # VAD tolerance


@pytest.mark.parametrize(("before", "pause"), [("I hear you, and", 2.5), ("So what I'd suggest is, um", 1.5),
                                               ("Before we go on, can I ask", 2.5)])
def test_a_pause_after_an_unfinished_phrase_does_not_end_the_turn(tmp_path, before, pause):
    after = "what matters most to you here?"
    speech = compose([0.5, before, pause, after, 2.0], tmp_path / "l.wav")
    endpointer = Endpointer(prospect_end=0.0)
    found = stream_with_words(speech, endpointer, [before, f"{before} {after}"])
    [(end, _)] = ends(found)
    assert end.speech_end == pytest.approx(speech.spans[1].end, abs=0.05)  # the whole answer was heard
    assert end.at - end.speech_end <= 0.3
    [paused] = [e for e, _ in found if isinstance(e, SpeechPaused)]  # the live view keeps listening
    assert paused.holding_s == 3.0 and "ends on" in paused.why


@pytest.mark.parametrize("patience_s", [3.5, 2.0])
def test_a_long_silence_after_an_unfinished_phrase_ends_the_turn_at_the_levels_patience(tmp_path, patience_s):
    speech = compose([0.5, "I hear you, and", 5.0], tmp_path / "m.wav")
    endpointer = Endpointer(EndpointSettings(patience_s=patience_s), prospect_end=0.0)
    [(end, _)] = ends(stream_with_words(speech, endpointer, ["I hear you, and"]))
    assert end.reason == SILENCE
    assert end.at - end.speech_end == pytest.approx(patience_s, abs=0.02)


def stream_with_partial(speech, endpointer, partials, settle_s=0.0):
    """Stream `speech`, handing the endpointer live partials: (from clock time, text, where its text last changed),
    each final for the audio up to `settle_s` before the chunk (a streaming engine's partial lags what it was fed)."""
    source = FileInput(speech.path, AudioClock(virtual=True))
    source.start()
    for chunk in source.chunks():
        given = [p for p in partials if chunk.captured_at >= p[0]]
        if given:
            endpointer.hear_words(given[-1][1], chunk.captured_at - settle_s, given[-1][2], streamed=True)
        for event in endpointer.feed(chunk):
            if isinstance(event, TurnEnded):
                return event
    return None


def test_speech_that_ran_past_the_last_word_written_holds_the_turn_until_the_words_catch_up(tmp_path):
    speech = compose([0.5, "Well, uh", 2.0, "I think the trial answers that.", 1.0], tmp_path / "w.wav")
    voiced_end = speech_spans(speech.samples)[0].end
    rest = (speech.spans[1].end, "well i think the trial answers that", speech.spans[1].end)
    # the partial wrote "well" and nothing for the half second of speech after it: no end in the pause
    end = stream_with_partial(speech, Endpointer(prospect_end=0.0), [(0.0, "well", voiced_end - 0.5), rest])
    assert end.reason == SILENCE and end.speech_end > speech.spans[1].start  # the answer was heard whole
    # words judged finished that the sound ran past: held until the engine wrote more ...
    late = (voiced_end + 0.2, "well i see", voiced_end + 0.2)
    end = stream_with_partial(speech, Endpointer(prospect_end=0.0), [(0.0, "i see", voiced_end - 0.5), late, rest])
    assert end.speech_end == pytest.approx(voiced_end, abs=0.05) and end.at - end.speech_end == pytest.approx(0.4, abs=0.011)
    # ... or until the partial stayed the same through STREAMED_SETTLED_S of the silence (it lags by settle_s)
    settle = 0.3
    end = stream_with_partial(speech, Endpointer(prospect_end=0.0), [(0.0, "i see", voiced_end - 0.5), rest],
                              settle_s=settle)
    assert end.speech_end == pytest.approx(voiced_end, abs=0.05)
    assert end.at - end.speech_end == pytest.approx(settle + STREAMED_SETTLED_S, abs=0.03)
    assert "no new word" in end.why and "i see" in end.why


def test_a_held_um_before_the_pause_holds_the_turn_though_no_engine_wrote_it(tmp_path):
    speech = compose([0.5, "So what I'd suggest is,", "um", 2.0, "a fifteen minute call next week.", 1.0],
                     tmp_path / "u.wav")
    endpointer = Endpointer(prospect_end=0.0)
    [(end, _)] = ends(stream_with_words(speech, endpointer, ["", "so what i'm suggesting", "so what i'm suggesting a fifteen minute call next week"]))
    assert end.speech_end == pytest.approx(speech.spans[2].end, abs=0.05)  # not in the pause after "um"


def test_without_words_the_model_waits_for_them_up_to_its_patience(tmp_path):
    speech = compose([0.5, SENTENCE, 4.0], tmp_path / "n.wav")
    [(end, _)] = ends(stream(speech.path, Endpointer(EndpointSettings(patience_s=2.5), prospect_end=0.0)))
    assert end.reason == SILENCE and end.at - end.speech_end == pytest.approx(2.5, abs=0.02)  # whatever the pitch


def test_the_fixed_rule_ignores_the_words(tmp_path):
    speech = compose([0.5, "I hear you, and", 2.0, SENTENCE, 1.0], tmp_path / "o.wav")
    endpointer = Endpointer(FIXED_RULE, prospect_end=0.0)
    [(end, _)] = ends(stream_with_words(speech, endpointer, ["I hear you, and", "I hear you, and " + SENTENCE]))
    assert end.at == pytest.approx(speech.spans[0].end + 0.7, abs=TOLERANCE_S)  # cut in the thinking pause
    assert "fixed rule" in end.why


def test_finish_answer_ends_the_turn_in_a_pause_at_once(tmp_path):
    speech = compose([0.5, "I hear you, and", 3.0], tmp_path / "p.wav")
    endpointer = Endpointer(prospect_end=0.0)
    source = FileInput(speech.path, AudioClock(virtual=True))
    source.start()
    for chunk in source.chunks():
        endpointer.hear_words("I hear you, and", chunk.captured_at)
        endpointer.feed(chunk)
        if chunk.end >= speech.spans[0].end + 0.5:
            break
    assert endpointer.ended is None
    presser = threading.Thread(target=endpointer.finish_answer)
    presser.start()
    presser.join()
    end = next(e for c in source.chunks() for e in endpointer.feed(c) if isinstance(e, TurnEnded))
    assert end.reason == DONE and end.at == pytest.approx(speech.spans[0].end + 0.5, abs=0.05)


def test_a_reopened_turn_ends_only_after_new_speech(tmp_path):
    speech = compose([0.6, SENTENCE, 2.0, "and keep it there", 2.0], tmp_path / "a.wav")
    endpointer = Endpointer(FIXED_RULE, prospect_end=0.0)
    source = FileInput(speech.path, AudioClock(virtual=True))
    source.start()
    ends = []
    for chunk in source.chunks():
        for event in endpointer.feed(chunk):
            if isinstance(event, TurnEnded):
                ends.append(event)
                if len(ends) == 1:
                    endpointer.reopen()  # the rep went on: the same silence must not end it again
    first, second = ends
    assert first.speech_end == pytest.approx(speech.spans[0].end, abs=TOLERANCE_S)
    assert second.speech_end == pytest.approx(speech.spans[1].end, abs=TOLERANCE_S)
    assert second.at == pytest.approx(speech.spans[1].end + FIXED_RULE_MS / 1000, abs=TOLERANCE_S)
    assert endpointer.ended is second
