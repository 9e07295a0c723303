"""Turn and drill scores (0-100) from the metrics, the rubric and the pack's targets.

A turn score is the weighted sum of components (Targets.weights): rubric coverage,
pace band, latency (starting on time, and not over the prospect below the level where
talk-over becomes free), clean speech (fillers per minute and hedges), answer length
(airtime against the node's model answer, with the monologue limit), "ask, then stop"
(speech after the last question asked) and, when a pack gives it a weight, questions
asked. Each
component earns a fraction of its points; credit fades linearly outside a band rather
than dropping at its edge, so 162 wpm loses little and 200 wpm loses everything. Every
point lost carries a one-line reason the rep can act on; reasons come sorted by points
lost. Components that cannot apply (no rubric, no prospect line before the answer,
no question asked) are left out and the others share their points.

A drill score is the mean turn score; the drill's talk share counts only when a pack
gives `talk_share` a weight (then against its band, by default the script's own share
+/- 10 points: never the call-level band, which a scripted role-play cannot meet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from trainer.core.metrics import TALK_OVER_GRACE_S, DrillMetrics, TurnMetrics
from trainer.core.rubric import MoveResult, RubricResult
from trainer.core.targets import Targets

_CAPITAL_I = re.compile(r"\bi\b")
TURN_COMPONENTS = ("rubric", "pace", "latency", "clean_speech", "length", "ask_then_stop", "questions")
TALK_SHARE = "talk_share"
PACE_FADE = 0.25  # credit reaches 0 this fraction of the band edge outside it (90 / 200 wpm)
OVERLAP_FADE_S = 1.0  # talking over the prospect by this much loses all latency points
ASK_THEN_STOP_FADE = 1.0  # talking on this many times the limit past it loses all ask-then-stop points
HEDGES_TO_ZERO = 3  # this many hedges lose all of the hedge half of clean speech
TALK_SHARE_FADE = 20.0  # percentage points outside the band where credit reaches 0
NO_ANSWER = "No answer heard - say your answer out loud, even one sentence"
# An answer the prospect cut in on (their temperament's patience, trainer/data/temperaments.yaml) keeps at most
# this share of the length points: the call itself said it ran long. A judgement, not tuned on data.
CUT_IN_LENGTH_CREDIT = 0.5


@dataclass(frozen=True)
class Component:
    """Points one component earned out of the points it could earn, and what was measured."""

    name: str
    earned: float
    possible: float
    detail: str


@dataclass(frozen=True)
class Reason:
    """Points lost and what to do about it."""

    component: str
    points_lost: float
    text: str


@dataclass(frozen=True)
class ScoreCard:
    """A score 0-100 with its components and the reasons for every point lost."""

    score: int
    components: tuple[Component, ...]
    reasons: tuple[Reason, ...]

    @property
    def points(self) -> float:
        """The unrounded score: the sum of the points earned."""
        return sum(c.earned for c in self.components)

    def as_json(self) -> dict[str, Any]:
        """`score` and `reasons` as in `trainer score --json`, plus points per component."""
        return {
            "score": self.score,
            "reasons": [r.text for r in self.reasons],
            "components": {
                c.name: {"earned": round(c.earned, 1), "possible": round(c.possible, 1)}
                for c in self.components
            },
        }


@dataclass(frozen=True)
class _Part:
    """A component's credit (0-1), what was measured, and its losses as (fraction of the component, reason)."""

    credit: float
    detail: str
    losses: tuple[tuple[float, str], ...] = ()


def band_credit(value: float, low: float, high: float, fade_below: float, fade_above: float) -> float:
    """1 inside [low, high], falling linearly to 0 at `fade_below` under low or `fade_above` over high."""
    if value < low:
        return max(0.0, 1.0 - (low - value) / fade_below) if fade_below > 0 else 0.0
    if value > high:
        return max(0.0, 1.0 - (value - high) / fade_above) if fade_above > 0 else 0.0
    return 1.0


def _lost(credit: float, text: str) -> tuple[tuple[float, str], ...]:
    return ((1.0 - credit, text),) if credit < 1.0 else ()


