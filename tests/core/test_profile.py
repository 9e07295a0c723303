"""The reluctance profile from synthetic histories with known patterns: the right area first, for the right
reason; thin data gives no focus; the self-check seeds it; trends and avoidance."""

from datetime import datetime, timedelta, timezone

import pytest

from trainer.core.profile import MIN_DRILLS, AnswerFacts, DrillFacts, PutOff, build_profile, severity
from trainer.core.reluctance import default_areas
from trainer.core.selfcheck import SelfCheck, area_scores, parse_answers
from trainer.core.errors import TrainerError

NOW = datetime(2026, 12, 6, 12, tzinfo=timezone.utc)
PREP = "preparing-instead-of-calling"  # every drill exercises it


def drills(area, count, *, latency=0.6, hesitations=0, hedges=0, score=85, days_ago=1, ended_early=0,
           suds=None, first_id=1, repeats=0, prep_used=None):
    """`count` one-answer drills of `area`; the first `hesitations` answers hesitate, the first `ended_early`
    drills were ended early."""
    made = []
    for i in range(count):
        answer = AnswerFacts((area, PREP), latency, i < hesitations, hedges, score, repeats, prep_used)
        made.append(DrillFacts(first_id + i, NOW - timedelta(days=days_ago, minutes=i), (area, PREP),
                               i < ended_early, suds, None, (answer,)))
    return made


def test_the_area_where_the_rep_waits_ranks_first_with_that_reason():
    history = (drills("opening-cold", 4, first_id=1) + drills("talking-money", 4, first_id=10)
               + drills("asking-for-introductions", 4, latency=2.8, hesitations=3, first_id=20))
    profile = build_profile(default_areas(), history, [], NOW)
    assert profile.focus == "asking-for-introductions" and profile.focus_source == "drills"
    first = profile.areas[0]
    assert first.area.id == "asking-for-introductions"
    assert first.reason == "you wait 2.8 s before answering (median); 3 of 4 answers came after a hesitation"
    assert (first.drills, first.hesitation_rate, first.median_latency_s) == (4, 0.75, 2.8)
    assert [a.area.id for a in profile.areas[1:3]] == ["opening-cold", "talking-money"]
    assert profile.area("opening-cold").severity == 0


def test_hedging_about_money_outranks_a_slightly_slow_opening():
    history = (drills("opening-cold", 4, latency=1.4, first_id=1)
               + drills("talking-money", 4, hedges=2, score=60, first_id=10))
    profile = build_profile(default_areas(), history, [], NOW)
    assert profile.focus == "talking-money"
    assert profile.areas[0].reason == "2.0 hedges or apologies per answer; these answers score 60 on average"
    assert profile.area("opening-cold").reason == "you wait 1.4 s before answering (median)"
    assert profile.areas[0].severity == pytest.approx((1.0 + 0.25) / 2)


def test_thin_data_gives_no_focus_and_says_so():
    history = drills("asking-for-introductions", 1, latency=4.0, hesitations=1) + drills("talking-money", 2, first_id=5)
    profile = build_profile(default_areas(), history, [], NOW)
    assert profile.focus is None and profile.focus_source is None
    area = profile.area("asking-for-introductions")
    assert not area.ranked and area.severity is None
    assert area.reason == f"only 1 drill so far: {MIN_DRILLS - 1} more before your drills speak for this area"
    assert profile.area("reaching-up").reason.startswith("no drills here yet")
    # the area every drill exercises has 3 drills, but says nothing: no prep time, no replays
    assert profile.area(PREP).ranked and profile.area(PREP).reason == "no sign of hesitation in these drills"


def test_the_self_check_seeds_the_focus_until_drills_speak():
    areas = default_areas()
    statements = areas.statements()
    answers = tuple(4 if area == "reaching-up" else 1 for area, _ in statements)
    said = area_scores(areas, SelfCheck(NOW, answers))
    assert said["reaching-up"] == 100 and said["opening-cold"] == 25
    seeded = build_profile(areas, drills("talking-money", 2), [], NOW, said)
    assert (seeded.focus, seeded.focus_source) == ("reaching-up", "self-check")
    assert seeded.area("reaching-up").said == 100 and seeded.areas[0].area.id == "reaching-up"
    spoken = build_profile(areas, drills("talking-money", 3, hedges=1), [], NOW, said)
    assert (spoken.focus, spoken.focus_source) == ("talking-money", "drills")
    assert spoken.area("reaching-up").said == 100


