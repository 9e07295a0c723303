"""Rubric moves recognised by meaning, clause by clause, in the rep's own words.

A move counts when some part of the answer *does* it, whatever the wording: "yeah no
worries, nobody wants a random call on a Tuesday" acknowledges as well as "fair enough".
The answer is cut into clauses (`trainer.core.clauses`); each clause, each pair of
neighbouring clauses (a move often spans a cut: "I'm ringing | because ...") and the halves
of a long clause (a cut missed: two moves in one clause) is turned into a sentence vector
by an encoder (`trainer.meaning.encoder`, injected: this module loads no model). For each window and move, `FEATURES` describe it:

- how close it is to the move kind's examples (trainer/data/moves.yaml: the mean cosine
  of the TOP_K nearest) and to the node's own wording of the move (its cues, `examples:`
  and the model answer's clause that makes it);
- how close it is to the move's near misses (`not:` in moves.yaml: negations, pitches,
  vague offers) and to the nearest *other* move kind, since a bare cosine follows topic
  more than the act (docs/metrics.md), so a move must beat its look-alikes;
- its shape: a genuine question to the prospect (a wh-word or an inverted auxiliary
  first, with or without "?", not a pushing "wouldn't you ..."), a negation, a cue phrase;
- the probe's score: a linear read-out of the vector per move kind (`MoveProbe`,
  trainer/data/move_probe.npz), learned from the library and the calibration answers,
  which separates an act from its look-alikes better than any one similarity.

A small logistic model over these (weights and per-kind biases in
trainer/data/move_model.yaml, fitted with the probe on the labelled calibration set by
`scripts/calibrate-moves`, never on the held-out set) scores every window; the move is
credited when its best window scores above 0, and that window is the evidence; a cue
phrase of the move counts too unless a negation stands just before it, so nothing the cue
matcher credited is lost (a measured 88% recall on unseen answers is not yet enough to
drop it: docs/metrics.md). Tricks earn nothing: an answer that is a list of words rather
than sentences (`is_word_list`) gets no move at all, a window of backchannels only
("okay, so") none either, and negation and pitching are features the model weighs against.
"""

from __future__ import annotations

from typing import Callable, Protocol, Sequence

import numpy as np

from trainer.core.clause_shape import (
    NEGATION_REACH, addresses_prospect, genuine_question, has_negation, is_negation, is_word_list, only_backchannels,
    pushing, taken_back,
)
from trainer.core.clause_breaks import ClauseBreaks
from trainer.core.clauses import Clause, clause_of, halves, split_clauses
from trainer.core.lexicon import Lexicon, default_lexicon
from trainer.core.moves import MoveLibrary, default_move_library
from trainer.core.move_model import FEATURES, MoveModel, MoveProbe
from trainer.core.pack_model import Move, Node
from trainer.core.rubric import (
    FUZZY_THRESHOLD,
    MoveResult,
    RubricResult,
    check_move,
    check_rubric,
    cue_similarity,
    with_model_phrases,
)
from trainer.core.text import tokens, word_tokens
from trainer.core.transcript import Span, Word, untimed_words

METHOD_MEANING = "meaning"
METHOD_CUES = "cues"
TOP_K = 2  # kind examples averaged: one neighbour is noisy, many dilute a kind with few examples
ASK_KINDS = frozenset({"ask"})
# An acknowledgement taken back by "but", or inside a pushing question, is none (`clause_shape`).
ACKNOWLEDGE_KINDS = frozenset({"acknowledge", "empathise"})


