"""The bank, the ladder levels, SUDS and the schedule in a real SQLite store (fake wall clock where time matters)."""

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
import soundfile
from practice_pack import FakeClock, demo_pack, store_drill, turn

from trainer.core.bank import BankEntry
from trainer.core.bank_files import read_bank_file, write_bank_file
from trainer.core.errors import TrainerError
from trainer.core.ladder import HOLD, OFFER_STEP_BACK, PROMOTE
from trainer.core.schedule import plan_today
from trainer.core.levels import level_rules
from trainer.store.bank import (
    add_entry,
    add_from_turn,
    bank_entries,
    bank_entry,
    help_for,
    import_entries,
    update_entry,
)
from trainer.store.check import check
from trainer.store.db import Store
from trainer.store.progress import (
    current_level,
    ladder_status,
    record_progress,
    set_level,
    suds_progress,
)
from trainer.store.reviews import schedule_cards

PACK = demo_pack()
START = datetime(2025, 3, 3, 8, 0, tzinfo=timezone.utc)
GOOD = "Fair point. What would it need to pay back for you?"


@pytest.fixture
def clocked(tmp_path):
    """A store on a fake clock that moves a second per reading."""
    clock = FakeClock(START)
    with Store(tmp_path / "clocked", clock=clock) as store:
        store.fake_clock = clock
        yield store


def first_turn(store, drill_id):
    return store.drill(drill_id).turns[0]


def test_banking_a_take_copies_its_audio_so_deleting_the_drill_keeps_it(store):
    drill_id = store_drill(store, 1, [turn("too-expensive", 86, GOOD)])
    take = first_turn(store, drill_id)
    entry, added = add_from_turn(store, take.id, PACK, tags=["ROI"])
    assert added
    assert (entry.text, entry.transcript, entry.score, entry.category, entry.tags) == (GOOD, GOOD, 86, "price", ("roi",))
    assert entry.recording == store.data_dir / f"recordings/bank/{entry.id}.wav"
    original, _ = soundfile.read(take.recording, dtype="int16")
    store.delete_drill(drill_id)
    assert not take.recording.exists()
    kept, rate = soundfile.read(bank_entry(store, entry.id).recording, dtype="int16")
    assert rate == 16_000 and np.array_equal(kept, original) and len(kept) == 8000
    assert bank_entry(store, entry.id).source_turn_id is None  # the turn is gone; the entry stays
    assert check(store).ok


def test_the_same_words_are_never_banked_twice(store):
    drill_id = store_drill(store, 1, [turn("too-expensive", 86, GOOD)])
    take = first_turn(store, drill_id)
    first, added = add_from_turn(store, take.id, PACK)
    again, added_again = add_from_turn(store, take.id, PACK)
    typed, added_typed = add_entry(store, BankEntry(None, "fair point -- what would it NEED to pay back for you",
                                                    "too-expensive", "practice-demo"))
    assert added and not added_again and not added_typed
    assert first.id == again.id == typed.id
    assert len(bank_entries(store, include_retired=True)) == 1


def test_a_turn_without_words_cannot_be_banked(store):
    drill_id = store_drill(store, 1, [turn("too-expensive", 20, "")])
    with pytest.raises(TrainerError, match=r"turn \d+ has no transcribed answer to bank"):
        add_from_turn(store, first_turn(store, drill_id).id, PACK)
    with pytest.raises(TrainerError, match="there is no turn 999"):
        add_from_turn(store, 999, PACK)


def test_edit_tag_star_and_retire(store):
    one, _ = add_entry(store, BankEntry(None, GOOD, "too-expensive", "practice-demo", "price"))
    two, _ = add_entry(store, BankEntry(None, "Which budget is it?", "no-budget", "practice-demo", "price"))
    edited = update_entry(store, one.id, text="  Fair. What would it need to pay back?  ", tags=["Short", "roi"])
    assert (edited.text, edited.tags) == ("Fair. What would it need to pay back?", ("roi", "short"))
    assert update_entry(store, two.id, starred=True).starred
    update_entry(store, one.id, retired=True)
    assert [e.id for e in bank_entries(store)] == [two.id]
    assert {e.id for e in bank_entries(store, include_retired=True)} == {one.id, two.id}
    assert [e.id for e in bank_entries(store, tag="ROI", include_retired=True)] == [one.id]
    assert [e.id for e in bank_entries(store, starred_only=True)] == [two.id]
    three, _ = add_entry(store, BankEntry(None, "Another opener.", "too-expensive", "practice-demo", "price"))
    with pytest.raises(TrainerError, match=f"bank entry {one.id} already has these words"):
        update_entry(store, three.id, text="fair -- what would it need to PAY back")
    assert update_entry(store, three.id, text="Which budget is it?").text == "Which budget is it?"  # other objection
    with pytest.raises(TrainerError, match="the new text is empty"):
        update_entry(store, one.id, text="   ")
    with pytest.raises(TrainerError, match="there is no bank entry 42"):
        update_entry(store, 42, starred=True)


