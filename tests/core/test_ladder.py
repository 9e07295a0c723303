"""The ladder: levels as data (with pack overrides), promote / hold / step back from past drills, SUDS trends."""

from dataclasses import replace

import pytest
from practice_pack import demo_pack

from trainer.core.errors import TrainerError
from trainer.core.ladder import HOLD, OFFER_STEP_BACK, PROMOTE, TOP, DrillOutcome, ladder_decision, passes_needed
from trainer.core.levels import default_ladder, ladder_for, level_persona, level_rules, level_summary, load_ladder
from trainer.core.packs import PackError
from trainer.core.suds import anxiety_trend, relief_during, suds_lines


def drills(*items):
    """DrillOutcomes from scores, or (score, hesitations) pairs."""
    return [DrillOutcome(*i) if isinstance(i, tuple) else DrillOutcome(i) for i in items]


# (past drills at the level, oldest first; level; action; level moved/offered to; exact reason)
DECISIONS = [
    (drills(), 1, HOLD, None,
     "no level-1 drills yet; three of your next 4 must score 70+ without a hesitation to move up"),
    (drills(72, 80, 91), 1, PROMOTE, 2,
     "3 of your 3 level-1 drills so far scored 70+ without a hesitation: move up to level 2 (Own words)"),
    (drills(85, 40, 75, 70), 3, PROMOTE, 4,
     "3 of your last 4 level-3 drills scored 70+ without a hesitation: move up to level 4 (Pushback)"),
    (drills(40, 80, 60, 75), 3, HOLD, None,
     "2 of your last 4 level-3 drills scored 70+ without a hesitation; one more to move up"),
    (drills(80, 75, 60, 69), 3, HOLD, None,
     "2 of your last 4 level-3 drills scored 70+ without a hesitation; three more to move up (the last one scored 69)"),
    (drills(80, 75, 90, (88, 1)), 3, PROMOTE, 4,
     "3 of your last 4 level-3 drills scored 70+ without a hesitation: move up to level 4 (Pushback)"),
    (drills(90, (88, 1), 60, (95, 2)), 2, HOLD, None,
     "1 of your last 4 level-2 drills scored 70+ without a hesitation; three more to move up "
     "(the last one had two hesitations)"),
    (drills(80, 45, 30, 49), 3, OFFER_STEP_BACK, 2,
     "your last 3 level-3 drills scored under 50 (45, 30, 49): step back to level 2 (Own words) to rebuild, "
     "or keep going here"),
    (drills(45, 30, 49), 1, HOLD, None,
     "your last 3 level-1 drills scored under 50 (45, 30, 49): read the model answer aloud once, then answer it "
     "in your own words"),
    (drills(45, 30, 50), 4, HOLD, None,  # 50 is not under 50: no step back yet
     "0 of your 3 level-4 drills so far scored 70+ without a hesitation; three more to move up (the last one scored 50)"),
    (drills(90, 95, 88), 5, TOP, None,
     "3 of your 3 level-5 drills so far scored 70+ without a hesitation: you are at the top of the ladder; "
     "keep it sharp with `trainer today`"),
    (drills(90, 60), 5, HOLD, None,
     "1 of your 2 level-5 drills so far scored 70+ without a hesitation: this is the top of the ladder "
     "(the last one scored 60)"),
]


@pytest.mark.parametrize("outcomes, level, action, to_level, reason", DECISIONS)
def test_ladder_decisions_from_past_drills(outcomes, level, action, to_level, reason):
    decision = ladder_decision(outcomes, level, default_ladder())
    assert (decision.action, decision.level, decision.to_level) == (action, level, to_level)
    assert decision.reason == reason


def test_needed_counts_the_passes_that_would_leave_the_window():
    rules = default_ladder().rules
    # the two passes are the oldest: each new pass pushes an old one out of the last 4
    assert passes_needed(drills(80, 80, 40, 40), rules) == 3
    assert passes_needed(drills(40, 40, 80, 80), rules) == 1
    assert passes_needed(drills(), rules) == 3


def test_category_label_and_pack_thresholds():
    pack = demo_pack("ladder:\n  pass_score: 80\n  passes: 2\n  window: 3\n")
    ladder = ladder_for(pack)
    decision = ladder_decision(drills(79, 85, 90), 2, ladder, "price")
    assert decision.action == PROMOTE
    assert decision.reason == (
        "2 of your last 3 level-2 price drills scored 80+ without a hesitation: move up to level 3 (Live)"
    )
    assert ladder_decision(drills(85, 79), 2, ladder, "price").action == HOLD


def test_levels_file_describes_what_each_level_changes():
    ladder = default_ladder()
    assert (ladder.bottom, ladder.top) == (1, 5)
    one, two, three, four, five = (ladder.level(n) for n in range(1, 6))
    assert one.script_visible and not one.bank_visible and one.prep_s == 10 and one.answer_window_s is None
    assert two.bank_visible and not two.script_visible and two.prep_s == 5
    assert not (three.script_visible or three.bank_visible) and three.prep_s == 0 and three.answer_window_s == 30
    assert four.temperament == "curt" and four.max_answers >= 2 and four.answer_window_s == 20
    assert five.objections_per_drill > 1 and five.cut_in_after_s
    assert ladder.rules.window == 4 and ladder.rules.passes == 3 and ladder.rules.pass_score == 70
    assert level_summary(two) == ("your bank shown, 5 s to prepare, no answer limit, prospect as written, fixed lines, "
                                  "the prospect cuts in after 60 s of monologue at most (sooner by temperament)")


