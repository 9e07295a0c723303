"""The drill runner: one drill, turn after turn, from the prospect's line to a stored, scored answer.

UI-agnostic: the app and `trainer drill` drive the same `DrillRunner` and follow it
through plain events (`trainer.drill.events`). One turn (docs/design.md "One turn of a
drill"): the prospect's line (rendered ahead, cached) plays while the drill's
input, opened once and kept open, streams to the turn's recording, the endpointer
and the engine (`trainer.drill.turn`); at the end of turn the transcript is
finished, the answer assessed (`assess_answer`, the one scoring path), the
dialogue picks the follow-up from the moves covered, and the next line plays at
once: every line the answer could lead to is rendered while the rep talks. Right
after the next line has started, the turn is committed in one transaction.

An end decided on a pause is a guess (`TurnEnded` SILENCE from the end-of-turn
model): while the next line begins, the runner keeps listening to that answer
(`RepTurn.watch_for_more`). If the rep goes on within `RESUME_WITHIN_S` (1.5 s), the line
stops, the score is taken back (`AnswerDidResume`), the conversation returns to
before the answer, and the turn listens on and is scored again as one answer, with
the stopped line kept (`YieldedLine`). Otherwise the turn is committed then, and the
audio read meanwhile goes to the next turn.

The prospect's temperament acts (`trainer.drill.prospect_acts`): the turn's monologue limit
is the objection's persona's patience at the level (a cut-in ends the turn `CUT_IN`, and an
answer file stops there, as a rep would); after an answer, a cut-in line, a reaction to
hedges or a warm add-on is said before the next line, in one sound with it (after the
last answer, on its own), and stored with the turn it followed.

The answer is due when the line ends, or after the level's preparation time (`prep`
off: `--no-prep`; `skip_prep()`: the rep is ready), or at the end of the line played
again (`repeat_line()`): response latency runs from then, and a turn keeps how many
times its line was repeated.

Time zero is the drill's start on the one `AudioClock` the input and output share
(a virtual clock for `--fast` file runs). Per turn the store keeps the end-of-turn
decision, transcript final, score ready and next audio start times.

`stop()` (any thread) ends the drill cleanly: the answer in progress is kept as a
recoverable recording and the drill is stored as 'abandoned'. So does a fault (a
device, the engine or the disk failing: docs/reliability.md); its TrainerError is
raised again saying what was kept, after a `DrillError` event with that message.
"""

from __future__ import annotations

import copy
import threading
from contextlib import suppress
from dataclasses import dataclass, field, replace

from trainer.drill.answer_source import AnswerFiles
from trainer.core.answer import assess_answer
from trainer.core.bank import PromptHelp
from trainer.core.dialogue import Conversation, Prompt
from trainer.core.errors import TrainerError
from trainer.drill.events import (
    ANSWERS_RAN_OUT,
    STOPPED_BY_REP,
    AnswerDidResume,
    DrillDidFinish,
    DrillDidStart,
    DrillError,
    DrillResult,
    EventCallback,
    LineWillPlay,
    PartialTranscript,
    ProspectActWillPlay,
    RepTurnStarted,
    TurnDidEnd,
    TurnResult,
    TurnScored,
    drill_metrics_json,
)
from trainer.drill.devices import start_devices
from trainer.drill.freed_memory import return_freed_memory
from trainer.drill.lines import ProspectLines
from trainer.drill.plan import DrillPlan, start_conversation
from trainer.drill.prospect_acts import Act, ProspectActs
from trainer.drill.stored import cache_relative, drill_summary, move_marks, relative_path
from trainer.meaning.recogniser import prepare_in_background, shared_recogniser, warm_up_in_background
from trainer.drill.transcriber import Transcriber
from trainer.drill.turn import RepTurn
from trainer.speech.asr import Engine
from trainer.speech.audio import AudioClock
from trainer.speech.audio_in import AudioInput
from trainer.speech.audio_out import AudioOutput, Playback
from trainer.speech.echo import EchoCancellation
from trainer.speech.endpoint import CUT_IN, SILENCE, STOPPED, Endpointer, EndpointSettings, TurnEnded
from trainer.speech.tts import RenderedLine
from trainer.store.bank import help_for
from trainer.store.db import Store
from trainer.store.progress import Progress, record_progress
from trainer.store.recordings import RecordingWriter
from trainer.store.records import ProspectAct, TurnHandle, TurnTimings, YieldedLine

