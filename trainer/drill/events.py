"""What the drill runner reports: plain event dataclasses and the results they carry.

A UI or the CLI subscribes with one callback, `on_event(event)`, called on the
runner's thread in this order for each turn: `LineWillPlay`, `RepTurnStarted`,
`LevelMeter`/`PartialTranscript`/`SpeechDidStart` while the rep talks,
`LineDidPlay` (once the line has finished; it says when the answer is due when
the level gives preparation time), `LineDidRepeat` each time the line played
again at the rep's request, `TurnDidEnd` (the end-of-turn
decision), `TurnScored` (score ready, just before the next line plays; with a
streaming engine (Vosk) in real time, just after that line's `LineWillPlay`, its
branch chosen from the words at the end: `BranchDidDiffer` comes before it when the
final words led elsewhere; it is stored right after that line has started). When the prospect acts on the answer by
temperament (cuts in, reacts to a hedge, adds a little after a good question),
`ProspectActWillPlay` comes just before the next `LineWillPlay` (the two are one sound),
or on its own after the drill's last answer. An end decided on a pause is a guess:
if the rep goes on as the next line begins, `AnswerDidResume` says that line
stopped and the turn is open again; its `SpeechDidResume`, `TurnDidEnd` and
`TurnScored` follow, and that last `TurnScored` replaces the earlier one. The drill opens with `DrillDidStart`
and closes with `DrillDidFinish` or, on an error, `DrillError`. Keep the callback
short: the next line waits for it. Each event's `name` says when it fires.
All times are seconds on the drill clock (0 = drill start).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Callable, ClassVar

from trainer.core.answer import Assessment
from trainer.core.bank import PromptHelp
from trainer.core.metrics import DrillMetrics
from trainer.core.scoring import ScoreCard
from trainer.core.transcript import FilledPauses, Span, Word
from trainer.store.progress import Progress
from trainer.store.records import ProspectAct, TurnTimings, YieldedLine

STOPPED_BY_REP = "stopped"
ANSWERS_RAN_OUT = "answers_ran_out"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@dataclass(frozen=True)
class TurnResult:
    """One answered turn: the prospect's line, what the rep said, how it scored, where the script went."""

    number: int
    turn_id: int
    objection_id: str
    node_id: str
    line: str
    prospect_start: float
    prospect_end: float
    rep_start: float  # the turn's audio: from the line's start to the end of turn
    rep_end: float
    transcript: str
    words: tuple[Word, ...]
    spans: tuple[Span, ...]
    assessment: Assessment
    covered: frozenset[str]
    end_reason: str
    barge_ins: int
    next_node: str | None  # the follow-up the answer led to (same objection), if any
    outcome: str | None  # how the objection ended after this answer, if it did
    recording: Path
    answer_file: Path | None
    timings: TurnTimings
    help: PromptHelp | None = None  # what the rep was shown before answering (model answer, bank entry)
    yielded: tuple[YieldedLine, ...] = ()  # prospect lines stopped because the rep went on with this answer
    repeats: int = 0  # times the line was played again at the rep's request
    answer_due: float | None = None  # when later than prospect_end: the end of the preparation time or a repeat
    filled_pauses: FilledPauses | None = None  # found in the rep's sound: fillers the engine left out count
    acts: tuple[ProspectAct, ...] = ()  # what the prospect did after this answer (known once the next line starts)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the turns of `trainer drill --json`)."""
        t = self.timings
        return {
            "number": self.number,
            "objection": self.objection_id,
            "node": self.node_id,
            "prospect": {"line": self.line, "start": _round(self.prospect_start), "end": _round(self.prospect_end)},
            "rep": {
                "start": _round(self.rep_start),
                "end": _round(self.rep_end),
                "recording": str(self.recording),
                "answer_file": None if self.answer_file is None else str(self.answer_file),
            },
            "transcript": self.transcript,
            "words": [{"text": w.text, "start": _round(w.start), "end": _round(w.end)} for w in self.words],
            "spans": [[_round(s.start), _round(s.end)] for s in self.spans],
            "end_reason": self.end_reason,
            "barge_ins": self.barge_ins,
            "covered": sorted(self.covered),
            "next": self.next_node,
            "outcome": self.outcome,
            "help": self.help.as_json() if self.help else None,
            "yielded": [y.as_json() for y in self.yielded],
            "repeats": self.repeats,
            "answer_due": _round(self.answer_due),
            "acts": [a.as_json() for a in self.acts],
            **self.assessment.as_json(),
            "timings": {
                "end_of_turn": _round(t.end_of_turn),
                "transcript_final": _round(t.transcript_final),
                "score_ready": _round(t.score_ready),
                "next_audio_start": _round(t.next_audio_start),
                "speech_end": _round(t.speech_end),
                "gap": _round(t.gap),
            },
        }


