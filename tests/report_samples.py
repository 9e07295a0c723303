"""Reports made by hand for the report, team and rendering tests (`from report_samples import sample_report`).

The numbers are chosen so every total and trend is known: scores climb 50 -> 85,
talk share falls into its band, hesitations stop after the third drill, anxiety
before drills falls from 70 to 35.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone

from trainer import __version__
from trainer.core.assignments import DONE, OVERDUE, AssignmentProgress
from trainer.core.report_model import (
    REPORT_FORMAT,
    BankHighlight,
    DrillPoint,
    LevelReached,
    Report,
    drill_trends,
    summarise,
)

UNTIL = date(2025, 3, 20)
SCORES = (50.0, 55.0, 62.0, 70.0, 78.0, 85.0)


def sample_drills(start: datetime = datetime(2025, 3, 9, 9, tzinfo=timezone.utc), every_days: float = 2.0):
    """Six finished drills, two days apart, getting better."""
    return tuple(
        DrillPoint(
            id=n + 1, pack="price-and-budget", level=1 + n // 2, started_at=start + timedelta(days=every_days * n),
            minutes=3.5, score=score, answers=2, hesitations=1 if n < 3 else 0, talk_share=72.0 - 4 * n,
            wpm=180.0 - 6 * n, fillers_per_min=6.0 - n, hedges=3 - n // 2, suds_before=70 - 7 * n,
            suds_after=55 - 7 * n,
        )
        for n, score in enumerate(SCORES)
    )


def sample_report(rep: str = "Sam Lee", drills=None, until: date = UNTIL, rep_id: str | None = None) -> Report:
    """A whole report by this RepDrill: two assignments (one done, one overdue), two levels, bank highlights.

    The rep id is made from the name unless given.
    """
    drills = sample_drills() if drills is None else tuple(drills)
    return Report(
        format=REPORT_FORMAT, rep=rep, rep_id=rep_id or hashlib.md5(rep.encode()).hexdigest(),
        generated_at=datetime(2025, 3, 20, 17, 30, tzinfo=timezone.utc), app_version=__version__, since=date(2025, 3, 1), until=until, pack=None,
        summary=summarise(drills, abandoned=1, minutes=sum(d.minutes for d in drills) + 1.5, until=until),
        levels=(LevelReached("price-and-budget", "Price and budget", None, 3, "Live"),
                LevelReached("cold-call-brush-offs", "Cold-call brush-offs", None, 1, "Warm-up")),
        drills=drills, trends=drill_trends(drills),
        anxiety=("your anxiety before level-1 drills fell from 70 to 63 over 2 drills",),
        assignments=(
            AssignmentProgress("price-and-budget", "Kim Ortiz", rep, date(2025, 3, 3), date(2025, 3, 28), 2, 4, 4, 3,
                               DONE),
            AssignmentProgress("cold-call-brush-offs", "Kim Ortiz", rep, date(2025, 3, 3), date(2025, 3, 14), 1, 3, 0,
                               1, OVERDUE),
        ),
        bank=(BankHighlight("price-and-budget", "more-than-expected",
                            "I understand, it's a real number. Can I ask what you had in mind?", 88.0, True),),
    )
