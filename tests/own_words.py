"""The own-words set: answers in reps' own words, labelled move by move, and how to score a recogniser on it.

`tests/data/own_words/calibration.yaml` tunes the thresholds (scripts/calibrate-moves);
`heldout.yaml`, written separately, only checks them. Each item names a pack, a node
("objection" or "objection/follow-up"), the answer and, for every move of that node's
rubric, whether a coach would credit it. Spoken versions (the same answers said by
espeak-ng and transcribed by an engine) live beside them as `<set>.<engine>.yaml`,
made by `bench/own_words.py --transcribe`.

Recall = moves credited of those a coach credits; false credit = moves credited of those
a coach does not. Used by tests/core/test_meaning_own_words.py and bench/own_words.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

import yaml

from trainer.core.pack_model import Node, Pack
from trainer.core import paths
from trainer.core.packs import discover_packs

OWN_WORDS = Path(__file__).resolve().parent / "data" / "own_words"


@dataclass(frozen=True)
class Labelled:
    """One labelled answer: where it answers, what was said, and the coach's verdict per move."""

    pack: str
    node_path: str
    answer: str
    moves: Mapping[str, bool]
    kind: str


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
    """A labelled set by name ("calibration", "heldout"); with `engine`, its spoken transcripts instead of the text."""
    items = yaml.safe_load((OWN_WORDS / f"{name}.yaml").read_text(encoding="utf-8"))
    out = [Labelled(i["pack"], i["node"], i["answer"], dict(i["moves"]), i.get("kind", "")) for i in items]
    if engine is None:
        return out
    heard = yaml.safe_load((OWN_WORDS / f"{name}.{engine}.yaml").read_text(encoding="utf-8"))
    return [Labelled(i.pack, i.node_path, heard[n], i.moves, i.kind) for n, i in enumerate(out)]


def node_for(packs: Mapping[str, Pack], item: Labelled) -> Node:
    """The pack node an item answers."""
    objection_id, _, follow_up = item.node_path.partition("/")
    objection = packs[item.pack].objection(objection_id)
    return objection.follow_ups[follow_up] if follow_up else objection


def builtin_packs() -> dict[str, Pack]:
    """The built-in packs by id."""
    return {p.id: p for _, p in discover_packs([paths.BUILTIN_SCENARIOS]) if isinstance(p, Pack)}


def evaluate(items: Iterable[Labelled], covered: Callable[[Node, str], frozenset[str]],
             packs: Mapping[str, Pack] | None = None) -> dict[str, Tally]:
    """Tallies per move id and overall ('*'), from `covered(node, answer)` -> ids credited."""
    packs = packs or builtin_packs()
    tallies: dict[str, Tally] = defaultdict(Tally)
    for item in items:
        credited = covered(node_for(packs, item), item.answer)
        for move, label in item.moves.items():
            tallies[move].add(label, move in credited)
            tallies["*"].add(label, move in credited)
    return dict(tallies)
