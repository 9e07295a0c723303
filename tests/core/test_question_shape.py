"""Where a question opens in words without punctuation (`trainer.core.question_shape`): statements
whose auxiliary is a subject's own verb ("the thing is they never call back") are not questions, for
the clauses, the end of turn and the move recogniser alike; questions after a statement in one
breath still are, misheard ones too ("what were you" heard as "what we're")."""

import pytest

from trainer.core.clause_shape import genuine_question
from trainer.core.clauses import Clause, split_clauses
from trainer.core.lexicon import default_lexicon
from trainer.core.metrics import question_clauses
from trainer.core.moves import default_move_library
from trainer.core.question_shape import new_question_at
from trainer.core.text import tokens
from trainer.core.transcript import Word
from trainer.core.turn_end import judge_words

STATEMENTS = [
    "that's exactly what we do for bakeries",
    "i see what you mean about the price",
    "the thing is they never call back",
    "my worry is you will lose drivers over it",
    "the good news is it pays for itself",
    "the problem is it costs too much for now",
    "honestly the catch was we had no time to set it up",
]
QUESTIONS = [  # (text, the token at which the question opens)
    ("i understand can i ask what you had in mind", "can"),
    ("fair enough what are you using right now", "what"),
    ("i get it is that because of the price", "is"),
    ("totally fair how are you handling it today", "how"),
    ("that is a fair point is it the price that worries you", "is"),
    ("got it what's your busiest day of the week", "what's"),
    ("i understand what we're expecting to pay", "what"),  # Whisper's hearing of "what were you expecting"
]


def opens_at(text: str) -> list[str]:
    toks = tokens(text)
    lexicon = default_lexicon()
    return [toks[at] for at in range(2, len(toks)) if new_question_at(toks, at, 0, lexicon)]


def questions(text: str) -> list[str]:
    words = [Word(t, 0.0, 0.0) for t in text.split()]
    library, lexicon = default_move_library(), default_lexicon()
    clauses = split_clauses(words, (), lexicon, library.clause_markers)
    return [c.text for c in clauses if genuine_question(words, c, lexicon, library.question_leads)]


@pytest.mark.parametrize("text", STATEMENTS)
def test_a_statement_holds_no_question_inside_it(text):
    assert opens_at(text) == []
    assert questions(text) == []
    assert not judge_words(text).question


@pytest.mark.parametrize("text,opener", QUESTIONS)
def test_a_question_after_a_statement_in_one_breath_still_opens_one(text, opener):
    assert opens_at(text)[:1] == [opener]
    assert judge_words(text).question


@pytest.mark.parametrize("text,disagreeing", [
    ("the thing is they", "is they"), ("our worry was we", "was we"), ("those shops are it", "are it"),
])
def test_an_auxiliary_that_disagrees_with_its_pronoun_is_not_inverted(text, disagreeing):
    toks = tokens(f"okay so {disagreeing} never call")
    assert not new_question_at(toks, 2, 0, default_lexicon())


def test_a_clause_cut_before_a_subjects_verb_is_no_question():
    """A clause-break model may cut "the good news | is it pays ..."; the clause is no question all the same."""
    words = [Word(t, 0.0, 0.0) for t in "the good news is it pays for itself".split()]
    clause = Clause(range(3, 8), "is it pays for itself")
    assert not genuine_question(words, clause, default_lexicon())
    alone = words[3:]
    assert genuine_question(alone, Clause(range(0, 5), "is it pays for itself"), default_lexicon())


@pytest.mark.parametrize("text,start,question", [
    ("that's how it should work for your floor", 3, False),  # a long pitch's ask came from this clause (2026-12-07)
    ("i reckon you could save a day a week", 3, False),
    ("there will be a small setup fee", 1, False),
    ("i hear you could you tell me more", 3, True),  # a subject after the modal: the question's own
    ("thank you can i ask who runs the rota", 2, True),
])
def test_a_clause_cut_between_a_pronoun_and_its_modal_is_no_question(text, start, question):
    """"that's how it | should work": the modal is the pronoun's verb; a question's modal has its subject after it."""
    words = [Word(t, 0.0, 0.0) for t in text.split()]
    clause = Clause(range(start, len(words)), " ".join(text.split()[start:]))
    assert genuine_question(words, clause, default_lexicon()) is question


@pytest.mark.parametrize("text", ["what are you using now", "fair enough what are you using right now",
                                  "how do you handle it then"])
def test_a_question_that_ends_on_now_or_then_is_still_a_question(text):
    """"now" and "then" are connectors when they lead a clause; last in it they open nothing."""
    assert judge_words(text).question


def test_an_auxiliary_after_a_wh_word_led_by_a_connector_opens_no_new_question():
    lexicon = default_lexicon()
    for text in ("so how do you handle cover today", "and what are you using now", "okay um why did you stop"):
        toks = text.split()
        aux = next(i for i, t in enumerate(toks) if t in ("do", "are", "did"))
        assert not new_question_at(toks, aux, 0, lexicon), text
    toks = "that's fair do you handle it yourselves".split()
    assert new_question_at(toks, 2, 0, lexicon)  # no wh-word before it: a new question


@pytest.mark.parametrize("text", ["yeah what do you use at the moment", "cheers who draws up your shifts",
                                  "roughly when does the deal close", "great could we get half an hour",
                                  "oh right when does it renew", "fair enough what are you using now"])
def test_a_question_after_a_prelude_without_its_comma_is_asked(text):
    words = [Word(w, 0.0, 0.0) for w in text.split()]
    whole = Clause(range(len(words)), text)
    assert genuine_question(words, whole, default_lexicon(), default_move_library().question_leads)
    assert len(question_clauses(words, (), default_lexicon())) == 1  # the question count agrees
    assert judge_words(text).question  # and so does the end of turn


@pytest.mark.parametrize("text", ["yeah we could do that", "right now we use excel", "sure that works for me",
                                  "yeah that is the plan"])
def test_a_prelude_before_a_statement_asks_nothing(text):
    words = [Word(w, 0.0, 0.0) for w in text.split()]
    assert not genuine_question(words, Clause(range(len(words)), text), default_lexicon())
    assert question_clauses(words, (), default_lexicon()) == []
    assert not judge_words(text).question
