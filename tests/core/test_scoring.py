"""Turn and drill scores: components, partial credit near bands, reasons for every point lost."""

import pytest

from trainer.core.metrics import drill_metrics, turn_metrics
from trainer.core.pack_model import Move
from trainer.core.rubric import check_rubric
from trainer.core.scoring import CUT_IN_LENGTH_CREDIT, NO_ANSWER, band_credit, score_drill, score_turn
from trainer.core.targets import Targets
from trainer.core.transcript import PROSPECT, REP, FilledPauses, Span, Turn, Word

RUBRIC = (
    Move("acknowledge", ("I hear you", "that makes sense")),
    Move("ask", ("what's driving that", "can I ask")),
    Move("reframe", ("what if we looked at it as", "a lot of our clients")),
    Move("next_step", ("could we find fifteen minutes", "set up a call")),
)
GOOD = (
    "I hear you and a lot of our clients felt the same before they switched "
    "so what's driving that for you right now could we find fifteen minutes on Thursday"
)  # 30 words
BAD = "uh sorry to bother you I guess I'll just send an email"  # 12 words


def at_wpm(text, wpm):
    """Seconds `text` lasts when spoken at `wpm`."""
    return 60 * len(text.split()) / wpm


def answer(text, start, seconds, prospect_end=0.0, targets=Targets()):
    """Metrics, rubric and score card of `text` spoken evenly from `start` for `seconds` as one span."""
    texts = text.split()
    step = seconds / len(texts)
    words = [Word(w, start + i * step, start + (i + 0.8) * step) for i, w in enumerate(texts)]
    metrics = turn_metrics(words, [Span(start, start + seconds)], prospect_end, hesitation_s=targets.hesitation_s)
    rubric = check_rubric(RUBRIC, words)
    return metrics, rubric, score_turn(metrics, rubric, targets)


def lost(card):
    return {r.text: round(r.points_lost, 2) for r in card.reasons}


def assert_every_point_has_a_reason(card):
    assert sum(r.points_lost for r in card.reasons) == pytest.approx(100.0 - card.points)
    assert [r.points_lost for r in card.reasons] == sorted((r.points_lost for r in card.reasons), reverse=True)
    assert card.score == round(card.points)


def test_band_credit_is_full_inside_and_fades_linearly_outside():
    assert band_credit(140, 120, 160, 30, 40) == 1.0
    assert band_credit(170, 120, 160, 30, 40) == pytest.approx(0.75)
    assert band_credit(105, 120, 160, 30, 40) == pytest.approx(0.5)
    assert band_credit(250, 120, 160, 30, 40) == 0.0
    assert band_credit(-1, 0, 2, 0, 2) == 0.0


def test_good_answer_scores_full_marks_with_no_reasons():
    # 140 wpm, 0.8 s after the prospect, four moves, no fillers or hedges
    metrics, rubric, card = answer(GOOD, start=0.8, seconds=at_wpm(GOOD, 140))
    assert metrics.wpm == pytest.approx(140.0)
    assert rubric.coverage == 1.0
    assert card.score == 100
    assert card.reasons == ()
    assert {c.name: c.possible for c in card.components} == {
        "rubric": 40.0, "pace": 15.0, "latency": 10.0, "clean_speech": 15.0, "length": 10.0, "ask_then_stop": 10.0
    }


def test_bad_answer_scores_low_with_the_right_reasons():
    metrics, rubric, card = answer(BAD, start=0.5, seconds=3.6)  # 200 wpm, 3.6 s
    assert (metrics.fillers, metrics.hedges, rubric.coverage) == (1, 3, 0.0)
    # no question asked: ask-then-stop drops out and the other 90 weight points make the 100
    assert card.score == 21  # 11.1 for starting on time, 10 for length
    reasons = lost(card)
    assert reasons["Missed: acknowledge - in your own words, e.g. 'I hear you'"] == 11.11
    assert reasons["Missed: ask - in your own words, e.g. 'what's driving that'"] == 11.11
    assert reasons["Missed: reframe - in your own words, e.g. 'what if we looked at it as'"] == 11.11
    assert reasons["Missed: next step - in your own words, e.g. 'could we find fifteen minutes'"] == 11.11
    assert reasons["You spoke at 200 wpm - slow down to 120-160 wpm and breathe between sentences"] == 16.67
    assert reasons["1 filler ('uh') = 17/min - pause silently instead (aim for 5/min or fewer)"] == 8.33
    assert reasons["Hedging ('sorry to bother', 'I guess', 'just') - drop them and say it plainly"] == 8.33
    assert reasons["Your answer lasted 3.6 s - say more (aim for 4-45 s)"] == 1.11
    assert_every_point_has_a_reason(card)
    # even at an easy pace it stays far below the promotion bar of 70
    assert answer(BAD, start=0.5, seconds=at_wpm(BAD, 140))[2].score == 39