def missed_move_advice(missed: MoveResult) -> str:
    """What to do about a missed move: the model answer's sentence as an example, to say in the rep's own words."""
    name = missed.move.id.replace("_", " ")
    if missed.model_phrase:
        return f"Missed: {name} - in your own words, like the model answer's \"{missed.model_phrase}\""
    if missed.move.cues:
        return f"Missed: {name} - in your own words, e.g. '{missed.move.cues[0]}'"
    return f"Missed: {name}"


def _rubric(rubric: RubricResult) -> _Part:
    share = 1.0 / len(rubric.moves)
    losses = []
    for missed in rubric.missed:
        losses.append((share, missed_move_advice(missed)))
    covered = len(rubric.moves) - len(rubric.missed)
    return _Part(rubric.coverage or 0.0, f"{covered} of {len(rubric.moves)} moves", tuple(losses))


def _pace(metrics: TurnMetrics, targets: Targets) -> _Part:
    low, high = targets.pace_band
    if metrics.wpm is None:
        return _Part(0.0, "no words", ((1.0, NO_ANSWER),))
    wpm = metrics.wpm
    credit = band_credit(wpm, low, high, PACE_FADE * low, PACE_FADE * high)
    if wpm > high:
        advice = f"You spoke at {wpm:.0f} wpm - slow down to {low:g}-{high:g} wpm and breathe between sentences"
    else:
        advice = f"You spoke at {wpm:.0f} wpm - pick up the pace to {low:g}-{high:g} wpm"
    return _Part(credit, f"{wpm:.0f} wpm (target {low:g}-{high:g})", _lost(credit, advice))


def _latency(metrics: TurnMetrics, targets: Targets, level: int | None) -> _Part | None:
    limit = targets.hesitation_s
    latency = metrics.latency_s
    if latency is None:
        if not metrics.hesitation:
            return None  # no prospect line before the answer
        return _Part(0.0, "did not start", ((1.0, f"You did not start answering - aim to answer within {limit:g} s"),))
    over = metrics.talk_over_s if metrics.talk_over_count else -latency if -latency >= TALK_OVER_GRACE_S else 0.0
    if over > 0 and targets.charges_talk_over(level):
        credit = max(0.0, 1.0 - over / OVERLAP_FADE_S)
        advice = f"You talked over the prospect for {over:.1f} s - let them finish, then answer"
        return _Part(credit, f"{over:.1f} s over the prospect", _lost(credit, advice))
    credit = band_credit(max(latency, 0.0), 0.0, limit, 0.0, limit)
    advice = f"You took {latency:.1f} s to start - aim to answer within {limit:g} s"
    return _Part(credit, f"{latency:.1f} s to start (limit {limit:g} s)", _lost(credit, advice))


def _clean_speech(metrics: TurnMetrics, targets: Targets) -> _Part:
    if metrics.words == 0:
        return _Part(0.0, "no words", ((1.0, NO_ANSWER),))
    limit = targets.fillers_per_min_max
    per_min = metrics.fillers_per_min or 0.0  # words were heard, so there was speech
    filler_credit = band_credit(per_min, 0.0, limit, 0.0, limit)
    hedge_credit = max(0.0, 1.0 - metrics.hedges / HEDGES_TO_ZERO)
    fillers = ", ".join(part for part in (
        _quoted(m.phrase for m in metrics.filler_matches),
        f"{len(metrics.sound_fillers)} held 'uh' or 'um' heard in the sound" if metrics.sound_fillers else "",
    ) if part)
    hedges = _quoted(m.phrase for m in metrics.hedge_matches)
    losses = ()
    if filler_credit < 1.0:
        losses += ((
            (1.0 - filler_credit) / 2,
            f"{metrics.fillers} filler{'s' if metrics.fillers != 1 else ''} ({fillers}) = "
            f"{per_min:.0f}/min - pause silently instead (aim for {limit:g}/min or fewer)",
        ),)
    if hedge_credit < 1.0:
        them = "them" if len(set(m.phrase for m in metrics.hedge_matches)) > 1 else "it"
        losses += (((1.0 - hedge_credit) / 2, f"Hedging ({hedges}) - drop {them} and say it plainly"),)
    detail = f"{per_min:.1f} fillers/min, {metrics.hedges} hedges"
    return _Part((filler_credit + hedge_credit) / 2, detail, losses)


