"""Rubric moves recognised by meaning, clause by clause, in the rep's own words.

A move counts when some part of the answer *does* it, whatever the wording: "yeah no
worries, nobody wants a random call on a Tuesday" acknowledges as well as "fair enough".
The answer is cut into clauses (`trainer.core.clauses`); each clause, and each pair of
neighbouring clauses (a move often spans a cut: "I'm ringing | because ..."), is turned
into a sentence vector by an encoder (`trainer.meaning.encoder`, injected: this module
loads no model). A window earns a move when

- it is close to what the move sounds like: the mean cosine of its `TOP_K` nearest
  positive examples (the move kind's examples in trainer/data/moves.yaml, the pack's
  cues and `examples:`, and the model answer's clause that makes the move) reaches the
  kind's threshold, and
- it is closer to those than to the move's near misses (`not:` in moves.yaml: negations,
  pitches, vague offers) by at least `NEAR_MISS_MARGIN`.

Two rules from the clause's shape add to the vectors, which follow topic more than the
act: a genuine question to the prospect (a wh-word or an inverted auxiliary first, with
or without "?", not a negative pitch question such as "wouldn't you like ...") is an
`ask`; and a cue phrase of the move found by the cue matcher counts, as before, unless
its clause is negated. Tricks earn nothing: an answer that is a list of words rather than
sentences (`is_word_list`) gets no move at all.

Thresholds per kind are calibrated on the labelled calibration set
(`tests/data/own_words/calibration.yaml`) by `scripts/calibrate-moves` and kept in
trainer/data/move_thresholds.yaml with the figures that chose them; the held-out set is
never used for that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Protocol, Sequence

import numpy as np

from trainer.core.clauses import Clause, split_clauses
from trainer.core.lexicon import Lexicon, default_lexicon
from trainer.core.moves import MoveKind, MoveLibrary, default_move_library
from trainer.core.pack_model import Move, Node
from trainer.core.rubric import FUZZY_THRESHOLD, MoveResult, RubricResult, check_move, check_rubric, cue_similarity
from trainer.core.text import tokens, word_tokens
from trainer.core.transcript import Span, Word

METHOD_MEANING = "meaning"
METHOD_CUES = "cues"
TOP_K = 2  # positives averaged: one neighbour is noisy, many dilute a move with few examples
NEAR_MISS_MARGIN = 0.0  # a window must be nearer the move than its nearest near miss
DEFAULT_THRESHOLD = 0.5  # for a pack's own move with no calibrated kind (see move_thresholds.yaml)
ASK_KINDS = frozenset({"ask"})
# Negation words: a cue phrase inside a negated clause ("I don't hear you") earns nothing.
_NEGATIONS = frozenset({"not", "no", "never", "don't", "dont", "won't", "can't", "isn't", "aren't",
                        "doesn't", "didn't", "wouldn't", "shouldn't", "couldn't", "nothing", "nobody"})
# Questions that push rather than ask: "wouldn't you like ...", "don't you want ...", "isn't it time ...".
_PITCH_QUESTION_OPENERS = frozenset({"wouldn't", "don't", "isn't", "aren't", "doesn't", "won't", "shouldn't",
                                     "couldn't", "can't", "haven't", "hasn't", "didn't"})
# A spoken sentence has these small words; a list of cue words does not (see is_word_list).
_GRAMMAR_WORDS = frozenset({
    "i", "you", "we", "they", "he", "she", "it", "me", "us", "them", "my", "your", "our", "their", "its",
    "i'm", "you're", "we're", "they're", "it's", "that's", "i'll", "we'll", "you'll", "i'd", "we'd", "i've",
    "we've", "you've", "is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "have", "has",
    "had", "can", "could", "would", "will", "should", "may", "might", "the", "a", "an", "to", "of", "in",
    "on", "at", "for", "with", "that", "this", "what", "how", "if", "there", "let", "let's", "get", "go",
})
WORD_LIST_MIN_TOKENS = 6  # shorter answers ("Fair enough.") are too short to judge
WORD_LIST_MAX_GRAMMAR = 0.2  # share of grammar words under which an answer is a word list


class Encoder(Protocol):
    """Turns texts into unit vectors (one row per text); `trainer.meaning.encoder.SentenceEncoder`."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Calibration:
    """Per-kind thresholds (cosine 0-1) for the mean of the TOP_K nearest positives."""

    thresholds: Mapping[str, float] = field(default_factory=dict)
    default: float = DEFAULT_THRESHOLD

    def threshold(self, kind_id: str | None) -> float:
        """The threshold of a move kind (the default for a pack's own move)."""
        return self.thresholds.get(kind_id, self.default) if kind_id else self.default


