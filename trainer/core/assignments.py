"""Coach assignments: a pack handed to a rep, with a due day, a target level and a number of drills.

An assignment comes one of two ways. A pack may carry its own `assignment:` block
(docs/packs.md). Or a coach sends a small assignment file that points at a pack the
rep has installed; `trainer assign` writes one and `trainer assignments import`
copies it into `<packs folder>/assignments/`. The file holds exactly the pack's block
(so it can be pasted into a pack) plus the pack's id and the day it was assigned:

    format: repdrill-assignment/1
    pack: price-and-budget
    assigned: 2025-03-03
    assignment: {assigned_by: Kim, assigned_to: Sam, due: 2025-03-14, target_level: 3, drills_required: 5}

Progress counts the rep's finished drills of the pack at the target level or above
since the day it was assigned (a pack's own block has no such day: every drill of
the pack counts). It is done when they reach the number required, overdue when the
due day has passed before that. Drill dates are the rep's local calendar days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Protocol

import yaml

from trainer.core import paths
from trainer.core.errors import TrainerError
from trainer.core.levels import ladder_for
from trainer.core.pack_model import Assignment, Pack
from trainer.core.pack_problems import Problem
from trainer.core.pack_schema import schema_messages as worded_schema_failures  # the pack's wording
from trainer.core.pack_schema import pack_schema
from trainer.core.pack_yaml import Located, read_document
from trainer.core.whole_files import written_whole

ASSIGNMENT_FORMAT = "repdrill-assignment/1"
SENT_SUFFIX = ".assignment.yaml"  # the file a coach sends: `<pack>--<rep>.assignment.yaml`
MAX_DRILLS = 1000  # the schema's `drills_required` maximum
DONE, OPEN, OVERDUE = "done", "open", "overdue"
_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@dataclass(frozen=True)
class PackAssignment:
    """An assignment of one pack: the pack's id, the coach's block, the day it was assigned and where it is kept."""

    pack_id: str
    assignment: Assignment
    assigned: date | None = None  # None for a pack's own block
    source: str | None = None  # the file it was read from


@dataclass(frozen=True)
class AssignmentProgress:
    """How far a rep is with an assignment (also a part of the report, docs/report-format.md)."""

    pack: str
    assigned_by: str
    assigned_to: str
    assigned: date | None
    due: date | None
    target_level: int
    drills_required: int
    drills_done: int
    level: int | None  # the rep's current level in the pack, when known
    status: str  # DONE, OPEN or OVERDUE

    def line(self, today: date) -> str:
        """One readable line: "price-and-budget: 2 of 5 drills at level 3+ ... due 2025-03-14 (in 4 days), from Kim"."""
        parts = [f"{self.pack}: {self.drills_done} of {self.drills_required} drills at level {self.target_level}+"]
        if self.level is not None:
            parts.append(f"(you are at level {self.level})")
        if self.due is not None:
            parts.append(f"due {self.due.isoformat()} ({_days(self.due, today)})")
        text = " ".join(parts) + f", from {self.assigned_by}"
        return {DONE: f"done - {text}", OVERDUE: f"OVERDUE - {text}"}.get(self.status, text)


class AssignmentError(TrainerError):
    """An assignment file that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"{self.problems[0]}{more}")


class DrillLike(Protocol):
    """What progress reads of a stored drill (`trainer.store.records.DrillRecord` has it)."""

    pack_id: str
    level: int
    status: str
    started_at: datetime


def assignments_dir() -> Path:
    """Where imported assignment files are kept: `<packs folder>/assignments` (not read as packs)."""
    return paths.user_packs_dir() / "assignments"


def _file_schema() -> dict[str, Any]:
    """The assignment file's JSON Schema: the pack schema's `assignment` block plus the pack and the day."""
    schema = pack_schema()
    return {
        "$defs": schema["$defs"],
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "pack", "assigned", "assignment"],
        "properties": {
            "format": {"enum": [ASSIGNMENT_FORMAT]},
            "pack": {"$ref": "#/$defs/id"},
            "assigned": {"type": "string", "pattern": _DAY, "description": "the day it was assigned, YYYY-MM-DD"},
            "assignment": {"$ref": "#/$defs/assignment"},
        },
    }


