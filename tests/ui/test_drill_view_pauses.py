"""A thinking pause mid-answer in the window (issue 15): the live view keeps saying it is listening,
and the answer is scored once, after the words that follow the pause.

Real time, the real runner and the bundled Whisper engine, the answer from a file.
"""

import pytest
from PySide6.QtCore import Qt
from tts_speech import compose

from trainer.ui.widgets.drill_stage import STAGES

pytestmark = pytest.mark.slow

PACK, OBJECTION = "price-and-budget", "just-give-me-the-price"  # level 1: one answer


def test_a_pause_after_and_shows_still_listening_not_scoring(drill_from_answers, qtbot, tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    compose([0.6, "I hear you, and", 2.5, "can I ask what you had in mind?", 1.5], folder / "01.wav")
    window, view = drill_from_answers(folder, PACK, OBJECTION, 1)
    stages, pills = [], []
    view.stage_changed.connect(stages.append)
    view.stage_changed.connect(lambda stage: pills.append(view.stage_card.state.text()))
    qtbot.mouseClick(view.setup.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.stage == "prep", timeout=10_000)
    with qtbot.waitSignal(view.drill_finished, timeout=90_000) as finished:
        qtbot.keyClick(view, Qt.Key.Key_Space)  # skip the preparation

    answering = stages[stages.index("speaking"):stages.index("scoring") + 1]
    # no scoring flash in the pause: listening, still listening, listening again (and, with Whisper
    # under load, still listening while the pass over the finished answer runs), then scoring
    assert answering[:3] == ["speaking", "pausing", "speaking"] and answering[-1] == "scoring"
    assert set(answering[3:-1]) <= {"pausing"}
    assert STAGES["pausing"][0] in pills and "LISTENING" in STAGES["pausing"][0]
    assert stages.count("scoring") == 1
    [turn] = finished.args[0].turns
    assert "in mind" in turn.transcript.lower()


def test_going_on_after_the_end_was_decided_stops_the_prospect_and_scores_one_answer(
    drill_from_answers, qtbot, tmp_path
):
    folder = tmp_path / "answers"
    folder.mkdir()
    # 2.0 s after the question: the end is decided once Whisper's pass has the words (1.0-1.5 s in on this machine's
    # 2 cores, 2026-12-07; 0.3-1.2 s before: by the load), and the rep goes on within 1.5 s of the line starting.
    # At 1.5 s a pass that came 1.5 s in missed the pause (1 run in 3 after the test above, before and after
    # that day's changes alike).
    compose([0.6, "I understand, it's a real number for three shops. Can I ask what you had in mind?", 2.0,
             "Most bakeries find it pays for itself in overtime within two months.", 1.5], folder / "01.wav")
    window, view = drill_from_answers(folder, PACK, "more-than-expected", 4)  # follow-ups
    stages, resumed = [], []
    view.stage_changed.connect(stages.append)
    view.bridge.answer_did_resume.connect(resumed.append)
    with qtbot.waitSignal(view.drill_finished, timeout=90_000) as finished:
        qtbot.mouseClick(view.setup.start_button, Qt.MouseButton.LeftButton)

    [turn] = finished.args[0].turns
    [event] = resumed
    assert event.turn == 1 and turn.yielded == (event.yielded,)
    assert "overtime" in turn.transcript.lower() and "in mind" in turn.transcript.lower()
    # scored, then back to the answer when the rep went on, then scored once more: one chip for the turn
    assert stages.count("scoring") == 2 and "speaking" in stages[stages.index("scoring"):]
    qtbot.waitUntil(lambda: view.turn_strip.count() == 2)  # the turn's one chip, and the stretch after it
    with qtbot.waitSignal(window.views["review"].drill_shown, timeout=20_000):
        window.go("review", {"drill_id": finished.args[0].drill_id})
    [turn_view] = window.views["review"].turn_views
    assert turn_view.yielded.isVisibleTo(turn_view) and event.yielded.line in turn_view.yielded.text()
