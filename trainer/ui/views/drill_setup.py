"""Before a drill: which pack, level and objection, how the rep answers (microphone or answer files), and
how anxious they feel. What the level changes is said in one line, and who will be on the line is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QComboBox, QFileDialog, QRadioButton, QWidget

from trainer.core.levels import ladder_for, level_persona, level_summary
from trainer.core.pack_model import Pack
from trainer.ui.app_settings import ANSWER_FILES, MICROPHONE
from trainer.ui.widgets.common import Card, button, hbox, label, vbox
from trainer.ui.widgets.persona_card import PersonaCard
from trainer.ui.widgets.suds import SudsSlider

PICKED_FOR_YOU = "Picked for you at this level"


@dataclass(frozen=True)
class DrillChoice:
    """What the rep chose: the pack, level, objection (None: picked for them), answers and anxiety."""

    pack: Pack
    level: int
    objection_id: str | None
    answer_folder: Path | None  # None: the microphone
    suds_before: int | None


class DrillSetup(QWidget):
    """The form before a drill; `start_requested` when the rep presses Start."""

    start_requested = Signal()
    source_changed = Signal(str, object)  # answer source, folder
    choice_changed = Signal()  # the pack, level or objection (the view plans the drill ahead)

    def __init__(self) -> None:
        super().__init__()
        self.packs: dict[str, Pack] = {}
        self.levels: dict[str, int] = {}
        self.pack_combo = QComboBox()
        self.level_combo = QComboBox()
        self.objection_combo = QComboBox()
        self.pack_combo.currentIndexChanged.connect(self._pack_changed)
        self.level_combo.currentIndexChanged.connect(self._level_changed)
        self.objection_combo.currentIndexChanged.connect(self._show_persona)
        self.level_note = label("", "muted", wrap=True)
        self.persona = PersonaCard()
        self.mic_choice = QRadioButton("My microphone")
        self.files_choice = QRadioButton("Answer files (demo):")
        self.sources = QButtonGroup(self)
        self.sources.addButton(self.mic_choice)
        self.sources.addButton(self.files_choice)
        self.mic_choice.setChecked(True)
        self.folder: Path | None = None
        self.folder_label = label("no folder chosen", "faint")
        self.folder_button = button("Choose…", None, self.choose_folder)
        self.mic_choice.toggled.connect(self._source_toggled)
        self.suds = SudsSlider("How anxious do you feel about this drill? (optional)")
        self.start_button = button("Start drill", "big", self.start_requested.emit)
        self.problem = label("", "error", wrap=True)
        self.problem.hide()

        what = Card("What to practise")
        what.body.addLayout(hbox(vbox(label("Pack", "muted"), self.pack_combo, spacing=4),
                                 vbox(label("Level", "muted"), self.level_combo, spacing=4), spacing=14))
        what.body.addLayout(vbox(label("Objection", "muted"), self.objection_combo, spacing=4))
        what.body.addWidget(self.level_note)
        how = Card("How you answer")
        how.body.addWidget(self.mic_choice)
        how.body.addLayout(hbox(self.files_choice, (self.folder_label, 1), self.folder_button))
        how.body.addWidget(label("Answer files are WAV recordings, one per answer in name order: "
                                 "useful for a demo or to check a setup.", "faint", wrap=True))
        feel = Card("Before you start")
        feel.body.addWidget(self.suds)
        left = vbox(what, how, spacing=16)
        right = vbox(label("ON THE LINE", "section"), self.persona, feel, None, spacing=10)
        self.setLayout(vbox(hbox((left, 3), (right, 2), spacing=16), self.problem,
                            hbox(None, self.start_button), spacing=16))
        self._source_toggled()

    # -- filling in ---------------------------------------------------------------------

    def set_packs(self, packs: dict[str, Pack], pack_id: str | None = None, levels: dict[str, int] | None = None) -> None:
        """Offer these packs, keeping the rep's current choices (else choosing `pack_id`); `levels` are the rep's."""
        pack, level, objection = self.pack_combo.currentData(), self.level_combo.currentData(), \
            self.objection_combo.currentData()
        self.packs = packs
        self.levels = levels or {}
        self.pack_combo.blockSignals(True)
        self.pack_combo.clear()
        for each in packs.values():
            self.pack_combo.addItem(each.title, each.id)
        self.pack_combo.setCurrentIndex(max(0, self.pack_combo.findData(pack or pack_id)))
        self.pack_combo.blockSignals(False)
        self._pack_changed()
        if pack is not None and pack == self.pack_combo.currentData():
            self.preset(pack, objection, level)

    def preset(self, pack_id: str, objection_id: str | None = None, level: int | None = None) -> None:
        """Choose a pack, level and objection (e.g. from Today or the bank)."""
        self.pack_combo.setCurrentIndex(max(0, self.pack_combo.findData(pack_id)))
        if level is not None:
            self.level_combo.setCurrentIndex(max(0, self.level_combo.findData(level)))
        if objection_id is not None:
            self.objection_combo.setCurrentIndex(max(0, self.objection_combo.findData(objection_id)))

    def set_source(self, source: str, folder: str | None) -> None:
        """Show the saved answer source."""
        self.folder = Path(folder) if folder else None
        self.folder_label.setText(str(self.folder) if self.folder else "no folder chosen")
        (self.files_choice if source == ANSWER_FILES else self.mic_choice).setChecked(True)

    def pack(self) -> Pack | None:
        """The chosen pack."""
        return self.packs.get(self.pack_combo.currentData())

    def _pack_changed(self) -> None:
        pack = self.pack()
        self.level_combo.blockSignals(True)
        self.level_combo.clear()
        if pack is not None:
            yours = self.levels.get(pack.id, min(o.level for o in pack.objections))
            for level, rules in ladder_for(pack).levels.items():
                self.level_combo.addItem(f"{level} · {rules.name}" + ("  (your level)" if level == yours else ""), level)
            self.level_combo.setCurrentIndex(max(0, self.level_combo.findData(yours)))
        self.level_combo.blockSignals(False)
        self._level_changed()

    def _level_changed(self) -> None:
        pack, level = self.pack(), self.level_combo.currentData()
        self.objection_combo.blockSignals(True)
        self.objection_combo.clear()
        self.objection_combo.addItem(PICKED_FOR_YOU, None)
        if pack is not None and level is not None:
            for objection in sorted(pack.objections, key=lambda o: (o.level, o.id)):
                self.objection_combo.addItem(f"L{objection.level} · {objection.lines[0]}", objection.id)
            self.level_note.setText(f"At this level: {level_summary(ladder_for(pack).level(level))}.")
        self.objection_combo.blockSignals(False)
        self._show_persona()

    def _show_persona(self) -> None:
        pack, level = self.pack(), self.level_combo.currentData()
        if pack is None or level is None:
            self.persona.set_persona(None)
            return
        chosen = self.objection_combo.currentData()
        objection = next((o for o in pack.objections if o.id == chosen), None) or next(
            (o for o in pack.objections if o.level == level), pack.objections[0])
        persona = pack.personas.get(objection.persona)
        self.persona.set_persona(level_persona(persona, ladder_for(pack).level(level)) if persona else None)
        self.choice_changed.emit()

    # -- answer source ------------------------------------------------------------------

    def choose_folder(self) -> None:
        """Pick a folder of answer WAVs."""
        folder = QFileDialog.getExistingDirectory(self, "Folder of answer WAVs", str(self.folder or Path.home()))
        if folder:
            self.set_source(ANSWER_FILES, folder)
            self.source_changed.emit(ANSWER_FILES, folder)

    def _source_toggled(self) -> None:
        files = self.files_choice.isChecked()
        self.folder_button.setEnabled(files)
        self.source_changed.emit(ANSWER_FILES if files else MICROPHONE, str(self.folder) if self.folder else None)

    def drill(self) -> tuple[Pack, int, str | None] | None:
        """The pack, level and objection chosen (None: the objection is picked at the level), if any."""
        pack, level = self.pack(), self.level_combo.currentData()
        return None if pack is None or level is None else (pack, level, self.objection_combo.currentData())

    def choice(self) -> DrillChoice | None:
        """What the rep chose, or None (with the problem shown) when something is missing."""
        drill = self.drill()
        if drill is None:
            return self.show_problem("Choose a pack to practise.")
        pack, level, objection_id = drill
        folder = self.folder if self.files_choice.isChecked() else None
        if self.files_choice.isChecked() and folder is None:
            return self.show_problem("Choose the folder of answer files, or answer with your microphone.")
        self.problem.hide()
        return DrillChoice(pack, level, objection_id, folder, self.suds.rating())

    def show_problem(self, text: str) -> None:
        """Say what stops the drill from starting."""
        self.problem.setText(text)
        self.problem.show()
        return None
