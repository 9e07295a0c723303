"""One answer, from the end of its turn to the `TurnResult` it becomes: what the runner keeps of it meanwhile.

The runner (`trainer.drill.runner`) keeps the latest answer as an `Answer` while it may still
change: its end was decided on a pause (the rep may go on), or its line was chosen from the
words heard at the end and the final words are still to come (`trainer.drill.early_branch`).
`turn_result` gives the scored turn as it is reported and stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from trainer.core.answer import Assessment
from trainer.core.bank import PromptHelp
from trainer.core.dialogue import Conversation, Prompt
from trainer.drill.early_branch import Branch
from trainer.drill.events import TurnResult
from trainer.drill.turn import RepTurn
from trainer.speech.endpoint import TurnEnded
from trainer.speech.hearing import HeardAnswer
from trainer.store.records import TurnHandle, TurnTimings, YieldedLine


@dataclass
class Answer:
    """The latest answer, kept while it may still go on (its end was decided on a pause) or be scored."""

    number: int
    prompt: Prompt
    handle: TurnHandle
    turn: RepTurn
    shown: PromptHelp | None
    before: Conversation | None = None  # the conversation before this answer was applied
    yielded: list[YieldedLine] = field(default_factory=list)
    ended: TurnEnded | None = None
    decided: float = 0.0  # when the runner acted on the end (clock)
    early: Branch | None = None  # the branch taken from the words at the end, until the final words are scored
    scored: bool = False
    stopped: bool = False  # the drill was stopped during this answer: not scored
    may_go_on: bool = False


def turn_result(answer: Answer, heard: HeardAnswer, assessment: Assessment, conversation: Conversation,
                times: tuple[float, float], drill: Callable[[float], float]) -> TurnResult:
    """The scored turn: `heard` and `assessment` are the final words', `conversation` the one the drill goes on
    with (after this answer), `times` when the transcript was final and the score ready (clock), and `drill`
    turns clock times into drill-clock ones."""
    turn, prompt, ended = answer.turn, answer.prompt, answer.ended
    ended_objection = len(conversation.outcomes) > len(answer.before.outcomes)
    following = conversation.current
    due = turn.answer_due
    return TurnResult(
        number=answer.number, turn_id=answer.handle.turn_id, objection_id=prompt.objection.id, node_id=prompt.node.id,
        line=prompt.line, prospect_start=drill(turn.line_start), prospect_end=drill(turn.line_end),
        rep_start=drill(turn.audio_start), rep_end=drill(turn.audio_end),
        transcript=heard.transcript.text, words=tuple(heard.transcript.words), spans=tuple(heard.spans),
        filled_pauses=heard.filled_pauses,
        assessment=assessment, covered=assessment.rubric.covered, end_reason=ended.reason,
        barge_ins=turn.endpointer.barge_ins,
        next_node=None if ended_objection or following is None else following.node.id,
        outcome=conversation.outcomes[-1][1] if ended_objection else None,
        recording=answer.handle.recording, answer_file=turn.answer_file,
        timings=TurnTimings(drill(answer.decided), drill(times[0]), drill(times[1]),
                            speech_end=None if ended.speech_end is None else drill(ended.speech_end)),
        help=answer.shown, yielded=tuple(answer.yielded), repeats=turn.repeats,
        answer_due=None if due is None else drill(due),
    )