@dataclass(frozen=True)
class WindowScore:
    """How close one window of clauses came to a move: positives, near misses, and the words."""

    positive: float
    near_miss: float
    words: range
    text: str


class MoveRecogniser:
    """Decides which of a node's moves an answer made, by meaning (see the module docstring)."""

    method = METHOD_MEANING

    def __init__(self, encoder: Encoder, library: MoveLibrary | None = None,
                 calibration: Calibration | None = None, lexicon: Lexicon | None = None) -> None:
        self.encoder = encoder
        self.library = library or default_move_library()
        self.calibration = calibration or Calibration()
        self.lexicon = lexicon or default_lexicon()

    def warm_up(self) -> None:
        """Encode every library sentence now (a drill calls this in the background before the first answer)."""
        texts = [t for kind in self.library.kinds.values() for t in (*kind.examples, *kind.near_misses)]
        self.encoder.encode(texts)

    def check(self, node: Node, answer: Sequence[Word] | str, spans: Sequence[Span] = ()) -> RubricResult:
        """Which of the node's moves the answer made; `answer` is the engine's words or typed text."""
        words = _as_words(answer)
        moves = node.rubric
        if not moves:
            return RubricResult((), METHOD_MEANING)
        if not words or is_word_list(words):
            return RubricResult(tuple(MoveResult(m, covered=False) for m in moves), METHOD_MEANING)
        windows = self._windows(words, spans)
        vectors = self.encoder.encode([w.text for w in windows])
        results = []
        for move in moves:
            results.append(self._check_move(move, node, words, windows, vectors))
        return RubricResult(tuple(results), METHOD_MEANING)

    def scores(self, node: Node, move: Move, answer: Sequence[Word] | str, spans: Sequence[Span] = ()) -> list[WindowScore]:
        """Every window's closeness to one move (for calibration and for explaining a decision)."""
        words = _as_words(answer)
        windows = self._windows(words, spans)
        if not windows:
            return []
        vectors = self.encoder.encode([w.text for w in windows])
        return self._window_scores(move, node, windows, vectors)

    def _windows(self, words: Sequence[Word], spans: Sequence[Span]) -> list[Clause]:
        clauses = split_clauses(words, spans, self.lexicon, self.library.clause_markers)
        pairs = [
            Clause(range(a.words.start, b.words.stop), f"{a.text} {b.text}")
            for a, b in zip(clauses, clauses[1:])
        ]
        return clauses + pairs

    def _check_move(self, move: Move, node: Node, words: Sequence[Word], windows: list[Clause],
                    vectors: np.ndarray) -> MoveResult:
        kind = self.library.kind_of(move.id)
        threshold = self.calibration.threshold(kind.id if kind else None)
        scored = self._window_scores(move, node, windows, vectors)
        earned = [s for s in scored if s.positive >= threshold and s.positive - s.near_miss >= NEAR_MISS_MARGIN]
        best = max(earned or scored, key=lambda s: s.positive)
        if earned:
            return _result(move, words, best.words, best.positive, covered=True)
        if kind is not None and kind.id in ASK_KINDS:
            question = self._genuine_question(words, windows)
            if question is not None:
                return _result(move, words, question.words, best.positive, covered=True)
        cue = check_move(move, words)
        if cue.covered and cue.word_range is not None and not _negated(words, cue.word_range, windows):
            return cue
        return MoveResult(move, covered=False, similarity=round(best.positive * 100, 1))

    def _window_scores(self, move: Move, node: Node, windows: list[Clause], vectors: np.ndarray) -> list[WindowScore]:
        kind = self.library.kind_of(move.id)
        positives = list(move.examples) + list(move.cues) + model_answer_clauses(node, move, self)
        near_misses: list[str] = []
        if kind is not None:
            positives += list(kind.examples)
            near_misses = list(kind.near_misses)
        pos = vectors @ self.encoder.encode(positives).T
        k = min(TOP_K, pos.shape[1])
        top = np.sort(pos, axis=1)[:, -k:].mean(axis=1)
        near = (vectors @ self.encoder.encode(near_misses).T).max(axis=1) if near_misses else np.full(len(windows), -1.0)
        return [WindowScore(float(p), float(n), w.words, w.text) for p, n, w in zip(top, near, windows)]

    def _genuine_question(self, words: Sequence[Word], windows: list[Clause]) -> Clause | None:
        """The first single clause shaped as a genuine question to the prospect (not a pitch question)."""
        for clause in windows:
            toks, _ = word_tokens([words[i] for i in clause.words])
            at = 0
            while at < len(toks):
                lead = self.lexicon.starts_with("connectors", toks, at) or self.lexicon.starts_with("fillers", toks, at)
                if lead is None:
                    break
                at = lead.end
            opener = self.lexicon.starts_with("question_openers", toks, at)
            asked = clause.text.rstrip().endswith("?") or opener is not None
            if not asked or len(toks) - at < 3:
                continue
            if at < len(toks) and toks[at] in _PITCH_QUESTION_OPENERS:
                continue
            return clause
        return None