def test_fillers_heard_in_the_sound_are_named_in_the_reason():
    """A filled pause the engine wrote nothing for still counts, and the reason says where it was found."""
    texts = "so we could um start with one shop".split()
    words = [Word(w, 0.5 + i * 0.4, 0.8 + i * 0.4) for i, w in enumerate(texts) if w != "um"]
    held = FilledPauses((Span(1.65, 1.95),), words_placed=True)  # between "could" and "start": no word there
    metrics = turn_metrics(words, [Span(0.5, 3.7)], 0.0, filled_pauses=held)
    assert (metrics.fillers, len(metrics.sound_fillers)) == (1, 1)
    card = score_turn(metrics, check_rubric(RUBRIC, words), Targets(fillers_per_min_max=5.0))
    [reason] = [r.text for r in card.reasons if "filler" in r.text]
    assert reason.startswith("1 filler (1 held 'uh' or 'um' heard in the sound) = 19/min")


def test_slow_start_loses_latency_points_with_the_time_in_the_reason():
    _, _, card = answer(GOOD, start=3.4, seconds=at_wpm(GOOD, 140))
    assert lost(card) == {"You took 3.4 s to start - aim to answer within 2 s": 7.0}  # 10 * 1.4 / 2
    assert card.score == 93
    _, _, too_late = answer(GOOD, start=4.5, seconds=at_wpm(GOOD, 140))
    assert {c.name: c.earned for c in too_late.components}["latency"] == 0.0


def test_talking_over_the_prospect_loses_latency_points_below_level_five():
    _, _, card = answer(GOOD, start=1.4, seconds=at_wpm(GOOD, 140), prospect_end=2.0)
    assert lost(card) == {"You talked over the prospect for 0.6 s - let them finish, then answer": 6.0}
    texts = GOOD.split()
    step = at_wpm(GOOD, 140) / len(texts)
    words = [Word(w, 1.4 + i * step, 1.4 + (i + 0.8) * step) for i, w in enumerate(texts)]
    metrics = turn_metrics(words, [Span(1.4, 1.4 + at_wpm(GOOD, 140))], 2.0, prospect_start=0.0)
    assert (metrics.talk_over_count, metrics.talk_over_s) == (1, pytest.approx(0.6))
    rubric = check_rubric(RUBRIC, words)
    assert lost(score_turn(metrics, rubric, Targets(), level=4)) == lost(card)
    gauntlet = score_turn(metrics, rubric, Targets(), level=5)  # the prospect cuts in there, and so may the rep
    assert gauntlet.score == 100 and gauntlet.reasons == ()
    late = Targets().with_overrides({"talk_over_free_from_level": 6})
    assert score_turn(metrics, rubric, late, level=5).score == 94


def test_pace_just_outside_the_band_loses_little():
    _, _, card = answer(GOOD, start=0.8, seconds=at_wpm(GOOD, 164))
    assert lost(card) == {"You spoke at 164 wpm - slow down to 120-160 wpm and breathe between sentences": 1.5}
    _, _, slow = answer(GOOD, start=0.8, seconds=at_wpm(GOOD, 105))
    assert lost(slow) == {"You spoke at 105 wpm - pick up the pace to 120-160 wpm": 7.5}


def test_weights_from_targets_change_the_score():
    default = answer(BAD, start=0.5, seconds=3.6)[2]
    no_rubric = answer(BAD, start=0.5, seconds=3.6, targets=Targets().with_overrides({"weights": {"rubric": 0}}))[2]
    assert "rubric" not in {c.name for c in no_rubric.components}
    assert no_rubric.score > default.score + 15
    heavy = Targets().with_overrides({"weights": {"rubric": 90, "latency": 0}})
    components = answer(BAD, 0.5, 3.6, targets=heavy)[2].components
    assert {c.name: round(c.possible, 2) for c in components} == {
        "rubric": 69.23, "pace": 11.54, "clean_speech": 11.54, "length": 7.69
    }
    assert answer(BAD, 0.5, 3.6, targets=heavy)[2].score < default.score


