"""Where the rep hesitates: a per-area picture of their own practice, worst area first.

Input is plain facts from stored drills (`DrillFacts`, `AnswerFacts`: the store
collects them), objections left overdue (`PutOff`) and the latest self-check; the
areas come from `trainer/data/reluctance.yaml`. Per area: drills done, hesitation
rate, median response latency, hedges and apologies per answer (the hedge lexicon
holds both), anxiety (SUDS) before and after, mean answer score, drills avoided,
preparation time used, replays asked for, and a trend over the last weeks.

Each signal an area lists becomes a severity, 0 (no sign of reluctance) to 1 (a
strong sign), by the bands in `SEVERITY`; an area's severity is the mean of its two
worst signals (one odd figure does not decide it alone), and its reason in words
names those two. Areas with fewer than `MIN_DRILLS` drills are not ranked: they are
listed after the ranked ones with what the rep said in the self-check, if anything.
The focus is the worst ranked area when its severity reaches `FOCUS_MIN`; otherwise
the self-check's worst (`focus_source` "self-check"), or none. docs/profile.md says what this is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import mean, median
from typing import Any, Mapping, Sequence

from trainer.core.reluctance import Area, Areas

# Three drills in an area before it is ranked: one or two drills mostly measure that
# objection and that day; the ladder likewise decides a promotion on 3 of 4 drills.
MIN_DRILLS = 3
# Trend: the area's severity over the last TREND_DAYS/2 days against the TREND_DAYS/2 before,
# each side from at least TREND_MIN_DRILLS drills; a change under TREND_STEADY reads as steady.
TREND_DAYS = 28
TREND_MIN_DRILLS = 2
TREND_STEADY = 0.1
# The focus needs at least this severity: below it every signal sits near its calm end (a median
# latency under 1.3 s, no hesitation, no hedge), and aiming practice there would chase noise.
FOCUS_MIN = 0.15
# An objection due this many days and not practised counts as put off (Today proposed it).
PUT_OFF_DAYS = 3

# Severity bands: (value at which a signal starts to count, value at which it is at its strongest).
SEVERITY: dict[str, tuple[float, float]] = {
    "hesitation_rate": (0.0, 1.0),  # share of answers later than the level's hesitation limit
    "median_latency": (1.0, 3.0),  # seconds; a calm thinking pause is ~1 s, the default limit is 2 s
    "hedges_per_answer": (0.0, 2.0),  # "just", "sorry to bother", "I was wondering" ...
    "suds_before": (30.0, 80.0),  # anxiety 0-100 before the drill
    "mean_score": (70.0, 30.0),  # below the ladder's pass score (70) counts; lower is worse
    "avoided": (0.0, 0.5),  # drills ended early or objections put off, over drills done plus those
    "prep_used": (0.5, 1.0),  # share of the level's preparation time taken
    "repeats_per_answer": (0.0, 1.0),  # lines played again at the rep's request
}


@dataclass(frozen=True)
class AnswerFacts:
    """One scored answer: the areas its objection exercises and what it showed."""

    areas: tuple[str, ...]
    latency_s: float | None
    hesitation: bool
    hedges: int
    score: float | None
    repeats: int = 0
    prep_used: float | None = None  # share of the level's preparation time taken; None: no preparation time


@dataclass(frozen=True)
class DrillFacts:
    """One stored drill: when, whether it was ended early, the rep's ratings, its answers."""

    id: int
    started_at: datetime
    areas: tuple[str, ...]  # of every turn begun, scored or not
    ended_early: bool
    suds_before: int | None = None
    suds_after: int | None = None
    answers: tuple[AnswerFacts, ...] = ()


@dataclass(frozen=True)
class PutOff:
    """An objection due for `days` days and not practised."""

    areas: tuple[str, ...]
    days: int


