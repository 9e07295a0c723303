"""`trainer db check|backup` and `trainer history`: look after the database, list stored drills."""

from __future__ import annotations

import argparse
import json

from trainer.store import backup
from trainer.store.check import check
from trainer.store.db import Store
from trainer.store.records import DrillRecord


def register(subparsers) -> None:
    """Add `db` (check, backup) and `history` to the `trainer` parser."""
    db = subparsers.add_parser(
        "db",
        help="check or back up the database",
        description="Look after the database in the data folder ($TRAINER_DATA).",
    )
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    check_parser = actions.add_parser(
        "check",
        help="integrity check, missing and orphaned recordings, interrupted turns (exit 1 on problems)",
    )
    check_parser.add_argument("--json", action="store_true", help="print the report as JSON for tools")
    check_parser.set_defaults(func=run_check)
    backup_parser = actions.add_parser("backup", help="copy the database into the backups folder now")
    backup_parser.add_argument(
        "--keep", type=_at_least_one, default=backup.KEEP, metavar="N", help=f"backups to keep (default {backup.KEEP})"
    )
    backup_parser.set_defaults(func=run_backup)

    history = subparsers.add_parser(
        "history",
        help="list stored drills, or show one drill's turns",
        description="Stored drills, newest first; with an id, that drill's turns, transcripts, scores and reasons.",
    )
    history.add_argument("drill_id", nargs="?", type=int, metavar="ID", help="a drill id from the list")
    history.add_argument("--pack", metavar="ID", help="only drills of this pack")
    history.add_argument("--limit", type=int, metavar="N", help="at most N drills")
    history.add_argument("--json", action="store_true", help="print JSON for tools")
    history.set_defaults(func=run_history)


def run_check(args: argparse.Namespace) -> int:
    """Print the check report; exit 1 when it found a problem."""
    with Store() as store:
        report = check(store)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print("\n".join(report.lines()))
    return 0 if report.ok else 1


def run_backup(args: argparse.Namespace) -> int:
    """Write a backup now and print its path."""
    with Store() as store:
        path = store.backup(args.keep)
    print(f"backup written: {path}")
    return 0


def run_history(args: argparse.Namespace) -> int:
    """List drills (or show one) as a table or JSON."""
    with Store() as store:
        if args.drill_id is not None:
            drills = [store.drill(args.drill_id)]
        else:
            drills = store.drills(pack_id=args.pack, limit=args.limit)
    if args.json:
        payload = drills[0].to_dict() if args.drill_id is not None else [d.to_dict() for d in drills]
        print(json.dumps(payload, indent=2))
    elif args.drill_id is not None:
        print("\n".join(_drill_lines(drills[0])))
    elif not drills:
        print("no drills stored yet; run `trainer drill` or open the app to practise")
    else:
        print(f"{'id':>4}  {'started':16}  {'pack':20}  lvl  {'status':11}  {'outcome':16}  score  turns")
        for d in drills:
            print(
                f"{d.id:>4}  {d.started_at.astimezone():%Y-%m-%d %H:%M}  {d.pack_id[:20]:20}  {d.level:>3}  "
                f"{d.status:11}  {(d.outcome or '-')[:16]:16}  {_score(d.score):>5}  {d.turn_count:>5}"
            )
    return 0


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _score(score: float | None) -> str:
    return "-" if score is None else f"{score:.0f}"


def _drill_lines(drill: DrillRecord) -> list[str]:
    lines = [
        f"drill {drill.id}: {' '.join(filter(None, (drill.pack_id, drill.pack_version)))} level {drill.level}, "
        f"{drill.started_at.astimezone():%Y-%m-%d %H:%M}, {drill.status}, outcome {drill.outcome or '-'}, "
        f"score {_score(drill.score)}"
    ]
    if drill.suds_before is not None or drill.suds_after is not None:
        lines.append(f"  anxiety (SUDS): before {drill.suds_before if drill.suds_before is not None else '-'}, "
                     f"after {drill.suds_after if drill.suds_after is not None else '-'}")
    for turn in drill.turns:
        lines.append(f"turn {turn.number} [{turn.objection_id}/{turn.node_id}] {turn.status}, score {_score(turn.score)}")
        lines.append(f"  prospect: {turn.prospect_line}")
        lines.append(f"  you: {turn.transcript if turn.transcript is not None else '(not transcribed)'}")
        lines += [f"  -{reason.points_lost:.0f}: {reason.text}" for reason in turn.reasons]
        if turn.recording is not None:
            lines.append(f"  recording: {turn.recording}")
    return lines
