"""`trainer profile` and `trainer selfcheck`: where the rep hesitates, from their drills and their own account."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Callable

from trainer.core.errors import TrainerError
from trainer.core.packs import packs_in_use
from trainer.core.profile import Profile
from trainer.core.reluctance import default_areas
from trainer.core.selfcheck import SCALE, parse_answers
from trainer.store.db import Store
from trainer.store.profile_data import collect_profile
from trainer.store.selfchecks import save_selfcheck


def register(subparsers) -> None:
    """Add `profile` and `selfcheck` to the `trainer` parser."""
    profile = subparsers.add_parser(
        "profile",
        help="where you hesitate: your drills grouped by habit area, worst first",
        description="Per habit area of call reluctance (docs/profile.md): drills done, hesitations, response time, "
        "hedges and apologies, anxiety, score, drills avoided and the trend, worst first with the reason in words, "
        "beside what you said in the self-check. An area is compared once it has 3 drills.",
    )
    profile.add_argument("--json", action="store_true", help="print JSON for tools")
    profile.set_defaults(func=run_profile)

    selfcheck = subparsers.add_parser(
        "selfcheck",
        help="a two-minute self-check: how often you put off each kind of contact",
        description="Statements about what you put off, each answered 0 never, 1 rarely, 2 sometimes, 3 often, "
        "4 almost always. It seeds your profile and first plan until your drills speak for themselves. Asked one by "
        "one in a terminal; --answers gives them all at once.",
    )
    selfcheck.add_argument("--answers", metavar="A", help="every answer in order, e.g. 0,2,4,1,... or 0241...")
    selfcheck.add_argument("--list", action="store_true", help="print the statements and stop")
    selfcheck.set_defaults(func=run_selfcheck)


def _number(value, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)


def profile_lines(profile: Profile) -> list[str]:
    """The profile as a table, then each area's reason: "you said" beside "your drills show"."""
    if profile.focus is None:
        head = ("Focus: none yet - too few drills to compare areas; take `trainer selfcheck` or practise 3 drills in an "
                "area") if not any(a.ranked for a in profile.areas) else "Focus: none - nothing stands out"
    else:
        area = profile.area(profile.focus)
        source = "your drills" if profile.focus_source == "drills" else "your self-check"
        head = f"Focus: {area.area.label} (from {source})"
    lines = [head, "", f"{'area':<40} {'drills':>6} {'hesit.':>6} {'wait s':>6} {'hedges':>6} {'anx.':>4} "
             f"{'score':>5} {'avoid':>5} {'trend':<7} {'you said':>8}"]
    for a in profile.areas:
        lines.append(
            f"{a.area.label[:40]:<40} {a.drills:>6} {_number(a.hesitation_rate and a.hesitation_rate * 100, '{:.0f}%'):>6}"
            f" {_number(a.median_latency_s, '{:.1f}'):>6} {_number(a.hedges_per_answer, '{:.1f}'):>6}"
            f" {_number(a.suds_before, '{:.0f}'):>4} {_number(a.mean_score, '{:.0f}'):>5} {a.avoided:>5}"
            f" {a.trend or '-':<7} {_number(a.said, '{:.0f}/100'):>8}")
    lines.append("")
    lines += [f"{a.area.label}: {a.reason}" for a in profile.areas]
    return lines


def run_profile(args: argparse.Namespace) -> int:
    """Print the rep's reluctance profile."""
    with Store() as store:
        profile = collect_profile(store, packs_in_use())
    if args.json:
        print(json.dumps(profile.as_json(), indent=2))
    else:
        print("\n".join(profile_lines(profile)))
    return 0


def ask_answers(statements, read: Callable[[str], str], write: Callable[[str], None]) -> tuple[int, ...]:
    """Ask each statement in turn; an answer that is not 0-4 is asked again with the scale."""
    write("How often is each true for you? 0 never, 1 rarely, 2 sometimes, 3 often, 4 almost always.")
    answers = []
    for number, (_, statement) in enumerate(statements, 1):
        while True:
            reply = read(f"{number:>2}/{len(statements)}. {statement} [0-4]: ").strip()
            if reply in {"0", "1", "2", "3", "4"}:
                answers.append(int(reply))
                break
            write(f"  '{reply}' is not an answer: type one digit, " + ", ".join(f"{i} {s}" for i, s in enumerate(SCALE)))
    return tuple(answers)


def _read(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        raise TrainerError("the self-check was not finished (input ended); nothing was saved") from None


def run_selfcheck(args: argparse.Namespace) -> int:
    """Take the self-check (interactive or --answers), store it and show it beside the drills."""
    statements = default_areas().statements()
    if args.list:
        print("\n".join(f"{n:>2}. {s}" for n, (_, s) in enumerate(statements, 1)))
        return 0
    if args.answers is not None:
        answers = parse_answers(args.answers, len(statements))
    elif sys.stdin.isatty():
        answers = ask_answers(statements, _read, print)
    else:
        raise TrainerError(f"not a terminal: give the {len(statements)} answers with --answers "
                           "(`trainer selfcheck --list` shows the statements)")
    with Store() as store:
        save_selfcheck(store, answers)
        profile = collect_profile(store, packs_in_use())
    print("Saved. You said / your drills show:")
    for area in profile.areas:
        print(f"  {area.area.label}: you said {_number(area.said, '{:.0f}/100')}; your drills show: {area.reason}")
    if profile.focus is not None:
        print(f"Focus: {profile.area(profile.focus).area.label} (from "
              f"{'your drills' if profile.focus_source == 'drills' else 'your self-check'})")
    return 0