@dataclass(frozen=True)
class AreaProfile:
    """One area's figures, severity, trend and reason; `ranked` is False with too few drills."""

    area: Area
    drills: int
    answers: int
    hesitation_rate: float | None
    median_latency_s: float | None
    hedges_per_answer: float | None
    suds_before: float | None
    suds_after: float | None
    mean_score: float | None
    ended_early: int
    put_off: int
    prep_used: float | None
    repeats_per_answer: float | None
    severity: float | None
    trend: str | None  # "better" | "worse" | "steady" | None (too few drills in the last weeks)
    reason: str
    said: float | None = None  # the self-check's score 0-100, if the rep took it
    ranked: bool = False

    @property
    def avoided(self) -> int:
        """Drills ended early plus objections put off."""
        return self.ended_early + self.put_off

    def as_json(self) -> dict[str, Any]:
        """The area as `trainer profile --json` writes it."""
        def r(value, digits):
            return None if value is None else round(value, digits)
        return {
            "id": self.area.id, "label": self.area.label, "drills": self.drills, "answers": self.answers,
            "hesitation_rate": r(self.hesitation_rate, 2), "median_latency_s": r(self.median_latency_s, 2),
            "hedges_per_answer": r(self.hedges_per_answer, 2), "suds_before": r(self.suds_before, 1),
            "suds_after": r(self.suds_after, 1), "mean_score": r(self.mean_score, 1), "avoided": self.avoided,
            "prep_used": r(self.prep_used, 2), "repeats_per_answer": r(self.repeats_per_answer, 2),
            "severity": r(self.severity, 3), "trend": self.trend, "reason": self.reason, "said": self.said,
            "ranked": self.ranked,
        }


@dataclass(frozen=True)
class Profile:
    """Every area, ranked ones worst first, then the thin ones; the area to work on."""

    areas: tuple[AreaProfile, ...]
    focus: str | None
    focus_source: str | None  # "drills" | "self-check" | None
    selfcheck_taken: datetime | None = None
    min_drills: int = MIN_DRILLS

    def as_json(self) -> dict[str, Any]:
        """`trainer profile --json`: areas worst first, the focus and where it comes from."""
        return {
            "areas": [a.as_json() for a in self.areas], "focus": self.focus, "focus_source": self.focus_source,
            "min_drills": self.min_drills,
            "selfcheck_taken": None if self.selfcheck_taken is None else self.selfcheck_taken.isoformat(),
        }

    def area(self, area_id: str) -> AreaProfile:
        """The profile of one area (KeyError when there is none)."""
        for item in self.areas:
            if item.area.id == area_id:
                return item
        raise KeyError(area_id)


def severity(signal: str, value: float | None) -> float | None:
    """How strongly one figure shows reluctance, 0-1, by its band in `SEVERITY` (None without a value)."""
    if value is None:
        return None
    start, full = SEVERITY[signal]
    return min(1.0, max(0.0, (value - start) / (full - start)))


@dataclass
class _Collected:
    drills: list[DrillFacts] = field(default_factory=list)
    answers: list[AnswerFacts] = field(default_factory=list)


def _figures(area: Area, drills: Sequence[DrillFacts], put_off: int) -> dict[str, Any]:
    """The figures of `area` over `drills` (all exercising it)."""
    done = [d for d in drills if not d.ended_early]
    answers = [a for d in drills for a in d.answers if area.id in a.areas]
    latencies = [a.latency_s for a in answers if a.latency_s is not None]
    scores = [a.score for a in answers if a.score is not None]
    before = [d.suds_before for d in drills if d.suds_before is not None]
    after = [d.suds_after for d in drills if d.suds_after is not None]
    prep = [a.prep_used for a in answers if a.prep_used is not None]
    ended_early = len(drills) - len(done)
    return {
        "drills": len(done), "answers": len(answers),
        "hesitation_rate": mean(a.hesitation for a in answers) if answers else None,
        "median_latency_s": median(latencies) if latencies else None,
        "hedges_per_answer": mean(a.hedges for a in answers) if answers else None,
        "suds_before": mean(before) if before else None, "suds_after": mean(after) if after else None,
        "mean_score": mean(scores) if scores else None,
        "ended_early": ended_early, "put_off": put_off,
        "avoided_share": (ended_early + put_off) / (len(drills) + put_off) if drills or put_off else None,
        "prep_used": mean(prep) if prep else None,
        "repeats_per_answer": mean(a.repeats for a in answers) if answers else None,
    }


_SIGNAL_FIGURE = {
    "hesitation_rate": "hesitation_rate", "median_latency": "median_latency_s", "hedges_per_answer": "hedges_per_answer",
    "suds_before": "suds_before", "mean_score": "mean_score", "avoided": "avoided_share", "prep_used": "prep_used",
    "repeats_per_answer": "repeats_per_answer",
}


def _severities(area: Area, figures: Mapping[str, Any]) -> list[tuple[float, str]]:
    """(severity, signal) of each signal the area lists that has a value, worst first."""
    found = [(severity(s, figures[_SIGNAL_FIGURE[s]]), s) for s in area.signals]
    return sorted(((v, s) for v, s in found if v is not None), key=lambda item: -item[0])


