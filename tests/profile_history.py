"""Stored drills with known answer figures (latency, hesitation, hedges) for the profile tests.

The practice pack's price objections exercise "talking-money", its timing objections
"pressing-for-next-step" (by their categories).
"""

from __future__ import annotations

from trainer.store.db import Store


def store_answers(store: Store, objection_id: str, answers, *, level=3, status="finished", suds_before=None,
                  pack_id="practice-demo", prep=None, mode="mic"):
    """A drill of one objection with one scored turn per (latency_s, hedges, score) in `answers` (a latency over
    2 s is a hesitation); `prep` is (prospect_end, answer_due) of every turn; `mode` mic or files. Returns the drill
    id."""
    drill_id = store.start_drill(pack_id, level, pack_version="1.0", suds_before=suds_before, mode=mode)
    for latency, hedges, score in answers:
        handle = store.begin_turn(drill_id, objection_id=objection_id, node_id=objection_id, prospect_line="line")
        ends = {} if prep is None else {"prospect_end": prep[0], "answer_due": prep[1]}
        store.commit_turn(handle.turn_id, transcript="words", words=[], score=score,
                          metrics={"latency_s": latency, "hesitation": latency > 2.0, "hedges": hedges}, **ends)
    store.finish_drill(drill_id, outcome="done", score=None, status=status)
    return drill_id
