"""Settings: no devices said plainly; a model zip installed with progress; voices previewed; the microphone
check through a real sound server (the PulseAudio rig) hears speech and plays it back."""

import pytest
from fake_models import make_vosk_zip
from open_view import open_view
from pulse_rig import MIC_SINK
from tts_speech import compose

from trainer.core import paths
from trainer.speech.models import installed_models


def open_settings(make_window, qtbot):
    window = make_window()
    return window, open_view(window, qtbot, "settings")


def test_without_devices_the_app_says_so_and_still_works(make_window, qtbot):
    window, view = open_settings(make_window, qtbot)
    assert "No microphone found" in view.device_problem.text()
    assert not view.check_button.isEnabled()
    qtbot.waitUntil(lambda: window.health is not None)
    assert window.notice.isVisible() and "No microphone found" in window.notice.text.text()
    assert window.notice.action.isHidden()  # Settings is open already: no link to it
    window.go("today")
    assert window.notice.action.isVisible()
    assert window.health.engine == "Whisper tiny.en (bundled)"  # no Vosk model here: the fallback


def test_a_model_zip_is_installed_with_progress_and_listed(make_window, qtbot, tmp_path):
    window, view = open_settings(make_window, qtbot)
    archive = make_vosk_zip(tmp_path, "vosk-model-small-en-us-test")
    steps = []
    view.speech.relay.changed.connect(lambda done, total: steps.append((done, total)))
    with qtbot.waitSignal(view.loaded, timeout=30_000):  # the list reloads once installed
        view.speech.install(archive)
    assert steps and steps[-1][0] == steps[-1][1] and all(a <= b for (a, _), (b, _) in zip(steps, steps[1:]))
    installed = {m.name: m for m in installed_models()}
    assert installed["vosk-model-small-en-us-test"].path.parent == paths.model_dirs()[0]
    assert "Installed vosk-model-small-en-us-test" in view.speech.status.text()
    assert not view.speech.progress.isVisible()
    listed = [w.text() for w in view.speech.findChildren(type(view.speech.status))]
    assert "vosk-model-small-en-us-test" in listed
    qtbot.waitUntil(lambda: window.health is not None and window.health.engine.startswith("Vosk"), timeout=10_000)


def test_a_broken_zip_is_refused_with_the_reason(make_window, qtbot, tmp_path):
    window, view = open_settings(make_window, qtbot)
    bad = tmp_path / "not-a-model.zip"
    bad.write_bytes(b"this is not a zip")
    with qtbot.waitSignal(view.speech.models_changed, timeout=10_000):
        view.speech.install(bad)
    assert "not a zip file" in view.speech.status.text()
    assert [m.name for m in installed_models() if not m.bundled] == []


def test_a_persona_voice_is_previewed(make_window, qtbot):
    window, view = open_settings(make_window, qtbot)
    pack = view.voices.packs[view.voices.pack_combo.currentData()]
    persona = next(iter(pack.personas))
    with qtbot.waitSignal(view.player.finished, timeout=30_000):
        view.voices.preview(pack, persona)
    assert "Nothing is heard" in view.check_status.text()  # no speaker here: said, and the line still ran


@pytest.mark.slow
def test_the_microphone_check_hears_speech_and_plays_it_back(make_window, qtbot, pulse_rig, tmp_path):
    speech = compose([0.3, "Hello, can you hear me clearly today?", 3.0], tmp_path / "hello.wav")
    pulse_rig.use_source(f"{MIC_SINK}.monitor")
    window, view = open_settings(make_window, qtbot)
    assert view.check_button.isEnabled() and not view.device_problem.isVisible()
    levels = []
    original = view.meter.set_level
    view.meter.set_level = lambda rms, peak: (levels.append(peak), original(rms, peak))
    with qtbot.waitSignal(view.check_finished, timeout=30_000) as done:
        view.check_button.click()
        qtbot.waitUntil(lambda: view.check is not None and view.check.listening.is_set(), timeout=10_000)
        player = pulse_rig.play_into_mic(speech.path)
    player.wait(10)
    result = done.args[0]
    assert result.heard and result.peak_dbfs > -20, result
    assert max(levels) > 0.1  # the meter moved with the speech
    assert "works" in view.check_status.text()
    with qtbot.waitSignal(view.player.finished, timeout=20_000):
        view.playback_button.click()


