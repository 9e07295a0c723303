"""The graded exposure ladder as data: what each level changes, and how a rep climbs it.

Read from `trainer/data/levels.yaml`. The drill runner asks `level_rules(n, pack)` for
the answer window, the follow-up depth, whether line variants are random, how many
objections a drill strings together, when the prospect cuts in, how long the prospect waits
through the rep's unfinished pauses (`patience_s`), what help is shown
(model answer or the rep's own bank), the preparation time and how the prospect
comes across (the level's `temperament` is a bound on the persona's own, ceiling or
floor: `trainer.core.temperaments`). `Ladder.rules` holds the thresholds for moving up and stepping back
(used by `trainer.core.ladder`). A pack may override any of it in its `ladder:`
block; `ladder_for(pack)` merges that over the defaults. The rules are data
(coaches tune them), so this module only reads, merges and checks them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from trainer.core import paths
from trainer.core.data_files import read_data_yaml
from trainer.core.errors import TrainerError
from trainer.core.pack_model import Pack, Persona
from trainer.core.temperaments import bounded_temperament, default_temperaments

LEVELS_FILE = paths.PACKAGE_DATA / "levels.yaml"


@dataclass(frozen=True)
class LevelRules:
    """The rules of one level (see levels.yaml for what each field means)."""

    level: int
    name: str
    answer_window_s: float | None = None
    max_answers: int = 1
    random_lines: bool = False
    objections_per_drill: int = 1
    cut_in_after_s: float | None = None
    script_visible: bool = False
    bank_visible: bool = False
    prep_s: float = 0.0
    temperament: str | None = None
    rate_factor: float = 1.0
    minutes_per_objection: float = 2.0
    patience_s: float = 3.0


@dataclass(frozen=True)
class LadderRules:
    """When a rep moves up a level and when a step back is offered (levels.yaml `ladder:`)."""

    window: int = 4
    passes: int = 3
    pass_score: float = 70
    pass_hesitations: int = 0
    step_back_after: int = 3
    fail_score: float = 50


@dataclass(frozen=True)
class Ladder:
    """Every level's rules by number, and the rules for moving between them."""

    levels: Mapping[int, LevelRules]
    rules: LadderRules

    @property
    def bottom(self) -> int:
        """The first level."""
        return min(self.levels)

    @property
    def top(self) -> int:
        """The last level."""
        return max(self.levels)

    def level(self, level: int) -> LevelRules:
        """The rules of `level`; TrainerError listing the levels there are."""
        if level not in self.levels:
            raise TrainerError(f"there is no level {level}; levels are {self.bottom}-{self.top}")
        return self.levels[level]


_LEVEL_KEYS = {f.name for f in fields(LevelRules)}
_LADDER_KEYS = {f.name for f in fields(LadderRules)}


def _level(entry: Any, where: str) -> LevelRules:
    """One `levels:` item as rules; TrainerError naming `where` and the problem."""
    unknown = sorted(set(entry) - _LEVEL_KEYS) if isinstance(entry, dict) else []
    if not isinstance(entry, dict) or unknown or not isinstance(entry.get("level"), int):
        raise TrainerError(
            f"{where}: expected a mapping with an integer `level`"
            + (f"; unknown keys: {', '.join(unknown)}" if unknown else "")
        )
    try:
        rules = LevelRules(**entry)
    except TypeError as error:
        raise TrainerError(f"{where}: {error}") from None
    return _checked_level(rules, where)


def _checked_level(rules: LevelRules, where: str) -> LevelRules:
    """`rules` if their values make sense; TrainerError naming the first that does not."""
    if rules.max_answers < 1 or rules.objections_per_drill < 1:
        raise TrainerError(f"{where}: level {rules.level}: max_answers and objections_per_drill must be at least 1")
    if not (rules.prep_s >= 0 and 0.5 <= rules.rate_factor <= 2 and rules.minutes_per_objection > 0):
        raise TrainerError(
            f"{where}: level {rules.level}: prep_s must be >= 0, rate_factor 0.5-2 and minutes_per_objection > 0"
        )
    if not 0.5 <= rules.patience_s <= 10:
        raise TrainerError(f"{where}: level {rules.level}: patience_s must be 0.5-10 seconds, not {rules.patience_s}")
    known = default_temperaments().ranks
    if rules.temperament is not None and rules.temperament not in known:
        raise TrainerError(f"{where}: level {rules.level}: temperament {rules.temperament!r} is unknown; use one of "
                           f"{', '.join(known)} or null")
    return rules


