"""Scoring targets: the bands, limits and weights a turn and a drill are scored against.

Defaults come from DESIGN.md (Gong Labs talk share, speech-coach pace band, Stivers
et al. turn gaps); a pack's `targets` block overrides any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping

DEFAULT_WEIGHTS: dict[str, float] = {
    "rubric": 40.0,
    "pace": 15.0,
    "latency": 15.0,
    "clean_speech": 15.0,
    "length": 15.0,
    "questions": 0.0,  # off by default: the rubric's "ask" move already rewards questions
    "talk_share": 20.0,  # drill score only: rep talk share inside its band
}


@dataclass(frozen=True)
class Targets:
    """Bands and limits for scoring; every field has the documented default."""

    talk_share_band: tuple[float, float] = (40.0, 60.0)  # rep talk share over a drill, %
    pace_band: tuple[float, float] = (120.0, 160.0)  # words per minute
    hesitation_s: float = 2.0  # latency above this is a hesitation
    monologue_limit_s: float = 60.0  # longest monologue above this loses points
    fillers_per_min_max: float = 5.0
    answer_length_band_s: tuple[float, float] = (4.0, 45.0)  # rep talk per answer
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def with_overrides(self, overrides: Mapping[str, Any]) -> "Targets":
        """A copy with the given fields replaced (weights are merged, not replaced)."""
        known = {f.name for f in fields(self)}
        changes: dict[str, Any] = {}
        for key, value in overrides.items():
            if key not in known:
                raise KeyError(key)
            if key == "weights":
                merged = dict(self.weights)
                merged.update(value)
                changes[key] = merged
            elif isinstance(value, list):
                changes[key] = tuple(value)
            else:
                changes[key] = value
        return replace(self, **changes)
