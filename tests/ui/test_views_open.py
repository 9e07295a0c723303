"""Every view opens on an empty data folder and on one with stored drills, and shows what is there."""

import pytest

from trainer.store.db import Store
from trainer.ui.main_window import view_classes


def open_view(window, qtbot, key):
    view = window.views[key]
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        window.go(key)
    return view


def test_the_navigation_lists_the_views_in_order(make_window, qtbot):
    window = make_window()
    names = [window.nav.item(i).text().strip() for i in range(window.nav.count())]
    assert names == [cls.title_text for cls in view_classes()]
    assert names == ["Today", "Drill", "Review", "Bank", "Progress", "Packs", "Team", "Settings"]


@pytest.mark.parametrize("key", [cls.key for cls in view_classes()])
def test_each_view_opens_on_an_empty_data_folder(make_window, qtbot, key):
    window = make_window()
    view = open_view(window, qtbot, key)
    assert window.current_view() is view
    assert not window.error_banner.isVisible(), window.error_banner.text.text()
    empty = getattr(view, "empty", None)
    if empty is not None:
        assert empty.isVisible()


@pytest.mark.slow
@pytest.mark.parametrize("key", [cls.key for cls in view_classes()])
def test_each_view_opens_with_stored_drills(make_window, qtbot, history, key):
    window = make_window()
    view = open_view(window, qtbot, key)
    assert not window.error_banner.isVisible(), window.error_banner.text.text()
    empty = getattr(view, "empty", None)
    if empty is not None:
        assert empty.isVisible() == (key == "team")  # Team shows reps' report files, not the stored drills


@pytest.mark.slow
def test_review_lists_every_stored_drill_newest_first_and_shows_its_turns(make_window, qtbot, history):
    with Store() as store:
        stored = store.drills()
    window = make_window()
    review = window.views["review"]
    with qtbot.waitSignal(review.drill_shown, timeout=20_000) as shown:
        window.go("review")
    ids = [review.drill_list.item(i).data(0x0100) for i in range(review.drill_list.count())]
    assert ids == [d.id for d in stored] and len(ids) == 4
    assert shown.args == [stored[0].id]
    [turn] = review.turn_views
    with Store() as store:
        [stored_turn] = store.drill(stored[0].id).turns
    assert turn.score_card.ring.score == stored_turn.score
    assert turn.transcript.words == list(stored_turn.words)


@pytest.mark.slow
def test_progress_charts_one_point_per_finished_drill_with_the_target_bands(make_window, qtbot, history):
    window = make_window()
    progress = open_view(window, qtbot, "progress")
    series = progress.series
    assert len(series) == 4
    with Store() as store:
        scores = [d.score for d in reversed(store.drills())]
    assert list(series.score) == scores
    chart = progress.cards["wpm"].chart
    assert chart.band == series.targets.pace_band == (120.0, 160.0)  # all packs: the default targets
    assert progress.cards["score"].value.text() == f"{scores[-1]:.0f}"
    assert [s.name for s in progress.cards["suds"].chart.series] == ["Before", "After"]
    assert "anxiety before level-1 drills fell from 70 to 50" in progress.suds_note.text().lower()

    # one pack: its own targets and only its drills
    progress.pack_filter.setCurrentIndex(progress.pack_filter.findData("price-and-budget"))
    with qtbot.waitSignal(progress.loaded):
        progress.pack_filter.activated.emit(progress.pack_filter.currentIndex())
    assert len(progress.series) == 3
    assert progress.cards["wpm"].chart.band == window.ctx.pack("price-and-budget").targets.pace_band