def test_level_persona_changes_temperament_and_rate():
    persona = demo_pack().personas["dana"]  # skeptical
    mild = level_persona(persona, level_rules(1))
    curt = level_persona(persona, level_rules(4))
    assert (mild.temperament, mild.voice.rate) == ("warm", 153)  # 170 x 0.9
    assert (curt.temperament, curt.voice.rate) == ("curt", 187)  # 170 x 1.1
    assert level_persona(persona, level_rules(3)) == persona


@pytest.mark.parametrize("own, level, seen", [
    ("hostile", 1, "warm"), ("friendly", 1, "friendly"), ("warm", 1, "warm"),  # level 1's warm is a ceiling
    ("hostile", 4, "hostile"), ("hostile", 5, "hostile"), ("defensive", 5, "defensive"),  # curt is a floor ...
    ("warm", 5, "curt"), ("busy", 4, "curt"), ("neutral", 5, "curt"),  # ... that milder personas rise to
    ("hostile", 3, "hostile"), ("warm", 2, "warm"),  # no bound: as written
])
def test_a_level_temperament_bounds_the_persona_own(own, level, seen):
    persona = replace(demo_pack().personas["dana"], temperament=own)
    assert level_persona(persona, level_rules(level)).temperament == seen


def test_a_pack_ladder_temperament_is_a_bound_too():
    pack = demo_pack("ladder:\n  levels:\n    - {level: 2, temperament: hostile}\n    - {level: 4, temperament: neutral}\n")
    persona = replace(pack.personas["dana"], temperament="curt")
    assert level_persona(persona, level_rules(2, pack)).temperament == "hostile"  # a floor above curt
    assert level_persona(persona, level_rules(4, pack)).temperament == "neutral"  # a ceiling under curt
    assert level_summary(level_rules(2, pack)).count("prospect hostile or harsher") == 1
    assert "prospect neutral at most" in level_summary(level_rules(4, pack))


def test_a_levels_file_with_an_unknown_temperament_names_it(tmp_path):
    path = tmp_path / "levels.yaml"
    path.write_text("levels:\n  - {level: 1, name: A, temperament: grumpy}\n")
    with pytest.raises(TrainerError, match="levels item 1: level 1: temperament 'grumpy' is unknown; use one of warm"):
        load_ladder(path)


def test_pack_overrides_merge_over_the_defaults():
    pack = demo_pack("ladder:\n  levels:\n    - level: 3\n      answer_window_s: 45\n      prep_s: 3\n")
    three = level_rules(3, pack)
    assert (three.answer_window_s, three.prep_s, three.name, three.random_lines) == (45, 3, "Live", True)
    assert level_rules(3).answer_window_s == 30  # the defaults are untouched
    assert ladder_for(demo_pack()) is default_ladder()


@pytest.mark.parametrize(
    "extra, message",
    [
        ("ladder:\n  passes: 5\n", r"practice-demo.yaml:\d+:\d+: passes \(5\) is more than window \(4\)"),
        ("ladder:\n  fail_score: 80\n", "fail_score is above pass_score"),
        ("ladder:\n  levels:\n    - level: 2\n      prep_s: 1\n    - level: 2\n      prep_s: 2\n",
         "level 2 is changed twice"),
        ("ladder:\n  levels:\n    - level: 2\n      prep: 1\n", "prep"),
        ("ladder:\n  levels:\n    - level: 7\n", "level"),
        ("ladder:\n  passing: 2\n", "passing"),
    ],
)
def test_bad_pack_overrides_are_located_problems(extra, message):
    with pytest.raises(PackError, match=message):
        demo_pack(extra)


@pytest.mark.parametrize(
    "text, message",
    [
        ("levels:\n  - {level: 1, name: A}\nladder: {passes: 5}", "ladder: passes must be 1-window"),
        ("levels:\n  - {level: 1, name: A}\nladder: {climb: 2}", "unknown keys: climb"),
        ("levels:\n  - {level: 1, name: A, rate_factor: 3}", "rate_factor 0.5-2"),
        ("levels:\n  - {level: 1, name: A}\nladder: {fail_score: 90}", "fail_score <= pass_score"),
    ],
)
def test_broken_ladder_block_in_the_levels_file(tmp_path, text, message):
    path = tmp_path / "levels.yaml"
    path.write_text(text)
    with pytest.raises(TrainerError, match=message):
        load_ladder(path)


def test_anxiety_trend_sentences():
    falling = [70, 72, 68, 60, 55, 50, 45, 40, 38, 36, 35, 34]
    assert anxiety_trend(3, falling) == "your anxiety before level-3 drills fell from 70 to 35 over 12 drills"
    assert anxiety_trend(2, [40, 60]) == "your anxiety before level-2 drills rose from 40 to 60 over 2 drills"
    assert anxiety_trend(1, [50, 52, 49]) == "your anxiety before level-1 drills held at about 50 over 3 drills"
    assert anxiety_trend(1, [65]) == "your anxiety before level-1 drills: 65 (one rating so far)"
    assert anxiety_trend(1, []) is None
    assert relief_during(3, [(70, 40), (60, 40)]) == "your anxiety drops 25 points during a level-3 drill, on average"
    assert relief_during(3, [(50, 52)]) == "your anxiety stays about the same during a level-3 drill"
    assert suds_lines(2, [(60, None), (None, 20), (40, 30)]) == [
        "your anxiety before level-2 drills fell from 60 to 40 over 2 drills",
        "your anxiety drops 10 points during a level-2 drill, on average",
    ]
