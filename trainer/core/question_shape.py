"""Where a question opens in words without punctuation: the one rule the clauses, the question metric
and the move recogniser share.

Engines such as Vosk write no "?", so a question is known by how it opens: after any
leading connectors, fillers and preludes ("so um what ...", "yeah what ..."), a question opener of the lexicon (a
wh-word or an inverted auxiliary: "what", "could you", "is it"). Mid-sentence the openers
that also start statements ("it is", "that was", "we can") open a new question only as
"what", "how" or "why", or as an auxiliary followed by a pronoun; "who", "when", "where"
and "which" mid-sentence mostly start a relative or time clause ("who sorts out cover for
you when a driver phones in sick") and do not. A form of "be", "do" or "have" mid-sentence
is a question's only when it agrees with the pronoun after it ("is it", "are you"; not "the
thing is they ...", "my worry is you ...") and does not follow a subject of its own, a noun
phrase opened by an article, a possessive or a demonstrative ("the good news is it pays for
itself"). Embedded wh-clauses ("I know how busy you are") are not told apart here: engines
hear "what were you expecting" as "what we're expecting" too often (measured in a drill).
"""

from __future__ import annotations

import re
from typing import Sequence

from trainer.core.lexicon import Lexicon

WH_INVERSION_REACH = 3  # an auxiliary this close after a wh-word belongs to its question
_PRONOUNS = frozenset({"i", "you", "we", "they", "it", "that", "there", "he", "she", "this", "your"})
_WH = frozenset({"what", "what's", "whats", "why", "how", "how's"})
_RELATIVE = frozenset({"when", "when's", "where", "where's", "who", "who's", "whom", "whose", "which"})
# Pronouns an auxiliary does not agree with when inverted ("is they", "are it"); "aren't i" is said.
_DISAGREEING = {
    "is": {"i", "you", "we", "they"}, "isn't": {"i", "you", "we", "they"},
    "was": {"you", "we", "they"}, "wasn't": {"you", "we", "they"},
    "are": {"i", "it", "he", "she", "that", "this"}, "aren't": {"it", "he", "she", "that", "this"},
    "were": {"i", "it", "he", "she", "that", "this"}, "weren't": {"i", "it", "he", "she", "that", "this"},
    "does": {"i", "you", "we", "they"}, "doesn't": {"i", "you", "we", "they"},
    "has": {"i", "you", "we", "they"}, "hasn't": {"i", "you", "we", "they"},
}
# Words that open a noun phrase: one of them a few words before an auxiliary makes that phrase its subject.
# Quantifiers are left out: they end set phrases more often than they open subjects ("no problem", "and all").
_DETERMINERS = frozenset({"the", "a", "an", "my", "our", "your", "their", "his", "her", "its", "this", "these", "those"})
_MODALS = frozenset({"can", "can't", "could", "couldn't", "would", "wouldn't", "will", "won't", "should", "shouldn't",
                     "shall"})
_SUBJECT_PRONOUNS = frozenset({"i", "you", "we", "they", "he", "she", "it", "that", "this", "there"})
SUBJECT_REACH = 4  # words of a noun phrase before its verb ("the only real problem is")
_TAG = re.compile(r",\s*([a-z']+)\s+([a-z']+)\s*\?\s*$")  # ", isn't it?" closing a written sentence


def after_lead(toks: Sequence[str], lexicon: Lexicon, at: int = 0) -> int:
    """The first token at or after `at` that is not a leading connector or filler ("so", "um", "and")."""
    while at < len(toks):
        lead = lexicon.starts_with("connectors", toks, at) or lexicon.starts_with("fillers", toks, at)
        if lead is None:
            break
        at = lead.end
    return at


