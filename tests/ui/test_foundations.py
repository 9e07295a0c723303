"""The app's plumbing: background jobs deliver on the UI thread, settings keep only what changed,
and `trainer` with no command (or `trainer gui`) opens the app."""

import json
import os
import threading

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from trainer import cli
from trainer.core.errors import TrainerError
from trainer.ui import tasks
from trainer.ui.app_settings import AppSettings, apply_data_dir, load_settings, save_settings, settings_path


def test_a_job_runs_off_the_ui_thread_and_its_result_comes_back_on_it(qtbot):
    ui_thread = threading.get_ident()
    seen = {}

    def job():
        seen["job"] = threading.get_ident()
        return 42

    with qtbot.waitCallback() as done:
        tasks.run_in_background(job, lambda result: done((result, threading.get_ident())))
    assert done.args[0] == (42, ui_thread) and seen["job"] != ui_thread


def test_an_error_goes_to_on_error_or_to_the_app_wide_handler(qtbot):
    with qtbot.waitCallback() as failed:
        tasks.run_in_background(lambda: (_ for _ in ()).throw(TrainerError("disk full")), on_error=failed)
    assert str(failed.args[0]) == "disk full"
    caught = []
    tasks.set_error_handler(caught.append)
    try:
        tasks.run_in_background(lambda: 1 / 0)
        qtbot.waitUntil(lambda: bool(caught))
    finally:
        tasks.set_error_handler(None)
    assert isinstance(caught[0], ZeroDivisionError)


def test_nothing_is_delivered_to_an_owner_that_is_gone(qtbot):
    owner = QWidget()
    release = threading.Event()
    delivered = []
    tasks.run_in_background(lambda: release.wait(5), delivered.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _valid(owner))
    release.set()
    marker = []
    tasks.run_in_background(lambda: None, marker.append)  # jobs are delivered in order: wait for a later one
    qtbot.waitUntil(lambda: bool(marker))
    assert tasks.wait_for_jobs(5000) and delivered == []


def _valid(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


def test_progress_reported_from_a_job_arrives_in_order(qtbot):
    relay = tasks.ProgressRelay()
    steps = []
    relay.changed.connect(lambda done, total: steps.append((done, total)))
    with qtbot.waitCallback() as done:
        tasks.run_in_background(lambda: [relay.report(i, 3) for i in range(4)], done)
    qtbot.waitUntil(lambda: len(steps) == 4)
    assert steps == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_settings_save_only_what_differs_from_the_defaults(config_dir):
    save_settings(AppSettings(input_device="USB Headset", engine="whisper"))
    assert json.loads(settings_path().read_text()) == {"engine": "whisper", "input_device": "USB Headset"}
    assert load_settings() == AppSettings(input_device="USB Headset", engine="whisper")


def test_damaged_settings_are_set_aside_and_the_defaults_used(config_dir):
    config_dir.mkdir(parents=True)
    settings_path().write_text("{not json")
    assert load_settings() == AppSettings()
    assert (config_dir / "settings.json.broken").read_text() == "{not json"
    settings_path().write_text(json.dumps({"engine": 3, "output_device": "Speakers", "unknown": "x"}))
    assert load_settings() == AppSettings(output_device="Speakers")  # wrong types and unknown keys dropped


def test_the_data_folder_setting_applies_unless_one_was_given(monkeypatch, tmp_path):
    monkeypatch.delenv("TRAINER_DATA")
    apply_data_dir(AppSettings(data_dir=str(tmp_path / "elsewhere")))
    assert str(tmp_path / "elsewhere") == os.environ["TRAINER_DATA"]
    apply_data_dir(AppSettings(data_dir=str(tmp_path / "ignored")))  # --data-dir / $TRAINER_DATA win
    assert str(tmp_path / "elsewhere") == os.environ["TRAINER_DATA"]


@pytest.mark.parametrize("argv", [[], ["gui"]])
def test_trainer_without_a_command_and_trainer_gui_open_the_app(monkeypatch, argv):
    import trainer.ui.app

    opened = []
    monkeypatch.setattr(trainer.ui.app, "main", lambda: opened.append(True) or 0)
    assert cli.main(argv) == 0 and opened == [True]
