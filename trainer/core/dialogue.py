"""The scripted conversation of a drill: a pure state machine over a pack's objections.

A `Dialogue` walks one objection: the opening line, then, after each answer, the
first of the current node's rules that matches the moves the rep covered either
leads to a follow-up or ends the objection with an outcome. A `Conversation`
chains several objections for one drill (level 5: the objections of a whole
call, back to back); a drill on a single objection is a conversation of one.

Endings that the pack does not spell out have fixed outcomes, worded like a pack's
(they are shown to the rep and stored with the drill):
- `COMPLETED`: the node has no rules (the script simply ends there);
- `UNRESOLVED`: the node has rules but none matched the answer;
- `TURN_LIMIT`: a rule led to another follow-up after the last allowed answer
  (the guard against looping scripts, and the level's follow-up depth).
A rule with neither `goto` nor `outcome` ends with `COMPLETED`.

Line variants are picked with the `random.Random` given (seed it for repeatable
drills); without one the first variant is always used (levels with a fixed script).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Sequence

from trainer.core.errors import TrainerError
from trainer.core.pack_model import Node, Objection, Rule

COMPLETED = "The script ends here."
UNRESOLVED = "The prospect had no reply to that answer."
TURN_LIMIT = "Answer done - at this level the prospect's follow-up stops here."
DEFAULT_MAX_ANSWERS = 6


@dataclass(frozen=True)
class Prompt:
    """The prospect's current turn: which objection and node, and the line variant to say."""

    objection: Objection
    node: Node
    line: str
    depth: int  # 0 for the opening line, 1 for the first follow-up, ...


@dataclass(frozen=True)
class Exchange:
    """One answered prompt: what the rep covered and the rule that decided what came next."""

    prompt: Prompt
    covered: frozenset[str]
    rule: Rule | None  # None when no rule matched or the node had none


class Dialogue:
    """One objection as a state machine: `current` is the line to answer, `answer()` moves on."""

    def __init__(
        self,
        objection: Objection,
        rng: random.Random | None = None,
        max_answers: int = DEFAULT_MAX_ANSWERS,
    ) -> None:
        """Start at the objection's opening line; at most `max_answers` answers are taken."""
        if max_answers < 1:
            raise ValueError("max_answers must be at least 1")
        self.objection = objection
        self.max_answers = max_answers
        self._rng = rng
        self.history: list[Exchange] = []
        self.outcome: str | None = None
        self.current: Prompt | None = self._prompt(objection, depth=0)

    @property
    def finished(self) -> bool:
        """True once the objection has ended with an outcome."""
        return self.current is None

    def answer(self, covered_moves: set[str] | frozenset[str]) -> Prompt | None:
        """Apply the rep's answer (the moves it covered); return the next prompt, or None at the end."""
        prompt = self.current
        if prompt is None:
            raise RuntimeError(f"the dialogue of objection {self.objection.id!r} has already ended")
        covered = frozenset(covered_moves)
        rule = next((r for r in prompt.node.next if r.matches(covered)), None)
        self.history.append(Exchange(prompt, covered, rule))
        if rule is None:
            return self._end(UNRESOLVED if prompt.node.next else COMPLETED)
        if rule.goto is None:
            return self._end(rule.outcome or COMPLETED)
        if len(self.history) >= self.max_answers:
            return self._end(TURN_LIMIT)
        node = self.objection.follow_ups.get(rule.goto)
        if node is None:
            raise TrainerError(
                f"objection {self.objection.id!r}: node {prompt.node.id!r} goes to unknown follow-up "
                f"{rule.goto!r}; add it under follow_ups or fix the goto"
            )
        self.current = self._prompt(node, depth=prompt.depth + 1)
        return self.current

    def _end(self, outcome: str) -> None:
        self.outcome = outcome
        self.current = None
        return None

    def _prompt(self, node: Node, depth: int) -> Prompt:
        if not node.lines:
            raise TrainerError(f"objection {self.objection.id!r}: node {node.id!r} has no lines; add at least one")
        line = self._rng.choice(node.lines) if self._rng is not None else node.lines[0]
        return Prompt(self.objection, node, line, depth)


class Conversation:
    """Several objections answered back to back in one drill, each as its own `Dialogue`.

    Every objection is played to its end; the conversation's `outcome` is the outcome
    of the last one (the call ends the way its last exchange ended), and `outcomes`
    holds each objection's.
    """

    def __init__(
        self,
        objections: Sequence[Objection],
        rng: random.Random | None = None,
        max_answers: int = DEFAULT_MAX_ANSWERS,
    ) -> None:
        """Start at the first objection's opening line (`max_answers` applies per objection)."""
        if not objections:
            raise TrainerError("a drill needs at least one objection; pick a pack or objection that has one")
        self._pending = list(objections)
        self._rng = rng
        self._max_answers = max_answers
        self.dialogues: list[Dialogue] = []
        self._next_dialogue()

    @property
    def current(self) -> Prompt | None:
        """The prompt to answer now, or None once every objection has ended."""
        return self.dialogues[-1].current

    @property
    def finished(self) -> bool:
        """True once every objection has ended."""
        return self.current is None

    @property
    def outcomes(self) -> list[tuple[str, str]]:
        """(objection id, outcome) of every objection that has ended, in order."""
        return [(d.objection.id, d.outcome) for d in self.dialogues if d.outcome is not None]

    @property
    def outcome(self) -> str | None:
        """The outcome of the whole conversation (the last objection's), None until finished."""
        return self.dialogues[-1].outcome if self.finished else None

    @property
    def history(self) -> list[Exchange]:
        """Every answered prompt of the conversation, in order."""
        return [exchange for d in self.dialogues for exchange in d.history]

    def answer(self, covered_moves: set[str] | frozenset[str]) -> Prompt | None:
        """Apply the rep's answer; return the next prompt (maybe the next objection's), or None at the end."""
        if self.finished:
            raise RuntimeError("the conversation has already ended")
        prompt = self.dialogues[-1].answer(covered_moves)
        if prompt is None and self._pending:
            self._next_dialogue()
        return self.current

    def _next_dialogue(self) -> None:
        self.dialogues.append(Dialogue(self._pending.pop(0), self._rng, self._max_answers))
