"""Shared fixtures: every test gets its own data, cache and models folders."""

import pytest


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Point RepDrill's data and cache folders at a fresh temporary folder."""
    monkeypatch.setenv("TRAINER_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("TRAINER_CACHE", str(tmp_path / "cache"))
    return tmp_path
