"""A coach's team table: several reps' JSON reports merged into one row per report.

Each row says how far the rep is with their assignments (overdue as of the team's
day), how many drills they did in the 7 days up to that day, their level, their recent
score and hesitation rate with trend arrows, their anxiety trend, and the focus of
their reluctance profile (the area to work on; docs/profile.md). One rep is one
row: of several reports of the same rep (the same rep id, or the same name for
reports from before rep ids) the newest is shown and the others are named in
`Team.notes`, as are reports read from an older RepDrill. A file that cannot be read
(not JSON, another report format version, broken fields) is never dropped quietly: it
comes back in `Team.errors` with every problem found in it.

For a table view: `TEAM_COLUMNS` gives the headers, `column.cell(row)` the text and
`column.sort_value(row)` the value to sort by; `Team.sorted(key)` sorts rows (missing
values last) and `team_csv` / `write_team_csv` export them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from trainer.core.assignments import DONE, OVERDUE, status_on
from trainer.core.errors import TrainerError
from trainer.core.report_model import Report, ReportError, Trend, drills_in_week, load_report_text
from trainer.core.whole_files import written_whole

MAX_REPORT_BYTES = 20_000_000


@dataclass(frozen=True)
class TeamRow:
    """One rep's line in the team table, from one report."""

    rep: str
    rep_id: str | None  # None in reports from RepDrill 0.1
    source: str  # the report file
    report_day: date  # the last day the report covers
    assignments: int
    assignments_done: int
    overdue: int
    drills_done: int  # drills towards the assignments (each counted up to what it requires)
    drills_required: int
    week_drills: int  # finished drills in the 7 days up to the team's day
    drills: int  # finished drills in the report's period
    level: int | None  # the rep's highest level over the packs in the report
    level_pack: str | None
    score: float | None  # mean score of the recent drills (the trend's end)
    score_trend: Trend | None
    hesitation_rate: float | None  # hesitations per answer over the period
    hesitation_trend: Trend | None
    anxiety: float | None  # recent anxiety before drills (SUDS)
    anxiety_trend: Trend | None
    focus: str | None = None  # the area the rep's profile says to work on (its id, as Level names a pack); None: none yet
    focus_source: str | None = None  # drills | self-check | None

    @property
    def progress(self) -> float | None:
        """Share of the assigned drills done (0-1); None without assignments."""
        return self.drills_done / self.drills_required if self.drills_required else None


def team_row(report: Report, source: str, today: date) -> TeamRow:
    """A report's row in the team table on `today` (an assignment open on the report's day may be overdue now)."""
    top = max(report.levels, key=lambda lv: lv.level, default=None)
    score, hesitation, anxiety = (report.trend(m) for m in ("score", "hesitation_rate", "suds_before"))
    status = [status_on(a.drills_done, a.drills_required, a.due, today) for a in report.assignments]
    return TeamRow(
        rep=report.rep, rep_id=report.rep_id, source=source, report_day=report.until,
        assignments=len(report.assignments),
        assignments_done=status.count(DONE),
        overdue=status.count(OVERDUE),
        drills_done=sum(min(a.drills_done, a.drills_required) for a in report.assignments),
        drills_required=sum(a.drills_required for a in report.assignments),
        week_drills=drills_in_week(report.drills, today), drills=report.summary.drills,
        level=top.level if top else None, level_pack=top.pack if top else None,
        score=score.last if score else None, score_trend=score,
        hesitation_rate=report.summary.hesitation_rate, hesitation_trend=hesitation,
        anxiety=anxiety.last if anxiety else None, anxiety_trend=anxiety,
        focus=report.profile.focus if report.profile else None,
        focus_source=report.profile.focus_source if report.profile else None,
    )


def _focus_cell(row: TeamRow) -> str:
    if row.focus is None:
        return "-"
    return row.focus + (" (said)" if row.focus_source == "self-check" else "")


def _arrow(trend: Trend | None) -> str:
    return f" {trend.arrow}" if trend is not None and trend.direction is not None else ""


def _assignments_cell(row: TeamRow) -> str:
    if not row.assignments:
        return "none"
    text = f"{row.drills_done}/{row.drills_required} drills, {row.assignments_done} of {row.assignments} done"
    return text + (f", {row.overdue} OVERDUE" if row.overdue else "")


@dataclass(frozen=True)
class Column:
    """A column of the team table: its key (for --sort), header, cell text and sort value."""

    key: str
    header: str
    cell: Callable[[TeamRow], str]
    sort_value: Callable[[TeamRow], Any]


TEAM_COLUMNS = (
    Column("rep", "Rep", lambda r: r.rep, lambda r: r.rep.casefold()),
    Column("assignments", "Assignments", _assignments_cell, lambda r: r.progress),
    Column("overdue", "Overdue", lambda r: str(r.overdue), lambda r: r.overdue),
    Column("week", "Drills (7 days)", lambda r: str(r.week_drills), lambda r: r.week_drills),
    Column("level", "Level", lambda r: "-" if r.level is None else f"{r.level} ({r.level_pack})", lambda r: r.level),
    Column("score", "Recent score", lambda r: "-" if r.score is None else f"{r.score:.0f}{_arrow(r.score_trend)}",
           lambda r: r.score),
    Column("hesitation", "Hesitation rate",
           lambda r: "-" if r.hesitation_rate is None else f"{100 * r.hesitation_rate:.0f}%{_arrow(r.hesitation_trend)}",
           lambda r: r.hesitation_rate),
    Column("anxiety", "Anxiety", lambda r: "-" if r.anxiety is None else f"{r.anxiety:.0f}{_arrow(r.anxiety_trend)}",
           lambda r: r.anxiety),
    Column("focus", "Focus", _focus_cell, lambda r: r.focus),
    Column("report", "Report of", lambda r: r.report_day.isoformat(), lambda r: r.report_day),
)
COLUMN_KEYS = tuple(c.key for c in TEAM_COLUMNS)


