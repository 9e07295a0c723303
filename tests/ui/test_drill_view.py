"""A whole drill in the window, with answer files as the microphone, in real time.

The real runner, the bundled Whisper engine and the real store run behind the view;
the prospect's lines go to files (no sound card here). While the drill runs, a timer
on the UI thread measures how long the event loop ever went without running it.
"""

import time

import re

import pytest
from demo_drills import write_answers
from PySide6.QtCore import Qt, QTimer
from rapidfuzz.distance import Levenshtein

from trainer.core import paths
from trainer.core.packs import find_pack
from trainer.store.db import Store
from trainer.ui.app_settings import ANSWER_FILES, AppSettings
from trainer.ui.widgets.score_card import MetricTile

pytestmark = pytest.mark.slow

PACK, OBJECTION = "price-and-budget", "just-give-me-the-price"  # level 1: one answer, 10 s to prepare
MAX_BLOCK_S = 0.100
MISHEARD_WORDS = 3  # of the answer's 37: Whisper in real time under load once heard "six hours"; a lost clause is 6+


def heard_whole(transcript: str) -> bool:
    """The whole good answer (the model answer) is in the transcript, give or take a misheard word or two."""
    said, heard = (re.findall(r"[a-z0-9']+", text.lower())
                   for text in (find_pack(PACK).objection(OBJECTION).model_answer, transcript))
    return Levenshtein.distance(said, heard) <= MISHEARD_WORDS


class LoopWatch:
    """A 10 ms timer on the UI thread; `worst` is the longest gap between two of its ticks."""

    def __init__(self):
        self.worst = 0.0
        self._last = time.monotonic()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self):
        now = time.monotonic()
        self.worst = max(self.worst, now - self._last)
        self._last = now

    def stop(self):
        self.timer.stop()


@pytest.fixture
def drill_window(drill_from_answers, tmp_path):
    """The window on the Drill view, answering from a folder with one good spoken answer (0.6 s to start)."""
    folder = tmp_path / "answers"
    write_answers(folder, PACK, OBJECTION, ["good"])
    return drill_from_answers(folder, PACK, OBJECTION, 1)


