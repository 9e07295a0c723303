"""The numbers of a rep's report, collected from the store (`trainer.core.report_model` shapes them).

Which drills: those started on or after `since` (the rep's local calendar day), of
one pack or all. Finished drills make the drill list, the totals and the trends;
abandoned ones count as practice time and are counted apart. Levels are the rep's
current ones in the packs practised in the period and the packs assigned. Assignment
progress counts from the day each was assigned, whatever the period. Bank entries
are text only: a report never carries a recording. The reluctance profile is the
rep's as of the report, from every stored drill (it needs drills per area, more than
a short period may hold).
"""

from __future__ import annotations

import getpass
import json
from collections import Counter
from datetime import date, datetime
from typing import Iterable, Sequence

from trainer import __version__
from trainer.core.assignments import AssignmentError, AssignmentProgress, PackAssignment, assignment_progress
from trainer.core.levels import ladder_for
from trainer.core.pack_model import Pack
from trainer.core.report_model import (
    REPORT_FORMAT,
    BankHighlight,
    DrillPoint,
    LevelReached,
    ProfileArea,
    Report,
    ReportProfile,
    drill_trends,
    summarise,
)
from trainer.core.suds import suds_lines
from trainer.store.bank import bank_entries
from trainer.store.db import Store
from trainer.store.identity import rep_id
from trainer.store.profile_data import collect_profile
from trainer.store.progress import WHOLE_PACK, current_level
from trainer.store.records import DrillRecord

BANK_HIGHLIGHTS = 5


def _minutes(drill: DrillRecord) -> float:
    if drill.ended_at is None:
        return 0.0
    return max((drill.ended_at - drill.started_at).total_seconds(), 0.0) / 60


def _local_day(moment: datetime) -> date:
    return moment.astimezone().date()


def _answers(store: Store) -> dict[int, int]:
    """Scored answers per drill id."""
    rows = store.query("SELECT drill_id, count(*) AS answers FROM turns WHERE status = 'scored' GROUP BY drill_id")
    return {row["drill_id"]: row["answers"] for row in rows}


def _acts(store: Store) -> dict[int, Counter]:
    """What the prospect did after the scored answers, per drill id: a count per act kind (cut_in, hedges ...)."""
    rows = store.query("SELECT drill_id, acts FROM turns WHERE status = 'scored' AND acts != '[]'")
    found: dict[int, Counter] = {}
    for row in rows:
        found.setdefault(row["drill_id"], Counter()).update(act["kind"] for act in json.loads(row["acts"]))
    return found


def _number(metrics: dict, key: str) -> float | None:
    value = metrics.get(key)
    return None if value is None else float(value)


def spoken_rate(metrics: dict, key: str) -> float | None:
    """A rate over the rep's speech (pace, fillers per minute): None when nothing was said.

    Drills stored before issue 14 wrote 0 for both when the rep said nothing; a 0 there is
    "no answer", not a pace of 0 or a perfect filler score.
    """
    if metrics.get("rep_talk_s", 1.0) == 0:
        return None
    value = _number(metrics, key)
    return None if key == "wpm" and not value else value


def drill_point(drill: DrillRecord, answers: int, acts: Counter | None = None) -> DrillPoint:
    """A finished drill as the report lists it; `acts`: what the prospect did after its answers, by kind."""
    m = drill.metrics
    acts = acts or Counter()
    return DrillPoint(
        id=drill.id, pack=drill.pack_id, level=drill.level, started_at=drill.started_at,
        minutes=round(_minutes(drill), 3), score=drill.score, answers=answers,
        hesitations=int(m.get("hesitations") or 0), talk_share=_number(m, "talk_share"), wpm=spoken_rate(m, "wpm"),
        fillers_per_min=spoken_rate(m, "fillers_per_min"), hedges=int(m.get("hedges") or 0),
        suds_before=drill.suds_before, suds_after=drill.suds_after,
        repeats=int(m["repeats"]) if m.get("repeats") is not None else None,
        cut_ins=acts["cut_in"], reactions=acts["hedges"] + acts["apologies"], add_ons=acts["add_on"],
    )


def assignments_progress(store: Store, packs: Iterable[Pack], assignments: Iterable[PackAssignment],
                         today: date | None = None) -> list[AssignmentProgress]:
    """Progress of each assignment from every stored drill (what `trainer assignments` and Today show)."""
    today = today or _local_day(store.clock())
    installed = {p.id: p for p in packs}
    progress = []
    for item in assignments:
        pack = installed.get(item.pack_id)
        level = current_level(store, pack) if pack is not None else None
        progress.append(assignment_progress(item, store.drills(pack_id=item.pack_id), today, level))
    return progress


