"""What each level of the exposure ladder changes in a drill, read from `trainer/data/levels.yaml`.

The drill runner asks `level_rules(n)` for the answer window, the follow-up depth,
whether line variants are random, how many objections a drill strings together and
when the prospect cuts in. The rules are data (coaches and the ladder tune them), so
this module only reads and checks them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import yaml

from trainer.core import paths
from trainer.core.errors import TrainerError

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


def load_levels(path: Path = LEVELS_FILE) -> dict[int, LevelRules]:
    """Every level in a levels file, by number; TrainerError naming the file and the bad entry."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise TrainerError(f"{path}: cannot read the level rules ({error}); reinstall RepDrill") from None
    entries = data.get("levels") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise TrainerError(f"{path}: expected a `levels:` list")
    known = {f.name for f in fields(LevelRules)}
    levels: dict[int, LevelRules] = {}
    for number, entry in enumerate(entries, 1):
        unknown = sorted(set(entry) - known) if isinstance(entry, dict) else []
        if not isinstance(entry, dict) or unknown or not isinstance(entry.get("level"), int):
            raise TrainerError(
                f"{path}: levels item {number}: expected a mapping with an integer `level`"
                + (f"; unknown keys: {', '.join(unknown)}" if unknown else "")
            )
        try:
            rules = LevelRules(**entry)
        except TypeError as error:
            raise TrainerError(f"{path}: levels item {number}: {error}") from None
        if rules.max_answers < 1 or rules.objections_per_drill < 1:
            raise TrainerError(f"{path}: level {rules.level}: max_answers and objections_per_drill must be at least 1")
        levels[rules.level] = rules
    return levels


@lru_cache(maxsize=1)
def default_levels() -> dict[int, LevelRules]:
    """The built-in levels, read once."""
    return load_levels()


def level_rules(level: int) -> LevelRules:
    """The rules of `level`; TrainerError listing the levels there are."""
    levels = default_levels()
    if level not in levels:
        raise TrainerError(f"there is no level {level}; levels are {min(levels)}-{max(levels)}")
    return levels[level]
