"""Whether the words so far read as a finished sentence: a small classifier over the last words.

After a finished statement the end-of-turn model (`trainer.core.turn_end`) waits a little
longer than after a question, since another sentence may follow. Where the words read
clearly as a sentence's end ("... for the first month"), it need not wait as long. This
module gives the probability that a sentence ends after the words heard so far, from a
logistic model over the last words, fitted by `scripts/fit-completeness` on the built-in
packs' own sentences and every truncation of them (a sentence end is a finished turn, any
other word boundary is a speaker going on), with the sentences of the turn-taking benchmark
set left out. Its weights are data (`trainer/data/completeness.json`), with the threshold
above which the words read as finished and the held-out figures that chose it.

The features (`features()`), on normalised tokens without punctuation: the last word, the
last two words, and the word before the last, each as itself when it is frequent in the
packs, else as "<rare>" (content words are rare one by one and behave alike: they end
sentences more often than function words do).

Tried and dropped (bench/RESULTS.md, turn-taking, 2026-12-06): the same model the other
way, holding words that read as unfinished for the patience. On Vosk's lagging, often
misheard partials it held finished answers up to 3 s ("... at least when you") and saved
no thinking pause of the benchmark set; the number of words so far and an open "if"
clause as features judged "Sure." and "... if you want" unfinished.

Inference is a few dictionary look-ups in plain Python, so it can run on every partial.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from trainer.core import paths
from trainer.core.errors import TrainerError

COMPLETENESS_FILE = paths.PACKAGE_DATA / "completeness.json"
RARE = "<rare>"
START = "<start>"


@dataclass(frozen=True)
class CompletenessModel:
    """A fitted model: the frequent words, the weights, and the threshold above which the words read as a
    finished sentence (chosen by the fit, written beside the weights)."""

    vocabulary: frozenset[str]
    weights: dict[str, float]
    bias: float
    finished_above: float

    def probability(self, words: Sequence[str]) -> float:
        """P(a sentence ends after `words`), normalised tokens; 0.5 for no words."""
        if not words:
            return 0.5
        score = self.bias + sum(self.weights.get(f, 0.0) for f in features(words, self.vocabulary))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def finished(self, words: Sequence[str]) -> bool:
        """True when the words read clearly as a sentence's end (probability at or above the fitted threshold)."""
        return bool(words) and self.probability(words) >= self.finished_above


def features(words: Sequence[str], vocabulary: frozenset[str]) -> list[str]:
    """The names of the features present after `words` (see the module docstring)."""
    last = words[-1] if words[-1] in vocabulary else RARE
    before = START if len(words) < 2 else words[-2] if words[-2] in vocabulary else RARE
    return [f"w1={last}", f"w2={before} {last}", f"w0={before}"]


def load_model(path: Path = COMPLETENESS_FILE) -> CompletenessModel:
    """The model in `path`; TrainerError naming the file and the fix when it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return CompletenessModel(
            vocabulary=frozenset(data["vocabulary"]),
            weights={str(k): float(v) for k, v in data["weights"].items()},
            bias=float(data["bias"]),
            finished_above=float(data["finished_above"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise TrainerError(f"{path}: cannot read the sentence-completeness model ({error}); "
                           "reinstall RepDrill or run scripts/fit-completeness") from None


@lru_cache(maxsize=1)
def completeness_model() -> CompletenessModel:
    """The built-in model, read once."""
    return load_model()
