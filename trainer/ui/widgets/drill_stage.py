"""The live part of the drill view: what is happening now, the prospect's line, the help shown before
answering, the microphone's level and the words the engine hears so far."""

from __future__ import annotations

from trainer.ui.style import set_kind
from trainer.ui.widgets.common import Card, hbox, label, pill
from trainer.ui.widgets.level_meter import LevelMeter

STAGES = {  # stage -> (pill text, pill tone)
    "prep": ("GET READY", ""),
    "starting": ("STARTING", "muted"),
    "prospect": ("THE PROSPECT IS SPEAKING", "muted"),
    "answer": ("YOUR TURN", "good"),
    "speaking": ("YOUR TURN · LISTENING", "good"),
    "pausing": ("YOUR TURN · STILL LISTENING", "good"),  # a pause mid-answer: the turn is held open
    "scoring": ("SCORING YOUR ANSWER", "warn"),
    "stopping": ("ENDING THE DRILL", "muted"),
}


class Stage(Card):
    """The live part: what is happening now, the line, the help, the meter and what the engine hears."""

    def __init__(self) -> None:
        super().__init__(spacing=14, margins=24)
        self.state = pill("")
        self.clock = label("", "big")
        self.line = label("", wrap=True)
        self.line.setStyleSheet("font-size: 17pt; font-weight: 600;")
        self.help = Card(kind="inset", margins=14)
        self.help_title = label("", "section")
        self.help_text = label("", wrap=True)
        self.help.body.addWidget(self.help_title)
        self.help.body.addWidget(self.help_text)
        self.meter = LevelMeter()
        self.partial = label("", "muted", wrap=True)
        self.partial.setStyleSheet("font-size: 13pt;")
        self.partial.setMinimumHeight(48)
        self.hints = label("", "faint")
        self.body.addLayout(hbox(self.state, None, self.clock))
        self.body.addWidget(self.line)
        self.body.addWidget(self.help)
        self.body.addLayout(hbox(label("Your microphone", "muted"), (self.meter, 1), spacing=12))
        self.body.addWidget(self.partial)
        self.body.addWidget(self.hints)

    def set_stage(self, stage: str) -> None:
        """Show the stage's label."""
        text, tone = STAGES[stage]
        self.state.setText(text)
        set_kind(self.state, f"pill_{tone}" if tone else "pill")
