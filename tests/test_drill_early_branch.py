"""The next line starts from the words heard at the end of turn, before Vosk's final result (issue 15):
the turn is still scored on the final words, and a branch the final words take elsewhere is told apart
and switched only while the line has barely begun (trainer/drill/early_branch.py).

The drill runs in real time with the small English Vosk model on espeak-ng speech (as `trainer drill
--answers DIR`): on a virtual clock processing costs nothing, so the final words are in before the line
starts and nothing could be seen. The disagreeing case is built from typed partial and final words.
"""

import copy
from dataclasses import replace

import pytest
from drill_runs import run_drill
from tts_speech import compose

from trainer.drill.early_branch import SWITCH_WITHIN_S, branch_of, so_far_assessment, switch_to_final
from trainer.drill.events import BranchDidDiffer, LineWillPlay, TurnDidEnd, TurnScored
from trainer.drill.plan import plan_drill, start_conversation
from trainer.meaning.recogniser import shared_recogniser
from trainer.speech.endpoint import SILENCE

pytestmark = pytest.mark.slow

ASKS = "I understand, it's a real number for three shops. Can I ask what you had in mind?"
STATES = "Most bakeries find it pays for itself in overtime within two months."
NO_QUESTION = "I understand, it's a real number for three shops."


def plan(pack, answers=2):
    """The 'more-than-expected' objection (opening: `ask` -> compared-to, else it ends), up to `answers` answers."""
    drill = plan_drill(pack, 3, "more-than-expected", seed=7)
    return replace(drill, rules=replace(drill.rules, max_answers=answers, answer_window_s=None))


def test_with_vosk_the_next_line_starts_before_the_final_result_and_the_turn_is_scored_on_it(
        tmp_path, pack, english_vosk_engine):
    answers = [compose([0.6, ASKS, 1.5], tmp_path / "asks.wav").path,
               compose([0.5, STATES, 1.5], tmp_path / "states.wav").path]
    result, stored, events, _ = run_drill(tmp_path, plan(pack), english_vosk_engine, answers,
                                          real_time=True)
    first = result.turns[0]
    [end] = [e for e in events if isinstance(e, TurnDidEnd) and e.turn == 1]
    assert end.reason == SILENCE
    # the next line was started before the turn was scored: the event order, and the clock (on one thread the
    # line is started, its start taken from the output, before the final result is asked for: no tolerance)
    order = [(type(e), getattr(e, "turn", None) or e.result.number) for e in events
             if isinstance(e, (LineWillPlay, TurnScored))]
    assert order.index((LineWillPlay, 2)) < order.index((TurnScored, 1))
    assert first.timings.end_of_turn <= first.timings.next_audio_start < first.timings.transcript_final
    # scored on the final result: its words carry times (a partial has none), and the moves and the branch are
    # those the final words earn
    assert first.words and all(w.end > w.start for w in first.words)
    assert "mind" in first.transcript.lower()
    final = shared_recogniser().check(pack.objection("more-than-expected"), first.words, first.spans)
    assert first.covered == final.covered and "ask" in first.covered
    assert first.next_node == "compared-to"
    assert not [e for e in events if isinstance(e, BranchDidDiffer)]  # the words at the end led there too
    assert stored.turns[0].transcript == first.transcript and set(stored.turns[0].covered) == set(first.covered)
    # the last answer (no line after it) is scored on its final words as well
    last = result.turns[1]
    assert last.words and "overtime" in last.transcript.lower() and last.timings.transcript_final is not None


def test_a_partial_that_leads_elsewhere_than_the_final_words_is_told_apart_and_switched_only_at_the_start(pack):
    """Typed words: the answer heard up to its end without the question ends the objection; the final words
    (with it) lead to the follow-up. The two branches differ, and the line chosen first gives way only
    while under SWITCH_WITHIN_S of it has played."""
    drill = plan(pack)
    node = pack.objection("more-than-expected")
    assessing = dict(node=node, pack=pack, level=drill.rules.level, recogniser=shared_recogniser(), cut_in=False)
    before = start_conversation(drill)

    def branch(text):
        conversation = copy.deepcopy(before, {id(o): o for o in drill.objections})
        conversation.answer(so_far_assessment(text, **assessing).rubric.covered)
        return branch_of(conversation, None, 0)

    partial, final = branch(NO_QUESTION), branch(ASKS)
    assert not partial.same_way(final)
    assert partial.next_prompt is None and "think about it" in partial.outcome
    assert partial.describe() == f"'{partial.outcome}', then the end"
    assert final.outcome is None and final.describe() == "more-than-expected/compared-to"
    assert branch(ASKS.lower().replace(",", "").replace(".", "").replace("?", "")).same_way(final)  # a partial
    assert switch_to_final(None) and switch_to_final(0.0) and switch_to_final(SWITCH_WITHIN_S - 0.01)
    assert not switch_to_final(SWITCH_WITHIN_S) and not switch_to_final(1.0)
