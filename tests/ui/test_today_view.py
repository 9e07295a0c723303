"""Today: the coach's assignments, the block `trainer today` would plan, the streak, the standing per pack,
and one click to drill."""

from datetime import date, timedelta

import pytest
from open_view import open_view

from trainer.core.assignments import (
    DONE,
    OPEN,
    OVERDUE,
    AssignmentProgress,
    PackAssignment,
    assignments_dir,
    import_assignment,
    urgency,
    write_assignment,
)
from trainer.core.pack_model import Assignment
from trainer.core.packs import find_pack
from trainer.core.schedule import plan_today
from trainer.store.db import Store
from trainer.store.progress import current_level, set_level
from trainer.store.reviews import schedule_cards
from trainer.ui.today_data import practise_level, streak
from trainer.ui.widgets.assignment_row import due_words


def open_today(make_window, qtbot):
    window = make_window()
    return window, open_view(window, qtbot, "today")


def test_a_new_rep_is_welcomed_and_offered_level_1_objections(make_window, qtbot):
    window, view = open_today(make_window, qtbot)
    assert window.current_view() is view  # the app opens on Today
    assert view.welcome.isVisible() and not view.standing.isVisible()
    items = view.data.plan.items
    assert items and all(item.level == 1 and item.why == "new at level 1" for item in items)
    assert view.stats["done"].value.text() == "0" and view.stats["streak"].value.text() == "0"


@pytest.mark.slow
def test_with_a_history_today_plans_what_trainer_today_plans_and_starts_a_drill(make_window, qtbot, history):
    window, view = open_today(make_window, qtbot)
    data = view.data
    with Store() as store:
        practised = [window.ctx.pack(p) for p in ("cold-call-brush-offs", "price-and-budget")]
        expected = plan_today(practised, lambda pack, category: current_level(store, pack, category),
                              schedule_cards(store), store.clock())
    assert [(i.pack_id, i.objection_id) for i in data.plan.items] == [
        (i.pack_id, i.objection_id) for i in expected.items]
    assert not view.welcome.isVisible() and data.finished == 4
    assert {pack.id for pack, _ in data.standings} == {"cold-call-brush-offs", "price-and-budget"}
    assert any("level-1" in sentence for sentence in data.suds)
    first = data.plan.items[0]
    drill = window.views["drill"]
    with qtbot.waitSignal(drill.loaded, timeout=10_000):
        view.start_button.click()
    assert window.current_view() is drill
    assert drill.setup.objection_combo.currentData() == first.objection_id


def test_the_streak_counts_days_in_a_row_up_to_today_or_yesterday():
    today = date(2026, 5, 10)
    days = {date(2026, 5, 7), date(2026, 5, 8), date(2026, 5, 9)}
    assert streak(days, today) == 3  # not yet practised today: the streak still stands
    assert streak(days | {today}, today) == 4
    assert streak({date(2026, 5, 8)}, today) == 0
    assert streak(set(), today) == 0


def send(tmp_path, pack_id, *, target, required, due_in, assigned_ago):
    """Import an assignment file written as `trainer assign` writes it (what the Packs view's import does)."""
    today = date.today()
    item = PackAssignment(pack_id, Assignment("Kim Ortiz", "Sam", today + timedelta(days=due_in), target, required),
                          today - timedelta(days=assigned_ago))
    write_assignment(item, tmp_path / f"{pack_id}.yaml")
    import_assignment(tmp_path / f"{pack_id}.yaml", [find_pack(pack_id)])


