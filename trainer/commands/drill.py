"""`trainer drill`: a whole drill without the app, from answer files or the microphone.

With `--answers DIR` the WAV files in DIR (name order) stand in for the microphone,
one per rep turn, in real time or `--fast` (a virtual clock: as fast as the engine
goes, nothing played aloud). The prospect is played on the default output device
when there is one (`--play`), else written to WAV files, and the run says which.
Everything is stored like a drill in the app. Ctrl-C ends the drill cleanly: the
answer in progress is kept as a recoverable recording.

With speakers the microphone hears the prospect too: `--mic` drills cancel that echo
(`trainer.speech.echo`) unless `--headphones` says there is none. `--echo-sim DB[:DELAY_MS]`
(a test aid) mixes each played line into the answer files as a room would
(`trainer.drill.echo_sim`) and cancels it the same way.

Answer files that run out before the script ends stop the drill cleanly after the
last answered turn (stored as 'abandoned', exit 1): how many answers a branching
script takes depends on what is said, so only an empty folder is refused up front.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import signal
import sys
from contextlib import ExitStack
from pathlib import Path

from trainer.drill.answer_source import AnswerFiles, answer_files
from trainer.commands.score import describe_answer
from trainer.core import paths
from trainer.core.errors import TrainerError
from trainer.core.packs import resolve_pack
from trainer.core.temperaments import act_heading
from trainer.drill.runner import DrillRunner
from trainer.drill.lines import line_voice, render_before_start
from trainer.drill.plan import DrillPlan, plan_drill
from trainer.drill.echo_sim import EchoedAnswers, RoomEcho
from trainer.drill.events import (
    ANSWERS_RAN_OUT,
    STOPPED_BY_REP,
    AnswerDidResume,
    BranchDidDiffer,
    DrillDidFinish,
    DrillDidStart,
    DrillResult,
    LineDidPlay,
    LineWillPlay,
    ProspectActWillPlay,
    SpeechDidStart,
    TurnDidEnd,
    TurnScored,
)
from trainer.speech import natural_voice
from trainer.speech.asr import Engine
from trainer.speech.audio import AudioClock
from trainer.speech.audio_in import MicrophoneInput
from trainer.speech.audio_out import FileOutput, SoundDeviceOutput
from trainer.speech.echo import EchoCancellation
from trainer.speech.endpoint import FIXED_RULE_MS, SILENCE, STOPPED
from trainer.speech.engine_loading import LoadingEngine
from trainer.speech.engines import ENGINE_NAMES, load_engine
from trainer.speech.played_audio import PlayedAudio
from trainer.store.db import Store
from trainer.store.progress import current_level
from trainer.store.reviews import schedule_cards

END_REASONS = {
    "window": "the answer window ran out",
    "no_answer": "no answer was heard",
    "cut_in": "the prospect cut in on a long monologue",
    "stopped": "stopped",
    "done": "you ended your answer",
}


def register(subparsers) -> None:
    """Add `trainer drill`."""
    parser = subparsers.add_parser(
        "drill",
        help="run a drill headless: answers from WAV files or the microphone",
        description="Run a whole drill without the app: the prospect speaks each line, your answers come "
        "from WAV files (--answers, one per turn, in name order) or the microphone (--mic); every turn is "
        "transcribed, scored and stored. Ctrl-C stops cleanly.",
    )
    parser.add_argument("--pack", required=True, help="pack id (see `trainer packs`) or a pack file")
    parser.add_argument("--objection", metavar="ID", help="drill this objection (default: picked for the level)")
    parser.add_argument("--level", type=int, metavar="L",
                        help="ladder level 1-5 (default: the objection's own, else your level in the pack)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--answers", type=Path, metavar="DIR", help="folder of answer WAVs, one per rep turn")
    source.add_argument("--mic", action="store_true", help="answer live into the default microphone")
    play = parser.add_mutually_exclusive_group()
    play.add_argument("--play", dest="play", action="store_true", default=None,
                      help="play the prospect aloud (default when there is an output device)")
    play.add_argument("--no-play", dest="play", action="store_false", help="write the prospect's lines to WAV files")
    parser.add_argument("--fast", action="store_true",
                        help="with --answers: run on a virtual clock, as fast as possible (implies --no-play)")
    parser.add_argument("--headphones", action="store_true",
                        help="with --mic: you wear headphones, so the microphone cannot hear the prospect "
                        "(turns echo cancellation off)")
    parser.add_argument("--echo-sim", metavar="DB[:DELAY_MS]",
                        help="test aid, with --answers: the answer files also hear the prospect's lines at DB "
                        "(against the line as played, -40 to 0) after DELAY_MS (default 40) through a short room "
                        "response, and echo cancellation takes them out again, e.g. --echo-sim=-12:40 "
                        "(with '=', as the value starts with -)")
    parser.add_argument("--engine", choices=ENGINE_NAMES, help="speech engine (default: Vosk if installed, else Whisper)")
    parser.add_argument("--model", type=Path, help="model folder for the engine")
    parser.add_argument("--seed", type=int, metavar="N", help="seed for the objection and line choices (repeatable drills)")
    parser.add_argument("--endpoint-ms", type=int, metavar="MS",
                        help="end your answer after this much silence, whatever you said (the old fixed rule, "
                        f"{FIXED_RULE_MS} ms in the first version; default: the end-of-turn model, which waits "
                        "briefly after a finished sentence and longer after 'and', 'um' or 'can I ask')")
    parser.add_argument("--no-prep", action="store_true",
                        help="answer as soon as the line ends, without the level's preparation time "
                        "(10 s at level 1, 5 s at level 2)")
    parser.add_argument("--suds", type=int, metavar="N",
                        help="how anxious you feel now, 0-100, stored with the drill (`trainer suds` rates after)")
    parser.add_argument("--json", action="store_true", help="print the whole drill as one JSON document at the end")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the drill; exit 0 when it ended with an outcome, 1 on errors or answers running out, 130 when stopped."""
    _check_flags(args)
    pack = resolve_pack(args.pack)
    clock = AudioClock(virtual=args.fast)
    audio_in, echo = _input(args, clock)
    with ExitStack() as stack:
        stack.callback(audio_in.close)
        store = stack.enter_context(Store())
        plan = _plan(args, pack, store)
        ahead = render_before_start(plan)
        recovered = store.startup().recovered
        if recovered:
            _notice(f"{len(recovered)} interrupted answer(s) from an earlier drill kept as recoverable recordings "
                    "(`trainer db check` lists them)")
        audio_out, played_to = _output(args, clock)  # a device stream warms up while the line renders
        stack.callback(audio_out.close)
        personas = {objection.persona for objection in plan.objections}  # the natural voice, if a later one speaks
        natural_voice.warm_up_in_background(p.voice for p in plan.pack.personas.values() if p.id in personas)
        engine = _engine(args, plan, ahead, stack)
        printer = _Printer(args, plan, played_to, engine.name)
        runner = DrillRunner(plan, store=store, engine=engine, audio_in=audio_in, audio_out=audio_out,
                             clock=clock, on_event=printer, mode=_mode(args), suds_before=args.suds, echo=echo,
                             prep=not args.no_prep)
        result = _run_stoppable(runner)
    printer.done(result)
    if result.stop_reason == ANSWERS_RAN_OUT:
        raise TrainerError(
            f"{args.answers}: the answers ran out after {len(result.turns)} turn(s) before the script ended; "
            f"the drill is stored as abandoned (drill {result.drill_id}); add more WAV files to run it to the end"
        )
    return 130 if result.stop_reason == STOPPED_BY_REP else 0


