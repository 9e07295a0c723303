"""A speech engine loaded on a thread while a drill's first line renders and plays (`trainer drill`).

Real engines only: the bundled Whisper tiny.en, a Vosk folder that is no model, and test
speech said by espeak-ng.
"""

import threading
from concurrent.futures import Future

import pytest
from tts_speech import speak

from trainer.core.errors import TrainerError
from trainer.speech.engine_loading import LoadingEngine

pytest.importorskip("faster_whisper", reason="needs the Whisper fallback (pip install -e '.[whisper]')")


def _loading_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "engine-load"]


def test_the_engine_is_named_at_once_and_loads_only_after_the_first_line(tmp_path):
    before = _loading_threads()
    engine = LoadingEngine("whisper", partials=False)
    first_line = Future()  # the first line's render, still running
    engine.load_after([first_line])
    assert engine.name == "whisper" and not engine.ready
    assert _loading_threads() == before, "the engine started loading before the first line was rendered"
    recognizer = engine.recognizer()  # made at once: a drill's thread never waits for the load
    assert not engine.ready

    first_line.set_result(None)
    recognizer.feed(speak("Can I ask how your budget gets set?", tmp_path / "answer.wav").samples)
    heard = recognizer.finish().text.lower()

    assert engine.ready
    assert "budget" in heard and "ask" in heard, heard


def test_a_failed_load_is_raised_where_the_answer_is_fed(tmp_path):
    engine = LoadingEngine("vosk", tmp_path, partials=False)  # a folder with no model in it
    engine.load_after([])
    recognizer = engine.recognizer()
    with pytest.raises(TrainerError, match=str(tmp_path)):
        recognizer.feed(speak("Hello there.", tmp_path / "hello.wav").samples)


def test_an_unknown_engine_or_a_folder_that_is_no_model_is_refused_before_anything_loads(tmp_path):
    with pytest.raises(TrainerError, match="unknown engine 'kaldi'"):
        LoadingEngine("kaldi")
    with pytest.raises(TrainerError, match="is neither a Whisper model folder"):
        LoadingEngine(None, tmp_path)


def test_a_drill_over_before_its_first_line_was_rendered_loads_no_engine():
    before = _loading_threads()
    engine = LoadingEngine("whisper", partials=False)
    first_line = Future()
    engine.load_after([first_line])
    engine.cancel()
    first_line.set_result(None)
    assert _loading_threads() == before and not engine.ready


def test_vosk_without_an_installed_model_is_refused_before_the_drill_begins():
    with pytest.raises(TrainerError, match="no Vosk model is installed; get one with `trainer models download"):
        LoadingEngine("vosk")

