"""Where you hesitate: the Progress panel from stored drills, the self-check dialog (offered on Today at first
start), and the plan it seeds."""

from open_view import open_view
from practice_pack import install_pack
from profile_history import store_answers

from trainer.core.reluctance import default_areas
from trainer.store.db import Store
from trainer.store.selfchecks import latest_selfcheck


def test_the_panel_lists_every_area_worst_first_with_figures_and_reason(make_window, qtbot, isolated_dirs):
    install_pack(isolated_dirs / "data")
    with Store() as store:
        for _ in range(3):
            store_answers(store, "too-expensive", [(2.9, 2, 55)], suds_before=60)
            store_answers(store, "call-next-quarter", [(0.6, 0, 90)])
    window = make_window()
    view = open_view(window, qtbot, "progress")
    panel = view.hesitation
    assert panel.isVisible()
    assert panel.rows[0] == "talking-money" and len(panel.rows) == len(default_areas().areas)
    assert panel.focus.text() == "Focus: Talking about price and budget, from your drills. Today's practice starts there."
    texts = [panel.grid.itemAtPosition(1, c).widget().text() for c in range(9)]
    assert texts == ["Talking about price and budget", "3", "100%", "2.9 s", "2.0", "60", "55", "0", "–"]
    reason = panel.grid.itemAtPosition(2, 0).widget().text()
    assert reason == "3 of 3 answers came after a hesitation; 2.0 hedges or apologies per answer"


def test_the_self_check_is_offered_at_first_start_and_seeds_today(make_window, qtbot):
    window = make_window()
    today = open_view(window, qtbot, "today")
    assert today.selfcheck_button.isVisible()
    dialog = today.open_selfcheck()
    assert not dialog.save_button.isEnabled()
    answers = [4 if area == "asking-for-introductions" else 0 for area, _ in default_areas().statements()]
    dialog.set_answers(answers[:-1])
    assert not dialog.save_button.isEnabled() and dialog.status.text() == "1 statement left"
    dialog.set_answers(answers)
    with qtbot.waitSignal(dialog.saved, timeout=20_000):  # saved in the background
        dialog.save_button.click()
    qtbot.waitUntil(lambda: today.data.selfcheck_taken, timeout=20_000)  # then Today plans again
    assert not today.selfcheck_button.isVisible()
    first = today.data.plan.items[0]
    assert first.why.endswith("your focus: asking for referrals and introductions")
    with Store() as store:
        assert latest_selfcheck(store).answers == tuple(answers)
    progress = open_view(window, qtbot, "progress")
    assert progress.hesitation.rows[0] == "asking-for-introductions"
    assert progress.hesitation.selfcheck_button.text() == "Take the self-check again…"