def _input(args: argparse.Namespace, clock: AudioClock):
    """The rep's input and the echo cancellation for it (None when nothing played can reach it)."""
    if args.echo_sim is not None:
        played = PlayedAudio()
        room = RoomEcho.parse(args.echo_sim)
        return EchoedAnswers(answer_files(args.answers), room, played, clock), EchoCancellation.start(played)
    if args.answers:
        return AnswerFiles.from_folder(args.answers, clock), None
    return MicrophoneInput(), None if args.headphones else EchoCancellation.start()


def _plan(args: argparse.Namespace, pack, store: Store) -> DrillPlan:
    """The given objection (at its level or --level); else the rep's level, objections due first.

    Without --seed a seed is drawn here: the line the drill opens with is then known, and rendered while the
    engine loads (`render_before_start`).
    """
    seed = args.seed if args.seed is not None else random.randrange(1 << 31)
    if args.objection is not None:
        return plan_drill(pack, args.level, args.objection, seed, args.endpoint_ms)
    level = args.level if args.level is not None else current_level(store, pack)
    cards = {objection: card for (_, objection), card in schedule_cards(store, pack.id).items()}
    return plan_drill(pack, level, None, seed, args.endpoint_ms, cards=cards, now=store.clock())


def _engine(args: argparse.Namespace, plan: DrillPlan, ahead, stack: ExitStack) -> Engine:
    """The speech engine, loaded in the order that starts the drill soonest without a wait after its first answer.

    The natural voice's first line plays as soon as it is rendered, and the engine loads once it is rendered,
    while it plays (the rep cannot answer before it ends): beside the voice's cold start the engine's load held
    the line back, later than espeak-ng's. espeak-ng renders its line in ~0.3 s, so the drill starts once the
    engine has loaded, as before: loading it while the line played saved ~2.9 s before the line but kept a quick
    first answer waiting 3.5-10.8 s for its follow-up at load 8-12 (docs/voices.md).
    """
    if not natural_voice.speaks_for(line_voice(plan, plan.objections[0])):
        return load_engine(args.engine, args.model, partials=False)
    engine = LoadingEngine(args.engine, args.model, partials=False)
    stack.callback(engine.cancel)  # a drill over before its first line was rendered loads no engine
    engine.load_after(ahead)
    return engine


