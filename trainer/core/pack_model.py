"""The in-memory shape of a scenario pack: plain, immutable dataclasses.

`trainer.core.packs` builds these from YAML (with exact errors); everything else
(dialogue, rubric, scoring, UI) reads them. See docs/packs.md for the file format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from trainer.core.targets import Targets


@dataclass(frozen=True)
class Voice:
    """How a persona sounds: language (espeak voice name such as en-us), gender, rate (wpm), pitch (0-99)."""

    language: str = "en-us"
    gender: str | None = None  # "male" | "female" | None
    rate: int = 170
    pitch: int = 50


@dataclass(frozen=True)
class Persona:
    """The prospect the rep talks to."""

    id: str
    name: str
    role: str
    voice: Voice = field(default_factory=Voice)
    temperament: str = "neutral"  # e.g. warm, neutral, busy, curt, hostile: what it does is trainer.core.temperaments
    interruptions: tuple[str, ...] = ()  # what they say cutting in on a monologue; (): the built-in lines


@dataclass(frozen=True)
class Move:
    """A required move of an answer (acknowledge, ask, reframe, next step ...), its cue phrases and example sentences.

    Cues are examples of wording, not the only accepted wording: the meaning recogniser
    (`trainer.core.meaning`) credits the move in the rep's own words. `examples` are
    the pack's optional whole sentences that make the move (the node's `examples:`).
    """

    id: str
    cues: tuple[str, ...]
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """Where the conversation goes after an answer.

    Matches when every move in `covered` was covered and every move in `missing`
    was not; an empty rule is the catch-all. Leads to `goto` (a follow-up id) or
    ends the drill with `outcome`.
    """

    covered: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    goto: str | None = None
    outcome: str | None = None

    def matches(self, covered_moves: set[str] | frozenset[str]) -> bool:
        """True when this rule applies to an answer that covered `covered_moves`."""
        return all(m in covered_moves for m in self.covered) and not any(
            m in covered_moves for m in self.missing
        )


@dataclass(frozen=True)
class Node:
    """One prospect turn: what they say (variants) and what a good answer must do."""

    id: str
    lines: tuple[str, ...]
    rubric: tuple[Move, ...] = ()
    model_answer: str = ""
    tip: str | None = None
    next: tuple[Rule, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Objection(Node):
    """An objection: the opening prospect turn plus its branching follow-ups."""

    category: str
    level: int
    persona: str
    areas: tuple[str, ...] = ()  # habit areas it exercises (trainer/data/reluctance.yaml); () = by category
    interruptions: tuple[str, ...] = ()  # cut-in lines for this objection, before the persona's own
    follow_ups: Mapping[str, Node] = field(default_factory=dict)


@dataclass(frozen=True)
class Assignment:
    """A coach's assignment of this pack to a rep."""

    assigned_by: str
    assigned_to: str
    due: date | None = None
    target_level: int = 1
    drills_required: int = 1


@dataclass(frozen=True)
class Pack:
    """A scenario pack: personas, objections, targets and an optional assignment."""

    id: str
    title: str
    version: str
    author: str
    description: str
    language: str
    personas: Mapping[str, Persona]
    objections: tuple[Objection, ...]
    targets: Targets = field(default_factory=Targets)
    assignment: Assignment | None = None
    lexicon: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # extra fillers/hedges/...
    ladder: Mapping[str, Any] = field(default_factory=dict)  # overrides of the ladder (trainer.core.levels)
    source: str | None = field(default=None, compare=False)  # file the pack was loaded from

    def objection(self, objection_id: str) -> Objection:
        """The objection with this id (KeyError if the pack has none)."""
        for o in self.objections:
            if o.id == objection_id:
                return o
        raise KeyError(objection_id)
