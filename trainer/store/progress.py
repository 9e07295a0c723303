"""The rep's progress in the store: their ladder level per pack (and category), anxiety trends, and
everything that follows a drill (`record_progress`: ladder, schedule, bank offers).

A level is kept per pack (category '') and, in packs with several categories, per
category once the rep moves there separately; a category without its own row
follows the pack. The ladder judges the drills at the current level since it was
reached: for the pack, each finished drill's score and hesitations; for a
category, the mean score and the hesitations of the drill's turns in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from trainer.core.bank import BankOffer, bank_key, bank_offer
from trainer.core.errors import TrainerError
from trainer.core.ladder import PROMOTE, DrillOutcome, LadderDecision, ladder_decision
from trainer.core.levels import ladder_for
from trainer.core.pack_model import Pack
from trainer.core.suds import suds_lines
from trainer.store.bank import find_by_key
from trainer.store.db import Store
from trainer.store.reviews import ObjectionReview, review_drill

WHOLE_PACK = ""


def categories(pack: Pack) -> list[str]:
    """The categories a pack keeps separate levels for: its categories when it has several, else none."""
    names = list(dict.fromkeys(o.category for o in pack.objections))
    return names if len(names) > 1 else []


def _level_row(store: Store, pack: Pack, category: str):
    rows = store.query("SELECT level, updated_at FROM levels WHERE pack_id = ? AND category = ?", (pack.id, category))
    if rows:
        return rows[0]
    return _level_row(store, pack, WHOLE_PACK) if category else None


def current_level(store: Store, pack: Pack, category: str = WHOLE_PACK) -> int:
    """The rep's level in a pack (or one of its categories; without its own level, the pack's)."""
    ladder = ladder_for(pack)
    row = _level_row(store, pack, category)
    return min(max(row["level"], ladder.bottom), ladder.top) if row else ladder.bottom


def set_level(store: Store, pack: Pack, level: int, category: str = WHOLE_PACK) -> None:
    """Put the rep at `level` in a pack (or category); the ladder starts counting afresh there."""
    ladder_for(pack).level(level)  # TrainerError for a level that does not exist
    if category and category not in categories(pack):
        known = ", ".join(categories(pack)) or "none: this pack keeps one level"
        raise TrainerError(f"pack '{pack.id}' has no category '{category}' with its own level; categories: {known}")
    with store.transaction("saving your level") as conn:
        conn.execute(
            "INSERT INTO levels (pack_id, category, level, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (pack_id, category) DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at",
            (pack.id, category, level, store.now_text()),
        )


def drill_outcomes(store: Store, pack: Pack, category: str = WHOLE_PACK) -> list[DrillOutcome]:
    """The finished drills the ladder judges: at the current level since it was reached, oldest first."""
    level = current_level(store, pack, category)
    row = _level_row(store, pack, category)
    since = row["updated_at"] if row else ""
    if not category:
        rows = store.query(
            "SELECT score, metrics FROM drills WHERE pack_id = ? AND level = ? AND status = 'finished'"
            " AND score IS NOT NULL AND started_at >= ? ORDER BY started_at, id", (pack.id, level, since),
        )
        return [DrillOutcome(row["score"], int(json.loads(row["metrics"] or "{}").get("hesitations", 0)))
                for row in rows]
    ids = [o.id for o in pack.objections if o.category == category]
    rows = store.query(
        f"SELECT d.id, t.score, t.metrics FROM drills d JOIN turns t ON t.drill_id = d.id"
        f" WHERE d.pack_id = ? AND d.level = ? AND d.status = 'finished' AND d.started_at >= ?"
        f" AND t.status = 'scored' AND t.score IS NOT NULL AND t.objection_id IN ({','.join('?' * len(ids))})"
        f" ORDER BY d.started_at, d.id, t.number", (pack.id, level, since, *ids),
    )
    by_drill: dict[int, list[Any]] = {}
    for row in rows:
        by_drill.setdefault(row["id"], []).append(row)
    return [
        DrillOutcome(mean(r["score"] for r in turns),
                     sum(bool(json.loads(r["metrics"] or "{}").get("hesitation")) for r in turns))
        for turns in by_drill.values()
    ]


def ladder_status(store: Store, pack: Pack, category: str = WHOLE_PACK) -> LadderDecision:
    """Where the rep stands in a pack (or category) and what the next level needs."""
    level = current_level(store, pack, category)
    return ladder_decision(drill_outcomes(store, pack, category), level, ladder_for(pack), category)


def update_ladder(store: Store, pack: Pack, drill_id: int) -> list[LadderDecision]:
    """The ladder's decisions after a stored drill: the pack's, then each category the drill touched.

    Promotions are applied at once; a step back is only offered (`set_level` takes it).
    Scopes whose current level is not the drill's level are left alone.
    """
    drill = store.drill(drill_id)
    touched = {o.category for o in pack.objections if o.id in {t.objection_id for t in drill.turns}}
    decisions = []
    for category in [WHOLE_PACK, *(c for c in categories(pack) if c in touched)]:
        if current_level(store, pack, category) != drill.level:
            continue
        decision = ladder_status(store, pack, category)
        if decision.action == PROMOTE:
            set_level(store, pack, decision.to_level, category)
        decisions.append(decision)
    return decisions


def suds_progress(store: Store, pack_id: str | None = None) -> dict[int, list[str]]:
    """The anxiety sentences per level (from drills with a rating), oldest ratings first."""
    sql = "SELECT level, suds_before, suds_after FROM drills WHERE (suds_before IS NOT NULL OR suds_after IS NOT NULL)"
    params: tuple = ()
    if pack_id is not None:
        sql, params = sql + " AND pack_id = ?", (pack_id,)
    by_level: dict[int, list[tuple[int | None, int | None]]] = {}
    for row in store.query(sql + " ORDER BY started_at, id", params):
        by_level.setdefault(row["level"], []).append((row["suds_before"], row["suds_after"]))
    return {level: suds_lines(level, ratings) for level, ratings in sorted(by_level.items())}


def bank_offers(store: Store, pack: Pack, drill_id: int) -> list[BankOffer]:
    """Takes of a stored drill worth banking (score at the threshold) whose words are not banked yet."""
    offers = []
    for turn in store.drill(drill_id).turns:
        if turn.status != "scored":
            continue
        offer = bank_offer(pack, turn_id=turn.id, objection_id=turn.objection_id, node_id=turn.node_id,
                           score=turn.score, transcript=turn.transcript or "", recording=turn.recording)
        if offer and find_by_key(store, bank_key(pack.id, offer.objection_id, offer.transcript)) is None:
            offers.append(offer)
    return offers


@dataclass(frozen=True)
class Progress:
    """What a finished drill changed: ladder decisions, objections rescheduled, takes offered for the bank."""

    decisions: list[LadderDecision] = field(default_factory=list)
    reviews: list[ObjectionReview] = field(default_factory=list)
    offers: list[BankOffer] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the `progress` of `trainer drill --json`)."""
        return {
            "ladder": [{"action": d.action, "level": d.level, "to_level": d.to_level, "reason": d.reason,
                        "category": d.category or None}
                       for d in self.decisions],
            "schedule": [r.as_json() for r in self.reviews],
            "bank_offers": [o.as_json() for o in self.offers],
        }


def record_progress(store: Store, pack: Pack, drill_id: int) -> Progress:
    """After a drill is stored: reschedule its objections, move the ladder (finished drills only), offer takes."""
    status = store.drill(drill_id).status
    reviews = review_drill(store, drill_id)
    decisions = update_ladder(store, pack, drill_id) if status == "finished" else []
    return Progress(decisions, reviews, bank_offers(store, pack, drill_id))
