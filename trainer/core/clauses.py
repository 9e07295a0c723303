"""An answer cut into clauses, the units the move recogniser judges one by one.

Engines such as Vosk write no punctuation, and a rep's answer runs several moves
together ("fair enough the reason I rang is ... can I ask how you ..."). The metrics'
clauses (`trainer.core.metrics.clauses`: punctuation when the engine writes it, else
pauses and connectors) are cut further before a clause marker (`clause_markers` in
trainer/data/moves.yaml: "because", "the reason", "out of curiosity" ...) and before a
question opener that follows at least `MIN_LEAD_TOKENS` words ("that's fair | can I
ask ...", `trainer.core.question_shape`), so that each piece carries about one move. Without
punctuation, the pieces are also cut where written English would put a comma or a full stop
(`trainer.core.clause_breaks`): a pause is not always there. There they are cut more often than
written English puts a comma (the model's threshold lowered by CUT_MARGIN) and also after words
that read as a finished sentence (`finished`: `trainer.core.completeness`), since the recogniser
judges each pair of neighbouring clauses too: a cut too many costs little, a cut missed blurs two
moves into one clause. Fillers at the edges of a clause are kept: they are the rep's words, and
the highlighted evidence shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

from trainer.core.clause_breaks import ClauseBreaks
from trainer.core.lexicon import Lexicon
from trainer.core.metrics import clauses as metric_clauses, engine_punctuates
from trainer.core.question_shape import new_question_at
from trainer.core.text import word_tokens
from trainer.core.transcript import Span, Word

MIN_LEAD_TOKENS = 2  # a marker or opener cuts only when the piece before it keeps this many words
# Measured 2026-12-06 on the calibration set (recall / false credit as Vosk heard it, timed; the typed
# answers with their punctuation taken away): the clause-break model alone 0.643 / 0.031, 0.886 / 0.017;
# margin 1 0.664 / 0.031, 0.886 / 0.017; margin 2 0.694 / 0.044 (false credit up); margin 1 and a cut
# after words that read finished 0.678 / 0.032, 0.895 / 0.017. The completeness model added to the
# break model's logit (weights 0.5-2) measured no better than the model alone.
CUT_MARGIN = 1.0
# A clause this long is also judged in halves (`halves`), each half at least HALF_MIN_TOKENS long, and a half
# this long in halves again (HALVING_LEVELS). Measured 2026-12-07, recall / false credit typed, Vosk, Whisper
# (heard espeak-ng). Calibration set, the move model unchanged: no halves 0.926 / 0.010, 0.691 / 0.032,
# 0.785 / 0.031; halves of 8+ words 0.934 / 0.015, 0.725 / 0.037, 0.831 / 0.032; and their halves 0.938 / 0.015,
# 0.730 / 0.037, 0.847 / 0.032 (halving on to the end: 0.938 / 0.015, 0.734 / 0.037, 0.853 / 0.034, but a 30 s
# answer's moves took 77 ms prepared in a drill against 55; halves of 6+ words: 0.948 / 0.029, 0.747 / 0.051,
# 0.872 / 0.055; halves of at least 3 or 4 words: no less false credit). The same recall by crediting more
# instead (the model's bias +0.3, no halves): 0.941 / 0.014, 0.722 / 0.043, 0.810 / 0.032. Shipped: two
# levels, a half asking only as part of a question (trainer.core.meaning), the model's bias -0.2
# (trainer/data/move_model.yaml): calibration 0.933 / 0.015, 0.698 / 0.032, 0.815 / 0.031; the hard set (never
# fitted on) 0.798 / 0.112, 0.548 / 0.088, 0.611 / 0.082 against 0.755 / 0.109, 0.529 / 0.085, 0.611 / 0.091.
LONG_CLAUSE_TOKENS = 8
HALF_MIN_TOKENS = 2
HALVING_LEVELS = 2


@dataclass(frozen=True)
class Clause:
    """One clause: its word indices in the answer and its text as the engine wrote it."""

    words: range
    text: str
    pair_of: tuple[range, range] | None = None  # a window of two neighbouring clauses: theirs
    half_of: range | None = None  # a window halved from a clause (`halves`): that clause's words


def split_clauses(words: Sequence[Word], spans: Sequence[Span], lexicon: Lexicon,
                  markers: Sequence[tuple[str, ...]], breaks: ClauseBreaks | None = None,
                  function_words: frozenset[str] = frozenset(),
                  finished: Callable[[Sequence[str]], bool] | None = None) -> list[Clause]:
    """The answer's clauses, in order (see the module docstring); `breaks` cuts unpunctuated words further,
    and with it `finished` (whether tokens read as a finished sentence) cuts after a finished one."""
    out: list[Clause] = []
    written = set()  # words before which unpunctuated answers break
    if breaks is not None and words and not engine_punctuates(words):
        toks, owner = word_tokens(words)
        written = {owner[t] for t, cut in enumerate(breaks.breaks(toks, function_words, CUT_MARGIN))
                   if t and owner[t] != owner[t - 1] and (cut or (finished is not None and finished(toks[max(0, t - 2) : t])))}
    for base in metric_clauses(words, spans, lexicon):
        piece = [words[i] for i in base]
        toks, owner = word_tokens(piece)
        cuts = [0]
        for t in range(MIN_LEAD_TOKENS, len(toks)):
            if owner[t] == owner[t - 1] or owner[t] - cuts[-1] < MIN_LEAD_TOKENS:
                continue
            piece_start = next(i for i, o in enumerate(owner) if o >= cuts[-1])  # a word may have no tokens ("-")
            if (_starts_marker(toks, t, markers) or new_question_at(toks, t, piece_start, lexicon)
                    or base.start + owner[t] in written):
                cuts.append(owner[t])
        cuts.append(len(piece))
        out += [clause_of(words, range(base.start + a, base.start + b)) for a, b in zip(cuts, cuts[1:]) if b > a]
    return out


def halves(words: Sequence[Word], clauses: Sequence[Clause], breaks: ClauseBreaks,
           function_words: frozenset[str] = frozenset()) -> list[Clause]:
    """The halves of every clause of at least `LONG_CLAUSE_TOKENS` words, cut where written English most
    likely breaks it (`ClauseBreaks.gap_logits`, passing the threshold or not), and the halves of those
    halves: windows judged beside the clauses, since a cut missed blurs two moves into one clause (an
    engine's punctuation, or none, rarely falls just where the rep's moves change). Each knows the clause
    it was cut from (`half_of`): its shape is that clause's (a half of a statement is no question, "I don't
    care | what you use")."""
    out: list[Clause] = []
    level = list(clauses)
    for _ in range(HALVING_LEVELS):
        level = [half for clause in level for half in _halve(words, clause, breaks, function_words)]
        out += level
    return out


def _halve(words: Sequence[Word], clause: Clause, breaks: ClauseBreaks,
           function_words: frozenset[str]) -> list[Clause]:
    """The clause's two halves, or none when it is too short to halve."""
    toks, owner = word_tokens([words[i] for i in clause.words])
    gaps = [t for t in range(HALF_MIN_TOKENS, len(toks) - HALF_MIN_TOKENS + 1) if owner[t] != owner[t - 1]]
    if len(toks) < LONG_CLAUSE_TOKENS or not gaps:
        return []
    logits = breaks.gap_logits(toks, function_words)
    cut = clause.words.start + owner[max(gaps, key=lambda t: logits[t])]
    whole = clause.half_of or clause.words
    return [replace(clause_of(words, part), half_of=whole)
            for part in (range(clause.words.start, cut), range(cut, clause.words.stop))]


def clause_of(words: Sequence[Word], indices: range) -> Clause:
    """The clause of these words, its text as the engine wrote them."""
    return Clause(indices, " ".join(words[i].text.strip() for i in indices))


def _starts_marker(toks: Sequence[str], at: int, markers: Sequence[tuple[str, ...]]) -> bool:
    return any(tuple(toks[at : at + len(m)]) == m for m in markers)

