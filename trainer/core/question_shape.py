"""Where a question opens in words without punctuation: the one rule the clauses, the question metric
and the move recogniser share.

Engines such as Vosk write no "?", so a question is known by how it opens: after any
leading connectors and fillers ("so um what ..."), a question opener of the lexicon (a
wh-word or an inverted auxiliary: "what", "could you", "is it"). Mid-sentence the openers
that also start statements ("it is", "that was", "we can") open a new question only as
"what", "how" or "why", or as an auxiliary followed by a pronoun; "who", "when", "where"
and "which" mid-sentence mostly start a relative or time clause ("who sorts out cover for
you when a driver phones in sick") and do not.
"""

from __future__ import annotations

from typing import Sequence

from trainer.core.lexicon import Lexicon

WH_INVERSION_REACH = 3  # an auxiliary this close after a wh-word belongs to its question
_PRONOUNS = frozenset({"i", "you", "we", "they", "it", "that", "there", "he", "she", "this", "your"})
_WH = frozenset({"what", "what's", "whats", "why", "how", "how's"})
_RELATIVE = frozenset({"when", "when's", "where", "where's", "who", "who's", "whom", "whose", "which"})


def after_lead(toks: Sequence[str], lexicon: Lexicon, at: int = 0) -> int:
    """The first token at or after `at` that is not a leading connector or filler ("so", "um", "and")."""
    while at < len(toks):
        lead = lexicon.starts_with("connectors", toks, at) or lexicon.starts_with("fillers", toks, at)
        if lead is None:
            break
        at = lead.end
    return at


def new_question_at(toks: Sequence[str], at: int, clause_start: int, lexicon: Lexicon) -> bool:
    """True when a new question opens at token `at` of a clause that began at `clause_start`.

    "what figure did you have": the auxiliary right after a wh-word is that question's own
    inversion, not a new question.
    """
    match = lexicon.starts_with("question_openers", toks, at)
    if match is None:
        return False
    first = toks[at]
    if first in _WH:
        return True
    if first in _RELATIVE:
        return False
    if toks[clause_start] in _WH | _RELATIVE and at - clause_start <= WH_INVERSION_REACH:
        return False
    return match.end < len(toks) and (toks[match.end] in _PRONOUNS or match.end - at > 1)
