"""The rep's progress report as data: a tree of dataclasses, and its versioned JSON form.

The JSON form (`trainer report --format json`, docs/report-format.md, schema in
`trainer/data/report.schema.json`) is what a rep hands a coach and what other tools
read; the HTML, PDF and CSV forms are drawn from the same tree. It holds numbers and
text only, never a recording. Reading a report checks its format version first (an
older or newer one is named as such), then every field against the schema; all
problems of a file come back together in one `ReportError`. A report from an older
RepDrill of the same format, or of the format before (`repdrill-report/1`, without
the reluctance profile), is read with the fields added since filled in
(trainer/core/report_upgrade.py), and a note saying so.
"""

from __future__ import annotations

import functools
import json
import types
import typing
from dataclasses import MISSING, dataclass, fields, is_dataclass
from datetime import date, datetime
from statistics import mean
from typing import Any, Sequence

from trainer.core import paths
from trainer.core.assignments import AssignmentProgress
from trainer.core.errors import TrainerError
from trainer.core.report_upgrade import UPGRADABLE, upgrade
from trainer.core.suds import STEADY_POINTS
from trainer.core.suds import trend_ends  # the same ends as the SUDS trend: means of the first/last few

REPORT_FORMAT = "repdrill-report/2"
FORMAT_FAMILY = "repdrill-report/"
UP, DOWN, STEADY = "up", "down", "steady"

METRIC_LABELS = {
    "score": "Drill score",
    "talk_share": "Talk share (%)",
    "wpm": "Pace (wpm)",
    "fillers_per_min": "Fillers per minute",
    "hesitation_rate": "Hesitations per answer",
    "suds_before": "Anxiety before drills (SUDS)",
}
# Which way is better, for metrics where one way is (talk share and pace aim at a band instead).
BETTER = {"score": UP, "fillers_per_min": DOWN, "hesitation_rate": DOWN, "suds_before": DOWN}
ARROWS = {UP: "\u2191", DOWN: "\u2193", STEADY: "\u2192", None: "\u2013"}

# A change smaller than this between a trend's ends reads as steady.
STEADY_CHANGE = {
    "score": 5.0,
    "talk_share": 5.0,
    "wpm": 10.0,
    "fillers_per_min": 1.0,
    "hesitation_rate": 0.1,
    "suds_before": float(STEADY_POINTS),
}


@dataclass(frozen=True)
class DrillPoint:
    """One finished drill in the period: what the trends are drawn from."""

    id: int
    pack: str
    level: int
    started_at: datetime
    minutes: float
    score: float | None
    answers: int  # scored answers
    hesitations: int
    talk_share: float | None  # % of all talk that was the rep's
    wpm: float | None
    fillers_per_min: float | None
    hedges: int
    suds_before: int | None
    suds_after: int | None
    repeats: int | None = None  # lines played again at the rep's request; None: not recorded (older drills)
    # what the prospect did after the rep's answers (trainer/data/temperaments.yaml); None: not in the report
    # (made by a RepDrill before reports carried them). Drills from before the prospect acted count 0.
    cut_ins: int | None = None  # cut the rep off after a long monologue
    reactions: int | None = None  # said the rep sounded unsure (hedges, apologies)
    add_ons: int | None = None  # gave a little more after a good question

    @property
    def hesitation_rate(self) -> float | None:
        """Hesitations per answer (None without answers)."""
        return self.hesitations / self.answers if self.answers else None


@dataclass(frozen=True)
class Summary:
    """The period's totals."""

    drills: int  # finished drills
    abandoned: int  # drills stopped before their end
    minutes: float  # time practised: finished and abandoned drills, start to end
    answers: int  # scored answers in the finished drills
    hesitations: int
    hesitation_rate: float | None  # hesitations / answers
    mean_score: float | None
    best_score: float | None
    drills_last_7_days: int  # finished drills in the 7 days up to the report's day

    @property
    def time_practised(self) -> str:
        """The practice time in words: '25 min', '1 h 10 min', 'under a minute' (not '0 min' after some practice)."""
        if 0 < self.minutes < 1:
            return "under a minute"
        hours, minutes = divmod(round(self.minutes), 60)
        if not hours:
            return f"{minutes} min"
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@dataclass(frozen=True)
class LevelReached:
    """The rep's ladder level in a pack (category None) or in one of its categories."""

    pack: str
    title: str
    category: str | None
    level: int
    name: str  # the level's name, e.g. "Live"


