"""Coaches and their reps: `trainer assign`, `trainer assignments`, `trainer report` and `trainer team`.

A coach writes an assignment file (`assign`) and sends it; the rep imports it
(`assignments import`) and sees its progress (`assignments`); the rep makes a report
(`report`, JSON for the coach, HTML/PDF to read, CSV for spreadsheets) and sends it
back; the coach merges the reps' JSON reports into one table (`team`). Reports hold
numbers and text only; recordings never leave the rep's machine. docs/coaches.md
tells the whole story.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from pathlib import Path

from trainer.core.assignments import (
    REPLACED,
    UNCHANGED,
    AssignmentError,
    AssignmentValueError,
    PackAssignment,
    assignments_dir,
    import_assignment,
    installed_assignments,
    new_assignment,
    pack_file_to_send,
    sent_file_name,
    urgency,
    write_assignment,
)
from trainer.core.errors import TrainerError
from trainer.core.packs import packs_in_use, resolve_pack
from trainer.core.team import COLUMN_KEYS, TEAM_COLUMNS, TeamRow, json_files, merge_reports, write_team_csv
from trainer.store.db import Store
from trainer.reports import REPORT_FORMATS, report_format, report_text, write_report
from trainer.store.report_data import assignments_progress, collect_report, default_rep_name

def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date - use YYYY-MM-DD") from None


def register(subparsers) -> None:
    """Add `assign`, `assignments` (list, import), `report` and `team` to the `trainer` parser."""
    assign = subparsers.add_parser(
        "assign",
        help="(coach) write an assignment file: a pack, a rep, a due date, a level and a number of drills",
        description="Write an assignment file for a rep, who imports it with `trainer assignments import FILE`. "
        "It names an installed pack by id; for your own pack, send the pack file along.",
    )
    assign.add_argument("pack", metavar="PACK", help="pack id (see `trainer packs`) or pack file")
    assign.add_argument("--to", required=True, metavar="NAME", help="the rep's name")
    assign.add_argument("--due", required=True, type=_day, metavar="DATE", help="due date, YYYY-MM-DD")
    assign.add_argument("--level", type=int, default=1, metavar="L", help="ladder level the drills must be at (default 1)")
    assign.add_argument("--drills", type=int, default=1, metavar="N", help="drills to do by the due date (default 1)")
    assign.add_argument("--by", metavar="COACH", help="your name (default: your login name)")
    assign.add_argument("--out", type=Path, metavar="FILE", help="where to write it (default: PACK--NAME.assignment.yaml here)")
    assign.set_defaults(func=run_assign)

    assignments = subparsers.add_parser(
        "assignments",
        help="your assignments and their progress; import one from your coach",
        description="Assignments from your coach (imported files and packs' own assignment blocks) with your "
        "progress: drills at the target level or above since the day it was assigned. Overdue ones are flagged.",
    )
    assignments.add_argument("--json", action="store_true", help="print JSON for tools")
    assignments.set_defaults(func=run_assignments)
    actions = assignments.add_subparsers(dest="assignments_command", metavar="ACTION")
    listing = actions.add_parser("list", help="list assignments with progress (the default)")
    listing.add_argument("--json", action="store_true", help="print JSON for tools")
    listing.set_defaults(func=run_assignments)
    importing = actions.add_parser("import", help="import an assignment file from your coach")
    importing.add_argument("file", type=Path, metavar="FILE", help="the assignment file (*.yaml)")
    importing.set_defaults(func=run_import)

    report = subparsers.add_parser(
        "report",
        help="write your progress report (HTML, PDF, CSV, or JSON for your coach)",
        description="Drills done, time practised, levels, score and metric trends, anxiety ratings, assignment "
        "progress and a few of your best openers (words only). Recordings are never included.",
    )
    report.add_argument("--since", type=_day, metavar="DATE", help="only drills from this day on (YYYY-MM-DD)")
    report.add_argument("--pack", metavar="P", help="only this pack (id or file)")
    report.add_argument("--format", choices=REPORT_FORMATS, help="default: from the --out file's extension")
    report.add_argument("--out", required=True, metavar="FILE", help="file to write ('-' prints json, csv or html)")
    report.add_argument("--name", metavar="NAME",
                        help="your name in the report (default: the name your assignments give, else your login)")
    report.set_defaults(func=run_report)

    team = subparsers.add_parser(
        "team",
        help="(coach) merge reps' JSON reports into one table",
        description="One row per rep (their newest report): assignment progress, drills in the last 7 days, level, "
        "recent score and hesitation rate with trend arrows, anxiety. A folder stands for the .json files in it. "
        "Exit 0 when every file was merged, 1 when any could not be read (each problem is listed).",
    )
    team.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json|FOLDER")
    team.add_argument("--sort", choices=COLUMN_KEYS, default="rep", metavar="COLUMN",
                      help=f"sort by a column: {', '.join(COLUMN_KEYS)} (default rep)")
    team.add_argument("--reverse", action="store_true", help="sort from high to low")
    team.add_argument("--csv", type=Path, metavar="FILE", help="also write the table as CSV")
    team.add_argument("--json", action="store_true", help="print the table and the errors as JSON")
    team.set_defaults(func=run_team)


# -- assign ----------------------------------------------------------------------------------


def run_assign(args: argparse.Namespace) -> int:
    """Write the assignment file and say what to do with it."""
    pack = resolve_pack(args.pack)
    try:
        item = new_assignment(pack, args.to, args.by or getpass.getuser(), args.due, args.level, args.drills,
                              date.today())
    except AssignmentValueError as error:
        raise TrainerError(f"--{error}") from None  # the message starts with the value's name: its flag
    out = args.out or Path(sent_file_name(item))
    try:
        write_assignment(item, out)
    except OSError as error:
        raise TrainerError(f"{out}: cannot write the assignment ({error.strerror or error}); pick another --out") from None
    a = item.assignment
    print(f"wrote {out}: {a.assigned_to} does {a.drills_required} drill(s) of '{pack.id}' at level {a.target_level} "
          f"or above by {a.due.isoformat()}")
    print(f"send it to {a.assigned_to}, who runs: trainer assignments import {out.name}")
    if (pack_file := pack_file_to_send(pack)) is not None:
        print(f"'{pack.id}' is not a built-in pack: send {pack_file} along (it goes in the rep's packs folder)")
    return 0


# -- assignments -----------------------------------------------------------------------------


def run_import(args: argparse.Namespace) -> int:
    """Check an assignment file completely, then copy it into the assignments folder (or import nothing)."""
    packs = packs_in_use()
    try:
        item, target, outcome = import_assignment(args.file, packs)
    except AssignmentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"trainer: error: {args.file}: {len(error.problems)} problem(s); nothing imported", file=sys.stderr)
        return 1
    said = {REPLACED: " (replaces the earlier one)", UNCHANGED: " (you had this one already; nothing changed)"}
    print(f"imported {args.file} -> {target}{said.get(outcome, '')}")
    with Store() as store:
        today = store.clock().astimezone().date()
        (progress,) = assignments_progress(store, packs, [item], today)
    print(f"  {progress.line(today)}")
    print(f"  practise it: trainer drill --pack {item.pack_id} --level {item.assignment.target_level} --mic")
    return 0


def run_assignments(args: argparse.Namespace) -> int:
    """List every assignment with its progress; broken files are named with their first problem."""
    packs = packs_in_use()
    found = installed_assignments(packs)
    valid = [a for a in found if isinstance(a, PackAssignment)]
    broken = [a for a in found if isinstance(a, AssignmentError)]
    with Store() as store:
        today = store.clock().astimezone().date()
        progress = assignments_progress(store, packs, valid, today)
    if args.json:
        from trainer.core.report_model import report_json  # the same JSON shape as in the report

        print(json.dumps({"assignments": [report_json(p) | {"source": a.source} for p, a in zip(progress, valid)],
                          "broken": [{"file": e.problems[0].file, "problems": [str(p) for p in e.problems]}
                                     for e in broken]}, indent=2))
        return 0
    if not found:
        print(f"no assignments: import one from your coach with `trainer assignments import FILE` "
              f"(kept in {assignments_dir()})")
        return 0
    for item in sorted(progress, key=urgency):
        print(item.line(today))
    for error in broken:
        print(f"! {error.problems[0].file}: broken - {error.problems[0].message}; import a good copy again")
    return 0


# -- report ----------------------------------------------------------------------------------


def run_report(args: argparse.Namespace) -> int:
    """Collect the report from the store and write it in the chosen format."""
    kind = args.format or report_format(args.out)
    if args.out == "-" and kind == "pdf":
        raise TrainerError("a PDF cannot go to the terminal: give --out FILE.pdf")
    packs = packs_in_use()
    pack_id = resolve_pack(args.pack).id if args.pack else None
    assignments = installed_assignments(packs)
    with Store() as store:
        report = collect_report(store, packs, assignments, rep=args.name or default_rep_name(assignments),
                                since=args.since, pack_id=pack_id)
    if args.out == "-":
        sys.stdout.write(report_text(report, kind))
        return 0
    write_report(report, kind, args.out)
    s = report.summary
    print(f"wrote {args.out} ({kind}): {s.drills} drill(s), {s.time_practised} practised, "
          f"{len(report.assignments)} assignment(s); no recordings included")
    return 0


# -- team ------------------------------------------------------------------------------------


def _table_lines(rows: list[TeamRow]) -> list[str]:
    cells = [[c.header for c in TEAM_COLUMNS]] + [[c.cell(r) for c in TEAM_COLUMNS] for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(TEAM_COLUMNS))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in cells]


def run_team(args: argparse.Namespace) -> int:
    """Merge the reports, print the table (and CSV) and notes, list every file that could not be merged."""
    files = [found for path in args.reports for found in (json_files(path) if path.is_dir() else [path])]
    if not files:
        raise TrainerError(f"no .json reports in {', '.join(map(str, args.reports))} - reps make them with "
                           "`trainer report --format json` (or Progress -> Report for your coach in the app)")
    team = merge_reports(files, date.today())
    rows = team.sorted(args.sort, args.reverse)
    if args.csv:
        write_team_csv(rows, args.csv)
    if args.json:
        print(json.dumps({"rows": [{c.key: c.cell(r) for c in TEAM_COLUMNS} | {"file": r.source} for r in rows],
                          "errors": [{"file": e.source, "problems": e.problems} for e in team.errors],
                          "notes": [{"file": n.source, "note": n.message} for n in team.notes]}, indent=2))
    else:
        lines = (_table_lines(rows) if rows else []) + [f"note: {n.source}: {n.message}" for n in team.notes]
        if lines:
            print("\n".join(lines))
    merged = f"merged {len(rows)} of {len(files)} report(s)"
    if set_aside := len(files) - len(rows) - len(team.errors):
        merged += f" ({set_aside} older report(s) of the same reps set aside)"
    if team.errors:
        for error in team.errors:
            for problem in error.problems:
                print(f"{error.source}: {problem}", file=sys.stderr)
        print(f"trainer: error: {merged}; {len(team.errors)} could not be read (listed above)", file=sys.stderr)
        return 1
    if not args.json:
        print(f"{merged}{f'; CSV written to {args.csv}' if args.csv else ''}")
    return 0
