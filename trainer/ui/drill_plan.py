"""What the drill view asks of the ladder, the schedule and the bank, before and after a drill (no Qt).

Before: the rep's level in each pack (the setup's default), and the drill itself: the
objection the rep chose, or the ones the schedule picks at the level (due first, then
new ones: `choose_objections`), with what to show while preparing (`prompt_help`: the
model answer at level 1, the rep's own opener at level 2). After: `record_progress`
(schedule, ladder, bank offers), as docs/ladder.md describes. All of it reads or
writes the store, so it runs in background jobs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from trainer.core.bank import PromptHelp, prompt_help
from trainer.core.levels import level_persona, level_rules
from trainer.core.pack_model import Pack, Persona
from trainer.core.schedule import choose_objections
from trainer.drill import DrillPlan, plan_drill
from trainer.store.bank import bank_entries
from trainer.store.db import Store
from trainer.store.progress import current_level
from trainer.store.reviews import schedule_cards


@dataclass(frozen=True)
class PlannedDrill:
    """A drill ready to run: the plan, the help shown before the first answer, the prospect as the level has them."""

    plan: DrillPlan
    help: PromptHelp
    persona: Persona | None


def current_levels(store: Store, packs: dict[str, Pack]) -> dict[str, int]:
    """The rep's level in each pack."""
    return {pack_id: current_level(store, pack) for pack_id, pack in packs.items()}


def plan_for(store: Store, pack: Pack, level: int, objection_id: str | None) -> PlannedDrill:
    """The drill for a chosen objection, or the schedule's pick at `level`, with its help and persona."""
    if objection_id is not None:
        plan = plan_drill(pack, level, objection_id)
    else:
        rules = level_rules(level, pack)
        cards = {objection: card for (_, objection), card in schedule_cards(store, pack.id).items()}
        chosen = choose_objections(pack, level, rules.objections_per_drill, cards, store.clock(), random.Random())
        plan = DrillPlan(pack, chosen, rules)
    objection = plan.objections[0]
    entries = bank_entries(store, pack_id=pack.id, objection_id=objection.id)
    persona = pack.personas.get(objection.persona)
    return PlannedDrill(plan, prompt_help(objection, plan.rules, entries),
                        level_persona(persona, plan.rules) if persona else None)