def test_questions_component_applies_when_a_pack_weighs_it():
    targets = Targets().with_overrides({"weights": {"questions": 10}})
    _, _, card = answer("I hear you and a lot of our clients felt the same way last year honestly", 0.8, 7.0,
                        targets=targets)
    assert "No question asked - ask one to learn why" in lost(card)
    # no question: ask-then-stop drops out, so questions weighs 10 of 100
    assert lost(card)["No question asked - ask one to learn why"] == pytest.approx(10.0, abs=0.01)
    _, _, asked = answer(GOOD, 0.8, at_wpm(GOOD, 140), targets=targets)
    assert asked.score == 100


def test_monologue_limit_applies_to_the_length_component():
    targets = Targets().with_overrides({"monologue_limit_s": 20, "answer_length_band_s": [4, 120]})
    text = " ".join([GOOD] * 3)  # one unbroken run of 38.6 s at 140 wpm
    seconds = at_wpm(text, 140)
    _, _, card = answer(text, 0.8, seconds, targets=targets)
    reason = "You talked 39 s without a pause - stop within 20 s and check in with a question"
    assert lost(card) == {reason: pytest.approx(10 * (seconds - 20) / 20, abs=0.01)}


def test_a_cut_in_counts_in_the_length_advice():
    """The prospect cut in (issue 19): the length component keeps at most half its points and says why."""
    text = " ".join([GOOD] * 2)  # one unbroken run of 25.7 s at 140 wpm: within the 60 s monologue limit
    seconds = at_wpm(text, 140)
    metrics, rubric, plain = answer(text, 0.8, seconds)
    cut = score_turn(metrics, rubric, Targets(), cut_in=True)
    assert [r.text for r in plain.reasons if r.component == "length"] == []
    [reason] = [r for r in cut.reasons if r.component == "length"]
    assert reason.text == ("The prospect cut in after 26 s of talk without a pause - make your point in one breath, "
                           "ask, then stop")
    assert reason.points_lost == pytest.approx(10 * CUT_IN_LENGTH_CREDIT, abs=0.01)
    assert_every_point_has_a_reason(cut)


def test_long_answer_loses_length_points():
    text = " ".join([GOOD] * 5)  # 64.3 s at 140 wpm
    seconds = at_wpm(text, 140)
    _, _, card = answer(text, 0.8, seconds)
    # the 64 s run also passes the 60 s monologue limit; only the larger of the two losses counts
    assert lost(card) == {
        "Your answer ran 64 s - keep it under 45 s and hand the turn back": pytest.approx(10 * (seconds - 45) / 45, abs=0.01)
    }


def test_no_answer_scores_zero_with_one_merged_reason():
    metrics = turn_metrics([], [], prospect_end=0.0)
    card = score_turn(metrics, check_rubric(RUBRIC, []))
    assert card.score == 0
    reasons = lost(card)
    assert reasons[NO_ANSWER] == 44.44  # pace + clean speech + length, of 90 (no question: no ask-then-stop)
    assert reasons["You did not start answering - aim to answer within 2 s"] == 11.11
    assert_every_point_has_a_reason(card)


def test_without_rubric_or_prospect_line_those_components_drop_out():
    words = [Word(w, i * 0.4, i * 0.4 + 0.3) for i, w in enumerate(GOOD.split())]
    metrics = turn_metrics(words, [Span(0.0, 12.4)], prospect_end=None)
    card = score_turn(metrics, None)
    assert [c.name for c in card.components] == ["pace", "clean_speech", "length", "ask_then_stop"]
    assert [c.possible for c in card.components] == pytest.approx([30, 30, 20, 20])
    assert card.score == 100
    assert card.as_json()["score"] == 100 and card.as_json()["reasons"] == []


def test_all_zero_weights_are_refused():
    zero = Targets().with_overrides({"weights": dict.fromkeys(["rubric", "pace", "latency", "clean_speech", "length"], 0)})
    with pytest.raises(ValueError, match="no scoring component applies"):
        score_turn(turn_metrics([], [], None), None, zero)


