"""Review: playing back an answer lights its words in time; deleting a drill asks first, then removes it all."""

import pytest
from PySide6.QtWidgets import QMessageBox

from trainer.store.db import Store
from trainer.store.recordings import drill_recordings_dir
from trainer.ui.widgets.score_card import MetricTile

pytestmark = pytest.mark.slow


@pytest.fixture
def review(make_window, qtbot, history):
    window = make_window()
    view = window.views["review"]
    with qtbot.waitSignal(view.drill_shown, timeout=20_000):
        window.go("review")
    return view


def test_playing_an_answer_lights_each_word_as_it_is_heard(review, qtbot):
    [turn_view] = review.turn_views
    words = turn_view.transcript.words
    lit = []
    review.player.position_changed.connect(lambda seconds: lit.append((seconds, turn_view.transcript.current)))
    with qtbot.waitSignal(review.player.finished, timeout=60_000):
        turn_view.play_answer_button.click()
        assert turn_view.play_answer_button.text().endswith("Stop")
    assert turn_view.play_answer_button.text().endswith("Answer") and turn_view.transcript.current is None
    indices = [i for _, i in lit if i is not None]
    assert indices == sorted(indices)  # words light up in order
    assert len(set(indices)) >= len(words) * 0.8
    rep_start = turn_view.turn.rep_start
    for seconds, index in lit:
        if index is not None:  # the lit word is the one spoken at that moment
            word = words[index]
            assert word.start <= rep_start + seconds <= word.end + 0.35 + 0.05


def test_playing_the_line_plays_the_prospects_audio(review, qtbot):
    [turn_view] = review.turn_views
    with qtbot.waitSignal(review.player.finished, timeout=30_000):
        turn_view.play_line_button.click()
    assert review._playing is None


def test_deleting_a_drill_asks_first_and_then_removes_it_with_its_recordings(review, qtbot, history, monkeypatch):
    drill_id = review.drill.id
    folder = history / drill_recordings_dir(drill_id)
    assert folder.is_dir()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    review.delete_button.click()
    with Store() as store:
        assert store.drill(drill_id)  # still there
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(review.drill_deleted, timeout=10_000):
        review.delete_button.click()
    with qtbot.waitSignal(review.drill_shown, timeout=10_000):
        pass  # the list reloads and shows the next drill
    with Store() as store:
        assert drill_id not in [d.id for d in store.drills()]
    assert not folder.exists()
    assert review.drill_list.count() == 3 and review.drill.id != drill_id


def stored_turn_view(qtbot, level, finish=False, **commit):
    """Review's view of one stored answer to 'more-than-expected' (price-and-budget): `commit` as stored."""
    from trainer.core.packs import find_pack
    from trainer.ui.views.review import TurnView

    pack = find_pack("price-and-budget")
    node = pack.objection("more-than-expected")
    with Store() as store:
        drill_id = store.start_drill(pack.id, level)
        handle = store.begin_turn(drill_id, objection_id=node.id, node_id=node.id, prospect_line=node.lines[0])
        store.commit_turn(handle.turn_id, **commit)
        if finish:
            store.finish_drill(drill_id, outcome=None, score=commit["score"], metrics={}, status="finished")
        [turn] = store.drill(drill_id).turns
    view = TurnView(turn, pack, lambda *_: None)
    qtbot.addWidget(view)
    return turn, view


def test_a_stored_answer_with_no_speech_reads_no_answer_never_zero(qtbot, app):
    """Null, not zero (issue 14): a silent answer's pace, fillers and airtime, stored and shown in Review."""
    from trainer.core.metrics import model_answer_seconds, turn_metrics
    from trainer.core.packs import find_pack

    node = find_pack("price-and-budget").objection("more-than-expected")
    silent = turn_metrics([], [], 2.0, prospect_start=0.0, model_answer_s=model_answer_seconds(node.model_answer))
    turn, view = stored_turn_view(qtbot, 3, finish=True, transcript="", words=[], score=10, metrics=silent.as_json())
    assert (turn.metrics["wpm"], turn.metrics["fillers_per_min"], turn.metrics["airtime_ratio"]) == (None, None, None)
    tiles = {tile.gauge.name: tile.gauge.text for tile in view.score_card.findChildren(MetricTile)}
    assert {name: tiles[name] for name in ("Pace", "Response time", "Fillers", "Airtime")} == dict.fromkeys(
        ("Pace", "Response time", "Fillers", "Airtime"), "no answer")


