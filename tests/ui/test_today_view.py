"""Today: the block `trainer today` would plan, the streak, the standing per pack, and one click to drill."""

from datetime import date

import pytest

from trainer.core.schedule import plan_today
from trainer.store.db import Store
from trainer.store.progress import current_level
from trainer.store.reviews import schedule_cards
from trainer.ui.today_data import streak


def open_today(make_window, qtbot):
    window = make_window()
    view = window.views["today"]
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        window.go("today")
    return window, view


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
