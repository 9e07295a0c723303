"""Where spoken recall is lost: for each move a coach credits and the recogniser credits on the typed answer but
not on what an engine heard, which of three things lost it.

- **cut**: the heard words, cut into clauses where the typed answer's clauses end (its cuts carried over
  by aligning the two word sequences), earn the move: the words were there, the clause cut was wrong;
- **no "?"**: they earn it only when the typed question marks are carried over too (Vosk writes
  none; the recogniser reads a clause ending in "?" as a question);
- **misheard**: they do not, and fewer than `HEARD_ENOUGH` of the tokens of the typed evidence (the
  words that earned the move typed) are heard in place: the engine dropped or misheard the key words;
- **model**: they do not, though the key words were heard in place: the model judged the words as heard
  (with the errors around them) differently from the typed ones.

Moves the recogniser misses typed too are counted apart (the model's, whatever the engine). Used by
bench/own_words.py (`--losses`), which prints the table and the examples.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Mapping, Sequence

from own_words import Judge, Labelled, node_for

from trainer.core.pack_model import Node, Pack
from trainer.core.text import tokens, trailing_punctuation
from trainer.core.transcript import Word

HEARD_ENOUGH = 2 / 3  # share of the typed evidence's tokens heard in place for the key words to count as heard
CAUSES = ("cut", "no ?", "misheard", "model")


@dataclass(frozen=True)
class Loss:
    """One move credited typed and missed as heard, and why."""

    item: Labelled
    move: str
    cause: str
    evidence: str  # the typed words that earned it
    heard: str  # the heard words aligned with them


def spoken_losses(typed: Sequence[Labelled], heard: Sequence[Labelled], recogniser: Judge,
                  packs: Mapping[str, Pack]) -> tuple[list[Loss], Counter]:
    """The losses (see the module docstring) and, per move, how many labelled-true moves were missed typed too."""
    losses, missed_typed = [], Counter()
    for said, spoken in zip(typed, heard, strict=True):
        node = node_for(packs, said)
        typed_result = recogniser.check(node, said.said, said.spans)
        heard_covered = recogniser.check(node, spoken.said, spoken.spans).covered
        typed_words = _words(said.said)
        heard_words = _words(spoken.said)
        mapping = _aligned(typed_words, heard_words)
        cut_as_typed = asked_as_typed = None
        for result in typed_result.moves:
            if not said.moves.get(result.move.id):
                continue
            if not result.covered:
                missed_typed[result.move.id] += 1
                continue
            if result.move.id in heard_covered:
                continue
            if cut_as_typed is None:
                cut_as_typed = _cut_as(recogniser, node, typed_words, heard_words, mapping, questions=False)
                asked_as_typed = _cut_as(recogniser, node, typed_words, heard_words, mapping, questions=True)
            evidence = result.word_range or range(0)
            in_place = [mapping[i] for i in evidence if mapping.get(i) is not None]
            share = _heard_share(typed_words, heard_words, evidence, mapping)
            if result.move.id in cut_as_typed:
                cause = "cut"
            elif result.move.id in asked_as_typed:
                cause = "no ?"
            elif share < HEARD_ENOUGH:
                cause = "misheard"
            else:
                cause = "model"
            around = range(min(in_place), max(in_place) + 1) if in_place else range(0)
            losses.append(Loss(spoken, result.move.id, cause, result.evidence,
                               " ".join(heard_words[i].text for i in around)))
    return losses, missed_typed


def loss_table(losses: Sequence[Loss], missed_typed: Counter, positives: Mapping[str, int]) -> list[list[str]]:
    """Rows per move: labelled true, missed typed, lost when heard by cause, and the share of spoken recall lost."""
    by_move: dict[str, Counter] = defaultdict(Counter)
    for loss in losses:
        by_move[loss.move][loss.cause] += 1
    rows = []
    for move in sorted(positives, key=lambda m: -positives[m]):
        if move == "*" or positives[move] < 8:
            continue
        lost = by_move[move]
        rows.append([move, str(positives[move]), str(missed_typed[move]), *(str(lost[c]) for c in CAUSES),
                     f"{sum(lost.values()) / positives[move]:.2f}"])
    total = Counter(loss.cause for loss in losses)
    rows.append(["all", str(positives["*"]), str(sum(missed_typed.values())), *(str(total[c]) for c in CAUSES),
                 f"{len(losses) / positives['*']:.2f}"])
    return rows


LOSS_HEADER = ("move", "credited by a coach", "missed typed too", "lost heard: cut", "no ?", "misheard", "model",
               "recall lost heard")


def _words(said: Sequence[Word] | str) -> list[Word]:
    return [Word(t, 0.0, 0.0) for t in said.split()] if isinstance(said, str) else list(said)


def _aligned(typed: Sequence[Word], heard: Sequence[Word]) -> dict[int, int]:
    """Typed word index -> heard word index, for the words heard as typed (same tokens), in order."""
    a = [" ".join(tokens(w.text)) for w in typed]
    b = [" ".join(tokens(w.text)) for w in heard]
    mapping = {}
    for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            mapping[block.a + k] = block.b + k
    return mapping


def _heard_share(typed: Sequence[Word], heard: Sequence[Word], evidence: range, mapping: Mapping[int, int]) -> float:
    """Share of the evidence's words heard in place (aligned to the same word)."""
    counted = [i for i in evidence if tokens(typed[i].text)]
    return sum(i in mapping for i in counted) / len(counted) if counted else 0.0


def _cut_as(recogniser, node: Node, typed: Sequence[Word], heard: Sequence[Word],
            mapping: Mapping[int, int], questions: bool) -> frozenset[str]:
    """What the heard words earn when cut where the typed answer's clauses end: each heard word aligned
    with (or, for a misheard one, standing in the place of) a typed clause's last word ends a sentence
    with "." (with `questions`, "?" where the typed word ends with one); the engine's own punctuation is
    dropped."""
    ends = {w.words.stop - 1 for w in recogniser._windows(typed, ()) if not w.pair_of}
    placed = _placed(len(typed), len(heard), mapping)
    cut_after = {placed[i]: "?" if questions and typed[i].text.rstrip().endswith("?") else "."
                 for i in sorted(ends) if placed[i] is not None}
    words = []
    for n, word in enumerate(heard):
        text = word.text.rstrip(trailing_punctuation(word.text)) or word.text
        words.append(replace(word, text=text + cut_after.get(n, "")))
    if words and not words[-1].text.endswith((".", "?")):
        words[-1] = replace(words[-1], text=words[-1].text + ".")
    return recogniser.check(node, words, ()).covered


def _placed(n_typed: int, n_heard: int, mapping: Mapping[int, int]) -> list[int | None]:
    """For each typed word, the heard word in its place: its aligned word, else the last heard word before
    the next aligned one (a misheard stretch ends where the typed one does)."""
    out: list[int | None] = []
    for i in range(n_typed):
        if i in mapping:
            out.append(mapping[i])
            continue
        after = next((mapping[j] for j in range(i + 1, n_typed) if j in mapping), n_heard)
        out.append(after - 1 if after - 1 >= 0 else None)
    return out