class Encoder(Protocol):
    """Turns texts into unit vectors (one row per text); `trainer.meaning.encoder.SentenceEncoder`."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class MoveRecogniser:
    """Decides which of a node's moves an answer made, by meaning (see the module docstring)."""

    method = METHOD_MEANING

    def __init__(self, encoder: Encoder, library: MoveLibrary | None = None,
                 model: MoveModel | None = None, lexicon: Lexicon | None = None,
                 probe: MoveProbe | None = None, breaks: ClauseBreaks | None = None,
                 finished: Callable[[Sequence[str]], bool] | None = None) -> None:
        self.encoder = encoder
        self.breaks = breaks  # where unpunctuated words break into clauses; without it, pauses and markers only
        self.finished = finished  # whether tokens read as a finished sentence (trainer.core.completeness): cut there
        self.library = library or default_move_library()
        self.model = model or MoveModel()
        self.probe = probe  # without one the probe feature reads 0
        self.lexicon = lexicon or default_lexicon()
        self._kinds = list(self.library.kinds.values())
        self._kind_table: _KindTable | None = None

    def warm_up(self) -> None:
        """Encode every library sentence now (a drill calls this in the background before the first answer)."""
        self._library_table()
        for kind in self._kinds:
            if kind.near_misses:
                self.encoder.encode(kind.near_misses)

    def prepare(self, partial: str) -> None:
        """Encode the clauses of an answer heard so far (an engine's partial text), so that `check`
        at the end of the answer finds most of them ready: a drill calls this while the rep speaks."""
        words = _as_words(partial)
        if words and not is_word_list(words, self.library):
            self.encoder.encode([w.text for w in self._windows(words, ()) if not w.pair_of])

    def prepare_node(self, node: Node) -> None:
        """Encode the node's own wording of its moves now (a drill does this for its nodes at the start)."""
        self.encoder.encode([text for move in node.rubric for text in self._own_wording(node, move)])

    def _own_wording(self, node: Node, move: Move) -> list[str]:
        """The node's own wording of a move: its examples, its cue phrases, the model answer's clauses that make it."""
        return list(move.examples) + list(move.cues) + model_answer_clauses(node, move, self.lexicon, self.library)

    def check(self, node: Node, answer: Sequence[Word] | str, spans: Sequence[Span] = ()) -> RubricResult:
        """Which of the node's moves the answer made; `answer` is the engine's words or typed text."""
        words = _as_words(answer)
        windows = self._windows(words, spans) if words and not is_word_list(words, self.library) else []
        results = []
        if windows:
            cues = {move.id: check_move(move, words) for move in node.rubric}
            features = self.features(node, words, windows, cues)
            for move in node.rubric:
                logits = self.model.logits(features[move.id], self._kind_id(move))
                eligible = self._eligible(move, features[move.id], words, windows)
                logits = np.where(eligible, logits, -np.inf)
                best = int(np.argmax(logits))
                barred = ~eligible if self._kind_id(move) in ACKNOWLEDGE_KINDS else np.zeros(len(windows), bool)
                if logits[best] <= 0 and (cue := self._clean_cue(cues[move.id], words, windows, barred)) is not None:
                    results.append(cue)  # a cue phrase still counts unless negated just before it or taken back
                    continue
                results.append(_result(move, words, windows[best].words, _probability(max(logits[best], -50.0)), bool(logits[best] > 0)))
        else:
            results = [MoveResult(m, covered=False) for m in node.rubric]
        return with_model_phrases(RubricResult(tuple(results), METHOD_MEANING), node.model_answer)

    def features(self, node: Node, words: Sequence[Word], windows: list[Clause],
                 cues: dict[str, MoveResult] | None = None) -> dict[str, np.ndarray]:
        """Per move of the node, a (windows x FEATURES) matrix (what the model and its fitting read);
        `cues`: the cue matcher's result per move id, when the caller has it already."""
        vectors = self._window_vectors(windows)
        per_kind = self._library_table().top_k(vectors)  # kinds x windows
        questions = np.array([genuine_question(words, _whole(words, w), self.lexicon, self.library.question_leads)
                              for w in windows], dtype=float)
        negated = np.array([has_negation(words, _from_clause_start(words, w)) for w in windows], dtype=float)
        out = {}
        for move in node.rubric:
            kind_id = self._kind_id(move)
            index = next((i for i, k in enumerate(self._kinds) if k.id == kind_id), None)
            own = self._own_wording(node, move)
            node_sim = (vectors @ self.encoder.encode(own).T).max(axis=1) if own else np.full(len(windows), -1.0)
            if index is None:
                kind_sim = node_sim
                near = np.full(len(windows), -1.0)
                other = per_kind.max(axis=0)
            else:
                kind_sim = per_kind[index]
                misses = self._kinds[index].near_misses
                near = (vectors @ self.encoder.encode(misses).T).max(axis=1) if misses else np.full(len(windows), -1.0)
                other = np.delete(per_kind, index, axis=0).max(axis=0)
            closest = np.maximum(kind_sim, node_sim)
            probe = self.probe.score(vectors, kind_id) if self.probe is not None else np.zeros(len(windows))
            asked = questions if kind_id in ASK_KINDS else np.zeros(len(windows))
            cue = cues[move.id] if cues else check_move(move, words)
            cue_in = np.array([cue.covered and cue.word_range is not None and cue.word_range.start in w.words
                               for w in windows], dtype=float)
            out[move.id] = np.stack([kind_sim, node_sim, closest, near, other, asked, negated, cue_in, probe,
                                     kind_sim - near, closest - other, asked * kind_sim, negated * kind_sim], axis=1)
        return out

    def labelled_features(self, node: Node, answer: Sequence[Word] | str,
                          spans: Sequence[Span] = ()) -> dict[str, np.ndarray] | None:
        """Per move, the features of the windows `check` may credit it for; None when it earns nothing whatever the model."""
        words = _as_words(answer)
        if not words or is_word_list(words, self.library):
            return None
        windows = self._windows(words, spans)
        if not windows:
            return None
        features = self.features(node, words, windows)
        return {m.id: features[m.id][self._eligible(m, features[m.id], words, windows)] for m in node.rubric}

    def window_vectors(self, answer: Sequence[Word] | str, spans: Sequence[Span] = ()) -> np.ndarray | None:
        """The sentence vectors of an answer's windows as `check` sees them (for fitting the probe); None for no windows."""
        words = _as_words(answer)
        if not words or is_word_list(words, self.library):
            return None
        windows = self._windows(words, spans)
        return self._window_vectors(windows) if windows else None

    def _eligible(self, move: Move, features: np.ndarray, words: Sequence[Word], windows: list[Clause]) -> np.ndarray:
        """Which windows may earn the move: not one of backchannels only ("okay, so"); an
        acknowledgement not taken back by a "but" ("I know, but ...") nor inside a pushing question
        ("wouldn't it make sense to ..."); an ask must be a question or speak to the prospect's world, and not push
        (a half of a clause only as part of a question: "I don't care | what you use" asks nothing)."""
        eligible = np.array([not only_backchannels(words, w, self.library, self.lexicon) for w in windows])
        if self._kind_id(move) in ACKNOWLEDGE_KINDS:
            return eligible & np.array([not taken_back(words, w, self.library.backchannels)
                                        and not pushing(words, w, self.lexicon) for w in windows])
        if self._kind_id(move) not in ASK_KINDS:
            return eligible
        questions = features[:, FEATURES.index("question")]
        return eligible & np.array([(bool(q) or (w.half_of is None and addresses_prospect(words, w)))
                                    and not pushing(words, w, self.lexicon) for q, w in zip(questions, windows)])

    def _clean_cue(self, cue: MoveResult, words: Sequence[Word], windows: list[Clause],
                   barred: np.ndarray) -> MoveResult | None:
        """The cue matcher's credit, unless a negation stands just before the cue in its clause ("I don't hear you")
        or every window holding it is `barred` from the move (an acknowledgement taken back: "I hear you, but ...",
        "I hear you. Whatever.")."""
        if not cue.covered or cue.word_range is None:
            return None
        holding = [bar for w, bar in zip(windows, barred) if cue.word_range.start in w.words]
        if holding and all(holding):
            return None
        clause = next((w for w in windows if cue.word_range.start in w.words), None)
        start = cue.word_range.start
        before = range(max(clause.words.start if clause else 0, start - NEGATION_REACH), start)
        toks, _ = word_tokens([words[i] for i in before])
        return None if any(is_negation(t) for t in toks) else cue

    def _kind_id(self, move: Move) -> str | None:
        kind = self.library.kind_of(move.id)
        return kind.id if kind else None

    def _library_table(self) -> _KindTable:
        if self._kind_table is None:
            self._kind_table = _KindTable([self.encoder.encode(kind.examples) for kind in self._kinds])
        return self._kind_table

    def _window_vectors(self, windows: list[Clause]) -> np.ndarray:
        """Clause vectors from the encoder; a pair's vector is the normalised sum of its two clauses'.

        Encoding each pair's text too doubles the cost of an answer (measured: about 600 ms
        for a 75 s answer on one loaded core) for no better held-out figures.
        """
        single = [w for w in windows if not w.pair_of]
        vectors = dict(zip((w.words for w in single), self.encoder.encode([w.text for w in single])))
        out = []
        for window in windows:
            if window.pair_of:
                summed = vectors[window.pair_of[0]] + vectors[window.pair_of[1]]
                out.append(summed / max(float(np.linalg.norm(summed)), 1e-12))
            else:
                out.append(vectors[window.words])
        return np.stack(out) if out else np.zeros((0, 384), dtype=np.float32)

    def _windows(self, words: Sequence[Word], spans: Sequence[Span]) -> list[Clause]:
        clauses = split_clauses(words, spans, self.lexicon, self.library.clause_markers, self.breaks,
                                self.library.function_words, self.finished)
        pairs = [
            Clause(range(a.words.start, b.words.stop), f"{a.text} {b.text}", (a.words, b.words))
            for a, b in zip(clauses, clauses[1:])
        ]
        split = halves(words, clauses, self.breaks, self.library.function_words) if self.breaks is not None else []
        return clauses + pairs + split

