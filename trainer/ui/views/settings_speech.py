"""The speech parts of Settings: the engine and its models (install from a .zip or .aar, download with progress),
and a preview of every persona's voice.

Installing and downloading run in the background and report progress through a
`ProgressRelay`; nothing is downloaded unless the rep presses Download.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QProgressBar

from trainer.core.errors import TrainerError
from trainer.core.pack_model import Pack
from trainer.speech import tts
from trainer.speech.model_download import KnownModel, download_model, known_models
from trainer.speech.models import InstalledModel, find_vosk_model, install_model, installed_models
from trainer.ui import tasks
from trainer.ui.player import Player
from trainer.ui.widgets.common import Card, button, clear_layout, hbox, label, pill, vbox

# What the install dialog offers: Vosk's zips, and Android archives such as Maven Central's
# com.alphacephei:vosk-model-en (trainer/speech/models.py finds the model inside).
MODEL_ARCHIVES = "Model archives (*.zip *.aar);;All files (*)"
ENGINE_CHOICES = (
    (None, "Automatic: Vosk when a model is installed, else Whisper"),
    ("vosk", "Vosk (streaming, the engine of record)"),
    ("whisper", "Whisper tiny.en (bundled fallback)"),
)


def _size(size: float) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


class SpeechCard(Card):
    """Engine choice, installed models, installing a zip and downloading a known model."""

    engine_changed = Signal()
    models_changed = Signal()  # an install or download finished (or failed)

    def __init__(self, ctx) -> None:
        super().__init__("Speech recognition")
        self.ctx = ctx
        self.engine_combo = QComboBox()
        for value, text in ENGINE_CHOICES:
            self.engine_combo.addItem(text, value)
        self.engine_combo.currentIndexChanged.connect(self._engine_chosen)
        self.body.addLayout(hbox(label("Engine"), (self.engine_combo, 1)))
        self.models_box = vbox(spacing=6)
        self.body.addLayout(self.models_box)
        self.progress = QProgressBar()
        self.progress.setFixedHeight(8)
        self.progress.hide()
        self.status = label("", "muted", wrap=True)
        self.install_button = button("Install a model from a file…", None, self.choose_archive)
        self.body.addLayout(hbox(self.install_button, None))
        self.body.addWidget(self.progress)
        self.body.addWidget(self.status)
        self.body.addWidget(label("Download a model (needs the internet once; nothing else ever goes online)", "section"))
        self.downloads_box = vbox(spacing=8)
        self.body.addLayout(self.downloads_box)
        self.relay = tasks.ProgressRelay(self)
        self.relay.changed.connect(self._progress)
        self.busy = False

    def show_models(self, models: list[InstalledModel], default_vosk: Path | None, downloads: list[KnownModel]) -> None:
        """Show the installed models (the one used by default marked) and the downloadable ones."""
        self.engine_combo.blockSignals(True)
        self.engine_combo.setCurrentIndex(max(0, self.engine_combo.findData(self.ctx.settings.engine)))
        self.engine_combo.blockSignals(False)
        clear_layout(self.models_box)
        for model in models:
            used = model.path == default_vosk or (model.engine == "whisper" and default_vosk is None)
            tags = [pill(model.engine), pill(model.language or "?", "muted")]
            if used:
                tags.append(pill("used", "good"))
            where = "bundled with RepDrill" if model.bundled else str(model.path.parent)
            self.models_box.addLayout(hbox(
                vbox(label(model.name), label(f"{_size(model.size)} · {where}", "faint"), spacing=1),
                None, *tags))
        if default_vosk is None:
            self.models_box.addWidget(label(
                "No English Vosk model yet: answers are transcribed by the bundled Whisper tiny.en. "
                "Vosk small (40 MB) shows your words live as you speak.", "muted", wrap=True))
        clear_layout(self.downloads_box)
        installed = {m.name for m in models}
        for known in downloads:
            done = known.name in installed
            action = button("Installed" if done else f"Download ({known.approx_mb:g} MB)", None,
                            lambda _=False, k=known: self.download(k))
            action.setEnabled(not done and not self.busy)
            self.downloads_box.addLayout(hbox(
                (vbox(label(known.name), label(known.description, "faint", wrap=True), spacing=1), 1), action))

    def _engine_chosen(self) -> None:
        self.ctx.update_settings(engine=self.engine_combo.currentData(), model=None)
        self.engine_changed.emit()

    def choose_archive(self) -> None:
        """Ask for a model archive (a .zip, or an Android .aar such as Maven Central's vosk-model-en) and install it."""
        path, _ = QFileDialog.getOpenFileName(self, "Install a speech model", str(Path.home()), MODEL_ARCHIVES)
        if path:
            self.install(Path(path))

    def install(self, path: Path) -> None:
        """Install a model archive (or folder) in the background with a progress bar."""
        report = self.relay.report
        self._begin(f"Installing {path.name}…")
        tasks.run_in_background(lambda: install_model(path, progress=report), self._installed, self._failed, owner=self)

    def download(self, known: KnownModel) -> None:
        """Download and install a known model in the background with a progress bar."""
        report = self.relay.report
        self._begin(f"Downloading {known.name}…")
        tasks.run_in_background(lambda: download_model(known.name, progress=report), self._installed, self._failed,
                                owner=self)

    def _begin(self, text: str) -> None:
        self.busy = True
        self.install_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText(text)

    def _progress(self, done: int, total: int | None) -> None:
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(1000 * done / total))
            self.progress.setToolTip(f"{done / 1e6:.1f} of {total / 1e6:.1f} MB")

    def _installed(self, model: InstalledModel) -> None:
        self._end(f"Installed {model.name} ({model.engine}, {_size(model.size)}) in {model.path.parent}.")

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, TrainerError):
            self._end(str(error), error=True)
        else:
            self._end("The model could not be installed; see the message above.", error=True)
            tasks.report_error(error)

    def _end(self, text: str, error: bool = False) -> None:
        self.busy = False
        self.install_button.setEnabled(True)
        self.progress.hide()
        self.status.setText(text)
        self.status.setProperty("kind", "error" if error else "muted")
        self.status.style().polish(self.status)
        self.models_changed.emit()