def column(key: str) -> Column:
    """The column with this key; KeyError naming the keys there are."""
    for c in TEAM_COLUMNS:
        if c.key == key:
            return c
    raise KeyError(f"no column '{key}'; columns: {', '.join(COLUMN_KEYS)}")


@dataclass(frozen=True)
class TeamNote:
    """Something the coach should know about a file that was read (or set aside for a newer one)."""

    source: str
    message: str


@dataclass(frozen=True)
class Team:
    """The merged table: one row per report read, every file that could not be read with its problems, and notes."""

    rows: tuple[TeamRow, ...]
    errors: tuple[ReportError, ...] = field(default=())
    notes: tuple[TeamNote, ...] = field(default=())

    def sorted(self, key: str = "rep", descending: bool = False) -> list[TeamRow]:
        """Rows sorted by a column; rows without a value in it come last either way."""
        value = column(key).sort_value
        present = [r for r in self.rows if value(r) is not None]
        missing = [r for r in self.rows if value(r) is None]
        return sorted(present, key=value, reverse=descending) + missing


def read_report_file(path: str | Path, notes: list[str] | None = None) -> Report:
    """The report in a JSON file; ReportError when it cannot be read or is not a report this version reads.

    What was filled in for an older RepDrill is added to `notes`.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_REPORT_BYTES:
            raise ReportError(str(path), [f"file is larger than {MAX_REPORT_BYTES:,} bytes - not a RepDrill report"])
        raw = path.read_bytes()
    except OSError as error:
        raise ReportError(str(path), [f"cannot read the file: {error.strerror or error}"]) from None
    return load_report_text(raw, str(path), notes)


def json_files(folder: str | Path) -> list[Path]:
    """The *.json files in a folder, by name (how a folder of reports is read); TrainerError if it cannot be read."""
    folder = Path(folder)
    try:
        return [p for p in sorted(folder.glob("*.json")) if p.is_file()]
    except OSError as error:
        raise TrainerError(f"{folder}: cannot read the folder ({error.strerror or error})") from None


def same_rep(a: Report, b: Report) -> bool:
    """Whether two reports are of one rep: the same rep id, or the same name when one has no id (RepDrill 0.1)."""
    if a.rep_id and b.rep_id:
        return a.rep_id == b.rep_id
    return a.rep.casefold() == b.rep.casefold()


def merge_reports(paths: Iterable[str | Path], today: date) -> Team:
    """The team table from report files on `today`: one row per rep (their newest report), in the order given;
    errors collected per file."""
    kept: list[tuple[Report, str]] = []
    errors, notes = [], []
    for path in paths:
        read: list[str] = []
        try:
            report = read_report_file(path, read)
        except ReportError as error:
            errors.append(error)
            continue
        notes += [TeamNote(str(path), note) for note in read]
        at = next((i for i, (other, _) in enumerate(kept) if same_rep(report, other)), None)
        if at is None:
            kept.append((report, str(path)))
            continue
        (older, older_source), (newer, newer_source) = sorted(
            [kept[at], (report, str(path))], key=lambda pair: (pair[0].until, pair[0].generated_at))
        kept[at] = (newer, newer_source)
        notes.append(TeamNote(older_source, f"an older report of {older.rep} (to {older.until.isoformat()}), set "
                                            f"aside: {Path(newer_source).name} (to {newer.until.isoformat()}) is shown"))
    return Team(tuple(team_row(r, source, today) for r, source in kept), tuple(errors), tuple(notes))


CSV_COLUMNS = ("rep", "rep_id", "report_day", "assignments", "assignments_done", "overdue", "drills_done", "drills_required",
               "week_drills", "drills", "level", "level_pack", "score", "score_trend", "hesitation_rate",
               "hesitation_trend", "anxiety", "anxiety_trend", "source", "focus", "focus_source")


def team_csv(rows: Iterable[TeamRow]) -> str:
    """The rows as CSV with raw values (trends as up/down/steady, empty cells for missing values)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        values = []
        for name in CSV_COLUMNS:
            value = getattr(row, name)
            if isinstance(value, Trend):
                value = value.direction
            elif isinstance(value, date):
                value = value.isoformat()
            values.append("" if value is None else value)
        writer.writerow(values)
    return out.getvalue()


def write_team_csv(rows: Iterable[TeamRow], path: str | Path) -> Path:
    """The rows as CSV at `path`, whole or not at all; TrainerError naming the file and the fix when it cannot."""
    path = Path(path)
    try:
        with written_whole(path) as partial:
            partial.write_text(team_csv(rows), encoding="utf-8")
    except OSError as error:
        raise TrainerError(f"{path}: cannot write the CSV ({error.strerror or error}); choose another file") from None
    return path
