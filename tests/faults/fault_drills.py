"""What the fault tests share: answer files, a drill run that records its events, and the store's health.

Every fault test checks the same promises (docs/reliability.md): the error is one clear
line (the CLI prints it as `trainer: error: ...`) and reaches the app as a `DrillError`
event; the answer in progress is kept as a recoverable recording; the drill ends
cleanly as 'abandoned'; the database passes SQLite's integrity check and `trainer db check`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import soundfile
from tts_speech import Speech, compose

from trainer.core.errors import TrainerError
from trainer.drill.runner import DrillRunner
from trainer.drill.plan import plan_drill
from trainer.drill.events import DrillError, DrillResult
from trainer.speech.audio import AudioClock
from trainer.store.check import check
from trainer.store.db import DATABASE_NAME, Store

OBJECTION = "more-than-expected"
ASKS = "I understand, it's a real number for three shops. Can I ask what you had in mind?"
SHORT_ASK = "Can I ask what you had in mind?"
LONG_ANSWER = ("That makes sense. Most owners I talk to felt the same way at first, and then they counted "
               "the hours they spend on the schedule every Sunday night.")


def answers(folder: Path, *texts: str, lead: float = 0.6, tail: float = 1.0) -> list[Speech]:
    """One WAV per answer: `lead` s of silence (the response latency), the text, `tail` s of silence."""
    folder.mkdir(parents=True, exist_ok=True)
    return [compose([lead, text, tail], folder / f"{n:02d}.wav") for n, text in enumerate(texts, 1)]


@dataclass
class FaultRun:
    """A drill that was expected to fail: the error it raised and every event it sent."""

    error: TrainerError | None = None
    result: DrillResult | None = None
    events: list = field(default_factory=list)
    drill_id: int | None = None

    @property
    def error_events(self) -> list[str]:
        """The messages of the `error` events (what the app shows)."""
        return [e.message for e in self.events if isinstance(e, DrillError)]


def run_drill(store: Store, engine, audio_in, audio_out, clock: AudioClock, pack, *, on_event=None,
              level: int = 4) -> FaultRun:
    """Run one drill of the objection at `level`, catching the TrainerError a fault raises."""
    run = FaultRun()

    def record(event) -> None:
        run.events.append(event)
        if on_event is not None:
            on_event(event)

    runner = DrillRunner(plan_drill(pack, level, OBJECTION, seed=1), store=store, engine=engine, audio_in=audio_in,
                         audio_out=audio_out, clock=clock, on_event=record, mode="fault test")
    try:
        run.result = runner.run()
    except TrainerError as error:
        run.error = error
    run.drill_id = runner.drill_id
    return run


def integrity(data_dir: Path) -> str:
    """SQLite's own verdict on the database file, from a fresh connection."""
    connection = sqlite3.connect(Path(data_dir) / DATABASE_NAME)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def assert_kept_and_consistent(store: Store, run: FaultRun, statuses: list[tuple[int, str]]) -> Path:
    """The drill is abandoned with these turn statuses, the database is sound; returns the kept recording."""
    assert run.error is not None, "the fault did not stop the drill"
    assert run.error_events == [str(run.error)], "the app is not told what the CLI prints"
    assert "\n" not in str(run.error)
    drill = store.drill(run.drill_id)
    assert drill.status == "abandoned"
    assert [(t.number, t.status) for t in drill.turns] == statuses
    assert integrity(store.data_dir) == "ok"
    report = check(store)
    assert report.ok, report.lines()
    kept = drill.turns[-1]
    assert [(t.drill_id, t.turn_number) for t in report.recovered_turns] == [(run.drill_id, kept.number)]
    assert kept.recording is not None and kept.recording.exists()
    assert soundfile.info(str(kept.recording)).samplerate == 16_000
    return kept.recording