def _real_day(text: Any) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def load_assignment_text(text: str | bytes, source: str = "<text>", packs: Iterable[Pack] | None = None) -> PackAssignment:
    """The assignment in `text`; AssignmentError with every problem at file:line:column.

    With `packs` (the installed packs), the pack must be among them.
    """
    from jsonschema import Draft202012Validator  # a dependency of the pack checks anyway

    def fail(located: list[Located]) -> AssignmentError:
        return AssignmentError([Problem(source, p.line, p.column, p.message.replace("the pack is", "the file is"))
                                for p in located])

    document = read_document(text)
    if document.problems or document.data is None:
        raise fail(document.problems)
    data, where = document.data, document.source_map
    if isinstance(data, dict) and data.get("format") != ASSIGNMENT_FORMAT and "format" in data:
        raise fail([Located(*where.value(("format",)), f"format '{data['format']}' is not an assignment this RepDrill "
                            f"reads - it reads '{ASSIGNMENT_FORMAT}'; ask the coach for a new file")])
    problems = [p for e in Draft202012Validator(_file_schema()).iter_errors(data)
                for p in worded_schema_failures(e, data, where)]
    if not isinstance(data, dict):
        raise fail(problems)
    block = data.get("assignment") if isinstance(data.get("assignment"), dict) else {}
    for path, value in ((("assigned",), data.get("assigned")), (("assignment", "due"), block.get("due"))):
        if isinstance(value, str) and re.match(_DAY, value) and _real_day(value) is None:
            problems.append(Located(*where.value(path), f"'{value}' is not a real date - use YYYY-MM-DD"))
    if packs is not None and isinstance(data.get("pack"), str) and data["pack"] not in {p.id for p in packs}:
        problems.append(Located(*where.value(("pack",)), f"pack '{data['pack']}' is not installed here - put the "
                                f"coach's pack file in {paths.user_packs_dir()} (or import it in the Packs view), "
                                "then import the assignment again"))
    if problems:
        raise fail(problems)
    return PackAssignment(data["pack"], _block(block), _real_day(data["assigned"]), source)


def _block(block: dict[str, Any]) -> Assignment:
    return Assignment(
        assigned_by=block["assigned_by"],
        assigned_to=block["assigned_to"],
        due=_real_day(block.get("due")),
        target_level=int(block.get("target_level", 1)),
        drills_required=int(block.get("drills_required", 1)),
    )


def load_assignment(path: str | Path, packs: Iterable[Pack] | None = None) -> PackAssignment:
    """The assignment in the file at `path` (see `load_assignment_text`)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise AssignmentError([Problem(str(path), 1, 1, f"cannot read the file: {error.strerror or error}")]) from None
    return load_assignment_text(raw, str(path), packs)


def assignment_text(item: PackAssignment) -> str:
    """The assignment file's YAML text (loading it gives the same assignment)."""
    a = item.assignment
    block: dict[str, Any] = {"assigned_by": a.assigned_by, "assigned_to": a.assigned_to}
    if a.due is not None:
        block["due"] = a.due  # dates are written unquoted and read back as text
    block |= {"target_level": a.target_level, "drills_required": a.drills_required}
    data = {"format": ASSIGNMENT_FORMAT, "pack": item.pack_id, "assigned": item.assigned or date.today(),
            "assignment": block}
    header = (f"# RepDrill assignment from {a.assigned_by} to {a.assigned_to}.\n"
              "# The rep imports it with `trainer assignments import FILE` (or the app's Packs view).\n")
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def assignment_file_name(item: PackAssignment) -> str:
    """The file an imported assignment is kept in: one per pack and rep, so a newer one replaces the old."""
    rep = re.sub(r"[^a-z0-9]+", "-", item.assignment.assigned_to.lower()).strip("-") or "rep"
    return f"{item.pack_id}--{rep}.yaml"


def write_assignment(item: PackAssignment, path: Path) -> None:
    """Write the assignment file at `path` whole or not at all (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with written_whole(path) as partial:
        partial.write_text(assignment_text(item), encoding="utf-8")


class AssignmentValueError(TrainerError):
    """A value `new_assignment` refuses, and which one.

    `field` is the value's name in `trainer assign` (to, by, due, level, drills); the
    message starts with it, so the CLI words it as its flag (`--level 9: ...`). `reason`
    says the same for a form, next to the field.
    """

    def __init__(self, field: str, message: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(message)


def new_assignment(pack: Pack, to: str, by: str, due: date, level: int, drills: int, today: date) -> PackAssignment:
    """A coach's new assignment of `pack`, assigned `today`, checked before anything is written (CLI and app).

    Names are trimmed. AssignmentValueError for the first value refused: an empty name, a
    level off the pack's ladder, drills outside 1-1000, a due day before `today`. And the
    file it makes must load as the rep's import will load it (AssignmentError if not).
    """
    to, by = to.strip(), by.strip()
    top = ladder_for(pack).top
    refused = (
        ("to", not to, "to: give the rep's name", "Give the rep's name."),
        ("due", due < today, f"due {due.isoformat()} is in the past; give a day from {today.isoformat()} on",
         "This day has passed: pick today or a later day."),
        ("level", not 1 <= level <= top, f"level {level}: pack '{pack.id}' has levels 1-{top}",
         f"This pack has levels 1 to {top}."),
        ("drills", not 1 <= drills <= MAX_DRILLS, f"drills {drills}: give 1 to {MAX_DRILLS} drills",
         f"Give 1 to {MAX_DRILLS} drills."),
        ("by", not by, "by: give your name (the rep sees who assigned it)", "Give your name: the rep sees it."),
    )
    for field, bad, message, reason in refused:
        if bad:
            raise AssignmentValueError(field, message, reason)
    item = PackAssignment(pack.id, Assignment(by, to, due, level, drills), today)
    load_assignment_text(assignment_text(item), sent_file_name(item))  # what the rep will import must load
    return item


def sent_file_name(item: PackAssignment) -> str:
    """The file a coach sends: `<pack>--<rep>.assignment.yaml` (the rep keeps it as `assignment_file_name`)."""
    return assignment_file_name(item).removesuffix(".yaml") + SENT_SUFFIX


def pack_file_to_send(pack: Pack) -> Path | None:
    """The pack's file when it must go along with an assignment; None for a built-in pack (every rep has those)."""
    if pack.source and Path(pack.source).resolve().parent != paths.BUILTIN_SCENARIOS.resolve():
        return Path(pack.source)
    return None


