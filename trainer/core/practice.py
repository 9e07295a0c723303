"""Settings of the opener bank and the spaced-repetition schedule, read from `trainer/data/practice.yaml`.

What a coach tunes (the score that earns a bank offer, how turn scores map to FSRS
ratings, how long a daily block is) is data; this module reads and checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from trainer.core import paths
from trainer.core.errors import TrainerError

PRACTICE_FILE = paths.PACKAGE_DATA / "practice.yaml"
RATING_NAMES = ("again", "hard", "good", "easy")


@dataclass(frozen=True)
class PracticeSettings:
    """The bank's offer threshold and the schedule's settings (see practice.yaml)."""

    bank_offer_score: float = 80
    ratings: tuple[tuple[float, str], ...] = ((50, "again"), (70, "hard"), (85, "good"))  # (below, rating)
    desired_retention: float = 0.9
    maximum_interval_days: int = 120
    session_minutes: tuple[float, float] = (10, 15)
    new_per_session: int = 3

    def rating_name(self, score: float) -> str:
        """The FSRS rating a turn score earns: again, hard, good or easy."""
        for below, name in self.ratings:
            if score < below:
                return name
        return "easy"


def load_practice(path: Path = PRACTICE_FILE) -> PracticeSettings:
    """The settings in a practice file; TrainerError naming the file and what is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        bank, schedule = data["bank"], data["schedule"]
        settings = PracticeSettings(
            bank_offer_score=float(bank["offer_score"]),
            ratings=tuple((float(band["below"]), str(band["rating"])) for band in schedule["ratings"]),
            desired_retention=float(schedule["desired_retention"]),
            maximum_interval_days=int(schedule["maximum_interval_days"]),
            session_minutes=tuple(float(m) for m in schedule["session_minutes"]),
            new_per_session=int(schedule["new_per_session"]),
        )
    except OSError as error:
        raise TrainerError(f"{path}: cannot read the practice settings ({error}); reinstall RepDrill") from None
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise TrainerError(f"{path}: the practice settings are malformed ({type(error).__name__}: {error})") from None
    bounds = [below for below, _ in settings.ratings]
    if bounds != sorted(bounds) or any(name not in RATING_NAMES[:-1] for _, name in settings.ratings):
        raise TrainerError(f"{path}: schedule ratings must rise and name again, hard or good (above them all: easy)")
    minutes = settings.session_minutes
    if len(minutes) != 2 or not 0 < minutes[0] <= minutes[1]:
        raise TrainerError(f"{path}: session_minutes must be [at least, at most] with 0 < at least <= at most")
    if not 0 < settings.desired_retention < 1 or settings.maximum_interval_days < 1 or settings.new_per_session < 0:
        raise TrainerError(f"{path}: desired_retention must be between 0 and 1, maximum_interval_days at least 1")
    return settings


@lru_cache(maxsize=1)
def default_practice() -> PracticeSettings:
    """The built-in settings, read once."""
    return load_practice()