class _KindTable:
    """Every kind's example vectors in one matrix, so that a window's closeness to each kind (the mean
    cosine of its TOP_K nearest examples) is one product and one partial sort for all kinds at once."""

    def __init__(self, per_kind: Sequence[np.ndarray]) -> None:
        self.examples = np.concatenate(per_kind)
        self.kinds = np.repeat(np.arange(len(per_kind)), [len(v) for v in per_kind])
        self.slots = np.concatenate([np.arange(len(v)) for v in per_kind])
        self.shape = (len(per_kind), max(len(v) for v in per_kind))
        self.k = np.maximum(np.minimum(TOP_K, [len(v) for v in per_kind]), 1)  # fewer examples: the mean of those

    def top_k(self, vectors: np.ndarray) -> np.ndarray:
        """Kinds x windows: each window's mean cosine to the kind's TOP_K nearest examples."""
        padded = np.full((len(vectors), *self.shape), -np.inf, dtype=np.float32)
        padded[:, self.kinds, self.slots] = vectors @ self.examples.T
        k = min(TOP_K, self.shape[1])
        top = np.partition(padded, self.shape[1] - k, axis=2)[:, :, -k:]
        return (np.where(np.isfinite(top), top, 0.0).sum(axis=2) / self.k).T


def _whole(words: Sequence[Word], window: Clause) -> Clause:
    """The clause a half was cut from (a question's shape is the whole clause's); any other window itself."""
    if window.half_of is None:
        return window
    return clause_of(words, window.half_of)


