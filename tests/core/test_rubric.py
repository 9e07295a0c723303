"""Rubric coverage: cue phrases on normalised words, tolerant of small ASR errors, with evidence."""

import pytest

from trainer.core.pack_model import Move
from trainer.core.rubric import FUZZY_THRESHOLD, check_move, check_rubric, cue_similarity
from trainer.core.text import tokens
from trainer.core.transcript import Word

RUBRIC = (
    Move("acknowledge", ("I hear you", "that makes sense", "fair enough")),
    Move("ask", ("what's driving that", "can I ask", "what would it take")),
    Move("reframe", ("what if we looked at it as", "a lot of our clients")),
    Move("next_step", ("could we find fifteen minutes", "set up a call", "how about Tuesday")),
)
BAD_ANSWER = "uh sorry to bother you I guess I'll just send an email"


def timed(text, start=0.0, step=0.4):
    return [Word(w, round(start + i * step, 3), round(start + i * step + 0.3, 3)) for i, w in enumerate(text.split())]


@pytest.mark.parametrize(
    ("cue", "heard"),
    [
        ("I hear you", "okay i here you"),  # homophone
        ("what's driving that", "so what driving that"),  # dropped 's
        ("what's driving that", "what is driving that"),  # expanded contraction
        ("that makes sense", "yeah that make sense"),
        ("what if we looked at it as", "what if we look at it as"),
        ("I understand", "i under stand"),  # one word split in two
        ("a lot of our clients", "a lot of our client said"),
        ("What\u2019s driving that?", "What's driving that?"),  # punctuation and apostrophes
    ],
)
def test_asr_style_errors_still_match(cue, heard):
    score, _, _ = cue_similarity(tokens(cue), tokens(heard))
    assert score >= FUZZY_THRESHOLD


@pytest.mark.parametrize(
    ("cue", "heard", "below"),
    [
        ("I hear you", "i see you", 75),  # a different word of the same shape
        ("next step", "next week works", 70),
        ("what would it take", "what would it cost", 79),
        ("what would it take", "what would it", 75),  # a dropped content word costs its length
        ("what's driving that", "what's behind that", 75),
        ("what if", "what is", 1),  # short words must match exactly
        ("why", "way", 1),
        ("set up a call", "send an email", 1),
    ],
)
def test_unrelated_words_do_not_match(cue, heard, below):
    score, _, _ = cue_similarity(tokens(cue), tokens(heard))
    assert score < below
    assert score < FUZZY_THRESHOLD


def test_evidence_names_the_matched_words_and_their_times():
    words = timed("fair point i here you so what driving that for you", start=2.0)
    result = check_rubric(RUBRIC[:2], words)
    acknowledge, ask = result.moves
    assert acknowledge.covered and acknowledge.cue == "I hear you"
    assert acknowledge.word_range == range(2, 5)
    assert acknowledge.evidence == "i here you"
    assert (acknowledge.start, acknowledge.end) == (2.8, 3.9)
    assert acknowledge.similarity == pytest.approx(80.0)
    assert ask.covered and ask.cue == "what's driving that" and ask.evidence == "what driving that"
    assert ask.word_range == range(6, 9)


def test_evidence_maps_tokens_back_to_engine_words():
    words = [Word("Fair", 0, 0.3), Word("enough.", 0.3, 0.7), Word("Set-up", 0.8, 1.1), Word("a", 1.1, 1.2), Word("call?", 1.2, 1.6)]
    result = check_rubric(RUBRIC, words)
    by_id = {m.move.id: m for m in result.moves}
    assert by_id["acknowledge"].evidence == "Fair enough." and by_id["acknowledge"].word_range == range(0, 2)
    assert by_id["next_step"].evidence == "Set-up a call?" and by_id["next_step"].word_range == range(2, 5)


def test_model_answer_covers_every_move():
    answer = (
        "I hear you, and a lot of our clients said the same before they switched. "
        "What's driving that for you right now? Could we find fifteen minutes on Thursday?"
    )
    result = check_rubric(RUBRIC, answer)
    assert result.coverage == 1.0
    assert result.covered == {"acknowledge", "ask", "reframe", "next_step"}
    assert result.missed == ()
    assert result.as_json() == {"acknowledge": True, "ask": True, "reframe": True, "next_step": True}


def test_bad_answer_covers_none_of_the_moves():
    result = check_rubric(RUBRIC, timed(BAD_ANSWER))
    assert result.coverage == 0.0
    assert result.covered == frozenset()
    assert [m.move.id for m in result.missed] == ["acknowledge", "ask", "reframe", "next_step"]
    assert all(m.cue is None and m.word_range is None and m.similarity < FUZZY_THRESHOLD for m in result.moves)


def test_partial_coverage_and_best_cue_wins():
    result = check_rubric(RUBRIC, "fair enough but i hear you what would it take")
    assert result.coverage == pytest.approx(0.5)
    acknowledge = result.moves[0]
    assert acknowledge.cue in {"I hear you", "fair enough"} and acknowledge.similarity == 100.0


def test_short_cue_needs_an_exact_word():
    move = Move("ask", ("why",))
    assert check_move(move, timed("so why is that")).covered
    assert not check_move(move, timed("no way is that")).covered


def test_no_rubric_and_empty_answers():
    assert check_rubric((), "anything").coverage is None
    empty = check_rubric(RUBRIC, [])
    assert empty.coverage == 0.0 and empty.as_json() == dict.fromkeys(["acknowledge", "ask", "reframe", "next_step"], False)
    assert not check_move(Move("x", ("",)), timed("hello")).covered  # a cue without words never matches


def test_a_dropped_i_still_matches_a_longer_cue_but_not_a_short_one():
    ask = Move("ask", ("can i ask",))
    assert check_rubric([ask], "Can ask how you plan your shifts today?").covered == {"ask"}
    assert check_rubric([ask], "You can tell me later").covered == frozenset()
    short = Move("ack", ("i see",))  # two words: "see" alone is too little to go on
    assert check_rubric([short], "see the numbers").covered == frozenset()
