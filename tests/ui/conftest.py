"""UI test fixtures: Qt offscreen, the app's look, a main window per test, and a drill history to open it on.

The history is made once per session from real drills (TTS-spoken answers, the
bundled Whisper engine, the real store) into a template folder, then copied into
each test's own data folder (Anki's template-database habit), so every test starts
from the same stored drills without running them again.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before the QApplication exists

from demo_drills import DemoDrill, populate  # noqa: E402

from trainer.speech.whisper_engine import WhisperEngine  # noqa: E402
from trainer.ui.app import dispose  # noqa: E402
from trainer.ui.app_settings import ANSWER_FILES, AppSettings  # noqa: E402
from trainer.ui.context import AppContext  # noqa: E402
from trainer.ui.main_window import MainWindow  # noqa: E402
from trainer.ui.style import apply_style  # noqa: E402

# A short history: two packs, levels 1-3, rising scores, anxiety ratings falling.
HISTORY = (
    DemoDrill("price-and-budget", "more-than-expected", 1, ("weak",), 9, (70, 55)),
    DemoDrill("cold-call-brush-offs", "not-interested", 1, ("hedged",), 6, (60, 50)),
    DemoDrill("price-and-budget", "just-give-me-the-price", 1, ("good",), 3, (50, 35)),
    DemoDrill("price-and-budget", "competitor-is-cheaper", 3, ("good",), 1),
)


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    """The app's settings file goes to the test's own folder."""
    monkeypatch.setenv("TRAINER_CONFIG", str(tmp_path / "config"))
    return tmp_path / "config"


@pytest.fixture
def app(qapp):
    """The test QApplication with RepDrill's look."""
    apply_style(qapp)
    return qapp


@pytest.fixture
def make_window(qtbot, app):
    """Open the main window (with these settings, kept in memory); it is closed after the test."""
    windows = []

    def make(settings: AppSettings | None = None) -> MainWindow:
        window = MainWindow(AppContext(settings or AppSettings(), save=False))
        window.resize(1240, 820)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()  # stops a drill, waits for background jobs, closes the store
        dispose(window)


@pytest.fixture
def drill_from_answers(make_window, qtbot):
    """Open the window answering from a folder of answer files (and any other `settings`), wait for the speech
    engine the app preloads, and show the Drill view on a pack, objection and level; returns (window, view)."""

    def open_drill(folder: Path, pack_id: str, objection_id: str, level: int, **settings):
        window = make_window(AppSettings(answer_source=ANSWER_FILES, answer_folder=str(folder), **settings))
        qtbot.waitUntil(lambda: window.ctx.loaded_engine() is not None, timeout=30_000)
        view = window.views["drill"]
        with qtbot.waitSignal(view.loaded):
            window.go("drill", {"pack_id": pack_id, "objection_id": objection_id, "level": level})
        return window, view

    return open_drill


@contextmanager
def _environment(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def history_template(tmp_path_factory) -> Path:
    """A data and cache folder holding HISTORY's drills (made once per session)."""
    root = tmp_path_factory.mktemp("history")
    with _environment(TRAINER_DATA=str(root / "data"), TRAINER_CACHE=str(root / "cache"),
                      TRAINER_MODELS=str(root / "models")):
        populate(root / "data", WhisperEngine(partial_every_s=None), root / "work", HISTORY)
    return root


@pytest.fixture
def history(history_template, isolated_dirs) -> Path:
    """This test's data folder, holding the history's drills; returns the data folder."""
    for name in ("data", "cache"):
        shutil.copytree(history_template / name, isolated_dirs / name, dirs_exist_ok=True)
    return isolated_dirs / "data"