def _from_clause_start(words: Sequence[Word], window: Clause) -> Clause:
    """A half with the rest of its clause before it, where a negation's reach comes from ("I don't care | what
    you use"); any other window itself."""
    if window.half_of is None:
        return window
    return clause_of(words, range(window.half_of.start, window.words.stop))


def _probability(logit: float) -> float:
    return float(1.0 / (1.0 + np.exp(-logit)))


def model_answer_clauses(node: Node, move: Move, lexicon: Lexicon, library: MoveLibrary) -> list[str]:
    """The clauses of the node's model answer that make this move by one of its cues (extra examples)."""
    key = (node.model_answer, move.cues, id(lexicon), library.clause_markers)
    if key not in _CUE_CLAUSES:
        clauses = split_clauses(_as_words(node.model_answer), (), lexicon, library.clause_markers)
        _CUE_CLAUSES[key] = _cue_clauses(clauses, move.cues)
    return list(_CUE_CLAUSES[key])


_CUE_CLAUSES: dict[tuple, tuple[str, ...]] = {}  # model answers are few and fixed: computed once each


def _cue_clauses(clauses: Sequence[Clause], cues: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(
        clause.text for clause in clauses
        if any(cue_similarity(tokens(cue), tokens(clause.text))[0] >= FUZZY_THRESHOLD for cue in cues)
    )


def _result(move: Move, words: Sequence[Word], span: range, similarity: float, covered: bool) -> MoveResult:
    """A covered move with its evidence (the window's words), or a missed one with how close it came."""
    if not covered:
        return MoveResult(move, covered=False, similarity=round(similarity * 100, 1))
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
    return untimed_words(answer) if isinstance(answer, str) else list(answer)


class CueRecogniser:
    """The fallback without the meaning model: a move counts when one of its cue phrases occurs."""

    method = METHOD_CUES

    def warm_up(self) -> None:
        """Nothing to load."""

    def prepare(self, partial: str) -> None:
        """Nothing to prepare: cue phrases are matched at once."""

    def prepare_node(self, node: Node) -> None:
        """Nothing to prepare: cue phrases are matched at once."""

    def check(self, node: Node, answer: Sequence[Word] | str, spans: Sequence[Span] = ()) -> RubricResult:
        """Which of the node's moves the answer made, by cue phrase."""
        return with_model_phrases(check_rubric(node.rubric, answer), node.model_answer)


Recogniser = MoveRecogniser | CueRecogniser
