"""An answer cut into clauses, the units the move recogniser judges one by one.

Engines such as Vosk write no punctuation, and a rep's answer runs several moves
together ("fair enough the reason I rang is ... can I ask how you ..."). The metrics'
clauses (`trainer.core.metrics.clauses`: punctuation when the engine writes it, else
pauses and connectors) are cut further before a clause marker (`clause_markers` in
trainer/data/moves.yaml: "because", "the reason", "out of curiosity" ...) and before a
question opener that follows at least `MIN_LEAD_TOKENS` words ("that's fair | can I
ask ..."), so that each piece carries about one move. Fillers at the edges of a clause
are kept: they are the rep's words, and the highlighted evidence shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from trainer.core.lexicon import Lexicon
from trainer.core.metrics import clauses as metric_clauses
from trainer.core.text import word_tokens
from trainer.core.transcript import Span, Word

WH_INVERSION_REACH = 3  # an auxiliary this close after a wh-word belongs to its question
MIN_LEAD_TOKENS = 2  # a marker or opener cuts only when the piece before it keeps this many words
# Question openers that also start statements mid-sentence ("it is", "that was", "we can")
# are not cut at: only "what", "how" or "why", or an auxiliary followed by a pronoun, opens a
# new question there. "who", "when", "where" and "which" mid-sentence mostly start a relative
# or time clause ("who sorts out cover for you when a driver phones in sick") and stay joined.
_PRONOUNS = frozenset({"i", "you", "we", "they", "it", "that", "there", "he", "she", "this", "your"})
_WH = frozenset({"what", "what's", "whats", "why", "how", "how's"})
_RELATIVE = frozenset({"when", "when's", "where", "where's", "who", "who's", "whom", "whose", "which"})


@dataclass(frozen=True)
class Clause:
    """One clause: its word indices in the answer and its text as the engine wrote it."""

    words: range
    text: str
    pair_of: tuple[range, range] | None = None  # a window of two neighbouring clauses: theirs


def split_clauses(words: Sequence[Word], spans: Sequence[Span], lexicon: Lexicon,
                  markers: Sequence[tuple[str, ...]]) -> list[Clause]:
    """The answer's clauses, in order (see the module docstring)."""
    out: list[Clause] = []
    for base in metric_clauses(words, spans, lexicon):
        piece = [words[i] for i in base]
        toks, owner = word_tokens(piece)
        cuts = [0]
        for t in range(MIN_LEAD_TOKENS, len(toks)):
            if owner[t] == owner[t - 1] or owner[t] - owner[cuts[-1]] < MIN_LEAD_TOKENS:
                continue
            piece_start = next(i for i, o in enumerate(owner) if o == cuts[-1])
            # "what figure did you have", "how many hours do you": the wh-question's own inversion, not a new one
            after_wh = toks[piece_start] in _WH | _RELATIVE and t - piece_start <= WH_INVERSION_REACH
            if _starts_marker(toks, t, markers) or (_opens_question(toks, t, lexicon) and
                                                   (toks[t] in _WH or not after_wh)):
                cuts.append(owner[t])
        cuts.append(len(piece))
        for a, b in zip(cuts, cuts[1:]):
            if b > a:
                indices = range(base.start + a, base.start + b)
                out.append(Clause(indices, " ".join(words[i].text.strip() for i in indices)))
    return out


def _starts_marker(toks: Sequence[str], at: int, markers: Sequence[tuple[str, ...]]) -> bool:
    return any(tuple(toks[at : at + len(m)]) == m for m in markers)


def _opens_question(toks: Sequence[str], at: int, lexicon: Lexicon) -> bool:
    match = lexicon.starts_with("question_openers", toks, at)
    if match is None:
        return False
    first = toks[at]
    if first in _WH:
        return True
    if first in _RELATIVE:
        return False
    return match.end < len(toks) and (toks[match.end] in _PRONOUNS or match.end - at > 1)
