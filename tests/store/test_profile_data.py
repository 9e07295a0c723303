"""The profile from a real store: stored drills, answers, abandoned drills, the schedule and the self-check."""

from datetime import datetime, timedelta, timezone

import pytest
from practice_pack import FakeClock, demo_pack
from profile_history import store_answers

from trainer.core.reluctance import default_areas
from trainer.store.db import Store
from trainer.store.profile_data import collect_profile
from trainer.store.reviews import record_review
from trainer.store.selfchecks import latest_selfcheck, save_selfcheck

START = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)


@pytest.fixture
def clocked(isolated_dirs):
    clock = FakeClock(START)
    with Store(isolated_dirs / "data", clock=clock) as store:
        yield store, clock


def test_slow_price_answers_make_money_the_focus(clocked):
    store, _ = clocked
    for _ in range(3):
        store_answers(store, "too-expensive", [(2.9, 1, 55), (2.5, 2, 60)], suds_before=70)
        store_answers(store, "call-next-quarter", [(0.7, 0, 85)])
    profile = collect_profile(store, [demo_pack()])
    money = profile.areas[0]
    assert profile.focus == "talking-money" == money.area.id
    assert (money.drills, money.answers, money.hesitation_rate) == (3, 6, 1.0)
    assert money.median_latency_s == pytest.approx(2.7)
    assert money.hedges_per_answer == 1.5 and money.suds_before == 70 and money.mean_score == 57.5
    assert money.reason == "6 of 6 answers came after a hesitation; you wait 2.7 s before answering (median)"
    assert profile.area("pressing-for-next-step").severity == 0


def test_abandoned_drills_count_as_ended_early_and_overdue_objections_as_put_off(clocked):
    store, clock = clocked
    for _ in range(3):
        store_answers(store, "call-next-quarter", [(0.8, 0, 80)])
    store_answers(store, "too-busy", [(0.8, 0, 80)], status="abandoned")
    record_review(store, "practice-demo", "no-budget", 40, drill_id=None)  # due again in a day or so
    clock.advance(days=10)
    profile = collect_profile(store, [demo_pack()])
    timing, money = profile.area("pressing-for-next-step"), profile.area("talking-money")
    assert (timing.drills, timing.ended_early) == (3, 1)
    assert (money.drills, money.put_off, money.ranked) == (0, 1, False)


def test_drills_of_packs_no_longer_installed_are_left_out(clocked):
    store, _ = clocked
    store_answers(store, "too-expensive", [(3.0, 0, 50)], pack_id="gone-pack")
    assert collect_profile(store, [demo_pack()]).area("talking-money").drills == 0


def test_preparation_time_used_is_a_share_of_the_levels(clocked):
    store, _ = clocked
    for _ in range(3):  # level 1: 10 s to prepare; the rep took 9 of them
        store_answers(store, "too-expensive", [(0.5, 0, 85)], level=1, prep=(4.0, 13.0))
    prep = collect_profile(store, [demo_pack()]).area("preparing-instead-of-calling")
    assert prep.prep_used == pytest.approx(0.9)
    assert prep.reason == "you use 90% of the preparation time"


def test_answer_files_say_nothing_about_preparation_time(clocked):
    store, _ = clocked
    for _ in range(3):  # answer files begin when the preparation time is over
        store_answers(store, "too-expensive", [(0.5, 0, 85)], level=1, prep=(4.0, 14.0), mode="files")
    assert collect_profile(store, [demo_pack()]).area("preparing-instead-of-calling").prep_used is None


def test_the_latest_self_check_is_kept_and_seeds_the_profile(clocked):
    store, clock = clocked
    count = len(default_areas().statements())
    assert latest_selfcheck(store) is None
    save_selfcheck(store, [0] * count)
    clock.advance(days=1)
    answers = [4 if area == "asking-for-introductions" else 0 for area, _ in default_areas().statements()]
    save_selfcheck(store, answers)
    assert latest_selfcheck(store).answers == tuple(answers)
    profile = collect_profile(store, [demo_pack()])
    assert (profile.focus, profile.focus_source) == ("asking-for-introductions", "self-check")
