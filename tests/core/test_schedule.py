"""Spaced repetition: score -> rating, weak objections come back more often, and today's block."""

import random
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Rating
from practice_pack import OBJECTIONS, demo_pack

from trainer.core.errors import TrainerError
from trainer.core.practice import load_practice
from trainer.core.schedule import (
    card_from_json,
    card_to_json,
    choose_objections,
    is_due,
    new_card,
    PlanFocus,
    plan_today,
    rating_for,
    review,
)

START = datetime(2025, 3, 3, 8, 0, tzinfo=timezone.utc)
PACK = demo_pack()


@pytest.mark.parametrize(
    "score, rating",
    [(0, Rating.Again), (49.9, Rating.Again), (50, Rating.Hard), (69, Rating.Hard), (70, Rating.Good),
     (84.9, Rating.Good), (85, Rating.Easy), (100, Rating.Easy)],
)
def test_turn_scores_map_to_ratings(score, rating):
    assert rating_for(score) == rating


def simulate(scores: dict[str, float], days: int = 30) -> dict[str, int]:
    """Practise every due objection once a day for `days` days (a fake clock); count the reviews of each."""
    cards, counts = {}, dict.fromkeys(scores, 0)
    for day in range(days):
        now = START + timedelta(days=day)
        for objection_id, score in scores.items():
            card = cards.get(objection_id)
            if card is None or is_due(card, now):
                cards[objection_id], _ = review(card, "practice-demo", objection_id, score, now)
                counts[objection_id] += 1
    return counts


def test_over_thirty_days_badly_answered_objections_come_back_far_more_often():
    counts = simulate({"too-expensive": 35, "no-budget": 60, "call-next-quarter": 78, "too-busy": 95})
    assert counts["too-expensive"] == 30  # failed every day: due again the next day
    assert counts["too-expensive"] > counts["no-budget"] > counts["call-next-quarter"] >= counts["too-busy"]
    assert counts["too-busy"] <= 3


def test_an_objection_that_improves_is_spaced_out():
    card, _ = review(None, "p", "o", 30, START)
    assert card.due - START == timedelta(days=1)
    card, _ = review(card, "p", "o", 90, START + timedelta(days=1))
    card, _ = review(card, "p", "o", 90, card.due)
    assert card.due - card.last_review >= timedelta(days=3)


def test_cards_are_stable_and_survive_json():
    assert new_card("p", "o", START).card_id == new_card("p", "o", START + timedelta(days=9)).card_id
    assert new_card("p", "o", START).card_id != new_card("p", "o2", START).card_id
    card, _ = review(None, "p", "o", 72, START)
    assert card_from_json(card_to_json(card)) == card


def level_of(levels):
    return lambda pack, category: levels.get(category, 1)


def test_today_puts_due_objections_first_then_new_ones_within_ten_to_fifteen_minutes():
    cards = {
        ("practice-demo", "too-expensive"): review(None, "practice-demo", "too-expensive", 30, START)[0],  # due +1
        ("practice-demo", "call-next-quarter"): review(None, "practice-demo", "call-next-quarter", 95, START)[0],
    }
    now = START + timedelta(days=3)
    plan = plan_today([PACK], level_of({"price": 2, "timing": 2}), cards, now)
    ids = [item.objection_id for item in plan.items]
    assert ids[0] == "too-expensive" and plan.items[0].why == "due for 2 days"
    assert ids[1:3] == ["no-budget", "too-busy"]  # new and open at level 2; cheaper-elsewhere is level 3
    # 7.5 minutes so far: the one not due yet fills the block up to 10
    assert ids[3:] == ["call-next-quarter"] and plan.items[3].why.startswith("early: due in")
    assert all(item.level == 2 and item.minutes == 2.5 for item in plan.items)
    assert plan.minutes == 10 and plan.due_left == 0


def test_today_fills_a_short_block_with_objections_due_soonest():
    cards = {("practice-demo", o[0]): review(None, "practice-demo", o[0], 90, START)[0] for o in OBJECTIONS}
    plan = plan_today([PACK], level_of({}), cards, START + timedelta(days=1))
    assert 10 <= plan.minutes <= 15
    assert all(item.why.startswith("early: due in") for item in plan.items)