def _levels(store: Store, packs: Sequence[Pack]) -> list[LevelReached]:
    levels = []
    for pack in packs:
        ladder = ladder_for(pack)
        own = store.query("SELECT category FROM levels WHERE pack_id = ? AND category != '' ORDER BY category",
                          (pack.id,))
        for category in [WHOLE_PACK, *(row["category"] for row in own)]:
            level = current_level(store, pack, category)
            levels.append(LevelReached(pack.id, pack.title, category or None, level, ladder.level(level).name))
    return levels


def _anxiety(drills: Sequence[DrillPoint]) -> list[str]:
    by_level: dict[int, list[tuple[int | None, int | None]]] = {}
    for d in drills:
        if d.suds_before is not None or d.suds_after is not None:
            by_level.setdefault(d.level, []).append((d.suds_before, d.suds_after))
    return [line for level, ratings in sorted(by_level.items()) for line in suds_lines(level, ratings)]


def _bank(store: Store, pack_id: str | None, limit: int) -> list[BankHighlight]:
    entries = sorted(bank_entries(store, pack_id=pack_id), key=lambda e: (not e.starred, -(e.score or 0), e.id))
    return [BankHighlight(e.pack_id, e.objection_id, e.text, e.score, e.starred) for e in entries[:limit]]


def report_profile(store: Store, packs: Sequence[Pack]) -> ReportProfile:
    """The rep's reluctance profile as the report carries it (every stored drill, whatever the period)."""
    profile = collect_profile(store, packs)
    areas = tuple(ProfileArea(
        id=a["id"], label=a["label"], drills=a["drills"], hesitation_rate=a["hesitation_rate"],
        median_latency_s=a["median_latency_s"], hedges_per_answer=a["hedges_per_answer"], suds_before=a["suds_before"],
        mean_score=a["mean_score"], avoided=a["avoided"], trend=a["trend"], reason=a["reason"], said=a["said"],
        ranked=a["ranked"]) for a in profile.as_json()["areas"])
    return ReportProfile(profile.focus, profile.focus_source, areas)


def default_rep_name(assignments: Iterable[PackAssignment | AssignmentError]) -> str:
    """The name a report goes under unless the rep gives one: the one their assignments are addressed to, else
    their login name."""
    names = {a.assignment.assigned_to for a in assignments if isinstance(a, PackAssignment)}
    return names.pop() if len(names) == 1 else getpass.getuser()


def collect_report(
    store: Store,
    packs: Iterable[Pack],
    assignments: Iterable[PackAssignment | AssignmentError],
    *,
    rep: str,
    since: date | None = None,
    pack_id: str | None = None,
    bank_limit: int = BANK_HIGHLIGHTS,
) -> Report:
    """The rep's report from the store: drills from `since` (all time: None), of `pack_id` (all: None).

    `packs` are the installed packs (for levels and their names); `assignments` the
    rep's (broken assignment files are left out: `trainer assignments` shows them).
    """
    now = store.clock()
    until = _local_day(now)
    packs = list({p.id: p for p in packs}.values())  # one per id: the last (the rep's own) wins
    stored = [d for d in reversed(store.drills(pack_id=pack_id))  # oldest first
              if since is None or _local_day(d.started_at) >= since]
    answers, acts = _answers(store), _acts(store)
    finished = [drill_point(d, answers.get(d.id, 0), acts.get(d.id)) for d in stored if d.status == "finished"]
    ended = [d for d in stored if d.status in ("finished", "abandoned")]
    assigned = [a for a in assignments if isinstance(a, PackAssignment) and pack_id in (None, a.pack_id)]
    wanted = {d.pack_id for d in stored} | {a.pack_id for a in assigned}
    return Report(
        format=REPORT_FORMAT,
        rep=rep,
        rep_id=rep_id(store),
        generated_at=now,
        app_version=__version__,
        since=since,
        until=until,
        pack=pack_id,
        summary=summarise(finished, sum(d.status == "abandoned" for d in stored), sum(map(_minutes, ended)), until),
        levels=tuple(_levels(store, [p for p in packs if p.id in wanted])),
        drills=tuple(finished),
        trends=drill_trends(finished),
        anxiety=tuple(_anxiety(finished)),
        assignments=tuple(assignments_progress(store, packs, assigned, until)),
        bank=tuple(_bank(store, pack_id, bank_limit)),
        profile=report_profile(store, packs),
    )
