"""Questions an engine writes without "?" after a lead ("out of curiosity", "I was wondering if"):
`clause_shape.genuine_question` with the move library's `question_leads` (moves.yaml)."""

import pytest

from trainer.core.clause_shape import genuine_question
from trainer.core.clauses import Clause
from trainer.core.lexicon import default_lexicon
from trainer.core.moves import default_move_library
from trainer.core.transcript import Word


def asked(text: str, leads=None) -> bool:
    words = [Word(t, 0.0, 0.0) for t in text.split()]
    leads = default_move_library().question_leads if leads is None else leads
    return genuine_question(words, Clause(range(len(words)), text), default_lexicon(), leads)


@pytest.mark.parametrize("text", [
    "out of curiosity who looks after the rota at the moment",
    "i was wondering if you had ten minutes next week",
    "so um i'm curious how you handle sick calls on a monday",
    "mind if i ask what you pay the agency",
    "just wondering whether the clinics share one calendar",
])
def test_a_question_after_a_lead_is_asked_without_its_mark(text):
    assert asked(text)
    assert not asked(text, leads=())  # the lead is what makes it a question here


@pytest.mark.parametrize("text", [
    "out of curiosity we built this for dentists first",  # a lead, then a statement
    "i was wondering about that myself last week",
    "wouldn't you like to save money",  # a pushing question stays one, lead or not
    "out of curiosity wouldn't you like to save money",
])
def test_a_lead_before_a_statement_or_a_pushing_question_is_not_asking(text):
    assert not asked(text)
