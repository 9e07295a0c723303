"""The drill runner: one drill, turn after turn, from the prospect's line to a stored, scored answer.

UI-agnostic: the app and `trainer drill` drive the same `DrillRunner` and follow it
through plain events (`trainer.drill.events`). One turn (docs/design.md "One turn of a
drill"): the prospect's line (rendered ahead, cached) plays while the drill's
input, opened once and kept open, streams to the turn's recording, the endpointer
and the engine (`trainer.drill.turn`); at the end of turn the transcript is
finished, the answer assessed (`assess_answer`, the one scoring path), the
dialogue picks the follow-up from the moves covered, and the next line plays at
once: every line the answer could lead to is rendered while the rep talks. With a
streaming engine (Vosk) the follow-up is chosen from the words heard at the end and
its line started before the final result, which then scores the turn
(`trainer.drill.early_branch`: what happens when the two lead different ways). Right
after the next line has started, the turn is committed in one transaction.

An end decided on a pause is a guess (`TurnEnded` SILENCE from the end-of-turn
model): while the next line begins, the runner keeps listening to that answer
(`RepTurn.watch_for_more`). If the rep goes on within `RESUME_WITHIN_S` (1.5 s), the line
stops, the score is taken back (`AnswerDidResume`), the conversation returns to
before the answer, and the turn listens on and is scored again as one answer, with
the stopped line kept (`YieldedLine`). Otherwise the turn is committed then, and the
audio read meanwhile goes to the next turn. After the drill's last answer no line follows, yet the runner
listens as long before it ends the drill: a rep who goes on is heard out and scored once, whole.

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
What is written to the store, and when, is `trainer.drill.stored.StoredDrill`'s.
"""

from __future__ import annotations

import copy
import threading

from trainer.drill.answer_source import AnswerFiles
from trainer.core import turn_end
from trainer.core.answer import assess_answer
from trainer.core.dialogue import Conversation
from trainer.core.errors import TrainerError
from trainer.drill.events import (
    ANSWERS_RAN_OUT,
    STOPPED_BY_REP,
    AnswerDidResume,
    BranchDidDiffer,
    DrillDidStart,
    DrillResult,
    EventCallback,
    LineWillPlay,
    PartialTranscript,
    ProspectActWillPlay,
    RepTurnStarted,
    TurnDidEnd,
    TurnScored,
)
from trainer.drill.answered import Answer, turn_result
from trainer.drill.devices import start_devices
from trainer.drill.early_branch import branch_of, so_far_assessment, switch_to_final
from trainer.drill.lines import ProspectLines
from trainer.drill.plan import DrillPlan, start_conversation
from trainer.drill.prospect_acts import Act, ProspectActs
from trainer.drill.stored import StoredDrill
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
from trainer.store.recordings import RecordingWriter
from trainer.store.records import YieldedLine

