"""Settings and first run: microphone and speaker (with a live level check and a loop-back), the speech
engine and its models, a preview of each prospect's voice, and where the data lives.

Every device, model and file operation runs in the background; a missing microphone
or model is said plainly here and the rest of the app keeps working.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QFileDialog

from trainer.core import paths
from trainer.core.errors import TrainerError
from trainer.speech.audio import list_devices, rescan_devices
from trainer.speech.wavs import ENGINE_RATE
from trainer.ui import tasks
from trainer.ui.app_settings import HEADPHONES, SPEAKERS
from trainer.ui.device_check import CheckResult, MicrophoneCheck, speakers_check
from trainer.ui.player import Player
from trainer.ui.views.base import View
from trainer.ui.views.settings_speech import SpeechCard, VoicesCard, load_speech
from trainer.ui.widgets.common import Card, button, hbox, label
from trainer.ui.widgets.level_meter import LevelMeter

DEFAULT_DEVICE = "System default"


def _devices(rescan: bool = False):
    """(input names, output names, problem) from PortAudio (worker thread)."""
    try:
        if rescan:
            rescan_devices()
        devices = list_devices()
    except TrainerError as error:
        return [], [], str(error)
    return ([d.name for d in devices if d.input_channels], [d.name for d in devices if d.output_channels], None)


class SettingsView(View):
    """Devices, speech engine and models, voices, data folder."""

    key = "settings"
    title_text = "Settings"
    subtitle_text = "Your microphone and speaker, the speech engine, the prospects' voices, and where your data lives."
    icon_name = "settings"
    settings_changed = Signal()  # devices or engine changed: check again what the app can do
    check_finished = Signal(object)  # CheckResult, or the error
    echo_check_finished = Signal(object)  # EchoCheck, or the error

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.player = Player(lambda: self.ctx.settings.output_device, self)
        self.check: MicrophoneCheck | None = None
        self.last_take: CheckResult | None = None
        self._build_devices()
        self.speech = SpeechCard(ctx)
        self.speech.engine_changed.connect(self.settings_changed)
        self.speech.models_changed.connect(self.refresh)
        self.speech.models_changed.connect(self.settings_changed)
        self.voices = VoicesCard(self.player)
        self._build_data_folder()
        for card in (self.devices_card, self.speech, self.voices, self.data_card):
            self.body.addWidget(card)
        self.body.addStretch(1)
        self._meter_timer = QTimer(self)
        self._meter_timer.setInterval(40)
        self._meter_timer.timeout.connect(self._show_level)

    # -- devices --------------------------------------------------------------------------

    def _build_devices(self) -> None:
        card = self.devices_card = Card("Microphone and speaker")
        self.input_combo = QComboBox()
        self.output_combo = QComboBox()
        self.input_combo.activated.connect(lambda: self._device_chosen("input_device", self.input_combo))
        self.output_combo.activated.connect(lambda: self._device_chosen("output_device", self.output_combo))
        self.device_problem = label("", "error", wrap=True)
        self.device_problem.hide()
        card.body.addLayout(hbox(label("Microphone"), (self.input_combo, 1),
                                 button("Look again", None, lambda: self.refresh_devices(True),
                                        tooltip="After plugging in a headset or starting the sound server")))
        self.meter = LevelMeter()
        self.check_button = button("Check microphone", "primary", self.start_check)
        self.playback_button = button("Play it back", None, self.play_back)
        self.playback_button.setEnabled(False)
        card.body.addLayout(hbox(self.check_button, (self.meter, 1), self.playback_button, spacing=12))
        self.check_status = label("Press Check and say something for four seconds; then play it back to hear "
                                  "yourself through the speaker.", "muted", wrap=True)
        card.body.addWidget(self.check_status)
        card.body.addLayout(hbox(label("Speaker"), (self.output_combo, 1),
                                 button("Play a test line", None, self.play_test_line)))
        self.listening_combo = QComboBox()
        self.listening_combo.addItem("Speakers (the echo of the prospect is taken out)", SPEAKERS)
        self.listening_combo.addItem("Headphones", HEADPHONES)
        self.listening_combo.setCurrentIndex(max(0, self.listening_combo.findData(self.ctx.settings.listening)))
        self.listening_combo.activated.connect(
            lambda: self.ctx.update_settings(listening=self.listening_combo.currentData()))
        self.echo_button = button("Check for echo", None, self.start_echo_check,
                                  tooltip="Plays a test line and measures how much of it the microphone hears")
        card.body.addLayout(hbox(label("You hear the prospect on"), (self.listening_combo, 1), self.echo_button))
        self.echo_status = label("With speakers, check that the echo of the prospect in the microphone can be "
                                 "taken out (a few seconds: a test line plays).", "muted", wrap=True)
        card.body.addWidget(self.echo_status)
        card.body.addWidget(self.device_problem)
        self.player.no_speaker.connect(lambda text: self._say(text, error=True))

    def refresh_devices(self, rescan: bool = False) -> None:
        """List the devices again (in the background)."""
        tasks.run_in_background(lambda: _devices(rescan), self._show_devices, owner=self)

    def _show_devices(self, found) -> None:
        inputs, outputs, problem = found
        settings = self.ctx.settings
        for combo, names, chosen in ((self.input_combo, inputs, settings.input_device),
                                     (self.output_combo, outputs, settings.output_device)):
            combo.clear()
            combo.addItem(DEFAULT_DEVICE, None)
            for name in names:
                combo.addItem(name, name)
            if chosen and chosen not in names:
                combo.addItem(f"{chosen} (not connected)", chosen)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
        problems = [p for p in (problem,) if p]
        if not inputs:
            problems.append("No microphone found: connect a microphone or headset (or start the sound server), "
                            "then press Look again. You can still drill with answer files.")
        if not outputs:
            problems.append("No speaker found: the prospect's lines will be written to files instead of played.")
        self.device_problem.setText("\n".join(problems))
        self.device_problem.setVisible(bool(problems))
        self.check_button.setEnabled(bool(inputs))
        self.echo_button.setEnabled(bool(inputs) and bool(outputs))

    def _device_chosen(self, setting: str, combo: QComboBox) -> None:
        self.ctx.update_settings(**{setting: combo.currentData()})
        if setting == "output_device":
            self.player.reset_output()
        self.settings_changed.emit()

    def start_check(self) -> None:
        """Listen to the chosen microphone for a few seconds with a live meter."""
        if self.check is not None:
            return
        self.check = check = MicrophoneCheck(self.ctx.settings.input_device)
        self.check_button.setEnabled(False)
        self.playback_button.setEnabled(False)
        self._say("Opening the microphone… then say something.")
        self._meter_timer.start()
        tasks.run_in_background(check.run, self._checked, self._check_failed, owner=self)

    def _show_level(self) -> None:
        if self.check is None:
            return
        if self.check.listening.is_set() and self.check_status.text().startswith("Opening"):
            self._say("Listening… say something.")
        level = self.check.level
        if level is not None:
            self.meter.set_level(level.rms, level.peak)

    def _checked(self, result: CheckResult) -> None:
        self._check_done()
        self.last_take = result
        self.playback_button.setEnabled(result.heard)
        self._say(result.verdict(), error=not result.heard)
        self.check_finished.emit(result)

    def _check_failed(self, error: BaseException) -> None:
        self._check_done()
        self._say(str(error), error=True)
        self.check_finished.emit(error)

    def _check_done(self) -> None:
        self.check = None
        self._meter_timer.stop()
        self.meter.reset()
        self.check_button.setEnabled(True)

    def start_echo_check(self) -> None:
        """Play a test line on the speaker and measure the echo in the microphone (in the background)."""
        settings = self.ctx.settings
        self.echo_button.setEnabled(False)
        self._say_echo("Playing a test line… keep the room quiet for a few seconds.")
        tasks.run_in_background(lambda: speakers_check(settings.input_device, settings.output_device),
                                self._echo_checked, self._echo_check_failed, owner=self)

    def _echo_checked(self, result) -> None:
        self.echo_button.setEnabled(True)
        self._say_echo(result.verdict(), error=result.too_strong)
        self.echo_check_finished.emit(result)

    def _echo_check_failed(self, error: BaseException) -> None:
        self.echo_button.setEnabled(True)
        self._say_echo(str(error), error=True)
        self.echo_check_finished.emit(error)

    def _say_echo(self, text: str, error: bool = False) -> None:
        _show(self.echo_status, text, error)

    def play_back(self) -> None:
        """Play the last check's take through the speaker (the loop-back: do you hear yourself?)."""
        if self.last_take is not None:
            self.player.play((self.last_take.samples, ENGINE_RATE))

    def play_test_line(self) -> None:
        """Play a persona's line through the chosen speaker."""
        pack = next(iter(self.voices.packs.values()), None)
        if pack is not None:
            self.voices.preview(pack, next(iter(pack.personas)))

    def _say(self, text: str, error: bool = False) -> None:
        _show(self.check_status, text, error)

    # -- data folder ----------------------------------------------------------------------

    def _build_data_folder(self) -> None:
        card = self.data_card = Card("Your data")
        self.data_path = label(str(paths.data_dir()), selectable=True)
        card.body.addLayout(hbox((self.data_path, 1), button("Open", None, self.open_data_folder),
                                 button("Move to…", None, self.choose_data_folder)))
        self.data_note = label("Drills, recordings, your bank and your packs. Nothing leaves this computer.",
                               "muted", wrap=True)
        card.body.addWidget(self.data_note)

    def open_data_folder(self) -> None:
        """Show the data folder in the file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.data_dir())))

    def choose_data_folder(self) -> None:
        """Pick another data folder; it is used from the next start."""
        folder = QFileDialog.getExistingDirectory(self, "Keep RepDrill's data in", str(Path.home()))
        if folder:
            self.set_data_folder(Path(folder))

    def set_data_folder(self, folder: Path) -> None:
        """Remember `folder` as the data folder (takes effect when RepDrill starts again)."""
        self.ctx.update_settings(data_dir=str(folder))
        self.data_note.setText(f"From the next start RepDrill keeps its data in {folder} "
                               f"(today's data stays in {paths.data_dir()}; copy it there to take it along).")

    # -- loading --------------------------------------------------------------------------

    def load(self):
        return _devices(), load_speech(), self.ctx.packs()

    def show_data(self, data) -> None:
        devices, speech, packs = data
        self._show_devices(devices)
        self.speech.show_models(*speech)
        self.voices.show_packs(packs)

    def shutdown(self) -> None:
        """Stop a check and release the speaker (at exit)."""
        if self.check is not None:
            self.check.stop()
        self.player.close()


def _show(status, text: str, error: bool) -> None:
    """A status line's text, styled as an error or as a note."""
    status.setText(text)
    status.setProperty("kind", "error" if error else "muted")
    status.style().polish(status)