def test_review_says_how_often_the_line_was_repeated(qtbot, app):
    """Repeats are stored per turn and shown (issue 14): the response time counts from the last replay."""
    turn, view = stored_turn_view(qtbot, 1, transcript="Fair point.", words=[], score=60, metrics={}, repeats=2,
                                  prospect_end=3.0, answer_due=9.5)
    assert (turn.repeats, turn.answer_due) == (2, 9.5)
    assert view.repeats.text() == ("You asked to hear the line again twice: your response time counts from the end "
                                   "of the last replay")
    assert not view.repeats.isHidden()


def test_the_filler_count_says_how_far_it_can_be_trusted(qtbot, app):
    """Engines write down few um/uh (issue 14, docs/metrics.md): fillers heard in the sound make the count an
    estimate; a turn stored before that counted the written ones alone, a floor."""
    metrics = {"talk_s": 8.0, "wpm": 140.0, "fillers": 1, "fillers_per_min": 7.5}
    _, view = stored_turn_view(qtbot, 3, transcript="Fair point.", words=[], score=70,
                               metrics=metrics | {"fillers_in_sound": 1})
    [tile] = [t for t in view.score_card.findChildren(MetricTile) if t.gauge.name == "Fillers"]
    assert (tile.gauge.text, tile.gauge.target) == ("7.5/min", "at most 5/min · an estimate")
    assert "sounds found in your recording" in tile.toolTip()
    _, view = stored_turn_view(qtbot, 3, transcript="Fair point.", words=[], score=70, metrics=metrics)
    [tile] = [t for t in view.score_card.findChildren(MetricTile) if t.gauge.name == "Fillers"]
    assert (tile.gauge.text, tile.gauge.target) == ("7.5/min", "at most 5/min · a lower bound")
    assert "at least this many fillers" in tile.toolTip()


def test_the_words_that_earned_a_move_are_marked_in_the_transcript(qtbot, app):
    """Evidence stays (issue 13): the rep sees which of their own words earned each move."""
    from trainer.core.transcript import Word
    from trainer.ui.widgets.transcript import TranscriptView

    words = [Word(t, i * 0.3, i * 0.3 + 0.25) for i, t in enumerate(
        "no worries I get it how do you plan the rotas".split())]
    view = TranscriptView()
    qtbot.addWidget(view)
    view.set_words(words, evidence=[("acknowledge", range(0, 5)), ("ask", range(5, 11))])
    html = view.text()
    assert html.count("<u") == 11  # every evidence word underlined
    assert html.index("acknowledge</sup>") > html.index(">it</u>") and html.index("ask</sup>") > html.index(">rotas</u>")
    view.set_words(words, evidence=[("ask", range(8, 40))])  # a range past the words (a damaged row) is ignored
    assert "<u" not in view.text()
    view.highlight_at(words[6].start + 0.1)  # playback still lights the current word
    assert view.current == 6


def test_review_shows_where_the_prospect_cut_in(qtbot, app):
    """A cut-in is stored with the turn and shown (issue 19): a pill in the header and the line they said."""
    from PySide6.QtWidgets import QLabel

    from trainer.store.records import ProspectAct, TurnTimings

    act = ProspectAct("cut_in", "Sorry, what are you actually asking me?", 14.2)
    turn, view = stored_turn_view(qtbot, 5, transcript="We help bakeries like yours", words=[], score=40,
                                  metrics={"talk_s": 10.0, "longest_monologue_s": 10.04}, acts=[act],
                                  timings=TurnTimings(speech_end=14.2, next_audio_start=14.2))
    assert turn.acts == (act,)
    assert view.acts.text() == ("The prospect cut in after 10 s of talk without a pause: “Sorry, what are you "
                                "actually asking me?” Make your point, ask, then stop.")
    assert not view.acts.isHidden() and view.gap.isHidden()  # they came in while the rep talked: no gap to feel
    assert "cut in" in [w.text() for w in view.findChildren(QLabel)]
