"""Pushing questions, tag questions and acknowledgements taken back (`clause_shape.pushing`, `genuine_question`, `taken_back`): a clause
inside "wouldn't you rather ..." asks nothing, "I know, I know, but" takes the first "I know" back too."""

import pytest

from trainer.core.clause_shape import genuine_question, pushing, taken_back
from trainer.core.clauses import Clause
from trainer.core.lexicon import default_lexicon
from trainer.core.moves import default_move_library
from trainer.core.transcript import Word


def window(text: str, first: int, last: int) -> tuple[list[Word], Clause]:
    words = [Word(t, 0.0, 0.0) for t in text.split()]
    return words, Clause(range(first, last + 1), " ".join(w.text for w in words[first : last + 1]))


@pytest.mark.parametrize("text, first, last, expected", [
    ("Wouldn't you rather see how much your clinics could save?", 4, 9, True),  # the cut "how much ..." clause
    ("so isn't it time you looked at how the rota works", 7, 10, True),  # no punctuation, after a connector
    ("That's fair. Wouldn't it make sense to meet on Tuesday?", 0, 9, True),  # a pair holding a pushing sentence
    ("That's fair. Wouldn't it make sense to meet on Tuesday?", 0, 1, False),  # the acknowledgement alone
    ("Don't worry, I completely get it.", 2, 5, False),  # not a question: no pronoun after the opener
    ("How much could your clinics save?", 0, 5, False),
])
def test_a_clause_inside_a_pushing_question_is_known(text, first, last, expected):
    words, clause = window(text, first, last)
    assert pushing(words, clause, default_lexicon()) is expected


@pytest.mark.parametrize("text, expected", [
    ("I know, I know, but just hear me out.", True),  # the same words said again, then "but"
    ("I know, yeah, but just hear me out.", True),  # a backchannel, then "but"
    ("I know, and it's a fair worry.", False),
    ("I know, it's a fair worry, but here is the thing.", False),  # the "but" takes back the next clause
    ("I know. Whatever.", True),  # a dismissal takes it back as a "but" does
    ("i know whatever", True),  # unpunctuated, at the answer's end
    ("I know, who cares, we're the cheapest.", True),
    ("I know, whatever you use now, we plug into it.", False),  # "whatever" leading into more
    ("I know, so what do you use now?", False),
])
def test_an_acknowledgement_is_taken_back_through_repeats_and_backchannels(text, expected):
    words, clause = window(text, 0, 1)
    assert taken_back(words, clause, default_move_library().backchannels) is expected


def test_a_window_that_holds_the_dismissal_is_taken_back_too():
    words, clause = window("Sure, I hear you. Whatever.", 0, 4)
    assert taken_back(words, clause, default_move_library().backchannels)


@pytest.mark.parametrize("text, expected", [
    ("She's not going to be there forever, is she?", False),  # a tag: it seeks agreement
    ("Lovely weather today, isn't it?", False),
    ("How do you handle cover now, do you?", True),  # a question of its own, tag or not
    ("You're on spreadsheets at the moment?", True),  # a question by its "?" alone, no tag
    ("Fair enough, is that right for you?", True),  # more than a tag after the comma
])
def test_a_statement_closed_by_a_tag_asks_nothing(text, expected):
    words, clause = window(text, 0, len(text.split()) - 1)
    assert genuine_question(words, clause, default_lexicon()) is expected
