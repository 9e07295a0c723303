"""Moving along the graded exposure ladder: promote, hold, or offer a step back, and say why.

The decision looks only at the rep's finished drills at their current level since
they reached it (a fresh start at every level), oldest first. It moves up when
`passes` of the last `window` drills passed (score and hesitations from
`LadderRules`), and offers a step back (never forces it) after `step_back_after`
drills in a row under `fail_score`. Every decision carries one sentence the rep
reads ("2 of your last 4 level-3 drills scored 70+ without a hesitation; one more
to move up").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from trainer.core.levels import Ladder, LadderRules

PROMOTE = "promote"
HOLD = "hold"
OFFER_STEP_BACK = "offer_step_back"
TOP = "top"  # passing at the last level: nowhere further to go

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@dataclass(frozen=True)
class DrillOutcome:
    """A finished drill as the ladder sees it: its score and how many hesitations it had."""

    score: float
    hesitations: int = 0


@dataclass(frozen=True)
class LadderDecision:
    """What the ladder decided after a drill, and the sentence that says why."""

    action: str  # PROMOTE, HOLD, OFFER_STEP_BACK or TOP
    level: int  # the level the decision is about
    to_level: int | None  # the level moved up to (PROMOTE) or offered (OFFER_STEP_BACK)
    reason: str
    passes: int  # passing drills among the last `window`
    needed: int  # passing drills in a row still needed to move up (0 once there)
    category: str = ""  # the category the level is kept for; empty for the whole pack


def passed(outcome: DrillOutcome, rules: LadderRules) -> bool:
    """True when a drill counts towards moving up: score high enough, few enough hesitations."""
    return outcome.score >= rules.pass_score and outcome.hesitations <= rules.pass_hesitations


def passes_needed(outcomes: Sequence[DrillOutcome], rules: LadderRules) -> int:
    """How many passing drills in a row would move the rep up (0: they already would)."""
    marks = [passed(o, rules) for o in outcomes]
    for more in range(rules.window + 1):
        if sum((marks + [True] * more)[-rules.window:]) >= rules.passes:
            return more
    return rules.window  # unreachable: `window` passes in a row always fill the window


def ladder_decision(
    outcomes: Sequence[DrillOutcome], level: int, ladder: Ladder, label: str = ""
) -> LadderDecision:
    """The decision for a rep at `level` whose drills there (since reaching it) were `outcomes`, oldest first.

    `label` names what the level is kept for in the sentence (a category such as
    "price"; empty for the whole pack).
    """
    rules = ladder.rules
    recent = list(outcomes)[-rules.window:]
    passes = sum(passed(o, rules) for o in recent)
    needed = passes_needed(outcomes, rules)
    drills = f"level-{level}{' ' + label if label else ''} drill"
    standard = f"{rules.pass_score:g}+ {_hesitation_rule(rules)}"
    if needed == 0:
        tally = f"{_tally(passes, len(recent), rules, drills)} scored {standard}"
        if level >= ladder.top:
            return LadderDecision(TOP, level, None, f"{tally}: you are at the top of the ladder; keep it sharp with "
                                  "`trainer today`", passes, 0, label)
        up = ladder.level(level + 1)
        return LadderDecision(PROMOTE, level, level + 1, f"{tally}: move up to level {up.level} ({up.name})", passes, 0, label)
    tail = list(outcomes)[-rules.step_back_after:]
    if len(tail) == rules.step_back_after and all(o.score < rules.fail_score for o in tail):
        scores = ", ".join(f"{o.score:.0f}" for o in tail)
        start = f"your last {len(tail)} {drills}s scored under {rules.fail_score:g} ({scores})"
        if level > ladder.bottom:
            down = ladder.level(level - 1)
            return LadderDecision(
                OFFER_STEP_BACK, level, level - 1,
                f"{start}: step back to level {down.level} ({down.name}) to rebuild, or keep going here",
                passes, needed, label,
            )
        return LadderDecision(HOLD, level, None, f"{start}: read the model answer aloud once, then answer it in "
                              "your own words", passes, needed, label)
    tally = f"{_tally(passes, len(recent), rules, drills)} scored {standard}" if outcomes else f"no {drills}s yet"
    if level >= ladder.top:
        reason = f"{tally}: this is the top of the ladder"
    elif not outcomes:
        reason = f"{tally}; {_count(rules.passes)} of your next {rules.window} must score {standard} to move up"
    else:
        reason = f"{tally}; {_count(needed)} more to move up"
    if outcomes and not passed(outcomes[-1], rules):
        reason += f" (the last one {_why_not(outcomes[-1], rules)})"
    return LadderDecision(HOLD, level, None, reason, passes, needed, label)


def _tally(passes: int, looked_at: int, rules: LadderRules, drill: str) -> str:
    """"2 of your last 4 level-3 drills", or "1 of your 2 level-3 drills so far" before the window is full."""
    if looked_at >= rules.window:
        return f"{passes} of your last {looked_at} {drill}s"
    return f"{passes} of your {looked_at} {drill}{'s' if looked_at > 1 else ''} so far"


def _hesitation_rule(rules: LadderRules) -> str:
    if rules.pass_hesitations == 0:
        return "without a hesitation"
    return f"with at most {_count(rules.pass_hesitations)} hesitation{'s' if rules.pass_hesitations > 1 else ''}"


def _why_not(outcome: DrillOutcome, rules: LadderRules) -> str:
    """Why a drill did not pass, in a few words."""
    parts = []
    if outcome.score < rules.pass_score:
        parts.append(f"scored {outcome.score:.0f}")
    if outcome.hesitations > rules.pass_hesitations:
        parts.append(f"had {_count(outcome.hesitations)} hesitation{'s' if outcome.hesitations > 1 else ''}")
    return " and ".join(parts)


def _count(number: int) -> str:
    return _NUMBER_WORDS[number] if 0 <= number < len(_NUMBER_WORDS) else str(number)
