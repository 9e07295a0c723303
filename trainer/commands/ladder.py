"""`trainer level`, `trainer today` and `trainer suds`: where the rep stands, what to practise, how it felt."""

from __future__ import annotations

import argparse
import json

from trainer.core.errors import TrainerError
from trainer.core.levels import ladder_for, level_summary
from trainer.core.pack_model import Pack
from trainer.core.packs import packs_in_use, resolve_pack
from trainer.core.schedule import TodayPlan, plan_today
from trainer.store.db import Store
from trainer.store.progress import (
    WHOLE_PACK,
    categories,
    current_level,
    ladder_status,
    set_level,
    suds_progress,
)
from trainer.store.profile_data import plan_focus, with_focus_packs
from trainer.store.reviews import schedule_cards


def register(subparsers) -> None:
    """Add `level`, `today` and `suds` to the `trainer` parser."""
    level = subparsers.add_parser(
        "level",
        help="your ladder level per pack and what the next level needs",
        description="Where you stand on the graded exposure ladder in each pack you practise (and each category of "
        "a pack with several), what your level changes, what moves you up, and how your anxiety ratings moved. "
        "--set moves you to a level yourself (to take a step back, say).",
    )
    level.add_argument("--pack", metavar="P", help="only this pack (id or file)")
    level.add_argument("--category", metavar="C", help="with --set: the category to move (default: the whole pack)")
    level.add_argument("--set", type=int, metavar="N", dest="set_level", help="move to level N (needs --pack)")
    level.add_argument("--json", action="store_true", help="print JSON for tools")
    level.set_defaults(func=run_level)

    today = subparsers.add_parser(
        "today",
        help="propose today's practice: due objections plus a few new ones, 10-15 minutes",
        description="A short daily block: objections due again (weak ones come back sooner), then a few you have not "
        "met at your level, timed by level; new ones of your focus area (`trainer profile`) come first. Each line "
        "says how to drill it.",
    )
    today.add_argument("--pack", metavar="P", help="only this pack (default: the packs you practise, else all)")
    today.add_argument("--json", action="store_true", help="print JSON for tools")
    today.set_defaults(func=run_today)

    suds = subparsers.add_parser(
        "suds",
        help="rate your anxiety (0-100) before or after a drill",
        description="Subjective units of distress: 0 is calm, 100 the most anxious you can imagine. Rated before and "
        "after drills, the trend per level shows up in `trainer level`.",
    )
    suds.add_argument("drill_id", type=int, metavar="DRILL", help="the drill id (`trainer history`)")
    suds.add_argument("--before", type=int, metavar="N", help="how anxious you felt before the drill, 0-100")
    suds.add_argument("--after", type=int, metavar="N", help="how anxious you felt after it, 0-100")
    suds.set_defaults(func=run_suds)


def _practised(store: Store) -> set[str]:
    """Ids of packs the rep has drilled, scheduled or been placed in."""
    rows = store.query("SELECT pack_id FROM drills UNION SELECT pack_id FROM levels UNION SELECT pack_id FROM schedule")
    return {row["pack_id"] for row in rows}


def _scope_json(store: Store, pack: Pack, category: str) -> dict:
    decision = ladder_status(store, pack, category)
    rules = ladder_for(pack).level(decision.level)
    return {"category": category or None, "level": decision.level, "name": rules.name,
            "changes": level_summary(rules), "action": decision.action, "to_level": decision.to_level,
            "passes": decision.passes, "needed": decision.needed, "reason": decision.reason}


def run_level(args: argparse.Namespace) -> int:
    """Show (or set) the rep's level per pack."""
    if args.set_level is not None and not args.pack:
        raise TrainerError("--set needs --pack: say which pack's level to change")
    if args.category and args.set_level is None:
        raise TrainerError("--category goes with --set; `trainer level --pack P` shows every category")
    with Store() as store:
        if args.pack:
            packs = [resolve_pack(args.pack)]
            if args.set_level is not None:
                set_level(store, packs[0], args.set_level, args.category or WHOLE_PACK)
        else:
            practised = _practised(store)
            packs = [p for p in packs_in_use() if p.id in practised]
        report = [
            {"pack": pack.id, "title": pack.title,
             "scopes": [_scope_json(store, pack, c) for c in [WHOLE_PACK, *categories(pack)]],
             "anxiety": {str(level): lines for level, lines in suds_progress(store, pack.id).items()}}
            for pack in packs
        ]
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    if not report:
        print("no practice yet: `trainer today` proposes where to start")
        return 0
    for item in report:
        whole, *parts = item["scopes"]
        print(f"{item['pack']}: level {whole['level']} ({whole['name']}): {whole['changes']}")
        print(f"  {whole['reason']}")
        for scope in parts:  # every category of the pack asked for; else those that moved on their own
            if args.pack or scope["level"] != whole["level"]:
                print(f"  {scope['category']}: level {scope['level']} ({scope['name']}); {scope['reason']}")
        for level, lines in item["anxiety"].items():
            print(*(f"  {line}" for line in lines), sep="\n")
    return 0


def run_today(args: argparse.Namespace) -> int:
    """Print today's block."""
    with Store() as store:
        if args.pack:
            packs = [resolve_pack(args.pack)]
            focus = plan_focus(store, packs_in_use())
        else:
            installed = packs_in_use()
            practised = [p for p in installed if p.id in _practised(store)]
            focus = plan_focus(store, installed)
            packs = with_focus_packs(practised, installed, focus) if practised else installed
        plan = plan_today(packs, lambda pack, category: _level_of(store, pack, category), schedule_cards(store),
                          store.clock(), focus=focus)
    if args.json:
        print(json.dumps(plan.as_json(), indent=2))
        return 0
    print("\n".join(_today_lines(plan)))
    return 0


def _level_of(store: Store, pack: Pack, category: str) -> int:
    return current_level(store, pack, category if category in categories(pack) else WHOLE_PACK)


def _today_lines(plan: TodayPlan) -> list[str]:
    if not plan.items:
        return ["nothing to practise today: no objection is due and none is open at your level"]
    lines = [f"Today's practice: {len(plan.items)} objection(s), about {plan.minutes:g} minutes"]
    for number, item in enumerate(plan.items, 1):
        lines.append(f"{number:>3}. {item.pack_id} / {item.objection_id}  level {item.level}  ~{item.minutes:g} min  "
                     f"({item.why})")
    if plan.due_left:
        lines.append(f"{plan.due_left} more objection(s) are due: run `trainer today` again after this block")
    first = plan.items[0]
    lines.append(f"Drill one: trainer drill --pack {first.pack_id} --objection {first.objection_id} "
                 f"--level {first.level} --mic")
    return lines


def run_suds(args: argparse.Namespace) -> int:
    """Store the rep's anxiety rating for a drill."""
    if args.before is None and args.after is None:
        raise TrainerError("give --before N and/or --after N (0 calm, 100 the most anxious you can imagine)")
    with Store() as store:
        store.rate_suds(args.drill_id, before=args.before, after=args.after)
        drill = store.drill(args.drill_id)
    print(f"drill {drill.id}: anxiety before {_rating(drill.suds_before)}, after {_rating(drill.suds_after)}")
    return 0


def _rating(value: int | None) -> str:
    return "-" if value is None else str(value)