def drill_metrics_json(metrics: DrillMetrics) -> dict[str, Any]:
    """The drill-wide metrics as stored and printed (the per-turn ones are with each turn)."""
    out = {}
    for f in fields(metrics):
        if f.name == "turns":
            continue
        value = getattr(metrics, f.name)
        out[f.name] = round(value, 3) if isinstance(value, float) else value
    return out


@dataclass(frozen=True)
class DrillResult:
    """A drill as it ended: 'finished' with an outcome, or 'abandoned' (stopped, answers ran out)."""

    drill_id: int
    pack_id: str
    level: int
    status: str
    outcome: str | None
    outcomes: tuple[tuple[str, str], ...]  # (objection id, outcome) of each objection that ended
    stop_reason: str | None  # STOPPED_BY_REP, ANSWERS_RAN_OUT or None
    card: ScoreCard | None
    metrics: DrillMetrics | None
    turns: tuple[TurnResult, ...]
    progress: Progress | None = None  # schedule, ladder and bank offers after the drill

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (`trainer drill --json`)."""
        card = self.card.as_json() if self.card else None
        return {
            "drill_id": self.drill_id,
            "pack": self.pack_id,
            "level": self.level,
            "status": self.status,
            "outcome": self.outcome,
            "outcomes": [{"objection": o, "outcome": out} for o, out in self.outcomes],
            "stop_reason": self.stop_reason,
            "score": card["score"] if card else None,
            "reasons": card["reasons"] if card else [],
            "components": card["components"] if card else None,
            "metrics": drill_metrics_json(self.metrics) if self.metrics else None,
            "turns": [turn.as_json() for turn in self.turns],
            "progress": self.progress.as_json() if self.progress else None,
        }


@dataclass(frozen=True)
class DrillDidStart:
    """The drill is stored and about to play its first line."""

    name: ClassVar[str] = "drill_did_start"
    drill_id: int
    pack_id: str
    level: int
    level_name: str
    objection_ids: tuple[str, ...]
    engine: str


@dataclass(frozen=True)
class LineWillPlay:
    """The prospect's line is about to play (rendered, handed to the output next)."""

    name: ClassVar[str] = "line_will_play"
    turn: int
    objection_id: str
    node_id: str
    persona: str
    line: str
    audio: Path
    help: PromptHelp | None = None  # what to show the rep with the line (model answer, bank entry, tip)
    notice: str | None = None  # the line is not in the persona's own voice, and why (the natural voice failed)


@dataclass(frozen=True)
class ProspectActWillPlay:
    """The prospect is about to act on the last answer by temperament, before the next line if there is one.

    `kind`: `cut_in` (they cut in on a monologue), `hedges`/`apologies` (a reaction to them),
    `add_on` (a little more after a good question); `line` is what they say.
    """

    name: ClassVar[str] = "prospect_act_will_play"
    turn: int  # the answer acted on
    persona: str
    kind: str
    line: str


@dataclass(frozen=True)
class RepTurnStarted:
    """The turn is stored (status 'recording') and the rep's audio is being written to `recording`."""

    name: ClassVar[str] = "rep_turn_started"
    turn: int
    turn_id: int
    recording: Path
    at: float


@dataclass(frozen=True)
class SpeechDidStart:
    """The rep started speaking (first speech of the turn); `over_prospect` if the line was still playing."""

    name: ClassVar[str] = "speech_did_start"
    turn: int
    at: float
    over_prospect: bool


