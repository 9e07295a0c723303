"""The own-words set: answers in reps' own words, labelled move by move, and how to score a recogniser on it.

`tests/data/own_words/calibration.yaml` tunes the thresholds (scripts/calibrate-moves);
`heldout.yaml`, written separately, only checks them; `hard.yaml` (answers close to a move that a coach would
mostly not credit) is not fitted on either, since fitting on it cost held-out recall; `fresh.yaml`, written by other
writers than the rest (as was part of the calibration set since 2026-12-07), is not fitted on and shows how the
recogniser meets wording and labels from elsewhere. Each item names a pack, a node
("objection" or "objection/follow-up"), the answer and, for every move of that node's
rubric, whether a coach would credit it. Spoken versions (the same answers said by
espeak-ng and heard by an engine as `trainer score` hears a recording: text, words with
times, speech spans) live beside them as `<set>.<engine>.yaml`, made by
`bench/own_words.py --transcribe`, and said by the natural voice (Piper's joe) as
`<set>.piper-<engine>.yaml` (`--voice piper`, held-out set only); a recogniser judges them
from the timed words and spans, as in a drill, so clauses can be cut at pauses.

Recall = moves credited of those a coach credits; false credit = moves credited of those
a coach does not. Used by tests/meaning/test_recogniser.py, bench/own_words.py and scripts/calibrate-moves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Mapping, Protocol, Sequence

import yaml

from trainer.core.pack_model import Node, Pack
from trainer.core import paths
from trainer.core.packs import discover_packs
from trainer.core.rubric import RubricResult
from trainer.core.transcript import Span, Word

OWN_WORDS = Path(__file__).resolve().parent / "data" / "own_words"


@dataclass(frozen=True)
class Labelled:
    """One labelled answer: where it answers, what was said, and the coach's verdict per move."""

    pack: str
    node_path: str
    answer: str
    moves: Mapping[str, bool]
    kind: str
    words: tuple[Word, ...] = ()  # spoken sets: the words as the engine heard them, with their times
    spans: tuple[Span, ...] = ()  # spoken sets: the speech spans found in the sound

    @property
    def said(self) -> Sequence[Word] | str:
        """What a recogniser judges: the timed words when the engine's are stored, else the text."""
        return self.words or self.answer


class Judge(Protocol):
    """What judges an answer's moves: `MoveRecogniser` or `CueRecogniser` (trainer.core.meaning)."""

    def check(self, node: Node, answer: Sequence[Word] | str, spans: Sequence[Span] = ()) -> RubricResult: ...


@dataclass
class Tally:
    """Counts of credited moves against the coach's labels."""

    hits: int = 0  # labelled true, credited
    positives: int = 0  # labelled true
    false_credit: int = 0  # labelled false, credited
    negatives: int = 0  # labelled false

    def add(self, label: bool, credited: bool) -> None:
        if label:
            self.positives += 1
            self.hits += credited
        else:
            self.negatives += 1
            self.false_credit += credited

    @property
    def recall(self) -> float | None:
        return self.hits / self.positives if self.positives else None

    @property
    def false_rate(self) -> float | None:
        return self.false_credit / self.negatives if self.negatives else None


def load_set(name: str, engine: str | None = None) -> list[Labelled]:
    """A labelled set by name ("calibration", "heldout", "hard"); with `engine`, as that engine heard it instead.

    A spoken set's entry is the heard text alone (files made before words were stored with
    times) or a mapping of `text`, `words` ([word, start, end]) and `spans` ([start, end]).
    """
    items = yaml.safe_load((OWN_WORDS / f"{name}.yaml").read_text(encoding="utf-8"))
    out = [Labelled(i["pack"], i["node"], i["answer"], dict(i["moves"]), i.get("kind", "")) for i in items]
    if engine is None:
        return out
    heard = yaml.safe_load((OWN_WORDS / f"{name}.{engine}.yaml").read_text(encoding="utf-8"))
    return [_heard(item, entry) for item, entry in zip(out, heard, strict=True)]


def _heard(item: Labelled, entry: str | Mapping) -> Labelled:
    if isinstance(entry, str):
        return replace(item, answer=entry)
    return replace(item, answer=entry["text"], words=tuple(Word(str(t), s, e) for t, s, e in entry["words"]),
                   spans=tuple(Span(s, e) for s, e in entry["spans"]))


def node_for(packs: Mapping[str, Pack], item: Labelled) -> Node:
    """The pack node an item answers."""
    objection_id, _, follow_up = item.node_path.partition("/")
    objection = packs[item.pack].objection(objection_id)
    return objection.follow_ups[follow_up] if follow_up else objection


def builtin_packs() -> dict[str, Pack]:
    """The built-in packs by id."""
    return {p.id: p for _, p in discover_packs([paths.BUILTIN_SCENARIOS]) if isinstance(p, Pack)}


def evaluate(items: Iterable[Labelled], judge: Judge, packs: Mapping[str, Pack] | None = None) -> dict[str, Tally]:
    """Tallies per move id and overall ('*') of what `judge` credits, given each item as a drill gives
    it (`recogniser.check(node, words, spans)`: timed words and spans where stored, else the text)."""
    packs = packs or builtin_packs()
    tallies: dict[str, Tally] = defaultdict(Tally)
    for item in items:
        credited = judge.check(node_for(packs, item), item.said, item.spans).covered
        for move, label in item.moves.items():
            tallies[move].add(label, move in credited)
            tallies["*"].add(label, move in credited)
    return dict(tallies)
