"""Anxiety ratings (SUDS, subjective units of distress, 0-100) turned into a trend the rep can read.

In exposure practice the rating before a step falls as the step gets familiar;
seeing that is part of the reward. Each level's ratings (oldest first) become one
sentence such as "your anxiety before level-3 drills fell from 70 to 35 over 12
drills". The ends of the trend are the means of the first and last few ratings,
so one odd day does not decide it.
"""

from __future__ import annotations

from statistics import mean
from typing import Sequence

STEADY_POINTS = 5  # a change smaller than this reads as "held"
END_RATINGS = 3  # at most this many ratings at each end are averaged


def trend_ends(ratings: Sequence[int]) -> tuple[float, float]:
    """Mean of the first and of the last few ratings (a third of them, 1 to END_RATINGS)."""
    k = max(1, min(END_RATINGS, len(ratings) // 3))
    return mean(ratings[:k]), mean(ratings[-k:])


def anxiety_trend(level: int, ratings: Sequence[int], moment: str = "before") -> str | None:
    """One sentence on how the ratings `moment` ("before"/"after") level-`level` drills moved; None without any."""
    if not ratings:
        return None
    drills = f"level-{level} drills"
    if len(ratings) == 1:
        return f"your anxiety {moment} {drills}: {ratings[0]} (one rating so far)"
    first, last = trend_ends(ratings)
    if abs(last - first) < STEADY_POINTS:
        return f"your anxiety {moment} {drills} held at about {mean(ratings):.0f} over {len(ratings)} drills"
    verb = "fell" if last < first else "rose"
    return f"your anxiety {moment} {drills} {verb} from {first:.0f} to {last:.0f} over {len(ratings)} drills"


def relief_during(level: int, pairs: Sequence[tuple[int, int]]) -> str | None:
    """How the rating changes from before to after a drill, on average (pairs of before, after); None without any."""
    if not pairs:
        return None
    change = mean(after - before for before, after in pairs)
    drills = f"level-{level} drill"
    if abs(change) < STEADY_POINTS:
        return f"your anxiety stays about the same during a {drills}"
    direction = "drops" if change < 0 else "rises"
    return f"your anxiety {direction} {abs(change):.0f} points during a {drills}, on average"


def suds_lines(level: int, ratings: Sequence[tuple[int | None, int | None]]) -> list[str]:
    """The SUDS sentences for one level from its drills' (before, after) ratings, oldest first."""
    before = [b for b, _ in ratings if b is not None]
    pairs = [(b, a) for b, a in ratings if b is not None and a is not None]
    return [line for line in (anxiety_trend(level, before), relief_during(level, pairs)) if line]