def test_a_known_model_is_downloaded_with_a_progress_bar(make_window, qtbot, tmp_path, monkeypatch):
    from trainer.speech import model_download
    from trainer.ui.views import settings_speech

    archive = make_vosk_zip(tmp_path, "vosk-model-small-en-us-0.15")
    known = model_download.KnownModel("vosk-model-small-en-us-0.15", "vosk", "en", archive.as_uri(),
                                      archive.stat().st_size, 1, None, "US English, small (a local copy)")
    monkeypatch.setattr(model_download, "known_models", lambda: [known])  # no internet here: a file:// URL
    monkeypatch.setattr(settings_speech, "known_models", lambda: [known])
    window, view = open_settings(make_window, qtbot)
    steps = []
    view.speech.relay.changed.connect(lambda done, total: steps.append((done, total)))
    with qtbot.waitSignal(view.loaded, timeout=30_000):
        view.speech.download(known)
    assert steps[-1] == (archive.stat().st_size, archive.stat().st_size)
    assert "Installed vosk-model-small-en-us-0.15" in view.speech.status.text()
    assert "vosk-model-small-en-us-0.15" in [m.name for m in installed_models()]


def test_without_a_speech_model_the_app_says_answers_cannot_be_transcribed(make_window, qtbot):
    from trainer.ui.app_settings import AppSettings

    window = make_window(AppSettings(engine="vosk"))  # Vosk chosen, and no Vosk model installed
    qtbot.waitUntil(lambda: window.health is not None)
    assert window.health.engine is None
    assert "Answers cannot be transcribed: no Vosk model is installed" in window.notice.text.text()


def test_the_data_folder_can_be_moved_for_the_next_start(make_window, qtbot, tmp_path):
    window, view = open_settings(make_window, qtbot)
    view.set_data_folder(tmp_path / "elsewhere")
    assert window.ctx.settings.data_dir == str(tmp_path / "elsewhere")
    assert "From the next start" in view.data_note.text()


def test_speakers_or_headphones_is_remembered(make_window, qtbot):
    window, view = open_settings(make_window, qtbot)
    assert view.listening_combo.currentData() == "speakers"  # the default: drills cancel the echo
    view.listening_combo.setCurrentIndex(view.listening_combo.findData("headphones"))
    view.listening_combo.activated.emit(view.listening_combo.currentIndex())
    assert window.ctx.settings.listening == "headphones"


@pytest.mark.slow
def test_the_echo_check_says_to_use_headphones_when_the_microphone_hears_the_speaker(make_window, qtbot, pulse_rig):
    """The rig's default microphone is the speaker's monitor: all of the line comes back (0 dB)."""
    window, view = open_settings(make_window, qtbot)
    assert view.echo_button.isEnabled()
    with qtbot.waitSignal(view.echo_check_finished, timeout=60_000) as done:
        view.echo_button.click()
    result = done.args[0]
    assert not isinstance(result, BaseException), result
    assert result.echo_db == pytest.approx(0, abs=3)  # the line itself, through the loop
    assert result.too_strong
    assert "use headphones or lower the volume" in view.echo_status.text()
    assert view.echo_button.isEnabled()


def test_the_install_dialog_offers_android_archives_and_installs_one(make_window, qtbot, monkeypatch, english_vosk_aar):
    """Issue 17: Maven Central's vosk-model-en is an .aar; the dialog lists it and installs the model inside."""
    from PySide6.QtWidgets import QFileDialog

    window, view = open_settings(make_window, qtbot)
    offered = []

    def pick(parent, caption, folder, filters):
        offered.append(filters)
        return str(english_vosk_aar), filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getOpenFileName", pick)
    with qtbot.waitSignal(view.loaded, timeout=120_000):  # the list reloads once installed
        view.speech.install_button.click()
    assert "*.aar" in offered[0].split(";;")[0]
    assert "Installed vosk-model-small-en-us-0.15" in view.speech.status.text()
    assert "vosk-model-small-en-us-0.15" in [m.name for m in installed_models()]
