"""The scripted conversation: branching on covered moves, outcomes, variants, guards."""

import random

import pytest

from trainer.core.dialogue import (
    COMPLETED,
    TURN_LIMIT,
    UNRESOLVED,
    Conversation,
    Dialogue,
)
from trainer.core.errors import TrainerError
from trainer.core.pack_model import Move, Node, Objection, Rule
from trainer.core.packs import discover_packs, load_pack
from trainer.core.paths import BUILTIN_SCENARIOS


def price_objection(**overrides) -> Objection:
    """'Too expensive': acknowledge+ask -> budget follow-up; ask only -> pushback; else lost."""
    fields = dict(
        id="too-expensive",
        lines=("That's too expensive.", "We can't afford that.", "Your price is way too high."),
        rubric=(Move("acknowledge", ("I understand",)), Move("ask", ("what budget",))),
        next=(
            Rule(covered=("acknowledge", "ask"), goto="budget"),
            Rule(covered=("ask",), missing=("acknowledge",), goto="pushback"),
            Rule(outcome="lost"),
        ),
        category="price",
        level=3,
        persona="cfo",
        follow_ups={
            "budget": Node(
                "budget",
                ("We budgeted half of that.",),
                next=(Rule(covered=("next_step",), outcome="meeting_booked"), Rule(outcome="stalled")),
            ),
            "pushback": Node("pushback", ("Don't dodge the question.",), next=(Rule(goto="budget"),)),
        },
    )
    fields.update(overrides)
    return Objection(**fields)


def test_covering_both_moves_goes_to_the_budget_follow_up_then_books_a_meeting():
    dialogue = Dialogue(price_objection())
    assert dialogue.current.node.id == "too-expensive"
    assert dialogue.current.depth == 0
    follow_up = dialogue.answer({"acknowledge", "ask"})
    assert (follow_up.node.id, follow_up.line, follow_up.depth) == ("budget", "We budgeted half of that.", 1)
    assert dialogue.answer({"next_step"}) is None
    assert dialogue.finished and dialogue.outcome == "meeting_booked"
    assert [e.prompt.node.id for e in dialogue.history] == ["too-expensive", "budget"]
    assert dialogue.history[0].rule == Rule(covered=("acknowledge", "ask"), goto="budget")


def test_the_first_matching_rule_wins_in_order():
    # "ask" without "acknowledge" matches rule 2 (pushback), not the catch-all.
    dialogue = Dialogue(price_objection())
    assert dialogue.answer({"ask"}).node.id == "pushback"
    assert dialogue.answer(set()).node.id == "budget"
    dialogue.answer(set())
    assert dialogue.outcome == "stalled"


def test_an_answer_covering_nothing_falls_through_to_the_catch_all_outcome():
    dialogue = Dialogue(price_objection())
    assert dialogue.answer(set()) is None
    assert dialogue.outcome == "lost"
    assert dialogue.history[0].covered == frozenset()


def test_a_node_without_rules_ends_the_dialogue_as_completed():
    dialogue = Dialogue(price_objection(next=()))
    assert dialogue.answer({"acknowledge"}) is None
    assert dialogue.outcome == COMPLETED
    assert dialogue.history[0].rule is None


def test_rules_that_do_not_match_end_as_unresolved():
    dialogue = Dialogue(price_objection(next=(Rule(covered=("acknowledge",), outcome="won"),)))
    dialogue.answer({"ask"})
    assert dialogue.outcome == UNRESOLVED


def test_a_rule_with_neither_goto_nor_outcome_ends_as_completed():
    dialogue = Dialogue(price_objection(next=(Rule(),)))
    dialogue.answer(set())
    assert dialogue.outcome == COMPLETED


def test_a_looping_script_is_stopped_by_the_turn_limit():
    loop = price_objection(
        next=(Rule(goto="again"),),
        follow_ups={"again": Node("again", ("Still too expensive.",), next=(Rule(goto="again"),))},
    )
    dialogue = Dialogue(loop, max_answers=4)
    answers = 0
    while not dialogue.finished:
        dialogue.answer(set())
        answers += 1
    assert answers == 4
    assert dialogue.outcome == TURN_LIMIT


def test_a_limit_of_one_answer_still_honours_an_outcome_on_the_opening_rule():
    dialogue = Dialogue(price_objection(), max_answers=1)
    dialogue.answer(set())
    assert dialogue.outcome == "lost"
    cut = Dialogue(price_objection(), max_answers=1)
    cut.answer({"acknowledge", "ask"})
    assert cut.outcome == TURN_LIMIT


