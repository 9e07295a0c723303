"""Shared fixtures: every test gets its own data, cache and models folders."""

import pytest

# The PulseAudio null-sink rig's fixtures (pulse_daemon, pulse_rig), one daemon per session.
pytest_plugins = ["pulse_rig"]


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Point RepDrill's data, cache and models folders at a fresh temporary folder.

    Models too, so a model a developer installed in `models/` does not change which
    engine a test gets.
    """
    monkeypatch.setenv("TRAINER_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("TRAINER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("TRAINER_MODELS", str(tmp_path / "models"))
    return tmp_path


@pytest.fixture(scope="session")
def whisper():
    """The bundled Whisper tiny.en model, loaded once for the whole run (no live partial passes)."""
    from trainer.speech.whisper_engine import WhisperEngine

    return WhisperEngine(partial_every_s=None)


@pytest.fixture(scope="session")
def pack():
    """The built-in price-and-budget pack (its 'more-than-expected' objection branches on 'ask')."""
    from trainer.core.packs import find_pack

    return find_pack("price-and-budget")


@pytest.fixture
def models_dir(isolated_dirs):
    """This test's empty `$TRAINER_MODELS` folder, so only its own models (and bundled ones) are seen."""
    return isolated_dirs / "models"


def _english_vosk(path):
    """`path` from the English Vosk test cache; skipped with the reason when it is missing (failed under CI)."""
    import os

    from english_vosk import missing_reason

    reason = missing_reason(path)
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def english_vosk_model():
    """The folder of the small English Vosk model (vosk-model-small-en-us-0.15) fetched by `make test`."""
    from english_vosk import model_path

    return _english_vosk(model_path())


@pytest.fixture(scope="session")
def english_vosk_engine(english_vosk_model):
    """The small English Vosk model, loaded once for the run (~0.8 s)."""
    from trainer.speech.vosk_engine import VoskEngine

    return VoskEngine(english_vosk_model)


@pytest.fixture(scope="session")
def english_vosk_aar():
    """Maven Central's `com.alphacephei:vosk-model-en:0.3.45` archive, which carries that model."""
    from english_vosk import aar_path

    return _english_vosk(aar_path())


@pytest.fixture(scope="session")
def english_vosk_aar_without_model():
    """`com.alphacephei:vosk-model-en:0.3.75`, the newest release, whose assets hold the README but no model."""
    from english_vosk import WITHOUT_MODEL, aar_path

    return _english_vosk(aar_path(WITHOUT_MODEL))


@pytest.fixture
def english_vosk_installed(models_dir, english_vosk_model):
    """The English model installed in this test's models folder (a link), so the default engine choice finds it."""
    models_dir.mkdir(parents=True, exist_ok=True)
    link = models_dir / english_vosk_model.name
    link.symlink_to(english_vosk_model, target_is_directory=True)
    return link