NEW, REPLACED, UNCHANGED = "new", "replaced", "unchanged"  # what an import did to the rep's copy


def import_assignment(path: str | Path, packs: Iterable[Pack],
                      folder: Path | None = None) -> tuple[PackAssignment, Path, str]:
    """Check the file at `path` completely, then keep a copy in the assignments folder (all or nothing).

    Returns the assignment, where it is kept, and what became of the rep's copy of the
    same pack's assignment: NEW, REPLACED, or UNCHANGED (the very same one again).
    AssignmentError with every problem, and nothing written, when the file is not good.
    """
    item = load_assignment(path, packs)
    target = (assignments_dir() if folder is None else folder) / assignment_file_name(item)
    try:
        before = target.read_bytes() if target.exists() else None
        write_assignment(item, target)
        outcome = NEW if before is None else UNCHANGED if target.read_bytes() == before else REPLACED
    except OSError as error:
        raise TrainerError(f"{target}: cannot save the assignment ({error.strerror or error}); "
                           "check the data folder's disk and permissions") from None
    return replace(item, source=str(target)), target, outcome


def installed_assignments(packs: Iterable[Pack], folder: Path | None = None) -> list[PackAssignment | AssignmentError]:
    """Every assignment the rep has: imported files (in name order, broken ones as errors), then packs' own blocks."""
    packs = list(packs)
    folder = assignments_dir() if folder is None else folder
    found: list[PackAssignment | AssignmentError] = []
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")) if folder.is_dir() else []
    for path in files:
        try:
            found.append(load_assignment(path, packs))
        except AssignmentError as error:
            found.append(error)
    found += [PackAssignment(p.id, p.assignment, None, p.source) for p in packs if p.assignment is not None]
    return found


def drills_done(item: PackAssignment, drills: Iterable[DrillLike]) -> int:
    """Finished drills of the assigned pack at the target level or above, on or after the day it was assigned."""
    return sum(
        1 for d in drills
        if d.pack_id == item.pack_id and d.status == "finished" and d.level >= item.assignment.target_level
        and (item.assigned is None or d.started_at.astimezone().date() >= item.assigned)
    )


def assignment_progress(item: PackAssignment, drills: Iterable[DrillLike], today: date,
                        level: int | None = None) -> AssignmentProgress:
    """Where the rep stands with `item` on `today`, from their stored drills (and current level, if known)."""
    a = item.assignment
    done = drills_done(item, drills)
    return AssignmentProgress(item.pack_id, a.assigned_by, a.assigned_to, item.assigned, a.due, a.target_level,
                              a.drills_required, done, level, status_on(done, a.drills_required, a.due, today))


def urgency(progress: AssignmentProgress) -> tuple:
    """Sort key for a rep's list: overdue first, then open ones by due day (none last), done ones at the end."""
    return progress.status != OVERDUE, progress.status == DONE, progress.due or date.max, progress.pack


def status_on(done: int, required: int, due: date | None, today: date) -> str:
    """DONE once `done` reaches `required` (late or not), OVERDUE when `due` passed before that, else OPEN."""
    if done >= required:
        return DONE
    if due is not None and today > due:
        return OVERDUE
    return OPEN


def _days(due: date, today: date) -> str:
    left = (due - today).days
    if left == 0:
        return "today"
    if left > 0:
        return f"in {left} day{'s' if left > 1 else ''}"
    return f"{-left} day{'s' if left < -1 else ''} ago"