def _quoted(phrases: Iterable[str]) -> str:
    """Distinct phrases in order of appearance, quoted, with "I" capitalised: 'um', 'I guess'."""
    return ", ".join(f"'{_CAPITAL_I.sub('I', p)}'" for p in dict.fromkeys(phrases))


def _length(metrics: TurnMetrics, targets: Targets, cut_in: bool = False) -> _Part:
    talk = metrics.talk_s
    if talk <= 0:
        return _Part(0.0, "no speech", ((1.0, NO_ANSWER),))
    if metrics.airtime_ratio is not None and metrics.model_answer_s:
        low, high = targets.airtime_band
        model = metrics.model_answer_s
        ratio = metrics.airtime_ratio
        length_credit = band_credit(ratio, low, high, low, high)
        if ratio < low:
            length_advice = (f"Your answer lasted {talk:.1f} s, {ratio:.1f}x the model answer - say more "
                             f"(aim for {low * model:.0f}-{high * model:.0f} s)")
        else:
            length_advice = (f"Your answer ran {talk:.0f} s, {ratio:.1f}x the model answer - keep it under "
                             f"{high * model:.0f} s and hand the turn back")
        detail = f"{talk:.1f} s of speech = {ratio:.1f}x the model answer (target {low:g}-{high:g}x)"
    else:
        low, high = targets.answer_length_band_s
        length_credit = band_credit(talk, low, high, low, high)
        if talk < low:
            length_advice = f"Your answer lasted {talk:.1f} s - say more (aim for {low:g}-{high:g} s)"
        else:
            length_advice = f"Your answer ran {talk:.0f} s - keep it under {high:g} s and hand the turn back"
        detail = f"{talk:.1f} s of speech (target {low:g}-{high:g})"
    limit = targets.monologue_limit_s
    monologue = metrics.longest_monologue_s
    monologue_credit = band_credit(monologue, 0.0, limit, 0.0, limit)
    monologue_advice = f"You talked {monologue:.0f} s without a pause - stop within {limit:g} s and check in with a question"
    detail += f", longest run {monologue:.1f} s"
    if cut_in:
        credit = min(length_credit, monologue_credit, CUT_IN_LENGTH_CREDIT)
        advice = (f"The prospect cut in after {monologue:.0f} s of talk without a pause - make your point in one "
                  "breath, ask, then stop")
        return _Part(credit, detail + ", the prospect cut in", _lost(credit, advice))
    if monologue_credit < length_credit:
        return _Part(monologue_credit, detail, _lost(monologue_credit, monologue_advice))
    return _Part(length_credit, detail, _lost(length_credit, length_advice))


def _ask_then_stop(metrics: TurnMetrics, targets: Targets) -> _Part | None:
    after = metrics.ask_then_stop_s
    if after is None:
        return None  # no question asked: the rubric's ask move says so
    limit = targets.ask_then_stop_s
    credit = band_credit(after, 0.0, limit, 0.0, max(limit, 1.0) * ASK_THEN_STOP_FADE)
    advice = (f"You kept talking {after:.1f} s after your last question - ask, then stop and let the "
              f"prospect answer (at most {limit:g} s)")
    return _Part(credit, f"{after:.1f} s after the last question (at most {limit:g} s)", _lost(credit, advice))


def _questions(metrics: TurnMetrics) -> _Part:
    credit = 1.0 if metrics.questions else 0.0
    return _Part(credit, f"{metrics.questions} questions", _lost(credit, "No question asked - ask one to learn why"))


def _weight(targets: Targets, name: str) -> float:
    return float(targets.weights.get(name, 0.0))