def drill_of_two():
    good_words = tuple(Word(w, 3.8 + i * 0.4, 4.1 + i * 0.4) for i, w in enumerate(GOOD.split()))
    bad_words = tuple(Word(w, 22.0 + i * 0.3, 22.2 + i * 0.3) for i, w in enumerate(BAD.split()))
    return [
        Turn(PROSPECT, 0.0, 3.0), Turn(REP, 3.0, 17.0, words=good_words, spans=(Span(3.8, 16.2),)),
        Turn(PROSPECT, 17.0, 21.5), Turn(REP, 21.5, 27.0, words=bad_words, spans=(Span(22.0, 25.6),)),
    ]


def test_drill_score_is_the_mean_turn_score_and_talk_share_is_information():
    turns = drill_of_two()
    drill = drill_metrics(turns, model_answers_s=[12.0, 12.0])
    assert drill.talk_share == pytest.approx(100 * 16.0 / 23.5)  # 68%: what a scripted drill gives
    assert drill.script_talk_share == pytest.approx(100 * 24.0 / 31.5)  # the model answers would give 76%
    cards = [score_turn(metrics, check_rubric(RUBRIC, turn.words)) for metrics, turn in zip(drill.turns, turns[1::2])]
    card = score_drill(cards, drill)
    assert [c.name for c in card.components] == ["turns"]
    assert card.points == pytest.approx((cards[0].points + cards[1].points) / 2)
    assert not any("of the time" in r.text for r in card.reasons)  # never the call band
    assert_every_point_has_a_reason(card)


def test_drill_talk_share_counts_when_a_pack_weighs_it():
    turns = drill_of_two()
    drill = drill_metrics(turns, model_answers_s=[12.0, 12.0])
    cards = [score_turn(metrics, check_rubric(RUBRIC, turn.words)) for metrics, turn in zip(drill.turns, turns[1::2])]
    assert cards[0].score == 100
    weighted = Targets().with_overrides({"weights": {"talk_share": 20}})
    card = score_drill(cards, drill, weighted)  # band from the script: 76% +/- 10, and 68% is inside
    assert {c.name: c.earned for c in card.components}["talk_share"] == pytest.approx(100 * 20 / 120)
    explicit = weighted.with_overrides({"talk_share_band": [40, 60]})
    card = score_drill(cards, drill, explicit)
    components = {c.name: c for c in card.components}
    assert components["turns"].possible == pytest.approx(100 * 100 / 120)
    share_credit = 1 - (100 * 16.0 / 23.5 - 60) / 20
    assert components["talk_share"].earned == pytest.approx(100 * 20 / 120 * share_credit)
    texts = [r.text for r in card.reasons]
    assert "You talked 68% of the time - aim for 40-60%: ask, then let the prospect talk" in texts
    assert "Turn 2: Missed: acknowledge - in your own words, e.g. 'I hear you'" in texts
    assert not any(t.startswith("Turn 1:") for t in texts)
    assert_every_point_has_a_reason(card)


def test_drill_without_answers():
    card = score_drill([], drill_metrics([Turn(PROSPECT, 0.0, 3.0)]))
    assert card.score == 0
    assert lost(card)[NO_ANSWER] == pytest.approx(100, abs=0.01)


def test_targets_per_level_override_the_pack_targets():
    targets = Targets().with_overrides({"airtime_band": [0.6, 1.8], "levels": [{"level": 1, "airtime_band": [0.5, 3]}]})
    assert targets.at_level(1).airtime_band == (0.5, 3)
    assert targets.at_level(2).airtime_band == (0.6, 1.8)
    assert targets.at_level(None) is targets


def test_airtime_against_the_model_answer_replaces_the_length_band():
    texts = GOOD.split()
    words = [Word(w, 0.8 + i * 0.1, 0.85 + i * 0.1) for i, w in enumerate(texts)]
    metrics = turn_metrics(words, [Span(0.8, 3.8)], 0.0, model_answer_s=12.0)  # 3 s against 12 s: 0.25x
    card = score_turn(metrics, check_rubric(RUBRIC, words))
    assert "Your answer lasted 3.0 s, 0.2x the model answer - say more (aim for 6-24 s)" in lost(card)


def test_an_answer_a_moment_early_loses_no_latency_points():
    """An overlap under TALK_OVER_GRACE_S, counted or not, is not charged as talk-over."""
    _, _, card = answer(GOOD, start=1.97, seconds=at_wpm(GOOD, 140), prospect_end=2.0)
    assert not any("talked over" in reason for reason in lost(card))
