"""Metrics from hand-made word lists and speech spans (docs/metrics.md)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.core.lexicon import default_lexicon, lexicon_for
from trainer.core.metrics import (
    clauses,
    drill_metrics,
    join_spans,
    longest_monologue,
    model_answer_seconds,
    place_words,
    question_clauses,
    turn_metrics,
)
from trainer.core.transcript import PROSPECT, REP, FilledPauses, Span, Turn, Word


def say(text, start, step=0.3, pauses=None):
    """Words of `text` every `step` s from `start` (each 0.25 s long); `pauses` maps word index -> extra gap."""
    words, t = [], start
    for i, text_word in enumerate(text.split()):
        t += (pauses or {}).get(i, 0.0)
        words.append(Word(text_word, round(t, 3), round(t + 0.25, 3)))
        t += step
    return words


def spans(*pairs):
    return [Span(a, b) for a, b in pairs]


# --- speech spans -------------------------------------------------------------------------


def test_join_spans_joins_gaps_under_half_a_second_only():
    raw = spans((2.0, 2.5), (0.0, 1.0), (1.3, 1.8), (3.0, 3.5), (3.2, 3.4), (4.0, 4.0))
    # 1.0->1.3 (0.3 s) and 1.8->2.0 (0.2 s) join; 2.5->3.0 is exactly 0.5 s: a new span;
    # (3.2, 3.4) lies inside (3.0, 3.5); the empty (4.0, 4.0) is dropped.
    assert join_spans(raw) == spans((0.0, 2.5), (3.0, 3.5))
    assert join_spans([]) == []


@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0.01, 5)), max_size=30))
def test_join_spans_is_idempotent_covers_every_stretch_and_leaves_long_gaps(raw):
    stretches = [Span(a, a + d) for a, d in raw]
    joined = join_spans(stretches)
    assert join_spans(joined) == joined
    assert all(b.start - a.end >= 0.5 for a, b in zip(joined, joined[1:]))
    assert all(any(j.start <= s.start and s.end <= j.end for j in joined) for s in stretches)
    assert sum(s.duration for s in joined) <= sum(s.duration for s in stretches) + 0.5 * len(stretches)


# --- talk time, pace, latency ----------------------------------------------------------------


def test_pace_counts_words_over_first_to_last_span_and_talk_sums_spans():
    words = say("we help teams like yours cut churn by a third", 2.5, step=0.35)  # 10 words
    m = turn_metrics(words, spans((2.5, 4.5), (5.5, 6.5)), prospect_end=2.0)
    assert m.words == 10
    assert m.talk_s == pytest.approx(3.0)
    assert m.speaking_s == pytest.approx(4.0)  # 2.5 -> 6.5 including the 1 s pause
    assert m.wpm == pytest.approx(150.0)  # 60 * 10 / 4.0
    assert m.latency_s == pytest.approx(0.5)
    assert not m.hesitation


def test_latency_above_the_limit_is_a_hesitation_and_the_limit_is_a_parameter():
    words = say("fair question", 5.4)
    late = turn_metrics(words, spans((5.4, 6.0)), prospect_end=2.0)
    assert late.latency_s == pytest.approx(3.4)
    assert late.hesitation
    on_time = turn_metrics(words, spans((3.9, 6.0)), prospect_end=2.0)
    assert on_time.latency_s == pytest.approx(1.9) and not on_time.hesitation
    strict = turn_metrics(words, spans((3.9, 6.0)), prospect_end=2.0, hesitation_s=1.0)
    assert strict.hesitation


def test_words_overlapping_the_prospect_give_negative_latency():
    words = say("wait I hear you", 1.4)
    m = turn_metrics(words, spans((1.4, 2.6)), prospect_end=2.0)
    assert m.latency_s == pytest.approx(-0.6)
    assert not m.hesitation


def test_latency_runs_from_when_the_answer_was_due_after_a_repeat_or_the_preparation():
    # The line ended at 2.0; it was played again (or the rep prepared) until 6.0.
    words = say("fair question", 6.5)
    m = turn_metrics(words, spans((6.5, 7.2)), prospect_end=2.0, answer_from=6.0)
    assert m.latency_s == pytest.approx(0.5) and not m.hesitation
    assert turn_metrics(words, spans((6.5, 7.2)), prospect_end=2.0).hesitation  # 4.5 s from the first playing
    early = turn_metrics(words, spans((4.0, 7.2)), prospect_end=2.0, answer_from=6.0)
    assert early.latency_s == 0.0  # started during the preparation: at once, not over the prospect
    over = turn_metrics(words, spans((1.5, 7.2)), prospect_end=2.0, answer_from=6.0)
    assert over.latency_s == pytest.approx(-0.5)  # over the line itself
    drill = drill_metrics([Turn(PROSPECT, 0.0, 2.0), Turn(REP, 2.0, 8.0, "fair question", words, spans((6.5, 7.2)))],
                          answers_from=[6.0])
    assert drill.hesitations == 0 and drill.turns[0].latency_s == pytest.approx(0.5)


def test_latency_uses_speech_spans_not_word_times():
    # An engine put the first word at 0.1 s, but the audio shows speech from 1.5 s.
    words = [Word("sure", 0.1, 0.4), Word("thing", 1.8, 2.1)]
    m = turn_metrics(words, spans((1.5, 2.2)), prospect_end=0.0)
    assert m.latency_s == pytest.approx(1.5)


def test_no_words_and_no_spans():
    m = turn_metrics([], [], prospect_end=1.0)
    assert (m.words, m.talk_s, m.speaking_s, m.wpm, m.longest_monologue_s) == (0, 0.0, 0.0, None, 0.0)
    assert (m.fillers, m.fillers_per_min, m.hedges, m.questions) == (0, None, 0, 0)  # no speech: no rate, not 0
    assert (m.airtime_ratio, m.ask_then_stop_s) == (None, None)
    data = m.as_json()
    assert (data["wpm"], data["fillers_per_min"], data["airtime_ratio"]) == (None, None, None)
    assert m.latency_s is None
    assert m.hesitation  # a prospect line went unanswered
    assert not turn_metrics([], [], prospect_end=None).hesitation  # nothing to answer


def test_spans_without_words_count_talk_but_no_pace():
    m = turn_metrics([], spans((1.0, 2.0)), prospect_end=0.5)
    assert (m.talk_s, m.wpm, m.latency_s) == (pytest.approx(1.0), None, pytest.approx(0.5))
    assert m.fillers_per_min == 0.0  # there was speech, and no filler in it


def test_one_word():
    m = turn_metrics([Word("yes", 1.0, 1.3)], spans((1.0, 1.4)), prospect_end=0.8)
    assert m.words == 1
    assert m.talk_s == pytest.approx(0.4)
    assert m.wpm == pytest.approx(150.0)
    assert m.latency_s == pytest.approx(0.2)
    assert m.longest_monologue_s == pytest.approx(0.4)


def test_tokenless_engine_words_are_not_counted():
    m = turn_metrics([Word("-", 0, 0.1), Word("okay", 0.2, 0.5)], spans((0.0, 0.6)), None)
    assert m.words == 1


# --- monologue ---------------------------------------------------------------------------------


def test_long_pauses_split_spans_and_monologues():
    raw = spans((0.0, 10.0), (10.4, 20.0), (21.0, 25.0), (26.5, 30.0))
    joined = join_spans(raw)
    assert joined == spans((0.0, 20.0), (21.0, 25.0), (26.5, 30.0))  # 0.4 s joined, 1.0 s and 1.5 s not
    # silence 1.0 s does not end a monologue, 1.5 s does
    assert longest_monologue(raw) == pytest.approx(25.0)
    m = turn_metrics([], raw, prospect_end=None)
    assert m.talk_s == pytest.approx(20.0 + 4.0 + 3.5)
    assert m.longest_monologue_s == pytest.approx(25.0)


# --- fillers and hedges --------------------------------------------------------------------------


def test_fillers_per_minute_over_rep_talk_minutes():
    words = say("um so uh the price you know is um fair and I mean it", 0.0)
    m = turn_metrics(words, spans((0.0, 36.0)), prospect_end=None)
    # um, uh, you know, um; "I mean it" is the verb, not the filler
    assert m.fillers == 4
    assert m.fillers_per_min == pytest.approx(4 / 0.6)
    assert [(f.phrase, f.start, f.end) for f in m.filler_matches] == [
        ("um", 0, 1), ("uh", 2, 3), ("you know", 5, 7), ("um", 8, 9)
    ]


def test_filled_pauses_in_the_sound_add_the_fillers_the_engine_left_out():
    # "well [uh] I think it was [um] too slow": the engine wrote "uh" but not the "um"
    words = [Word("well", 0.0, 0.3), Word("uh", 0.35, 0.7), Word("I", 0.8, 0.9), Word("think", 0.9, 1.2),
             Word("it", 1.2, 1.3), Word("was", 1.3, 1.5), Word("too", 2.1, 2.3), Word("slow", 2.3, 2.7)]
    heard = (Span(0.4, 0.7),  # under the written "uh": counted once
             Span(1.55, 2.0),  # between words: the "um" the engine left out
             Span(2.35, 2.65))  # under "slow": its held vowel where word times are placed
    placed = turn_metrics(words, spans((0.0, 3.0)), None, filled_pauses=FilledPauses(heard, words_placed=True))
    assert (placed.fillers, placed.sound_fillers) == (2, (Span(1.55, 2.0),))
    assert placed.fillers_per_min == pytest.approx(2 / 0.05)
    assert placed.as_json()["fillers_in_sound"] == 1
    # an engine whose words stretch over the fillers it dropped (Whisper): only written fillers cover
    stretched = turn_metrics(words, spans((0.0, 3.0)), None, filled_pauses=FilledPauses(heard, words_placed=False))
    assert stretched.fillers == 3 and stretched.sound_fillers == (Span(1.55, 2.0), Span(2.35, 2.65))
    assert turn_metrics(words, spans((0.0, 3.0)), None).fillers == 1  # the words alone


def test_filled_pauses_heard_while_the_prospect_spoke_are_not_the_reps():
    # a drill keeps those from the line's end on (trainer/drill/turn.py): echo of the line is not the rep's "um"
    heard = FilledPauses((Span(1.0, 1.5), Span(2.9, 3.3), Span(3.0, 3.4), Span(5.0, 5.6)), words_placed=True)
    assert heard.from_time(3.0) == FilledPauses((Span(3.0, 3.4), Span(5.0, 5.6)), words_placed=True)


def test_a_drill_counts_the_fillers_heard_in_each_answers_sound():
    answer = Turn(REP, 3.0, 8.0, "so the price", say("so the price", 3.5), spans((3.5, 7.5)),
                  FilledPauses((Span(6.0, 6.5),), words_placed=True))
    m = drill_metrics([Turn(PROSPECT, 0.0, 3.0, "line"), answer])
    assert m.fillers == 1 and m.turns[0].sound_fillers == (Span(6.0, 6.5),)


def test_hedges_counted_with_their_words():
    words = say("sorry to bother you I guess I'll just send an email", 0.0)
    m = turn_metrics(words, spans((0.0, 3.5)), prospect_end=None)
    assert m.hedges == 3
    assert [(h.phrase, h.start, h.end) for h in m.hedge_matches] == [
        ("sorry to bother", 0, 3), ("i guess", 4, 6), ("just", 7, 8)
    ]


def test_pack_lexicon_changes_the_counts():
    words = say("it was like really like fast", 0.0)
    assert turn_metrics(words, spans((0.0, 2.0)), None).fillers == 0
    assert turn_metrics(words, spans((0.0, 2.0)), None, lexicon_for({"fillers": ["like"]})).fillers == 2


# --- questions -------------------------------------------------------------------------------------


def questions(text, span_list=None, pauses=None):
    words = say(text, 0.0, pauses=pauses)
    return turn_metrics(words, span_list or spans((0.0, 30.0)), None).questions


def test_questions_with_engine_punctuation_count_question_marks():
    assert questions("I hear you. What's driving that? Is it the price, or the timing?") == 2
    # punctuated: a wh-opening statement is not a question, a "?" is
    assert questions("What we do is help. We could talk Tuesday.") == 0
    assert questions("Tuesday?") == 1


def test_questions_without_punctuation_use_clause_openers():
    assert questions("i hear you what's driving that") == 0  # no clause boundary before "what's"
    assert questions("i hear you so what's driving that") == 1  # a connector starts a clause
    assert questions("could we find fifteen minutes") == 1
    assert questions("um so is it the price or is it the timing") == 2  # leading filler/connector skipped
    assert questions("i know what you mean and what we do is help") == 0  # free relatives
    assert questions("do send me the deck") == 0


def test_pauses_between_words_start_a_clause():
    text = "that makes sense is it the timing"
    assert questions(text) == 0
    assert questions(text, pauses={3: 0.5}) == 1  # 0.55 s between word times
    # a question opening after a shorter pause (QUESTION_PAUSE_S) is one too: "that makes sense | is it ..."
    assert questions(text, pauses={3: 0.2}) == 1  # 0.25 s between word times
    assert questions(text, pauses={3: 0.1}) == 0  # 0.15 s: the same breath
    # the audio's pauses cut too: 0.6 s between speech spans
    assert questions(text, spans((0.0, 0.9), (1.5, 2.6)), pauses={3: 0.35}) == 1
    assert questions("that makes sense we could talk", pauses={3: 0.2}) == 0  # a pause before no opener
    # a pause inside a question's own opening is not a new question: "can I ask | how you handle ..."
    assert questions("i hear you can i ask how you handle scheduling today", pauses={3: 0.2, 6: 0.2}) == 1


def test_clauses_and_question_ranges_are_word_ranges():
    words = say("fair point so how are you handling it today", 0.0)
    lexicon = default_lexicon()
    assert clauses(words, spans((0.0, 3.0)), lexicon) == [range(0, 2), range(2, 9)]
    assert question_clauses(words, spans((0.0, 3.0)), lexicon) == [range(2, 9)]
    assert clauses([], [], lexicon) == []


def test_place_words_ties_words_to_the_span_holding_them_or_the_nearest():
    words = [Word("a", 0.1, 0.3), Word("b", 1.0, 1.2), Word("c", 2.6, 2.8), Word("d", 9.0, 9.2)]
    assert place_words(words, spans((0.0, 0.8), (2.0, 3.0))) == [0, 0, 1, 1]
    assert place_words(words, []) == [None] * 4


# --- JSON and drills ---------------------------------------------------------------------------------


def test_turn_metrics_json_has_the_issue_shape():
    m = turn_metrics(say("um is it the price", 1.0), spans((1.0, 2.5)), prospect_end=0.0)
    data = m.as_json()
    assert list(data) == [
        "talk_s", "wpm", "latency_s", "hesitation", "longest_monologue_s",
        "fillers", "fillers_in_sound", "fillers_per_min", "hedges", "questions",
        "model_answer_s", "airtime_ratio", "ask_then_stop_s", "talk_over", "talk_over_s",
    ]
    assert data == {
        "talk_s": 1.5, "wpm": 200.0, "latency_s": 1.0, "hesitation": False, "longest_monologue_s": 1.5,
        "fillers": 1, "fillers_in_sound": 0, "fillers_per_min": 40.0, "hedges": 0, "questions": 1,
        "model_answer_s": None, "airtime_ratio": None, "ask_then_stop_s": 0.05, "talk_over": 0, "talk_over_s": 0.0,
    }
    assert turn_metrics([], [], None).as_json()["latency_s"] is None


def test_drill_metrics_pool_turns_and_measure_talk_share():
    turns = [
        Turn(PROSPECT, 0.0, 3.0, "We're happy with our current vendor."),
        Turn(REP, 3.0, 12.0, words=tuple(say("i hear you what's working well for you today", 3.5)),
             spans=tuple(spans((3.5, 8.5)))),
        Turn(PROSPECT, 9.0, 11.0, "Price mostly."),
        Turn(REP, 11.0, 20.0, words=tuple(say("uh could we compare notes tuesday", 14.0)),
             spans=tuple(spans((14.0, 16.0), (16.2, 18.0)))),
    ]
    d = drill_metrics(turns)
    assert [t.latency_s for t in d.turns] == [pytest.approx(0.5), pytest.approx(3.0)]
    assert d.hesitations == 1
    assert d.rep_talk_s == pytest.approx(5.0 + 4.0)  # the 0.2 s gap is inside one span
    assert d.prospect_talk_s == pytest.approx(5.0)
    assert d.talk_share == pytest.approx(100 * 9.0 / 14.0)
    assert d.listen_share == pytest.approx(100 - d.talk_share)
    assert d.wpm == pytest.approx(60 * (9 + 6) / (5.0 + 4.0))  # speaking lengths 5.0 and 4.0 s
    assert d.fillers == 1 and d.fillers_per_min == pytest.approx(1 / (9.0 / 60))
    assert d.questions == 1
    assert d.longest_monologue_s == pytest.approx(5.0)


def test_drill_without_speech_and_bad_speaker():
    empty = drill_metrics([])
    assert (empty.talk_share, empty.listen_share, empty.wpm, empty.turns) == (None, None, None, ())
    assert (empty.fillers_per_min, empty.airtime_ratio, empty.script_talk_share) == (None, None, None)
    with pytest.raises(ValueError, match="coach"):
        drill_metrics([Turn("coach", 0, 1)])


# --- listening in a role-play: airtime, ask then stop, talk-over --------------------------------


def test_model_answer_airtime_is_its_words_at_150_wpm():
    assert model_answer_seconds("one two three four five six seven eight nine ten") == pytest.approx(4.0)
    assert model_answer_seconds("") is None


def test_airtime_ratio_is_rep_talk_over_the_model_answer():
    m = turn_metrics(say("fair enough what's driving that", 1.0), spans((1.0, 3.0)), 0.0, model_answer_s=4.0)
    assert (m.model_answer_s, m.airtime_ratio) == (4.0, pytest.approx(0.5))
    assert turn_metrics([], [], 0.0, model_answer_s=4.0).airtime_ratio is None  # no speech: no ratio


def test_ask_then_stop_counts_speech_after_the_last_question():
    # unpunctuated (Vosk): pauses cut "fair enough | what's driving that | we help teams like yours"
    words = say("fair enough what's driving that we help teams like yours", 1.0, step=0.4, pauses={2: 0.6, 5: 0.6})
    m = turn_metrics(words, spans((1.0, 6.0)), 0.0)
    assert m.questions == 1
    assert m.ask_then_stop_s == pytest.approx(6.0 - words[4].end)
    asked = say("I hear you. What's driving that?", 1.0)
    stopped = turn_metrics(asked, spans((1.0, 2.8)), 0.0)
    assert stopped.ask_then_stop_s == pytest.approx(2.8 - asked[-1].end)  # only the word's own tail
    assert turn_metrics(say("I hear you.", 1.0), spans((1.0, 2.0)), 0.0).ask_then_stop_s is None  # no question


def test_ask_then_stop_ignores_silence_after_the_question():
    words = say("What's driving that? We help teams like yours.", 1.0, step=0.3, pauses={3: 2.0})  # "that?" ends 1.85
    m = turn_metrics(words, spans((1.0, 1.9), (3.9, 5.7)), 0.0)
    assert m.ask_then_stop_s == pytest.approx(0.05 + 1.8)  # the word's tail and the second span, not the pause


def test_talk_over_is_speech_while_the_prospect_speaks():
    m = turn_metrics(say("sorry go on what's driving that", 2.0), spans((2.0, 3.0), (4.0, 6.0)), 3.5,
                     prospect_start=1.0)
    assert (m.talk_over_count, m.talk_over_s) == (1, pytest.approx(1.0))
    assert m.latency_s == pytest.approx(-1.5)
    clean = turn_metrics(say("what's driving that", 4.0), spans((4.0, 5.0)), 3.5, prospect_start=1.0)
    assert (clean.talk_over_count, clean.talk_over_s) == (0, 0.0)


def test_drill_metrics_give_the_script_talk_share_and_airtime():
    turns = [
        Turn(PROSPECT, 0.0, 3.0, "We're happy."),
        Turn(REP, 3.0, 12.0, words=tuple(say("i hear you what's working well", 3.5)), spans=tuple(spans((3.5, 9.5)))),
    ]
    d = drill_metrics(turns, model_answers_s=[6.0])
    assert d.script_talk_share == pytest.approx(100 * 6.0 / 9.0)
    assert d.airtime_ratio == pytest.approx(1.0)
    assert drill_metrics(turns).script_talk_share is None


def test_an_answer_that_starts_a_moment_before_the_line_ends_is_no_talk_over():
    """Under TALK_OVER_GRACE_S (0.05 s) of overlap is a turn taken on time (a CLI drill said 'talked over
    the prospect for 0.0 s' for an answer 10 ms early); from it on, the whole overlap counts."""
    early = turn_metrics(say("what's driving that", 3.47), spans((3.47, 5.0)), 3.5, prospect_start=1.0)
    assert (early.talk_over_count, early.talk_over_s) == (0, 0.0)
    assert early.latency_s == pytest.approx(-0.03)
    over = turn_metrics(say("what's driving that", 3.35), spans((3.35, 5.0)), 3.5, prospect_start=1.0)
    assert (over.talk_over_count, over.talk_over_s) == (1, pytest.approx(0.15))
