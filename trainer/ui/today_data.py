"""What the Today view shows, gathered in one background job (no Qt): today's short practice block
(`plan_today`, as `trainer today` plans it, leaning towards the reluctance profile's focus), the rep's assignments with their progress (as `trainer
assignments` counts it), where the rep stands on each pack's ladder, the streak of days practised, and
how their anxiety is moving.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable

from trainer.core.assignments import (
    AssignmentError,
    AssignmentProgress,
    PackAssignment,
    installed_assignments,
    urgency,
)
from trainer.core.ladder import LadderDecision
from trainer.core.pack_model import Pack
from trainer.core.schedule import TodayPlan, plan_today
from trainer.store.db import Store
from trainer.store.profile_data import plan_focus, with_focus_packs
from trainer.store.progress import current_level, ladder_status, suds_progress
from trainer.store.report_data import assignments_progress
from trainer.store.reviews import schedule_cards
from trainer.store.selfchecks import latest_selfcheck


@dataclass(frozen=True)
class RepAssignments:
    """The rep's assignments on `today`: the readable ones with progress (most urgent first) and broken files."""

    today: date
    progress: tuple[AssignmentProgress, ...]
    broken: tuple[AssignmentError, ...]


@dataclass(frozen=True)
class TodayData:
    """Today's block, the rep's assignments and their standing."""

    plan: TodayPlan
    packs: dict[str, Pack]
    assignments: RepAssignments
    standings: tuple[tuple[Pack, LadderDecision], ...]  # packs the rep has practised
    streak: int  # days in a row with a finished drill, up to today (or yesterday)
    drilled_today: int
    finished: int
    suds: tuple[str, ...]
    selfcheck_taken: bool = False  # the rep has taken the reluctance self-check


def rep_assignments(store: Store, packs: Iterable[Pack], today: date) -> RepAssignments:
    """Every assignment the rep has (imported files and packs' own blocks) with its progress on `today`."""
    packs = list(packs)
    found = installed_assignments(packs)
    valid = [a for a in found if isinstance(a, PackAssignment)]
    progress = assignments_progress(store, packs, valid, today)
    return RepAssignments(today, tuple(sorted(progress, key=urgency)),
                          tuple(a for a in found if isinstance(a, AssignmentError)))


def practise_level(progress: AssignmentProgress) -> int:
    """The level to practise an assignment at: its target once the rep has reached it, else the rep's own level."""
    if progress.level is None or progress.level >= progress.target_level:
        return progress.target_level
    return progress.level


def streak(days: set[date], today: date) -> int:
    """Days in a row with practice ending today, or yesterday when today has none yet."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def today_data(store: Store, packs: dict[str, Pack], now: datetime | None = None) -> TodayData:
    """Everything Today shows. Packs the rep has met plan the block; a new rep gets every pack."""
    now = now or store.clock()
    # Read before the plan's focus: a self-check saved while this runs is then either in both or in neither
    selfcheck_taken = latest_selfcheck(store) is not None
    drills = store.drills()
    finished = [d for d in drills if d.status == "finished"]
    cards = schedule_cards(store)
    met = {d.pack_id for d in drills} | {pack_id for pack_id, _ in cards}
    practised = [pack for pack_id, pack in packs.items() if pack_id in met]
    focus = plan_focus(store, packs.values())
    planned = with_focus_packs(practised, packs.values(), focus) if practised else list(packs.values())
    plan = plan_today(planned, lambda pack, category: current_level(store, pack, category), cards, now, focus=focus)
    local_today = now.astimezone().date()
    days = {d.started_at.astimezone().date() for d in finished}
    suds = tuple(line for lines in suds_progress(store).values() for line in lines)
    return TodayData(
        plan=plan,
        packs=packs,
        assignments=rep_assignments(store, packs.values(), local_today),
        standings=tuple((pack, ladder_status(store, pack)) for pack in practised),
        streak=streak(days, local_today),
        drilled_today=sum(d.started_at.astimezone().date() == local_today for d in finished),
        finished=len(finished),
        suds=suds,
        selfcheck_taken=selfcheck_taken,
    )
