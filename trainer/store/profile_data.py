"""The facts of the reluctance profile, collected from the store (`trainer.core.profile` shapes them).

Every stored drill of an installed pack's objections counts: a finished drill's scored
answers give latency, hesitation, hedges, score, replays and preparation time used (of
microphone drills only: answer files begin when the preparation time is over); an
abandoned drill counts as ended early. Objections due in the schedule and not practised
are put off. An objection's areas come from its pack (`areas:`, else its category); turns
of objections no installed pack has are left out.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Iterable

from trainer.core.levels import ladder_for
from trainer.core.pack_model import Pack
from trainer.core.profile import AnswerFacts, DrillFacts, Profile, PutOff, build_profile
from trainer.core.schedule import PlanFocus
from trainer.core.reluctance import Areas, default_areas
from trainer.core.selfcheck import area_scores
from trainer.store.db import Store
from trainer.store.selfchecks import latest_selfcheck


def _areas_by_objection(packs: Iterable[Pack], areas: Areas) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(p.id, o.id): areas.of_objection(o) for p in packs for o in p.objections}


def _prep_used(row, prep_s: float) -> float | None:
    """Share of the level's preparation time the rep took before answering (None without preparation time, or
    when a replay moved the answer's start)."""
    if prep_s <= 0 or row["repeats"] or row["answer_due_at"] is None or row["prospect_end"] is None:
        return None
    return min(1.0, max(0.0, (row["answer_due_at"] - row["prospect_end"]) / prep_s))


def profile_facts(store: Store, packs: Iterable[Pack], areas: Areas) -> tuple[list[DrillFacts], list[PutOff]]:
    """Every stored drill as profile facts, and the objections put off."""
    packs = {p.id: p for p in packs}
    by_objection = _areas_by_objection(packs.values(), areas)
    turns: dict[int, list] = {}
    for row in store.query(
        "SELECT drill_id, objection_id, status, score, metrics, repeats, answer_due_at, prospect_end FROM turns"
        " ORDER BY drill_id, number"
    ):
        turns.setdefault(row["drill_id"], []).append(row)
    drills = []
    for drill in store.query("SELECT id, pack_id, level, started_at, status, suds_before, suds_after, mode FROM drills"
                             " WHERE status != 'in_progress' ORDER BY started_at"):
        pack = packs.get(drill["pack_id"])
        if pack is None:
            continue
        # answer files start when the preparation time is over: only a microphone drill shows what the rep took
        prep_s = ladder_for(pack).level(drill["level"]).prep_s if drill["mode"] == "mic" else 0.0
        drill_areas: list[str] = []
        answers = []
        for row in turns.get(drill["id"], []):
            own = by_objection.get((pack.id, row["objection_id"]))
            if own is None:
                continue
            drill_areas += [a for a in own if a not in drill_areas]
            if row["status"] != "scored" or drill["status"] != "finished":
                continue
            metrics = _json(row["metrics"])
            answers.append(AnswerFacts(
                own, metrics.get("latency_s"), bool(metrics.get("hesitation")), int(metrics.get("hedges") or 0),
                row["score"], int(row["repeats"] or 0), _prep_used(row, prep_s)))
        if drill_areas:
            drills.append(DrillFacts(
                drill["id"], _utc(drill["started_at"]), tuple(drill_areas), drill["status"] == "abandoned",
                drill["suds_before"], drill["suds_after"], tuple(answers)))
    now = _aware(store.clock())
    put_off = []
    for row in store.query("SELECT pack_id, objection_id, due FROM schedule"):
        own = by_objection.get((row["pack_id"], row["objection_id"]))
        due = _utc(row["due"])
        if own is not None and due <= now:
            put_off.append(PutOff(own, (now - due).days))
    return drills, put_off


def collect_profile(store: Store, packs: Iterable[Pack], areas: Areas | None = None) -> Profile:
    """The rep's reluctance profile from every stored drill and their latest self-check."""
    areas = areas or default_areas()
    drills, put_off = profile_facts(store, packs, areas)
    check = latest_selfcheck(store)
    said = area_scores(areas, check) if check is not None else {}
    return build_profile(areas, drills, put_off, _aware(store.clock()), said, check.taken_at if check else None)


def plan_focus(store: Store, packs: Iterable[Pack], areas: Areas | None = None) -> PlanFocus | None:
    """What today's block leans towards: the profile's focus area and its objections in `packs` (None without a
    focus)."""
    areas = areas or default_areas()
    packs = list(packs)
    profile = collect_profile(store, packs, areas)
    if profile.focus is None:
        return None
    objections = frozenset(key for key, own in _areas_by_objection(packs, areas).items() if profile.focus in own)
    return PlanFocus(areas.area(profile.focus).label, objections)


def with_focus_packs(chosen: Iterable[Pack], packs: Iterable[Pack], focus: PlanFocus | None) -> list[Pack]:
    """`chosen` (the packs the rep practises) plus the packs of `packs` holding an objection of the focus, which
    may lie in a pack they have not met yet."""
    chosen = list(chosen)
    ids = {p.id for p in chosen}
    wanted = {pack_id for pack_id, _ in focus.objections} if focus else set()
    return chosen + [p for p in packs if p.id in wanted and p.id not in ids]


def _json(text: str | None) -> dict:
    return json.loads(text) if text else {}


def _utc(text: str) -> datetime:
    return _aware(datetime.fromisoformat(text))


def _aware(moment: datetime) -> datetime:
    """Stored times are UTC; a naive one (a test clock) is taken as UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
