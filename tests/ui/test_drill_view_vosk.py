"""The Drill view on Vosk's small English model, the engine of record: live partial words in the window.

The English model `make test` fetched is installed in the test's models folder and the
app is left to choose: Vosk must be the engine it preloads. A drill runs in the window in
real time from an answer file; the words heard so far must reach the view while the
answer is still being spoken, growing towards the stored transcript.
"""

import pytest
from demo_drills import write_answers
from PySide6.QtCore import Qt
from rapidfuzz.distance import Levenshtein

from trainer.speech.vosk_engine import VoskEngine
from trainer.store.db import Store

pytestmark = pytest.mark.slow

PACK, OBJECTION = "price-and-budget", "just-give-me-the-price"  # level 1: one answer


def test_the_drill_view_shows_vosk_partials_while_the_answer_is_spoken(
    english_vosk_installed, drill_from_answers, qtbot, tmp_path
):
    folder = tmp_path / "answers"
    write_answers(folder, PACK, OBJECTION, ["good"])
    window, view = drill_from_answers(folder, PACK, OBJECTION, 1)
    engine = window.ctx.loaded_engine()  # the one the app preloaded
    assert isinstance(engine, VoskEngine) and engine.model_path == english_vosk_installed
    shown = []  # (the view's stage, the label's text) each time the words heard so far change
    view.bridge.partial_transcript.connect(lambda event: shown.append((view.stage, view.stage_card.partial.text())))

    qtbot.mouseClick(view.setup.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.stage == "prep", timeout=10_000)
    with qtbot.waitSignal(view.drill_finished, timeout=90_000) as finished:
        qtbot.keyClick(view, Qt.Key.Key_Space)  # start now
    with Store() as store:
        [turn] = store.drill(finished.args[0].drill_id).turns

    assert len(shown) >= 5, shown  # many updates over a ~15 s answer, not one at the end
    during = [text for stage, text in shown if stage in ("speaking", "pausing")]
    assert len(during) >= len(shown) - 1, shown  # they arrive while the rep is speaking
    assert all(text == text.lower() for _, text in shown)  # Vosk's words, as they are
    lengths = [len(text.split()) for _, text in shown]
    assert lengths[-1] >= max(lengths) - 2  # the text grows; closed utterances are kept
    assert Levenshtein.normalized_similarity(shown[-1][1].split(), turn.transcript.split()) >= 0.8
    assert "six dollars" in turn.transcript  # the words the stored turn was scored on
