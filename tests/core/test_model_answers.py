"""Every default target is one the packs' own model answers meet (issue 14).

A target no model answer can meet is a broken target: said at a calm 130-160 wpm, the
model answer of every built-in objection and follow-up must land inside the default
airtime band, the pace band and the "ask, then stop" limit, and score 90 or more.
Timing here is synthetic (words spread evenly at the given pace, a short pause after
each sentence, one speech span as the VAD gives for pauses under 0.5 s); the spoken
check with the project's TTS and Whisper is tests/speech/test_model_answers_spoken.py.

Words are given as Whisper writes them (punctuated: a question ends in "?") and, for
the timing targets, as Vosk does (no punctuation: questions found by their openers).
"""

import re

import pytest

from trainer.core.answer import assess_answer
from trainer.core.pack_model import Node, Pack
from trainer.core.packs import discover_packs
from trainer.core.targets import Targets
from trainer.core.transcript import Span, Word

PACES = (130, 140, 150, 160)
SENTENCE_PAUSE_S = 0.3  # under the 0.5 s that splits speech spans
START_S = 0.8  # after the prospect's line ends at 0.0
# Without punctuation a question clause that goes on after a connector ("..., or the app alone?",
# "..., so you have what you need?") reads as a question then a statement: measured on the
# library, 3 of the 207 model answers then show 2.1-3.8 s after their question. Allowed here,
# and only here; a punctuating engine (Whisper) hears all of them stop on time.
UNPUNCTUATED_ASK_THEN_STOP_SLACK = {
    "incumbent-and-competitors/competitor-is-cheaper/no-speech",
    "timing-and-stalls/let-me-think-about-it",
    "timing-and-stalls/dont-call-us",
}


def spoken_evenly(text: str, wpm: float, punctuated: bool = True) -> tuple[list[Word], list[Span]]:
    """`text` said at `wpm` from START_S (pauses included): words evenly spaced, a short pause after each sentence."""
    raw = text.split()
    pauses = sum(1 for word in raw[:-1] if word[-1] in ".?!")
    step = (60.0 * len(raw) / wpm - SENTENCE_PAUSE_S * pauses) / len(raw)
    words, at = [], START_S
    for i, word in enumerate(raw):
        shown = word if punctuated else re.sub(r"[^\w']", "", word).lower()
        words.append(Word(shown, at, at + 0.85 * step))
        at += step
        if word[-1] in ".?!" and i < len(raw) - 1:
            at += SENTENCE_PAUSE_S
    return words, [Span(START_S, at)]


def library() -> list[tuple[str, Pack, int, Node]]:
    """Every built-in node (objection and follow-up) with its pack and its objection's level."""
    nodes = []
    for _, pack in discover_packs():
        if not isinstance(pack, Pack):
            continue
        for objection in pack.objections:
            nodes.append((f"{pack.id}/{objection.id}", pack, objection.level, objection))
            nodes += [(f"{pack.id}/{objection.id}/{key}", pack, objection.level, node)
                      for key, node in objection.follow_ups.items()]
    return nodes


NODES = library()


def misses_a_default_target(metrics, slack_ask_then_stop: bool = False) -> list[str]:
    """The default targets these metrics miss, named."""
    defaults = Targets()
    missed = []
    low, high = defaults.pace_band
    if metrics.wpm is None or not low <= round(metrics.wpm, 1) <= high:
        missed.append(f"pace {metrics.wpm}")
    low, high = defaults.airtime_band
    if metrics.airtime_ratio is None or not low <= metrics.airtime_ratio <= high:
        missed.append(f"airtime {metrics.airtime_ratio}")
    if metrics.ask_then_stop_s is not None and metrics.ask_then_stop_s > defaults.ask_then_stop_s and not slack_ask_then_stop:
        missed.append(f"ask-then-stop {metrics.ask_then_stop_s:.1f} s")
    return missed


def test_the_library_is_all_here():
    assert len(NODES) >= 200


@pytest.mark.parametrize("wpm", PACES)
def test_every_model_answer_meets_every_default_target_and_scores_90(wpm):
    faults = []
    for where, pack, level, node in NODES:
        words, spans = spoken_evenly(node.model_answer, wpm)
        result = assess_answer(words, spans, 0.0, node, pack, prospect_start=-2.5, level=level)
        missed = misses_a_default_target(result.metrics)
        if missed or result.card.score < 90:
            faults.append(f"{where}: {result.card.score}, misses {missed}; {[r.text for r in result.card.reasons]}")
    assert not faults, "\n".join(faults)


@pytest.mark.parametrize("wpm", (130, 160))
def test_model_answers_meet_the_timing_targets_as_an_unpunctuating_engine_hears_them(wpm):
    faults = []
    for where, pack, level, node in NODES:
        words, spans = spoken_evenly(node.model_answer, wpm, punctuated=False)
        result = assess_answer(words, spans, 0.0, node, pack, prospect_start=-2.5, level=level)
        missed = misses_a_default_target(result.metrics, where in UNPUNCTUATED_ASK_THEN_STOP_SLACK)
        if missed:
            faults.append(f"{where}: misses {missed}")
    assert not faults, "\n".join(faults)
