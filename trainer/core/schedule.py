"""Spaced repetition of objections with FSRS: weak ones come back sooner, mastered ones fade.

Each objection the rep has met is one FSRS card (the `fsrs` package). A drill's
turn scores on the objection become a rating (practice.yaml: under 50 again, under
70 hard, under 85 good, else easy) and the card is reviewed with it. Intervals are
whole days (no minute-long learning steps: a rep practises in daily blocks) and
not fuzzed, so the same history always gives the same plan.

`choose_objections` orders a pack's objections for the drill runner (due first,
then new ones at the level); `plan_today` builds `trainer today`'s short block:
due objections at the rep's levels plus a few new ones, 10-15 minutes by the
levels' minutes per objection. Given the rep's focus area (the reluctance profile's,
`PlanFocus`), new and early objections of that area come before the others. Both only ever propose objections of the packs they
are given, so an objection removed from its pack (or an unknown one) never comes up.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Mapping, Sequence

from fsrs import Card, Rating, ReviewLog, Scheduler

from trainer.core.levels import ladder_for
from trainer.core.pack_model import Objection, Pack
from trainer.core.practice import PracticeSettings, default_practice

RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
CardKey = tuple[str, str]  # (pack id, objection id)


def scheduler(settings: PracticeSettings | None = None) -> Scheduler:
    """The FSRS scheduler with RepDrill's settings: day intervals, no fuzz."""
    settings = settings or default_practice()
    return Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=(),
        relearning_steps=(),
        maximum_interval=settings.maximum_interval_days,
        enable_fuzzing=False,
    )


def rating_for(score: float, settings: PracticeSettings | None = None) -> Rating:
    """The FSRS rating a turn score earns (bands from practice.yaml)."""
    return RATINGS[(settings or default_practice()).rating_name(score)]


def new_card(pack_id: str, objection_id: str, now: datetime) -> Card:
    """A card for an objection the rep has not met yet, due now; its id is stable for the objection."""
    digest = hashlib.sha256(f"{pack_id}\x1f{objection_id}".encode("utf-8")).digest()
    return Card(card_id=int.from_bytes(digest[:6], "big"), due=_utc(now))


def review(
    card: Card | None,
    pack_id: str,
    objection_id: str,
    score: float,
    at: datetime,
    settings: PracticeSettings | None = None,
) -> tuple[Card, ReviewLog]:
    """The card after the rep answered the objection with `score` at `at` (a new card when `card` is None)."""
    card = card or new_card(pack_id, objection_id, at)
    return scheduler(settings).review_card(card, rating_for(score, settings), review_datetime=_utc(at))


def card_to_json(card: Card) -> str:
    """A card as stored in the `schedule` table."""
    return json.dumps(card.to_dict(), sort_keys=True)


def card_from_json(text: str) -> Card:
    """A card stored by `card_to_json`."""
    return Card.from_dict(json.loads(text))


def review_log_json(log: ReviewLog) -> str:
    """A review log as stored in the `reviews` table."""
    return json.dumps(log.to_dict(), sort_keys=True)


def is_due(card: Card, now: datetime) -> bool:
    """True when the card's objection should be practised again by `now`."""
    return card.due <= _utc(now)


def choose_objections(
    pack: Pack,
    level: int,
    count: int,
    cards: Mapping[str, Card],
    now: datetime,
    rng: random.Random | None = None,
) -> tuple[Objection, ...]:
    """`count` objections of `pack` to drill at `level`, by objection id's card in `cards`.

    Only objections at or below the level (all of them when none is); first those
    due (most overdue first), then new ones: the level's own, then the next lower
    levels' (so a level-5 call strings together what the rep met before; each
    level's shuffled by `rng` when given, else in pack order), then the rest by how
    soon they fall due.
    """
    reachable = [o for o in pack.objections if o.level <= level] or list(pack.objections)
    due = sorted((o for o in reachable if o.id in cards and is_due(cards[o.id], now)), key=lambda o: cards[o.id].due)
    new: list[Objection] = []
    for at in sorted({o.level for o in reachable}, key=lambda at: (at != level, -at)):
        group = [o for o in reachable if o.id not in cards and o.level == at]
        if rng is not None:
            rng.shuffle(group)
        new += group
    later = sorted((o for o in reachable if o.id in cards and not is_due(cards[o.id], now)), key=lambda o: cards[o.id].due)
    return tuple((due + new + later)[:count])