def test_a_drill_runs_in_the_window_and_its_score_card_shows_the_stored_numbers(drill_window, qtbot):
    window, view = drill_window
    stages, progress = [], []
    view.stage_changed.connect(stages.append)
    view.progress_recorded.connect(progress.append)
    watch = LoopWatch()
    qtbot.mouseClick(view.setup.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.stage == "prep", timeout=30_000)  # level 1: ten seconds to get ready after the line
    assert "Skip the slides" in view.stage_card.line.text()
    assert "six dollars" in view.stage_card.help_text.text()
    with qtbot.waitSignal(view.drill_finished, timeout=90_000) as finished:
        qtbot.keyClick(view, Qt.Key.Key_Space)  # I'm ready: the answer is due now
    watch.stop()
    result = finished.args[0]

    assert watch.worst < MAX_BLOCK_S, f"the event loop was blocked for {watch.worst * 1000:.0f} ms"

    # the drill as stored
    with Store() as store:
        stored = store.drill(result.drill_id)
    [turn] = stored.turns
    assert stages[:5] == ["starting", "prospect", "prep", "answer", "speaking"]
    # a warm prospect (level 1) gives a little more after a good question: the prospect speaks once more
    assert [a.kind for a in turn.acts] == ["add_on"]
    assert stages[-3:] == ["scoring", "prospect", "finished"]
    assert stored.status == "finished" and turn.status == "scored"
    assert turn.metrics["latency_s"] == pytest.approx(0.6, abs=0.15)  # the answer file's leading silence
    assert heard_whole(turn.transcript), turn.transcript

    # the score cards show those numbers
    panel = view.result_panel
    assert panel.ring.score == stored.score == result.card.score
    [card] = panel.turn_cards
    assert card.score_card.ring.score == turn.score
    tiles = {t.gauge.name: t.gauge for t in card.score_card.findChildren(MetricTile)}
    assert tiles["Pace"].text == f"{turn.metrics['wpm']:.0f} wpm"
    assert tiles["Response time"].text == f"{turn.metrics['latency_s']:.1f} s"
    assert tiles["Airtime"].text == f"{turn.metrics['airtime_ratio']:.1f}×"  # against the model answer
    assert tiles["Airtime"].target == "target 0.5-2×"
    shown_reasons = [text for text, _ in card.score_card.summary.reasons]
    assert shown_reasons == [r.text for r in turn.reasons]
    shown_moves = dict(card.score_card.summary.moves)
    assert shown_moves == {m.id: m.covered for m in turn.moves} and set(shown_moves) == {"range", "ask", "reason"}
    assert shown_moves["ask"]  # a question a mishearing does not undo ("how many people and how many sites")

    # the drill moved the schedule and the ladder; a take scoring 80+ is offered for the bank
    qtbot.waitUntil(lambda: bool(progress), timeout=10_000)
    [review_of] = progress[0].reviews
    assert review_of.objection_id == OBJECTION and review_of.score == turn.score
    offered = [offer.turn_id for offer in progress[0].offers]
    assert offered == ([turn.id] if turn.score >= 80 else [])
    assert card.save_button.isVisible()
    assert ("Worth keeping" in card.bank_note.text()) == (turn.score >= 80)

    # saved, it is in the bank
    with qtbot.waitSignal(view.take_saved, timeout=10_000) as saved:
        card.save_button.click()
    entry = saved.args[0]
    assert (entry.text, entry.source_turn_id, entry.score) == (turn.transcript, turn.id, turn.score)
    assert entry.recording.is_file() and not card.save_button.isVisible()
    bank = window.views["bank"]
    with qtbot.waitSignal(bank.loaded, timeout=10_000):
        window.go("bank")
    assert [bank.table.item(0, 1).text()] == [turn.transcript] and bank.table.rowCount() == 1

    # and the turn is in Review
    window.go("drill")
    review = window.views["review"]
    with qtbot.waitSignal(review.drill_shown, timeout=10_000):
        panel.review_button.click()
    assert window.current_view() is review
    [turn_view] = review.turn_views
    assert turn_view.score_card.ring.score == turn.score
    assert heard_whole(" ".join(w.text for w in turn_view.transcript.words))
    assert "<u" in turn_view.transcript.text()  # the words that earned its moves are marked


