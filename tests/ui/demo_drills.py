"""Real drills for the UI tests and the screenshots: TTS-spoken answers, the real engine, the real store.

`run_drill` runs one drill on a virtual clock (as `trainer drill --fast` does);
`populate` runs a series of them dated over past weeks (the store's clock is moved
back); the runner records their progress (schedule, ladder) and every take it
offers is saved to the bank, so Today, Review, Bank and Progress have a believable
history. Answers come in
three qualities: a model answer said promptly, a hedged one with fillers, and a
late, short, apologetic one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tts_speech import compose

from trainer.drill.answer_source import AnswerFiles
from trainer.core.packs import find_pack
from trainer.drill.runner import DrillRunner
from trainer.drill.plan import plan_drill
from trainer.drill.events import DrillResult
from trainer.speech.audio import AudioClock
from trainer.speech.audio_out import FileOutput
from trainer.store.bank import add_from_turn
from trainer.store.db import Store

WEAK = "Sorry, I just wanted to say, um, maybe we could, I guess, talk about it later."


def answer_parts(quality: str, model_answer: str) -> list:
    """`compose` parts for an answer of this quality ('good', 'hedged' or 'weak') to a line."""
    if quality == "good":
        return [0.6, model_answer, 1.0]
    if quality == "hedged":
        first = model_answer.split(". ")[0].rstrip(".")
        return [1.3, f"Um, well, I guess {first[0].lower()}{first[1:]}, you know.", 1.0]
    return [2.8, WEAK, 1.0]


def write_answers(folder: Path, pack_id: str, objection_id: str, qualities: list[str]) -> list[Path]:
    """One WAV per answer for an objection (each follow-up answered with the objection's model answer)."""
    objection = find_pack(pack_id).objection(objection_id)
    folder.mkdir(parents=True, exist_ok=True)
    return [compose(answer_parts(q, objection.model_answer), folder / f"{n:02d}-{q}.wav").path
            for n, q in enumerate(qualities, 1)]


def run_drill(store: Store, engine, pack_id: str, objection_id: str, level: int, answers: list[Path],
              folder: Path, seed: int = 1) -> DrillResult:
    """One whole drill from answer files on a virtual clock; stored like any drill."""
    plan = plan_drill(find_pack(pack_id), level, objection_id, seed=seed)
    clock = AudioClock(virtual=True)
    runner = DrillRunner(plan, store=store, engine=engine, audio_in=AnswerFiles(answers, clock),
                         audio_out=FileOutput(folder / "played", clock), clock=clock, mode="answers,fast")
    return runner.run()


@dataclass(frozen=True)
class DemoDrill:
    """A drill of the history: what, at which level, how well, how long ago, and the anxiety ratings."""

    pack_id: str
    objection_id: str
    level: int
    qualities: tuple[str, ...]
    days_ago: float
    suds: tuple[int | None, int | None] = (None, None)


HISTORY = (
    DemoDrill("price-and-budget", "more-than-expected", 1, ("weak",), 20, (70, 55)),
    DemoDrill("cold-call-brush-offs", "not-interested", 1, ("hedged",), 18, (65, 50)),
    DemoDrill("price-and-budget", "just-give-me-the-price", 1, ("hedged",), 15, (60, 45)),
    DemoDrill("price-and-budget", "more-than-expected", 1, ("good",), 12, (55, 40)),
    DemoDrill("cold-call-brush-offs", "send-me-an-email", 1, ("good",), 9, (50, 35)),
    DemoDrill("price-and-budget", "half-that", 2, ("hedged",), 6, (55, 40)),
    DemoDrill("price-and-budget", "just-give-me-the-price", 1, ("good",), 3, (40, 30)),
    DemoDrill("price-and-budget", "competitor-is-cheaper", 3, ("good",), 1, (45, 30)),
)


def populate(data_dir: Path, engine, work: Path, history=HISTORY, now: datetime | None = None) -> list[int]:
    """Run `history` into the store in `data_dir`, each drill dated `days_ago` before `now`; returns drill ids."""
    now = now or datetime.now(timezone.utc)
    moment = [now]
    ids = []
    with Store(data_dir, clock=lambda: moment[0]) as store:
        store.startup()
        for n, demo in enumerate(history, 1):
            moment[0] = now - timedelta(days=demo.days_ago)
            folder = work / f"drill-{n:02d}"
            answers = write_answers(folder / "answers", demo.pack_id, demo.objection_id, list(demo.qualities))
            result = run_drill(store, engine, demo.pack_id, demo.objection_id, demo.level, answers, folder, seed=n)
            for offer in result.progress.offers:  # the rep keeps every take offered for the bank
                add_from_turn(store, offer.turn_id, find_pack(demo.pack_id))
            before, after = demo.suds
            if before is not None or after is not None:
                store.rate_suds(result.drill_id, before=before, after=after)
            ids.append(result.drill_id)
    return ids