@dataclass(frozen=True)
class PracticeItem:
    """One objection in today's block: where it is, at which level, how long, and why it is there."""

    pack_id: str
    objection_id: str
    category: str
    level: int
    minutes: float
    due: datetime | None  # None: not met yet
    why: str

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (`trainer today --json`)."""
        return {
            "pack": self.pack_id, "objection": self.objection_id, "category": self.category, "level": self.level,
            "minutes": self.minutes, "due": None if self.due is None else self.due.isoformat(), "why": self.why,
        }


@dataclass(frozen=True)
class PlanFocus:
    """The area today's block leans towards (the reluctance profile's focus): its name and its objections."""

    label: str
    objections: frozenset[CardKey]


@dataclass(frozen=True)
class TodayPlan:
    """Today's practice block and anything left over for later."""

    items: tuple[PracticeItem, ...]
    minutes: float
    due_left: int  # due objections that did not fit in the block

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (`trainer today --json`)."""
        return {"minutes": self.minutes, "due_left": self.due_left, "items": [i.as_json() for i in self.items]}


def plan_today(
    packs: Sequence[Pack],
    level_of: Callable[[Pack, str], int],
    cards: Mapping[CardKey, Card],
    now: datetime,
    settings: PracticeSettings | None = None,
    focus: PlanFocus | None = None,
) -> TodayPlan:
    """Today's block from `packs`: due objections (most overdue first), then `new_per_session` new ones open
    at the rep's level (more while the block is shorter than the shortest session), then, if it is still
    short, objections falling due soonest.

    `level_of(pack, category)` is the rep's level there. The block stops before it
    would pass the longest session (`session_minutes`); an objection whose card
    belongs to no objection in `packs` never appears. With a `focus`, its new and
    early objections go first in their groups (their `why` says so): the new places
    of the block go to where the rep hesitates, without dropping what is due.
    """
    settings = settings or default_practice()
    shortest, longest = settings.session_minutes
    now = _utc(now)
    due, new, later = [], [], []
    for pack in packs:
        ladder = ladder_for(pack)
        for objection in pack.objections:
            level = level_of(pack, objection.category)
            minutes = ladder.level(level).minutes_per_objection
            card = cards.get((pack.id, objection.id))
            if card is None:
                if objection.level <= level:
                    why = f"new at level {objection.level}"
                    new.append(PracticeItem(pack.id, objection.id, objection.category, level, minutes, None, why))
            elif is_due(card, now):
                why = f"due {_ago(now - card.due)}"
                due.append(PracticeItem(pack.id, objection.id, objection.category, level, minutes, card.due, why))
            else:
                why = f"early: due {_ahead(card.due - now)}"
                later.append(PracticeItem(pack.id, objection.id, objection.category, level, minutes, card.due, why))
    focused = focus.objections if focus is not None else frozenset()

    def leaning(item: PracticeItem) -> bool:
        return (item.pack_id, item.objection_id) not in focused

    due.sort(key=lambda item: item.due)
    new.sort(key=lambda item: (leaning(item), _level_order(packs, item)))
    later.sort(key=lambda item: (leaning(item), item.due))
    if focus is not None:
        new, later = ([_with_focus(item, focus) for item in group] for group in (new, later))
    chosen: list[PracticeItem] = []
    total = 0.0
    for group, limit in ((due, None), (new, settings.new_per_session), (later, 0)):
        taken = 0
        for item in group:
            if limit is not None and taken >= limit and total >= shortest:
                break
            if total + item.minutes <= longest:
                chosen.append(item)
                total += item.minutes
                taken += 1
    due_left = sum(item not in chosen for item in due)
    return TodayPlan(tuple(chosen), total, due_left)


def _with_focus(item: PracticeItem, focus: PlanFocus) -> PracticeItem:
    if (item.pack_id, item.objection_id) not in focus.objections:
        return item
    return replace(item, why=f"{item.why}; your focus: {focus.label.lower()}")


def _level_order(packs: Sequence[Pack], item: PracticeItem) -> tuple[int, int, int]:
    """New objections: lowest objection level first, then pack order, then order in the pack."""
    for p_index, pack in enumerate(packs):
        if pack.id == item.pack_id:
            for o_index, objection in enumerate(pack.objections):
                if objection.id == item.objection_id:
                    return objection.level, p_index, o_index
    return 0, 0, 0  # unreachable: items come from these packs


def _ago(delta: timedelta) -> str:
    days = delta.days
    return "today" if days < 1 else "since yesterday" if days == 1 else f"for {days} days"


def _ahead(delta: timedelta) -> str:
    days = max(1, round(delta / timedelta(days=1)))
    return "tomorrow" if days == 1 else f"in {days} days"


def _utc(moment: datetime) -> datetime:
    """FSRS wants aware UTC datetimes."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