@pytest.mark.parametrize("name", ["bank.md", "bank.csv"])
def test_export_import_round_trip_loses_nothing_and_never_duplicates(store, tmp_path, name):
    drill_id = store_drill(store, 1, [turn("too-expensive", 86, GOOD)])
    audio, _ = add_from_turn(store, first_turn(store, drill_id).id, PACK, text="Fair.\n\nWhat would it need?",
                             tags=["roi"])
    update_entry(store, audio.id, starred=True)
    typed, _ = add_entry(store, BankEntry(None, 'Which budget, "really"?', "no-budget", "practice-demo", "price",
                                          tags=("budget", "short")))
    update_entry(store, typed.id, retired=True)
    before = bank_entries(store, include_retired=True)
    path = tmp_path / name
    write_bank_file(path, before)

    with Store(tmp_path / "elsewhere") as other:
        result = import_entries(other, read_bank_file(path))
        assert (result.added, result.updated, result.unchanged, result.without_audio) == (2, 0, 0, 0)
        after = bank_entries(other, include_retired=True)
        keep = ("text", "transcript", "pack_id", "objection_id", "category", "tags", "score", "starred", "retired",
                "created_at", "updated_at")
        assert [{k: getattr(e, k) for k in keep} for e in after] == [{k: getattr(e, k) for k in keep} for e in before]
        copied = next(e for e in after if e.objection_id == "too-expensive").recording
        source = next(e for e in before if e.objection_id == "too-expensive").recording
        assert copied.parent == other.data_dir / "recordings" / "bank"
        assert np.array_equal(soundfile.read(copied, dtype="int16")[0], soundfile.read(source, dtype="int16")[0])
        assert check(other).ok
        again = import_entries(other, read_bank_file(path))
        assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
        assert len(bank_entries(other, include_retired=True)) == 2

    back = import_entries(store, read_bank_file(path))
    assert (back.added, back.updated, back.unchanged) == (0, 0, 2)
    assert bank_entries(store, include_retired=True) == before


def test_import_merges_tags_and_stars_into_an_existing_entry(store, tmp_path):
    entry, _ = add_entry(store, BankEntry(None, GOOD, "too-expensive", "practice-demo", tags=("roi",)))
    path = tmp_path / "b.md"
    write_bank_file(path, [BankEntry(None, GOOD.upper(), "too-expensive", "practice-demo", tags=("short",),
                                     starred=True)])
    result = import_entries(store, read_bank_file(path))
    assert (result.added, result.updated) == (0, 1)
    merged = bank_entry(store, entry.id)
    assert merged.tags == ("roi", "short") and merged.starred and merged.text == GOOD