@dataclass(frozen=True)
class SpeechDidPause:
    """The rep went quiet mid-answer at `at` and the turn is held open for them (up to `holding_s` of silence)."""

    name: ClassVar[str] = "speech_did_pause"
    turn: int
    at: float
    holding_s: float
    why: str  # what the end-of-turn model heard ("ends on 'and' (a conjunction), level pitch")


@dataclass(frozen=True)
class SpeechDidResume:
    """The rep spoke again at `at` after a pause in the same answer."""

    name: ClassVar[str] = "speech_did_resume"
    turn: int
    at: float
    over_prospect: bool


@dataclass(frozen=True)
class PartialTranscript:
    """The engine's text so far changed."""

    name: ClassVar[str] = "partial_transcript"
    turn: int
    text: str


@dataclass(frozen=True)
class LevelMeter:
    """Loudness of the rep's latest audio (fractions of full scale), at most every 50 ms of audio."""

    name: ClassVar[str] = "level_meter"
    turn: int
    rms: float
    peak: float


@dataclass(frozen=True)
class LineDidPlay:
    """The prospect's line finished playing; `start`/`end` bound its speech.

    `answer_due`: when the level gives preparation time, the answer is due then (count down to it).
    """

    name: ClassVar[str] = "line_did_play"
    turn: int
    start: float
    end: float
    stopped: bool
    answer_due: float | None = None


@dataclass(frozen=True)
class LineDidRepeat:
    """The line finished playing again at the rep's request: the answer is due from `end` (the `repeats`th time)."""

    name: ClassVar[str] = "line_did_repeat"
    turn: int
    start: float
    end: float
    repeats: int


@dataclass(frozen=True)
class TurnDidEnd:
    """The end of the rep's turn was decided (`reason` from `trainer.speech.endpoint`)."""

    name: ClassVar[str] = "turn_did_end"
    turn: int
    reason: str
    at: float  # when the rule fired on the audio
    decided_at: float  # when the runner acted on it
    speech_end: float | None
    barge_ins: int
    why: str = ""  # for a silence: what the end-of-turn model heard, or the fixed rule


@dataclass(frozen=True)
class AnswerDidResume:
    """The rep went on with turn `turn`'s answer after its end was decided: the prospect's next line
    stopped (`yielded`; None after the drill's last answer, when no line was playing) and the turn listens
    again; it will be scored again, as one answer."""

    name: ClassVar[str] = "answer_did_resume"
    turn: int
    at: float  # the rep's voice was heard again
    yielded: YieldedLine | None


@dataclass(frozen=True)
class BranchDidDiffer:
    """Turn `turn`'s next line was chosen from the words heard at its end (`started`: where they led), and its
    final words lead elsewhere (`final`). `switched`: that line was stopped, or never began, and the final words'
    line plays instead; else `heard_s` of it had played and it was kept (trainer.drill.early_branch). The turn's
    score and moves are the final words' either way."""

    name: ClassVar[str] = "branch_did_differ"
    turn: int
    started: str  # the next node (objection/node) or the outcome the words at the end led to
    final: str  # the same for the final words
    switched: bool
    heard_s: float  # how much of the line's speech had played when the final words came


@dataclass(frozen=True)
class TurnScored:
    """The answer is transcribed, scored and the script's next step chosen."""

    name: ClassVar[str] = "turn_scored"
    result: TurnResult


@dataclass(frozen=True)
class DrillDidFinish:
    """The drill is over and stored."""

    name: ClassVar[str] = "drill_did_finish"
    result: DrillResult


@dataclass(frozen=True)
class DrillError:
    """The drill stopped on an error (already stored as 'abandoned' when the store could be written)."""

    name: ClassVar[str] = "error"
    message: str


DrillEvent = (
    DrillDidStart | ProspectActWillPlay | LineWillPlay | RepTurnStarted | SpeechDidStart | PartialTranscript | LevelMeter
    | LineDidPlay | LineDidRepeat | TurnDidEnd | AnswerDidResume | TurnScored | DrillDidFinish | DrillError
)
EventCallback = Callable[[DrillEvent], None]