@dataclass(frozen=True)
class Trend:
    """How a metric moved over the period's drills: the means of the first and last few, and the direction."""

    metric: str  # a key of STEADY_CHANGE
    first: float | None
    last: float | None
    direction: str | None  # UP, DOWN, STEADY; None with fewer than two drills
    points: int  # drills with a value

    @property
    def arrow(self) -> str:
        """The direction as an arrow (a dash when there is none yet)."""
        return ARROWS[self.direction]

    @property
    def improving(self) -> bool | None:
        """True/False when the metric moved the better/worse way; None when steady, unknown or neither is better."""
        if self.direction in (UP, DOWN) and self.metric in BETTER:
            return self.direction == BETTER[self.metric]
        return None


@dataclass(frozen=True)
class BankHighlight:
    """One of the rep's best opener-bank entries: the words only, never the audio."""

    pack: str
    objection: str
    text: str
    score: float | None
    starred: bool


@dataclass(frozen=True)
class ProfileArea:
    """One habit area of the rep's reluctance profile as a report carries it (trainer.core.profile, docs/profile.md)."""

    id: str
    label: str
    drills: int
    hesitation_rate: float | None
    median_latency_s: float | None
    hedges_per_answer: float | None
    suds_before: float | None
    mean_score: float | None
    avoided: int
    trend: str | None  # better | worse | steady | None
    reason: str
    said: float | None  # the self-check's score 0-100
    ranked: bool  # False: too few drills to compare


@dataclass(frozen=True)
class ReportProfile:
    """Where the rep hesitates: areas worst first and the focus (an area id, or None with too little data)."""

    focus: str | None
    focus_source: str | None  # drills | self-check | None
    areas: tuple[ProfileArea, ...]

    @property
    def focus_label(self) -> str | None:
        """The focus area's name, or None."""
        return next((a.label for a in self.areas if a.id == self.focus), None)


@dataclass(frozen=True)
class Report:
    """A rep's practice report (format REPORT_FORMAT)."""

    format: str
    rep: str
    rep_id: str | None  # the rep's data folder's id; None in reports from RepDrill 0.1
    generated_at: datetime
    app_version: str
    since: date | None
    until: date
    pack: str | None
    summary: Summary
    levels: tuple[LevelReached, ...]
    drills: tuple[DrillPoint, ...]
    trends: tuple[Trend, ...]
    anxiety: tuple[str, ...]  # the SUDS trend sentences
    assignments: tuple[AssignmentProgress, ...]
    bank: tuple[BankHighlight, ...]
    profile: ReportProfile | None = None  # None in reports of format repdrill-report/1

    def trend(self, metric: str) -> Trend | None:
        """The trend of `metric`, if the report has it."""
        return next((t for t in self.trends if t.metric == metric), None)


class ReportError(TrainerError):
    """A report file that cannot be read: its format version, or every broken field, in `problems`."""

    def __init__(self, source: str, problems: Sequence[str]):
        self.source = source
        self.problems = list(problems)
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"{source}: {self.problems[0]}{more}")


def trend(metric: str, values: Sequence[float | None]) -> Trend:
    """The trend of one metric over values in drill order (None values are skipped)."""
    present = [float(v) for v in values if v is not None]
    if not present:
        return Trend(metric, None, None, None, 0)
    if len(present) == 1:
        return Trend(metric, round(present[0], 2), round(present[0], 2), None, 1)
    first, last = trend_ends(present)
    change = last - first
    direction = STEADY if abs(change) < STEADY_CHANGE[metric] else UP if change > 0 else DOWN
    return Trend(metric, round(first, 2), round(last, 2), direction, len(present))


def drill_trends(drills: Sequence[DrillPoint]) -> tuple[Trend, ...]:
    """Every metric's trend over drills in time order."""
    values = {
        "score": [d.score for d in drills],
        "talk_share": [d.talk_share for d in drills],
        "wpm": [d.wpm for d in drills],
        "fillers_per_min": [d.fillers_per_min for d in drills],
        "hesitation_rate": [d.hesitation_rate for d in drills],
        "suds_before": [d.suds_before for d in drills],
    }
    return tuple(trend(metric, values[metric]) for metric in STEADY_CHANGE)


def summarise(drills: Sequence[DrillPoint], abandoned: int, minutes: float, until: date) -> Summary:
    """The totals of the period's finished drills (plus the abandoned ones' count and all practice time)."""
    scores = [d.score for d in drills if d.score is not None]
    answers = sum(d.answers for d in drills)
    hesitations = sum(d.hesitations for d in drills)
    return Summary(
        drills=len(drills), abandoned=abandoned, minutes=round(minutes, 2), answers=answers, hesitations=hesitations,
        hesitation_rate=round(hesitations / answers, 3) if answers else None,
        mean_score=round(mean(scores), 1) if scores else None, best_score=max(scores) if scores else None,
        drills_last_7_days=drills_in_week(drills, until),
    )