def _check_flags(args: argparse.Namespace) -> None:
    if args.fast and args.mic:
        raise TrainerError("--fast needs --answers: a microphone runs in real time")
    if args.echo_sim is not None and not args.answers:
        raise TrainerError("--echo-sim needs --answers: it mixes the prospect into answer files (a microphone "
                           "hears the real room)")
    if args.headphones and not args.mic:
        raise TrainerError("--headphones goes with --mic: answer files hear no room unless --echo-sim adds one")
    if args.fast and args.play:
        raise TrainerError("--fast cannot play aloud (it runs faster than real time); drop --play or --fast")
    if args.suds is not None and not 0 <= args.suds <= 100:
        raise TrainerError(f"--suds is 0 (calm) to 100 (the most anxious you can imagine), not {args.suds}")
    if args.endpoint_ms is not None and args.endpoint_ms <= 0:
        raise TrainerError(f"--endpoint-ms must be a positive number of milliseconds, not {args.endpoint_ms}")


def _output(args: argparse.Namespace, clock: AudioClock):
    """The prospect's output and a sentence saying where it goes."""
    if args.play is not False and not args.fast:
        try:
            device = SoundDeviceOutput()
            return device, f"played on {device.device.name}"
        except TrainerError as error:
            if args.play:
                raise
            why = f"no audio output ({error})"
    else:
        why = "--fast" if args.fast else "--no-play"
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder = paths.cache_dir() / "played" / stamp
    return FileOutput(folder, clock), f"written to {folder} ({why})"


def _mode(args: argparse.Namespace) -> str:
    return ("answers" if args.answers else "mic") + (",fast" if args.fast else "")


def _run_stoppable(runner: DrillRunner) -> DrillResult:
    """Run with Ctrl-C asking the runner to stop cleanly (a second Ctrl-C interrupts at once)."""
    def stop(signum, frame):
        _notice("stopping: the answer in progress is kept as a recoverable recording (Ctrl-C again to quit at once)")
        signal.signal(signal.SIGINT, signal.default_int_handler)
        runner.stop()

    previous = signal.signal(signal.SIGINT, stop)
    try:
        return runner.run()
    finally:
        signal.signal(signal.SIGINT, previous)


def _notice(text: str) -> None:
    print(f"trainer: {text}", file=sys.stderr, flush=True)