def _ladder_rules(entry: Any, where: str, base: LadderRules = LadderRules()) -> LadderRules:
    """A `ladder:` block merged over `base`; TrainerError when a key is unknown or the numbers clash."""
    if entry is None:
        return base
    unknown = sorted(set(entry) - _LADDER_KEYS) if isinstance(entry, dict) else []
    if not isinstance(entry, dict) or unknown:
        raise TrainerError(
            f"{where}: expected a mapping of {', '.join(sorted(_LADDER_KEYS))}"
            + (f"; unknown keys: {', '.join(unknown)}" if unknown else "")
        )
    rules = replace(base, **entry)
    if not (1 <= rules.passes <= rules.window and rules.step_back_after >= 1 and rules.pass_hesitations >= 0):
        raise TrainerError(f"{where}: passes must be 1-window ({rules.window}) and step_back_after at least 1")
    if not (0 <= rules.fail_score <= rules.pass_score <= 100):
        raise TrainerError(f"{where}: scores must satisfy 0 <= fail_score <= pass_score <= 100")
    return rules


def load_ladder(path: Path = LEVELS_FILE) -> Ladder:
    """The levels and ladder rules in a levels file; TrainerError naming the file and the bad entry."""
    data = read_data_yaml(path, "level rules")
    entries = data.get("levels") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise TrainerError(f"{path}: expected a `levels:` list")
    levels: dict[int, LevelRules] = {}
    for number, entry in enumerate(entries, 1):
        rules = _level(entry, f"{path}: levels item {number}")
        levels[rules.level] = rules
    return Ladder(levels, _ladder_rules(data.get("ladder"), f"{path}: ladder"))


def load_levels(path: Path = LEVELS_FILE) -> dict[int, LevelRules]:
    """Every level in a levels file, by number; TrainerError naming the file and the bad entry."""
    return dict(load_ladder(path).levels)


@lru_cache(maxsize=1)
def default_ladder() -> Ladder:
    """The built-in ladder, read once."""
    return load_ladder()


def default_levels() -> dict[int, LevelRules]:
    """The built-in levels."""
    return dict(default_ladder().levels)


def ladder_for(pack: Pack | None = None) -> Ladder:
    """The ladder a pack's drills follow: the built-in one with the pack's `ladder:` overrides merged in."""
    ladder = default_ladder()
    overrides = dict(pack.ladder) if pack is not None and pack.ladder else {}
    if not overrides:
        return ladder
    where = f"{pack.source or pack.id}: ladder"
    levels = dict(ladder.levels)
    for number, item in enumerate(overrides.pop("levels", []), 1):
        item_where = f"{where}: levels item {number}"
        level = item.get("level") if isinstance(item, dict) else None
        if level not in levels:
            raise TrainerError(f"{item_where}: there is no level {level}; levels are {ladder.bottom}-{ladder.top}")
        unknown = sorted(set(item) - _LEVEL_KEYS)
        if unknown:
            raise TrainerError(f"{item_where}: unknown keys: {', '.join(unknown)}")
        levels[level] = _checked_level(replace(levels[level], **item), item_where)
    return Ladder(levels, _ladder_rules(overrides, where, ladder.rules))


def level_rules(level: int, pack: Pack | None = None) -> LevelRules:
    """The rules of `level` (with `pack`'s overrides); TrainerError listing the levels there are."""
    return ladder_for(pack).level(level)


def level_persona(persona: Persona, rules: LevelRules) -> Persona:
    """The persona as it comes across at this level: its speaking rate times the level's, and its temperament
    bounded by the level's (a ceiling at the warm-up, a floor at the top: `bounded_temperament`)."""
    voice = replace(persona.voice, rate=max(80, min(400, round(persona.voice.rate * rules.rate_factor))))
    return replace(persona, voice=voice, temperament=bounded_temperament(persona.temperament, rules.temperament))


def _temperament_summary(temperament: str | None) -> str:
    """How a level bounds the prospect, in words: "prospect warm at most", "prospect curt or harsher"."""
    if temperament is None:
        return "prospect as written"
    temperaments = default_temperaments()
    ceiling = temperaments.rank(temperament) <= temperaments.ceiling_rank
    return f"prospect {temperament} at most" if ceiling else f"prospect {temperament} or harsher"


def level_summary(rules: LevelRules) -> str:
    """What a level changes, in one line for the rep ("script hidden, your bank shown, 5 s to prepare ...")."""
    parts = [
        "model answer shown" if rules.script_visible else "your bank shown" if rules.bank_visible else "no help shown",
        f"{rules.prep_s:g} s to prepare" if rules.prep_s else "no preparation time",
        f"{rules.answer_window_s:g} s to answer" if rules.answer_window_s else "no answer limit",
        _temperament_summary(rules.temperament),
        "random line variants" if rules.random_lines else "fixed lines",
    ]
    if rules.max_answers > 1:
        parts.append(f"up to {rules.max_answers} answers per objection (follow-ups)")
    if rules.objections_per_drill > 1:
        parts.append(f"{rules.objections_per_drill} objections back to back")
    if rules.cut_in_after_s:
        parts.append(f"the prospect cuts in after {rules.cut_in_after_s:g} s of monologue at most (sooner by temperament)")
    return ", ".join(parts)

