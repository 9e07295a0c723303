"""One drill run from answer files on a virtual clock, as `trainer drill --answers DIR --fast` runs it: for drill tests.

Import it from any test as `from drill_runs import run_drill` (tests/ is on sys.path).
"""

from __future__ import annotations

from trainer.drill.answer_source import AnswerFiles
from trainer.drill.runner import DrillRunner
from trainer.drill.plan import DrillPlan
from trainer.speech.audio import AudioClock
from trainer.speech.audio_out import FileOutput
from trainer.store.check import check
from trainer.store.db import Store


def run_drill(tmp_path, plan: DrillPlan, engine, answer_paths, *, on_event=None, real_time=False):
    """`plan` answered by the WAVs `answer_paths` through `engine`, stored in a fresh data folder.

    `on_event(event, runner)` sees every event as it comes (e.g. to press Space or stop).
    `real_time`: lines and answers take as long as they last (`trainer drill --answers DIR`).
    Returns (result, the stored drill, the events, the store's health report).
    """
    clock = AudioClock(virtual=not real_time)
    events = []

    def record(event):
        events.append(event)
        if on_event:
            on_event(event, runner)

    with Store() as store:
        store.startup()
        runner = DrillRunner(plan, store=store, engine=engine, audio_in=AnswerFiles(list(answer_paths), clock),
                             audio_out=FileOutput(tmp_path / "played", clock), clock=clock, on_event=record,
                             mode="answers" if real_time else "answers,fast")
        result = runner.run()
        stored = store.drill(result.drill_id)
        report = check(store)
    return result, stored, events, report
