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


@pytest.fixture
def models_dir(isolated_dirs):
    """This test's empty `$TRAINER_MODELS` folder, so only its own models (and bundled ones) are seen."""
    return isolated_dirs / "models"
