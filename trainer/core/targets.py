"""Scoring targets: the bands, limits and weights a turn and a drill are scored against.

Defaults come from docs/metrics.md "Where the defaults come from" (speech-coach pace band, Stivers et al. turn gaps, the
listening a role-play can measure); a pack's `targets` block overrides any of them,
and its `targets.levels` list overrides them again at one ladder level.

Talk share is not scored by default: in a drill the prospect says one scripted line
of a few seconds, so the call-level band (Gong's ~43% on real calls) cannot be met.
Its band is derived from the script instead: the share the model answers would give
against the lines played, plus or minus SCRIPT_SHARE_MARGIN points. A pack may still
set `talk_share_band` (and a `talk_share` weight) explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping

DEFAULT_WEIGHTS: dict[str, float] = {
    "rubric": 40.0,
    "pace": 15.0,
    "latency": 10.0,  # starting on time, and not over the prospect (below talk_over_free_from_level)
    "clean_speech": 15.0,
    "length": 10.0,  # answer airtime against the model answer
    "ask_then_stop": 10.0,  # stopping after the last question asked
    "questions": 0.0,  # off by default: the rubric's "ask" move already rewards questions
    "talk_share": 0.0,  # drill score only, off by default: shown against the script's own band
}
SCRIPT_SHARE_MARGIN = 10.0  # percentage points either side of the script's talk share


@dataclass(frozen=True)
class Targets:
    """Bands and limits for scoring; every field has the documented default."""

    talk_share_band: tuple[float, float] | None = None  # rep talk share over a drill, %; None: from the script
    pace_band: tuple[float, float] = (120.0, 160.0)  # words per minute
    hesitation_s: float = 2.0  # latency above this is a hesitation
    monologue_limit_s: float = 60.0  # longest monologue above this loses points
    fillers_per_min_max: float = 5.0
    answer_length_band_s: tuple[float, float] = (4.0, 45.0)  # rep talk per answer, when a node has no model answer
    airtime_band: tuple[float, float] = (0.5, 2.0)  # rep talk / the model answer's airtime
    ask_then_stop_s: float = 2.0  # speech after the last question asked, at most
    talk_over_free_from_level: int = 5  # talking over the prospect costs points below this ladder level
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    levels: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)  # per ladder level overrides

    def with_overrides(self, overrides: Mapping[str, Any]) -> "Targets":
        """A copy with the given fields replaced (weights are merged, not replaced; `levels` is a list of overrides)."""
        known = {f.name for f in fields(self)}
        changes: dict[str, Any] = {}
        for key, value in overrides.items():
            if key not in known:
                raise KeyError(key)
            if key == "weights":
                merged = dict(self.weights)
                merged.update(value)
                changes[key] = merged
            elif key == "levels":
                levels = {int(level): dict(over) for level, over in self.levels.items()}
                for item in value:
                    item = dict(item)
                    levels.setdefault(int(item.pop("level")), {}).update(item)
                changes[key] = levels
            elif isinstance(value, list):
                changes[key] = tuple(value)
            else:
                changes[key] = value
        return replace(self, **changes)

    def at_level(self, level: int | None) -> "Targets":
        """The targets a drill at ladder `level` is scored against: the level's overrides applied."""
        over = self.levels.get(level) if level is not None else None
        return self.with_overrides(over) if over else self

    def talk_share_band_for(self, script_share: float | None) -> tuple[float, float] | None:
        """The talk share band of a drill: the pack's own, else the script's share +/- SCRIPT_SHARE_MARGIN."""
        if self.talk_share_band is not None:
            return self.talk_share_band
        if script_share is None:
            return None
        return (max(0.0, script_share - SCRIPT_SHARE_MARGIN), min(100.0, script_share + SCRIPT_SHARE_MARGIN))

    def charges_talk_over(self, level: int | None) -> bool:
        """True when talking over the prospect costs points at `level` (None: a single answer, always)."""
        return level is None or level < self.talk_over_free_from_level