def drills_in_week(drills: Sequence[DrillPoint], until: date) -> int:
    """Drills started in the 7 days ending on `until` (local days)."""
    return sum(1 for d in drills if 0 <= (until - d.started_at.astimezone().date()).days < 7)


# -- JSON --------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def report_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (docs/report-format.md)."""
    return _plain(report)


def dump_report(report: Report) -> str:
    """The report's JSON text (UTF-8, indented, keys in the documented order)."""
    return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"


@functools.lru_cache(maxsize=1)
def report_schema() -> dict:
    """The report's JSON Schema, as data."""
    return json.loads((paths.PACKAGE_DATA / "report.schema.json").read_text(encoding="utf-8"))


def _where(path: Sequence[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text or "the report"


def _version_problem(data: Any) -> str | None:
    """Why `data` is not a report this version reads, or None when its format is REPORT_FORMAT."""
    if not isinstance(data, dict) or "format" not in data:
        return (f"not a RepDrill report: no 'format' field (a report from `trainer report --format json` "
                f"starts with \"format\": \"{REPORT_FORMAT}\")")
    found = data["format"]
    if found == REPORT_FORMAT or found in UPGRADABLE:
        return None
    if isinstance(found, str) and found.startswith(FORMAT_FAMILY):
        number = found[len(FORMAT_FAMILY):]
        rep = f" {data['rep']}" if isinstance(data.get("rep"), str) else " the rep"
        if number.isdigit() and int(number) < int(REPORT_FORMAT[len(FORMAT_FAMILY):]):
            return (f"made by an older RepDrill (format {found}); this RepDrill reads {REPORT_FORMAT} - ask{rep} to "
                    "update RepDrill and export the report again")
        return f"made by a newer RepDrill (format {found}); update RepDrill to read it (this one reads {REPORT_FORMAT})"
    return f"format {found!r} is not a RepDrill report format (this RepDrill reads {REPORT_FORMAT})"


def _build(kind: Any, value: Any, path: tuple, problems: list[str]) -> Any:
    """`value` (checked against the schema) as `kind`; bad dates and times are added to `problems`."""
    options = typing.get_args(kind) if isinstance(kind, types.UnionType) else ()
    if options:
        if value is None:
            return None
        kind = next(k for k in options if k is not type(None))
    if is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: _build(hints[f.name], value[f.name], path + (f.name,), problems) for f in fields(kind)
                       if f.name in value or f.default is MISSING})  # an optional field left out keeps its default
    if typing.get_origin(kind) is tuple:
        item = typing.get_args(kind)[0]
        return tuple(_build(item, v, path + (i,), problems) for i, v in enumerate(value))
    if kind in (date, datetime):
        try:
            moment = kind.fromisoformat(value)
        except ValueError:
            problems.append(f"{_where(path)}: '{value}' is not a real {'date' if kind is date else 'date and time'}")
            return None
        if kind is datetime and moment.tzinfo is None:
            problems.append(f"{_where(path)}: '{value}' has no UTC offset (such as +00:00)")
        return moment
    if kind is float:
        return float(value)
    if kind is int:
        return int(value)  # JSON Schema takes 3.0 as an integer
    return value


def read_report(data: Any, source: str = "<report>", notes: list[str] | None = None) -> Report:
    """The report in already-parsed JSON `data`; ReportError with the version problem or every broken field.

    What was filled in for an older RepDrill is added to `notes`.
    """
    from jsonschema import Draft202012Validator

    if problem := _version_problem(data):
        raise ReportError(source, [problem])
    data = upgrade(data, [] if notes is None else notes)
    validator = Draft202012Validator(report_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    failures = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))
    problems = [f"{_where(e.absolute_path)}: {e.message}" for e in failures]
    if problems:
        raise ReportError(source, problems)
    report = _build(Report, data, (), problems)
    if problems:
        raise ReportError(source, problems)
    return report


def load_report_text(text: str | bytes, source: str = "<report>", notes: list[str] | None = None) -> Report:
    """The report in JSON text; ReportError for text that is not JSON, another format version or broken fields.

    What was filled in for an older RepDrill is added to `notes`.
    """
    try:
        data = json.loads(text.decode("utf-8-sig") if isinstance(text, bytes) else text)
    except UnicodeDecodeError:
        raise ReportError(source, ["not UTF-8 text - is it the JSON report (`trainer report --format json`)?"]) from None
    except json.JSONDecodeError as error:
        raise ReportError(source, [f"line {error.lineno} column {error.colno}: not valid JSON ({error.msg}) - "
                                   "was the file cut short or edited?"]) from None
    return read_report(data, source, notes)