def question_start(toks: Sequence[str], lexicon: Lexicon, at: int = 0) -> int:
    """Where a question would open at or after `at`: past leading connectors and fillers, and past the words said
    before a question in one breath (`question_preludes`: "yeah what do you use", "cheers who does your rotas",
    "roughly when does it close"). Engines write no comma after them, and a clause cut needs two words before it."""
    at = after_lead(toks, lexicon, at)
    while (prelude := lexicon.starts_with("question_preludes", toks, at)) is not None and prelude.end < len(toks):
        at = after_lead(toks, lexicon, prelude.end)
    return at


def ends_in_tag(text: str, lexicon: Lexicon) -> bool:
    """True when a written question's "?" belongs to a tag after a statement ("..., isn't it?", "..., is she?"):
    the tag asks the listener to agree, not to tell (Quirk et al. 1985, 11.8-11.9)."""
    tag = _TAG.search(text.lower())
    if tag is None:
        return False
    aux, pronoun = tag.group(1), tag.group(2)
    return (pronoun in _PRONOUNS and lexicon.starts_with("question_openers", [aux, pronoun], 0) is not None
            and aux not in _WH | _RELATIVE and inverted([aux, pronoun], 0))


def new_question_at(toks: Sequence[str], at: int, clause_start: int, lexicon: Lexicon) -> bool:
    """True when a new question opens at token `at` of a clause that began at `clause_start`.

    "what figure did you have", "so how do you": the auxiliary right after a wh-word (and any connectors or
    fillers before it) is that question's own inversion, not a new question.
    """
    match = lexicon.starts_with("question_openers", toks, at)
    if match is None:
        return False
    first = toks[at]
    if first in _WH:
        return True
    if first in _RELATIVE:
        return False
    opening = question_start(toks, lexicon, clause_start)  # "so how do you ...": the wh-word after a connector
    if opening < at and toks[opening] in _WH | _RELATIVE and at - opening <= WH_INVERSION_REACH:
        return False
    if match.end - at > 1:
        return True
    return match.end < len(toks) and toks[match.end] in _PRONOUNS and inverted(toks, at, clause_start)


def inverted(toks: Sequence[str], at: int, clause_start: int = 0) -> bool:
    """False when the auxiliary at `at` cannot be a question's inverted one: a form of "be", "do" or "have"
    that disagrees with the pronoun after it ("is they"), or whose subject stands before it since
    `clause_start` ("the good news is it"); a modal right after a subject pronoun with none after it ("it should
    work")."""
    if toks[at] not in _DISAGREEING:  # wh-words, "could we", "do I": a subject before them is rare, an object common
        return not _modal_of_subject_before(toks, at, clause_start)  # ("pull their hair out")
    following = toks[at + 1] if at + 1 < len(toks) else ""
    return following not in _DISAGREEING[toks[at]] and not _has_subject(toks, at, clause_start)


def _modal_of_subject_before(toks: Sequence[str], at: int, clause_start: int) -> bool:
    """True when the modal at `at` follows a subject pronoun and no subject follows it ("that's how it | should
    work", "i reckon you | could save"): it is that pronoun's verb. A question's modal has its subject after it
    ("i hear you | could you ...", "thank you | can i ask")."""
    following = toks[at + 1] if at + 1 < len(toks) else ""
    return (toks[at] in _MODALS and at > clause_start and toks[at - 1] in _SUBJECT_PRONOUNS
            and following not in _PRONOUNS | _DETERMINERS)


def _has_subject(toks: Sequence[str], at: int, clause_start: int) -> bool:
    """True when a noun phrase opened by a determiner ends right before the auxiliary at `at`, so the
    auxiliary is that subject's verb ("the good news is it ..."): no verb in the phrase, none just before it."""
    for start in range(max(clause_start, at - SUBJECT_REACH), at):
        if toks[start] in _DETERMINERS and not (start > 0 and _verb(toks[start - 1])):  # not an object: "is a fair point"
            return not any(_verb(t) for t in toks[start + 1 : at])
    return False


def _verb(token: str) -> bool:
    """An auxiliary or a contraction with one ("it's", "we've"): a clause's verb is here."""
    return "'" in token or token in _DISAGREEING