def test_the_app_waits_the_levels_prep_time_after_the_line_counting_it_down(drill_window, qtbot):
    window, view = drill_window
    countdown = []  # the clock's text while getting ready
    view.ticker.timeout.connect(lambda: view.stage == "prep" and countdown.append(view.stage_card.clock.text()))
    qtbot.mouseClick(view.setup.start_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(view.drill_finished, timeout=90_000) as finished:
        pass
    [turn] = finished.args[0].turns
    assert turn.answer_due - turn.prospect_end == pytest.approx(10.0, abs=0.05)  # level 1: 10 s after the line
    assert turn.spans[0].start - turn.prospect_end == pytest.approx(10.6, abs=0.15)  # the file's 0.6 s after it
    assert turn.assessment.metrics.latency_s == pytest.approx(0.6, abs=0.15) and not turn.assessment.metrics.hesitation
    shown = [int(text) for text in countdown if text]
    assert shown[0] >= 9 and shown[-1] <= 1 and shown == sorted(shown, reverse=True)


def test_r_repeats_the_line_and_escape_ends_the_drill_keeping_what_was_said(drill_window, qtbot):
    window, view = drill_window
    qtbot.mouseClick(view.setup.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.stage == "prep", timeout=30_000)
    with qtbot.waitSignal(view.bridge.speech_did_start, timeout=60_000):
        qtbot.keyClick(view, Qt.Key.Key_Space)
    played = paths.cache_dir() / "played"
    qtbot.keyClick(view, Qt.Key.Key_R)  # no speaker here: the lines go to files, so a repeat is a second file
    qtbot.waitUntil(lambda: len(list(played.rglob("playback-*.wav"))) == 2, timeout=10_000)
    with qtbot.waitSignal(view.drill_finished, timeout=30_000) as finished:
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    result = finished.args[0]
    assert (result.status, result.stop_reason, result.turns) == ("abandoned", "stopped", ())
    assert view.result_panel.headline.text() == "Drill stopped"
    with Store() as store:
        [turn] = store.drill(result.drill_id).turns
    assert turn.status == "recovered" and turn.recording.stat().st_size > 44  # the answer so far is kept


def test_a_missing_answers_folder_is_said_on_the_setup_and_nothing_starts(make_window, qtbot, tmp_path):
    window = make_window(AppSettings(answer_source=ANSWER_FILES, answer_folder=str(tmp_path / "nowhere")))
    view = window.views["drill"]
    with qtbot.waitSignal(view.loaded):
        window.go("drill", {"pack_id": PACK, "objection_id": OBJECTION, "level": 3})
    view.start()
    qtbot.waitUntil(lambda: view.setup.problem.isVisible(), timeout=20_000)
    assert "no such folder of answers" in view.setup.problem.text()
    assert view.stage == "setup" and view.session is None
    with Store() as store:
        assert store.drills() == []


RAMBLE = [0.5, "We help distributors stop paying overtime for last minute driver swaps", 0.4,
          "and most of our clients saw the difference within the first month of using it", 0.4,
          "which is why I would love to show you how it works for a team like yours"]


def test_with_the_microphone_space_ends_the_answer_and_the_prospect_plays_on_the_speakers(
        make_window, qtbot, pulse_rig, tmp_path):
    from pulse_rig import MIC_SINK
    from tts_speech import compose

    answer = compose(RAMBLE, tmp_path / "ramble.wav")
    pulse_rig.use_source(f"{MIC_SINK}.monitor")
    window = make_window(AppSettings())  # the microphone, the default speaker
    view = window.views["drill"]
    with qtbot.waitSignal(view.loaded):
        window.go("drill", {"pack_id": PACK, "objection_id": "competitor-is-cheaper", "level": 3})  # no preparation
    ready, ends = [], []
    view.bridge.session_ready.connect(ready.append)
    view.bridge.turn_did_end.connect(lambda event: ends.append((time.monotonic(), event)))
    with qtbot.waitSignal(view.bridge.line_did_play, timeout=60_000):
        view.start()
    assert ready[0].prospect_to.startswith("played on ") and ready[0].answers_from == "the microphone"
    speaker = pulse_rig.play_into_mic(answer.path)
    try:
        qtbot.waitUntil(lambda: view.stage == "speaking", timeout=10_000)
        qtbot.wait(2500)  # two seconds into the answer (of about ten)
        pressed = time.monotonic()
        with qtbot.waitSignal(view.drill_finished, timeout=60_000) as finished:
            qtbot.keyClick(view, Qt.Key.Key_Space)  # I'm done
    finally:
        speaker.kill()
    ended_at, ended = ends[0]
    assert ended.reason == "done" and ended_at - pressed < 1.5  # Space ends the answer at once, whatever the pause
    [turn] = finished.args[0].turns
    assert turn.transcript.lower().startswith("we help") and "show you" not in turn.transcript.lower()
    assert 1.5 < turn.assessment.metrics.talk_s < 4.5  # the ~2.5 s said before Space, not the whole 10 s answer


def test_without_a_microphone_a_drill_says_so_and_stores_nothing(make_window, qtbot):
    window = make_window(AppSettings())  # answer with the microphone; this machine has none
    view = window.views["drill"]
    with qtbot.waitSignal(view.loaded):
        window.go("drill", {"pack_id": PACK, "objection_id": "competitor-is-cheaper", "level": 3})
    with qtbot.waitSignal(view.bridge.session_ended, timeout=60_000):
        view.start()
    assert view.error.isVisible()
    assert "no audio input device found: connect a microphone" in view.error.text.text()
    assert view.stage == "stopped" and view.session is None
    view.error.action_clicked.emit()  # Back
    assert view.stage == "setup" and view.pages.currentWidget() is view.setup
    with Store() as store:
        assert store.drills() == []
