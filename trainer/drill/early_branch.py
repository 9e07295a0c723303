"""The way a turn leads, chosen from the words heard at its end, before the engine's final result.

With a streaming engine (Vosk) the final result of an answer comes 0.1-0.4 s after the
end of turn is decided (bench/RESULTS.md "Turn-taking", part 2: p50 147 ms of the 177 ms
from the end to the prospect's audio). The dialogue's branch only needs the moves the
answer made, and those can be judged on the live partial at the end, whose clauses were
encoded while the rep spoke (`trainer.meaning.recogniser.prepare_in_background`). So the
runner judges the partial (`so_far_assessment`), takes the branch it leads to, starts the
next line, and then scores the turn on the final words exactly as before: transcript,
score, moves and store all come from the final result.

When the final words lead another way (`Branch.same_way` is False), what a rep would
expect depends on what they have heard of the line started: a prospect who stops within
their first syllables and says something else sounds like a person correcting
themselves, one who stops mid-sentence sounds broken. So the line chosen from the partial
is stopped and the final words' line played instead when less than `SWITCH_WITHIN_S` of
its speech has played (or it has not started), and kept otherwise: the prospect has
said it, the conversation goes on from it, and the turn still keeps the final words'
moves and score (`BranchDidDiffer` reports both cases).
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.core.answer import Assessment, assess_answer
from trainer.core.dialogue import Conversation
from trainer.core.transcript import untimed_words
from trainer.drill.prospect_acts import Act

# Speech of the line chosen from the partial that may still be taken back for the final words' line:
# about one syllable at the personas' rates (~190 wpm, 0.2-0.3 s a syllable), which a listener hears as
# a false start, not a line broken off. Not tuned on data (how often it applies: bench/turns.py part 2).
SWITCH_WITHIN_S = 0.3


@dataclass(frozen=True)
class Branch:
    """Where an answer led: the objections ended so far with their outcomes, the next prompt, the act before it."""

    outcomes: tuple[tuple[str, str], ...]
    next_prompt: tuple[str, str, str] | None  # (objection id, node id, line), None when the drill is over
    act: Act | None
    outcome: str | None = None  # how the answer ended its objection, if it did

    def same_way(self, other: "Branch") -> bool:
        """True when the prospect would say the same next (same act, same line of the same node, same outcomes)."""
        return self == other

    def describe(self) -> str:
        """Where it leads, for events and reports: the objection's outcome if the answer ended it, the act, and
        the next node (objection/node), e.g. "'Lucia agrees ...', then point-2/point-2"."""
        parts = [f"'{self.outcome}'"] if self.outcome is not None else []
        parts += [f"a {self.act.kind.replace('_', ' ')}"] if self.act is not None else []
        parts += [f"{self.next_prompt[0]}/{self.next_prompt[1]}" if self.next_prompt is not None else "the end"]
        return ", then ".join(parts)


def branch_of(conversation: Conversation, act: Act | None, ended_before: int) -> Branch:
    """The branch `conversation` is on once an answer was applied to it (`ended_before`: objections ended before
    the answer), with the act said before its next line."""
    current = conversation.current
    prompt = None if current is None else (current.objection.id, current.node.id, current.line)
    outcomes = tuple(conversation.outcomes)
    return Branch(outcomes, prompt, act, outcomes[-1][1] if len(outcomes) > ended_before else None)


def so_far_assessment(text: str, **assess) -> Assessment:
    """`assess_answer` over the words of `text` (an engine's partial): the moves and hedges they make.

    The partial has no word times, so its timing metrics mean nothing; only what depends on the words
    (the rubric's moves, hedges and apologies) is used, to choose the branch and the prospect's act.
    """
    return assess_answer(untimed_words(text), (), None, **assess)


def switch_to_final(heard_s: float | None) -> bool:
    """Whether the line chosen from the partial is stopped for the final words' line: `heard_s` is how much of
    its speech has played (None: not started)."""
    return heard_s is None or heard_s < SWITCH_WITHIN_S
