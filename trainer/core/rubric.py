"""Rubric coverage: which required moves of a prospect turn the rep's answer made.

A move (acknowledge, ask, reframe, next step ...) is covered when one of its cue
phrases occurs in the answer, compared on normalised words and tolerant of small ASR
errors ("i here you" for "I hear you", "what driving that" for "what's driving that").

Matching: the cue's words are compared with every window of the answer's words of the
same length, one word shorter and one word longer (an ASR splitting or merging words:
"under stand"), by rapidfuzz's normalised Levenshtein similarity of the space-joined
words (0-100; Levenshtein rather than Indel so a dropped word costs its full length:
"what would it" is not "what would it take"). A cue is found when the best window
reaches FUZZY_THRESHOLD and every short cue word (<= 3 letters: "i", "you", "if",
"why") appears in that window exactly, since one wrong letter changes a short word's
meaning ("what if" is not "what is"). A cue shorter than EXACT_BELOW_CHARS characters
must match exactly. Engines often drop the word "I" ("can ask how" for "can I ask
how"), so a cue of three or more words that has "i" also matches without it. The
matched words are returned as evidence (word indices and the engine's times) for
highlighting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from rapidfuzz.distance import Levenshtein

from trainer.core.pack_model import Move
from trainer.core.text import tokens, word_tokens
from trainer.core.transcript import Word, untimed_words

# Tuned on ASR-style errors (tests/core/test_rubric.py): "i here you" for "I hear you"
# scores 80, "what driving that" for "what's driving that" 89, "make sense" 91; other
# words of the same shape score lower: "i see you" 70, "next week" for "next step" 67,
# "what would it cost" for "what would it take" 78, "what's behind that" 74.
FUZZY_THRESHOLD = 80.0
SHORT_WORD_LEN = 3  # cue words this short must appear exactly
EXACT_BELOW_CHARS = 8  # cues shorter than this (e.g. "why", "fair") must match exactly
_SENTENCE = re.compile(r"(?<=[.?!])\s+")


@dataclass(frozen=True)
class MoveResult:
    """Whether one move was covered, by which cue, and the answer words that matched it."""

    move: Move
    covered: bool
    cue: str | None = None  # the cue phrase that matched
    similarity: float = 0.0  # 0-100, best over the move's cues
    word_range: range | None = None  # indices of the matched words in the answer
    evidence: str = ""  # the matched words as the engine wrote them
    start: float | None = None  # engine times of the matched words (approximate)
    end: float | None = None
    model_phrase: str = ""  # the model answer's sentence that makes this move (for a missed move's advice)


@dataclass(frozen=True)
class RubricResult:
    """Coverage of a prospect turn's rubric by one answer, and how it was judged ("meaning" or "cues")."""

    moves: tuple[MoveResult, ...]
    method: str = "cues"

    @property
    def coverage(self) -> float | None:
        """Share of required moves covered, 0-1 (None when the turn has no rubric)."""
        return sum(m.covered for m in self.moves) / len(self.moves) if self.moves else None

    @property
    def covered(self) -> frozenset[str]:
        """Ids of the covered moves (what dialogue rules branch on)."""
        return frozenset(m.move.id for m in self.moves if m.covered)

    @property
    def missed(self) -> tuple[MoveResult, ...]:
        """The moves the answer did not make, in rubric order."""
        return tuple(m for m in self.moves if not m.covered)

    def as_json(self) -> dict[str, bool]:
        """The `rubric` object of `trainer score --json`: move id -> covered."""
        return {m.move.id: m.covered for m in self.moves}


def cue_similarity(cue: Sequence[str], answer: Sequence[str]) -> tuple[float, int, int]:
    """Best similarity (0-100) of a cue's tokens to a window of the answer's tokens, and that window [start, end).

    Windows lacking one of the cue's short words score 0. Returns (0, 0, 0) for no window.
    """
    cue_text = " ".join(cue)
    short = {t for t in cue if len(t) <= SHORT_WORD_LEN}
    exact_only = len(cue_text) < EXACT_BELOW_CHARS
    best = (0.0, 0, 0)
    for length in sorted({len(cue), len(cue) - 1, len(cue) + 1}):
        if length < 1 or (exact_only and length != len(cue)):
            continue
        for start in range(0, len(answer) - length + 1):
            window = answer[start : start + length]
            if not short.issubset(window):
                continue
            score = Levenshtein.normalized_similarity(cue_text, " ".join(window)) * 100
            if exact_only and score < 100:
                continue
            if score > best[0]:
                best = (score, start, start + length)
    return best


def check_move(move: Move, words: Sequence[Word]) -> MoveResult:
    """Whether the answer's words contain one of the move's cues (see the module docstring)."""
    answer, owner = word_tokens(words)
    best: MoveResult = MoveResult(move, covered=False)
    for cue in move.cues:
        for cue_tokens in _cue_forms(tokens(cue)):
            best = _better(best, move, cue, cue_tokens, answer, owner, words)
    return best


def _cue_forms(cue_tokens: list[str]) -> list[list[str]]:
    """The cue's tokens, and for a cue of 3+ words with "i", the same without it (engines drop it)."""
    if not cue_tokens:
        return []
    forms = [cue_tokens]
    if len(cue_tokens) >= 3 and "i" in cue_tokens:
        forms.append([t for t in cue_tokens if t != "i"])
    return forms


def _better(best: MoveResult, move: Move, cue: str, cue_tokens: list[str], answer: list[str],
            owner: list[int], words: Sequence[Word]) -> MoveResult:
    """`best`, or the result of this cue form when it matches better."""
    score, start, end = cue_similarity(cue_tokens, answer)
    if score <= best.similarity:
        return best
    if score >= FUZZY_THRESHOLD - 1e-9:  # 1 - 2/10 must count as 80
        first, last = owner[start], owner[end - 1]
        return MoveResult(
            move,
            covered=True,
            cue=cue,
            similarity=score,
            word_range=range(first, last + 1),
            evidence=" ".join(w.text.strip() for w in words[first : last + 1]),
            start=words[first].start,
            end=words[last].end,
        )
    if not best.covered:
        return MoveResult(move, covered=False, similarity=score)
    return best


def model_phrase(model_answer: str, move: Move) -> str:
    """The model answer's sentence that makes `move` (holds one of its cues best), '' when none does."""
    sentences = [s.strip() for s in _SENTENCE.split(model_answer) if s.strip()]
    best, phrase = FUZZY_THRESHOLD - 1e-9, ""
    for sentence in sentences:
        sentence_tokens = tokens(sentence)
        for cue in move.cues:
            score = cue_similarity(tokens(cue), sentence_tokens)[0]
            if score > best:
                best, phrase = score, sentence
    return phrase


def with_model_phrases(result: RubricResult, model_answer: str) -> RubricResult:
    """The result with each missed move's model-answer sentence filled in, for advice."""
    moves = tuple(
        m if m.covered else replace(m, model_phrase=model_phrase(model_answer, m.move)) for m in result.moves
    )
    return replace(result, moves=moves)


def check_rubric(moves: Sequence[Move], answer: Sequence[Word] | str) -> RubricResult:
    """Which of the moves an answer covered; `answer` is the engine's words or plain text (no times)."""
    if isinstance(answer, str):
        answer = untimed_words(answer)
    return RubricResult(tuple(check_move(move, answer) for move in moves))