def test_import_from_another_machine_says_the_audio_stayed_there(store, tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("pack,objection,text,recording\npractice-demo,too-expensive,Hello there,/nowhere/1.wav\n")
    result = import_entries(store, read_bank_file(path))
    assert (result.added, result.without_audio) == (1, 1)
    assert bank_entries(store)[0].recording is None


def test_after_a_drill_a_high_scoring_take_is_offered_and_a_low_one_is_not(store):
    drill_id = store_drill(store, 1, [turn("too-expensive", 86, GOOD), turn("call-next-quarter", 55, "Sure, later."),
                                      turn("too-expensive", 92, "Happy to.", node="asks-more")])
    progress = record_progress(store, PACK, drill_id)
    assert [(o.objection_id, o.score) for o in progress.offers] == [("too-expensive", 86)]
    offer = progress.offers[0]
    assert offer.turn_id == first_turn(store, drill_id).id and offer.recording.is_file()
    add_from_turn(store, offer.turn_id, PACK)
    assert record_progress(store, PACK, drill_id).offers == []  # banked already: not offered again
    assert progress.as_json()["bank_offers"][0]["reason"] == "scored 86 (offered at 80+)"


def test_three_passing_drills_promote_and_the_next_level_starts_afresh(clocked):
    decisions = []
    for score in (72, 90, 81):
        drill_id = store_drill(clocked, 1, [turn("too-expensive", score)], audio=False)
        decisions.append(record_progress(clocked, PACK, drill_id).decisions[0])
    assert [d.action for d in decisions] == [HOLD, HOLD, PROMOTE]
    assert decisions[1].reason == ("2 of your 2 level-1 drills so far scored 70+ without a hesitation; one more to "
                                   "move up")
    assert current_level(clocked, PACK) == 2
    status = ladder_status(clocked, PACK)
    assert (status.level, status.action, status.passes) == (2, HOLD, 0)
    assert status.reason.startswith("no level-2 drills yet")


def test_a_hesitation_or_an_abandoned_drill_does_not_count_as_a_pass(clocked):
    store_drill(clocked, 1, [turn("too-expensive", 90)], hesitations=1, audio=False)
    store_drill(clocked, 1, [turn("too-expensive", 95)], status="abandoned", audio=False)
    status = ladder_status(clocked, PACK)
    assert (status.passes, status.needed) == (0, 3)
    assert status.reason.endswith("(the last one had one hesitation)")


def test_repeated_failures_offer_a_step_back_which_the_rep_may_take(clocked):
    set_level(clocked, PACK, 3)
    for score in (40, 35, 45):
        drill_id = store_drill(clocked, 3, [turn("cheaper-elsewhere", score)], audio=False)
        decision = record_progress(clocked, PACK, drill_id).decisions[0]
    assert decision.action == OFFER_STEP_BACK and decision.to_level == 2
    assert current_level(clocked, PACK) == 3  # only offered
    set_level(clocked, PACK, 2)
    assert ladder_status(clocked, PACK).reason.startswith("no level-2 drills yet")


def test_each_category_keeps_its_own_level(clocked):
    for _ in range(3):
        drill_id = store_drill(clocked, 1, [turn("too-expensive", 90), turn("call-next-quarter", 40)], audio=False)
        decisions = record_progress(clocked, PACK, drill_id).decisions
    # the drill as a whole scored 65: the pack holds; its price answers passed, its timing answers did not
    assert [(d.action, d.reason.split(" scored")[0]) for d in decisions] == [
        (HOLD, "0 of your 3 level-1 drills so far"),
        (PROMOTE, "3 of your 3 level-1 price drills so far"),
        (HOLD, "your last 3 level-1 timing drills"),  # under 50 three times, but there is no level 0
    ]
    assert (current_level(clocked, PACK), current_level(clocked, PACK, "price"),
            current_level(clocked, PACK, "timing")) == (1, 2, 1)
    with pytest.raises(TrainerError, match="pack 'practice-demo' has no category 'pricing'"):
        set_level(clocked, PACK, 2, "pricing")
    with pytest.raises(TrainerError, match="there is no level 6; levels are 1-5"):
        set_level(clocked, PACK, 6)


def test_suds_trend_per_level(clocked):
    for before, after in ((70, 50), (60, 40), (55, 45), (40, 30), (38, 20), (35, 25)):
        store_drill(clocked, 3, [turn("too-expensive", 60)], suds=(before, after), audio=False)
    store_drill(clocked, 1, [turn("too-expensive", 60)], suds=(30, None), audio=False)
    store_drill(clocked, 1, [turn("too-expensive", 60)], audio=False)
    assert suds_progress(clocked, "practice-demo") == {
        1: ["your anxiety before level-1 drills: 30 (one rating so far)"],
        3: ["your anxiety before level-3 drills fell from 65 to 36 over 6 drills",
            "your anxiety drops 15 points during a level-3 drill, on average"],
    }
    assert suds_progress(clocked, "another-pack") == {}


def test_thirty_days_of_todays_blocks_bring_weak_objections_back_more_often(clocked):
    """Each day the rep drills today's block; price answers are weak, timing answers strong."""
    scores = {"too-expensive": 40, "no-budget": 45, "call-next-quarter": 92, "too-busy": 95}
    set_level(clocked, PACK, 2)
    drilled = dict.fromkeys(scores, 0)
    for _ in range(30):
        plan = plan_today([PACK], lambda pack, category: 2, schedule_cards(clocked), clocked.fake_clock.now)
        due = [item.objection_id for item in plan.items if item.due is None or not item.why.startswith("early")]
        for objection_id in due:
            drill_id = store_drill(clocked, 2, [turn(objection_id, scores[objection_id])], audio=False)
            record_progress(clocked, PACK, drill_id)
            drilled[objection_id] += 1
        clocked.fake_clock.advance(days=1)
    assert drilled["too-expensive"] >= 25 and drilled["no-budget"] >= 25
    assert drilled["call-next-quarter"] <= 4 and drilled["too-busy"] <= 4
    assert "cheaper-elsewhere" not in drilled
    reviews = clocked.query("SELECT count(*) AS n FROM reviews")[0]["n"]
    assert reviews == sum(drilled.values())
    card = schedule_cards(clocked)[("practice-demo", "too-busy")]
    assert card.due - clocked.fake_clock.now > timedelta(days=5)


def test_help_for_a_line_reads_the_reps_bank_at_level_two_only(store):
    objection = PACK.objection("too-expensive")
    entry, _ = add_entry(store, BankEntry(None, "My own words.", "too-expensive", "practice-demo", "price"))
    add_entry(store, BankEntry(None, "Another pack's words.", "too-expensive", "other-pack"))
    shown = help_for(store, "practice-demo", objection, level_rules(2))
    assert (shown.kind, shown.text, shown.entry_id) == ("bank", "My own words.", entry.id)
    assert help_for(store, "practice-demo", objection, level_rules(1)).text == objection.model_answer
    update_entry(store, entry.id, retired=True)
    assert help_for(store, "practice-demo", objection, level_rules(2)).kind == "none"
