"""Progress's "Where you hesitate" panel: one row per habit area, worst first, with its figures, trend and reason.

It shows a `trainer.core.profile.Profile` as `trainer profile` prints it: drills,
hesitations, median wait before answering, hedges per answer, anxiety before, score,
drills avoided, the trend, what the rep said in the self-check, and the reason in
words under each row. Thin areas are greyed and say how many drills they still need.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout

from trainer.core.profile import AreaProfile, Profile
from trainer.ui.widgets.common import Card, button, clear_layout, label, pill

COLUMNS = ("Area", "Drills", "Hesitations", "Wait", "Hedges", "Anxiety", "Score", "Avoided", "Trend", "You said")
TREND_WORDS = {"better": ("↘ better", "good"), "worse": ("↗ worse", "bad"), "steady": ("→ steady", "muted")}


def _figure(value, pattern: str) -> str:
    return "–" if value is None else pattern.format(value)


def area_cells(area: AreaProfile) -> tuple[str, ...]:
    """The row's texts after the area's name, in `COLUMNS` order."""
    rate = None if area.hesitation_rate is None else area.hesitation_rate * 100
    return (str(area.drills), _figure(rate, "{:.0f}%"), _figure(area.median_latency_s, "{:.1f} s"),
            _figure(area.hedges_per_answer, "{:.1f}"), _figure(area.suds_before, "{:.0f}"),
            _figure(area.mean_score, "{:.0f}"), str(area.avoided), "", _figure(area.said, "{:.0f}/100"))


class HesitationPanel(Card):
    """The profile's areas as a table; a button to take the self-check."""

    selfcheck_requested = Signal()

    def __init__(self) -> None:
        super().__init__("Where you hesitate")
        self.focus = label("", "muted", wrap=True)
        self.selfcheck_button = button("Take the self-check…", None, self.selfcheck_requested.emit,
                                       tooltip="Sixteen statements, about two minutes: how often you put off each "
                                               "kind of contact")
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(2)
        self.body.addWidget(self.focus)
        self.body.addLayout(self.grid)
        self.body.addWidget(self.selfcheck_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.rows: list[str] = []  # area ids in the order shown

    def set_profile(self, profile: Profile) -> None:
        """Show `profile`, worst area first."""
        if profile.focus is None:
            self.focus.setText("No focus yet: an area is compared once it has "
                               f"{profile.min_drills} drills. The self-check can point the way until then."
                               if not any(a.ranked for a in profile.areas) else "Nothing stands out: keep going.")
        else:
            area = profile.area(profile.focus).area
            source = "your drills" if profile.focus_source == "drills" else "what you said in the self-check"
            self.focus.setText(f"Focus: {area.label}, from {source}. Today's practice starts there.")
        self.selfcheck_button.setText("Take the self-check again…" if profile.selfcheck_taken else
                                      "Take the self-check…")
        clear_layout(self.grid)
        for column, title in enumerate(COLUMNS):
            self.grid.addWidget(label(title, "faint"), 0, column)
        self.rows = []
        for index, area in enumerate(profile.areas):
            row = 1 + 2 * index
            tone = None if area.ranked else "faint"
            self.grid.addWidget(label(area.area.label, None if area.ranked else "muted"), row, 0)
            for column, text in enumerate(area_cells(area), 1):
                if COLUMNS[column] == "Trend":
                    words, trend_tone = TREND_WORDS.get(area.trend, ("–", "muted"))
                    self.grid.addWidget(pill(words, trend_tone) if area.trend else label(words, "faint"), row, column)
                else:
                    self.grid.addWidget(label(text, tone), row, column)
            reason = label(area.reason[0].upper() + area.reason[1:], "faint" if not area.ranked else "muted", wrap=True)
            self.grid.addWidget(reason, row + 1, 0, 1, len(COLUMNS))
            self.rows.append(area.area.id)
        self.grid.setColumnStretch(0, 1)
