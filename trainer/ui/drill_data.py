"""What the drill view asks of the ladder, the schedule and the bank before a drill starts (no Qt).

The rep's level in each pack (the setup's default), and the drill itself: the
objection the rep chose, or the ones the schedule picks at the level (due first, then
new ones), with what to show while preparing (`help_for`: the model answer at level
1, the rep's own opener at level 2) and the prospect as the level has them. The
runner shows the same help with each line and records the progress after the drill.
All of it reads the store, so it runs in background jobs.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.core.bank import PromptHelp
from trainer.core.levels import level_persona
from trainer.core.pack_model import Pack, Persona
from trainer.drill.plan import DrillPlan, plan_drill
from trainer.store.bank import help_for
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


def plan_for(store: Store, pack: Pack, level: int, objection_id: str | None, seed: int | None = None) -> PlannedDrill:
    """The drill for a chosen objection, or the schedule's pick at `level`, with its help and persona.

    The same `seed` and schedule give the same drill: the view plans one ahead, before Start, to render its
    first line (`trainer.ui.drill_preparation`, with `trainer.drill.lines.render_before_start`), and plans it
    again at Start with that seed.
    """
    cards = {objection: card for (_, objection), card in schedule_cards(store, pack.id).items()}
    plan = plan_drill(pack, level, objection_id, seed, cards=cards, now=store.clock())
    objection = plan.objections[0]
    persona = pack.personas.get(objection.persona)
    return PlannedDrill(plan, help_for(store, pack.id, objection, plan.rules),
                        level_persona(persona, plan.rules) if persona else None)