def load_speech() -> tuple[list[InstalledModel], Path | None, list[KnownModel]]:
    """Installed models, the Vosk model used by default, the downloadable models (worker thread)."""
    return installed_models(), find_vosk_model(), known_models()


def sample_line(pack: Pack, persona_id: str) -> str:
    """A line the persona says in the pack (their first objection's), to preview the voice with."""
    return next((o.lines[0] for o in pack.objections if o.persona == persona_id), "Hello, who is this?")


class VoicesCard(Card):
    """Each persona of a pack, with their voice and a Preview button."""

    previewed = Signal(str)  # persona id whose line started playing

    def __init__(self, player: Player) -> None:
        super().__init__("Prospect voices")
        self.player = player
        self.packs: dict[str, Pack] = {}
        self.pack_combo = QComboBox()
        self.pack_combo.currentIndexChanged.connect(self._show_personas)
        self.body.addLayout(hbox(label("Pack"), (self.pack_combo, 1)))
        self.list_box = vbox(spacing=8)
        self.body.addLayout(self.list_box)

    def show_packs(self, packs: dict[str, Pack]) -> None:
        """Offer these packs' personas."""
        current = self.pack_combo.currentData()
        self.packs = packs
        self.pack_combo.blockSignals(True)
        self.pack_combo.clear()
        for pack in packs.values():
            self.pack_combo.addItem(pack.title, pack.id)
        self.pack_combo.setCurrentIndex(max(0, self.pack_combo.findData(current)))
        self.pack_combo.blockSignals(False)
        self._show_personas()

    def _show_personas(self) -> None:
        clear_layout(self.list_box)
        pack = self.packs.get(self.pack_combo.currentData())
        if pack is None:
            return
        for persona in pack.personas.values():
            voice = persona.voice
            about = f"{persona.role} · {persona.temperament} · {tts.voice_label(voice)}"
            about += f", {voice.gender}" if voice.gender else ""
            about += f", {voice.rate} wpm"
            play = button("Preview", None, lambda _=False, p=persona.id: self.preview(pack, p))
            self.list_box.addLayout(hbox((vbox(label(persona.name), label(about, "faint"), spacing=1), 1), play))

    def preview(self, pack: Pack, persona_id: str) -> None:
        """Render one of the persona's lines (cached) in the background and play it."""
        voice = pack.personas[persona_id].voice
        line = sample_line(pack, persona_id)

        def render() -> Path:
            return tts.render_voice(line, voice).path

        def play(path: Path) -> None:
            self.player.play(path)
            self.previewed.emit(persona_id)

        tasks.run_in_background(render, play, owner=self)
