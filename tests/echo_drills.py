"""Drills from answer files with the speakers simulated in the room: for the echo tests and bench/echo.py.

Import it as `from echo_drills import echo_drill, prospect_words_heard` (tests/ is on
sys.path). A drill runs on a virtual clock as `trainer drill --answers DIR --fast
--echo-sim DB:MS` does: the prospect's lines mixed into the answer files through the
simulated room (`trainer.drill.echo_sim`), and the drill's echo cancellation on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

from rapidfuzz.distance import Levenshtein

from trainer.drill.runner import DrillRunner
from trainer.drill.events import DrillResult
from trainer.drill.plan import DrillPlan
from trainer.drill.echo_sim import EchoedAnswers, RoomEcho
from trainer.speech.audio import AudioClock
from trainer.speech.audio_out import FileOutput
from trainer.speech.echo import EchoCancellation
from trainer.speech.played_audio import PlayedAudio
from trainer.store.db import Store


def echo_drill(folder: Path, plan: DrillPlan, engine, answers: Sequence[Path], echo: RoomEcho | None,
               *, talk_over_s: float = 0.0, on_event=None) -> tuple[DrillResult, EchoCancellation | None]:
    """Run `plan` answered by `answers`, with the room's `echo` (None: headphones, no echo, no canceller).

    `talk_over_s`: each answer starts that long before the prospect's line ends (a barge-in);
    `on_event` gets the drill's events.
    """
    clock = AudioClock(virtual=True)
    played = PlayedAudio()
    audio_in = EchoedAnswers(list(answers), echo, played, clock, talk_over_s=talk_over_s)
    cancellation = EchoCancellation.start(played) if echo is not None else None
    with Store() as store:
        store.startup()
        runner = DrillRunner(plan, store=store, engine=engine, audio_in=audio_in,
                             audio_out=FileOutput(folder / "played", clock), clock=clock, echo=cancellation,
                             mode="answers,fast", on_event=on_event or (lambda event: None))
        return runner.run(), cancellation


def words(text: str) -> list[str]:
    """Lower-case words of a transcript or script line."""
    return re.findall(r"[a-z]+", text.lower())  # "it's" is "it" and "s": Whisper writes either


def prospect_words_heard(result: DrillResult, scripts: Sequence[str]) -> list[str]:
    """Words of each turn's prospect line found in the rep's transcript but not in what the rep said (`scripts`)."""
    found = []
    for turn, script in zip(result.turns, scripts):
        said = set(words(script))
        only_prospect = set(words(turn.line)) - said
        found += [w for w in words(turn.transcript) if w in only_prospect]
    return found


def words_kept(transcript: str, script: str) -> int:
    """How many of the words said (`script`) the transcript holds, in order (aligned by word edit distance)."""
    said = words(script)
    return sum(op.src_end - op.src_start for op in Levenshtein.opcodes(said, words(transcript)) if op.tag == "equal")
