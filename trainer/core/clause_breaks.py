"""Where an unpunctuated answer's clauses break: a small model of written English's commas and full stops.

Vosk writes no punctuation, so "yeah no worries i get it nobody wants a random call on a
tuesday out of curiosity how do you handle shift swaps" reaches the move recogniser as one
run of words unless the rep paused. The recogniser judges clause by clause (an act is a
clause's worth of words), and one long run blurs several moves into a vector that is
none of them: measured on the calibration answers with their punctuation taken away, recall
fell from 0.92 to 0.76.

So a break before a word is predicted from the words around it, as written English puts
a comma or a full stop there: the word before and after, the two before and after, and
whether each is a function word ("the", "to", "i" ...). (The clause's length so far and
its first word, read left to right, measured no better.) A logistic model over hashed
features of those (`scripts/fit-clause-breaks` fits it on written text: the packs, the
move library's sentences run together, the calibration answers; never the held-out set)
gives each gap a probability; `trainer.core.clauses` cuts where it passes `threshold`.
Pure numpy and data (trainer/data/clause_breaks.npz).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from trainer.core.errors import TrainerError
from trainer.core.paths import PACKAGE_DATA
from trainer.core.text import CLAUSE_END, tokens, trailing_punctuation

CLAUSE_BREAKS_FILE = PACKAGE_DATA / "clause_breaks.npz"
FEATURE_BITS = 18  # 262,144 hashed features
EDGE = "<s>"  # the word before the first / after the last


def gap_features(words: Sequence[str], at: int, function_words: frozenset[str]) -> list[str]:
    """The features of the gap before `words[at]` (lower-case tokens, one per word)."""
    def word(i: int) -> str:
        return words[i] if 0 <= i < len(words) else EDGE

    def kind(i: int) -> str:
        w = word(i)
        return "edge" if w == EDGE else "f" if w in function_words else "c"

    before, after = word(at - 1), word(at)
    return [
        "bias",
        f"b1={before}", f"a1={after}", f"b2={word(at - 2)}|{before}", f"a2={after}|{word(at + 1)}",
        f"a3={after}|{word(at + 1)}|{word(at + 2)}", f"ba={before}|{after}",
        f"k={kind(at - 2)}{kind(at - 1)}|{kind(at)}{kind(at + 1)}", f"bk={before}|{kind(at)}", f"ka={kind(at - 1)}|{after}",
    ]


def written_breaks(text: str) -> tuple[list[str], list[bool]]:
    """A written text's tokens, and for each whether the text's punctuation breaks a clause just before it
    (a comma, full stop, question mark, colon or semicolon after the word before): what the model learns."""
    toks: list[str] = []
    breaks: list[bool] = []
    pending = False
    for raw in text.split():
        parts = tokens(raw)
        for n, token in enumerate(parts):
            breaks.append(n == 0 and bool(toks) and pending)
            toks.append(token)
        if parts:
            pending = bool(set(trailing_punctuation(raw)) & CLAUSE_END)
        elif toks:
            pending = pending or bool(set(raw) & CLAUSE_END)  # punctuation set apart by spaces
    return toks, breaks


def feature_index(feature: str) -> int:
    """The hashed column of a feature (stable across runs and machines)."""
    return zlib.crc32(feature.encode("utf-8")) & ((1 << FEATURE_BITS) - 1)


@dataclass(frozen=True)
class ClauseBreaks:
    """The fitted model: one weight per hashed feature, and the probability a break needs."""

    weights: np.ndarray  # 2 ** FEATURE_BITS float32
    threshold: float

    def breaks(self, words: Sequence[str], function_words: frozenset[str], margin: float = 0.0) -> list[bool]:
        """For each word, whether a clause breaks just before it (never before the first); `margin` (a logit)
        lowers the threshold for a caller that would rather cut once too often than once too few."""
        return [at > 0 and logit >= self.logit - margin
                for at, logit in enumerate(self.gap_logits(words, function_words))]

    def gap_logits(self, words: Sequence[str], function_words: frozenset[str]) -> list[float]:
        """For each word, how likely (a logit) written English breaks a clause just before it: where a long
        clause most likely breaks when no gap passes the threshold."""
        return [float(sum(self.weights[feature_index(f)] for f in gap_features(words, at, function_words)))
                for at in range(len(words))]

    @property
    def logit(self) -> float:
        """The threshold as a logit (what a gap's summed weights are compared with)."""
        return float(np.log(self.threshold / (1.0 - self.threshold)))


def write_clause_breaks(model: ClauseBreaks, path: Path = CLAUSE_BREAKS_FILE) -> None:
    """Save a fitted model (the nonzero weights only)."""
    used = np.flatnonzero(model.weights)
    np.savez_compressed(path, index=used.astype(np.int32), weight=model.weights[used].astype(np.float32),
                        threshold=np.float32(model.threshold), feature_bits=np.int32(FEATURE_BITS))


@lru_cache(maxsize=2)
def load_clause_breaks(path: Path = CLAUSE_BREAKS_FILE) -> ClauseBreaks:
    """The fitted model from `scripts/fit-clause-breaks`; errors name the file and the fix."""
    fix = "run scripts/fit-clause-breaks again, or reinstall RepDrill"
    try:
        with np.load(path, allow_pickle=False) as data:
            index, weight = data["index"], data["weight"]
            threshold, bits = float(data["threshold"]), int(data["feature_bits"])
    except (OSError, ValueError, KeyError, EOFError) as error:
        raise TrainerError(f"{path}: cannot read the clause-break model ({error}); {fix}") from None
    if bits != FEATURE_BITS or index.shape != weight.shape or (index.size and not 0 <= index.min() <= index.max() < 1 << bits):
        raise TrainerError(f"{path}: the clause-break model does not fit this RepDrill ({bits}-bit features); {fix}")
    weights = np.zeros(1 << FEATURE_BITS, dtype=np.float32)
    weights[index] = weight
    return ClauseBreaks(weights, threshold)
