"""One shape for a scored answer on screen, whether it was just drilled or read back from the store.

The drill view has a `TurnResult` (live), Review has a `TurnRecord` (stored); both
become a `TurnSummary` so one score card shows either the same way. Metric names and
meanings are docs/metrics.md's; the target bands are the pack's (defaults without it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from trainer.core.pack_model import Node, Pack
from trainer.core.targets import Targets
from trainer.drill.events import TurnResult
from trainer.store.records import TurnRecord


@dataclass(frozen=True)
class TurnSummary:
    """A scored answer: score, metrics (the `trainer score --json` keys), reasons, moves and targets."""

    score: float | None
    metrics: dict[str, Any]
    reasons: tuple[tuple[str, float], ...]  # (what to do, points lost)
    moves: tuple[tuple[str, bool], ...]  # (move id, covered), in rubric order
    targets: Targets
    transcript: str
    evidence: tuple[tuple[str, str], ...] = ()  # (move id, the words that earned it), covered moves only
    rubric_method: str | None = None  # "meaning" or "cues"; None when unknown (older turns)


def node_of(pack: Pack | None, objection_id: str, node_id: str) -> Node | None:
    """The prospect turn a stored answer replied to, if the pack still has it."""
    if pack is None:
        return None
    try:
        objection = pack.objection(objection_id)
    except KeyError:
        return None
    return objection if node_id == objection_id else objection.follow_ups.get(node_id)


def from_result(result: TurnResult, pack: Pack | None) -> TurnSummary:
    """A just-scored turn from the drill runner."""
    a = result.assessment
    moves = tuple((m.move.id, m.covered) for m in a.rubric.moves) if a.rubric else ()
    reasons = tuple((r.text, r.points_lost) for r in a.card.reasons) if a.card else ()
    evidence = tuple((m.move.id, m.evidence) for m in a.rubric.moves if m.covered and m.evidence) if a.rubric else ()
    return TurnSummary(a.card.score if a.card else None, a.metrics.as_json(), reasons, moves,
                       pack.targets if pack else Targets(), result.transcript, evidence,
                       a.rubric.method if a.rubric else None)


def from_record(turn: TurnRecord, pack: Pack | None) -> TurnSummary:
    """A stored turn (moves in the rubric's order when the pack still has the line, else the covered ones)."""
    node = node_of(pack, turn.objection_id, turn.node_id)
    covered = set(turn.covered)
    if node is not None:
        moves = tuple((m.id, m.id in covered) for m in node.rubric)
    else:
        moves = tuple((m, True) for m in turn.covered)
    score = None if turn.score is None else round(turn.score)
    evidence = tuple((m.id, turn.evidence(m.id)) for m in turn.moves if m.covered and turn.evidence(m.id))
    return TurnSummary(score, dict(turn.metrics), tuple((r.text, r.points_lost) for r in turn.reasons), moves,
                       pack.targets if pack else Targets(), turn.transcript or "", evidence, turn.rubric_method)


FIXED_OUTCOMES = {
    "completed": "The prospect moved on: the script ended here.",
    "unresolved": "The prospect was not won over this time.",
    "turn_limit": "That was the last follow-up this level allows.",
}


def outcome_text(outcome: str | None) -> str:
    """How the conversation ended, in words (a pack's own outcomes are sentences already)."""
    if not outcome:
        return ""
    return FIXED_OUTCOMES.get(outcome, outcome)


def due_words(due: datetime, now: datetime | None = None) -> str:
    """When an objection comes back, in words: 'today', 'tomorrow', 'in 6 days'."""
    now = now or datetime.now(timezone.utc)
    days = (due.astimezone().date() - now.astimezone().date()).days
    return "today" if days <= 0 else "tomorrow" if days == 1 else f"in {days} days"
