"""Temperaments that act: their order by pressure, a level's bound on them, and what each does at a level.

A persona's temperament (warm, busy, curt, hostile ...) is more than a tag: it sets
how long the prospect lets the rep talk before cutting in, whether hedges and
apologies draw a reaction ("You sound unsure."), and whether a good question draws a
little more. All of it is data (`trainer/data/temperaments.yaml`, which says what each
field means); this module reads it, checks it, and answers two questions:

- `bounded_temperament(persona's, level's)`: how the persona comes across at a level.
  The temperaments are ordered by pressure (warm < neutral < busy/guarded < curt <
  hostile); a mild level temperament is a ceiling (level 1's warm: graded exposure), a
  harsh one a floor (levels 4-5's curt: a hostile persona stays hostile).
- `acts_for(temperament, level)`: what that temperament does at that level (`Acts`).

The lines themselves come from the pack when it has them (`interruptions:`), else from
`generic_lines(kind)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from trainer.core import paths
from trainer.core.data_files import read_data_yaml
from trainer.core.errors import TrainerError

TEMPERAMENTS_FILE = paths.PACKAGE_DATA / "temperaments.yaml"
LINE_KINDS = ("interruptions", "hedges", "apologies", "add_ons")
# An act as the live drill names it: "Hal cuts in: ..." (kinds as stored: trainer.store.records.ProspectAct).
ACT_LABELS = {"cut_in": "cuts in", "hedges": "hears you hedge", "apologies": "hears you apologise",
              "add_on": "gives a little more"}


def act_heading(persona: str, kind: str) -> str:
    """How the live drill introduces an act's line: "Hal cuts in"."""
    return f"{persona} {ACT_LABELS.get(kind, 'says')}"


@dataclass(frozen=True)
class Acts:
    """What a temperament does at one level (see temperaments.yaml `acts:`)."""

    lets_talk_s: float | None = None  # cuts in after this much talk without a pause; None: never
    reacts_to_hedges: bool = False
    adds_after_questions: bool = False


@dataclass(frozen=True)
class Temperaments:
    """The temperaments' pressure order, their acts by level and the generic lines."""

    ranks: Mapping[str, int]  # temperament -> pressure rank (0: mildest)
    groups: tuple[str, ...]  # each rank's name in `acts:`
    ceiling_rank: int  # a level temperament up to this rank is a ceiling, above it a floor
    acts: Mapping[tuple[int, int], Acts]  # (rank, level) -> acts
    lines: Mapping[str, tuple[str, ...]]
    apology_words: tuple[str, ...]

    def rank(self, temperament: str) -> int:
        """Where `temperament` sits in the pressure order; TrainerError naming the known ones."""
        if temperament not in self.ranks:
            raise TrainerError(f"unknown temperament {temperament!r}; use one of {', '.join(self.ranks)}")
        return self.ranks[temperament]

    def bounded(self, temperament: str, bound: str | None) -> str:
        """`temperament` held under a ceiling or over a floor (`bound`: a level's temperament; None: as it is)."""
        if bound is None:
            return temperament
        mine, limit = self.rank(temperament), self.rank(bound)
        if limit <= self.ceiling_rank:
            return temperament if mine <= limit else bound
        return temperament if mine >= limit else bound

    def acts_at(self, temperament: str, level: int) -> Acts:
        """What `temperament` does at `level` (no acts where the data lists none)."""
        return self.acts.get((self.rank(temperament), level), Acts())