LAST_ACT_STALL_S = 2.0  # a last act (a cut-in after the drill's last answer) not played this long after its length


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
        self._stored: StoredDrill | None = None  # the drill's rows, its scored turns (trainer.drill.stored)
        self._transcriber: Transcriber | None = None
        self._endpointer: Endpointer | None = None  # the current turn's
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
        turn_end.load_rules()  # while it renders: not at the first answer's end
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
        self._stored = StoredDrill(self.store, self.plan, self.drill_id, self._t0, self._emit)
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
        answer: Answer | None = None  # the last answer: it may go on as the next line begins
        while True:
            if answer is not None and answer.early is not None and (
                    conversation.current is None or self._stop.is_set() or self._answers_ran_out(answer)):
                conversation, _ = self._score(answer, conversation)  # no line is playing: the final words decide
            if (prompt := conversation.current) is None:
                if answer is not None and answer.may_go_on:  # no line follows: the rep may still go on
                    went_on = answer.turn.watch_for_more(None, None, self.clock.now())
                    if went_on is not None:
                        conversation = self._go_on(answer, went_on)
                        if answer.stopped:
                            stop_reason = STOPPED_BY_REP
                            break
                        continue
                break
            if self._stop.is_set():
                stop_reason = STOPPED_BY_REP
                break
            if self._answers_ran_out(answer):
                stop_reason = ANSWERS_RAN_OUT
                break
            number = 1 if answer is None else answer.number + 1
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
            if answer is not None and answer.early is not None:  # the line is on its way: now the final words
                conversation, switched = self._score(answer, conversation, playback, rendered)
                if switched:
                    continue  # the final words' line plays instead
            pending = []
            if answer is not None and answer.may_go_on:
                went_on = answer.turn.watch_for_more(playback, rendered, opened)
                if went_on is not None:
                    conversation = self._go_on(answer, went_on, prompt.line, playback, rendered)
                    if answer.stopped:
                        stop_reason = STOPPED_BY_REP
                        break
                    continue
                pending = answer.turn.handed_on()
            self._stored.commit_scored(playback.started_at)
            if isinstance(self.audio_in, AnswerFiles) and not self.audio_in.remaining:
                self.audio_out.stop()  # the last answer did not go on after all
                stop_reason = ANSWERS_RAN_OUT
                break
            handle = self._stored.begin_turn(prompt, rendered.path)
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
            self._stored.line_started_late(playback.started_at)
            answer = Answer(number, prompt, handle, turn, shown)
            conversation = self._answered(answer, ended, decided, conversation)
            if answer.stopped:
                stop_reason = STOPPED_BY_REP
                break
        self._stored.commit_scored(self._say_last_act() if stop_reason != STOPPED_BY_REP else None)
        return self._stored.finish(conversation, stop_reason)

    def _say_last_act(self) -> float | None:
        """The prospect's act after the drill's last answer, played on its own; when it started (clock)."""
        act, self._act = self._act, None
        if act is None:
            return None
        rendered = self._acts.rendered(act)
        self._emit_act(act, len(self._stored.results))
        playback = self.audio_out.play(rendered.path)
        if self.echo is not None:
            self.echo.line_played(rendered.path, playback)
        playback.wait(rendered.duration_s + LAST_ACT_STALL_S)
        return playback.started_at

    def _emit_act(self, act: Act, turn: int) -> None:
        self._emit(ProspectActWillPlay(turn, self._lines.persona_name(act.objection), act.kind, act.line))

    def _answered(self, answer: Answer, ended: TurnEnded, decided: float, conversation: Conversation) -> Conversation:
        """The turn has ended: the dialogue takes its branch (not if stopped); returns the conversation to go on with.
        With a streaming engine (Vosk) the branch comes from the words heard by now and the turn is scored once
        the next line has started (`_score`, trainer.drill.early_branch); with Whisper, whose final pass was
        started in the pause, at once."""
        turn, plan = answer.turn, self.plan
        self._emit(TurnDidEnd(answer.number, ended.reason, self._drill(ended.at), self._drill(decided),
                              None if ended.speech_end is None else self._drill(ended.speech_end),
                              turn.endpointer.barge_ins, ended.why))
        if ended.reason == STOPPED:
            self._transcriber.abandon()
            self._writer.close()  # kept: finish_drill marks the turn 'recovered'
            answer.stopped = True
            return conversation
        answer.ended, answer.decided = ended, decided
        answer.before = copy.deepcopy(conversation, {id(o): o for o in plan.objections})  # if the answer goes on
        answer.may_go_on = ended.reason == SILENCE and plan.endpoint_ms is None  # the model guessed the end
        if not self._transcriber.streams_words:
            return self._score(answer, conversation)[0]
        so_far = so_far_assessment(turn.words_so_far(), **self._assessing(answer))
        self._act = self._acts.act_after(answer.prompt.objection, ended.reason, so_far)
        conversation.answer(so_far.rubric.covered)
        answer.early = branch_of(conversation, self._act, len(answer.before.outcomes))
        if self.clock.virtual:  # an instant engine: the final words are in before the next line starts
            return self._score(answer, conversation)[0]
        return conversation

    def _assessing(self, answer: Answer) -> dict:
        """What `assess_answer` needs besides the words, for this answer."""
        plan = self.plan
        return dict(node=answer.prompt.node, pack=plan.pack, level=plan.rules.level, recogniser=shared_recogniser(),
                    cut_in=answer.ended.reason == CUT_IN)

    def _score(self, answer: Answer, conversation: Conversation, playback: Playback | None = None,
               rendered: RenderedLine | None = None) -> tuple[Conversation, bool]:
        """Score the answer on the final words, and the dialogue's branch with them, unless one was taken from
        the words at the end (`answer.early`) and the line it chose has played `SWITCH_WITHIN_S` (then it is
        kept). Returns the conversation to go on with, and whether the line playing was stopped for another."""
        turn, prompt, plan = answer.turn, answer.prompt, self.plan
        heard = turn.hear()
        transcript_final = self.clock.now()
        due = None if turn.answer_due is None else self._drill(turn.answer_due)
        assessment = assess_answer(heard.transcript.words, heard.spans, self._drill(turn.line_end), answer_from=due,
                                   prospect_start=self._drill(turn.line_start), filled_pauses=heard.filled_pauses,
                                   **self._assessing(answer))
        covered = assessment.rubric.covered
        act = self._acts.act_after(prompt.objection, answer.ended.reason, assessment)
        early, answer.early, switched = answer.early, None, False
        # Without an early branch `conversation` has not taken this answer yet; with one, it took the partial's moves.
        final = conversation if early is None else copy.deepcopy(answer.before, {id(o): o for o in plan.objections})
        final.answer(covered)
        objections_done = len(answer.before.outcomes)
        final_branch = branch_of(final, act, objections_done)
        if early is None or early.same_way(final_branch):
            conversation = final  # its history keeps the final words' moves
            if playback is None:  # (else the act, the same, was said with the line)
                self._act = act
        else:
            heard_s = None
            if playback is not None and playback.started_at is not None:
                heard_s = max(0.0, self.clock.now() - playback.started_at - rendered.speech_start_s)
            switched = switch_to_final(heard_s)
            self._emit(BranchDidDiffer(answer.number, early.describe(), final_branch.describe(), switched, heard_s or 0.0))
            if switched:
                if playback is not None:
                    self.audio_out.stop()
                conversation, self._act = final, act
            else:
                act = early.act  # said: kept with the turn
        result = turn_result(answer, heard, assessment, conversation, (transcript_final, self.clock.now()), self._drill)
        self._emit(TurnScored(result))
        self._stored.hold(result, self._writer, act)
        answer.scored = True
        return conversation, switched

    def _go_on(self, answer: Answer, went_on: tuple[float, float], line: str | None = None,
               playback: Playback | None = None, rendered: RenderedLine | None = None) -> Conversation:
        """The rep went on with the last answer as the next line began (or, after the drill's last answer,
        before it ended: no line): stop the line, take the answer's score back and listen to the rest of it;
        scored again as one answer. The conversation as it was."""
        spoke_at, heard_at = (self._drill(t) for t in went_on)
        yielded = None
        if playback is not None:
            self.audio_out.stop()
            line_start = (None if playback.started_at is None
                          else self._drill(playback.started_at + rendered.speech_start_s))
            yielded = YieldedLine(line, heard_at if line_start is None else min(line_start, heard_at), heard_at)
            answer.yielded.append(yielded)
        self._stored.take_back()
        answer.scored = answer.may_go_on = False
        self._emit(AnswerDidResume(answer.number, spoke_at, yielded))
        self._turn = answer.turn
        self._transcriber = Transcriber(self.engine)
        ended = answer.turn.go_on(self._transcriber)
        decided = self.clock.now()
        return self._answered(answer, ended, decided, answer.before)

    def _answers_ran_out(self, answer: Answer | None) -> bool:
        """Answer files: none left to play, and the last one has no speech left that could go on with its answer."""
        if not isinstance(self.audio_in, AnswerFiles) or self.audio_in.remaining:
            return False
        return not (answer is not None and answer.may_go_on and self.audio_in.speech_ahead)

    def _abandon(self, error: BaseException) -> str:
        """After an error: stop hearing the answer, and keep what was stored and recorded (`StoredDrill.abandon`)."""
        if self._transcriber is not None:
            self._transcriber.abandon()
        return self._stored.abandon(error, self._writer)

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
