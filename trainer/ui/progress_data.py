"""The numbers behind the Progress charts: one point per finished drill, per pack and level.

Drill-wide metrics come from the stored drill (talk share, pace, hesitations, fillers
per minute, as `trainer drill` stores them); the response time of a drill is the mean
latency of its answered turns; anxiety is the rep's SUDS rating before and after.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from statistics import mean

from trainer.core.pack_model import Pack
from trainer.core.suds import suds_lines
from trainer.core.targets import Targets
from trainer.store.db import Store
from trainer.store.report_data import spoken_rate
from trainer.store.records import DrillRecord


@dataclass(frozen=True)
class ProgressSeries:
    """Values per drill, oldest first, and the targets to draw them against."""

    dates: tuple[datetime, ...]
    score: tuple[float | None, ...]
    talk_share: tuple[float | None, ...]
    wpm: tuple[float | None, ...]
    latency: tuple[float | None, ...]
    hesitations: tuple[int, ...]
    fillers_per_min: tuple[float | None, ...]
    suds_before: tuple[float | None, ...]
    suds_after: tuple[float | None, ...]
    targets: Targets
    suds_sentences: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.dates)


def _latencies(store: Store, drill_ids: list[int]) -> dict[int, float]:
    """Mean response latency of each drill's scored turns that have one."""
    if not drill_ids:
        return {}
    marks = ",".join("?" * len(drill_ids))
    found: dict[int, list[float]] = {}
    for row in store.query(f"SELECT drill_id, metrics FROM turns WHERE status = 'scored' AND drill_id IN ({marks})",
                           drill_ids):
        latency = json.loads(row["metrics"] or "{}").get("latency_s")
        if latency is not None:
            found.setdefault(row["drill_id"], []).append(latency)
    return {drill: mean(values) for drill, values in found.items()}


def _number(metrics: dict, key: str) -> float | None:
    value = metrics.get(key)
    return None if value is None else float(value)


def progress_series(store: Store, pack: Pack | None = None, pack_id: str | None = None,
                    level: int | None = None) -> ProgressSeries:
    """The finished drills (of one pack and/or level when given), oldest first, as chart series."""
    drills: list[DrillRecord] = [d for d in reversed(store.drills(pack_id=pack_id, level=level, status="finished"))
                                 if d.score is not None]
    latency = _latencies(store, [d.id for d in drills])
    ratings: dict[int, list[tuple[int | None, int | None]]] = {}
    for d in drills:
        if d.suds_before is not None or d.suds_after is not None:
            ratings.setdefault(d.level, []).append((d.suds_before, d.suds_after))
    sentences = tuple(line for lv in sorted(ratings) for line in suds_lines(lv, ratings[lv]))
    return ProgressSeries(
        dates=tuple(d.started_at for d in drills),
        score=tuple(d.score for d in drills),
        talk_share=tuple(_number(d.metrics, "talk_share") for d in drills),
        wpm=tuple(spoken_rate(d.metrics, "wpm") for d in drills),
        latency=tuple(latency.get(d.id) for d in drills),
        hesitations=tuple(int(d.metrics.get("hesitations", 0)) for d in drills),
        fillers_per_min=tuple(spoken_rate(d.metrics, "fillers_per_min") for d in drills),
        suds_before=tuple(d.suds_before for d in drills),
        suds_after=tuple(d.suds_after for d in drills),
        targets=pack.targets if pack else Targets(),
        suds_sentences=sentences,
    )
