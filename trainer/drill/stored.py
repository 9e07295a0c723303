"""The drill runner's storing side: one drill as it is written to the Store while it runs, and the forms it is kept in.

`StoredDrill` writes each turn as it begins, commits each scored turn in one
transaction once the next line has started (so an answer the rep goes on with can
still be taken back), and closes the drill as finished (with its metrics, score and
progress) or, after a stop or a fault, as abandoned, saying what was kept
(docs/reliability.md). The functions below it give the forms the store keeps: moves
as word numbers, paths relative to their folder, the whole drill's metrics and score.

The runner (`trainer.drill.runner`) owns the turns as they happen; this module owns
what becomes of them on disk.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

from trainer.core import paths
from trainer.core.dialogue import Conversation, Prompt
from trainer.core.errors import TrainerError
from trainer.core.lexicon import lexicon_for
from trainer.core.metrics import DrillMetrics, drill_metrics
from trainer.core.pack_model import Pack
from trainer.core.rubric import RubricResult
from trainer.core.scoring import ScoreCard, score_drill
from trainer.core.transcript import PROSPECT, REP, Turn
from trainer.drill.events import DrillDidFinish, DrillError, DrillResult, TurnResult, drill_metrics_json
from trainer.drill.freed_memory import return_freed_memory
from trainer.drill.plan import DrillPlan
from trainer.drill.prospect_acts import Act
from trainer.store.db import Store
from trainer.store.progress import Progress, record_progress
from trainer.store.recordings import RecordingWriter
from trainer.store.records import MoveMark, ProspectAct, TurnHandle


@dataclass
class _Scored:
    """A scored turn waiting to be committed once the next line has started."""

    result: TurnResult
    writer: RecordingWriter
    act: Act | None = None  # what the prospect does after it (said before the next line)


class StoredDrill:
    """One drill's rows in the Store as it runs; `results` are its scored turns so far, in order.

    Times given to it are clock times; it stores them on the drill's clock (`drill_start` is zero).
    """

    def __init__(self, store: Store, plan: DrillPlan, drill_id: int, drill_start: float,
                 emit: Callable[[object], None]) -> None:
        """`drill_id`: the drill `store.start_drill` recorded; `emit` reports DrillDidFinish and DrillError."""
        self.store = store
        self.plan = plan
        self.drill_id = drill_id
        self.results: list[TurnResult] = []
        self._t0 = drill_start
        self._emit = emit
        self._scored: _Scored | None = None  # the last turn, scored, committed once the next line starts

    def begin_turn(self, prompt: Prompt, line_audio: Path) -> TurnHandle:
        """Store a turn as its line is about to be answered; the handle says where its recording goes."""
        return self.store.begin_turn(
            self.drill_id, objection_id=prompt.objection.id, node_id=prompt.node.id,
            prospect_line=prompt.line, prospect_audio=cache_relative(line_audio),
        )

    def hold(self, result: TurnResult, writer: RecordingWriter, act: Act | None) -> None:
        """A turn is scored: keep it, to be committed (with its recording and the prospect's act after it) by
        `commit_scored` once the next line has started."""
        self.results.append(result)
        self._scored = _Scored(result, writer, act)

    def take_back(self) -> None:
        """The rep went on with the last answer: its score is dropped unstored (the turn's row stays 'recording'
        and its recording open, to be scored again as one answer)."""
        self._scored = None
        self.results.pop()

    def line_started_late(self, started_at: float | None) -> None:
        """The output learned when the last line really started (clock time) after the turn before it was
        committed: note it in that turn's result and row."""
        previous = self.results[-1] if self.results else None
        if previous and previous.timings.next_audio_start is None and started_at is not None:
            previous = self._set_next_audio(previous.number, started_at)
            self.store.record_next_audio_start(previous.turn_id, previous.timings.next_audio_start)

    def commit_scored(self, next_audio_start: float | None) -> None:
        """Make the scored turn's recording durable, then store its result in one transaction.

        `next_audio_start`: when the next line started (clock time), if known yet.
        """
        scored, self._scored = self._scored, None
        if scored is None:
            return
        result = scored.result
        if next_audio_start is not None:
            result = self._set_next_audio(result.number, next_audio_start)
        if scored.act is not None:
            result = self.results[result.number - 1] = replace(
                result, acts=(ProspectAct(scored.act.kind, scored.act.line, result.timings.next_audio_start),))
        scored.writer.close()
        a = result.assessment
        self.store.commit_turn(
            result.turn_id, transcript=result.transcript, words=result.words,
            score=a.card.score if a.card else None, reasons=a.card.reasons if a.card else (),
            components=a.card.as_json()["components"] if a.card else None, metrics=a.metrics.as_json(),
            covered=result.covered, moves=move_marks(a.rubric), rubric_method=a.rubric.method if a.rubric else None,
            rep_start=result.rep_start, rep_end=result.rep_end,
            prospect_start=result.prospect_start, prospect_end=result.prospect_end, timings=result.timings,
            yielded=result.yielded, repeats=result.repeats, answer_due=result.answer_due,
            acts=result.acts,
        )
        return_freed_memory()

    def _set_next_audio(self, number: int, started_at: float) -> TurnResult:
        """Note in turn `number`'s result when the prospect's next line started (clock time)."""
        result = self.results[number - 1]
        updated = replace(result, timings=replace(result.timings, next_audio_start=started_at - self._t0))
        self.results[number - 1] = updated
        return updated

    def finish(self, conversation: Conversation, stop_reason: str | None) -> DrillResult:
        """Store the drill's end ('finished' when the conversation finished, else 'abandoned') with its metrics and
        score, then its progress; reports and returns the result."""
        pack = self.plan.pack
        metrics, card = drill_summary(self.results, pack, self.plan.rules.level)
        status = "finished" if conversation.finished else "abandoned"
        self.store.finish_drill(
            self.drill_id, outcome=conversation.outcome, score=card.score if card else None,
            metrics=drill_metrics_json(metrics) | {"repeats": sum(r.repeats for r in self.results)}, status=status,
        )
        result = DrillResult(
            self.drill_id, pack.id, self.plan.rules.level, status, conversation.outcome,
            tuple(conversation.outcomes), stop_reason, card, metrics, tuple(self.results), self._progress(),
        )
        self._emit(DrillDidFinish(result))
        return result

    def _progress(self) -> Progress | None:
        """Schedule, ladder and bank offers after the stored drill; an error here leaves the drill as stored."""
        try:
            return record_progress(self.store, self.plan.pack, self.drill_id)
        except TrainerError as error:
            self._emit(DrillError(f"drill {self.drill_id} is stored, but its progress was not: {error}"))
            return None

    def abandon(self, error: BaseException, recording: RecordingWriter | None) -> str:
        """After an error: keep what was recorded and close the drill as 'abandoned' if the store still works.

        `recording`: the latest turn's recording, kept as a recoverable one if it is still being written.
        Returns the error's message followed by what became of the drill and the answer in progress.
        """
        with suppress(TrainerError):  # an error before the next line started: the scored turn is stored as scored
            self.commit_scored(None)
        answer = None
        if recording is not None and not recording.closed:  # a turn was being recorded
            answer = recording
            with suppress(TrainerError):
                recording.close()
        try:
            self.store.finish_drill(self.drill_id, outcome=None, status="abandoned")
            told = [f"drill {self.drill_id} is stored as abandoned"]
        except TrainerError:  # a full disk: the next start recovers the drill (its lock dies with us)
            told = [f"drill {self.drill_id} will be closed as abandoned the next time RepDrill starts"]
        if answer is not None and answer.frames:
            told.append(f"the turn's audio so far ({answer.duration:.1f} s) is kept as a recoverable recording, "
                        f"{relative_path(answer.path, self.store.data_dir)} (`trainer db check` lists it)")
        message = f"{error}; {' and '.join(told)}"
        if isinstance(error, TrainerError):
            self._emit(DrillError(message))
        return message


def drill_summary(results: Sequence[TurnResult], pack: Pack, level: int) -> tuple[DrillMetrics, ScoreCard | None]:
    """The drill's metrics over all its turns (the prospect's and the rep's) and its score (None: nothing scored)."""
    turns: list[Turn] = []
    for r in results:
        turns.append(Turn(PROSPECT, r.prospect_start, r.prospect_end, r.line))
        turns.append(Turn(REP, r.rep_start, r.rep_end, r.transcript, r.words, r.spans, r.filled_pauses))
    targets = pack.targets.at_level(level)
    metrics = drill_metrics(turns, lexicon_for(pack.lexicon, pack.source or pack.id), targets.hesitation_s,
                            [r.assessment.metrics.model_answer_s for r in results], [r.answer_due for r in results])
    cards = [r.assessment.card for r in results if r.assessment.card is not None]
    return metrics, score_drill(cards, metrics, targets) if cards else None


def move_marks(rubric: RubricResult | None) -> tuple[MoveMark, ...]:
    """A rubric result as stored: each move, covered or not, with its evidence as 1-based word numbers."""
    if rubric is None:
        return ()
    return tuple(
        MoveMark(m.move.id, m.covered, *((m.word_range.start + 1, m.word_range.stop) if m.word_range else (None, None)))
        for m in rubric.moves
    )


def relative_path(path: Path, folder: Path) -> str:
    """A stored file's path relative to `folder` (posix) when it is inside it, else absolute."""
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)


def cache_relative(path: Path) -> str:
    """A rendered line's path as stored: relative to the cache folder (rebuildable), else absolute."""
    return relative_path(path, paths.cache_dir())
