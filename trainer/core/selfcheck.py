"""The self-check: a new rep's own account of what they put off, one answer 0-4 per statement.

The statements live with their areas in `trainer/data/reluctance.yaml` (at most 20,
about two minutes). Answers are "never" (0) to "almost always" (4); an area's score
is the mean of its statements' answers as 0-100. Until a rep's drills say enough
about an area, the profile shows what the rep said instead, and the first plan aims
where they said they hesitate most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import mean

from trainer.core.errors import TrainerError
from trainer.core.reluctance import Areas

SCALE = ("never", "rarely", "sometimes", "often", "almost always")  # answers 0..4


@dataclass(frozen=True)
class SelfCheck:
    """One completed self-check: when, and the answer (0-4) to each statement in order."""

    taken_at: datetime
    answers: tuple[int, ...]


def parse_answers(text: str, count: int) -> tuple[int, ...]:
    """Answers written as digits 0-4, with or without commas/spaces ("0,3,4,..." or "034..."); TrainerError
    saying what is wrong and what is expected."""
    parts = [p for p in text.replace(",", " ").split()]
    if len(parts) == 1 and len(parts[0]) == count and parts[0].isdigit():
        parts = list(parts[0])
    bad = [p for p in parts if p not in {"0", "1", "2", "3", "4"}]
    if bad:
        raise TrainerError(f"answer '{bad[0]}' is not one of 0-4 (0 never, 1 rarely, 2 sometimes, 3 often, "
                           "4 almost always)")
    if len(parts) != count:
        raise TrainerError(f"{len(parts)} answers given; the self-check has {count} statements - give one 0-4 "
                           "answer for each, in order (`trainer selfcheck --list` lists them)")
    return tuple(int(p) for p in parts)


def area_scores(areas: Areas, check: SelfCheck) -> dict[str, float]:
    """Each area's self-check score, 0 (never puts it off) to 100 (almost always), from `check`'s answers."""
    statements = areas.statements()
    if len(check.answers) != len(statements):
        return {}  # taken with another set of statements: no longer comparable
    by_area: dict[str, list[int]] = {}
    for (area_id, _), answer in zip(statements, check.answers):
        by_area.setdefault(area_id, []).append(answer)
    return {area_id: round(mean(answers) / (len(SCALE) - 1) * 100, 1) for area_id, answers in by_area.items()}