class _Printer:
    """Prints the drill as it happens (or, with --json, one document at the end)."""

    def __init__(self, args: argparse.Namespace, plan: DrillPlan, played_to: str, engine: str) -> None:
        self.args = args
        self.plan = plan
        self.played_to = played_to
        self.engine = engine
        self.persona = ""
        # With Vosk the next line starts before the answer is scored: what is said meanwhile is printed after
        # the answer's score, in the order a reader expects (None: not holding)
        self._held: list[str] | None = None

    def __call__(self, event) -> None:
        if self.args.json:
            return
        if isinstance(event, DrillDidStart):
            source = (f"{self.args.answers} ({'fast' if self.args.fast else 'real time'})"
                      if self.args.answers else "the microphone")
            self._say(f"Drill {event.drill_id}: {event.pack_id}, level {event.level} ({event.level_name}), "
                      f"objection {', '.join(event.objection_ids)}; engine {event.engine}",
                      f"Prospect audio: {self.played_to}", f"Your answers: {source}")
        elif isinstance(event, ProspectActWillPlay):
            self._say(f"  {act_heading(event.persona, event.kind)}: \"{event.line}\"")
        elif isinstance(event, LineWillPlay):
            self._say("", f"Turn {event.turn} - {event.persona}: \"{event.line}\"", *_help_lines(event.help))
            if event.notice:
                _notice(event.notice)
        elif isinstance(event, LineDidPlay) and event.answer_due is not None:
            self._say(f"  prepare: {event.answer_due - event.end:.0f} s to get ready, then answer "
                      f"(from {event.answer_due:.2f} s; --no-prep skips it)")
        elif isinstance(event, SpeechDidStart):
            over = " (the line was still playing)" if event.over_prospect else ""
            self._say(f"  you started speaking at {event.at:.2f} s{over}")
        elif isinstance(event, TurnDidEnd):
            if event.reason != SILENCE:
                self._say(f"  turn ended: {END_REASONS.get(event.reason, event.reason)}")
            self._held = [] if event.reason != STOPPED else None
        elif isinstance(event, BranchDidDiffer):
            change = ("stopped it for the line your final words lead to" if event.switched
                      else f"kept it ({event.heard_s:.1f} s had played); your score counts your final words")
            self._say(f"  the prospect answered your words so far ({event.started}), then your final words led to "
                      f"{event.final}: {change}")
        elif isinstance(event, AnswerDidResume):
            stopped = ("the prospect listens" if event.yielded is None
                       else f"the prospect stopped \"{event.yielded.line}\" and listens")
            self._say(f"  you went on with your answer to turn {event.turn} at {event.at:.2f} s: {stopped}; "
                      "that answer is scored again as a whole")
        elif isinstance(event, TurnScored):
            held, self._held = self._held or [], None
            self._turn(event.result)
            self._say(*held)
        elif isinstance(event, DrillDidFinish):
            self._held = None
            self._finish(event.result)

    def _turn(self, result) -> None:
        text = describe_answer({**result.as_json(), "engine": self.engine})
        lines = ["  " + line for line in text.splitlines()]
        metrics = result.assessment.metrics  # talk-over as scored (the app's score card says the same)
        if metrics.talk_over_count:
            lines.append(f"  talked over the prospect {metrics.talk_over_count} time(s), {metrics.talk_over_s:.1f} s")
        if result.next_node:
            lines.append(f"  -> the prospect follows up ({result.next_node})")
        elif result.outcome:
            lines.append(f"  -> {result.outcome}")
        self._say(*lines)

    def _finish(self, result: DrillResult) -> None:
        lines = [""]
        if result.stop_reason == STOPPED_BY_REP:
            lines.append("Drill stopped; the answer in progress is kept as a recoverable recording.")
        if result.outcome:
            lines.append(f"Outcome: {result.outcome}")
        if result.card:
            lines.append(f"Drill score: {result.card.score}/100")
            lines += [f"  - {reason.text}" for reason in result.card.reasons]
        if result.metrics and result.metrics.talk_share is not None:
            lines.append(f"You talked {result.metrics.talk_share:.0f}% of the time")
        lines.append(f"Stored as drill {result.drill_id} ({result.status}): `trainer history {result.drill_id}`")
        self._say(*lines, *_progress_lines(result))

    def done(self, result: DrillResult) -> None:
        """With --json, print the drill; otherwise everything was printed already."""
        if self.args.json:
            print(json.dumps({
                **result.as_json(), "engine": self.engine, "prospect_audio": self.played_to,
                "answers": str(self.args.answers) if self.args.answers else "microphone",
            }, indent=2), flush=True)

    def _say(self, *lines: str) -> None:
        if self._held is not None:
            self._held += lines
        elif lines:
            print("\n".join(lines), flush=True)


HELP_LABELS = {"model_answer": "Model answer", "bank": "Your opener (bank)"}


def _help_lines(shown) -> list[str]:
    """What the level shows with a line: the model answer or the rep's opener, and the tip."""
    if shown is None or not shown.text:
        return []
    label = HELP_LABELS.get(shown.kind)
    lines = [f"  {label}: {shown.text}" if label else f"  ({shown.text})"]
    return lines + ([f"  Tip: {shown.tip}"] if shown.tip else [])


def _progress_lines(result: DrillResult) -> list[str]:
    """After the drill: when each objection comes back, the ladder's decisions, takes offered for the bank."""
    if result.progress is None:
        return []
    now = datetime.datetime.now(datetime.timezone.utc)
    lines = []
    for review in result.progress.reviews:
        days = max(1, round((review.due - now) / datetime.timedelta(days=1)))
        when = "tomorrow" if days == 1 else f"in {days} days"
        lines.append(f"Schedule: {review.objection_id} again {when} (rated {review.rating.name.lower()})")
    lines += [f"Ladder ({decision.category + ' objections' if decision.category else 'the pack'}): {decision.reason}"
              for decision in result.progress.decisions]
    lines += [f"Bank: turn {offer.turn_id} {offer.reason}; keep it with `trainer bank add --turn {offer.turn_id}`"
              for offer in result.progress.offers]
    return lines