def load_temperaments(path: Path = TEMPERAMENTS_FILE) -> Temperaments:
    """The temperaments file read and checked; TrainerError naming the file and the bad entry."""
    data = read_data_yaml(path, "temperaments")
    if not isinstance(data, dict):
        raise TrainerError(f"{path}: expected a mapping with pressure, acts and lines")
    groups = data.get("pressure")
    if not isinstance(groups, list) or not all(isinstance(g, list) and g for g in groups):
        raise TrainerError(f"{path}: pressure: expected a list of temperament groups, mildest first")
    ranks = {name: rank for rank, group in enumerate(groups) for name in group}
    names = tuple(group[0] for group in groups)
    if data.get("ceiling_up_to") not in ranks:
        raise TrainerError(f"{path}: ceiling_up_to: expected one of {', '.join(ranks)}")
    lines = data.get("lines") or {}
    if not isinstance(lines, dict) or any(not _strings(lines.get(kind)) for kind in LINE_KINDS):
        raise TrainerError(f"{path}: lines: expected a list of lines for each of {', '.join(LINE_KINDS)}")
    return Temperaments(
        ranks, names, ranks[data["ceiling_up_to"]], _acts(data.get("acts"), names, path),
        {kind: tuple(lines[kind]) for kind in LINE_KINDS}, tuple(data.get("apology_words") or ()),
    )


def _strings(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v.strip() for v in value)


def _acts(entry: Any, names: tuple[str, ...], path: Path) -> dict[tuple[int, int], Acts]:
    """The `acts:` block by (rank, level); TrainerError naming the group and band that is wrong."""
    if not isinstance(entry, dict) or set(entry) - set(names):
        raise TrainerError(f"{path}: acts: expected a mapping of pressure groups ({', '.join(names)})")
    acts: dict[tuple[int, int], Acts] = {}
    for group, bands in entry.items():
        for number, band in enumerate(bands or [], 1):
            where = f"{path}: acts: {group} item {number}"
            levels = band.get("levels") if isinstance(band, dict) else None
            if not (isinstance(levels, list) and len(levels) == 2 and all(isinstance(n, int) for n in levels)
                    and levels[0] <= levels[1]):
                raise TrainerError(f"{where}: expected `levels: [first, last]`")
            try:
                act = Acts(**{k: v for k, v in band.items() if k != "levels"})
            except TypeError as error:
                raise TrainerError(f"{where}: {error}") from None
            if act.lets_talk_s is not None and not 3 <= act.lets_talk_s <= 300:
                raise TrainerError(f"{where}: lets_talk_s must be 3-300 seconds or null, not {act.lets_talk_s}")
            for level in range(levels[0], levels[1] + 1):
                acts[(names.index(group), level)] = act
    return acts


@lru_cache(maxsize=1)
def default_temperaments() -> Temperaments:
    """The built-in temperaments, read once."""
    return load_temperaments()


def bounded_temperament(temperament: str, bound: str | None) -> str:
    """How a persona of `temperament` comes across under a level's temperament `bound` (ceiling or floor)."""
    return default_temperaments().bounded(temperament, bound)


def acts_for(temperament: str, level: int) -> Acts:
    """What a prospect of `temperament` does at ladder `level` (as it comes across there: see `bounded_temperament`)."""
    return default_temperaments().acts_at(temperament, level)


def cut_in_after_s(temperament: str, level: int, level_limit_s: float | None) -> float | None:
    """When the prospect cuts in on a monologue: the shorter of the temperament's patience (`lets_talk_s`) and
    the level's limit (`LevelRules.cut_in_after_s`, the longest anyone waits there); None (never) at a level
    without a limit, so a pack or a benchmark that sets the level's limit to null still turns cut-ins off."""
    if level_limit_s is None:
        return None
    lets_talk = acts_for(temperament, level).lets_talk_s
    return level_limit_s if lets_talk is None else min(level_limit_s, lets_talk)


def generic_lines(kind: str) -> tuple[str, ...]:
    """The built-in lines of one kind (interruptions, hedges, apologies, add_ons)."""
    return default_temperaments().lines[kind]


def is_apology(phrase: str) -> bool:
    """True when a hedge phrase found in an answer apologises ("sorry to bother")."""
    words = phrase.lower().split()
    return any(word in words for word in default_temperaments().apology_words)