def test_without_a_random_generator_the_first_variant_is_always_used():
    assert Dialogue(price_objection()).current.line == "That's too expensive."


def test_line_variants_are_chosen_by_the_seeded_generator():
    lines = [Dialogue(price_objection(), random.Random(seed)).current.line for seed in range(40)]
    assert set(lines) == set(price_objection().lines)
    again = [Dialogue(price_objection(), random.Random(seed)).current.line for seed in range(40)]
    assert lines == again


def test_answering_after_the_end_is_a_programming_error():
    dialogue = Dialogue(price_objection())
    dialogue.answer(set())
    with pytest.raises(RuntimeError, match="already ended"):
        dialogue.answer(set())


def test_a_goto_to_a_missing_follow_up_names_the_objection_node_and_target():
    broken = price_objection(next=(Rule(goto="nowhere"),))
    with pytest.raises(TrainerError, match="'too-expensive'.*'nowhere'"):
        Dialogue(broken).answer(set())


def test_max_answers_below_one_is_rejected():
    with pytest.raises(ValueError):
        Dialogue(price_objection(), max_answers=0)


def timing_objection() -> Objection:
    return Objection(
        id="bad-timing",
        lines=("Call me next quarter.",),
        next=(Rule(covered=("ask",), outcome="meeting_booked"), Rule(outcome="brushed_off")),
        category="timing",
        level=5,
        persona="cfo",
    )


def test_a_conversation_plays_every_objection_back_to_back():
    conversation = Conversation([price_objection(), timing_objection()])
    assert conversation.current.objection.id == "too-expensive"
    assert conversation.answer(set()).objection.id == "bad-timing"  # price ends "lost", next objection
    assert conversation.outcome is None and not conversation.finished
    assert conversation.answer({"ask"}) is None
    assert conversation.finished
    assert conversation.outcomes == [("too-expensive", "lost"), ("bad-timing", "meeting_booked")]
    assert conversation.outcome == "meeting_booked"
    assert [e.prompt.objection.id for e in conversation.history] == ["too-expensive", "bad-timing"]


def test_a_conversation_applies_the_answer_limit_per_objection():
    conversation = Conversation([price_objection(), timing_objection()], max_answers=1)
    conversation.answer({"acknowledge", "ask"})
    assert conversation.current.objection.id == "bad-timing"
    assert conversation.outcomes == [("too-expensive", TURN_LIMIT)]


def test_a_conversation_needs_an_objection():
    with pytest.raises(TrainerError, match="at least one objection"):
        Conversation([])


def test_answering_a_finished_conversation_is_a_programming_error():
    conversation = Conversation([timing_objection()])
    conversation.answer(set())
    with pytest.raises(RuntimeError):
        conversation.answer(set())


def test_a_follow_up_without_lines_is_reported_when_reached():
    silent = price_objection(follow_ups={"budget": Node("budget", ()), "pushback": Node("pushback", ("x",))})
    dialogue = Dialogue(silent)
    with pytest.raises(TrainerError, match="node 'budget' has no lines"):
        dialogue.answer({"acknowledge", "ask"})


def test_the_built_in_price_pack_branches_on_what_the_rep_covered():
    objection = load_pack(BUILTIN_SCENARIOS / "price-and-budget.yaml").objection("more-than-expected")
    good = Dialogue(objection)
    assert good.answer({"acknowledge", "ask"}).node.id == "compared-to"
    assert good.answer({"ask", "value"}).node.id == "four-hours"
    good.answer({"next_step"})
    assert good.outcome == "Lucia agrees to a one-shop trial starting Monday."
    weak = Dialogue(objection)
    weak.answer({"acknowledge"})
    assert weak.outcome == "Lucia says she'll think about it and stops answering emails."


def test_every_built_in_objection_ends_whatever_the_rep_covers():
    packs = [pack for _, pack in discover_packs([BUILTIN_SCENARIOS])]
    assert packs and all(not isinstance(pack, Exception) for pack in packs)
    for pack in packs:
        for objection in pack.objections:
            for strategy in ("all", "none"):
                dialogue = Dialogue(objection, random.Random(7))
                while not dialogue.finished:
                    moves = {m.id for m in dialogue.current.node.rubric} if strategy == "all" else set()
                    dialogue.answer(moves)
                assert dialogue.outcome, (pack.id, objection.id, strategy)
                assert len(dialogue.history) <= dialogue.max_answers