def test_drills_ended_early_and_objections_put_off_count_as_avoided():
    history = drills("hard-talks-at-work", 5, ended_early=2) + drills("opening-cold", 3, first_id=10)
    put_off = [PutOff(("opening-cold", PREP), 10), PutOff(("opening-cold", PREP), 1)]  # one too recent to count
    profile = build_profile(default_areas(), history, put_off, NOW)
    work = profile.area("hard-talks-at-work")
    assert (work.drills, work.ended_early, work.put_off, work.avoided) == (3, 2, 0, 2)
    assert profile.focus == "hard-talks-at-work"
    assert work.reason == "2 drills ended early"
    assert profile.area("opening-cold").avoided == 1
    assert profile.area("opening-cold").reason == "1 due objection put off"


def test_preparing_instead_of_speaking_shows_in_prep_time_and_replays():
    history = drills("opening-cold", 4, prep_used=1.0, repeats=1)
    profile = build_profile(default_areas(), history, [], NOW)
    assert profile.focus == PREP
    assert profile.areas[0].reason == ("you use 100% of the preparation time; "
                                       "you asked to hear the line again 4 times in 4 answers")


def test_trend_compares_the_last_two_weeks_with_the_two_before():
    older = drills("opening-cold", 3, latency=2.6, hesitations=3, days_ago=20)
    recent = drills("opening-cold", 3, latency=0.8, days_ago=2, first_id=10)
    assert build_profile(default_areas(), older + recent, [], NOW).area("opening-cold").trend == "better"
    worse = drills("opening-cold", 3, latency=0.8, days_ago=20) + drills("opening-cold", 3, latency=2.6,
                                                                          hesitations=3, days_ago=2, first_id=10)
    assert build_profile(default_areas(), worse, [], NOW).area("opening-cold").trend == "worse"
    only_recent = drills("opening-cold", 4, days_ago=2)
    assert build_profile(default_areas(), only_recent, [], NOW).area("opening-cold").trend is None


def test_json_has_the_fields_the_issue_names():
    profile = build_profile(default_areas(), drills("opening-cold", 3, latency=2.2, hesitations=1), [], NOW)
    data = profile.as_json()
    assert data["focus"] == "opening-cold"
    first = data["areas"][0]
    for key in ("id", "label", "drills", "hesitation_rate", "median_latency_s", "hedges_per_answer", "suds_before",
                "mean_score", "trend", "reason"):
        assert key in first
    assert (first["hesitation_rate"], first["median_latency_s"], first["mean_score"]) == (0.33, 2.2, 85)


@pytest.mark.parametrize("signal, value, expected", [
    ("median_latency", 1.0, 0.0), ("median_latency", 2.0, 0.5), ("median_latency", 5.0, 1.0),
    ("mean_score", 90, 0.0), ("mean_score", 50, 0.5), ("suds_before", 55, 0.5), ("avoided", None, None),
])
def test_severity_bands(signal, value, expected):
    assert severity(signal, value) == expected


def test_self_check_answers_are_parsed_or_refused_with_the_fix():
    assert parse_answers("0,1,2,3,4", 5) == (0, 1, 2, 3, 4)
    assert parse_answers("01234", 5) == (0, 1, 2, 3, 4)
    assert parse_answers("0 1 2 3 4", 5) == (0, 1, 2, 3, 4)
    with pytest.raises(TrainerError, match="answer '7' is not one of 0-4"):
        parse_answers("0,1,7,3,4", 5)
    with pytest.raises(TrainerError, match="3 answers given; the self-check has 5 statements"):
        parse_answers("0,1,2", 5)
    with pytest.raises(TrainerError, match="answer 'often' is not one of 0-4"):
        parse_answers("often", 5)


def test_calm_drills_everywhere_give_no_focus():
    history = drills("opening-cold", 4, latency=0.9) + drills("talking-money", 4, latency=1.1, first_id=10)
    profile = build_profile(default_areas(), history, [], NOW)
    assert all(a.severity < 0.15 for a in profile.areas if a.ranked)
    assert profile.focus is None
