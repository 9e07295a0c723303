"""Planning a drill: which objections, in which order, under which level's rules.

Shared by `trainer drill`, the app and the benchmarks, ahead of the runner
(`trainer.drill.runner.DrillRunner`) that plays the plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping

from fsrs import Card

from trainer.core.dialogue import Conversation
from trainer.core.levels import LevelRules, level_rules
from trainer.core.pack_model import Objection, Pack
from trainer.core.packs import find_objection
from trainer.core.schedule import choose_objections


@dataclass(frozen=True)
class DrillPlan:
    """What to drill: the pack, its objections in order, the level's rules and the seed."""

    pack: Pack
    objections: tuple[Objection, ...]
    rules: LevelRules
    seed: int | None = None
    endpoint_ms: int | None = None  # None: the end-of-turn model; a number: the fixed silence rule


def plan_drill(
    pack: Pack,
    level: int | None = None,
    objection_id: str | None = None,
    seed: int | None = None,
    endpoint_ms: int | None = None,
    *,
    cards: Mapping[str, Card] | None = None,
    now: datetime | None = None,
) -> DrillPlan:
    """Choose the objections of a drill.

    One objection when given (the level defaults to its own). Otherwise the level
    (default: the pack's lowest) takes `objections_per_drill` of the pack's
    objections: those at that level first, then the next lower levels' (a level-5
    call strings together what the rep has met before), each level's in random
    order (repeatably with `seed`). With the rep's schedule (`cards` by objection
    id, as of `now`), objections due come first (`choose_objections`).
    """
    if objection_id is not None:
        objection = find_objection(pack, objection_id)
        rules = level_rules(level if level is not None else objection.level, pack)
        return DrillPlan(pack, (objection,), rules, seed, endpoint_ms)
    if level is None:
        level = min(o.level for o in pack.objections)
    rules = level_rules(level, pack)
    rng = random.Random(seed)
    if cards is not None:
        now = now or datetime.now(timezone.utc)
        return DrillPlan(pack, choose_objections(pack, level, rules.objections_per_drill, cards, now, rng), rules,
                         seed, endpoint_ms)
    ordered: list[Objection] = []
    for at in sorted({o.level for o in pack.objections if o.level <= level}, reverse=True):
        ordered += rng.sample([o for o in pack.objections if o.level == at], sum(o.level == at for o in pack.objections))
    ordered = ordered or rng.sample(list(pack.objections), len(pack.objections))
    return DrillPlan(pack, tuple(ordered[:rules.objections_per_drill]), rules, seed, endpoint_ms)


def start_conversation(plan: DrillPlan) -> Conversation:
    """The drill's conversation at its first line: line variants drawn from the plan's seed at levels with random
    lines (so the first line is known before the drill starts, and rendered ahead: `trainer.drill.lines`)."""
    rng = random.Random(plan.seed) if plan.rules.random_lines else None
    return Conversation(plan.objections, rng, plan.rules.max_answers)
