"""The live drill shows what the prospect does by temperament (issue 19): an act (a cut-in, a reaction,
an add-on) is shown as it is said, with the line it comes before, or alone after the last answer.

Real time, the real runner and the bundled Whisper engine, the answer from a file: at level 1 every
prospect is warm at most, and a warm prospect gives a little more after a good question.
"""

import pytest
from PySide6.QtCore import Qt
from tts_speech import compose

from trainer.core.temperaments import generic_lines

pytestmark = pytest.mark.slow

PACK, OBJECTION = "price-and-budget", "just-give-me-the-price"  # level 1: one answer


def test_the_prospects_act_after_the_last_answer_is_shown_as_it_is_said(drill_from_answers, qtbot, tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    compose([0.6, "I understand. Can I ask what you had in mind for the budget?", 1.5], folder / "01.wav")
    window, view = drill_from_answers(folder, PACK, OBJECTION, 1)
    shown = []  # the stage's line as each act is announced (this slot runs after the view's own)
    view.bridge.prospect_act_will_play.connect(lambda event: shown.append((event, view.stage_card.line.text())))
    qtbot.mouseClick(view.setup.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.stage == "prep", timeout=10_000)
    with qtbot.waitSignal(view.drill_finished, timeout=90_000) as finished:
        qtbot.keyClick(view, Qt.Key.Key_Space)  # skip the preparation

    [turn] = finished.args[0].turns
    assert "ask" in turn.covered
    [(event, text)] = shown
    assert event.kind == "add_on" and event.turn == 1 and event.line in generic_lines("add_ons")
    assert text == f"{event.persona} gives a little more: “{event.line}”"
