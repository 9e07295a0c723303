"""A thinking pause mid-answer in the window (issue 15): the live view keeps saying it is listening,
and the answer is scored once, after the words that follow the pause.

Real time, the real runner and a real engine (the bundled Whisper; Vosk where the test needs the end decided
soon), the answer from a file.
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
    drill_from_answers, english_vosk_model, qtbot, tmp_path
):
    folder = tmp_path / "answers"
    folder.mkdir()
    # The rep goes on 1.5 s after the question: after the end is decided and within 1.5 s of the next line starting.
    # With Vosk's live words the end came 0.34-0.62 s into the pause in 3 runs (the 0.25 s question hold; words settled
    # 0.3 s). Whisper's pass decided it 0.3-1.6 s in, later the more the machine was loaded, and past 2.0 s under
    # a load of other work: the turn then rightly heard one answer with a pause, and this test failed (4 of 8 runs).
    compose([0.6, "I understand, it's a real number for three shops. Can I ask what you had in mind?", 1.5,
             "Most bakeries find it pays for itself in overtime within two months.", 1.5], folder / "01.wav")
    window, view = drill_from_answers(folder, PACK, "more-than-expected", 4,  # follow-ups
                                      engine="vosk", model=str(english_vosk_model))
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