def test_today_stops_before_the_longest_block_and_says_what_is_left():
    many = tuple((f"objection-{n}", "price", 1, f"Line {n}.") for n in range(12))
    pack = demo_pack(objections=many)
    cards = {("practice-demo", o[0]): review(None, "practice-demo", o[0], 20, START)[0] for o in many}
    plan = plan_today([pack], level_of({}), cards, START + timedelta(days=2))
    assert plan.minutes == 15 and len(plan.items) == 5  # 3 minutes each at level 1
    assert plan.due_left == 7


def test_today_never_proposes_a_retired_or_unknown_objection():
    # cards for an objection removed from the pack, and for a pack that is not installed
    retired_pack = demo_pack(objections=OBJECTIONS[1:])  # too-expensive was removed
    cards = {
        ("practice-demo", "too-expensive"): review(None, "practice-demo", "too-expensive", 10, START)[0],
        ("gone-pack", "whatever"): review(None, "gone-pack", "whatever", 10, START)[0],
        ("practice-demo", "no-budget"): review(None, "practice-demo", "no-budget", 10, START)[0],
    }
    for day in range(1, 31):
        plan = plan_today([retired_pack], level_of({"price": 3, "timing": 2}), cards, START + timedelta(days=day))
        proposed = {(i.pack_id, i.objection_id) for i in plan.items}
        assert proposed <= {("practice-demo", o.id) for o in retired_pack.objections}
        assert ("practice-demo", "no-budget") in proposed  # due every day: the plan is not just empty


def test_choose_objections_for_a_drill():
    cards = {"no-budget": review(None, "p", "no-budget", 40, START)[0],
             "too-expensive": review(None, "p", "too-expensive", 95, START)[0]}
    now = START + timedelta(days=2)
    chosen = [o.id for o in choose_objections(PACK, 2, 5, cards, now)]
    assert chosen == ["no-budget", "too-busy", "call-next-quarter", "too-expensive"]  # due, new here, new below, later
    three = [o.id for o in choose_objections(PACK, 3, 5, {}, now)]
    assert three == ["cheaper-elsewhere", "no-budget", "too-busy", "too-expensive", "call-next-quarter"]  # 3, 2, 1
    assert "cheaper-elsewhere" not in chosen  # level 3
    shuffled = choose_objections(PACK, 3, 1, {}, now, random.Random(1))
    assert [o.id for o in shuffled] == ["cheaper-elsewhere"]
    above = demo_pack(objections=OBJECTIONS[2:3])  # only a level-3 objection
    assert [o.id for o in choose_objections(above, 1, 1, {}, now)] == ["cheaper-elsewhere"]


def test_broken_practice_file(tmp_path):
    path = tmp_path / "practice.yaml"
    path.write_text("bank: {offer_score: 80}\nschedule:\n  ratings: [{below: 70, rating: good}, {below: 50, rating: again}]\n"
                    "  desired_retention: 0.9\n  maximum_interval_days: 100\n  session_minutes: [10, 15]\n"
                    "  new_per_session: 3\n")
    with pytest.raises(TrainerError, match="schedule ratings must rise"):
        load_practice(path)
    path.write_text("bank: {}\n")
    with pytest.raises(TrainerError, match="practice.yaml: the practice settings are malformed"):
        load_practice(path)


def test_today_leans_towards_the_focus_area_without_dropping_what_is_due():
    many = tuple((f"price-{n}", "price", 1, f"Price line {n}.") for n in range(8)) + (
        ("later-please", "timing", 1, "Call me later."), ("not-now", "timing", 1, "Not now."))
    pack = demo_pack(objections=many)
    cards = {("practice-demo", "price-7"): review(None, "practice-demo", "price-7", 30, START)[0]}  # due again
    now = START + timedelta(days=3)
    plain = plan_today([pack], level_of({}), cards, now)
    assert [i.objection_id for i in plain.items] == ["price-7", "price-0", "price-1", "price-2"]
    focus = PlanFocus("Asking for the next step", frozenset({("practice-demo", "later-please"),
                                                            ("practice-demo", "not-now")}))
    leaning = plan_today([pack], level_of({}), cards, now, focus=focus)
    assert [i.objection_id for i in leaning.items] == ["price-7", "later-please", "not-now", "price-0"]
    assert leaning.items[1].why == "new at level 1; your focus: asking for the next step"
    assert leaning.items[3].why == "new at level 1" and leaning.minutes == plain.minutes
