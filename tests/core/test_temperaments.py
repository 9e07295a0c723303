"""Temperaments as data: the pressure order, a level's bound, the acts by level, and a broken file named."""

import pytest

from trainer.core.errors import TrainerError
from trainer.core.levels import level_rules
from trainer.core.temperaments import (
    acts_for,
    bounded_temperament,
    cut_in_after_s,
    default_temperaments,
    generic_lines,
    is_apology,
    load_temperaments,
)


def test_temperaments_are_ordered_by_pressure():
    rank = default_temperaments().rank
    assert rank("warm") < rank("neutral") < rank("busy") == rank("guarded") < rank("curt") < rank("hostile")
    assert rank("friendly") == rank("warm") and rank("impatient") == rank("curt")
    with pytest.raises(TrainerError, match="unknown temperament 'grumpy'"):
        rank("grumpy")


def test_a_mild_bound_is_a_ceiling_and_a_harsh_one_a_floor():
    assert [bounded_temperament(t, "warm") for t in ("hostile", "busy", "friendly")] == ["warm", "warm", "friendly"]
    assert [bounded_temperament(t, "curt") for t in ("hostile", "warm", "guarded")] == ["hostile", "curt", "curt"]
    assert bounded_temperament("hostile", None) == "hostile"


def test_patience_is_generous_low_on_the_ladder_and_short_at_the_top():
    limit = {n: level_rules(n).cut_in_after_s for n in range(1, 6)}
    assert cut_in_after_s("warm", 1, limit[1]) is None and cut_in_after_s("hostile", 1, limit[1]) is None
    assert cut_in_after_s("hostile", 5, limit[5]) < cut_in_after_s("curt", 5, limit[5]) <= limit[5]
    curt = [cut_in_after_s("curt", n, limit[n]) for n in (2, 3, 4, 5)]
    assert curt == sorted(curt, reverse=True) and curt[0] >= 40 and curt[-1] <= 12
    assert cut_in_after_s("warm", 5, limit[5]) == limit[5]  # the level's limit holds for everyone
    assert cut_in_after_s("hostile", 5, None) is None  # a level without a limit turns cut-ins off


def test_hedge_reactions_come_at_the_top_and_warm_prospects_reward_questions():
    assert acts_for("curt", 4).reacts_to_hedges and acts_for("hostile", 5).reacts_to_hedges
    assert not acts_for("curt", 3).reacts_to_hedges and not acts_for("warm", 5).reacts_to_hedges
    assert acts_for("warm", 1).adds_after_questions and acts_for("friendly", 3).adds_after_questions
    assert not acts_for("hostile", 2).adds_after_questions
    assert "You sound unsure." in generic_lines("hedges")
    assert is_apology("sorry to bother") and not is_apology("i guess")


@pytest.mark.parametrize("text, message", [
    ("pressure: [warm]", "pressure: expected a list of temperament groups"),
    ("pressure: [[warm]]\nceiling_up_to: calm", "ceiling_up_to: expected one of warm"),
    ("pressure: [[warm]]\nceiling_up_to: warm\nlines: {}", "lines: expected a list of lines for each of"),
    ("pressure: [[warm]]\nceiling_up_to: warm\nlines: {interruptions: [a], hedges: [b], apologies: [c], "
     "add_ons: [d]}\nacts: {warm: [{levels: [2, 1]}]}", "acts: warm item 1: expected `levels: \\[first, last\\]`"),
    ("pressure: [[warm]]\nceiling_up_to: warm\nlines: {interruptions: [a], hedges: [b], apologies: [c], "
     "add_ons: [d]}\nacts: {warm: [{levels: [1, 5], lets_talk_s: 1}]}", "lets_talk_s must be 3-300"),
    ("pressure: [[warm]]\nceiling_up_to: warm\nlines: {interruptions: [a], hedges: [b], apologies: [c], "
     "add_ons: [d]}\nacts: {warm: [{levels: [1, 5], shouts: true}]}", "acts: warm item 1: .*shouts"),
    ("pressure: [[", "cannot read the temperaments"),
])
def test_a_broken_temperaments_file_names_the_entry(tmp_path, text, message):
    path = tmp_path / "temperaments.yaml"
    path.write_text(text)
    with pytest.raises(TrainerError, match=message):
        load_temperaments(path)
