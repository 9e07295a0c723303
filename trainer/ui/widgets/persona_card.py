"""Who the rep is talking to: an initials avatar, name, role and temperament.

The temperament shown is the one the persona has at the level (`level_persona`: the
level's temperament bounds the persona's own, warm at most at level 1, curt or harsher
at 4-5, so a hostile persona stays hostile there), because that is how the prospect
will come across.
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QFrame, QWidget

from trainer.core.pack_model import Persona
from trainer.ui.style import set_kind
from trainer.ui.widgets.common import hbox, label, pill, vbox

AVATAR_COLORS = ("#4c5fd5", "#1f9d68", "#c2571a", "#8a4fd6", "#0f7e9b", "#b23b6a")
TEMPERAMENT_TONES = {"warm": "good", "friendly": "good", "curt": "bad", "hostile": "bad", "busy": "warn",
                     "skeptical": "warn", "sceptical": "warn"}


class Avatar(QWidget):
    """A coloured circle with a person's initials (the colour is stable per name)."""

    def __init__(self, name: str = "", diameter: int = 48) -> None:
        super().__init__()
        self.setFixedSize(diameter, diameter)
        self.set_name(name)

    def set_name(self, name: str) -> None:
        """Show this person's initials."""
        self.initials = "".join(part[0] for part in name.split()[:2]).upper() or "?"
        digest = hashlib.sha256(name.encode()).digest()[0]
        self.fill = QColor(AVATAR_COLORS[digest % len(AVATAR_COLORS)])
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.fill)
        painter.drawEllipse(QRectF(0, 0, self.width(), self.height()))
        font = QFont(self.font())
        font.setPixelSize(round(self.height() * 0.38))
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.initials)


class PersonaCard(QFrame):
    """The prospect: avatar, name, role and temperament."""

    def __init__(self) -> None:
        super().__init__()
        set_kind(self, "card")
        self.avatar = Avatar()
        self.name = label("", "quote")
        self.role = label("", "muted", wrap=True)
        self.temperament = pill("")
        layout = hbox(self.avatar, (vbox(hbox(self.name, self.temperament, None), self.role, spacing=2), 1), spacing=14)
        layout.setContentsMargins(16, 12, 16, 12)
        self.setLayout(layout)

    def set_persona(self, persona: Persona | None) -> None:
        """Show a persona (None: an unnamed prospect)."""
        name = persona.name if persona else "Prospect"
        self.avatar.set_name(name)
        self.name.setText(name)
        self.role.setText(persona.role if persona else "")
        temperament = persona.temperament if persona else "neutral"
        self.temperament.setText(temperament)
        set_kind(self.temperament, f"pill_{TEMPERAMENT_TONES.get(temperament, 'muted')}")
