"""A small two-category pack and stored drills for the ladder, bank and schedule tests.

The built-in packs are content that changes; these tests need a fixed pack whose
objection ids, categories and levels they can name.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from trainer.core.packs import load_pack_text
from trainer.store.recordings import RecordingWriter

PACK_TEXT = """\
id: practice-demo
title: Practice demo
version: "1.0"
author: Tests
description: Two categories of objections for the practice tests.
language: en
personas:
  - id: dana
    name: Dana Cole
    role: Finance lead at a 50-person agency
    temperament: skeptical
    voice: {{rate: 170}}
objections:
{objections}
"""

OBJECTION = """\
  - id: {id}
    category: {category}
    level: {level}
    persona: dana
    lines: ["{line}", "Honestly? {line}"]
    rubric:
      acknowledge: [fair, i hear you]
      ask: [what would, could you]
    model_answer: Fair point. What would it need to pay back for you?
    tip: Ask what it needs to pay back.
"""

OBJECTIONS = (
    ("too-expensive", "price", 1, "That is too expensive."),
    ("no-budget", "price", 2, "There is no budget left."),
    ("cheaper-elsewhere", "price", 3, "Your competitor is cheaper."),
    ("call-next-quarter", "timing", 1, "Call me next quarter."),
    ("too-busy", "timing", 2, "We are too busy right now."),
)


def pack_text(extra: str = "", objections=OBJECTIONS) -> str:
    """The pack's YAML (with `extra` top-level YAML appended)."""
    body = "".join(OBJECTION.format(id=i, category=c, level=lv, line=line) for i, c, lv, line in objections)
    return PACK_TEXT.format(objections=body.rstrip("\n")) + extra


def demo_pack(extra: str = "", objections=OBJECTIONS):
    """The loaded pack."""
    return load_pack_text(pack_text(extra, objections), "practice-demo.yaml")


def install_pack(data_dir, extra: str = "", objections=OBJECTIONS):
    """Install the pack in the user's packs folder (so `--pack practice-demo` finds it); returns its path."""
    folder = data_dir / "packs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "practice-demo.yaml"
    path.write_text(pack_text(extra, objections), encoding="utf-8")
    return path


def store_drill(store, level, turns, *, pack_id="practice-demo", score=None, hesitations=0, status="finished",
                suds=(None, None), audio=True):
    """A finished drill with `turns` as (objection id, score, transcript, hesitation, node id or None).

    Each turn gets a 0.5 s recording of a constant tone (unless `audio` is false). The drill's
    score defaults to the mean turn score. Returns the drill id.
    """
    drill_id = store.start_drill(pack_id, level, pack_version="1.0", suds_before=suds[0])
    scores = []
    for objection_id, turn_score, transcript, hesitation, node_id in turns:
        handle = store.begin_turn(drill_id, objection_id=objection_id, node_id=node_id or objection_id,
                                  prospect_line="line")
        if audio:
            with RecordingWriter(handle.recording) as writer:
                writer.write(np.full(8000, 1200 + handle.number, dtype=np.int16))
        store.commit_turn(handle.turn_id, transcript=transcript, words=[], score=turn_score,
                          metrics={"hesitation": hesitation})
        scores.append(turn_score)
    if score is None and scores:
        score = sum(scores) / len(scores)
    store.finish_drill(drill_id, outcome="done", score=score, metrics={"hesitations": hesitations}, status=status,
                       suds_after=suds[1])
    return drill_id


class FakeClock:
    """A wall clock for the store that moves one second per reading, and by days on request."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        self.now += timedelta(seconds=1)
        return self.now

    def advance(self, **delta):
        """Move the clock forward (days=1, hours=3 ...)."""
        self.now += timedelta(**delta)


def turn(objection_id, score, transcript="Fair, what would it need to pay back for you?", hesitation=False, node=None):
    """One turn for `store_drill`."""
    return (objection_id, score, transcript, hesitation, node)