LAST_ACT_STALL_S = 2.0  # a last act (a cut-in after the drill's last answer) not played this long after its length


@dataclass
class _Answer:
    """The latest answer, kept while it may still go on (its end was decided on a pause)."""

    number: int
    prompt: Prompt
    handle: TurnHandle
    turn: RepTurn
    shown: PromptHelp | None
    before: Conversation | None = None  # the conversation before this answer was applied
    yielded: list[YieldedLine] = field(default_factory=list)
    scored: bool = False
    may_go_on: bool = False


@dataclass
class _Scored:
    """A scored turn waiting to be committed once the next line has started."""

    result: TurnResult
    writer: RecordingWriter
    act: Act | None = None  # what the prospect does after it (said before the next line)


class DrillRunner:
    """Runs one drill (`run()` blocks; call it on a worker thread in a UI)."""

    def __init__(
        self,
        plan: DrillPlan,
        *,
        store: Store,
        engine: Engine,
        audio_in: AudioInput,
        audio_out: AudioOutput,
        clock: AudioClock,
        on_event: EventCallback | None = None,
        mode: str = "",
        suds_before: int | None = None,
        echo: EchoCancellation | None = None,
        prep: bool = True,
    ) -> None:
        """Wire a drill; `audio_in` and `audio_out` must run on `clock`. Nothing happens until `run()`.

        `suds_before` is the rep's anxiety rating (0-100) as the drill starts, stored with it.
        `echo` (speakers in the room): every line played is noted there and every chunk read
        is cleaned by it, so the prospect's voice is never heard as the rep's (trainer.speech.echo).
        `prep`: give the level's preparation time after each line (False: answer at once).
        """
        self.plan = plan
        self.store = store
        self.engine = engine
        self.audio_in = audio_in
        self.audio_out = audio_out
        self.clock = clock
        self.mode = mode
        self.suds_before = suds_before
        self.echo = echo
        if echo is not None:
            audio_in.chunk_filter = echo.clean
        self.prep = prep
        self._turn: RepTurn | None = None  # the turn being answered
        self._on_event = on_event or (lambda event: None)
        self._stop = threading.Event()
        self._over = threading.Event()  # run() has returned or raised
        self._lines = ProspectLines(plan)
        self._acts = ProspectActs(plan, self._lines)  # the persona's temperament acting (trainer.drill.prospect_acts)
        self._act: Act | None = None  # the act after the last answer, said before the next line
        self._writer: RecordingWriter | None = None
        self._scored: _Scored | None = None  # the last turn, scored, committed once the next line starts
        self._transcriber: Transcriber | None = None
        self._endpointer: Endpointer | None = None  # the current turn's
        self._results: list[TurnResult] = []
        self.drill_id: int | None = None
        self._t0 = 0.0

    def stop(self) -> None:
        """End the drill cleanly at the next chunk (the rep pressed stop, or Ctrl-C); safe from any thread."""
        self._stop.set()

    def finish_answer(self) -> None:
        """The rep is done answering (Space): end the current turn now, whatever the pause; any thread."""
        endpointer = self._endpointer
        if endpointer is not None:
            endpointer.finish_answer()

    def repeat_line(self) -> bool:
        """Play the current line again (the rep's R; any thread); False before it has been heard.

        The answer is then due at the end of the replay: waiting it out is no hesitation.
        """
        turn = self._turn
        return turn is not None and turn.repeat_line()

    def skip_prep(self) -> None:
        """The rep is ready before the preparation time is over: the answer is due now (any thread)."""
        turn = self._turn
        if turn is not None:
            turn.skip_prep()

    def run(self) -> DrillResult:
        """Run the drill to its end (or a stop) and store it; returns the result. Errors are stored first."""
        pack, rules = self.plan.pack, self.plan.rules
        self._lines.render_first()  # the first line renders while the input starts (if not rendered before)
        # the meaning model loads, and the plan's own move wording is encoded, once the first line is rendered:
        # beside it, it slowed the natural voice's render from ~0.7 s to 2.3-3.3 s (docs/voices.md)
        nodes = [node for objection in self.plan.objections for node in (objection, *objection.follow_ups.values())]
        self._lines.first_line().add_done_callback(lambda _: self._warm_up_meaning(nodes))
        start_devices(self.audio_in, self.audio_out)
        self.drill_id = self.store.start_drill(
            pack.id, rules.level, pack_version=pack.version, engine=self.engine.name, mode=self.mode,
            suds_before=self.suds_before,
        )
        self._t0 = self.clock.now()
        try:
            self._emit(DrillDidStart(self.drill_id, pack.id, rules.level, rules.name,
                                     tuple(o.id for o in self.plan.objections), self.engine.name))
            return self._run()
        except TrainerError as error:
            raise TrainerError(self._abandon(error)) from None
        except BaseException as error:
            self._abandon(error)
            raise
        finally:
            self._over.set()
            self._lines.close()

    def _warm_up_meaning(self, nodes) -> None:
        """Start loading the meaning model, unless the drill was stopped or is over: no answer will be judged."""
        if not (self._stop.is_set() or self._over.is_set()):
            warm_up_in_background(nodes)

    # -- the turns --------------------------------------------------------------------------

    def _run(self) -> DrillResult:
        plan = self.plan
        conversation = start_conversation(plan)
        stop_reason = None
        answer: _Answer | None = None  # the last answer: it may go on as the next line begins
        while (prompt := conversation.current) is not None:
            if self._stop.is_set():
                stop_reason = STOPPED_BY_REP
                break
            if self._answers_ran_out(answer):
                stop_reason = ANSWERS_RAN_OUT
                break
            number = len(self._results) + 1
            rendered = self._lines.render(prompt.objection, prompt.line).result()
            if self._act is not None:  # the prospect's act after the last answer comes first, in one sound
                self._emit_act(self._act, number - 1)
                rendered, self._act = self._acts.spoken_before(self._act, rendered), None
            shown = help_for(self.store, self.plan.pack.id, prompt.objection, self.plan.rules, prompt.node)
            self._emit(LineWillPlay(number, prompt.objection.id, prompt.node.id, self._lines.persona_name(prompt.objection),
                                    prompt.line, rendered.path, shown, rendered.notice))
            opened = self.clock.now()
            playback = self.audio_out.play(rendered.path)
            if self.echo is not None:
                self.echo.line_played(rendered.path, playback)
            pending = []
            if answer is not None and answer.may_go_on:
                went_on = answer.turn.watch_for_more(playback, rendered, opened)
                if went_on is not None:
                    conversation = self._go_on(answer, went_on, prompt.line, playback, rendered)
                    if not answer.scored:
                        stop_reason = STOPPED_BY_REP
                        break
                    continue
                pending = answer.turn.handed_on()
            self._commit_scored(playback.started_at)
            if isinstance(self.audio_in, AnswerFiles) and not self.audio_in.remaining:
                self.audio_out.stop()  # the last answer did not go on after all
                stop_reason = ANSWERS_RAN_OUT
                break
            handle = self.store.begin_turn(
                self.drill_id, objection_id=prompt.objection.id, node_id=prompt.node.id,
                prospect_line=prompt.line, prospect_audio=cache_relative(rendered.path),
            )
            self._writer = RecordingWriter(handle.recording)
            self._emit(RepTurnStarted(number, handle.turn_id, handle.recording, self._drill(opened)))
            self._lines.render_after(prompt, conversation)
            self._acts.render_ahead(prompt.objection)
            self._transcriber = Transcriber(self.engine)
            settings = self._endpoint_settings(prompt.objection)
            self._endpointer = Endpointer(settings)
            turn = RepTurn(
                number, audio_in=self.audio_in, clock=self.clock, drill_start=self._t0,
                endpointer=self._endpointer, writer=self._writer,
                transcriber=self._transcriber, emit=self._emit, stop=self._stop,
                cut_in=settings.monologue_limit_s is not None, prep_s=plan.rules.prep_s if self.prep else 0.0,
            )
            self._turn = turn
            ended = turn.listen(opened, playback, rendered, self.audio_out, pending)
            decided = self.clock.now()
            if ended.reason == CUT_IN and isinstance(self.audio_in, AnswerFiles):
                self.audio_in.stop_answer()  # a rep stops talking when the prospect cuts in
            previous = self._results[-1] if self._results else None
            if previous and previous.timings.next_audio_start is None and playback.started_at is not None:
                # the output learned the line's real start after the previous turn was committed
                previous = self._set_next_audio(previous.number, playback.started_at)
                self.store.record_next_audio_start(previous.turn_id, previous.timings.next_audio_start)
            answer = _Answer(number, prompt, handle, turn, shown)
            self._answered(answer, ended, decided, conversation)
            if not answer.scored:
                stop_reason = STOPPED_BY_REP
                break
        self._commit_scored(self._say_last_act() if stop_reason != STOPPED_BY_REP else None)
        return self._finish(conversation, stop_reason)

    def _say_last_act(self) -> float | None:
        """The prospect's act after the drill's last answer, played on its own; when it started (clock)."""
        act, self._act = self._act, None
        if act is None:
            return None
        rendered = self._acts.rendered(act)
        self._emit_act(act, len(self._results))
        playback = self.audio_out.play(rendered.path)
        if self.echo is not None:
            self.echo.line_played(rendered.path, playback)
        playback.wait(rendered.duration_s + LAST_ACT_STALL_S)
        return playback.started_at

    def _emit_act(self, act: Act, turn: int) -> None:
        self._emit(ProspectActWillPlay(turn, self._lines.persona_name(act.objection), act.kind, act.line))

    def _answered(self, answer: _Answer, ended: TurnEnded, decided: float, conversation: Conversation) -> None:
        """The turn has ended: score the answer and let the dialogue choose what follows (not if stopped)."""
        turn, number, prompt, plan = answer.turn, answer.number, answer.prompt, self.plan
        self._emit(TurnDidEnd(number, ended.reason, self._drill(ended.at), self._drill(decided),
                              None if ended.speech_end is None else self._drill(ended.speech_end),
                              turn.endpointer.barge_ins, ended.why))
        if ended.reason == STOPPED:
            self._transcriber.abandon()
            self._writer.close()  # kept: finish_drill marks the turn 'recovered'
            return
        heard = turn.hear()
        transcript_final = self.clock.now()
        line_end = self._drill(turn.line_end)
        due = None if turn.answer_due is None else self._drill(turn.answer_due)
        assessment = assess_answer(heard.transcript.words, heard.spans, line_end, prompt.node, plan.pack,
                                   prospect_start=self._drill(turn.line_start), level=plan.rules.level,
                                   recogniser=shared_recogniser(), answer_from=due, cut_in=ended.reason == CUT_IN,
                                   filled_pauses=heard.filled_pauses)
        covered = assessment.rubric.covered
        objections_done = len(conversation.outcomes)
        answer.before = copy.deepcopy(conversation, {id(o): o for o in plan.objections})  # if the answer goes on
        following = conversation.answer(covered)
        ended_objection = len(conversation.outcomes) > objections_done
        result = TurnResult(
            number=number, turn_id=answer.handle.turn_id, objection_id=prompt.objection.id, node_id=prompt.node.id,
            line=prompt.line, prospect_start=self._drill(turn.line_start), prospect_end=line_end,
            rep_start=self._drill(turn.audio_start), rep_end=self._drill(turn.audio_end),
            transcript=heard.transcript.text, words=tuple(heard.transcript.words), spans=tuple(heard.spans),
            filled_pauses=heard.filled_pauses,
            assessment=assessment, covered=covered, end_reason=ended.reason,
            barge_ins=turn.endpointer.barge_ins,
            next_node=None if ended_objection or following is None else following.node.id,
            outcome=conversation.outcomes[-1][1] if ended_objection else None,
            recording=answer.handle.recording, answer_file=turn.answer_file,
            timings=TurnTimings(self._drill(decided), self._drill(transcript_final),
                                self._drill(self.clock.now()),
                                speech_end=None if ended.speech_end is None else self._drill(ended.speech_end)),
            help=answer.shown, yielded=tuple(answer.yielded), repeats=turn.repeats, answer_due=due,
        )
        self._results.append(result)
        self._emit(TurnScored(result))
        self._act = self._acts.act_after(prompt.objection, ended.reason, assessment)
        self._scored = _Scored(result, self._writer, self._act)
        answer.scored = True
        answer.may_go_on = ended.reason == SILENCE and plan.endpoint_ms is None  # the model guessed the end

    def _go_on(self, answer: _Answer, went_on: tuple[float, float], line: str, playback: Playback,
               rendered: RenderedLine) -> Conversation:
        """The rep went on with the last answer as the next line began: stop the line, take the answer's
        score back and listen to the rest of it; scored again as one answer. The conversation as it was."""
        self.audio_out.stop()
        spoke_at, heard_at = (self._drill(t) for t in went_on)
        line_start = None if playback.started_at is None else self._drill(playback.started_at + rendered.speech_start_s)
        yielded = YieldedLine(line, heard_at if line_start is None else min(line_start, heard_at), heard_at)
        answer.yielded.append(yielded)
        self._scored = None  # not stored: the turn's row stays 'recording' and its recording open
        self._results.pop()
        answer.scored = answer.may_go_on = False
        self._emit(AnswerDidResume(answer.number, spoke_at, yielded))
        self._turn = answer.turn
        self._transcriber = Transcriber(self.engine)
        ended = answer.turn.go_on(self._transcriber)
        decided = self.clock.now()
        conversation = answer.before
        self._answered(answer, ended, decided, conversation)
        return conversation

    def _answers_ran_out(self, answer: _Answer | None) -> bool:
        """Answer files: none left to play, and the last one has no speech left that could go on with its answer."""
        if not isinstance(self.audio_in, AnswerFiles) or self.audio_in.remaining:
            return False
        return not (answer is not None and answer.may_go_on and self.audio_in.speech_ahead)

    def _commit_scored(self, next_audio_start: float | None) -> None:
        """Make the scored turn's recording durable, then store its result in one transaction."""
        scored, self._scored = self._scored, None
        if scored is None:
            return
        result = scored.result
        if next_audio_start is not None:
            result = self._set_next_audio(result.number, next_audio_start)
        if scored.act is not None:
            result = self._results[result.number - 1] = replace(
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
        result = self._results[number - 1]
        updated = replace(result, timings=replace(result.timings, next_audio_start=self._drill(started_at)))
        self._results[number - 1] = updated
        return updated

    def _finish(self, conversation: Conversation, stop_reason: str | None) -> DrillResult:
        pack = self.plan.pack
        metrics, card = drill_summary(self._results, pack, self.plan.rules.level)
        status = "finished" if conversation.finished else "abandoned"
        self.store.finish_drill(
            self.drill_id, outcome=conversation.outcome, score=card.score if card else None,
            metrics=drill_metrics_json(metrics) | {"repeats": sum(r.repeats for r in self._results)}, status=status,
        )
        result = DrillResult(
            self.drill_id, pack.id, self.plan.rules.level, status, conversation.outcome,
            tuple(conversation.outcomes), stop_reason, card, metrics, tuple(self._results), self._progress(),
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

    def _abandon(self, error: BaseException) -> str:
        """After an error: keep what was recorded and close the drill as 'abandoned' if the store still works.

        Returns the error's message followed by what became of the drill and the answer in progress.
        """
        if self._transcriber is not None:
            self._transcriber.abandon()
        with suppress(TrainerError):  # an error before the next line started: the scored turn is stored as scored
            self._commit_scored(None)
        answer = None
        if self._writer is not None and not self._writer.closed:  # a turn was being recorded
            answer = self._writer
            with suppress(TrainerError):
                self._writer.close()
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

    # -- plumbing ---------------------------------------------------------------------------

    def _endpoint_settings(self, objection) -> EndpointSettings:
        """The turn's end-of-turn settings; the monologue limit is the objection's prospect's (their temperament)."""
        rules = self.plan.rules
        return EndpointSettings(
            endpoint_ms=self.plan.endpoint_ms,
            patience_s=rules.patience_s,
            answer_window_s=rules.answer_window_s,
            monologue_limit_s=self._acts.cut_in_after_s(objection),
        )

    def _emit(self, event) -> None:
        if isinstance(event, PartialTranscript):
            prepare_in_background(event.text)  # the moves are judged sooner when the answer ends
        self._on_event(event)

    def _drill(self, clock_time: float) -> float:
        return clock_time - self._t0