def _area_severity(area: Area, figures: Mapping[str, Any]) -> float | None:
    worst = _severities(area, figures)[:2]
    return mean(v for v, _ in worst) if worst else None


def _words(signal: str, f: Mapping[str, Any]) -> str:
    """One signal's figure as the rep reads it."""
    answers = f["answers"]
    if signal == "hesitation_rate":
        return f"{round(f['hesitation_rate'] * answers)} of {answers} answers came after a hesitation"
    if signal == "median_latency":
        return f"you wait {f['median_latency_s']:.1f} s before answering (median)"
    if signal == "hedges_per_answer":
        return f"{f['hedges_per_answer']:.1f} hedges or apologies per answer"
    if signal == "suds_before":
        return f"you rate your anxiety {f['suds_before']:.0f} of 100 before these drills"
    if signal == "mean_score":
        return f"these answers score {f['mean_score']:.0f} on average"
    if signal == "avoided":
        parts = [f"{n} {noun}{'s' if n != 1 else ''} {verb}" for n, noun, verb in (
            (f["ended_early"], "drill", "ended early"), (f["put_off"], "due objection", "put off")) if n]
        return " and ".join(parts)
    if signal == "prep_used":
        return f"you use {f['prep_used'] * 100:.0f}% of the preparation time"
    return f"you asked to hear the line again {round(f['repeats_per_answer'] * answers)} times in {answers} answers"


def _reason(area: Area, figures: Mapping[str, Any], ranked: bool) -> str:
    if not ranked:
        drills = figures["drills"]
        thin = (f"no drills here yet" if drills == 0 else
                f"only {drills} drill{'s' if drills != 1 else ''} so far")
        return thin + f": {MIN_DRILLS - drills} more before your drills speak for this area"
    shown = [s for v, s in _severities(area, figures)[:2] if v > 0]
    if not shown:
        return "no sign of hesitation in these drills"
    return "; ".join(_words(s, figures) for s in shown)


def _trend(area: Area, drills: Sequence[DrillFacts], now: datetime) -> str | None:
    half = timedelta(days=TREND_DAYS / 2)
    recent = [d for d in drills if now - half <= d.started_at <= now]
    earlier = [d for d in drills if now - 2 * half <= d.started_at < now - half]
    if len(recent) < TREND_MIN_DRILLS or len(earlier) < TREND_MIN_DRILLS:
        return None
    new, old = (_area_severity(area, _figures(area, side, 0)) for side in (recent, earlier))
    if new is None or old is None:
        return None
    if new < old - TREND_STEADY:
        return "better"
    if new > old + TREND_STEADY:
        return "worse"
    return "steady"


def build_profile(
    areas: Areas,
    drills: Sequence[DrillFacts],
    put_off: Sequence[PutOff],
    now: datetime,
    said: Mapping[str, float] | None = None,
    selfcheck_taken: datetime | None = None,
) -> Profile:
    """The rep's profile from their drills, the objections they put off and their self-check scores (`said`,
    area id -> 0-100, from `trainer.core.selfcheck.area_scores`)."""
    said = said or {}
    items = []
    for area in areas.areas:
        mine = [d for d in drills if area.id in d.areas]
        late = sum(1 for p in put_off if area.id in p.areas and p.days >= PUT_OFF_DAYS)
        figures = _figures(area, mine, late)
        ranked = figures["drills"] >= MIN_DRILLS
        items.append(AreaProfile(
            area=area, **{k: v for k, v in figures.items() if k != "avoided_share"},
            severity=_area_severity(area, figures) if ranked else None,
            trend=_trend(area, mine, now) if ranked else None,
            reason=_reason(area, figures, ranked),
            said=said.get(area.id), ranked=ranked,
        ))
    order = {a.id: i for i, a in enumerate(areas.areas)}
    ranked = sorted((a for a in items if a.ranked), key=lambda a: (-a.severity, order[a.area.id]))
    thin = sorted((a for a in items if not a.ranked), key=lambda a: (-(a.said or 0), order[a.area.id]))
    if ranked and ranked[0].severity >= FOCUS_MIN:
        focus, source = ranked[0].area.id, "drills"
    elif any(a.said for a in thin):
        focus, source = thin[0].area.id, "self-check"
    else:
        focus, source = None, None
    return Profile(tuple(ranked + thin), focus, source, selfcheck_taken)
