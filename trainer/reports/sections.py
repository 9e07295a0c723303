"""The report's words and tables, shared by the HTML and PDF forms so both say the same thing.

Everything here is plain text (no markup): titles, the headline numbers, and tables
of strings with an optional mark per row (done, overdue, better, worse) that each
form colours its own way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trainer.core.assignments import DONE, OVERDUE
from trainer.core.report_model import METRIC_LABELS, DrillPoint, Report

NO_ANSWER = "no answer"  # a metric that needs speech, in a drill where nothing was heard (never 0)
PRIVACY = ("Numbers and text only: the rep's recordings stay on the rep's computer and are never part of a "
           "report.")


@dataclass(frozen=True)
class Table:
    """Column headers, rows of cell text, and a mark per row ('' for none)."""

    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    marks: list[str] = field(default_factory=list)


def _number(value: float | None, digits: int = 0, unit: str = "", none: str = "-") -> str:
    return none if value is None else f"{value:.{digits}f}{unit}"


def title(report: Report) -> str:
    """The report's heading."""
    return f"Practice report: {report.rep}"


def subtitle(report: Report) -> str:
    """What the report covers and when it was made."""
    scope = f"pack {report.pack}" if report.pack else "all packs"
    period = f"{report.since.isoformat()} to {report.until.isoformat()}" if report.since else \
        f"all practice to {report.until.isoformat()}"
    made = report.generated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{scope.capitalize()}, {period}. Made {made} with RepDrill {report.app_version}."


def headline(report: Report) -> list[tuple[str, str]]:
    """The headline numbers as (value, label) pairs."""
    s = report.summary
    rate = None if s.hesitation_rate is None else 100 * s.hesitation_rate
    stopped = f" ({s.abandoned} stopped early)" if s.abandoned else ""
    return [
        (str(s.drills), f"drills done{stopped}"),
        (s.time_practised, "practised"),
        (_number(s.mean_score), f"mean score (best {_number(s.best_score)})"),
        (_number(rate, 0, "%"), f"answers with a hesitation ({s.hesitations} of {s.answers})"),
        (str(s.drills_last_7_days), "drills in the last 7 days"),
    ]


def assignments(report: Report) -> Table:
    """The assignments with their progress; marks 'done' and 'overdue'."""
    rows, marks = [], []
    for a in report.assignments:
        due = a.due.isoformat() if a.due else "-"
        status = {DONE: "done", OVERDUE: "OVERDUE"}.get(a.status, "open")
        level = "-" if a.level is None else str(a.level)
        rows.append((a.pack, a.assigned_by, f"{a.drills_done} of {a.drills_required}", str(a.target_level), level,
                     due, status))
        marks.append(a.status if a.status in (DONE, OVERDUE) else "")
    return Table(("Pack", "From", "Drills done", "At level", "Level now", "Due", "Status"), rows, marks)


def levels(report: Report) -> Table:
    """The rep's levels per pack (and category with its own level)."""
    rows = [(lv.title if lv.category is None else f"{lv.title}: {lv.category}", f"{lv.level}", lv.name)
            for lv in report.levels]
    return Table(("Pack", "Level", "Name"), rows)


def trends(report: Report) -> Table:
    """Each metric's trend: first and last values and an arrow; marks 'better' and 'worse'."""
    rows, marks = [], []
    for t in report.trends:
        digits = 2 if t.metric == "hesitation_rate" else 1 if t.metric == "fillers_per_min" else 0
        direction = t.direction or "not enough drills"
        rows.append((METRIC_LABELS[t.metric], _number(t.first, digits), _number(t.last, digits),
                     f"{t.arrow} {direction}", str(t.points)))
        marks.append({True: "better", False: "worse"}.get(t.improving, ""))
    return Table(("Metric", "Early drills", "Recent drills", "Trend", "Drills"), rows, marks)


def drills(report: Report) -> Table:
    """Every finished drill of the period, oldest first; pace and fillers read "no answer" when nothing was heard.

    The hesitations cell says how often the rep asked to hear a line again ("0 of 2, 1 repeat"); the prospect's
    cell what the prospect did after the answers ("cut in 2, unsure 1": `prospect_acts`).
    """
    rows = []
    for d in report.drills:
        when = d.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        suds = "-" if d.suds_before is None and d.suds_after is None else \
            f"{_number(d.suds_before)} > {_number(d.suds_after)}"
        repeats = f", {d.repeats} repeat{'s' if d.repeats > 1 else ''}" if d.repeats else ""
        rows.append((when, d.pack, str(d.level), _number(d.score), f"{d.hesitations} of {d.answers}{repeats}",
                     _number(d.talk_share, 0, "%"), _number(d.wpm, none=NO_ANSWER),
                     _number(d.fillers_per_min, 1, none=NO_ANSWER), suds, prospect_acts(d)))
    return Table(("Started", "Pack", "Level", "Score", "Hesitations", "Talk share", "Pace", "Fillers/min", "SUDS",
                  "Prospect"), rows)


def prospect_note(report: Report) -> str:
    """What the drills table's Prospect column means ('' when the prospect did nothing in any drill)."""
    if not any(d.cut_ins or d.reactions or d.add_ons for d in report.drills):
        return ""
    return ("Prospect: what the prospect did after the answers - cut in (the rep talked too long without a pause), "
            "unsure (the rep hedged or apologised), more (a good question earned a little more).")


def prospect_acts(drill: DrillPoint) -> str:
    """What the prospect did after the drill's answers, for a coach: 'cut in 2, unsure 1, more 1' ('-': nothing,
    or a report from before RepDrill reported it). A cut-in follows a long monologue, 'unsure' a hedge or
    an apology, 'more' a good question."""
    counts = (("cut in", drill.cut_ins), ("unsure", drill.reactions), ("more", drill.add_ons))
    return ", ".join(f"{label} {count}" for label, count in counts if count) or "-"


def focus(report: Report) -> str:
    """The profile's focus in words ('' for a report without a profile)."""
    profile = report.profile
    if profile is None:
        return ""
    if profile.focus is None:
        return "Focus: none yet (too few drills per area to compare)."
    source = "the drills" if profile.focus_source == "drills" else "the rep's self-check"
    return f"Focus: {profile.focus_label}, from {source}."


def hesitation(report: Report) -> Table:
    """Where the rep hesitates, one row per habit area worst first (docs/profile.md); marks 'worse' on the focus."""
    rows, marks = [], []
    for a in report.profile.areas if report.profile else ():
        rate = None if a.hesitation_rate is None else 100 * a.hesitation_rate
        rows.append((a.label, str(a.drills), _number(rate, 0, "%"), _number(a.median_latency_s, 1, " s"),
                     _number(a.hedges_per_answer, 1), _number(a.mean_score), str(a.avoided), a.trend or "-",
                     _number(a.said, 0, "/100"), a.reason))
        marks.append("worse" if a.id == report.profile.focus else "")
    return Table(("Area", "Drills", "Hesitations", "Wait", "Hedges", "Score", "Avoided", "Trend", "Said", "Why"),
                 rows, marks)


def bank(report: Report) -> list[str]:
    """The best opener-bank entries as quoted lines with where they answer."""
    lines = []
    for b in report.bank:
        star = "\u2605 " if b.starred else ""
        lines.append(f"{star}\u201c{b.text}\u201d ({b.pack} / {b.objection}, score {_number(b.score)})")
    return lines