def model_answer_clauses(node: Node, move: Move, recogniser: MoveRecogniser) -> list[str]:
    """The clauses of the node's model answer that make this move by one of its cues (extra examples)."""
    words = _as_words(node.model_answer)
    clauses = split_clauses(words, (), recogniser.lexicon, recogniser.library.clause_markers)
    found = []
    for clause in clauses:
        clause_tokens = tokens(clause.text)
        if any(cue_similarity(tokens(cue), clause_tokens)[0] >= FUZZY_THRESHOLD for cue in move.cues):
            found.append(clause.text)
    return found


def is_word_list(words: Sequence[Word]) -> bool:
    """True for a list of words rather than sentences ("fair enough reason question next week thursday")."""
    toks, _ = word_tokens(words)
    if len(toks) < WORD_LIST_MIN_TOKENS:
        return False
    grammar = sum(t in _GRAMMAR_WORDS for t in toks)
    return grammar / len(toks) < WORD_LIST_MAX_GRAMMAR


def _negated(words: Sequence[Word], matched: range, windows: list[Clause]) -> bool:
    """True when the single clause holding the matched words also holds a negation."""
    for clause in windows:
        if matched.start in clause.words:
            toks, _ = word_tokens([words[i] for i in clause.words])
            return any(t in _NEGATIONS for t in toks)
    return False


def _result(move: Move, words: Sequence[Word], span: range, similarity: float, covered: bool) -> MoveResult:
    first, last = span.start, span.stop - 1
    return MoveResult(
        move,
        covered=covered,
        similarity=round(similarity * 100, 1),
        word_range=range(first, last + 1),
        evidence=" ".join(w.text.strip() for w in words[first : last + 1]),
        start=words[first].start,
        end=words[last].end,
    )


def _as_words(answer: Sequence[Word] | str) -> list[Word]:
    return [Word(text, 0.0, 0.0) for text in answer.split()] if isinstance(answer, str) else list(answer)


class CueRecogniser:
    """The fallback without the meaning model: a move counts when one of its cue phrases occurs."""

    method = METHOD_CUES

    def warm_up(self) -> None:
        """Nothing to load."""

    def check(self, node: Node, answer: Sequence[Word] | str, spans: Sequence[Span] = ()) -> RubricResult:
        """Which of the node's moves the answer made, by cue phrase."""
        return check_rubric(node.rubric, answer)


Recogniser = MoveRecogniser | CueRecogniser