@pytest.mark.slow
def test_assignments_show_their_progress_overdue_first_and_practise_at_the_right_level(make_window, qtbot, history,
                                                                                      tmp_path):
    with Store() as store:  # the rep has climbed to level 3 in price-and-budget
        set_level(store, find_pack("price-and-budget"), 3)
    # history: price-and-budget at level 3 one day ago (and level 1 three and nine days ago) -> 1 at level 3+
    send(tmp_path, "price-and-budget", target=3, required=4, due_in=5, assigned_ago=10)
    # cold-call-brush-offs: only a level-1 drill six days ago -> 0 at level 2+, due two days ago
    send(tmp_path, "cold-call-brush-offs", target=2, required=3, due_in=-2, assigned_ago=10)
    window, view = open_today(make_window, qtbot)
    assert view.assignments.isVisible()
    late, open_ = view.assignment_views
    assert (late.progress.pack, late.progress.drills_done, late.progress.level, late.progress.status) == (
        "cold-call-brush-offs", 0, 1, OVERDUE)
    assert late.due.text() == "2 days OVERDUE" and late.due.property("kind") == "pill_bad"
    assert late.count.text() == "0 of 3 drills" and late.bar.value() == 0
    assert (open_.progress.pack, open_.progress.drills_done, open_.progress.level, open_.progress.status) == (
        "price-and-budget", 1, 3, OPEN)
    assert open_.due.text() == "due in 5 days" and open_.count.text() == "1 of 4 drills"
    assert open_.bar.value() == 1 and open_.bar.maximum() == 4

    drill = window.views["drill"]
    with qtbot.waitSignal(drill.loaded, timeout=10_000):
        open_.practise_button.click()  # reached the target level 3: practise at it
    assert (drill.setup.pack_combo.currentData(), drill.setup.level_combo.currentData()) == ("price-and-budget", 3)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        window.go("today")
    with qtbot.waitSignal(drill.loaded, timeout=10_000):
        view.assignment_views[0].practise_button.click()  # below the target 2: practise at their level 1
    assert (drill.setup.pack_combo.currentData(), drill.setup.level_combo.currentData()) == ("cold-call-brush-offs", 1)


def test_without_assignments_there_is_no_assignments_card(make_window, qtbot):
    window, view = open_today(make_window, qtbot)
    assert not view.assignments.isVisible() and view.data.assignments.progress == ()


def test_a_broken_assignment_file_is_mentioned_with_a_way_to_packs(make_window, qtbot):
    assignments_dir().mkdir(parents=True)
    (assignments_dir() / "old.yaml").write_text("format: repdrill-assignment/1\npack: price-and-budget\n")
    window, view = open_today(make_window, qtbot)
    assert view.assignments.isVisible() and view.assignment_views == []
    [error] = view.data.assignments.broken
    assert error.problems[0].file == str(assignments_dir() / "old.yaml")
    note, see = (view.broken_note.itemAt(i).widget() for i in range(2))
    assert note.text() == "1 assignment file cannot be read."
    packs = window.views["packs"]
    with qtbot.waitSignal(packs.loaded, timeout=10_000):
        see.click()
    assert window.current_view() is packs


def progress(status, due, level=2, target=3, done=1):
    return AssignmentProgress("p", "Kim", "Sam", None, due, target, 4, done, level, status)


def test_due_days_read_as_words_in_their_tone():
    today = date(2026, 3, 10)
    assert due_words(progress(OVERDUE, date(2026, 3, 8)), today) == ("2 days OVERDUE", "bad")
    assert due_words(progress(OVERDUE, date(2026, 3, 9)), today) == ("1 day OVERDUE", "bad")
    assert due_words(progress(OPEN, today), today) == ("due today", "warn")
    assert due_words(progress(OPEN, date(2026, 3, 11)), today) == ("due tomorrow", "warn")
    assert due_words(progress(OPEN, date(2026, 3, 13)), today) == ("due in 3 days", "warn")
    assert due_words(progress(OPEN, date(2026, 3, 20)), today) == ("due in 10 days", "muted")
    assert due_words(progress(OPEN, None), today) == ("no due date", "muted")
    assert due_words(progress(DONE, date(2026, 3, 1), done=4), today) == ("done", "good")


def test_overdue_first_then_by_due_day_and_practise_at_the_target_once_reached():
    items = [progress(DONE, date(2026, 3, 1)), progress(OPEN, None), progress(OPEN, date(2026, 3, 20)),
             progress(OVERDUE, date(2026, 3, 9)), progress(OPEN, date(2026, 3, 12))]
    assert [(p.status, p.due) for p in sorted(items, key=urgency)] == [
        (OVERDUE, date(2026, 3, 9)), (OPEN, date(2026, 3, 12)), (OPEN, date(2026, 3, 20)), (OPEN, None),
        (DONE, date(2026, 3, 1))]
    assert practise_level(progress(OPEN, None, level=2, target=3)) == 2
    assert practise_level(progress(OPEN, None, level=4, target=3)) == 3
    assert practise_level(progress(OPEN, None, level=None, target=3)) == 3