def _card(parts: dict[str, tuple[float, _Part]]) -> ScoreCard:
    """Turn weighted parts into points out of 100, reasons merged by text and sorted by points lost."""
    total_weight = sum(weight for weight, _ in parts.values())
    if total_weight <= 0:
        raise ValueError("no scoring component applies: every weight that could apply is zero")
    components = []
    lost: dict[str, Reason] = {}
    for name, (weight, part) in parts.items():
        possible = 100.0 * weight / total_weight
        components.append(Component(name, possible * part.credit, possible, part.detail))
        for fraction, text in part.losses:
            earlier = lost.get(text)  # the same advice from another component: one line, points added
            if earlier:
                lost[text] = Reason(earlier.component, earlier.points_lost + possible * fraction, text)
            else:
                lost[text] = Reason(name, possible * fraction, text)
    reasons = sorted((r for r in lost.values() if r.points_lost > 1e-9), key=lambda r: -r.points_lost)
    return ScoreCard(round(sum(c.earned for c in components)), tuple(components), tuple(reasons))


def score_turn(
    metrics: TurnMetrics, rubric: RubricResult | None, targets: Targets = Targets(), level: int | None = None,
    *, cut_in: bool = False,
) -> ScoreCard:
    """Score one answer 0-100 against the targets; `rubric` is None when the turn has no rubric.

    `level` is the ladder level drilled (talk-over is free from `targets.talk_over_free_from_level`);
    None for a single answer outside a drill. `targets` are expected already at that level.
    `cut_in`: the prospect cut in on the answer (a monologue past their patience): the length
    component keeps at most `CUT_IN_LENGTH_CREDIT` and its advice says so.
    """
    makers: dict[str, Callable[[], _Part | None]] = {
        "rubric": lambda: _rubric(rubric) if rubric is not None and rubric.moves else None,
        "pace": lambda: _pace(metrics, targets),
        "latency": lambda: _latency(metrics, targets, level),
        "clean_speech": lambda: _clean_speech(metrics, targets),
        "length": lambda: _length(metrics, targets, cut_in),
        "ask_then_stop": lambda: _ask_then_stop(metrics, targets),
        "questions": lambda: _questions(metrics),
    }
    parts = {}
    for name in TURN_COMPONENTS:
        weight = _weight(targets, name)
        part = makers[name]() if weight > 0 else None
        if part is not None:
            parts[name] = (weight, part)
    return _card(parts)


def _talk_share(drill: DrillMetrics, targets: Targets) -> _Part | None:
    band = targets.talk_share_band_for(drill.script_talk_share)
    if drill.talk_share is None or band is None:
        return None
    low, high = band
    share = drill.talk_share
    credit = band_credit(share, low, high, TALK_SHARE_FADE, TALK_SHARE_FADE)
    if share > high:
        advice = f"You talked {share:.0f}% of the time - aim for {low:.0f}-{high:.0f}%: ask, then let the prospect talk"
    else:
        advice = f"You talked only {share:.0f}% of the time - aim for {low:.0f}-{high:.0f}%: answer fully before handing back"
    return _Part(credit, f"talk share {share:.0f}% (target {low:.0f}-{high:.0f})", _lost(credit, advice))


def score_drill(turn_cards: Sequence[ScoreCard], drill: DrillMetrics, targets: Targets = Targets()) -> ScoreCard:
    """Score a drill 0-100: the mean of its turn scores (plus its talk share band when the pack weighs it).

    Each turn's reasons are kept (prefixed with the turn number) with the points they
    cost the drill, so the drill's reasons also account for every point lost.
    """
    turns_weight = sum(_weight(targets, name) for name in TURN_COMPONENTS)
    if turn_cards:
        share = 1.0 / len(turn_cards)
        mean = sum(card.points for card in turn_cards) / len(turn_cards) / 100.0
        losses = tuple(
            (share * reason.points_lost / 100.0, f"Turn {number}: {reason.text}")
            for number, card in enumerate(turn_cards, start=1)
            for reason in card.reasons
        )
        turns = _Part(mean, f"mean of {len(turn_cards)} turns", losses)
    else:
        turns = _Part(0.0, "no answers", ((1.0, NO_ANSWER),))
    parts = {"turns": (turns_weight, turns)}
    talk_weight = _weight(targets, TALK_SHARE)
    talk = _talk_share(drill, targets) if talk_weight > 0 else None
    if talk is not None:
        parts[TALK_SHARE] = (talk_weight, talk)
    return _card(parts)
